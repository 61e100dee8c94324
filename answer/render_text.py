"""Terminal / Markdown rendering: bottom line, guidelines, research by facet, evidence note, references."""

from __future__ import annotations

from answer.render_common import FACET_TITLES, display_parts, guideline_label, reference_parts, related_line
from curbside.types import Answer, Statement


def _markers(statement: Statement) -> str:
    numbers = sorted({c.ref for c in statement.citations})
    return "".join(f"[{n}]" for n in numbers)


def _body(statement: Statement) -> str:
    """The extract and its markers, then the items of a list it introduces as an indented sub-list."""
    head, items = display_parts(statement)
    return f"{head} {_markers(statement)}" + "".join(f"\n  - {item}" for item in items)


def _line(statement: Statement) -> str:
    lead = f"{statement.lead} " if statement.lead else ""
    return f"{lead}{_body(statement)}"


def render_text(answer: Answer) -> str:
    """The answer as Markdown that also reads well in a terminal; [n] marks point at References."""
    out = [f"**Question:** {answer.question}"]
    if answer.interpreted_as and answer.interpreted_as != answer.question:
        out.append(f"*Interpreted as:* {answer.interpreted_as}")
    if answer.refused:
        out += ["", "## No evidence found", "", answer.refusal_message or ""]
        if answer.possibly_related:
            out += ["", "Possibly related:"] + [f"- {related_line(doc)}" for doc in answer.possibly_related]
        out += ["", "---", answer.disclaimer]
        return "\n".join(out).rstrip() + "\n"
    if answer.bottom_line:
        out += ["", "## Bottom line", ""] + [_line(s) for s in answer.bottom_line]
    if answer.guidelines:
        out += ["", "## From the Guidelines", ""]
        out += [f"- **{guideline_label(answer, s)}:** {_line(s)}" for s in answer.guidelines]
    if answer.research:
        out += ["", "## From the Research"]
        for facet in answer.research:
            out += ["", f"### {FACET_TITLES.get(facet.facet, facet.facet.title())}", ""]
            out += [f"- {_body(s)}" for s in facet.statements]
    if answer.evidence_note:
        out += ["", "## Evidence note", ""] + [_line(s) for s in answer.evidence_note]
    if answer.references:
        out += ["", "## References", ""]
        out += [f"{ref.number}. " + ". ".join(reference_parts(ref)) for ref in answer.references]
    out += ["", "---", answer.disclaimer]
    return "\n".join(out).rstrip() + "\n"
