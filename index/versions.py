"""Incremental batch re-indexing: detect changed documents, embed only new text, switch atomically.

``reindex`` works under an exclusive file lock (released by the kernel even on SIGKILL). The
previous version keeps serving until the new one is complete and ``current`` is swapped.
"""

from __future__ import annotations

import fcntl
import hashlib
import json
import time
from collections.abc import Callable, Iterable, Iterator
from contextlib import contextmanager
from dataclasses import asdict, dataclass, field

import numpy as np

from curbside.settings import ChunkingSettings, Settings
from curbside.types import Chunk, DocMeta, Document
from index.build import bm25_record, chunking_record, dense_record, row_order_key, write_version
from index.embed import Embedder
from index.embed_cache import EmbeddingCache, text_hash
from index.errors import CurbsideIndexError
from index.layout import (
    VersionInfo,
    list_versions,
    next_version,
    open_current,
    open_version,
    prune_versions,
    remove_leftovers,
    rollback,
    switch_current,
)
from index.store import IndexReader

__all__ = [
    "ReindexSummary", "VersionInfo", "document_hash", "list_versions", "open_current", "reindex", "rollback",
]

Chunker = Callable[[Document, ChunkingSettings], list[Chunk]]


SKIPPED_SHOWN = 20  # skip reasons printed after a re-index; its summary line counts them all


@dataclass
class ReindexSummary:
    version: str
    switched: bool  # False when nothing changed and the current version was kept
    added: int = 0
    changed: int = 0
    removed: int = 0
    unchanged: int = 0
    chunks: int = 0
    chunks_embedded: int = 0
    chunks_from_cache: int = 0
    chunks_reused: int = 0
    skipped: list[str] = field(default_factory=list)
    seconds: float = 0.0
    search_settings_changed: bool = False  # same documents, new BM25 or dense-index parameters

    def skipped_lines(self, shown: int = SKIPPED_SHOWN) -> list[str]:
        """What was skipped and why, one line each, up to ``shown`` and then a count of the rest: reported,
        not silently lost (a duplicate id keeps the first document only)."""
        lines = [f"skipped: {reason}" for reason in self.skipped[:shown]]
        if len(self.skipped) > shown:
            lines.append(f"skipped: ... and {len(self.skipped) - shown} more")
        return lines

    def line(self) -> str:
        return (
            f"{self.version}: {self.added} added, {self.changed} changed, {self.removed} removed, "
            f"{self.unchanged} unchanged documents; {self.chunks} chunks ({self.chunks_embedded} embedded, "
            f"{self.chunks_from_cache} from cache, {self.chunks_reused} reused); "
            f"{len(self.skipped)} skipped; "
            + ("search settings changed; " if self.search_settings_changed else "")
            + f"{self.seconds:.1f}s"
            + ("" if self.switched else " (no change, current version kept)")
        )


def document_hash(doc: Document) -> str:
    """Content hash over text, metadata and sections: any change re-chunks the document."""
    payload = {"meta": asdict(doc.meta), "text": doc.text, "sections": [asdict(s) for s in doc.sections]}
    return hashlib.sha256(json.dumps(payload, sort_keys=True, ensure_ascii=False).encode()).hexdigest()


def default_chunker() -> Chunker:
    from ingest.chunker import chunk_document  # imported late: ingest is optional for readers

    return chunk_document


@contextmanager
def reindex_lock(settings: Settings) -> Iterator[None]:
    root = settings.index_dir
    root.mkdir(parents=True, exist_ok=True)
    with (root / ".reindex.lock").open("w") as handle:
        try:
            fcntl.flock(handle, fcntl.LOCK_EX | fcntl.LOCK_NB)
        except BlockingIOError as err:
            raise CurbsideIndexError(f"another reindex is running on {root}") from err
        yield


def _reusable_current(settings: Settings) -> IndexReader | None:
    """The current version if its chunks and vectors can be carried over unchanged."""
    try:
        reader = open_current(settings)
    except CurbsideIndexError:
        return None  # no index, or unusable: rebuild everything (the embedding cache still helps)
    same_chunking = reader.manifest.get("chunking") == chunking_record(settings)
    same_backend = reader.manifest["embedding"].get("model_id") == Embedder(settings.embedding).model_id
    return reader if same_chunking and same_backend else None


def same_search_settings(reader: IndexReader, settings: Settings) -> bool:
    """Whether ``reader`` was built with these BM25 and dense-index parameters. A change (k1, b, stemming,
    HNSW ...) needs a new version even when no document changed; chunks and vectors carry over."""
    dense = reader.manifest.get("dense", {})
    wanted_dense = dense_record(settings.index)
    return reader.manifest.get("bm25") == bm25_record(settings.index) and all(
        dense.get(key) == value for key, value in wanted_dense.items()
    )


