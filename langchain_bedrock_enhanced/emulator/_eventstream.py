"""Encoder for `application/vnd.amazon.eventstream` frames.

Bedrock's streaming operations (ConverseStream, InvokeModelWithResponseStream)
answer with a sequence of binary frames that botocore's `botocore.eventstream`
decodes. This module writes those frames byte for byte:

```
[total_length u32][headers_length u32][prelude_crc u32]
[headers...][payload...][message_crc u32]
```

Both CRCs are CRC-32 (as `binascii.crc32`), the prelude one over the first eight
bytes and the message one over every byte before it. Only string-valued headers
(type 7) are written, because those are the only ones Bedrock sends.
"""

from __future__ import annotations

import base64
import binascii
import json
import struct
from collections.abc import Mapping, Sequence
from typing import Any, Final

_PRELUDE: Final = struct.Struct(">II")
_CRC: Final = struct.Struct(">I")
_HEADER_VALUE_LENGTH: Final = struct.Struct(">H")
_STRING_HEADER_TYPE: Final = 7
# The prelude (two lengths and a CRC) plus the trailing message CRC.
_FRAME_OVERHEAD: Final = _PRELUDE.size + _CRC.size + _CRC.size
# botocore refuses larger sections, so failing here points at the emulator instead.
_MAX_HEADERS_LENGTH: Final = 128 * 1024
_MAX_PAYLOAD_LENGTH: Final = 24 * 1024 * 1024
_MAX_HEADER_NAME_LENGTH: Final = 255
_MAX_HEADER_VALUE_LENGTH: Final = 0xFFFF


def encode_message(headers: Sequence[tuple[str, str]], payload: bytes) -> bytes:
    """Encode one event-stream frame with string headers.

    Args:
        headers: `(name, value)` pairs, written in the given order.
        payload: The frame's body.

    Returns:
        The complete frame, both CRCs included.

    Raises:
        ValueError: A header name or value, the headers or the payload exceed
            what the wire format (or botocore) accepts.

    Example:
        >>> frame = encode_message([(":message-type", "event")], b"{}")
        >>> len(frame) == int.from_bytes(frame[:4], "big")
        True
    """
    encoded_headers = b"".join(_encode_header(name, value) for name, value in headers)
    if len(encoded_headers) > _MAX_HEADERS_LENGTH:
        msg = f"event-stream headers of {len(encoded_headers)} bytes exceed {_MAX_HEADERS_LENGTH}"
        raise ValueError(msg)
    if len(payload) > _MAX_PAYLOAD_LENGTH:
        msg = f"event-stream payload of {len(payload)} bytes exceeds {_MAX_PAYLOAD_LENGTH}"
        raise ValueError(msg)
    total_length = _FRAME_OVERHEAD + len(encoded_headers) + len(payload)
    prelude = _PRELUDE.pack(total_length, len(encoded_headers))
    prelude += _CRC.pack(_crc32(prelude))
    body = prelude + encoded_headers + payload
    return body + _CRC.pack(_crc32(body))


def encode_event(event_type: str, payload: Mapping[str, Any]) -> bytes:
    """Encode an event frame with a JSON payload, as Bedrock sends it.

    Args:
        event_type: The `:event-type` header, i.e. the event-stream member name
            such as `contentBlockDelta` or `chunk`.
        payload: The event body, serialised as compact JSON.

    Returns:
        The frame.

    Example:
        >>> frame = encode_event("messageStart", {"role": "assistant"})
        >>> b'{"role":"assistant"}' in frame
        True
    """
    headers = [
        (":event-type", event_type),
        (":content-type", "application/json"),
        (":message-type", "event"),
    ]
    return encode_message(headers, _compact_json(payload))


def encode_exception(
    exception_type: str, message: str, extra: Mapping[str, Any] | None = None
) -> bytes:
    """Encode a mid-stream exception frame, which botocore raises as `EventStreamError`.

    Args:
        exception_type: The `:exception-type` header, already lowerCamel
            (`throttlingException`); see `_errors.stream_exception_type`.
        message: The payload's `message`.
        extra: Further payload members, e.g. `originalStatusCode` for
            `modelStreamErrorException`.

    Returns:
        The frame.

    Example:
        >>> frame = encode_exception("throttlingException", "Too many requests.")
        >>> b":message-type" in frame and b"exception" in frame
        True
    """
    headers = [
        (":exception-type", exception_type),
        (":content-type", "application/json"),
        (":message-type", "exception"),
    ]
    return encode_message(headers, _compact_json({"message": message, **(extra or {})}))


def encode_chunk(native_payload: Mapping[str, Any]) -> bytes:
    """Encode an InvokeModelWithResponseStream `chunk` event.

    `PayloadPart.bytes` is a blob inside a JSON event, so the model-native object
    travels base64-encoded inside `{"bytes": ...}`; botocore hands the decoded
    bytes to the caller.

    Args:
        native_payload: The model-native chunk object, e.g. a Claude
            `content_block_delta`.

    Returns:
        The frame.

    Example:
        >>> frame = encode_chunk({"type": "message_stop"})
        >>> b":event-type" in frame and b"chunk" in frame
        True
    """
    encoded = base64.b64encode(_compact_json(native_payload)).decode("ascii")
    return encode_event("chunk", {"bytes": encoded})


def _encode_header(name: str, value: str) -> bytes:
    raw_name = name.encode("utf-8")
    raw_value = value.encode("utf-8")
    if not 0 < len(raw_name) <= _MAX_HEADER_NAME_LENGTH:
        msg = f"event-stream header name {name!r} must be 1 to 255 bytes"
        raise ValueError(msg)
    if len(raw_value) > _MAX_HEADER_VALUE_LENGTH:
        msg = f"event-stream header {name!r} value exceeds {_MAX_HEADER_VALUE_LENGTH} bytes"
        raise ValueError(msg)
    return (
        bytes([len(raw_name)])
        + raw_name
        + bytes([_STRING_HEADER_TYPE])
        + _HEADER_VALUE_LENGTH.pack(len(raw_value))
        + raw_value
    )


def _crc32(data: bytes) -> int:
    return binascii.crc32(data) & 0xFFFFFFFF


def _compact_json(payload: Mapping[str, Any]) -> bytes:
    return json.dumps(payload, separators=(",", ":"), ensure_ascii=False).encode("utf-8")
