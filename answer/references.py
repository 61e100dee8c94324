"""Turning picked sentences into cited statements, and numbering the references.

Citations are built with a placeholder number; :func:`number_references` then numbers the
passages in reading order (bottom line, guidelines, research, evidence note), so [1] is the
first passage the reader meets.
"""

from __future__ import annotations

from collections.abc import Iterator
from dataclasses import replace

from answer.candidates import Candidate
from answer.select import Scored
from curbside.types import Answer, Chunk, Citation, DocMeta, Reference, Statement


def citation_of(cand: Candidate, end: int | None = None) -> Citation:
    chunk_id = cand.chunk.chunk_id
    return Citation(ref=0, doc_id=cand.doc.doc_id, chunk_id=chunk_id, start=cand.start, end=end or cand.end)


def statement_of(item: Scored, lead: str = "") -> Statement:
    """A statement whose text is the picked sentence verbatim (with the list a lead-in introduces, unless
    near-duplicates from other passages were merged into it), citing it and those near-duplicates."""
    cand = item.candidate
    with_list = cand.shown_end is not None and not item.merged
    return Statement(
        text=cand.shown_text if with_list else cand.text,
        citations=[citation_of(cand, cand.shown_end if with_list else None)]
        + [citation_of(c) for c in item.merged],
        facet=item.facet if not cand.is_guideline else None,
        recommendation=cand.recommendation,
        lead=lead,
    )


def all_statements(answer: Answer) -> Iterator[Statement]:
    """Every statement in reading order."""
    yield from answer.bottom_line
    yield from answer.guidelines
    for facet in answer.research:
        yield from facet.statements
    yield from answer.evidence_note


def number_references(answer: Answer, passages: dict[str, tuple[Chunk, DocMeta]]) -> None:
    """Fill ``answer.references`` and the citations' ``ref`` numbers, one reference per passage."""
    numbers: dict[str, int] = {}
    for statement in all_statements(answer):
        renumbered = []
        for citation in statement.citations:
            if citation.chunk_id not in numbers:
                numbers[citation.chunk_id] = len(numbers) + 1
                chunk, doc = passages[citation.chunk_id]
                answer.references.append(
                    Reference(
                        number=numbers[citation.chunk_id], doc=doc, chunk_id=chunk.chunk_id,
                        section_path=chunk.section_path, start=chunk.start, end=chunk.end, page=chunk.page,
                    )
                )
            renumbered.append(replace(citation, ref=numbers[citation.chunk_id]))
        statement.citations = renumbered
