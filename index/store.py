"""IndexReader: one loaded index version (chunk store, FAISS per pool, bm25s), read-only."""

from __future__ import annotations

from collections.abc import Iterator
from pathlib import Path
from typing import Any

import numpy as np

from curbside.settings import IndexSettings
from curbside.types import Chunk, DocMeta
from index import dense, lexical
from index.chunkstore import ChunkStore
from index.errors import IndexCorrupt
from index.manifest import read_manifest, verify_checksums

POOLS: tuple[str, ...] = ("guideline", "research")
CHUNKS_FILE = "chunks.sqlite"
VECTORS_FILE = "vectors.npy"
BM25_DIR = "bm25"


def dense_file(pool: str) -> str:
    return f"dense-{pool}.faiss"


class IndexReader:
    """Searches and looks up one version directory; rows are chunk-store row numbers.

    Rows of each pool are contiguous (guideline rows first), which lets both indexes answer
    a pool query with that pool's own best k.
    """

    def __init__(self, version_dir: Path, verify: bool = True) -> None:
        self.path = Path(version_dir)
        self.manifest: dict[str, Any] = read_manifest(self.path)
        if verify:
            verify_checksums(self.path, self.manifest)
        self.version: str = str(self.manifest["version"])
        bm = self.manifest["bm25"]
        self._stemming = bool(bm["stemming"])
        self._stopwords = str(bm["stopwords"])
        self._ef_search = int(self.manifest["dense"].get("ef_search", IndexSettings().hnsw_ef_search))
        self._ranges: dict[str, tuple[int, int]] = {p: tuple(r) for p, r in self.manifest["pools"].items()}
        try:
            self._store = ChunkStore(self.path / CHUNKS_FILE)
            self._dense = {
                pool: dense.load_dense(self.path / dense_file(pool), self._ef_search)
                for pool in POOLS
                if (self.path / dense_file(pool)).is_file()
            }
            self._bm25 = lexical.load_bm25(self.path / BM25_DIR) if self.n_chunks else None
        except (OSError, RuntimeError, ValueError) as err:
            raise IndexCorrupt(f"index version {self.version}: cannot load ({err})") from err

    @property
    def n_chunks(self) -> int:
        return int(self.manifest["counts"]["chunks"])

    @property
    def n_docs(self) -> int:
        return int(self.manifest["counts"]["docs"])

    def pool_range(self, pool: str | None) -> tuple[int, int]:
        if pool is None:
            return 0, self.n_chunks
        if pool not in POOLS:
            raise ValueError(f"unknown pool {pool!r}: choose 'guideline' or 'research'")
        return self._ranges[pool]

    def chunk(self, row: int) -> Chunk:
        return self._store.chunk(row)

    def chunk_by_id(self, chunk_id: str) -> Chunk | None:
        return self._store.chunk_by_id(chunk_id)

    def row_of(self, chunk_id: str) -> int | None:
        return self._store.row_of(chunk_id)

    def rows_of_doc(self, doc_id: str) -> list[int]:
        """The rows of one document's chunks, in order (an indexed lookup, not a scan)."""
        return self._store.rows_of_doc(doc_id)

    def row_doc_ids(self) -> list[str]:
        """Every row's document id, by row: one read, for callers that map many rows to documents."""
        return self._store.row_doc_ids()

    def doc(self, doc_id: str) -> DocMeta | None:
        return self._store.doc(doc_id)

    def doc_ids(self) -> list[str]:
        return self._store.doc_ids()

    def doc_hashes(self) -> dict[str, str]:
        """doc id -> content hash, for incremental re-indexing."""
        return self._store.doc_hashes()

    def iter_chunks(self) -> Iterator[tuple[int, Chunk]]:
        return self._store.iter_chunks()

    def vectors(self) -> np.ndarray:
        """All chunk vectors by row, memory-mapped."""
        return np.load(self.path / VECTORS_FILE, mmap_mode="r")

    def tokenize_for_bm25(self, text: str) -> list[str]:
        """Tokenize exactly as this index was built (stemming, stop words)."""
        return lexical.tokenize_for_bm25(text, stemming=self._stemming, stopwords=self._stopwords)

    def known_terms(self, text: str) -> list[str]:
        """The query's BM25 terms that occur in the index vocabulary."""
        if self._bm25 is None:
            return []
        return [t for t in self.tokenize_for_bm25(text) if t in self._bm25.vocab_dict]

    def search_dense(self, qvec: np.ndarray, k: int, pool: str | None = None) -> list[tuple[int, float]]:
        """(row, cosine) of the k nearest chunks in ``pool`` (both pools when None), best first."""
        pools = POOLS if pool is None else (pool,)
        hits: list[tuple[int, float]] = []
        for name in pools:
            lo, _ = self.pool_range(name)
            index = self._dense.get(name)
            if index is not None:
                hits.extend(dense.search_dense_index(index, qvec, k, lo, self._ef_search))
        hits.sort(key=lambda h: (-h[1], h[0]))
        return hits[:k]

    def search_bm25(self, query: str, k: int, pool: str | None = None) -> list[tuple[int, float]]:
        """(row, BM25 score) of the k best chunks in ``pool`` with a positive score, best first."""
        lo, hi = self.pool_range(pool)
        if self._bm25 is None:
            return []
        return lexical.search_bm25_index(self._bm25, self.tokenize_for_bm25(query), k, lo, hi)

    def close(self) -> None:
        self._store.close()
