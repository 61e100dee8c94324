"""Candidate sentences: every usable sentence of the retrieved passages, with exact offsets.

A candidate's ``text`` is always ``chunk.text[start - chunk.start : end - chunk.start]``, so a
statement built from it is verbatim by construction. Markdown headings, table rules and code
fences are not sentences a clinician should read and are skipped; bullet markers are trimmed.
"""

from __future__ import annotations

import re
import threading
from collections import OrderedDict
from collections.abc import Iterable
from dataclasses import dataclass

from answer.recommendation_cues import recommendation_of
from answer.text import strip_markup, token_set, word_count
from curbside.types import Chunk, DocMeta, Hit, Recommendation

# Sentence ends: punctuation followed by space and a capital/digit/markup, or a line break.
_SENTENCE_END = re.compile(r"(?<=[.!?])[\"')\]]*\s+(?=[A-Z0-9*(\[])|\n+")
_LEADING_MARKER = re.compile(r"^(?:[-*+•]\s+|\d{1,2}[.)]\s+|>\s*)+")
# Headings, fences, algorithm arrows: structure, not prose.
_NOT_PROSE = ("#", "```")
# Algorithm arrows: a branch ("--> YES --> ERCP", "--> First flare?") is structure, but an arrow
# followed by one plain clause ("--> Colchicine dose adjustment may be needed in CKD") is a statement.
_ARROW = re.compile(r"^(?:-->|->|=>|→)\s*")
_ARROW_ANYWHERE = re.compile(r"-->|->|=>|→")
ARROW_MIN_WORDS = 5
TABLE_RULE = re.compile(r"^\|?\s*:?-{2,}(?!-*>)")
# A line break followed by a line that starts a unit of its own; OCR-wrapped lines do not match.
_STRUCTURAL_BREAK = re.compile(r"\n+(?=\s*(?:#{1,6}\s|[-*+•■●▪◦]\s|\d{1,3}[.)]\s|\||>|```))|\n{2,}")
MIN_WORDS = 4
# A line ending in ":" this short is a label ("Inadequate response:"), longer ones are real lead-ins.
LEAD_IN_MIN_WORDS = 7
# A longer lead-in ("Obtain pretreatment blood cultures in adults with CAP who:") is incomplete without the
# list or small table after it: its statement takes it along (one item or row a line) when it is this short
# and ends inside the passage. A longer or cut-off list leaves the lead-in alone, as before.
_ITEM = r"(?:[-*+•■●▪◦・]|\d{1,3}[.)])"  # a list item's bullet (Markdown's or an OCR'd glyph) or number
LIST_ITEM = re.compile(rf"[ \t]*(?:{_ITEM}[ \t]+\S|\|)")  # a list item or a table row
ITEM_MARKER = re.compile(rf"^\s*{_ITEM}\s+")
MAX_LIST_ITEMS = 8
MAX_LIST_WORDS = 80
# Long sentences are trimmed at clause boundaries so one statement stays readable.
MAX_WORDS = 45
_CLAUSE_BREAK = re.compile(r";\s+|:\s+(?=[A-Za-z])")
# Structured-abstract labels ("RESULTS:") are not part of the finding; the label tells its role.
_ABSTRACT_LABEL = re.compile(
    r"^(?P<label>background|introduction|objectives?|aims?|purpose|methods?|design|setting|participants|"
    r"results?|findings|conclusions?|interpretation|context)\s*:\s*",
    re.I,
)


@dataclass(frozen=True)
class Candidate:
    text: str
    start: int  # absolute offsets into the document text
    end: int
    chunk: Chunk
    doc: DocMeta
    pool: str
    hit_rank: int  # 0-based rank of the passage inside its pool
    hit_score: float
    recommendation: Recommendation | None
    tokens: frozenset[str]
    label: str | None = None  # structured-abstract label in front of the sentence, lower-case
    heading: str = ""  # the nearest heading above the sentence (inside the passage, else its section)
    context_tokens: frozenset[str] = frozenset()  # tokens of the heading path and document title
    hit_dense: float = 0.0  # the passage's embedding cosine to the query
    # A lead-in's statement also shows the list after it, up to here (absolute); scoring reads the lead-in.
    shown_end: int | None = None

    @property
    def is_guideline(self) -> bool:
        return self.pool == "guideline"

    @property
    def shown_text(self) -> str:
        """What a statement built from this candidate shows: the sentence, and a lead-in's list."""
        if self.shown_end is None:
            return self.text
        return self.chunk.text[self.start - self.chunk.start : self.shown_end - self.chunk.start]


def _raw_spans(chunk: Chunk) -> list[tuple[int, int, Recommendation | None]]:
    """Sentence spans relative to the chunk: the ingest spans when present, else split here."""
    if chunk.sentences:
        return [(s.start - chunk.start, s.end - chunk.start, s.recommendation) for s in chunk.sentences]
    spans, pos = [], 0
    for match in _SENTENCE_END.finditer(chunk.text):
        spans.append((pos, match.start(), None))
        pos = match.end()
    spans.append((pos, len(chunk.text), None))
    return spans


