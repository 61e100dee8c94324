"""Ingest: read sources into Documents, then section-aware, token-budgeted Chunks with exact offsets."""

from __future__ import annotations

from collections.abc import Iterator
from pathlib import Path

from curbside.types import Document
from ingest.chunker import chunk_document
from ingest.failures import LoadError, LoadFailure
from ingest.loaders.markdown import load_markdown
from ingest.pipeline import IngestReport, ingest_paths
from ingest.sentences import split_sentences
from ingest.sources.open_medicine import load_open_medicine
from ingest.walk import load_paths

__all__ = [
    "IngestReport",
    "LoadError",
    "LoadFailure",
    "chunk_document",
    "corpus_dir",
    "default_corpus_documents",
    "ingest_paths",
    "load_open_medicine",
    "load_paths",
    "split_sentences",
]


def corpus_dir() -> Path:
    """The project's own default corpus folder (Markdown files with front matter)."""
    return Path(__file__).resolve().parents[1] / "corpus"


def default_corpus_documents() -> Iterator[Document]:
    """open-medicine plus every corpus/*.md; a broken corpus file is a bug, so it raises."""
    yield from load_open_medicine()
    for path in sorted(corpus_dir().glob("*.md")):
        if path.name.lower().startswith("readme"):
            continue
        try:
            yield load_markdown(path, id_prefix="curbside-corpus", source="corpus")
        except LoadError as exc:
            where = f"{path}:{exc.line}" if exc.line else str(path)
            raise LoadError(f"{where}: {exc.reason}", exc.line) from exc
