"""PubMedQA PQA-L (ori_pqal.json): each abstract's labelled sections plus its conclusion."""

from __future__ import annotations

import json
from collections.abc import Iterator
from pathlib import Path

from curbside.types import DocMeta, Document, Section
from ingest.failures import LoadError, LoadFailure
from ingest.tiers import classify_tier

SOURCE = "pubmedqa"


def document_from_record(pmid: str, record: dict) -> Document:
    contexts, labels = record.get("CONTEXTS"), record.get("LABELS") or []
    if not isinstance(contexts, list) or not contexts:
        raise LoadError("no CONTEXTS")
    pieces = list(zip([str(lab) for lab in labels] + [""] * len(contexts), contexts, strict=False))[
        : len(contexts)
    ]
    if record.get("LONG_ANSWER"):
        pieces.append(("CONCLUSIONS", record["LONG_ANSWER"]))
    text, sections = "", []
    for label, body in pieces:
        if text:
            text += "\n\n"
        heading = f"{label}: " if label else ""
        text += heading
        sections.append(
            Section(path=(label.title() or "Abstract",), start=len(text), end=len(text) + len(body))
        )
        text += body
    # The PQA-L question is built from the article title; it is the nearest thing to one.
    title = str(record.get("QUESTION") or f"PubMed {pmid}")
    year = str(record.get("YEAR") or "")
    meta = DocMeta(
        doc_id=f"pubmed:{pmid}",
        title=title,
        source=SOURCE,
        tier=classify_tier(SOURCE, title, text),
        year=int(year) if year.isdigit() else None,
        pmid=pmid,
        url=f"https://pubmed.ncbi.nlm.nih.gov/{pmid}/",
        extra=(("title_is_question", "true"), ("mesh", "; ".join(record.get("MESHES") or []))),
    )
    return Document(meta=meta, text=text, sections=sections)


def load_pubmedqa(path: Path) -> Iterator[Document | LoadFailure]:
    """``path``: the pubmedqa folder (reads ori_pqal.json) or that file."""
    file = path / "ori_pqal.json" if path.is_dir() else path
    try:
        data = json.loads(file.read_text(encoding="utf-8"))
    except (OSError, UnicodeDecodeError, json.JSONDecodeError) as exc:
        raise LoadError(f"unreadable PubMedQA JSON: {exc}") from exc
    for pmid, record in data.items():
        try:
            yield document_from_record(str(pmid), record)
        except LoadError as exc:
            yield LoadFailure(str(file), None, f"PMID {pmid}: {exc.reason}")
