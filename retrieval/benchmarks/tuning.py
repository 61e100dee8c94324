"""Choosing the fusion method and its parameter on a dev split, from candidate lists fetched once."""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import replace
from typing import Any

from curbside.settings import RetrievalSettings
from retrieval.benchmarks.corpora import Query
from retrieval.benchmarks.metrics import distinct, evaluate
from retrieval.fusion import rank_fused, rrf_fuse, weighted_fuse
from retrieval.vocabulary import expand_query

RRF_KS: tuple[int, ...] = (5, 10, 20, 40, 60, 100)
DENSE_WEIGHTS: tuple[float, ...] = (0.3, 0.4, 0.5, 0.6, 0.7, 0.8)


def candidate_lists(
    queries: Sequence[Query], index: Any, embedder: Any, depth: int
) -> dict[str, tuple[list[tuple[int, float]], list[tuple[int, float]]]]:
    """(dense, BM25) candidates per query, searched as the Retriever searches (synonym-expanded)."""
    out = {}
    for q in queries:
        text = expand_query(q.text)
        out[q.qid] = (index.search_dense(embedder.encode_query(text), depth), index.search_bm25(text, depth))
    return out


def tune_fusion(
    queries: Sequence[Query], index: Any, embedder: Any, base: RetrievalSettings, metric: str = "ndcg@10"
) -> tuple[RetrievalSettings, list[tuple[str, float]]]:
    """The settings variant with the best ``metric`` on ``queries``, and every variant's score."""
    lists = candidate_lists(queries, index, embedder, base.candidates)
    qrels = {q.qid: set(q.relevant) for q in queries}
    variants: list[tuple[str, RetrievalSettings]] = [
        (f"rrf k={k}", replace(base, fusion="rrf", rrf_k=k)) for k in RRF_KS
    ] + [(f"weighted w_dense={w}", replace(base, fusion="weighted", dense_weight=w)) for w in DENSE_WEIGHTS]
    scored: list[tuple[str, float]] = []
    best: tuple[float, RetrievalSettings] = (-1.0, base)
    for name, settings in variants:
        ranked = {}
        for qid, (dense, lexical) in lists.items():
            if settings.fusion == "rrf":
                fused = rrf_fuse([dense, lexical], settings.rrf_k)
            else:
                fused = weighted_fuse(dense, lexical, settings.dense_weight)
            ranked[qid] = distinct([index.chunk(r).doc_id for r, _ in rank_fused(fused)[:30]])[:10]
        score = evaluate(ranked, qrels, [metric])[metric]
        scored.append((name, score))
        if score > best[0] + 1e-9:
            best = (score, settings)
    return best[1], scored
