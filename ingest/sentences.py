"""Sentence boundaries with exact character offsets, robust to medical abbreviations.

Inside a paragraph, :mod:`ingest.sentence_rules` decides the boundaries (a rule splitter
hardened with a list of medical abbreviations: it keeps "e.g.", "vs.", "i.v.", "Fig. 2", "1.2 mg"
and "p < 0.05" together; measured against pysbd, syntok and nupunkt in ``bench/ingest.py``).
Around it we decide the paragraph structure, because no sentence splitter knows Markdown or
OCR'd layouts: blank lines, headings, list items and table rows are hard boundaries, while a
line wrapped in the middle of a sentence (PDF or OCR text) is joined to the next one.
"""

from __future__ import annotations

import re

from ingest.sentence_rules import rule_split

# A line that starts a structural unit of its own: heading, bullet, numbered item, table row, quote.
_STRUCTURAL_LINE = re.compile(r"^\s*(#{1,6}\s|[-*+•■●▪◦]\s|\d{1,3}[.)]\s|\||>|```|[A-Z][A-Z .]{2,}:\s*$)")
_ENDS_SENTENCE = re.compile(r"[.!?:;]['\")\]*]*\s*$")
_CONTINUES_LOWER = re.compile(r"^\s*[a-z(]")


def _paragraphs(text: str) -> list[tuple[int, int]]:
    """Spans of paragraphs: runs of lines joined only where a sentence was wrapped mid-way."""
    spans: list[tuple[int, int]] = []
    start: int | None = None
    prev_line = ""
    pos = 0
    for line in text.splitlines(keepends=True):
        line_start, pos = pos, pos + len(line)
        body = line.rstrip("\r\n")
        if not body.strip():
            if start is not None:
                spans.append((start, line_start))
                start = None
            continue
        joins = (
            start is not None
            and not _STRUCTURAL_LINE.match(body)
            and not _ENDS_SENTENCE.search(prev_line)
            and not _STRUCTURAL_LINE.match(prev_line)
            and _CONTINUES_LOWER.match(body) is not None
        )
        if not joins:
            if start is not None:
                spans.append((start, line_start))
            start = line_start
        prev_line = body
    if start is not None:
        spans.append((start, len(text)))
    return spans


def _trim(text: str, start: int, end: int) -> tuple[int, int]:
    while start < end and text[start].isspace():
        start += 1
    while end > start and text[end - 1].isspace():
        end -= 1
    return start, end


def split_sentences(text: str, offset: int = 0) -> list[tuple[int, int]]:
    """Sentence spans ``(start, end)`` of ``text``, shifted by ``offset``; whitespace-trimmed, never empty."""
    result: list[tuple[int, int]] = []
    for para_start, para_end in _paragraphs(text):
        para_start, para_end = _trim(text, para_start, para_end)
        if para_start >= para_end:
            continue
        # Wrapped lines were joined on purpose; the rules treat their newlines as spaces.
        result.extend(rule_split(text[para_start:para_end], para_start + offset))
    return result
