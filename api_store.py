"""Conversations and re-index jobs kept in one SQLite file, so that a restart loses none.

WAL mode lets readers run beside a writer, and every connection is short-lived and per call, so the
store is safe from many threads and from several worker processes at once. Retention is enforced
both by purging old rows and by never returning a conversation older than the limit.
"""

from __future__ import annotations

import json
import secrets
import sqlite3
import time
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from curbside.types import Conversation, Turn

SCHEMA = """
CREATE TABLE IF NOT EXISTS conversations (
    conversation_id TEXT PRIMARY KEY,
    created_at REAL NOT NULL,
    updated_at REAL NOT NULL
);
CREATE TABLE IF NOT EXISTS turns (
    conversation_id TEXT NOT NULL REFERENCES conversations(conversation_id) ON DELETE CASCADE,
    turn_index INTEGER NOT NULL,
    question TEXT NOT NULL,
    rewritten TEXT NOT NULL,
    cited_doc_ids TEXT NOT NULL,
    refused INTEGER NOT NULL,
    asked_at REAL NOT NULL,
    answer_json TEXT,
    PRIMARY KEY (conversation_id, turn_index)
);
CREATE INDEX IF NOT EXISTS conversations_updated ON conversations(updated_at);
CREATE TABLE IF NOT EXISTS jobs (
    job_id TEXT PRIMARY KEY,
    kind TEXT NOT NULL,
    state TEXT NOT NULL,
    created_at REAL NOT NULL,
    updated_at REAL NOT NULL,
    messages TEXT NOT NULL,
    summary TEXT,
    error TEXT,
    index_version TEXT
);
"""

SECONDS_PER_DAY = 86_400.0
# Purging is a write; doing it at most this often keeps it off the hot path.
PURGE_INTERVAL_S = 60.0


@dataclass
class StoredTurn:
    index: int
    turn: Turn
    asked_at: float
    answer: dict[str, Any] | None


@dataclass
class StoredConversation:
    conversation_id: str
    created_at: float
    updated_at: float
    turns: list[StoredTurn] = field(default_factory=list)

    def to_conversation(self) -> Conversation:
        return Conversation(self.conversation_id, [t.turn for t in self.turns])


