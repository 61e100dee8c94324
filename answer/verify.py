"""The automatic faithfulness check: every statement cited, every citation resolving to words that support it.

The first citation of a statement must contain the statement's text verbatim (whitespace
aside); further citations, added when near-duplicates from other passages were merged, must
hold the statement or a near-duplicate of it (the same test composition used to merge them).
"""

from __future__ import annotations

from collections.abc import Callable

from answer.text import near_duplicate, normalise_space
from curbside.types import Answer, Chunk, Citation, Statement


def _sections(answer: Answer) -> list[tuple[str, list[Statement]]]:
    out = [("bottom line", answer.bottom_line), ("guidelines", answer.guidelines)]
    out += [(f"research/{f.facet}", f.statements) for f in answer.research]
    out.append(("evidence note", answer.evidence_note))
    return out


def _citation_problem(
    statement: Statement, citation: Citation, primary: bool, chunk: Chunk | None
) -> str | None:
    label = f"[{citation.ref}] {citation.chunk_id}"
    if chunk is None:
        return f"citation {label} does not resolve to a passage"
    if chunk.doc_id != citation.doc_id:
        return f"citation {label} names document {citation.doc_id!r} but the passage is in {chunk.doc_id!r}"
    if not (chunk.start <= citation.start < citation.end <= chunk.end):
        return (
            f"citation {label} span {citation.start}-{citation.end} lies outside the passage "
            f"{chunk.start}-{chunk.end}"
        )
    span = normalise_space(chunk.text[citation.start - chunk.start : citation.end - chunk.start])
    text = normalise_space(statement.text)
    if text in span or (not primary and near_duplicate(text, span)):
        return None
    return f"citation {label} span {citation.start}-{citation.end} does not contain the statement's words"


def verify_answer(answer: Answer, chunk_lookup: Callable[[str], Chunk | None]) -> list[str]:
    """Problems found, as readable lines naming section and statement; empty when the answer is faithful."""
    problems: list[str] = []
    ref_chunks = {ref.number: ref.chunk_id for ref in answer.references}
    sections = _sections(answer)
    if answer.refused and any(statements for _, statements in sections):
        problems.append("a refused answer makes clinical statements")
    for section, statements in sections:
        for index, statement in enumerate(statements, start=1):
            where = f"{section} #{index} ({statement.text[:60]!r})"
            if not statement.text.strip():
                problems.append(f"{where}: empty statement text")
            if not statement.citations:
                problems.append(f"{where}: statement without a citation")
            for position, citation in enumerate(statement.citations):
                if ref_chunks.get(citation.ref) != citation.chunk_id:
                    problems.append(f"{where}: citation [{citation.ref}] does not match its reference entry")
                chunk = chunk_lookup(citation.chunk_id)
                problem = _citation_problem(statement, citation, position == 0, chunk)
                if problem is not None:
                    problems.append(f"{where}: {problem}")
    return problems