def _lines(text: str, start: int, end: int) -> list[tuple[int, int]]:
    """Split a span before structural lines (bullets, table rows, headings); a wrapped line stays joined."""
    out, pos = [], start
    for match in _STRUCTURAL_BREAK.finditer(text, start, end):
        out.append((pos, match.start()))
        pos = match.end()
    out.append((pos, end))
    return out


def _is_table_header(text: str, end: int) -> bool:
    return TABLE_RULE.match(text[end:].lstrip("\n")) is not None and text[:end].rstrip().endswith("|")


def _clean_span(text: str, start: int, end: int) -> tuple[int, int, str | None] | None:
    """Trim whitespace, bullet markers and abstract labels; None for headings, rules, fences, fragments."""
    piece = text[start:end]
    stripped = piece.strip()
    if not stripped or stripped.startswith(_NOT_PROSE) or TABLE_RULE.match(stripped) or "`" in stripped:
        return None
    is_label = strip_markup(stripped).endswith(":") and word_count(stripped) < LEAD_IN_MIN_WORDS
    if is_label or _is_table_header(text, end):
        return None  # a lead-in or a column header says nothing by itself
    start += len(piece) - len(piece.lstrip())
    end -= len(piece) - len(piece.rstrip())
    arrow = _ARROW.match(text[start:end])
    if arrow:
        rest = text[start + arrow.end() : end]
        if _ARROW_ANYWHERE.search(rest) or rest.rstrip().endswith("?") or word_count(rest) < ARROW_MIN_WORDS:
            return None
        start += arrow.end()
    elif _ARROW_ANYWHERE.search(stripped):
        return None
    marker = _LEADING_MARKER.match(text[start:end])
    if marker:
        start += marker.end()
    label = _ABSTRACT_LABEL.match(text[start:end])
    if label:
        start += label.end()
    if word_count(text[start:end]) < MIN_WORDS:
        return None
    return start, end, label.group("label").lower() if label else None


def list_end(text: str, end: int) -> int | None:
    """Where the short list after the lead-in ending at ``end`` ends (its last item's end), or None when no
    list follows, it is longer than MAX_LIST_ITEMS / MAX_LIST_WORDS, or it runs to the end of ``text``."""
    if not strip_markup(text[max(0, end - 12) : end]).endswith(":"):  # the sentence's end, markup aside
        return None
    items, words, last, table, indent = 0, 0, None, None, 0
    pos = text.find("\n", end)
    while pos != -1:
        line_start = pos + 1
        line_end = text.find("\n", line_start)
        line = text[line_start : line_end if line_end != -1 else len(text)]
        if line.strip():
            row = line.lstrip().startswith("|")
            depth = indent_of(line)
            if not LIST_ITEM.match(line) or (table is not None and (row != table or depth < indent)):
                break  # the list (or table) ended inside the passage: a different block, or an outer item
            table, indent = row, depth if table is None else indent
            items += 1
            words += word_count(line)
            last = line_start + len(line.rstrip())
            if items > MAX_LIST_ITEMS or words > MAX_LIST_WORDS:
                return None
        elif items and not text[line_start:].strip():
            break  # only blank lines follow the list: the passage holds all of it
        pos = line_end
    else:
        return None  # the passage ends inside the list (or right after it): it may go on
    return last


def indent_of(line: str) -> int:
    return len(line) - len(line.lstrip())


def _clauses(text: str, start: int, end: int) -> list[tuple[int, int]]:
    """A long sentence cut at semicolons/colons; short ones come back whole."""
    if word_count(text[start:end]) <= MAX_WORDS:
        return [(start, end)]
    out, pos = [], start
    for match in _CLAUSE_BREAK.finditer(text, start, end):
        out.append((pos, match.start()))
        pos = match.end()
    out.append((pos, end))
    return [(s, e) for s, e in out if word_count(text[s:e]) >= MIN_WORDS]


_HEADING_LINE = re.compile(r"^#{1,6}\s+(.+?)\s*#*\s*$", re.M)


def _headings(chunk: Chunk) -> list[tuple[int, str]]:
    """(position, heading text) of the Markdown headings inside the passage, in order."""
    return [(m.start(), strip_markup(m.group(1))) for m in _HEADING_LINE.finditer(chunk.text)]


def _nearest_heading(headings: list[tuple[int, str]], position: int, chunk: Chunk) -> str:
    """The last heading above ``position``; the passage's own section when none is inside it."""
    above = [text for start, text in headings if start < position]
    if above:
        return above[-1]
    return chunk.section_path[-1] if chunk.section_path else ""


