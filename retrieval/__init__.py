"""Retrieval: follow-up rewriting, hybrid (BM25 + dense) search per evidence pool, fusion, floors."""

from retrieval.followup import RewrittenQuery, rewrite_followup
from retrieval.fusion import Filters, cap_per_doc, merged_hits, rrf_fuse, weighted_fuse
from retrieval.retriever import PoolSignals, RetrievalTrace, Retriever

__all__ = [
    "Filters",
    "PoolSignals",
    "RetrievalTrace",
    "Retriever",
    "RewrittenQuery",
    "cap_per_doc",
    "merged_hits",
    "rewrite_followup",
    "rrf_fuse",
    "weighted_fuse",
]
