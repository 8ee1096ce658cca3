"""What Bedrock rejects, rejected by the emulator with Bedrock's own words (issue 13, §2).

Each rule is shown twice: through raw boto3, which gets the emulator's verbatim
`ValidationException`, and through our chat model, which raises our typed error: after
the request (the log holds it) when the package does not check the rule itself, before
any request when it does (`maxTokens`).
"""

from __future__ import annotations

import base64
import os
import struct
from collections.abc import Callable, Iterator
from typing import Any

import pytest
from botocore.exceptions import ClientError
from langchain_core.messages import AIMessage, HumanMessage, ToolMessage
from langchain_core.tools import tool

from langchain_bedrock_enhanced import (
    ParameterValidationError,
    RequestValidationError,
    create_langchain_chatbedrock,
)
from langchain_bedrock_enhanced.emulator import BedrockEmulator
from tests.wire.conftest import ClientFactory, make_client

pytestmark = pytest.mark.emulator

HAIKU_3 = "anthropic.claude-3-haiku-20240307-v1:0"
HAIKU_45 = "us.anthropic.claude-haiku-4-5-20251001-v1:0"
LLAMA = "us.meta.llama3-3-70b-instruct-v1:0"
LARGE_3 = "mistral.mistral-large-3-675b-instruct"
NOVA_PRO = "us.amazon.nova-pro-v1:0"
MODEL_ERRORS = "The model returned the following errors: "


@pytest.fixture(autouse=True)
def _no_bearer_token() -> Iterator[None]:
    saved = os.environ.pop("AWS_BEARER_TOKEN_BEDROCK", None)
    yield
    if saved is not None:
        os.environ["AWS_BEARER_TOKEN_BEDROCK"] = saved


@tool
def add(a: int, b: int) -> int:
    """Add two integers."""
    return a + b


ADD_TOOL = {
    "tools": [
        {
            "toolSpec": {
                "name": "add",
                "description": "Add two integers.",
                "inputSchema": {"json": {"type": "object", "properties": {}}},
            }
        }
    ]
}


def refusal(call: Callable[[], Any]) -> tuple[int, str, str]:
    """The HTTP status, error code and message boto3 raised."""
    with pytest.raises(ClientError) as caught:
        call()
    response = caught.value.response
    status = response["ResponseMetadata"]["HTTPStatusCode"]
    return status, response["Error"]["Code"], response["Error"]["Message"]


def user(*blocks: dict[str, Any]) -> dict[str, Any]:
    return {"role": "user", "content": list(blocks)}


def assistant(*blocks: dict[str, Any]) -> dict[str, Any]:
    return {"role": "assistant", "content": list(blocks)}


def tool_use(tool_use_id: str) -> dict[str, Any]:
    return {"toolUse": {"toolUseId": tool_use_id, "name": "add", "input": {"a": 1, "b": 2}}}


def tool_result(tool_use_id: str) -> dict[str, Any]:
    return {"toolResult": {"toolUseId": tool_use_id, "content": [{"text": "3"}]}}


def chat_model(emulator: BedrockEmulator, model_id: str, **kwargs: Any) -> Any:
    return create_langchain_chatbedrock(
        model_id,
        endpoint_url=emulator.endpoint_url,
        region_name="us-east-1",
        catalog=False,
        **kwargs,
    )


def logged(emulator: BedrockEmulator) -> list[tuple[str, str | None, int, str | None]]:
    return [(r.operation, r.model_id, r.status, r.error_code) for r in emulator.requests]


def png(width: int, height: int, size: int = 0) -> bytes:
    header = b"\x89PNG\r\n\x1a\n\x00\x00\x00\rIHDR" + struct.pack(">II", width, height)
    return header + b"\x00" * max(0, size - len(header))


TEXT = {"text": "Please read these."}


def _client(emulator: BedrockEmulator, region: str = "us-east-1") -> Any:
    return make_client(emulator.endpoint_url, region=region)


def document(name: str, data: bytes = b"a,b\n1,2\n") -> dict[str, Any]:
    return {"document": {"format": "csv", "name": name, "source": {"bytes": data}}}


# --- The context window ------------------------------------------------------------------


def test_a_prompt_beyond_haiku_4_5s_200k_token_window_is_too_long(runtime: ClientFactory) -> None:
    client = runtime()
    # The emulator counts four characters a token: 800,004 characters are 200,001 tokens.
    too_long = [user({"text": "x" * 800_004})]
    assert refusal(lambda: client.converse(modelId=HAIKU_45, messages=too_long)) == (
        400,
        "ValidationException",
        MODEL_ERRORS + "Input is too long for requested model.",
    )
    fits = client.converse(modelId=HAIKU_45, messages=[user({"text": "x" * 800_000})])
    assert fits["usage"]["inputTokens"] == 200_000


