"""One error contract on every path, streams that never repeat, attempts that match the wire.

Every test goes through real boto3 (and aiobotocore) to the emulator, and checks what
the emulator saw against what the package reported.
"""

from __future__ import annotations

import asyncio
from typing import Any

import pytest
from botocore.exceptions import ClientError, EventStreamError
from langchain_core.messages import AIMessageChunk

from langchain_bedrock_enhanced import (
    BedrockEnhancedError,
    BedrockRetryError,
    ProfileRequirementError,
    StreamInterruptedError,
    ThrottlingError,
    create_langchain_chatbedrock,
    run_parallel,
    with_bedrock_retry,
)
from langchain_bedrock_enhanced.access import AccessMethodTracker
from langchain_bedrock_enhanced.emulator import BedrockEmulator

HAIKU = "anthropic.claude-3-haiku-20240307-v1:0"
SCOUT = "meta.llama4-scout-17b-instruct-v1:0"
THROTTLE = {"match": {"model_id": HAIKU}, "error": "ThrottlingException"}


def _model(emu: BedrockEmulator, model_id: str = HAIKU, **kwargs: Any) -> Any:
    kwargs.setdefault("region_name", "us-east-1")
    kwargs.setdefault("catalog", False)
    return create_langchain_chatbedrock(model_id, endpoint_url=emu.endpoint_url, **kwargs)


def _statuses(emu: BedrockEmulator) -> list[int]:
    return [record.status for record in emu.requests if record.is_runtime]


def _text(chunks: list[AIMessageChunk]) -> str:
    return "".join(chunk.text for chunk in chunks)


# 1. Typed errors that are still what langchain-aws raised ------------------------------


def test_a_throttled_invoke_is_caught_as_our_error_and_as_botocores() -> None:
    with BedrockEmulator(scenario={"faults": [THROTTLE]}) as emu:
        model = _model(emu)
        with pytest.raises(ThrottlingError) as ours:
            model.invoke("hello")
        with pytest.raises(model.client.exceptions.ThrottlingException) as theirs:
            model.invoke("hello")
    for error in (ours.value, theirs.value):
        assert isinstance(error, ThrottlingError)
        assert isinstance(error, model.client.exceptions.ThrottlingException)
        assert error.response["Error"]["Code"] == "ThrottlingException"
        assert error.response["ResponseMetadata"]["HTTPStatusCode"] == 429
        assert (error.model_id, error.region) == (HAIKU, "us-east-1")
        assert error.access_method == "direct"
        assert error.request_id
        # botocore's own three attempts, every one on the wire.
        assert error.context.attempts == 3
    assert _statuses(emu) == [429] * 6


@pytest.mark.parametrize("path", ["stream", "astream", "ainvoke", "batch", "abatch"])
def test_every_path_raises_the_typed_error(path: str) -> None:
    with BedrockEmulator(scenario={"faults": [THROTTLE]}) as emu:
        model = _model(emu)

        async def run_async() -> Any:
            if path == "astream":
                return [chunk async for chunk in model.astream("hello")]
            if path == "ainvoke":
                return await model.ainvoke("hello")
            return await model.abatch(["hello"])

        def run() -> Any:
            if path == "stream":
                return list(model.stream("hello"))
            if path == "batch":
                return model.batch(["hello"])
            return asyncio.run(run_async())

        with pytest.raises(ThrottlingError) as info:
            run()
    assert isinstance(info.value, ClientError)
    assert info.value.context.attempts == len(_statuses(emu))


def test_the_retry_wrapper_and_run_parallel_report_typed_errors_with_every_request() -> None:
    with BedrockEmulator(scenario={"faults": [THROTTLE]}) as emu:
        robust = with_bedrock_retry(_model(emu), max_attempts=2, backoff_base=0)
        with pytest.raises(BedrockRetryError) as info:
            robust.invoke("hello")
        assert info.value.context.attempts == len(_statuses(emu))
        assert isinstance(info.value.__cause__, ThrottlingError)

        emu.clear_requests()
        response = run_parallel(_model(emu), ["a", "b"], progress=False)
    assert all(isinstance(result.error, ThrottlingError) for result in response)
    assert all(isinstance(result.error, ClientError) for result in response)
    assert response.statistics.attempts == len(_statuses(emu))


