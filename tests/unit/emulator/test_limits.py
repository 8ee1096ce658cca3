"""What Bedrock refuses in a request's content: each rule answers with Bedrock's own text."""

from __future__ import annotations

import base64
import struct
from typing import Any

import pytest

from langchain_bedrock_enhanced.emulator import _errors
from langchain_bedrock_enhanced.emulator._limits import (
    check_request,
    image_dimensions,
    request_tier_settings,
    require_native_body,
    tier_settings,
)
from langchain_bedrock_enhanced.emulator._types import (
    ConversationRequest,
    EmulatedError,
    ModelSpec,
)

LLAMA = ModelSpec(
    "meta.llama3-3-70b-instruct-v1:0",
    "Llama 3.3 70B",
    "Meta",
    "llama",
    frozenset(),
    mixed_tool_turns=False,
)
MISTRAL_3 = ModelSpec(
    "mistral.mistral-large-3-675b-instruct",
    "Mistral Large 3",
    "Mistral AI",
    "mistral",
    frozenset(),
    tool_use_id_pattern="[a-zA-Z0-9]{9}",
)
HAIKU_45 = ModelSpec(
    "anthropic.claude-haiku-4-5-20251001-v1:0",
    "Claude Haiku 4.5",
    "Anthropic",
    "claude",
    frozenset(),
    context_window=200_000,
)
CLAUDE_3 = ModelSpec(
    "anthropic.claude-3-haiku-20240307-v1:0", "Claude 3 Haiku", "Anthropic", "claude", frozenset()
)
NOVA = ModelSpec(
    "amazon.nova-pro-v1:0",
    "Nova Pro",
    "Amazon",
    "nova",
    frozenset(),
    latency_optimized_regions=frozenset({"us-east-2"}),
    service_tiers=("default", "priority", "flex"),
)
GENERIC = ModelSpec("acme.frontier-1", "Frontier", "Acme", "converse", frozenset())


def _refusal(request: ConversationRequest, model: ModelSpec, operation: str = "Converse") -> str:
    with pytest.raises(EmulatedError) as caught:
        check_request(request, model, operation=operation)
    assert caught.value.code == "ValidationException"
    return caught.value.message


def _turns(*content: list[dict[str, Any]]) -> ConversationRequest:
    roles = ["user", "assistant"]
    return ConversationRequest(
        messages=[{"role": roles[i % 2], "content": blocks} for i, blocks in enumerate(content)]
    )


def _tool_use(tool_use_id: str = "t1") -> dict[str, Any]:
    return {"toolUse": {"toolUseId": tool_use_id, "name": "add", "input": {}}}


def _tool_result(tool_use_id: str = "t1") -> dict[str, Any]:
    return {"toolResult": {"toolUseId": tool_use_id, "content": [{"text": "3"}]}}


def _png(width: int, height: int, size: int = 0) -> bytes:
    header = b"\x89PNG\r\n\x1a\n\x00\x00\x00\rIHDR" + struct.pack(">II", width, height)
    return header + b"\x00" * max(0, size - len(header))


def _image(data: bytes, fmt: str = "png") -> dict[str, Any]:
    return {"image": {"format": fmt, "source": {"bytes": base64.b64encode(data).decode()}}}


def _document(name: str, data: bytes = b"a,b\n1,2\n", fmt: str = "csv") -> dict[str, Any]:
    encoded = base64.b64encode(data).decode()
    return {"document": {"format": fmt, "name": name, "source": {"bytes": encoded}}}


TEXT = {"text": "Please read this."}


# Tool blocks and text in one turn (Meta Llama) ------------------------------------------


def test_llama_refuses_an_assistant_turn_with_text_beside_its_tool_use():
    request = _turns([{"text": "Add"}], [{"text": "Let me add."}, _tool_use()], [_tool_result()])
    assert _refusal(request, LLAMA) == (
        "messages.1.content: Conversation blocks and tool use blocks cannot be provided in "
        "the same turn."
    )


def test_llama_refuses_a_user_turn_with_text_beside_a_tool_result():
    request = _turns([{"text": "Add"}], [_tool_use()], [_tool_result(), {"text": "And now?"}])
    assert _refusal(request, LLAMA) == _errors.CONVERSATION_AND_TOOL_RESULT.format(index=2)


def test_llama_accepts_tool_blocks_in_turns_of_their_own():
    check_request(
        _turns([{"text": "Add"}], [_tool_use()], [_tool_result()]), LLAMA, operation="Converse"
    )


def test_a_model_that_mixes_turns_accepts_text_beside_tool_use():
    request = _turns([{"text": "Add"}], [{"text": "Let me add."}, _tool_use()], [_tool_result()])
    check_request(request, CLAUDE_3, operation="Converse")


# toolUseId pattern (Mistral 3) --------------------------------------------------------


def test_mistral_3_refuses_a_tool_use_id_that_is_not_nine_letters_or_digits():
    request = _turns([{"text": "Add"}], [_tool_use("abc123")], [_tool_result("abc123")])
    assert _refusal(request, MISTRAL_3) == (
        "The model returned the following errors: Tool call id was abc123 but must be a-z, "
        "A-Z, 0-9, with a length of 9."
    )


