"""chunks.sqlite: chunk text, offsets and metadata by row, and the documents table.

Row numbers are the ids used by the FAISS and bm25s indexes. Every field of Chunk, Sentence,
Recommendation and DocMeta round-trips exactly (tuples come back as tuples).
"""

from __future__ import annotations

import json
import sqlite3
import threading
from collections.abc import Iterable, Iterator
from dataclasses import asdict
from pathlib import Path
from typing import Any

from curbside.types import Chunk, DocMeta, Recommendation, Sentence

SCHEMA = """
CREATE TABLE documents (
    doc_id TEXT PRIMARY KEY,
    content_hash TEXT NOT NULL,
    meta TEXT NOT NULL
);
CREATE TABLE chunks (
    row INTEGER PRIMARY KEY,
    chunk_id TEXT NOT NULL,
    doc_id TEXT NOT NULL,
    text TEXT NOT NULL,
    start INTEGER NOT NULL,
    "end" INTEGER NOT NULL,
    section_path TEXT NOT NULL,
    page INTEGER,
    tier TEXT NOT NULL,
    sentences TEXT NOT NULL,
    recommendation TEXT
);
"""
INDEXES = """
CREATE INDEX chunks_by_id ON chunks(chunk_id);
CREATE INDEX chunks_by_doc ON chunks(doc_id);
"""


def _rec_to_json(rec: Recommendation | None) -> Any:
    return None if rec is None else [rec.direction, rec.strength, rec.scheme]


def _rec_from_json(data: Any) -> Recommendation | None:
    return None if data is None else Recommendation(data[0], data[1], data[2])


def meta_to_json(meta: DocMeta) -> str:
    return json.dumps(asdict(meta), ensure_ascii=False, sort_keys=True)


def meta_from_json(text: str) -> DocMeta:
    data = json.loads(text)
    data["publication_types"] = tuple(data.get("publication_types", ()))
    data["extra"] = tuple((str(k), str(v)) for k, v in data.get("extra", ()))
    return DocMeta(**data)


def chunk_to_row(row: int, chunk: Chunk) -> tuple[Any, ...]:
    sentences = [[s.start, s.end, _rec_to_json(s.recommendation)] for s in chunk.sentences]
    return (
        row, chunk.chunk_id, chunk.doc_id, chunk.text, chunk.start, chunk.end,
        json.dumps(list(chunk.section_path), ensure_ascii=False), chunk.page, chunk.tier,
        json.dumps(sentences), json.dumps(_rec_to_json(chunk.recommendation)),
    )


def chunk_from_row(values: tuple[Any, ...]) -> Chunk:
    _, chunk_id, doc_id, text, start, end, section_path, page, tier, sentences, rec = values
    return Chunk(
        chunk_id=chunk_id, doc_id=doc_id, text=text, start=start, end=end,
        section_path=tuple(json.loads(section_path)), page=page, tier=tier,
        sentences=tuple(Sentence(s, e, _rec_from_json(r)) for s, e, r in json.loads(sentences)),
        recommendation=_rec_from_json(json.loads(rec)) if rec is not None else None,
    )


def write_store(
    path: Path,
    documents: Iterable[tuple[DocMeta, str]],
    chunks: Iterable[Chunk],
) -> None:
    """Write a fresh store: ``documents`` are (meta, content hash); chunk rows number from 0 in order."""
    db = sqlite3.connect(path)
    try:
        db.executescript(SCHEMA)
        with db:
            db.executemany(
                "INSERT INTO documents VALUES (?, ?, ?)",
                ((m.doc_id, h, meta_to_json(m)) for m, h in documents),
            )
            db.executemany(
                "INSERT INTO chunks VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)",
                (chunk_to_row(i, c) for i, c in enumerate(chunks)),
            )
        db.executescript(INDEXES)
    finally:
        db.close()


class ChunkStore:
    """Read-only access to a version's chunks.sqlite, safe to share between threads."""

    def __init__(self, path: Path) -> None:
        self.path = path
        self._db = sqlite3.connect(f"file:{path}?mode=ro", uri=True, check_same_thread=False)
        self._lock = threading.Lock()

    def _query(self, sql: str, params: Iterable[Any] = ()) -> list[tuple[Any, ...]]:
        with self._lock:
            return self._db.execute(sql, tuple(params)).fetchall()

    def count_chunks(self) -> int:
        return int(self._query("SELECT COUNT(*) FROM chunks")[0][0])

    def count_docs(self) -> int:
        return int(self._query("SELECT COUNT(*) FROM documents")[0][0])

    def chunk(self, row: int) -> Chunk:
        found = self._query("SELECT * FROM chunks WHERE row=?", [int(row)])
        if not found:
            raise IndexError(f"no chunk at row {row} in {self.path}")
        return chunk_from_row(found[0])

    def chunk_by_id(self, chunk_id: str) -> Chunk | None:
        found = self._query("SELECT * FROM chunks WHERE chunk_id=? ORDER BY row LIMIT 1", [chunk_id])
        return chunk_from_row(found[0]) if found else None

    def row_of(self, chunk_id: str) -> int | None:
        found = self._query("SELECT row FROM chunks WHERE chunk_id=? ORDER BY row LIMIT 1", [chunk_id])
        return int(found[0][0]) if found else None

    def rows_of_doc(self, doc_id: str) -> list[int]:
        found = self._query("SELECT row FROM chunks WHERE doc_id=? ORDER BY row", [doc_id])
        return [int(r[0]) for r in found]

    def row_doc_ids(self) -> list[str]:
        """Every row's document id, by row (one string object per document)."""
        shared: dict[str, str] = {}
        return [shared.setdefault(d, d) for (d,) in self._query("SELECT doc_id FROM chunks ORDER BY row")]

    def doc(self, doc_id: str) -> DocMeta | None:
        found = self._query("SELECT meta FROM documents WHERE doc_id=?", [doc_id])
        return meta_from_json(found[0][0]) if found else None

    def doc_ids(self) -> list[str]:
        return [r[0] for r in self._query("SELECT doc_id FROM documents ORDER BY doc_id")]

    def doc_hashes(self) -> dict[str, str]:
        return dict(self._query("SELECT doc_id, content_hash FROM documents"))

    def iter_chunks(self) -> Iterator[tuple[int, Chunk]]:
        """Every (row, chunk) in row order; used to carry unchanged documents into a new version."""
        for values in self._query("SELECT * FROM chunks ORDER BY row"):
            yield int(values[0]), chunk_from_row(values)

    def texts(self) -> list[str]:
        return [r[0] for r in self._query("SELECT text FROM chunks ORDER BY row")]

    def close(self) -> None:
        self._db.close()
