"""Citations: which passages are cited, and locations that index into the documents."""

from __future__ import annotations

import base64
import zlib
from typing import Any

from langchain_bedrock_enhanced.emulator._citations import (
    Passage,
    citable_passages,
    cite,
    pdf_pages,
)
from langchain_bedrock_enhanced.emulator._replies import (
    converse_features,
    converse_response,
    converse_stream_events,
    generate_reply,
)
from langchain_bedrock_enhanced.emulator._types import (
    CitationsBlock,
    ConversationRequest,
    ModelSpec,
    Reply,
)

TEXT = "Cats purr.  Dogs bark loudly!\nBirds sing in the morning."
SONNET = ModelSpec(
    "anthropic.claude-sonnet-4-5-20250929-v1:0",
    "Claude Sonnet 4.5",
    "Anthropic",
    "claude",
    frozenset(),
)


def _message(*documents: dict[str, Any], question: str = "Why do dogs bark?") -> dict[str, Any]:
    blocks = [{"document": d} for d in documents]
    return {"role": "user", "content": [*blocks, {"text": question}]}


def _doc(
    source: dict[str, Any], *, enabled: bool = True, fmt: str = "txt", name: str = "pets"
) -> dict[str, Any]:
    return {"name": name, "format": fmt, "source": source, "citations": {"enabled": enabled}}


def test_a_text_document_is_split_into_sentences_located_by_character() -> None:
    [passages] = citable_passages([_message(_doc({"text": TEXT}))])
    assert [p.text for p in passages] == [
        "Cats purr.",
        "Dogs bark loudly!",
        "Birds sing in the morning.",
    ]
    for passage in passages:
        assert passage.kind == "documentChar"
        assert TEXT[passage.start : passage.end] == passage.text


def test_text_formats_sent_as_bytes_are_cited_like_text() -> None:
    encoded = base64.b64encode(TEXT.encode()).decode()
    [passages] = citable_passages([_message(_doc({"bytes": encoded}, fmt="md"))])
    assert passages[1].text == "Dogs bark loudly!"


def test_custom_content_blocks_are_chunks() -> None:
    source = {"content": [{"text": "one"}, {"text": "two"}]}
    [passages] = citable_passages([_message(_doc(source))])
    assert [(p.kind, p.start, p.end, p.text) for p in passages] == [
        ("documentChunk", 0, 1, "one"),
        ("documentChunk", 1, 2, "two"),
    ]


def test_pdf_pages_are_read_from_plain_and_compressed_streams() -> None:
    compressed = zlib.compress(b"BT (Second \\(page\\)) Tj ET")
    pdf = (
        b"%PDF-1.4\nstream\nBT (First) Tj (page) Tj ET\nendstream\nstream\n"
        + compressed
        + b"\nendstream"
    )
    assert pdf_pages(pdf) == ["First page", "Second (page)"]
    encoded = base64.b64encode(pdf).decode()
    [passages] = citable_passages([_message(_doc({"bytes": encoded}, fmt="pdf"))])
    assert [(p.kind, p.start, p.end) for p in passages] == [
        ("documentPage", 1, 2),
        ("documentPage", 2, 3),
    ]


def test_an_unreadable_pdf_is_cited_as_its_first_page_without_source_content() -> None:
    encoded = base64.b64encode(b"%PDF-1.7 binary").decode()
    [passages] = citable_passages([_message(_doc({"bytes": encoded}, fmt="pdf"))])
    assert passages == [Passage(0, "pets", "documentPage", 1, 2, "")]
    assert "sourceContent" not in passages[0].citation()


def test_document_indexes_count_documents_without_citations_too() -> None:
    found = citable_passages([_message(_doc({"text": "x."}, enabled=False), _doc({"text": TEXT}))])
    assert [passages[0].document_index for passages in found] == [1]


def test_the_passage_sharing_most_words_with_the_question_is_cited() -> None:
    [passages] = citable_passages([_message(_doc({"text": TEXT}))])
    [block] = cite([passages], "Why do dogs bark?")
    assert block.text == "Dogs bark loudly!"
    [first] = cite([passages], "nothing in common")
    assert first.text == "Cats purr."


def _cited_reply(question: str = "Why do dogs bark?") -> Reply:
    request = ConversationRequest(messages=[_message(_doc({"text": TEXT}), question=question)])
    return converse_features(generate_reply(request, SONNET), request, SONNET, body=b'"citations"')


def test_cited_text_follows_the_answer_and_counts_as_output() -> None:
    plain = generate_reply(
        ConversationRequest(messages=[_message(question="Why do dogs bark?")]), SONNET
    )
    reply = _cited_reply()
    assert reply.output_tokens == plain.output_tokens + 3  # "Dogs bark loudly!"
    content = converse_response(reply, latency_ms=0)["output"]["message"]["content"]
    assert content[-1]["citationsContent"]["content"] == [{"text": "Dogs bark loudly!"}]
    location = content[-1]["citationsContent"]["citations"][0]["location"]["documentChar"]
    assert TEXT[location["start"] : location["end"]] == "Dogs bark loudly!"


def test_a_body_without_the_word_citations_skips_the_search() -> None:
    request = ConversationRequest(messages=[_message(_doc({"text": TEXT}))])
    reply = generate_reply(request, SONNET)
    assert converse_features(reply, request, SONNET, body=b"{}") == reply


def test_the_stream_sends_cited_text_then_one_citation_delta_each() -> None:
    citation = {
        "title": "t",
        "location": {"documentChar": {"documentIndex": 0, "start": 0, "end": 2}},
    }
    reply = Reply(("A",), "end_turn", 1, 2, citations=(CitationsBlock("ok", (citation,)),))
    deltas = [p for n, p in converse_stream_events(reply, latency_ms=0) if n == "contentBlockDelta"]
    assert [d["delta"] for d in deltas if d["contentBlockIndex"] == 1] == [
        {"text": "ok"},
        {"citation": citation},
    ]
