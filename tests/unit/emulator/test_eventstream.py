"""The event-stream encoder, checked against botocore's own decoder and parser."""

from __future__ import annotations

import base64
import json
from collections.abc import Iterator
from typing import Any

import botocore.session
import pytest
from botocore import parsers
from botocore.eventstream import ChecksumMismatch, EventStreamBuffer, EventStreamMessage
from botocore.exceptions import EventStreamError
from hypothesis import given
from hypothesis import strategies as st

from langchain_bedrock_enhanced.emulator import _errors
from langchain_bedrock_enhanced.emulator._eventstream import (
    encode_chunk,
    encode_event,
    encode_exception,
    encode_message,
)


class _RawBody:
    """What botocore reads an event stream from: urllib3's `HTTPResponse.stream()`."""

    def __init__(self, data: bytes, chunk_size: int = 7) -> None:
        # Small chunks split frames across reads, as chunked HTTP bodies do.
        self._data = data
        self._chunk_size = chunk_size

    def stream(self) -> Iterator[bytes]:
        for start in range(0, len(self._data), self._chunk_size):
            yield self._data[start : start + self._chunk_size]

    def close(self) -> None:
        pass


def _decode(data: bytes) -> list[EventStreamMessage]:
    buffer = EventStreamBuffer()
    buffer.add_data(data)
    return list(buffer)


def _parsed_stream(data: bytes, operation: str) -> list[dict[str, Any]]:
    """Parse frames exactly as a bedrock-runtime client parses a streaming response."""
    service = botocore.session.get_session().get_service_model("bedrock-runtime")
    operation_model = service.operation_model(operation)
    response = {
        "status_code": 200,
        "headers": {},
        "body": _RawBody(data),
        "context": {"operation_name": operation},
    }
    parsed = parsers.create_parser("rest-json").parse(response, operation_model.output_shape)
    payload_member = "stream" if operation == "ConverseStream" else "body"
    return list(parsed[payload_member])


def test_encoded_message_decodes_with_botocore_to_the_same_headers_and_payload():
    frame = encode_message([(":message-type", "event"), ("x-note", "caf\u00e9")], b"payload")

    [message] = _decode(frame)

    assert message.headers == {":message-type": "event", "x-note": "caf\u00e9"}
    assert message.payload == b"payload"


def test_event_headers_are_in_the_order_real_bedrock_sends_them():
    frame = encode_event("messageStart", {"role": "assistant"})

    [message] = _decode(frame)

    assert list(message.headers.items()) == [
        (":event-type", "messageStart"),
        (":content-type", "application/json"),
        (":message-type", "event"),
    ]
    assert message.payload == b'{"role":"assistant"}'


def test_exception_frame_carries_the_message_and_extra_members():
    frame = encode_exception(
        "modelStreamErrorException", "Model failed.", {"originalStatusCode": 500}
    )

    [message] = _decode(frame)

    assert message.headers[":exception-type"] == "modelStreamErrorException"
    assert message.headers[":message-type"] == "exception"
    assert json.loads(message.payload) == {"message": "Model failed.", "originalStatusCode": 500}


def test_chunk_payload_is_base64_of_the_native_json():
    frame = encode_chunk({"type": "message_stop"})

    [message] = _decode(frame)

    assert message.headers[":event-type"] == "chunk"
    body = json.loads(message.payload)
    assert json.loads(base64.b64decode(body["bytes"])) == {"type": "message_stop"}


@pytest.mark.parametrize(
    "position",
    [
        pytest.param(5, id="prelude"),
        pytest.param(14, id="headers"),
        pytest.param(-6, id="payload"),
        pytest.param(-1, id="message-crc"),
    ],
)
def test_botocore_rejects_a_frame_with_any_flipped_byte(position: int):
    frame = bytearray(encode_event("messageStart", {"role": "assistant"}))
    frame[position] ^= 0x01

    with pytest.raises(ChecksumMismatch):
        _decode(bytes(frame))


def test_consecutive_frames_decode_one_message_each():
    frames = b"".join(encode_event("contentBlockStop", {"contentBlockIndex": i}) for i in range(3))

    messages = _decode(frames)

    assert [json.loads(m.payload)["contentBlockIndex"] for m in messages] == [0, 1, 2]


def test_converse_stream_parser_yields_the_encoded_events():
    frames = b"".join(
        [
            encode_event("messageStart", {"role": "assistant"}),
            encode_event("contentBlockDelta", {"contentBlockIndex": 0, "delta": {"text": "Hi"}}),
            encode_event("contentBlockStop", {"contentBlockIndex": 0}),
            encode_event("messageStop", {"stopReason": "end_turn"}),
            encode_event(
                "metadata",
                {
                    "usage": {"inputTokens": 3, "outputTokens": 1, "totalTokens": 4},
                    "metrics": {"latencyMs": 12},
                },
            ),
        ]
    )

    events = _parsed_stream(frames, "ConverseStream")

    assert events == [
        {"messageStart": {"role": "assistant"}},
        {"contentBlockDelta": {"contentBlockIndex": 0, "delta": {"text": "Hi"}}},
        {"contentBlockStop": {"contentBlockIndex": 0}},
        {"messageStop": {"stopReason": "end_turn"}},
        {
            "metadata": {
                "usage": {"inputTokens": 3, "outputTokens": 1, "totalTokens": 4},
                "metrics": {"latencyMs": 12},
            }
        },
    ]


def test_exception_frame_raises_event_stream_error_with_the_lower_camel_code():
    frames = encode_event("messageStart", {"role": "assistant"}) + encode_exception(
        _errors.stream_exception_type("ThrottlingException"), _errors.THROTTLED_REQUESTS
    )

    with pytest.raises(EventStreamError) as caught:
        _parsed_stream(frames, "ConverseStream")

    assert caught.value.response["Error"]["Code"] == "throttlingException"
    assert caught.value.response["Error"]["Message"] == _errors.THROTTLED_REQUESTS
    assert str(caught.value) == (
        "An error occurred (throttlingException) when calling the ConverseStream operation: "
        "Too many requests, please wait before trying again."
    )


def test_invoke_model_stream_parser_hands_back_the_native_chunk_bytes():
    native = {
        "type": "content_block_delta",
        "delta": {"type": "text_delta", "text": "\u00e9t\u00e9"},
    }

    [event] = _parsed_stream(encode_chunk(native), "InvokeModelWithResponseStream")

    assert json.loads(event["chunk"]["bytes"]) == native


def test_oversized_header_value_is_refused_before_it_reaches_the_wire():
    with pytest.raises(ValueError, match="exceeds"):
        encode_message([("x-big", "v" * 70_000)], b"")


_header_names = st.text(
    alphabet=st.characters(min_codepoint=33, max_codepoint=126), min_size=1, max_size=20
)


@given(
    headers=st.dictionaries(_header_names, st.text(max_size=50), max_size=5),
    payload=st.binary(max_size=2_000),
)
def test_any_headers_and_payload_round_trip_through_botocore(
    headers: dict[str, str], payload: bytes
):
    [message] = _decode(encode_message(list(headers.items()), payload))

    assert message.headers == headers
    assert message.payload == payload
