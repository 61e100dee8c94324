"""Persistent embedding cache keyed by (model id, text hash).

SQLite commits are atomic and durable, so a run killed with SIGKILL keeps every batch it had
committed and the next run embeds only what is missing.
"""

from __future__ import annotations

import hashlib
import sqlite3
from collections.abc import Sequence
from pathlib import Path

import numpy as np

SCHEMA = """
CREATE TABLE IF NOT EXISTS vectors (
    model_id TEXT NOT NULL,
    text_hash TEXT NOT NULL,
    vector BLOB NOT NULL,
    PRIMARY KEY (model_id, text_hash)
) WITHOUT ROWID;
"""


def text_hash(text: str) -> str:
    """The vector depends only on the text (and model), so the key hashes the text itself."""
    return hashlib.sha256(text.encode("utf-8")).hexdigest()


class EmbeddingCache:
    """Vectors of one model stored in ``<dir>/vectors.sqlite``."""

    def __init__(self, directory: Path, model_id: str, dimension: int) -> None:
        directory.mkdir(parents=True, exist_ok=True)
        self.path = directory / "vectors.sqlite"
        self.model_id = model_id
        self.dimension = dimension
        self._db = sqlite3.connect(self.path, timeout=60)
        # WAL lets readers and one writer work at once; NORMAL sync is still crash-safe in WAL mode.
        self._db.execute("PRAGMA journal_mode=WAL")
        self._db.execute("PRAGMA synchronous=NORMAL")
        self._db.executescript(SCHEMA)

    def get_many(self, hashes: Sequence[str]) -> dict[str, np.ndarray]:
        """Cached vectors for those hashes that are present."""
        found: dict[str, np.ndarray] = {}
        unique = list(dict.fromkeys(hashes))
        step = 500  # stays under SQLite's bound-parameter limit
        for lo in range(0, len(unique), step):
            part = unique[lo : lo + step]
            marks = ",".join("?" * len(part))
            rows = self._db.execute(
                f"SELECT text_hash, vector FROM vectors WHERE model_id=? AND text_hash IN ({marks})",
                [self.model_id, *part],
            )
            for key, blob in rows:
                vec = np.frombuffer(blob, dtype=np.float32)
                if vec.shape[0] == self.dimension:
                    found[key] = vec
        return found

    def put_many(self, hashes: Sequence[str], vectors: np.ndarray) -> None:
        """Store and commit at once: each committed batch survives a crash."""
        rows = [
            (self.model_id, h, np.ascontiguousarray(v, dtype=np.float32).tobytes())
            for h, v in zip(hashes, vectors, strict=True)
        ]
        with self._db:
            self._db.executemany("INSERT OR REPLACE INTO vectors VALUES (?, ?, ?)", rows)

    def count(self) -> int:
        row = self._db.execute("SELECT COUNT(*) FROM vectors WHERE model_id=?", [self.model_id]).fetchone()
        return int(row[0])

    def close(self) -> None:
        self._db.close()