def test_a_llama_prompt_beyond_its_window_gets_the_bare_text_on_invoke_model() -> None:
    small = {"model_id": "meta.llama3-8b-instruct-v1:0", "context_window": 10}
    with BedrockEmulator(scenario={"world": {"models": [small]}}) as emu:
        client = _client(emu)
        body = b'{"prompt": "' + b"word " * 20 + b'"}'
        assert refusal(
            lambda: client.invoke_model(modelId="meta.llama3-8b-instruct-v1:0", body=body)
        ) == (400, "ValidationException", "Input is too long for requested model.")


def test_through_the_chat_model_a_too_long_prompt_is_a_typed_error_after_the_request(
    emulator: BedrockEmulator,
) -> None:
    model = chat_model(emulator, HAIKU_45)
    with pytest.raises(RequestValidationError, match="Input is too long") as caught:
        model.invoke("x" * 800_004)
    assert isinstance(caught.value, ClientError)
    assert logged(emulator) == [("Converse", HAIKU_45, 400, "ValidationException")]


# --- maxTokens above the output cap ------------------------------------------------------


def test_max_tokens_above_the_output_cap_is_refused_with_the_limit_named(
    runtime: ClientFactory, emulator: BedrockEmulator
) -> None:
    client = runtime()
    assert refusal(
        lambda: client.converse(
            modelId=HAIKU_3, messages=[user({"text": "Hi"})], inferenceConfig={"maxTokens": 4097}
        )
    ) == (
        400,
        "ValidationException",
        (
            "The maximum tokens you requested exceed the model limit of 4096. Try again with a "
            "maximum tokens value lower than 4096."
        ),
    )
    emulator.clear_requests()
    with pytest.raises(ParameterValidationError):
        chat_model(emulator, HAIKU_3, max_tokens=4097).invoke("Hi")
    assert emulator.requests == []


# --- Meta Llama: tool blocks in turns of their own ---------------------------------------


def test_llama_refuses_text_beside_tool_use_and_beside_a_tool_result(
    runtime: ClientFactory,
) -> None:
    client = runtime()
    mixed_use = [
        user(TEXT),
        assistant({"text": "Adding."}, tool_use("t1")),
        user(tool_result("t1")),
    ]
    assert refusal(
        lambda: client.converse(modelId=LLAMA, messages=mixed_use, toolConfig=ADD_TOOL)
    ) == (
        400,
        "ValidationException",
        (
            "messages.1.content: Conversation blocks and tool use blocks cannot be provided in the "
            "same turn."
        ),
    )
    mixed_result = [user(TEXT), assistant(tool_use("t1")), user(tool_result("t1"), TEXT)]
    assert refusal(
        lambda: client.converse(modelId=LLAMA, messages=mixed_result, toolConfig=ADD_TOOL)
    )[2] == (
        "messages.2.content: Conversation blocks and tool result blocks cannot be provided in "
        "the same turn."
    )
    apart = [user(TEXT), assistant(tool_use("t1")), user(tool_result("t1"))]
    assert client.converse(modelId=LLAMA, messages=apart, toolConfig=ADD_TOOL)["stopReason"]


def test_through_the_chat_model_llama_refuses_an_ai_message_with_text_and_tool_calls(
    emulator: BedrockEmulator,
) -> None:
    model = chat_model(emulator, LLAMA).bind_tools([add])
    call = {"name": "add", "args": {"a": 1, "b": 2}, "id": "call1", "type": "tool_call"}
    history = [HumanMessage("What is 1 + 2?"), ToolMessage("3", tool_call_id="call1")]
    with pytest.raises(RequestValidationError, match="Conversation blocks and tool use blocks"):
        model.invoke([history[0], AIMessage("Let me add.", tool_calls=[call]), history[1]])
    answer = model.invoke([history[0], AIMessage("", tool_calls=[call]), history[1]])
    assert "3" in answer.text
    assert [r.status for r in emulator.requests] == [400, 200]


# --- Mistral 3: nine-character tool-call IDs ---------------------------------------------


def test_mistral_large_3_refuses_tool_call_ids_that_are_not_nine_letters_or_digits(
    runtime: ClientFactory,
) -> None:
    client = runtime()

    def history(tool_use_id: str) -> list[dict[str, Any]]:
        return [user(TEXT), assistant(tool_use(tool_use_id)), user(tool_result(tool_use_id))]

    assert (
        refusal(
            lambda: client.converse(
                modelId=LARGE_3, messages=history("abc123"), toolConfig=ADD_TOOL
            )
        )[2]
        == MODEL_ERRORS + "Tool call id was abc123 but must be a-z, A-Z, 0-9, with a length of 9."
    )
    reply = client.converse(modelId=LARGE_3, messages=history("aB3xK9mP2"), toolConfig=ADD_TOOL)
    assert reply["stopReason"] == "end_turn"