# 2. Streams: retried until content, then never again -----------------------------------


def test_a_fault_in_the_first_event_is_retried_and_the_stream_completes() -> None:
    fault = {"match": {"model_id": HAIKU}, "mid_stream": "ThrottlingException", "times": 1}
    with BedrockEmulator(scenario={"faults": [fault]}) as emu:
        clean = _text(list(_model(emu).stream("hello")))
        emu.clear_requests()
        emu.set_scenario({"faults": [fault]})
        chunks = list(_model(emu).stream("hello"))
    assert _text(chunks) == clean
    assert _statuses(emu) == [200, 200]
    assert chunks[0].response_metadata["attempts"] == 2


async def test_an_async_stream_is_retried_before_content_too() -> None:
    fault = {"match": {"model_id": HAIKU}, "mid_stream": "ModelStreamErrorException", "times": 1}
    with BedrockEmulator(scenario={"faults": [fault]}) as emu:
        chunks = [chunk async for chunk in _model(emu).astream("hello")]
    assert _text(chunks)
    assert len(_statuses(emu)) == 2
    assert chunks[0].response_metadata["attempts"] == 2


@pytest.mark.parametrize("path", ["stream", "astream"])
def test_a_fault_after_content_raises_stream_interrupted_with_what_arrived(path: str) -> None:
    fault = {
        "match": {"model_id": HAIKU},
        "mid_stream": "ServiceUnavailableException",
        "after_events": 3,
    }
    with BedrockEmulator(scenario={"faults": [fault]}) as emu:
        model = _model(emu)
        received: list[AIMessageChunk] = []

        async def consume_async() -> None:
            async for chunk in model.astream("hello"):
                received.append(chunk)  # noqa: PERF401 - kept as each chunk arrives

        def consume() -> None:
            if path == "astream":
                asyncio.run(consume_async())
            else:
                received.extend(model.stream("hello"))

        with pytest.raises(StreamInterruptedError) as info:
            consume()
    error = info.value
    assert error.text
    assert error.text == _text(received)
    assert isinstance(error, EventStreamError)
    assert error.context.attempts == 1
    assert _statuses(emu) == [200]  # sent once: nothing is repeated
    stats = AccessMethodTracker.get_instance().get_statistics()
    # One call, one record: the failure, not a success at the first chunk as well.
    assert (stats[HAIKU, "us-east-1"].failures, stats[HAIKU, "us-east-1"].successes) == (1, 0)


def test_the_retry_wrapper_never_sends_a_stream_again_after_its_content() -> None:
    fault = {
        "match": {"model_id": HAIKU},
        "mid_stream": "ThrottlingException",
        "after_events": 3,
    }
    with BedrockEmulator(scenario={"faults": [fault]}) as emu:
        robust = with_bedrock_retry(_model(emu), max_attempts=3, backoff_base=0)
        with pytest.raises(StreamInterruptedError):
            list(robust.stream("hello"))
    assert _statuses(emu) == [200]


# 3. Attempts that match the wire --------------------------------------------------------


def test_attempts_count_botocores_own_retries() -> None:
    fault = {**THROTTLE, "times": 2}
    with BedrockEmulator(scenario={"faults": [fault]}) as emu:
        message = _model(emu).invoke("hello")
    assert _statuses(emu) == [429, 429, 200]
    assert message.response_metadata["attempts"] == 3


def test_attempts_count_dropped_connections() -> None:
    fault = {"match": {"model_id": HAIKU}, "drop_connection": True, "times": 1}
    with BedrockEmulator(scenario={"faults": [fault]}) as emu:
        message = _model(emu).invoke("hello")
    assert len(_statuses(emu)) == 2
    assert message.response_metadata["attempts"] == 2


