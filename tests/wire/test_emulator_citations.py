"""Citations on the wire: cited passages whose locations index into the documents sent."""

from __future__ import annotations

import zlib
from typing import Any

import pytest
from langchain_core.messages import AIMessage, AIMessageChunk, HumanMessage

from langchain_bedrock_enhanced import create_langchain_chatbedrock
from langchain_bedrock_enhanced.emulator import BedrockEmulator
from tests.wire.conftest import ClientFactory

pytestmark = pytest.mark.emulator

SONNET = "us.anthropic.claude-sonnet-4-5-20250929-v1:0"
FACTS = "The sky is blue. Grass is green.\nParis is the capital of France. Rome is in Italy."
QUESTION = "What is the capital of France?"


def _document(name: str, source: dict[str, Any], **extra: Any) -> dict[str, Any]:
    return {"document": {"name": name, "source": source, **extra}}


def _cited(name: str, source: dict[str, Any], document_format: str = "txt") -> dict[str, Any]:
    return _document(name, source, format=document_format, citations={"enabled": True})


def _ask(runtime: ClientFactory, *blocks: dict[str, Any]) -> list[dict[str, Any]]:
    content = [*blocks, {"text": QUESTION}]
    reply = runtime().converse(modelId=SONNET, messages=[{"role": "user", "content": content}])
    return reply["output"]["message"]["content"]  # type: ignore[no-any-return]


def _citations(content: list[dict[str, Any]]) -> list[dict[str, Any]]:
    return [block["citationsContent"] for block in content if "citationsContent" in block]


def _pdf(*pages: str) -> bytes:
    """A minimal PDF, one Flate-compressed content stream a page."""
    objects = []
    for text in pages:
        stream = zlib.compress(f"BT /F1 12 Tf 72 720 Td ({text}) Tj ET".encode())
        objects.append(
            b"<< /Length %d /Filter /FlateDecode >>\nstream\n" % len(stream)
            + stream
            + b"\nendstream"
        )
    body = b"".join(b"%d 0 obj\n" % (n + 4) + obj + b"\nendobj\n" for n, obj in enumerate(objects))
    return b"%PDF-1.4\n1 0 obj << /Type /Catalog >> endobj\n" + body + b"%%EOF\n"


def test_a_text_document_is_cited_by_character_span(runtime: ClientFactory) -> None:
    content = _ask(runtime, _cited("facts", {"text": FACTS}))
    [cited] = _citations(content)
    [citation] = cited["citations"]
    span = citation["location"]["documentChar"]
    assert citation["title"] == "facts"
    assert span["documentIndex"] == 0
    assert FACTS[span["start"] : span["end"]] == "Paris is the capital of France."
    assert citation["sourceContent"] == [{"text": FACTS[span["start"] : span["end"]]}]
    assert cited["content"] == [{"text": "Paris is the capital of France."}]
    assert content[0]["text"].startswith("Emulated reply from")


def test_document_index_counts_every_document_even_those_not_cited(
    runtime: ClientFactory,
) -> None:
    other = _document("other", {"text": "Unrelated notes."}, format="txt")
    content = _ask(runtime, other, _cited("facts", {"text": FACTS}))
    [cited] = _citations(content)
    assert cited["citations"][0]["location"]["documentChar"]["documentIndex"] == 1


def test_custom_content_is_cited_by_chunk(runtime: ClientFactory) -> None:
    chunks = ["Berlin is in Germany.", "Paris is the capital of France.", "Madrid is sunny."]
    source = {"content": [{"text": chunk} for chunk in chunks]}
    [cited] = _citations(_ask(runtime, _cited("atlas", source)))
    span = cited["citations"][0]["location"]["documentChunk"]
    assert (span["start"], span["end"]) == (1, 2)
    assert cited["citations"][0]["sourceContent"] == [{"text": chunks[span["start"]]}]


def test_a_pdf_is_cited_by_page(runtime: ClientFactory) -> None:
    pdf = _pdf("Rome is in Italy.", "Paris is the capital of France.")
    [cited] = _citations(_ask(runtime, _cited("atlas", {"bytes": pdf}, "pdf")))
    citation = cited["citations"][0]
    assert citation["location"]["documentPage"] == {"documentIndex": 0, "start": 2, "end": 3}
    assert citation["sourceContent"] == [{"text": "Paris is the capital of France."}]


def test_a_document_without_citations_enabled_is_not_cited(runtime: ClientFactory) -> None:
    content = _ask(runtime, _document("facts", {"text": FACTS}, format="txt"))
    assert _citations(content) == []


def test_the_stream_sends_the_cited_text_then_a_citation_delta(runtime: ClientFactory) -> None:
    content = [_cited("facts", {"text": FACTS}), {"text": QUESTION}]
    whole = _citations(_ask(runtime, _cited("facts", {"text": FACTS})))[0]
    response = runtime().converse_stream(
        modelId=SONNET, messages=[{"role": "user", "content": content}]
    )
    deltas = [e["contentBlockDelta"] for e in response["stream"] if "contentBlockDelta" in e]
    cited = [d["delta"] for d in deltas if d["contentBlockIndex"] == 1]
    assert "".join(d["text"] for d in cited if "text" in d) == whole["content"][0]["text"]
    assert cited[-1] == {"citation": whole["citations"][0]}


def test_the_chat_model_gets_cited_text_on_invoke_and_stream(emulator: BedrockEmulator) -> None:
    model = create_langchain_chatbedrock(
        SONNET, region_name="us-east-1", endpoint_url=emulator.endpoint_url
    )
    question = HumanMessage(
        content=[
            {
                "type": "document",
                "document": {
                    "name": "facts",
                    "format": "txt",
                    "source": {"text": FACTS},
                    "citations": {"enabled": True},
                },
            },
            {"type": "text", "text": QUESTION},
        ]
    )
    message = model.invoke([question])
    assert isinstance(message, AIMessage)
    cited = [b for b in message.content if isinstance(b, dict) and b.get("citations")]
    [block] = cited
    span = block["citations"][0]["location"]["document_char"]
    assert FACTS[span["start"] : span["end"]] == block["text"]
    chunks = list(model.stream([question]))
    streamed = chunks[0]
    for chunk in chunks[1:]:
        streamed += chunk
    assert isinstance(streamed, AIMessageChunk)
    streamed_cited = [b for b in streamed.content if isinstance(b, dict) and b.get("citations")]
    [streamed_block] = streamed_cited
    assert streamed_block["text"] == block["text"]
    assert streamed_block["citations"][0]["location"] == block["citations"][0]["location"]