def _split_inputs(documents: Iterable[object], summary: ReindexSummary) -> dict[str, Document]:
    docs: dict[str, Document] = {}
    for item in documents:
        if not isinstance(item, Document):
            summary.skipped.append(str(item))
        elif item.doc_id in docs:
            summary.skipped.append(f"{item.doc_id}: duplicate document id, first one kept")
        else:
            docs[item.doc_id] = item
    return docs


def _embed_missing(
    chunks: list[Chunk], vectors: np.ndarray, missing: list[int], settings: Settings,
    summary: ReindexSummary, progress: bool,
) -> None:
    """Fill ``vectors[missing]`` from the cache, embedding (and caching batch by batch) the rest."""
    embedder = Embedder(settings.embedding)
    cache = EmbeddingCache(settings.cache_dir, embedder.model_id, embedder.dimension)
    try:
        hashes = [text_hash(chunks[i].text) for i in missing]
        cached = cache.get_many(hashes)
        todo: dict[str, list[int]] = {}
        for row, key in zip(missing, hashes, strict=True):
            if key in cached:
                vectors[row] = cached[key]
                summary.chunks_from_cache += 1
            else:
                todo.setdefault(key, []).append(row)
        keys = list(todo)

        def store(idx: list[int], vecs: np.ndarray) -> None:
            cache.put_many([keys[i] for i in idx], vecs)
            for i, vec in zip(idx, vecs, strict=True):
                vectors[todo[keys[i]]] = vec

        embedder.encode([chunks[todo[k][0]].text for k in keys], progress=progress, on_batch=store)
        summary.chunks_embedded = sum(len(rows) for rows in todo.values())
    finally:
        cache.close()


def reindex(
    documents: Iterable[Document | object],
    settings: Settings,
    progress: bool = True,
    chunker: Chunker | None = None,
) -> ReindexSummary:
    """Make the index hold exactly ``documents``; items that are not Documents are skipped and reported."""
    started = time.monotonic()
    root = settings.index_dir
    with reindex_lock(settings):
        remove_leftovers(root)
        current = _reusable_current(settings)
        summary = ReindexSummary(version=current.version if current else "", switched=False)
        docs = _split_inputs(documents, summary)
        old_hashes = current.doc_hashes() if current else {}
        new_hashes = {doc_id: document_hash(doc) for doc_id, doc in docs.items()}
        unchanged = {d for d, h in new_hashes.items() if old_hashes.get(d) == h}
        summary.added = sum(1 for d in new_hashes if d not in old_hashes)
        summary.changed = len(new_hashes) - summary.added - len(unchanged)
        summary.removed = sum(1 for d in old_hashes if d not in new_hashes)
        summary.unchanged = len(unchanged)
        summary.search_settings_changed = current is not None and not same_search_settings(current, settings)
        documents_changed = bool(summary.added or summary.changed or summary.removed)
        if current is not None and not documents_changed and not summary.search_settings_changed:
            summary.chunks = current.n_chunks
            summary.chunks_reused = current.n_chunks
            summary.seconds = time.monotonic() - started
            return summary

        carried: list[tuple[Chunk, np.ndarray | None]] = []
        if current is not None and unchanged:
            old_vectors = current.vectors()
            carried = [(c, old_vectors[row]) for row, c in current.iter_chunks() if c.doc_id in unchanged]
        chunk_fn = chunker or default_chunker()
        for doc_id, doc in docs.items():
            if doc_id not in unchanged:
                carried.extend((c, None) for c in chunk_fn(doc, settings.chunking))
        carried.sort(key=lambda pair: row_order_key(pair[0]))
        chunks = [c for c, _ in carried]
        vectors = np.zeros((len(chunks), settings.embedding.dimension), dtype=np.float32)
        missing = []
        for row, (_, vec) in enumerate(carried):
            if vec is None:
                missing.append(row)
            else:
                vectors[row] = vec
        summary.chunks = len(chunks)
        summary.chunks_reused = len(chunks) - len(missing)
        _embed_missing(chunks, vectors, missing, settings, summary, progress)

        version = next_version(root)
        summary.version, summary.switched = version, True
        summary.seconds = time.monotonic() - started
        documents_meta: list[tuple[DocMeta, str]] = [(docs[d].meta, new_hashes[d]) for d in sorted(docs)]
        path = write_version(root, version, documents_meta, chunks, vectors, settings, asdict(summary))
        open_version(settings, path)  # prove it loads before it serves
        switch_current(root, version)
        prune_versions(root, settings.index.keep_versions)
        summary.seconds = time.monotonic() - started
        return summary

