"""Sentence boundaries with exact character offsets, robust to medical abbreviations.

pysbd (rule-based, Golden Rules tested) decides the boundaries inside a paragraph; it keeps
"e.g.", "vs.", "i.v.", "Fig. 2", "1.2 mg" and "p < 0.05" together. Around it we decide the
paragraph structure ourselves, because pysbd does not know Markdown or OCR'd layouts: blank
lines, headings, list items and table rows are hard boundaries, while a line wrapped in the
middle of a sentence (PDF or OCR text) is joined to the next one.
"""

from __future__ import annotations

import re
from functools import lru_cache

import pysbd

# A line that starts a structural unit of its own: heading, bullet, numbered item, table row, quote.
_STRUCTURAL_LINE = re.compile(r"^\s*(#{1,6}\s|[-*+•■●▪◦]\s|\d{1,3}[.)]\s|\||>|```|[A-Z][A-Z .]{2,}:\s*$)")
_ENDS_SENTENCE = re.compile(r"[.!?:;]['\")\]*]*\s*$")
_CONTINUES_LOWER = re.compile(r"^\s*[a-z(]")
# pysbd is slow on very long paragraphs; cut those at likely boundaries first.
_MAX_PARAGRAPH = 5000
_LIKELY_BOUNDARY = re.compile(r"(?<=[.!?])\s+(?=[A-Z\[(])")
_WORD_GAP = re.compile(r"\s+")


@lru_cache(maxsize=1)
def _segmenter() -> pysbd.Segmenter:
    return pysbd.Segmenter(language="en", clean=False, char_span=False)


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


def _cut_long(text: str, start: int, end: int) -> list[tuple[int, int]]:
    """Split an over-long paragraph at likely sentence ends, then at spaces, so pysbd stays fast."""
    pieces: list[tuple[int, int]] = []
    cursor = start
    while end - cursor > _MAX_PARAGRAPH:
        window_end = cursor + _MAX_PARAGRAPH
        cut = None
        for match in _LIKELY_BOUNDARY.finditer(text, cursor + _MAX_PARAGRAPH // 2, window_end):
            cut = match.start()
        if cut is None:
            gaps = list(_WORD_GAP.finditer(text, cursor + _MAX_PARAGRAPH // 2, window_end))
            cut = gaps[-1].start() if gaps else window_end
        pieces.append((cursor, cut))
        cursor = cut
    pieces.append((cursor, end))
    return pieces


def _trim(text: str, start: int, end: int) -> tuple[int, int]:
    while start < end and text[start].isspace():
        start += 1
    while end > start and text[end - 1].isspace():
        end -= 1
    return start, end


def _segment_paragraph(text: str, start: int, end: int) -> list[tuple[int, int]]:
    spans: list[tuple[int, int]] = []
    # Wrapped lines were joined on purpose: hide their newlines from pysbd (same length, so
    # offsets are unchanged).
    paragraph = text[start:end].replace("\r", " ").replace("\n", " ")
    # Short units without any inner sentence end need no segmenter (headings, table rows, bullets).
    if not re.search(r"[.!?]\s", paragraph):
        return [_trim(text, start, end)]
    cursor = 0
    for segment in _segmenter().segment(paragraph):
        piece = segment.strip()
        if not piece:
            continue
        found = paragraph.find(piece, cursor)
        if found < 0:  # pysbd altered the text; fall back to the rest as one sentence
            spans.append(_trim(text, start + cursor, end))
            return spans
        if spans and piece[0].islower():
            # pysbd sometimes cuts after a number before a unit ("2 | h."); a sentence does not
            # start in lower case, so such a piece belongs to the previous sentence.
            spans[-1] = (spans[-1][0], start + found + len(piece))
        else:
            spans.append((start + found, start + found + len(piece)))
        cursor = found + len(piece)
    return spans


def split_sentences(text: str, offset: int = 0) -> list[tuple[int, int]]:
    """Sentence spans ``(start, end)`` of ``text``, shifted by ``offset``; whitespace-trimmed, never empty."""
    result: list[tuple[int, int]] = []
    for para_start, para_end in _paragraphs(text):
        para_start, para_end = _trim(text, para_start, para_end)
        if para_start >= para_end:
            continue
        for piece_start, piece_end in _cut_long(text, para_start, para_end):
            for s, e in _segment_paragraph(text, piece_start, piece_end):
                s, e = _trim(text, s, e)
                if s < e:
                    result.append((s + offset, e + offset))
    return result
