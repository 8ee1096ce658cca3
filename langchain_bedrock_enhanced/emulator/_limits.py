"""What Bedrock refuses in a request's content, and the tier settings it echoes.

Pure checks, run by the server once a request is parsed and its model resolved. Each
answers with the text Bedrock was seen sending (`_errors` names where); the few whose
answer was never seen use the rule's documented sentence and say so.

| Check | Applies to | Rule from |
|---|---|---|
| text or media beside tool blocks | `mixed_tool_turns=False` (Llama) | Bedrock's answers |
| `toolUseId` pattern | `tool_use_id_pattern` set (Mistral 3) | Bedrock's answers |
| image count, size, pixels, format | Converse | API_runtime_Message, API_runtime_ImageBlock |
| document count, size, name, format, text | Converse | inference-api-restrictions |
| context window | every model call | the model's `context_window` |
| `performanceConfig`, `serviceTier` | Converse body, InvokeModel headers | see `tier_settings` |

Every check is one pass over the request; image bytes are decoded only to read their
size from the header, so the emulator's own speed (benchmark P6) is unchanged.
"""

from __future__ import annotations

import base64
import binascii
import functools
import re
import struct
from collections.abc import Iterator, Mapping, Sequence
from dataclasses import dataclass
from typing import Any, Final

from langchain_bedrock_enhanced.emulator import _errors
from langchain_bedrock_enhanced.emulator._replies import count_input_tokens
from langchain_bedrock_enhanced.emulator._types import (
    ConversationRequest,
    EmulatedError,
    ModelSpec,
)

__all__ = [
    "TierSettings",
    "check_request",
    "image_dimensions",
    "request_tier_settings",
    "require_native_body",
    "tier_settings",
]

_MIB: Final = 1024 * 1024
# botocore's ImageFormat and DocumentFormat enums (bedrock-runtime service-2.json).
_IMAGE_FORMATS: Final = ("png", "jpeg", "gif", "webp")
_DOCUMENT_FORMATS: Final = ("pdf", "csv", "doc", "docx", "xls", "xlsx", "html", "txt", "md")
# API_runtime_Message: "up to 20 images ... no more than 3.75 MB, 8000 px, and 8000 px".
_MAX_IMAGES: Final = 20
_IMAGE_MAX_BYTES: Final = int(3.75 * _MIB)
_IMAGE_MAX_PIXELS: Final = 8000
# Claude counts the base64 text against 5 MiB ("... bytes > 5242880 bytes", issue #778).
_CLAUDE_IMAGE_MAX_BASE64: Final = 5 * _MIB
# inference-api-restrictions: "up to 5 documents per request. Each document can be no more
# than 4.5 MB", except PDF on Claude 4 and later, and PDF and DOCX on Nova.
_MAX_DOCUMENTS: Final = 5
_DOCUMENT_MAX_BYTES: Final = int(4.5 * _MIB)
# botocore DocumentBlockNameString: max 200; the character rule is Bedrock's own text.
_DOCUMENT_NAME_MAX: Final = 200
_DOCUMENT_NAME: Final = re.compile(r"[A-Za-z0-9()\[\] -]+")
_CONVERSATION_BLOCKS: Final = frozenset({"text", "image", "document", "video", "guardContent"})
_CLAUDE_MAJOR: Final = re.compile(r"claude-(?:(?:sonnet|haiku|opus|fable)-)?(\d+)")
_CONVERSE_OPERATIONS: Final = frozenset({"Converse", "ConverseStream"})
# `performanceConfig.latency` as Bedrock lists it in its enum error (hermes-agent#34476).
_LATENCIES: Final = ("optimized", "standard")
_TIERS: Final = ("priority", "default", "flex", "reserved")


def check_request(request: ConversationRequest, model: ModelSpec, *, operation: str) -> None:
    """Refuse what Bedrock refuses in the request's content, in Bedrock's words.

    Structural rules come first (tool blocks sharing a turn, media blocks), then the
    model's own (`toolUseId` pattern, context window), as a request meets them on AWS.

    Args:
        request: The normalised request; its messages are Converse-shaped.
        model: The model being invoked.
        operation: The operation name; media rules apply to Converse and ConverseStream,
            the only operations that carry images and documents.

    Raises:
        EmulatedError: `ValidationException` with the rule's text.

    Example:
        >>> from langchain_bedrock_enhanced.emulator._types import ModelSpec
        >>> llama = ModelSpec("meta.llama3-3-70b-instruct-v1:0", "Llama 3.3 70B", "Meta",
        ...                   "llama", frozenset(), mixed_tool_turns=False)
        >>> turn = {"role": "assistant", "content": [
        ...     {"text": "Let me check."},
        ...     {"toolUse": {"toolUseId": "t1", "name": "f", "input": {}}}]}
        >>> check_request(ConversationRequest(messages=[turn]), llama, operation="Converse")
        Traceback (most recent call last):
        ...
        langchain_bedrock_enhanced.emulator._types.EmulatedError: ValidationException: ...
    """
    converse = operation in _CONVERSE_OPERATIONS
    _check_turns(request.messages, model)
    if converse:
        _check_media(request.messages, model)
    _check_tool_use_ids(request.messages, model, converse=converse)
    _check_context_window(request, model, converse=converse)


