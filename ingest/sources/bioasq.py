"""BioASQ gold snippets: one short document per distinct snippet, keyed by its id, PMID and offsets."""

from __future__ import annotations

import json
from collections.abc import Iterator
from pathlib import Path

from curbside.types import DocMeta, Document
from ingest.failures import LoadError, LoadFailure
from ingest.tiers import classify_tier

SOURCE = "bioasq"
SNIPPET_CORPUS = "snippet_corpus_7B-11B.jsonl"


def document_from_snippet(record: dict) -> Document:
    for key in ("id", "pmid", "text"):
        if not record.get(key):
            raise LoadError(f"missing field {key!r}")
    pmid, section = str(record["pmid"]), str(record.get("section") or "abstract")
    text = record["text"]
    title = f"PubMed {pmid} ({section})"
    meta = DocMeta(
        doc_id=record["id"],
        title=title,
        source=SOURCE,
        tier=classify_tier(SOURCE, "", text),
        pmid=pmid,
        url=f"https://pubmed.ncbi.nlm.nih.gov/{pmid}/",
        extra=(
            ("section", section),
            ("offset_begin", str(record.get("offset_begin", ""))),
            ("offset_end", str(record.get("offset_end", ""))),
        ),
    )
    return Document(meta=meta, text=text)


def load_bioasq(path: Path) -> Iterator[Document | LoadFailure]:
    """``path``: the bioasq folder (reads the snippet corpus) or the snippet corpus file."""
    file = path / SNIPPET_CORPUS if path.is_dir() else path
    try:
        handle = file.open(encoding="utf-8")
    except OSError as exc:
        raise LoadError(f"cannot read BioASQ snippet corpus: {exc}") from exc
    with handle:
        for number, line in enumerate(handle, start=1):
            if not line.strip():
                continue
            try:
                yield document_from_snippet(json.loads(line))
            except json.JSONDecodeError as exc:
                yield LoadFailure(str(file), number, f"invalid JSON: {exc.msg}")
            except LoadError as exc:
                yield LoadFailure(str(file), number, exc.reason)
