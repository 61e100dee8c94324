"""Write one complete index version directory from chunks and their vectors.

Files are written into a hidden building directory, fsynced, the manifest written last, and
only then renamed to ``vNNNNNN``: a visible version directory is always complete.
"""

from __future__ import annotations

import os
import time
from collections.abc import Sequence
from dataclasses import asdict
from pathlib import Path
from typing import Any

import numpy as np

from curbside.settings import IndexSettings, Settings
from curbside.types import Chunk, DocMeta, pool_of
from index import dense, lexical
from index.chunkstore import write_store
from index.embed import Embedder
from index.manifest import FORMAT_VERSION, checksum_files, corpus_fingerprint, fsync_path, write_manifest
from index.store import BM25_DIR, CHUNKS_FILE, POOLS, VECTORS_FILE, dense_file

BM25_METHOD = "lucene"  # idf log(1 + (N-n+0.5)/(n+0.5)) is never negative, unlike Robertson's


def chunking_record(settings: Settings) -> dict[str, Any]:
    """The chunker settings and code version that produced a version's chunks."""
    from ingest.chunker import CHUNKER_VERSION

    return {**asdict(settings.chunking), "chunker_version": CHUNKER_VERSION}


def bm25_record(ix: IndexSettings) -> dict[str, Any]:
    """The BM25 parameters and tokenization a version was built with (its manifest's ``bm25``)."""
    return {
        "k1": ix.bm25_k1, "b": ix.bm25_b, "method": BM25_METHOD,
        "stemming": ix.bm25_stemming, "stopwords": ix.bm25_stopwords,
    }


def dense_record(ix: IndexSettings) -> dict[str, Any]:
    """The dense-index parameters a version was built with (in its manifest's ``dense``)."""
    return {"exact_search_max": ix.exact_search_max, "hnsw_m": ix.hnsw_m, "ef_search": ix.hnsw_ef_search}


def row_order_key(chunk: Chunk) -> tuple[int, str, int, int, str]:
    """Guideline rows first, then a deterministic order so incremental and full builds agree row for row."""
    return (POOLS.index(pool_of(chunk.tier)), chunk.doc_id, chunk.start, chunk.end, chunk.chunk_id)


def pool_ranges(chunks: Sequence[Chunk]) -> dict[str, tuple[int, int]]:
    n_guideline = sum(1 for c in chunks if pool_of(c.tier) == "guideline")
    return {"guideline": (0, n_guideline), "research": (n_guideline, len(chunks))}


def write_version(
    root: Path,
    version: str,
    documents: Sequence[tuple[DocMeta, str]],
    chunks: Sequence[Chunk],
    vectors: np.ndarray,
    settings: Settings,
    summary: dict[str, Any],
) -> Path:
    """Build ``root/version`` from chunks already in row order (see :func:`row_order_key`)."""
    if vectors.shape != (len(chunks), settings.embedding.dimension):
        expected = (len(chunks), settings.embedding.dimension)
        raise ValueError(f"vectors have shape {vectors.shape}, expected {expected}")
    building = root / f".building-{version}-{os.getpid()}"
    building.mkdir(parents=True)
    ranges = pool_ranges(chunks)
    write_store(building / CHUNKS_FILE, documents, chunks)
    np.save(building / VECTORS_FILE, np.ascontiguousarray(vectors, dtype=np.float32))
    kinds: dict[str, dict[str, Any]] = {}
    for pool in POOLS:
        lo, hi = ranges[pool]
        if hi > lo:
            index = dense.build_dense(vectors[lo:hi], settings.index)
            dense.save_dense(index, building / dense_file(pool))
            kinds[pool] = {"kind": dense.index_kind(index), "n": hi - lo}
    ix = settings.index
    if chunks:
        tokens = [lexical.tokenize_with(ix, c.text) for c in chunks]
        bm25 = lexical.build_bm25(tokens, ix.bm25_k1, ix.bm25_b, BM25_METHOD)
        lexical.save_bm25(bm25, building / BM25_DIR)
    emb = settings.embedding
    manifest: dict[str, Any] = {
        "format_version": FORMAT_VERSION,
        "version": version,
        "created": time.strftime("%Y-%m-%dT%H:%M:%SZ", time.gmtime()),
        "embedding": {
            "model_name": emb.model_name, "model_id": Embedder(emb).model_id, "dimension": emb.dimension,
            "backend": emb.backend, "max_seq_length": emb.max_seq_length,
        },
        "chunking": chunking_record(settings),
        "bm25": bm25_record(ix),
        "dense": {"pools": kinds, **dense_record(ix)},
        "counts": {"chunks": len(chunks), "docs": len(documents),
                   **{f"{p}_chunks": ranges[p][1] - ranges[p][0] for p in POOLS}},
        "pools": {p: list(r) for p, r in ranges.items()},
        "corpus_fingerprint": corpus_fingerprint((m.doc_id, h) for m, h in documents),
        "summary": summary,
        "files": checksum_files(building),
    }
    write_manifest(building, manifest)
    final = root / version
    os.replace(building, final)
    fsync_path(root)
    return final
