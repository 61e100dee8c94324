"""Dense side: one FAISS index per evidence pool over L2-normalised vectors (inner product = cosine).

Exact flat search up to ``exact_search_max`` vectors per pool; HNSW above it. Separate pool
indexes make a pool search return that pool's true best k without filtering a global list.
"""

from __future__ import annotations

from pathlib import Path

import faiss
import numpy as np

from curbside.settings import IndexSettings


def build_dense(vectors: np.ndarray, settings: IndexSettings) -> faiss.Index:
    """Flat inner-product index when small enough for exact search, HNSW otherwise."""
    vectors = np.ascontiguousarray(vectors, dtype=np.float32)
    dim = vectors.shape[1]
    if vectors.shape[0] <= settings.exact_search_max:
        index: faiss.Index = faiss.IndexFlatIP(dim)
    else:
        index = faiss.IndexHNSWFlat(dim, settings.hnsw_m, faiss.METRIC_INNER_PRODUCT)
        index.hnsw.efConstruction = settings.hnsw_ef_construction
        index.hnsw.efSearch = settings.hnsw_ef_search
    index.add(vectors)
    return index


def index_kind(index: faiss.Index) -> str:
    return "hnsw" if isinstance(index, faiss.IndexHNSW) else "flat"


def save_dense(index: faiss.Index, path: Path) -> None:
    faiss.write_index(index, str(path))


def load_dense(path: Path, ef_search: int) -> faiss.Index:
    try:
        # Memory-mapped where FAISS supports it, so opening a large index is instant.
        index = faiss.read_index(str(path), faiss.IO_FLAG_MMAP | faiss.IO_FLAG_READ_ONLY)
    except RuntimeError:
        index = faiss.read_index(str(path))
    if isinstance(index, faiss.IndexHNSW):
        index.hnsw.efSearch = ef_search
    return index


def search_dense_index(
    index: faiss.Index, qvec: np.ndarray, k: int, row_offset: int, ef_search: int
) -> list[tuple[int, float]]:
    """(row, cosine) best first; ``row_offset`` maps pool-local ids to store rows."""
    if k <= 0 or index.ntotal == 0:
        return []
    query = np.ascontiguousarray(np.asarray(qvec, dtype=np.float32).reshape(1, -1))
    if query.shape[1] != index.d:
        raise ValueError(f"query vector has dimension {query.shape[1]}, the index expects {index.d}")
    k = min(k, index.ntotal)
    params = None
    if isinstance(index, faiss.IndexHNSW):
        params = faiss.SearchParametersHNSW(efSearch=max(ef_search, k))
    # One query is too little work to share: OpenMP threads spinning on a busy 2-core machine made a
    # 100k flat search 3x slower (bench/index_query.py). Restored afterwards for builds.
    threads = faiss.omp_get_max_threads()
    faiss.omp_set_num_threads(1)
    try:
        scores, ids = index.search(query, k, params=params)
    finally:
        faiss.omp_set_num_threads(threads)
    return [(int(i) + row_offset, float(s)) for i, s in zip(ids[0], scores[0], strict=True) if i >= 0]
