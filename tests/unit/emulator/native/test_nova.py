"""Nova's native body: Converse-shaped requests, responses and stream events."""

from __future__ import annotations

from langchain_bedrock_enhanced.emulator.native import native_response, native_stream_chunks
from tests.unit.emulator.native.samples import TEXT_REPLY, WEATHER_SCHEMA, parse, user


def test_nova_body_accepts_both_spellings_of_inference_settings():
    body = {
        "schemaVersion": "messages-v1",
        "system": [{"text": "Be brief."}],
        "messages": [user("Hi")],
        "inferenceConfig": {
            "max_new_tokens": 40,
            "top_p": 0.5,
            "top_k": 20,
            "stopSequences": ["x"],
        },
        "toolConfig": {
            "tools": [{"toolSpec": {"name": "f", "inputSchema": {"json": WEATHER_SCHEMA}}}],
            "toolChoice": {"any": {}},
        },
    }

    request = parse("nova", body)

    assert request.messages == [user("Hi")]
    assert request.system == ["Be brief."]
    assert (request.max_tokens, request.top_p, request.stop_sequences) == (40, 0.5, ["x"])
    assert [tool.name for tool in request.tools] == ["f"]
    assert request.tool_choice == "any"
    assert request.additional_fields == {"inferenceConfig": {"topK": 20}}


def test_nova_response_has_converse_shape_and_cache_counts():
    body = native_response("nova", TEXT_REPLY, model_id="amazon.nova-lite-v1:0", latency_ms=1)

    assert body == {
        "output": {"message": {"role": "assistant", "content": [{"text": "Hello there, friend"}]}},
        "stopReason": "end_turn",
        "usage": {
            "inputTokens": 12,
            "outputTokens": 3,
            "totalTokens": 15,
            "cacheReadInputTokenCount": 0,
            "cacheWriteInputTokenCount": 0,
        },
    }


def test_nova_stream_uses_converse_event_names():
    chunks = native_stream_chunks("nova", TEXT_REPLY, model_id="m", latency_ms=1)

    assert [next(iter(c)) for c in chunks] == [
        "messageStart",
        "contentBlockDelta",
        "contentBlockDelta",
        "contentBlockStop",
        "messageStop",
        "metadata",
    ]
