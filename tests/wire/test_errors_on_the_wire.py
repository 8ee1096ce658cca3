"""Errors arrive exactly as Bedrock sends them, so botocore raises its modeled classes."""

from __future__ import annotations

import pytest
from botocore.exceptions import ClientError, EventStreamError

from langchain_bedrock_enhanced.emulator import BedrockEmulator
from tests.wire.conftest import ClientFactory, make_client

SONNET = "us.anthropic.claude-sonnet-4-5-20250929-v1:0"
HELLO = [{"role": "user", "content": [{"text": "hello"}]}]

MODELED = {
    "AccessDeniedException": 403,
    "InternalServerException": 500,
    "ModelErrorException": 424,
    "ModelNotReadyException": 429,
    "ModelTimeoutException": 408,
    "ResourceNotFoundException": 404,
    "ServiceQuotaExceededException": 400,
    "ServiceUnavailableException": 503,
    "ThrottlingException": 429,
    "ValidationException": 400,
}


@pytest.mark.parametrize(("code", "status"), sorted(MODELED.items()))
def test_every_modeled_error_raises_its_botocore_class(code: str, status: int) -> None:
    fault = {"match": {"operation": "InvokeModel"}, "error": code}
    with BedrockEmulator(scenario={"faults": [fault]}) as emu:
        client = make_client(emu.endpoint_url)
        with pytest.raises(getattr(client.exceptions, code)) as info:
            client.invoke_model(modelId=SONNET, body=b"{}")
    response = info.value.response
    assert response["ResponseMetadata"]["HTTPStatusCode"] == status
    headers = response["ResponseMetadata"]["HTTPHeaders"]
    assert headers["x-amzn-errortype"] == (
        f"{code}:http://internal.amazon.com/coral/com.amazon.bedrock/"
    )
    assert headers["x-amzn-requestid"] == response["ResponseMetadata"]["RequestId"]
    assert response["Error"]["Message"]


def test_a_scenario_message_replaces_the_default_text() -> None:
    fault = {
        "match": {"operation": "Converse"},
        "error": "ThrottlingException",
        "message": "Too many tokens, please wait before trying again.",
    }
    with BedrockEmulator(scenario={"faults": [fault]}) as emu:
        client = make_client(emu.endpoint_url)
        with pytest.raises(client.exceptions.ThrottlingException) as info:
            client.converse(modelId=SONNET, messages=HELLO)
    assert info.value.response["Error"]["Message"] == (
        "Too many tokens, please wait before trying again."
    )


def test_mid_stream_fault_is_an_exception_frame_with_a_lower_camel_code() -> None:
    fault = {
        "match": {"operation": "ConverseStream"},
        "mid_stream": "ServiceUnavailableException",
        "after_events": 2,
    }
    with BedrockEmulator(scenario={"faults": [fault]}) as emu:
        client = make_client(emu.endpoint_url)
        response = client.converse_stream(modelId=SONNET, messages=HELLO)
        received = []
        with pytest.raises(EventStreamError) as info:
            received.extend(response["stream"])
    assert [next(iter(e)) for e in received] == ["messageStart", "contentBlockDelta"]
    assert info.value.response["Error"]["Code"] == "serviceUnavailableException"
    assert info.value.response["Error"]["Message"] == "Bedrock is unable to process your request."
    (record,) = emu.requests
    assert (record.status, record.error_code) == (200, "ServiceUnavailableException")


def test_mid_stream_fault_also_breaks_invoke_model_with_response_stream() -> None:
    fault = {"mid_stream": "ThrottlingException", "after_events": 1}
    with BedrockEmulator(scenario={"faults": [fault]}) as emu:
        client = make_client(emu.endpoint_url)
        body = (
            b'{"schemaVersion":"messages-v1","messages":[{"role":"user","content":[{"text":"x"}]}]}'
        )
        stream = client.invoke_model_with_response_stream(
            modelId="amazon.nova-lite-v1:0", body=body
        )
        with pytest.raises(EventStreamError) as info:
            list(stream["body"])
    assert info.value.response["Error"]["Code"] == "throttlingException"


def test_dropped_connection_surfaces_as_a_botocore_connection_error() -> None:
    fault = {"match": {"operation": "Converse"}, "drop_connection": True, "times": 1}
    with BedrockEmulator(scenario={"faults": [fault]}) as emu:
        client = make_client(emu.endpoint_url)
        with pytest.raises(Exception) as info:  # noqa: PT011 - botocore's class varies by platform
            client.converse(modelId=SONNET, messages=HELLO)
        assert not isinstance(info.value, ClientError)
        assert "Connection" in type(info.value).__name__
        # The next request is served normally.
        assert client.converse(modelId=SONNET, messages=HELLO)["stopReason"] == "end_turn"


def test_botocore_retries_are_visible_as_attempts_in_the_request_log() -> None:
    fault = {"match": {"operation": "Converse"}, "error": "ServiceUnavailableException", "times": 2}
    with BedrockEmulator(scenario={"faults": [fault]}) as emu:
        client = make_client(
            emu.endpoint_url, retries={"mode": "standard", "total_max_attempts": 3}
        )
        client.converse(modelId=SONNET, messages=HELLO)
    assert [(r.attempt, r.status) for r in emu.requests] == [(1, 503), (2, 503), (3, 200)]


@pytest.mark.parametrize(
    ("model_id", "message"),
    [
        (
            "anthropic.claude-3-7-sonnet-20250219-v1:0",
            (
                "This model version has reached the end of its life. "
                "Please refer to the AWS documentation for more details."
            ),
        ),
        (
            "us.anthropic.claude-opus-4-1-20250805-v1:0",
            (
                "Access denied. This Model is marked by provider as Legacy and you have not been "
                "actively using the model in the last 30 days. "
                "Please upgrade to an active model on Amazon Bedrock"
            ),
        ),
    ],
)
def test_retired_models_answer_resource_not_found_verbatim(
    runtime: ClientFactory, model_id: str, message: str
) -> None:
    client = runtime()
    if model_id.startswith("anthropic.claude-3-7"):
        model_id = "us." + model_id
    with pytest.raises(client.exceptions.ResourceNotFoundException) as info:
        client.converse(modelId=model_id, messages=HELLO)
    assert info.value.response["Error"]["Message"] == message


def test_identifier_failing_the_model_id_pattern_gets_the_regex_message(
    runtime: ClientFactory,
) -> None:
    client = runtime()
    with pytest.raises(client.exceptions.ValidationException) as info:
        client.converse(modelId="not a model!", messages=HELLO)
    assert info.value.response["Error"]["Message"].startswith(
        "1 validation error detected: Value 'not a model!' at 'modelId' failed to satisfy"
    )


def test_unknown_route_is_an_aws_shaped_404(emulator: BedrockEmulator) -> None:
    import urllib.error
    import urllib.request

    with pytest.raises(urllib.error.HTTPError) as info:
        urllib.request.urlopen(f"{emulator.endpoint_url}/nowhere")  # noqa: S310 - loopback
    assert info.value.code == 404
    assert info.value.headers["x-amzn-ErrorType"].startswith("UnknownOperationException:")
