"""Citations: the document passages a reply cites, with locations that index into them.

A Converse `document` block with `citations: {"enabled": true}` asks the model to cite
it. Every document in the request has a `documentIndex` (its position among all the
request's `document` blocks, in order); each cited document contributes one passage,
the one that shares most words with the question (the first on a tie):

- plain text (`source.text`, or `source.bytes` of a text format): a sentence, located
  by `documentChar` `start`/`end` character offsets (end exclusive), so
  `text[start:end]` is the quoted passage;
- custom content (`source.content`, a list of text blocks): one block, located by
  `documentChunk` (block index, end exclusive);
- a PDF (`source.bytes`, format `pdf`): one page, located by `documentPage` (pages
  counted from 1, end exclusive). The text is read from uncompressed or Flate-compressed
  `(...) Tj` operators, one content stream a page; a PDF it cannot read is cited as page 1.

Documents in S3 (`source.s3Location`) cannot be read and are not cited.
"""

from __future__ import annotations

import base64
import binascii
import contextlib
import re
import zlib
from collections.abc import Iterator, Mapping, Sequence
from dataclasses import dataclass
from typing import Any, Final, Literal

from langchain_bedrock_enhanced.emulator._types import CitationsBlock

__all__ = ["Passage", "citable_passages", "cite", "pdf_pages"]

LocationKind = Literal["documentChar", "documentChunk", "documentPage"]

_SENTENCE: Final = re.compile(r"[^\s.!?][^.!?\n]*[.!?]*")
_WORD: Final = re.compile(r"[^\W_]{3,}")
_STREAM: Final = re.compile(rb"stream\r?\n(.*?)\r?\nendstream", re.DOTALL)
_SHOW_TEXT: Final = re.compile(rb"\(((?:\\.|[^\\)])*)\)\s*Tj")
_PDF_ESCAPES: Final = {b"n": b"\n", b"r": b"\r", b"t": b"\t", b"(": b"(", b")": b")"}
_TEXT_FORMATS: Final = frozenset({"txt", "md", "csv", "html", "doc", "docx", "xls", "xlsx"})


@dataclass(frozen=True)
class Passage:
    """One citable span of one document.

    Example:
        >>> passage = Passage(0, "notes", "documentChar", 0, 5, "Hello")
        >>> passage.location()
        {'documentChar': {'documentIndex': 0, 'start': 0, 'end': 5}}
    """

    document_index: int
    """The document's position among the request's `document` blocks."""
    title: str
    """The document's `name`."""
    kind: LocationKind
    """Which `CitationLocation` member locates it."""
    start: int
    """First character, chunk or page."""
    end: int
    """One past the last character, chunk or page."""
    text: str
    """The passage's text, quoted as `sourceContent`."""

    def location(self) -> dict[str, Any]:
        """The Converse `CitationLocation` of this passage."""
        span = {"documentIndex": self.document_index, "start": self.start, "end": self.end}
        return {self.kind: span}

    def citation(self) -> dict[str, Any]:
        """The Converse `Citation` of this passage."""
        cited: dict[str, Any] = {"title": self.title, "location": self.location()}
        if self.text:
            cited["sourceContent"] = [{"text": self.text}]
        return cited


def citable_passages(messages: Sequence[Mapping[str, Any]]) -> list[list[Passage]]:
    """Every citation-enabled document's passages, one list a document.

    Args:
        messages: Converse-shaped messages, as sent.

    Returns:
        For each document with `citations.enabled`, in order, its passages (a
        document with no readable text gives an empty list).

    Example:
        >>> doc = {"document": {"name": "a", "format": "txt", "citations": {"enabled": True},
        ...                     "source": {"text": "One. Two."}}}
        >>> [[p.text for p in d] for d in citable_passages([{"role": "user", "content": [doc]}])]
        [['One.', 'Two.']]
    """
    found = []
    for index, document in enumerate(_documents(messages)):
        citations = document.get("citations")
        if isinstance(citations, Mapping) and citations.get("enabled") is True:
            found.append(_passages(index, document))
    return found