def require_native_body(model: ModelSpec) -> None:
    """Refuse InvokeModel for a model whose native body the emulator does not know.

    Raises:
        EmulatedError: `ValidationException` (emulator wording) for `family="converse"`.

    Example:
        >>> from langchain_bedrock_enhanced.emulator._types import ModelSpec
        >>> require_native_body(ModelSpec("acme.frontier-1", "Frontier", "Acme", "converse",
        ...                               frozenset()))
        Traceback (most recent call last):
        ...
        langchain_bedrock_enhanced.emulator._types.EmulatedError: ValidationException: ...
    """
    if model.family == "converse":
        message = _errors.NO_NATIVE_BODY.format(model_id=model.model_id)
        raise EmulatedError("ValidationException", message)


@dataclass(frozen=True)
class TierSettings:
    """The `performanceConfig.latency` and `serviceTier.type` a request asked for.

    Bedrock echoes what served the request; the emulator serves what was asked, once
    `tier_settings` accepted it.

    Example:
        >>> TierSettings(latency="optimized", tier=None).response_fields()
        {'performanceConfig': {'latency': 'optimized'}}
    """

    latency: str | None
    """`standard` or `optimized`, when the request named one."""
    tier: str | None
    """`default`, `priority`, `flex` or `reserved`, when the request named one."""

    def response_fields(self) -> dict[str, Any]:
        """The Converse response members (also the stream's `metadata` members)."""
        fields: dict[str, Any] = {}
        if self.latency is not None:
            fields["performanceConfig"] = {"latency": self.latency}
        if self.tier is not None:
            fields["serviceTier"] = {"type": self.tier}
        return fields

    def response_headers(self) -> dict[str, str]:
        """The InvokeModel response headers botocore reads these from."""
        headers: dict[str, str] = {}
        if self.latency is not None:
            headers["X-Amzn-Bedrock-PerformanceConfig-Latency"] = self.latency
        if self.tier is not None:
            headers["X-Amzn-Bedrock-Service-Tier"] = self.tier
        return headers


def tier_settings(
    *,
    latency: Any,  # noqa: ANN401 - an untrusted JSON or header value
    tier: Any,  # noqa: ANN401 - an untrusted JSON or header value
    model: ModelSpec,
    region: str,
    latency_field: str = "performanceConfig.latency",
) -> TierSettings:
    """Accept or refuse a request's latency and service tier for `model` in `region`.

    Rules and texts:

    - a latency outside `[optimized, standard]`: the AWS enum error;
    - `optimized` outside the model's `latency_optimized_regions` (AWS's table in
      latency-optimized-inference.html): emulator wording, no answer was ever seen;
    - a tier outside Bedrock's enum: "service tier provided is invalid";
    - `reserved` without a reservation (not in `service_tiers`): "Reservation not found.";
    - `priority` or `flex` the model does not offer: "The provided service tier is not
      supported for this model."; `default` exists for every model.

    Args:
        latency: `performanceConfig.latency` (or the latency header), or None.
        tier: `serviceTier.type` (or the tier header), or None.
        model: The model being invoked.
        region: The caller's region.
        latency_field: How the enum error names the latency field.

    Returns:
        The accepted settings, to echo in the response.

    Raises:
        EmulatedError: `ValidationException`.

    Example:
        >>> from langchain_bedrock_enhanced.emulator._types import ModelSpec
        >>> nova = ModelSpec("amazon.nova-pro-v1:0", "Nova Pro", "Amazon", "nova", frozenset(),
        ...                  service_tiers=("default", "priority", "flex"))
        >>> tier_settings(latency=None, tier="flex", model=nova, region="us-east-1").tier
        'flex'
    """
    if latency is not None:
        if latency not in _LATENCIES:
            message = (
                f"1 validation error detected: Value '{latency}' at '{latency_field}' failed to "
                f"satisfy constraint: Member must satisfy enum value set: [{', '.join(_LATENCIES)}]"
            )
            raise EmulatedError("ValidationException", message)
        if latency == "optimized" and region not in model.latency_optimized_regions:
            raise EmulatedError("ValidationException", _errors.LATENCY_OPTIMIZED_UNSUPPORTED)
    if tier is not None:
        if tier not in _TIERS:
            raise EmulatedError("ValidationException", _errors.SERVICE_TIER_INVALID)
        if tier not in model.service_tiers and tier != "default":
            text = (
                _errors.RESERVATION_NOT_FOUND
                if tier == "reserved"
                else _errors.SERVICE_TIER_UNSUPPORTED
            )
            raise EmulatedError("ValidationException", text)
    return TierSettings(
        latency=None if latency is None else str(latency),
        tier=None if tier is None else str(tier),
    )


