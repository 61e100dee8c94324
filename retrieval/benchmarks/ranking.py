"""Single-question ranking benchmarks (BioASQ, PubMedQA): BM25 alone, dense alone and Curbside's hybrid."""

from __future__ import annotations

import hashlib
from collections.abc import Sequence
from dataclasses import replace
from typing import Any

from curbside.settings import RetrievalSettings
from retrieval.benchmarks.corpora import Query
from retrieval.benchmarks.metrics import distinct
from retrieval.fusion import merged_hits
from retrieval.retriever import Retriever

SYSTEMS: tuple[str, ...] = ("bm25", "dense", "hybrid")


def split_dev_test(queries: Sequence[Query], dev_share: float = 0.3) -> tuple[list[Query], list[Query]]:
    """A fixed split by hash of the question id: tune on the dev part, report the test part."""
    dev, test = [], []
    for q in queries:
        bucket = int(hashlib.sha1(q.qid.encode()).hexdigest()[:8], 16) / 0xFFFFFFFF
        (dev if bucket < dev_share else test).append(q)
    return dev, test


def rank_queries(
    system: str,
    queries: Sequence[Query],
    index: Any,
    embedder: Any,
    settings: RetrievalSettings,
    depth: int = 10,
) -> dict[str, list[str]]:
    """Doc ids ranked by one system for each query (distinct documents, best first)."""
    ranked: dict[str, list[str]] = {}
    if system == "hybrid":
        retriever = Retriever(index, embedder, replace(settings, k_per_pool=depth, per_doc_cap=depth))
        for q in queries:
            result = retriever.retrieve(q.text)
            hits = merged_hits(result)
            ranked[q.qid] = distinct([h.doc.doc_id for h in hits])[:depth]
        return ranked
    for q in queries:
        if system == "bm25":
            rows = index.search_bm25(q.text, depth * 3)
        elif system == "dense":
            rows = index.search_dense(embedder.encode_query(q.text), depth * 3)
        else:
            raise ValueError(f"system must be one of {SYSTEMS}, got {system!r}")
        ranked[q.qid] = distinct([index.chunk(r).doc_id for r, _ in rows])[:depth]
    return ranked
