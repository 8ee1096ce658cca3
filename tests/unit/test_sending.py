"""What counts as a stream's content, what is kept of it, and how often a stream is sent."""

from __future__ import annotations

import boto3
import pytest
from botocore.config import Config
from langchain_core.messages import AIMessageChunk
from langchain_core.outputs import ChatGenerationChunk

from langchain_bedrock_enhanced._sending import ReceivedSoFar, _stream_tries, has_content
from langchain_bedrock_enhanced.errors import ServiceUnavailableError, StreamInterruptedError


def _chunk(content: object = "", **fields: object) -> ChatGenerationChunk:
    return ChatGenerationChunk(message=AIMessageChunk(content=content, **fields))


CONTENT = [
    _chunk("Hello"),
    _chunk([{"type": "text", "text": "Hi", "index": 0}]),
    _chunk([{"type": "reasoning_content", "reasoning_content": {"text": "hm"}}]),
    _chunk("", tool_call_chunks=[{"name": "f", "args": "", "id": "t1", "index": 0}]),
]
NOT_CONTENT = [_chunk(""), _chunk([]), _chunk([{"type": "text", "text": "", "index": 0}])]


@pytest.mark.parametrize("chunk", CONTENT)
def test_text_tool_calls_and_reasoning_are_content(chunk: ChatGenerationChunk) -> None:
    assert has_content(chunk)


@pytest.mark.parametrize("chunk", NOT_CONTENT)
def test_empty_and_metadata_chunks_are_not_content(chunk: ChatGenerationChunk) -> None:
    assert not has_content(chunk)


def test_what_arrived_is_kept_for_the_interrupted_error() -> None:
    received = ReceivedSoFar()
    received.add(_chunk(""))
    assert not received.has_content
    received.add(_chunk("Hello, "))
    received.add(
        _chunk("wor", tool_call_chunks=[{"name": "f", "args": "{", "id": "t1", "index": 1}])
    )
    received.add(
        _chunk("", usage_metadata={"input_tokens": 3, "output_tokens": 2, "total_tokens": 5})
    )
    failure = ServiceUnavailableError(
        "503", error_code="ServiceUnavailableException", model_id="m", region="us-east-1"
    )
    error = received.interrupted(failure)
    assert isinstance(error, StreamInterruptedError)
    assert error.text == "Hello, wor"
    assert [chunk["name"] for chunk in error.tool_call_chunks] == ["f"]
    assert error.usage == {"input_tokens": 3, "output_tokens": 2, "total_tokens": 5}
    assert (error.model_id, error.region, error.error_code) == (
        "m",
        "us-east-1",
        "ServiceUnavailableException",
    )
    assert "10 characters" in error.message


@pytest.mark.parametrize(
    ("retries", "tries"),
    [
        (None, 3),
        ({"mode": "standard", "total_max_attempts": 1}, 1),
        ({"mode": "standard", "total_max_attempts": 5}, 5),
        ({"mode": "legacy", "max_attempts": 4}, 5),
    ],
)
def test_a_stream_is_sent_as_often_as_botocore_would_send_a_request(
    retries: dict[str, object] | None, tries: int
) -> None:
    config = Config(retries=retries) if retries else None
    client = boto3.client("bedrock-runtime", region_name="us-east-1", config=config)
    assert _stream_tries(client) == tries