class Store:
    """The API's SQLite file: conversations with their turns, and re-index jobs."""

    def __init__(self, path: Path, retention_days: float, clock: Callable[[], float] = time.time) -> None:
        self.path = path
        self.retention_s = retention_days * SECONDS_PER_DAY
        self.clock = clock
        self._last_purge = 0.0
        path.parent.mkdir(parents=True, exist_ok=True)
        with self._connect() as db:
            db.execute("PRAGMA journal_mode=WAL")
            db.executescript(SCHEMA)

    @contextmanager
    def _connect(self) -> Iterator[sqlite3.Connection]:
        # isolation_level=None: transactions are explicit (BEGIN IMMEDIATE) where they matter.
        db = sqlite3.connect(self.path, timeout=30.0, isolation_level=None)
        try:
            db.execute("PRAGMA foreign_keys=ON")
            db.execute("PRAGMA busy_timeout=30000")
            yield db
        finally:
            db.close()

    def journal_mode(self) -> str:
        with self._connect() as db:
            return str(db.execute("PRAGMA journal_mode").fetchone()[0])

    # -- conversations -------------------------------------------------------------------------

    def _cutoff(self) -> float:
        return self.clock() - self.retention_s

    def create_conversation(self) -> str:
        conversation_id = secrets.token_urlsafe(16)
        now = self.clock()
        with self._connect() as db:
            db.execute(
                "INSERT INTO conversations (conversation_id, created_at, updated_at) VALUES (?, ?, ?)",
                (conversation_id, now, now),
            )
        return conversation_id

    def get_conversation(self, conversation_id: str) -> StoredConversation | None:
        """The conversation with its turns in order, or None when unknown or past retention."""
        self.purge_expired_if_due()
        with self._connect() as db:
            row = db.execute(
                "SELECT created_at, updated_at FROM conversations "
                "WHERE conversation_id = ? AND updated_at >= ?",
                (conversation_id, self._cutoff()),
            ).fetchone()
            if row is None:
                return None
            rows = db.execute(
                "SELECT turn_index, question, rewritten, cited_doc_ids, refused, asked_at, answer_json "
                "FROM turns WHERE conversation_id = ? ORDER BY turn_index",
                (conversation_id,),
            ).fetchall()
        turns = [
            StoredTurn(
                index=r[0],
                turn=Turn(question=r[1], rewritten=r[2], cited_doc_ids=json.loads(r[3]), refused=bool(r[4])),
                asked_at=r[5],
                answer=json.loads(r[6]) if r[6] is not None else None,
            )
            for r in rows
        ]
        return StoredConversation(conversation_id, row[0], row[1], turns)

    def append_turn(self, conversation_id: str, turn: Turn, answer: dict[str, Any] | None) -> int | None:
        """Append a turn after any already stored; returns its index, or None if the conversation is gone."""
        now = self.clock()
        with self._connect() as db:
            # IMMEDIATE takes the write lock first, so two concurrent follow-ups get distinct indexes.
            db.execute("BEGIN IMMEDIATE")
            try:
                exists = db.execute(
                    "SELECT 1 FROM conversations WHERE conversation_id = ?", (conversation_id,)
                ).fetchone()
                if exists is None:
                    db.execute("ROLLBACK")
                    return None
                index = db.execute(
                    "SELECT COALESCE(MAX(turn_index) + 1, 0) FROM turns WHERE conversation_id = ?",
                    (conversation_id,),
                ).fetchone()[0]
                db.execute(
                    "INSERT INTO turns VALUES (?, ?, ?, ?, ?, ?, ?, ?)",
                    (
                        conversation_id, index, turn.question, turn.rewritten, json.dumps(turn.cited_doc_ids),
                        int(turn.refused), now, json.dumps(answer) if answer is not None else None,
                    ),
                )
                db.execute(
                    "UPDATE conversations SET updated_at = ? WHERE conversation_id = ?",
                    (now, conversation_id),
                )
                db.execute("COMMIT")
            except BaseException:
                db.execute("ROLLBACK")
                raise
        return int(index)

    def delete_conversation(self, conversation_id: str) -> bool:
        with self._connect() as db:
            cursor = db.execute("DELETE FROM conversations WHERE conversation_id = ?", (conversation_id,))
            return cursor.rowcount > 0

    def purge_expired(self) -> int:
        """Delete every conversation (and its turns) idle for longer than the retention period."""
        with self._connect() as db:
            cursor = db.execute("DELETE FROM conversations WHERE updated_at < ?", (self._cutoff(),))
            self._last_purge = self.clock()
            return cursor.rowcount

    def purge_expired_if_due(self) -> None:
        if self.clock() - self._last_purge >= PURGE_INTERVAL_S:
            self.purge_expired()

    # -- jobs ----------------------------------------------------------------------------------

    def create_job(self, kind: str) -> str:
        job_id = secrets.token_urlsafe(12)
        now = self.clock()
        with self._connect() as db:
            db.execute(
                "INSERT INTO jobs (job_id, kind, state, created_at, updated_at, messages) "
                "VALUES (?, ?, ?, ?, ?, ?)",
                (job_id, kind, "queued", now, now, "[]"),
            )
        return job_id

    def running_job(self, kind: str) -> str | None:
        with self._connect() as db:
            row = db.execute(
                "SELECT job_id FROM jobs WHERE kind = ? AND state IN ('queued', 'running')", (kind,)
            ).fetchone()
        return row[0] if row else None

    def update_job(self, job_id: str, *, state: str | None = None, message: str | None = None,
                   summary: str | None = None, error: str | None = None,
                   index_version: str | None = None) -> None:
        with self._connect() as db:
            db.execute("BEGIN IMMEDIATE")
            row = db.execute("SELECT messages FROM jobs WHERE job_id = ?", (job_id,)).fetchone()
            if row is None:
                db.execute("ROLLBACK")
                return
            messages = json.loads(row[0])
            if message is not None:
                messages = (messages + [message])[-50:]  # progress lines are bounded
            db.execute(
                "UPDATE jobs SET state = COALESCE(?, state), messages = ?, summary = COALESCE(?, summary), "
                "error = COALESCE(?, error), index_version = COALESCE(?, index_version), updated_at = ? "
                "WHERE job_id = ?",
                (state, json.dumps(messages), summary, error, index_version, self.clock(), job_id),
            )
            db.execute("COMMIT")

    def get_job(self, job_id: str) -> dict[str, Any] | None:
        with self._connect() as db:
            row = db.execute(
                "SELECT job_id, kind, state, created_at, updated_at, messages, summary, error, index_version "
                "FROM jobs WHERE job_id = ?",
                (job_id,),
            ).fetchone()
        if row is None:
            return None
        keys = ("job_id", "kind", "state", "created_at", "updated_at", "messages", "summary", "error",
                "index_version")
        job = dict(zip(keys, row, strict=True))
        job["messages"] = json.loads(job["messages"])
        return job

    def interrupt_stale_jobs(self, older_than_s: float) -> int:
        """Mark jobs that stopped reporting (their process died) as interrupted, so a new one may start."""
        with self._connect() as db:
            cursor = db.execute(
                "UPDATE jobs SET state = 'interrupted', error = 'the server stopped during this job' "
                "WHERE state IN ('queued', 'running') AND updated_at < ?",
                (self.clock() - older_than_s,),
            )
            return cursor.rowcount
