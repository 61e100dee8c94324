"""What every renderer shares: headings, facet titles, reference lines, markup-free statement text."""

from __future__ import annotations

from answer.candidates import ITEM_MARKER, LIST_ITEM, TABLE_RULE, indent_of
from answer.leads import source_name, stance_phrase
from answer.text import strip_markup
from curbside.types import Answer, DocMeta, Reference, Statement

FACET_TITLES = {
    "mechanism": "Mechanism",
    "efficacy": "Efficacy",
    "safety": "Safety",
    "dosing": "Dosing",
    "monitoring": "Monitoring",
    "other": "Other findings",
}
TIER_LABELS = {
    "guideline": "guideline",
    "systematic_review": "systematic review",
    "randomized_trial": "randomized trial",
    "observational": "observational study",
    "narrative_review": "narrative review",
    "consumer": "patient information",
    "other": "other",
}


def display_text(statement: Statement) -> str:
    """The extract as the reader sees it: markdown emphasis and table pipes removed, words unchanged."""
    return strip_markup(statement.text)


def display_parts(statement: Statement) -> tuple[str, list[str]]:
    """The extract as the reader sees it, split into its sentence and the items of the list it introduces
    (none for most statements; a line broken by the source's layout is not an item)."""
    lines = statement.text.split("\n")
    first_item = next((i for i, line in enumerate(lines) if i and LIST_ITEM.match(line)), None)
    if first_item is None:
        return display_text(statement), []
    head = strip_markup("\n".join(lines[:first_item]))
    indent = indent_of(lines[first_item])
    items: list[str] = []
    for line in (x for x in lines[first_item:] if x.strip() and not TABLE_RULE.match(x.strip())):
        text = strip_markup(ITEM_MARKER.sub("", line))
        if items and indent_of(line) > indent:
            items[-1] = f"{items[-1]} {text}"  # a sub-item reads as the end of its item
        else:
            items.append(text)
    return head, items


def references_by_number(answer: Answer) -> dict[int, Reference]:
    return {ref.number: ref for ref in answer.references}


def guideline_label(answer: Answer, statement: Statement) -> str:
    """"ACR 2020 · recommendation against (Strong, High)" for a guideline statement."""
    refs = references_by_number(answer)
    first = refs.get(statement.citations[0].ref) if statement.citations else None
    source = source_name(first.doc) if first is not None else "Guideline"
    stance = stance_phrase(statement.recommendation)
    return f"{source} · {stance}" if stance else source


def identifiers(doc: DocMeta) -> list[str]:
    out = []
    if doc.doi:
        out.append(f"doi:{doc.doi}")
    if doc.pmid:
        out.append(f"PMID {doc.pmid}")
    return out


def reference_display(ref: Reference) -> dict[str, str]:
    """The parts of a reference that a reader sees: ``title``, ``source`` (organization or journal, year) and
    ``location`` (the passage's headings, page and characters).

    Each part says something new: a section title ending in its source ("... — ACR 2020") is shown without
    that ending, which ``source`` gives, and ``location`` leaves out the opening headings that are parts of
    the title between its dashes (a guideline section's own heading opens its path)."""
    doc = ref.doc
    source = " ".join(str(p) for p in (doc.organization or doc.journal, doc.year) if p)
    title = doc.title
    if source and title.endswith(f" — {source}"):
        title = title[: -len(f" — {source}")]
    parts = doc.title.casefold().split(" — ")
    named = {" — ".join(parts[i:j]) for i in range(len(parts)) for j in range(i + 1, len(parts) + 1)}
    path = list(ref.section_path)
    while path and path[0].strip().casefold() in named:
        path.pop(0)
    where = " › ".join(path)
    page = f"p. {ref.page}, " if ref.page is not None else ""
    span = f"({page}characters {ref.start}-{ref.end})"
    return {"title": title, "source": source, "location": f"{where} {span}" if where else span}


def reference_parts(ref: Reference) -> list[str]:
    """Title; organization or journal with year; identifiers; tier; passage location."""
    shown = reference_display(ref)
    parts = [shown["title"]]
    if shown["source"]:
        parts.append(shown["source"])
    parts.extend(identifiers(ref.doc))
    parts.append(TIER_LABELS.get(ref.doc.tier, ref.doc.tier))
    parts.append(shown["location"])
    return parts


def related_line(doc: DocMeta) -> str:
    publisher = " ".join(str(p) for p in (doc.organization or doc.journal, doc.year) if p)
    return f"{doc.title} ({publisher})" if publisher else doc.title