@dataclass(frozen=True)
class _Sentence:
    """A passage's sentence as parsed once (the parse does not depend on the question)."""

    start: int  # relative to the passage
    end: int
    recommendation: Recommendation | None
    tokens: frozenset[str]
    label: str | None
    heading: str
    context_tokens: frozenset[str]
    list_end: int | None = None  # end of the list a lead-in introduces (see list_end)


# Passage id -> its parsed sentences: follow-up turns keep returning the same passages.
_PARSED: OrderedDict[tuple[object, ...], tuple[_Sentence, ...]] = OrderedDict()
PARSE_CACHE_SIZE = 4096
_PARSED_LOCK = threading.Lock()  # the API answers from several threads
# Passages parsed before the first question (see prepare_passages), kept for as long as their index serves.
# Replaced whole, never changed in place, so readers need no lock.
_PREPARED: dict[tuple[object, ...], tuple[_Sentence, ...]] = {}


def _parse_key(hit: Hit) -> tuple[object, ...]:
    chunk = hit.chunk
    # Everything the parse reads: the passage (its id, text and ingest spans), the document and the pool.
    return (chunk.chunk_id, chunk.text, chunk.sentences, chunk.section_path, hit.doc, hit.pool)


def prepare_passages(hits: Iterable[Hit]) -> int:
    """Parse these passages now and keep them, replacing those kept before; returns how many are kept.

    A cold passage costs the composer about as much as the rest of its work on a turn, and a server's next
    question usually lands on guideline passages no earlier question returned. Parsing the guideline pool
    once, when the server starts or switches index versions, takes that cost off the questions.
    """
    global _PREPARED
    prepared = {}
    for hit in hits:
        key = _parse_key(hit)
        kept = _PREPARED.get(key)
        prepared[key] = kept if kept is not None else _parse(hit)
    _PREPARED = prepared
    return len(prepared)


def prepared_count() -> int:
    """How many passages are kept parsed now."""
    return len(_PREPARED)


def _parsed(hit: Hit) -> tuple[_Sentence, ...]:
    key = _parse_key(hit)
    prepared = _PREPARED.get(key)
    if prepared is not None:
        return prepared
    with _PARSED_LOCK:
        cached = _PARSED.get(key)
        if cached is not None:
            _PARSED.move_to_end(key)
            return cached
    parsed = _parse(hit)
    with _PARSED_LOCK:
        _PARSED[key] = parsed
        if len(_PARSED) > PARSE_CACHE_SIZE:
            _PARSED.popitem(last=False)
    return parsed


def _parse(hit: Hit) -> tuple[_Sentence, ...]:
    chunk = hit.chunk
    headings = _headings(chunk)
    base_context = token_set(" ".join([hit.doc.title, *chunk.section_path]))
    out: list[_Sentence] = []
    for rel_start, rel_end, ingest_rec in _raw_spans(chunk):
        for line_start, line_end in _lines(chunk.text, max(rel_start, 0), min(rel_end, len(chunk.text))):
            cleaned = _clean_span(chunk.text, line_start, line_end)
            if cleaned is None:
                continue
            for s, e in _clauses(chunk.text, cleaned[0], cleaned[1]):
                text = chunk.text[s:e]
                shown_end = list_end(chunk.text, e) if e == cleaned[1] else None
                heading = _nearest_heading(headings, s, chunk)
                rec = ingest_rec
                if not chunk.sentences and hit.pool == "guideline":
                    # No ingest sentence spans at all: read it with ingest's rules. With spans, a
                    # sentence ingest found no recommendation in stays without one.
                    rec = recommendation_of(text, hit.doc.organization)
                context = base_context | token_set(heading)
                out.append(_Sentence(s, e, rec, token_set(text), cleaned[2], heading, context, shown_end))
    return tuple(out)


def candidates_from_hits(hits: list[Hit]) -> list[Candidate]:
    """Every usable sentence of ``hits`` in passage-rank order, duplicates of the same span dropped."""
    out: list[Candidate] = []
    seen: set[tuple[str, int, int]] = set()
    for rank, hit in enumerate(hits):
        chunk = hit.chunk
        for sentence in _parsed(hit):
            key = (chunk.doc_id, chunk.start + sentence.start, chunk.start + sentence.end)
            if key in seen:
                continue  # overlapping chunks of one document repeat sentences
            seen.add(key)
            out.append(
                Candidate(
                    text=chunk.text[sentence.start : sentence.end], start=key[1], end=key[2], chunk=chunk,
                    doc=hit.doc, pool=hit.pool, hit_rank=rank, hit_score=hit.score,
                    recommendation=sentence.recommendation, tokens=sentence.tokens, label=sentence.label,
                    heading=sentence.heading, context_tokens=sentence.context_tokens,
                    hit_dense=hit.dense_score or 0.0,
                    shown_end=None if sentence.list_end is None else chunk.start + sentence.list_end,
                )
            )
    return out