def cite(documents: Sequence[Sequence[Passage]], question: str) -> tuple[CitationsBlock, ...]:
    """Pick one passage a document, the one sharing most words with the question.

    Args:
        documents: `citable_passages` of the request.
        question: The last user turn's text.

    Returns:
        One `CitationsBlock` a document that has a passage: the passage's text as the
        generated text, cited at its location.

    Example:
        >>> passages = [Passage(0, "d", "documentChar", 0, 4, "Cats"),
        ...             Passage(0, "d", "documentChar", 5, 9, "Dogs")]
        >>> cite([passages], "tell me about dogs")[0].citations[0]["location"]
        {'documentChar': {'documentIndex': 0, 'start': 5, 'end': 9}}
    """
    asked = _words(question)
    blocks = []
    for passages in documents:
        if passages:
            best = max(passages, key=lambda p: (len(asked & _words(p.text)), -p.start))
            blocks.append(CitationsBlock(text=best.text, citations=(best.citation(),)))
    return tuple(blocks)


def _documents(messages: Sequence[Mapping[str, Any]]) -> Iterator[Mapping[str, Any]]:
    for message in messages:
        content = message.get("content")
        for block in content if isinstance(content, list) else []:
            document = block.get("document") if isinstance(block, Mapping) else None
            if isinstance(document, Mapping):
                yield document


def _passages(index: int, document: Mapping[str, Any]) -> list[Passage]:
    title = str(document.get("name", ""))
    source = document.get("source")
    source = source if isinstance(source, Mapping) else {}
    if isinstance(source.get("text"), str):
        return _sentences(index, title, source["text"])
    if isinstance(source.get("content"), list):
        chunks = [
            str(block["text"])
            for block in source["content"]
            if isinstance(block, Mapping) and isinstance(block.get("text"), str)
        ]
        return [
            Passage(index, title, "documentChunk", position, position + 1, chunk)
            for position, chunk in enumerate(chunks)
        ]
    raw = _bytes(source.get("bytes"))
    if raw is None:
        return []
    document_format = str(document.get("format", "")).lower()
    if document_format == "pdf":
        pages = pdf_pages(raw) or [""]
        return [
            Passage(index, title, "documentPage", number, number + 1, text)
            for number, text in enumerate(pages, start=1)
        ]
    if document_format in _TEXT_FORMATS:
        return _sentences(index, title, raw.decode("utf-8", errors="replace"))
    return []


def _sentences(index: int, title: str, text: str) -> list[Passage]:
    passages = []
    for match in _SENTENCE.finditer(text):
        value = match.group().rstrip()
        start = match.start()
        passages.append(Passage(index, title, "documentChar", start, start + len(value), value))
    return passages


def _bytes(value: object) -> bytes | None:
    # boto3 sends blobs base64-encoded in JSON bodies.
    if not isinstance(value, str):
        return None
    try:
        return base64.b64decode(value, validate=True)
    except (binascii.Error, ValueError):
        return None


def pdf_pages(data: bytes) -> list[str]:
    r"""The text of each page of a simple PDF: one content stream with text a page.

    Only `(...) Tj` text in uncompressed or Flate-compressed streams is read; that is
    what small generated PDFs hold.

    Example:
        >>> pdf = b"stream\nBT (Page one) Tj ET\nendstream stream\nBT (Two) Tj ET\nendstream"
        >>> pdf_pages(pdf)
        ['Page one', 'Two']
    """
    pages = []
    for match in _STREAM.finditer(data):
        stream = match.group(1)
        with contextlib.suppress(zlib.error):  # an uncompressed stream stays as it is
            stream = zlib.decompress(stream)
        if b"BT" in stream:
            shown = [_unescape(m.group(1)) for m in _SHOW_TEXT.finditer(stream)]
            pages.append(b" ".join(shown).decode("latin-1"))
    return pages


def _unescape(text: bytes) -> bytes:
    return re.sub(rb"\\(.)", lambda m: _PDF_ESCAPES.get(m.group(1), m.group(1)), text)


def _words(text: str) -> set[str]:
    return {word.lower() for word in _WORD.findall(text)}