def image_dimensions(data: bytes, image_format: str) -> tuple[int, int] | None:
    r"""Width and height from an image's header; None when the header is not readable.

    Example:
        >>> png = b"\x89PNG\r\n\x1a\n" + b"\x00\x00\x00\rIHDR" + (9000).to_bytes(4, "big")
        >>> image_dimensions(png + (10).to_bytes(4, "big"), "png")
        (9000, 10)
    """
    reader = _DIMENSION_READERS.get(image_format)
    if reader is None:
        return None
    try:
        return reader(data)
    except (struct.error, IndexError, ValueError):
        return None


# Turns.
def _check_turns(messages: Sequence[Mapping[str, Any]], model: ModelSpec) -> None:
    if model.mixed_tool_turns:
        return
    for index, message in enumerate(messages):
        kinds = {key for block in message["content"] for key in block}
        if not kinds & _CONVERSATION_BLOCKS:
            continue
        if "toolUse" in kinds:
            text = _errors.CONVERSATION_AND_TOOL_USE.format(index=index)
            raise EmulatedError("ValidationException", text)
        if "toolResult" in kinds:
            text = _errors.CONVERSATION_AND_TOOL_RESULT.format(index=index)
            raise EmulatedError("ValidationException", text)


def _check_tool_use_ids(
    messages: Sequence[Mapping[str, Any]], model: ModelSpec, *, converse: bool
) -> None:
    if model.tool_use_id_pattern is None:
        return
    pattern = _compiled(model.tool_use_id_pattern)
    for message in messages:
        for block in message["content"]:
            for key in ("toolUse", "toolResult"):
                inner = block.get(key)
                if not isinstance(inner, Mapping):
                    continue
                tool_use_id = str(inner.get("toolUseId", ""))
                if not pattern.fullmatch(tool_use_id):
                    text = _errors.MISTRAL_TOOL_CALL_ID.format(tool_use_id=tool_use_id)
                    raise EmulatedError("ValidationException", _from_model(text, converse))


def _check_context_window(
    request: ConversationRequest, model: ModelSpec, *, converse: bool
) -> None:
    if count_input_tokens(request) > model.context_window:
        # Claude's answer on Converse carries the provider prefix (continuedev/continue#9592).
        prefixed = converse and model.family == "claude"
        raise EmulatedError("ValidationException", _from_model(_errors.INPUT_TOO_LONG, prefixed))


# Media.
@dataclass(frozen=True)
class _Media:
    """One image or document block, where it is and what it holds."""

    kind: str
    """`image` or `document`."""
    message: int
    block: int
    body: Mapping[str, Any]


def _media(messages: Sequence[Mapping[str, Any]]) -> Iterator[_Media]:
    for message_index, message in enumerate(messages):
        for block_index, block in enumerate(message["content"]):
            for kind in ("image", "document"):
                body = block.get(kind)
                if isinstance(body, Mapping):
                    yield _Media(kind, message_index, block_index, body)


def _check_media(messages: Sequence[Mapping[str, Any]], model: ModelSpec) -> None:
    media = list(_media(messages))
    if not media:
        return
    _check_shapes(media)
    documents = [m for m in media if m.kind == "document"]
    if documents:
        _check_documents(documents, messages, model)
    images = [m for m in media if m.kind == "image"]
    if model.family == "claude":
        pdfs = sum(1 for d in documents if d.body.get("format") == "pdf")
        _check_claude_images(images, pdfs)
    else:
        _check_images(images)


