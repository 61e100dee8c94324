"""HTML fragment for the web page. Every corpus string is escaped; citations carry the passage
id and the character span so the page can open the passage and highlight the supporting words."""

from __future__ import annotations

from html import escape

from answer.render_common import FACET_TITLES, display_parts, guideline_label, reference_parts, related_line
from curbside.types import Answer, Citation, Statement


def _cite(citation: Citation) -> str:
    return (
        f'<a class="cite" href="#ref-{citation.ref}" data-ref="{citation.ref}" '
        f'data-doc-id="{escape(citation.doc_id)}" data-chunk-id="{escape(citation.chunk_id)}" '
        f'data-start="{citation.start}" data-end="{citation.end}">[{citation.ref}]</a>'
    )


def _statement(statement: Statement, label: str = "") -> str:
    return _statement_html(statement, label)[0]


def _statement_html(statement: Statement, label: str = "") -> tuple[str, bool]:
    """The statement's HTML, and whether it holds the sub-list of a lead-in."""
    lead = f'<span class="lead">{escape(statement.lead)}</span> ' if statement.lead else ""
    label_html = f'<span class="source">{escape(label)}:</span> ' if label else ""
    cites = "".join(_cite(c) for c in statement.citations)
    head, items = display_parts(statement)
    listed = _list([escape(item) for item in items], "items") if items else ""
    return f'{label_html}{lead}<span class="extract">{escape(head)}</span> {cites}{listed}', bool(items)


def _block(statement: Statement) -> str:
    """A statement standing alone (bottom line, evidence note): a paragraph; a block when it holds a list."""
    html, has_list = _statement_html(statement)
    return f'<div class="statement">{html}</div>' if has_list else f"<p>{html}</p>"


def _list(items: list[str], css: str) -> str:
    return f'<ul class="{css}">' + "".join(f"<li>{item}</li>" for item in items) + "</ul>"


def render_html(answer: Answer) -> str:
    """An <article> fragment; no script, no style, only escaped text and data attributes."""
    parts = ['<article class="answer">', f'<p class="question">{escape(answer.question)}</p>']
    if answer.interpreted_as and answer.interpreted_as != answer.question:
        parts.append(f'<p class="interpreted">Interpreted as: {escape(answer.interpreted_as)}</p>')
    if answer.refused:
        parts.append(f'<section class="refusal"><p>{escape(answer.refusal_message or "")}</p>')
        if answer.possibly_related:
            parts.append("<h3>Possibly related</h3>")
            parts.append(_list([escape(related_line(d)) for d in answer.possibly_related], "related"))
        parts.append("</section>")
    else:
        if answer.bottom_line:
            body = "".join(_block(s) for s in answer.bottom_line)
            parts.append(f'<section class="bottom-line"><h2>Bottom line</h2>{body}</section>')
        if answer.guidelines:
            items = [_statement(s, guideline_label(answer, s)) for s in answer.guidelines]
            body = _list(items, "statements")
            parts.append(f'<section class="guidelines"><h2>From the Guidelines</h2>{body}</section>')
        if answer.research:
            parts.append('<section class="research"><h2>From the Research</h2>')
            for facet in answer.research:
                title = escape(FACET_TITLES.get(facet.facet, facet.facet.title()))
                parts.append(f'<h3 class="facet" data-facet="{escape(facet.facet)}">{title}</h3>')
                parts.append(_list([_statement(s) for s in facet.statements], "statements"))
            parts.append("</section>")
        if answer.evidence_note:
            body = "".join(_block(s) for s in answer.evidence_note)
            parts.append(f'<section class="evidence-note"><h2>Evidence note</h2>{body}</section>')
        if answer.references:
            items = [
                f'<li id="ref-{r.number}" value="{r.number}" data-chunk-id="{escape(r.chunk_id)}">'
                + escape(". ".join(reference_parts(r)))
                + "</li>"
                for r in answer.references
            ]
            body = "".join(items)
            parts.append(f'<section class="references"><h2>References</h2><ol>{body}</ol></section>')
    parts.append(f'<p class="disclaimer">{escape(answer.disclaimer)}</p></article>')
    return "".join(parts)