def test_the_retry_wrapper_reports_every_request_of_the_call() -> None:
    fault = {**THROTTLE, "times": 4}
    with BedrockEmulator(scenario={"faults": [fault]}) as emu:
        robust = with_bedrock_retry(_model(emu), max_attempts=5, backoff_base=0)
        message = robust.invoke("hello")
    assert _statuses(emu) == [429] * 4 + [200]
    assert message.response_metadata["attempts"] == 5


def test_parallel_statistics_count_what_the_emulator_saw() -> None:
    faults = [
        {**THROTTLE, "probability": 0.3, "seed": 7},
        {"match": {"model_id": HAIKU}, "drop_connection": True, "probability": 0.1, "seed": 8},
    ]
    with BedrockEmulator(scenario={"faults": faults}) as emu:
        response = run_parallel(_model(emu), [f"item {i}" for i in range(40)], progress=False)
    assert response.statistics.attempts == len(_statuses(emu))
    assert response.statistics.by_model == {HAIKU: 40}


# 5. catalog=False keeps the profile requirement typed -----------------------------------


def test_a_model_without_a_profile_here_keeps_raising_the_profile_requirement() -> None:
    with BedrockEmulator() as emu:
        model = _model(emu, SCOUT, region_name="eu-west-1")
        for _ in range(3):
            with pytest.raises(ProfileRequirementError) as info:
                model.invoke("hello")
            assert "inference profile" in info.value.message
        robust = with_bedrock_retry(
            _model(emu, SCOUT, region_name="eu-west-1"),
            regions=["eu-west-1", "us-east-1"],
            max_attempts=1,
        )
        message = robust.invoke("hello")
    assert message.response_metadata["region"] == "us-east-1"
    assert isinstance(info.value, BedrockEnhancedError)


def test_inside_a_chain_a_stream_is_retried_before_content_and_never_after() -> None:
    from langchain_core.output_parsers import StrOutputParser
    from langchain_core.prompts import ChatPromptTemplate

    prompt = ChatPromptTemplate.from_template("Tell me about {topic}")
    before = {"match": {"model_id": HAIKU}, "mid_stream": "ThrottlingException", "times": 1}
    after = {"match": {"model_id": HAIKU}, "mid_stream": "ThrottlingException", "after_events": 3}
    with BedrockEmulator(scenario={"faults": [before]}) as emu:
        chain = prompt | _model(emu) | StrOutputParser()
        text = "".join(chain.stream({"topic": "profiles"}))
        assert text
        assert len(_statuses(emu)) == 2
        emu.clear_requests()
        emu.set_scenario({"faults": [after]})
        with pytest.raises(StreamInterruptedError) as info:
            "".join(chain.stream({"topic": "profiles"}))
    assert info.value.text
    assert len(_statuses(emu)) == 1


async def test_inside_a_chain_an_async_stream_is_retried_before_content() -> None:
    from langchain_core.output_parsers import StrOutputParser
    from langchain_core.prompts import ChatPromptTemplate

    prompt = ChatPromptTemplate.from_template("Tell me about {topic}")
    fault = {"match": {"model_id": HAIKU}, "mid_stream": "ServiceUnavailableException", "times": 1}
    with BedrockEmulator(scenario={"faults": [fault]}) as emu:
        chain = prompt | _model(emu) | StrOutputParser()
        text = "".join([part async for part in chain.astream({"topic": "profiles"})])
    assert text
    assert len(_statuses(emu)) == 2


def test_the_usage_callback_counts_the_same_requests_as_the_wire() -> None:
    from langchain_bedrock_enhanced import get_bedrock_usage_callback

    with BedrockEmulator(scenario={"faults": [{**THROTTLE, "times": 2}]}) as emu:
        model = _model(emu)
        with get_bedrock_usage_callback() as usage:
            model.invoke("hello")
            emu.set_scenario({"faults": [THROTTLE]})
            with pytest.raises(ThrottlingError):
                model.invoke("hello")
    assert usage.totals.attempts == len(_statuses(emu)) == 3 + 3
    assert (usage.totals.successful_requests, usage.totals.failed_requests) == (1, 1)