def _check_shapes(media: Sequence[_Media]) -> None:
    """The request-shape constraints, all reported in one message as AWS does."""
    violations: list[str] = []
    for item in media:
        # AWS numbers list members from 1 in constraint messages.
        where = f"messages.{item.message + 1}.member.content.{item.block + 1}.member.{item.kind}"
        allowed = _IMAGE_FORMATS if item.kind == "image" else _DOCUMENT_FORMATS
        fmt = item.body.get("format")
        if (fmt is not None or item.kind == "image") and fmt not in allowed:
            violations.append(
                f"Value '{fmt}' at '{where}.format' failed to satisfy constraint: "
                f"Member must satisfy enum value set: [{', '.join(allowed)}]"
            )
        name = item.body.get("name")
        if item.kind == "document" and isinstance(name, str) and len(name) > _DOCUMENT_NAME_MAX:
            # The name is not echoed: Bedrock prints "Value at" for it (vercel/ai fixture).
            violations.append(
                f"Value at '{where}.name' failed to satisfy constraint: "
                f"Member must have length less than or equal to {_DOCUMENT_NAME_MAX}"
            )
    if violations:
        count = len(violations)
        noun = "error" if count == 1 else "errors"
        message = f"{count} validation {noun} detected: " + "; ".join(violations)
        raise EmulatedError("ValidationException", message)


def _check_documents(
    documents: Sequence[_Media], messages: Sequence[Mapping[str, Any]], model: ModelSpec
) -> None:
    if len(documents) > _MAX_DOCUMENTS:
        raise EmulatedError("ValidationException", _errors.TOO_MANY_DOCUMENTS)
    names = [str(d.body.get("name", "")) for d in documents]
    if any(not _DOCUMENT_NAME.fullmatch(name) or "  " in name for name in names):
        raise EmulatedError("ValidationException", _errors.DOCUMENT_NAME_CHARACTERS)
    if len(set(names)) < len(names):
        raise EmulatedError("ValidationException", _errors.DUPLICATE_DOCUMENT_NAMES)
    for document in documents:
        size = _document_size(document.body)
        if size > _DOCUMENT_MAX_BYTES and not _size_exempt(document.body.get("format"), model):
            raise EmulatedError("ValidationException", _errors.DOCUMENT_TOO_LARGE)
    for message_index in sorted({d.message for d in documents}):
        content = messages[message_index]["content"]
        if not any(isinstance(block.get("text"), str) for block in content):
            raise EmulatedError("ValidationException", _errors.DOCUMENT_NEEDS_TEXT)


def _size_exempt(document_format: Any, model: ModelSpec) -> bool:  # noqa: ANN401
    """PDF on Claude 4 and later, PDF and DOCX on Nova (inference-api-restrictions)."""
    if model.family == "nova":
        return document_format in {"pdf", "docx"}
    if model.family == "claude" and document_format == "pdf":
        found = _CLAUDE_MAJOR.search(model.model_id)
        return found is not None and int(found.group(1)) >= 4  # noqa: PLR2004 - "Claude 4"
    return False


def _check_claude_images(images: Sequence[_Media], pdfs: int) -> None:
    if len(images) > _MAX_IMAGES:
        raise _claude_error(_errors.CLAUDE_TOO_MANY_IMAGES)
    if len(images) + pdfs > _MAX_IMAGES:
        text = _errors.CLAUDE_TOO_MANY_IMAGES_AND_DOCUMENTS.format(
            images=len(images), documents=pdfs
        )
        raise _claude_error(text)
    for image in images:
        encoded = _encoded_bytes(image.body)
        if encoded is None:
            continue
        where = {"message": image.message, "block": image.block}
        if len(encoded) > _CLAUDE_IMAGE_MAX_BASE64:
            text = _errors.CLAUDE_IMAGE_TOO_LARGE.format(size=len(encoded), **where)
            raise _claude_error(text)
        if _too_many_pixels(encoded, str(image.body.get("format"))):
            raise _claude_error(_errors.CLAUDE_IMAGE_DIMENSIONS.format(**where))


def _check_images(images: Sequence[_Media]) -> None:
    if len(images) > _MAX_IMAGES:
        raise EmulatedError("ValidationException", _errors.IMAGE_LIMITS)
    for image in images:
        encoded = _encoded_bytes(image.body)
        if encoded is None:
            continue
        if _decoded_size(encoded) > _IMAGE_MAX_BYTES or _too_many_pixels(
            encoded, str(image.body.get("format"))
        ):
            raise EmulatedError("ValidationException", _errors.IMAGE_LIMITS)


def _too_many_pixels(encoded: str, image_format: str) -> bool:
    try:
        data = base64.b64decode(encoded, validate=False)
    except (binascii.Error, ValueError):
        return False
    size = image_dimensions(data, image_format)
    return size is not None and max(size) > _IMAGE_MAX_PIXELS


def _encoded_bytes(body: Mapping[str, Any]) -> str | None:
    """The base64 text of a `source.bytes` (None for S3 locations and other sources)."""
    source = body.get("source")
    data = source.get("bytes") if isinstance(source, Mapping) else None
    return data if isinstance(data, str) else None