def test_through_the_chat_model_a_foreign_tool_call_id_is_rewritten_for_mistral_large_3(
    emulator: BedrockEmulator,
) -> None:
    # Raw boto3 gets Bedrock's refusal (above); the family rewrites the ID instead.
    model = chat_model(emulator, LARGE_3).bind_tools([add])
    call = {"name": "add", "args": {"a": 1, "b": 2}, "id": "call_1", "type": "tool_call"}
    messages = [HumanMessage("1 + 2?"), AIMessage("", tool_calls=[call])]
    answer = model.invoke([*messages, ToolMessage("3", tool_call_id="call_1")])
    assert answer.text
    assert logged(emulator) == [("Converse", LARGE_3, 200, None)]


# --- Images and documents ----------------------------------------------------------------


def test_an_image_format_outside_botocores_enum_is_refused(runtime: ClientFactory) -> None:
    image = {"image": {"format": "bmp", "source": {"bytes": png(2, 2)}}}
    assert refusal(lambda: runtime().converse(modelId=HAIKU_45, messages=[user(TEXT, image)]))[
        2
    ] == (
        "1 validation error detected: Value 'bmp' at 'messages.1.member.content.2.member.image."
        "format' failed to satisfy constraint: Member must satisfy enum value set: "
        "[png, jpeg, gif, webp]"
    )


def test_claude_refuses_an_image_whose_base64_passes_5_mib(runtime: ClientFactory) -> None:
    image = {"image": {"format": "png", "source": {"bytes": png(64, 64, size=3_932_161)}}}
    assert refusal(lambda: runtime().converse(modelId=HAIKU_45, messages=[user(TEXT, image)]))[
        2
    ] == (
        MODEL_ERRORS + "messages.0.content.1.image.source.bytes: image exceeds 5 MB maximum: "
        "5242884 bytes > 5242880 bytes"
    )


def test_claude_refuses_more_than_20_images(runtime: ClientFactory) -> None:
    images = [{"image": {"format": "png", "source": {"bytes": png(2, 2)}}} for _ in range(21)]
    assert refusal(lambda: runtime().converse(modelId=HAIKU_45, messages=[user(TEXT, *images)]))[
        2
    ] == (MODEL_ERRORS + "messages: too many images: image_count > 20")


def test_nova_refuses_an_image_over_8000_pixels_with_the_documented_rule(
    runtime: ClientFactory,
) -> None:
    image = {"image": {"format": "png", "source": {"bytes": png(8001, 100)}}}
    assert refusal(lambda: runtime().converse(modelId=NOVA_PRO, messages=[user(TEXT, image)]))[
        2
    ].startswith("You can include up to 20 images.")


@pytest.mark.parametrize(
    ("content", "message"),
    [
        (
            [TEXT, *(document(f"report {i}") for i in range(6))],
            "You can't include more than 5 documents in a request.",
        ),
        (
            [TEXT, document("report.csv")],
            (
                "The document file name can only contain alphanumeric characters, whitespace "
                "characters, hyphens, parentheses, and square brackets. The name can't contain "
                "more than one consecutive whitespace character. Check that the file name conforms "
                "to these restrictions and retry your request."
            ),
        ),
        (
            [TEXT, document("report"), document("report")],
            "Messages can't contain duplicate document names.",
        ),
        (
            [document("report")],
            (
                "A text block must be included when using documents. Add a text block and retry "
                "your request."
            ),
        ),
        (
            [TEXT, document("big", b"x" * (int(4.5 * 1024 * 1024) + 1))],
            (
                "The maximum document size is 4.5 MB. Reduce the size of your document and retry "
                "your request."
            ),
        ),
    ],
    ids=["six-documents", "name-with-a-dot", "duplicate-names", "no-text", "over-4.5-mib"],
)
def test_documents_are_checked_against_bedrocks_rules(
    runtime: ClientFactory, content: list[dict[str, Any]], message: str
) -> None:
    assert refusal(lambda: runtime().converse(modelId=HAIKU_45, messages=[user(*content)])) == (
        400,
        "ValidationException",
        message,
    )


