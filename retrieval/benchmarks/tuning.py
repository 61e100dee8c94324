"""Choosing BM25 parameters and the fusion method on a dev split, from candidate lists fetched once.

BM25's k1 and b suit one corpus and not another (short BioASQ snippets prefer weak length
normalisation; 160-token guideline chunks do not), so they are tuned per corpus like the fusion.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import replace
from typing import Any

from curbside.settings import IndexSettings, RetrievalSettings
from index import lexical
from retrieval.benchmarks.corpora import Query
from retrieval.benchmarks.metrics import distinct, evaluate
from retrieval.fusion import rank_fused, rrf_fuse, weighted_fuse
from retrieval.vocabulary import expand_query

RRF_KS: tuple[int, ...] = (5, 10, 20, 40, 60, 100)
DENSE_WEIGHTS: tuple[float, ...] = (0.3, 0.4, 0.5, 0.6, 0.7, 0.8)
# Around the usual defaults: Lucene's k1=1.2, b=0.75 and Anserini's k1=0.9, b=0.4.
BM25_K1S: tuple[float, ...] = (0.6, 0.9, 1.2, 1.5)
BM25_BS: tuple[float, ...] = (0.3, 0.4, 0.5, 0.75)


def candidate_lists(
    queries: Sequence[Query], index: Any, embedder: Any, depth: int
) -> dict[str, tuple[list[tuple[int, float]], list[tuple[int, float]]]]:
    """(dense, BM25) candidates per query, searched as the Retriever searches (synonym-expanded)."""
    out = {}
    for q in queries:
        text = expand_query(q.text)
        out[q.qid] = (index.search_dense(embedder.encode_query(text), depth), index.search_bm25(text, depth))
    return out


def tune_bm25_and_fusion(
    queries: Sequence[Query],
    index: Any,
    embedder: Any,
    base: RetrievalSettings,
    index_settings: IndexSettings,
    metric: str = "ndcg@10",
) -> tuple[IndexSettings, RetrievalSettings, list[tuple[str, float]]]:
    """The BM25 parameters and fusion with the best hybrid ``metric`` on ``queries``, and each pair's best.

    Each (k1, b) gets an in-memory bm25s index over the index's chunks, tokenized as the index tokenizes;
    the dense candidates are searched once.
    """
    lists = candidate_lists(queries, index, embedder, base.candidates)
    rows = [chunk for _, chunk in index.iter_chunks()]
    tokens = [lexical.tokenize_with(index_settings, c.text) for c in rows]
    # Queries tokenized as the chunks are (``index_settings``), whatever the open index was built with.
    query_tokens = {q.qid: lexical.tokenize_with(index_settings, expand_query(q.text)) for q in queries}
    tried: list[tuple[str, float]] = []
    best: tuple[float, IndexSettings, RetrievalSettings] = (-1.0, index_settings, base)
    for k1 in BM25_K1S:
        for b in BM25_BS:
            model = lexical.build_bm25(tokens, k1, b)
            for qid, (dense, _) in lists.items():
                found = lexical.search_bm25_index(model, query_tokens[qid], base.candidates, 0, len(rows))
                lists[qid] = (dense, found)
            fusion, variants = tune_fusion(queries, index, embedder, base, metric, lists=lists)
            score = max(v for _, v in variants)
            tried.append((f"k1={k1} b={b}", score))
            if score > best[0] + 1e-9:
                best = (score, replace(index_settings, bm25_k1=k1, bm25_b=b), fusion)
    return best[1], best[2], tried


def tune_fusion(
    queries: Sequence[Query],
    index: Any,
    embedder: Any,
    base: RetrievalSettings,
    metric: str = "ndcg@10",
    lists: dict[str, tuple[list[tuple[int, float]], list[tuple[int, float]]]] | None = None,
) -> tuple[RetrievalSettings, list[tuple[str, float]]]:
    """The settings variant with the best ``metric`` on ``queries``, and every variant's score
    (``lists``: (dense, BM25) candidates per query when already fetched)."""
    if lists is None:
        lists = candidate_lists(queries, index, embedder, base.candidates)
    qrels = {q.qid: set(q.relevant) for q in queries}
    variants: list[tuple[str, RetrievalSettings]] = [
        (f"rrf k={k}", replace(base, fusion="rrf", rrf_k=k)) for k in RRF_KS
    ] + [(f"weighted w_dense={w}", replace(base, fusion="weighted", dense_weight=w)) for w in DENSE_WEIGHTS]
    scored: list[tuple[str, float]] = []
    best: tuple[float, RetrievalSettings] = (-1.0, base)
    for name, settings in variants:
        ranked = {}
        for qid, (dense, found) in lists.items():
            if settings.fusion == "rrf":
                fused = rrf_fuse([dense, found], settings.rrf_k)
            else:
                fused = weighted_fuse(dense, found, settings.dense_weight)
            ranked[qid] = distinct([index.chunk(r).doc_id for r, _ in rank_fused(fused)[:30]])[:10]
        score = evaluate(ranked, qrels, [metric])[metric]
        scored.append((name, score))
        if score > best[0] + 1e-9:
            best = (score, settings)
    return best[1], scored