def _document_size(body: Mapping[str, Any]) -> int:
    source = body.get("source")
    if not isinstance(source, Mapping):
        return 0
    encoded = source.get("bytes")
    if isinstance(encoded, str):
        return _decoded_size(encoded)
    text = source.get("text")
    return len(text.encode("utf-8", "surrogatepass")) if isinstance(text, str) else 0


def _decoded_size(encoded: str) -> int:
    return len(encoded) * 3 // 4 - encoded[-2:].count("=")


def _claude_error(text: str) -> EmulatedError:
    return EmulatedError("ValidationException", _errors.MODEL_ERRORS_PREFIX + text)


def _from_model(text: str, prefixed: bool) -> str:  # noqa: FBT001 - private helper
    return _errors.MODEL_ERRORS_PREFIX + text if prefixed else text


@functools.cache
def _compiled(pattern: str) -> re.Pattern[str]:
    return re.compile(pattern)


# Image headers: only the fields that give the size.
def _png_size(data: bytes) -> tuple[int, int] | None:
    if data[:8] != b"\x89PNG\r\n\x1a\n" or data[12:16] != b"IHDR":
        return None
    width, height = struct.unpack(">II", data[16:24])
    return int(width), int(height)


def _gif_size(data: bytes) -> tuple[int, int] | None:
    if data[:6] not in {b"GIF87a", b"GIF89a"}:
        return None
    width, height = struct.unpack("<HH", data[6:10])
    return int(width), int(height)


def _webp_size(data: bytes) -> tuple[int, int] | None:
    if data[:4] != b"RIFF" or data[8:12] != b"WEBP":
        return None
    chunk = data[12:16]
    if chunk == b"VP8X":
        width = int.from_bytes(data[24:27], "little") + 1
        height = int.from_bytes(data[27:30], "little") + 1
        return width, height
    if chunk == b"VP8L":
        bits = int.from_bytes(data[21:25], "little")
        return (bits & 0x3FFF) + 1, ((bits >> 14) & 0x3FFF) + 1
    if chunk == b"VP8 ":
        width, height = struct.unpack("<HH", data[26:30])
        return int(width) & 0x3FFF, int(height) & 0x3FFF
    return None


_JPEG_SOF: Final = frozenset(range(0xC0, 0xD0)) - {0xC4, 0xC8, 0xCC}


def _jpeg_size(data: bytes) -> tuple[int, int] | None:
    if data[:2] != b"\xff\xd8":
        return None
    position = 2
    while position + 4 <= len(data):
        if data[position] != 0xFF:  # noqa: PLR2004 - the JPEG marker byte
            return None
        marker = data[position + 1]
        if marker in _JPEG_SOF:
            height, width = struct.unpack(">HH", data[position + 5 : position + 9])
            return int(width), int(height)
        (length,) = struct.unpack(">H", data[position + 2 : position + 4])
        position += 2 + int(length)
    return None


_DIMENSION_READERS: Final = {
    "png": _png_size,
    "gif": _gif_size,
    "webp": _webp_size,
    "jpeg": _jpeg_size,
}


def request_tier_settings(
    body: Mapping[str, Any] | None,
    headers: Mapping[str, str],
    *,
    operation: str,
    model: ModelSpec,
    region: str,
) -> TierSettings:
    """`tier_settings` for a request: Converse's body members, or InvokeModel's headers.

    Example:
        >>> from langchain_bedrock_enhanced.emulator._types import ModelSpec
        >>> haiku = ModelSpec("anthropic.claude-3-haiku-20240307-v1:0", "Claude 3 Haiku",
        ...                   "Anthropic", "claude", frozenset())
        >>> request_tier_settings({"serviceTier": {"type": "default"}}, {}, operation="Converse",
        ...                       model=haiku, region="us-east-1").response_fields()
        {'serviceTier': {'type': 'default'}}
    """
    if operation in _CONVERSE_OPERATIONS:
        body = body or {}
        performance, tier = body.get("performanceConfig"), body.get("serviceTier")
        return tier_settings(
            latency=performance.get("latency") if isinstance(performance, Mapping) else None,
            tier=tier.get("type") if isinstance(tier, Mapping) else None,
            model=model,
            region=region,
        )
    # InvokeModel's members travel as headers (botocore's `location: header`).
    return tier_settings(
        latency=headers.get("X-Amzn-Bedrock-PerformanceConfig-Latency"),
        tier=headers.get("X-Amzn-Bedrock-Service-Tier"),
        model=model,
        region=region,
        latency_field="performanceConfigLatency",
    )
