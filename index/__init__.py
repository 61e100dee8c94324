"""Versioned hybrid index: dense FAISS + lexical bm25s + a chunk store, switched in atomically.

Public entry points: :class:`index.embed.Embedder`, :class:`index.store.IndexReader`,
:func:`index.versions.reindex`, :func:`index.versions.open_current`.
"""