def test_mistral_3_refuses_bedrocks_own_tooluse_ids():
    tool_use_id = "tooluse_bpe71yCfRu2b5i-nKGDr5g"
    request = _turns([{"text": "Add"}], [_tool_use(tool_use_id)], [_tool_result(tool_use_id)])
    assert tool_use_id in _refusal(request, MISTRAL_3)


def test_mistral_3_accepts_nine_letters_and_digits():
    request = _turns([{"text": "Add"}], [_tool_use("aB3xK9mP2")], [_tool_result("aB3xK9mP2")])
    check_request(request, MISTRAL_3, operation="Converse")


def test_the_tool_id_text_has_no_model_prefix_outside_converse():
    request = _turns([{"text": "Add"}], [_tool_use("abc")], [_tool_result("abc")])
    assert _refusal(request, MISTRAL_3, "InvokeModel").startswith("Tool call id was abc")


# Context window -----------------------------------------------------------------------


def test_a_prompt_beyond_the_context_window_is_too_long():
    small = ModelSpec(
        "meta.llama3-8b-instruct-v1:0",
        "Llama 3 8B",
        "Meta",
        "llama",
        frozenset(),
        context_window=10,
    )
    assert (
        _refusal(_turns([{"text": "word " * 20}]), small)
        == "Input is too long for requested model."
    )


def test_claude_on_converse_names_the_model_as_the_source():
    request = _turns([{"text": "x" * 800_004}])
    assert _refusal(request, HAIKU_45) == (
        "The model returned the following errors: Input is too long for requested model."
    )
    assert _refusal(request, HAIKU_45, "InvokeModel") == "Input is too long for requested model."


def test_a_prompt_of_exactly_the_context_window_is_accepted():
    check_request(_turns([{"text": "x" * 800_000}]), HAIKU_45, operation="Converse")


# Images --------------------------------------------------------------------------------


def test_an_image_format_outside_the_enum_gets_the_aws_constraint_message():
    request = _turns([TEXT, _image(_png(2, 2), fmt="bmp")])
    assert _refusal(request, CLAUDE_3) == (
        "1 validation error detected: Value 'bmp' at 'messages.1.member.content.2.member."
        "image.format' failed to satisfy constraint: Member must satisfy enum value set: "
        "[png, jpeg, gif, webp]"
    )


def test_claude_counts_an_image_by_its_base64_length_against_5_mib():
    data = _png(100, 100, size=3_932_161)  # base64: 5,242,884 characters
    assert _refusal(_turns([TEXT, _image(data)]), HAIKU_45) == (
        "The model returned the following errors: messages.0.content.1.image.source.bytes: "
        "image exceeds 5 MB maximum: 5242884 bytes > 5242880 bytes"
    )


def test_claude_accepts_an_image_just_under_the_limit():
    check_request(
        _turns([TEXT, _image(_png(100, 100, size=3_932_160))]), HAIKU_45, operation="Converse"
    )


def test_claude_refuses_more_than_20_images():
    images = [_image(_png(2, 2)) for _ in range(21)]
    assert _refusal(_turns([TEXT, *images]), HAIKU_45).endswith(
        "messages: too many images: image_count > 20"
    )


def test_claude_counts_pdfs_with_images():
    images = [_image(_png(2, 2)) for _ in range(19)]
    pdfs = [_document(f"doc {i}", b"%PDF-1.4", "pdf") for i in range(2)]
    assert _refusal(_turns([TEXT, *images, *pdfs]), HAIKU_45).endswith(
        "messages: too many images and documents: 19 + 2 > 20"
    )


def test_claude_refuses_an_image_over_8000_pixels():
    assert "max allowed size: 8000 pixels" in _refusal(
        _turns([TEXT, _image(_png(8001, 10))]), HAIKU_45
    )


def test_other_models_get_the_documented_image_limits():
    assert _refusal(_turns([TEXT, _image(_png(10, 9000))]), NOVA) == _errors.IMAGE_LIMITS
    too_big = _png(10, 10, size=int(3.75 * 1024 * 1024) + 1)
    assert _refusal(_turns([TEXT, _image(too_big)]), NOVA) == _errors.IMAGE_LIMITS
    many = [_image(_png(2, 2)) for _ in range(21)]
    assert _refusal(_turns([TEXT, *many]), NOVA) == _errors.IMAGE_LIMITS


def test_media_rules_apply_to_converse_only():
    check_request(_turns([TEXT, _image(_png(9000, 9000))]), NOVA, operation="InvokeModel")


# Documents -----------------------------------------------------------------------------


def test_more_than_five_documents_are_refused():
    documents = [_document(f"report {i}") for i in range(6)]
    assert _refusal(_turns([TEXT, *documents]), NOVA) == (
        "You can't include more than 5 documents in a request."
    )


@pytest.mark.parametrize("name", ["report.csv", "John's report", "résumé", "a  b", "a\tb"])
def test_a_document_name_outside_bedrocks_characters_is_refused(name: str):
    assert _refusal(_turns([TEXT, _document(name)]), NOVA) == _errors.DOCUMENT_NAME_CHARACTERS


