"""Benchmark corpora and their relevance labels: guidelines, BioASQ snippets and PubMedQA abstracts.

Each corpus is indexed once under its own home folder and reused as it is; a rebuild takes its vectors
from the embedding cache beside the index.
"""

from __future__ import annotations

import hashlib
import json
from collections.abc import Iterator
from dataclasses import dataclass, replace
from pathlib import Path

from curbside.settings import Settings
from curbside.types import Document


@dataclass(frozen=True)
class Query:
    qid: str
    text: str
    relevant: frozenset[str]  # doc ids


def snippet_id(text: str) -> str:
    """BioASQ corpus ids are the first 16 hex digits of the SHA-1 of the snippet text."""
    return "bioasq-snippet:" + hashlib.sha1(text.encode("utf-8")).hexdigest()[:16]


def bioasq_documents(data_dir: Path) -> Iterator[Document]:
    from ingest.sources.bioasq import load_bioasq

    yield from _documents_only(load_bioasq(data_dir / "research" / "bioasq"))


def _documents_only(items: Iterator[object]) -> Iterator[Document]:
    for item in items:
        if not isinstance(item, Document):
            raise ValueError(f"benchmark corpus failed to load: {item}")
        yield item


def bioasq_queries(data_dir: Path, tasks: tuple[str, ...] = ("7B", "8B", "9B", "10B")) -> list[Query]:
    """Questions of the given tasks; relevant = the question's own gold snippets (as corpus ids)."""
    queries: list[Query] = []
    seen: set[str] = set()
    for task in tasks:
        for path in sorted((data_dir / "research" / "bioasq" / f"Task{task}GoldenEnriched").glob("*.json")):
            for q in json.loads(path.read_text(encoding="utf-8"))["questions"]:
                relevant = frozenset(snippet_id(s["text"]) for s in q.get("snippets", []))
                if not relevant or q["id"] in seen:
                    continue
                seen.add(q["id"])
                queries.append(Query(q["id"], q["body"], relevant))
    return queries


def _pubmedqa_records(data_dir: Path) -> dict[str, dict]:
    return json.loads((data_dir / "research" / "pubmedqa" / "ori_pqal.json").read_text(encoding="utf-8"))


def pubmedqa_documents(data_dir: Path) -> Iterator[Document]:
    from ingest.sources.pubmedqa import load_pubmedqa

    yield from _documents_only(load_pubmedqa(data_dir / "research" / "pubmedqa"))


def guideline_documents(data_dir: Path) -> Iterator[Document]:
    """The corpus of the follow-up conversations: open-medicine, USPSTF and NSTG 2022."""
    from ingest.sources.nstg import load_nstg
    from ingest.sources.open_medicine import load_open_medicine
    from ingest.sources.uspstf import load_uspstf

    yield from load_open_medicine()
    yield from _documents_only(load_uspstf(data_dir / "guidelines" / "uspstf"))
    yield from _documents_only(load_nstg(data_dir / "guidelines" / "nstg2022"))


def pubmedqa_queries(data_dir: Path) -> list[Query]:
    """Each question's relevant document is its own abstract."""
    return [
        Query(pmid, rec["QUESTION"], frozenset({f"pubmed:{pmid}"}))
        for pmid, rec in sorted(_pubmedqa_records(data_dir).items())
    ]


def corpus_settings(base: Settings, home: Path) -> Settings:
    return replace(base, home=home)


def build_index(  # noqa: ANN201
    documents: Iterator[Document],
    settings: Settings,
    progress: bool = True,
    any_search_settings: bool = False,
):
    """Open the index under ``settings.home``, building it from ``documents`` first when there is none.

    An existing index is reused as it is when it was built with this chunking and embedded text and with these
    search settings (BM25 and dense parameters), or with any search settings when ``any_search_settings`` (a
    caller that only reads its chunks and vectors), so repeated evaluations do not re-read and re-hash a
    21k-document corpus; its documents are not compared (delete the folder to rebuild from changed data).
    """
    from index.build import chunking_record
    from index.errors import IndexNotFound
    from index.layout import open_current
    from index.versions import reindex, same_search_settings

    try:
        current = open_current(settings, verify=False)
        same_chunks = current.manifest.get("chunking") == chunking_record(settings)
        if same_chunks and (any_search_settings or same_search_settings(current, settings)):
            return current
    except IndexNotFound:
        pass

    reindex(documents, settings, progress=progress)
    return open_current(settings, verify=False)
