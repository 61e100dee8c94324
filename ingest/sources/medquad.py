"""MedQuAD consumer health pages (NIH, CDC): one document per answered question."""

from __future__ import annotations

from collections.abc import Iterator
from pathlib import Path
from xml.etree.ElementTree import Element, ParseError

import defusedxml.ElementTree as SafeET

from curbside.types import DocMeta, Document
from ingest.failures import LoadError, LoadFailure

SOURCE = "medquad"


# A few MedQuAD files use another spelling of the same layout (<doc docid> with <pair>/<question>,
# or <DiseaseFile fid>); element names are matched case-insensitively and by these aliases.
_ROOTS = {"document", "doc", "diseasefile"}
_ID_ATTRIBUTES = ("id", "docid", "fid")


def _child(element: Element, *names: str) -> Element | None:
    return next((c for c in element if c.tag.lower() in names), None)


def load_medquad_file(file: Path) -> Iterator[Document]:
    try:
        root = SafeET.parse(str(file)).getroot()
    except ParseError as exc:
        raise LoadError(f"malformed XML: {exc}") from exc
    doc_key = next((root.get(a) for a in _ID_ATTRIBUTES if root.get(a)), None)
    if root.tag.lower() not in _ROOTS or not doc_key:
        raise LoadError(f"not a MedQuAD file: root element <{root.tag}> without an id")
    # Document ids are unique only within one collection (GARD, GHR, NIDDK ... each count from 0000001),
    # and some pages are split into files that repeat the page's id and question ids, one file per
    # condition (0000013_2.xml, 0000013_2_1.xml, ...). The answer's id therefore names the collection and,
    # for such a file, its name, so that no answer is dropped as a duplicate (a quarter of MedQuAD was).
    # The page id stays in ``medquad_document``, the key the data's README gives.
    collection = root.get("source") or root.get("corpus")
    page = file.stem if file.stem.startswith(f"{doc_key}_") else doc_key
    answer_key = f"{collection}/{page}" if collection else page
    focus_element = _child(root, "focus", "doctitle-focus")
    focus = (focus_element.text or "").strip() if focus_element is not None else ""
    for pair in (e for e in root.iter() if e.tag.lower() in ("qapair", "pair")):
        question, answer = _child(pair, "question"), _child(pair, "answer")
        text = answer.text if answer is not None and answer.text else ""
        if question is None or not text.strip():
            continue  # MedQuAD ships some questions without answers; nothing to index
        qid = question.get("qid") or pair.get("pid") or "0"
        meta = DocMeta(
            doc_id=f"{SOURCE}:{answer_key}#{qid}",
            title=" ".join((question.text or focus).split()),
            source=SOURCE,
            tier="consumer",
            organization=collection,
            url=root.get("url"),
            extra=(("focus", focus), ("qtype", question.get("qtype") or ""), ("medquad_document", doc_key)),
        )
        yield Document(meta=meta, text=text)


def load_medquad(path: Path) -> Iterator[Document | LoadFailure]:
    """``path``: the medquad folder, one of its subset folders, or one XML file."""
    files = sorted(path.rglob("*.xml")) if path.is_dir() else [path]
    for file in files:
        try:
            yield from load_medquad_file(file)
        except (LoadError, OSError) as exc:
            yield LoadFailure(str(file), None, getattr(exc, "reason", str(exc)))