@pytest.mark.parametrize("name", ["Q3 report", "report-2026 (final) [v2]"])
def test_letters_digits_single_spaces_hyphens_and_brackets_are_accepted(name: str):
    check_request(_turns([TEXT, _document(name)]), NOVA, operation="Converse")


def test_a_document_name_over_200_characters_gets_the_aws_length_message():
    assert _refusal(_turns([TEXT, _document("a" * 201)]), NOVA) == (
        "1 validation error detected: Value at 'messages.1.member.content.2.member.document."
        "name' failed to satisfy constraint: Member must have length less than or equal to 200"
    )


def test_two_documents_of_one_name_are_refused():
    request = _turns([TEXT, _document("report")], [{"text": "ok"}], [TEXT, _document("report")])
    assert _refusal(request, NOVA) == "Messages can't contain duplicate document names."


def test_a_document_needs_a_text_block_beside_it():
    assert _refusal(_turns([_document("report")]), NOVA) == (
        "A text block must be included when using documents. Add a text block and retry "
        "your request."
    )


def test_a_document_over_4_5_mib_is_refused_unless_its_format_is_exempt():
    big = b"x" * (int(4.5 * 1024 * 1024) + 1)
    csv = _turns([TEXT, _document("data", big, "csv")])
    assert _refusal(csv, HAIKU_45) == _errors.DOCUMENT_TOO_LARGE
    # inference-api-restrictions: no 4.5 MB rule for PDF on Claude 4+, PDF and DOCX on Nova.
    check_request(_turns([TEXT, _document("data", big, "pdf")]), HAIKU_45, operation="Converse")
    check_request(_turns([TEXT, _document("data", big, "docx")]), NOVA, operation="Converse")
    assert _refusal(_turns([TEXT, _document("data", big, "pdf")]), CLAUDE_3) == (
        _errors.DOCUMENT_TOO_LARGE
    )


# Tiers ---------------------------------------------------------------------------------


def test_a_served_tier_and_latency_are_echoed():
    settings = tier_settings(latency="optimized", tier="priority", model=NOVA, region="us-east-2")
    assert settings.response_fields() == {
        "performanceConfig": {"latency": "optimized"},
        "serviceTier": {"type": "priority"},
    }
    assert settings.response_headers() == {
        "X-Amzn-Bedrock-PerformanceConfig-Latency": "optimized",
        "X-Amzn-Bedrock-Service-Tier": "priority",
    }


@pytest.mark.parametrize(
    ("latency", "tier", "region", "message"),
    [
        (
            None,
            "priority",
            "us-east-1",
            "The provided service tier is not supported for this model.",
        ),
        (None, "reserved", "us-east-1", "Reservation not found."),
        (None, "cheapest", "us-east-1", "service tier provided is invalid"),
        ("optimized", None, "us-east-1", _errors.LATENCY_OPTIMIZED_UNSUPPORTED),
        (
            "turbo",
            None,
            "us-east-1",
            (
                "1 validation error detected: Value 'turbo' at 'performanceConfig.latency' "
                "failed to satisfy constraint: Member must satisfy enum value set: "
                "[optimized, standard]"
            ),
        ),
    ],
)
def test_what_the_model_does_not_serve_is_refused(
    latency: str | None, tier: str | None, region: str, message: str
):
    with pytest.raises(EmulatedError) as caught:
        tier_settings(latency=latency, tier=tier, model=CLAUDE_3, region=region)
    assert (caught.value.code, caught.value.message) == ("ValidationException", message)


def test_the_default_tier_and_standard_latency_exist_for_every_model():
    settings = tier_settings(latency="standard", tier="default", model=GENERIC, region="x")
    assert settings.response_fields()["serviceTier"] == {"type": "default"}


def test_invoke_model_reads_the_tier_from_its_headers():
    headers = {"X-Amzn-Bedrock-Service-Tier": "flex"}
    settings = request_tier_settings(
        None, headers, operation="InvokeModel", model=NOVA, region="us-east-1"
    )
    assert settings.tier == "flex"


# Models without a native body ------------------------------------------------------------


def test_a_converse_only_model_refuses_invoke_model():
    with pytest.raises(EmulatedError, match="knows no InvokeModel body format for acme"):
        require_native_body(GENERIC)


def test_image_headers_of_every_format_give_their_size():
    gif = b"GIF89a" + struct.pack("<HH", 640, 480)
    jpeg = b"\xff\xd8\xff\xe0\x00\x04ab" + b"\xff\xc0\x00\x11\x08" + struct.pack(">HH", 480, 640)
    webp = b"RIFF\x00\x00\x00\x00WEBPVP8X" + b"\x00" * 8 + (639).to_bytes(3, "little")
    webp += (479).to_bytes(3, "little")
    assert image_dimensions(_png(640, 480), "png") == (640, 480)
    assert image_dimensions(gif, "gif") == (640, 480)
    assert image_dimensions(jpeg, "jpeg") == (640, 480)
    assert image_dimensions(webp, "webp") == (640, 480)
    assert image_dimensions(b"not an image", "png") is None