def test_through_the_chat_model_six_documents_are_a_typed_error(emulator: BedrockEmulator) -> None:
    documents = [
        {
            "type": "file",
            "base64": base64.b64encode(b"a,b\n1,2\n").decode(),
            "mime_type": "text/csv",
            "filename": f"report {i}",
        }
        for i in range(6)
    ]
    message = HumanMessage(content=[{"type": "text", "text": "Compare these."}, *documents])
    with pytest.raises(RequestValidationError, match="more than 5 documents"):
        chat_model(emulator, HAIKU_45).invoke([message])
    assert [r.status for r in emulator.requests] == [400]


# --- performanceConfig and serviceTier ----------------------------------------------------


def test_nova_pro_serves_and_echoes_optimized_latency_and_the_priority_tier() -> None:
    with BedrockEmulator() as emu:
        client = _client(emu, region="us-east-2")
        settings: dict[str, Any] = {
            "performanceConfig": {"latency": "optimized"},
            "serviceTier": {"type": "priority"},
        }
        reply = client.converse(modelId=NOVA_PRO, messages=[user({"text": "Hi"})], **settings)
        stream = client.converse_stream(
            modelId=NOVA_PRO, messages=[user({"text": "Hi"})], **settings
        )
        metadata = next(e["metadata"] for e in stream["stream"] if "metadata" in e)
        invoked = client.invoke_model(
            modelId=NOVA_PRO,
            body=b'{"messages": [{"role": "user", "content": [{"text": "Hi"}]}]}',
            performanceConfigLatency="optimized",
            serviceTier="flex",
        )
    assert (reply["performanceConfig"], reply["serviceTier"]) == (
        {"latency": "optimized"},
        {"type": "priority"},
    )
    assert (metadata["performanceConfig"], metadata["serviceTier"]) == (
        {"latency": "optimized"},
        {"type": "priority"},
    )
    assert (invoked["performanceConfigLatency"], invoked["serviceTier"]) == ("optimized", "flex")


@pytest.mark.parametrize(
    ("settings", "message"),
    [
        (
            {"serviceTier": {"type": "priority"}},
            "The provided service tier is not supported for this model.",
        ),
        ({"serviceTier": {"type": "reserved"}}, "Reservation not found."),
        ({"serviceTier": {"type": "cheapest"}}, "service tier provided is invalid"),
        (
            {"performanceConfig": {"latency": "optimized"}},
            (
                "Latency-optimized inference isn't supported for this model in this Region. "
                "Remove performanceConfig or set latency to standard and try again."
            ),
        ),
    ],
    ids=["priority", "reserved", "unknown-tier", "optimized"],
)
def test_what_claude_3_haiku_does_not_serve_is_refused(
    runtime: ClientFactory, settings: dict[str, Any], message: str
) -> None:
    client = runtime()
    call = lambda: client.converse(modelId=HAIKU_3, messages=[user({"text": "Hi"})], **settings)  # noqa: E731
    assert refusal(call) == (400, "ValidationException", message)


def test_through_the_chat_model_a_tier_is_echoed_or_refused(emulator: BedrockEmulator) -> None:
    flex = chat_model(emulator, NOVA_PRO, service_tier="flex").invoke("Hi")
    assert flex.response_metadata["serviceTier"] == {"type": "flex"}
    with pytest.raises(RequestValidationError, match="service tier is not supported"):
        chat_model(emulator, HAIKU_45, service_tier="priority").invoke("Hi")


# --- CountTokens: bare IDs, never profiles -----------------------------------------------


def test_count_tokens_counts_for_the_bare_id_of_a_profile_only_model(
    runtime: ClientFactory,
) -> None:
    counted = runtime().count_tokens(
        modelId="anthropic.claude-haiku-4-5-20251001-v1:0",
        input={"converse": {"messages": [user({"text": "12345678"})]}},
    )
    assert counted["inputTokens"] == 2


@pytest.mark.parametrize(
    "model_id",
    [
        HAIKU_45,
        "global.anthropic.claude-haiku-4-5-20251001-v1:0",
        "arn:aws:bedrock:us-east-1:123456789012:application-inference-profile/abc123def456",
    ],
)
def test_count_tokens_refuses_inference_profiles(runtime: ClientFactory, model_id: str) -> None:
    call = lambda: runtime().count_tokens(  # noqa: E731
        modelId=model_id, input={"converse": {"messages": [user({"text": "Hi"})]}}
    )
    assert refusal(call) == (
        400,
        "ValidationException",
        "The provided model doesn't support counting tokens.",
    )


def test_through_the_chat_model_tokens_are_counted_against_the_base_model(
    emulator: BedrockEmulator,
) -> None:
    count = chat_model(emulator, HAIKU_45).get_num_tokens_from_messages([HumanMessage("12345678")])
    assert count == 2
    assert logged(emulator) == [
        ("CountTokens", "anthropic.claude-haiku-4-5-20251001-v1:0", 200, None)
    ]
