"""Conversations survive a restart, expire after the retention period, and take concurrent turns."""

from __future__ import annotations

import sqlite3
from concurrent.futures import ThreadPoolExecutor
from pathlib import Path

from fastapi.testclient import TestClient

import api
from api_store import SECONDS_PER_DAY, Store
from curbside.types import Turn


class Clock:
    def __init__(self) -> None:
        self.now = 1_700_000_000.0

    def __call__(self) -> float:
        return self.now


def test_conversation_survives_a_restart(settings, engine) -> None:
    with TestClient(api.create_app(settings, engine)) as before:
        cid = before.post("/v1/ask", json={"question": "gout flare"}).headers["x-conversation-id"]
    # A new app over the same data directory: a fresh process after a restart.
    with TestClient(api.create_app(settings, engine)) as after:
        turns = after.get(f"/v1/conversations/{cid}").json()["turns"]
        assert [t["question"] for t in turns] == ["gout flare"]
        follow = after.post("/v1/ask", json={"question": "what dose", "conversation_id": cid})
    assert follow.status_code == 200 and follow.headers["x-turn-index"] == "1"
    assert engine.asks[-1] == ("what dose", 1)  # the stored turn reached the engine after the restart


def test_store_uses_wal_journal(settings, engine) -> None:
    app = api.create_app(settings, engine)
    assert app.state.store.journal_mode() == "wal"
    assert (settings.home / api.DB_FILENAME).is_file()


def test_retention_hides_and_purges_old_conversations(tmp_path: Path) -> None:
    clock = Clock()
    store = Store(tmp_path / "c.sqlite", retention_days=30, clock=clock)
    old = store.create_conversation()
    store.append_turn(old, Turn("q", "q"), None)
    clock.now += 10 * SECONDS_PER_DAY
    fresh = store.create_conversation()
    clock.now += 21 * SECONDS_PER_DAY  # `old` idle for 31 days, `fresh` for 21
    assert store.get_conversation(old) is None
    assert store.get_conversation(fresh) is not None
    store.purge_expired()
    with sqlite3.connect(tmp_path / "c.sqlite") as db:
        remaining = [r[0] for r in db.execute("SELECT conversation_id FROM conversations")]
        assert remaining == [fresh]
        assert db.execute("SELECT COUNT(*) FROM turns").fetchone()[0] == 0  # the old turn went with it


def test_activity_renews_retention(tmp_path: Path) -> None:
    clock = Clock()
    store = Store(tmp_path / "c.sqlite", retention_days=1, clock=clock)
    cid = store.create_conversation()
    clock.now += 0.9 * SECONDS_PER_DAY
    store.append_turn(cid, Turn("q", "q"), None)
    clock.now += 0.9 * SECONDS_PER_DAY
    assert store.get_conversation(cid) is not None


def test_retention_is_enforced_through_the_api(settings_with, engine) -> None:
    app = api.create_app(settings_with(retention_days=2), engine)
    clock = Clock()
    app.state.store.clock = clock
    with TestClient(app) as client:
        cid = client.post("/v1/ask", json={"question": "gout"}).headers["x-conversation-id"]
        clock.now += 3 * SECONDS_PER_DAY
        assert client.get(f"/v1/conversations/{cid}").status_code == 404
        assert client.post("/v1/ask", json={"question": "gout", "conversation_id": cid}).status_code == 404


def test_concurrent_turns_get_distinct_indexes(tmp_path: Path) -> None:
    store = Store(tmp_path / "c.sqlite", retention_days=30)
    cid = store.create_conversation()

    def add(i: int) -> int | None:
        return store.append_turn(cid, Turn(f"q{i}", f"q{i}"), {"n": i})

    with ThreadPoolExecutor(max_workers=8) as pool:
        indexes = list(pool.map(add, range(40)))
    assert sorted(indexes) == list(range(40))
    stored = store.get_conversation(cid)
    assert stored is not None
    assert sorted(t.turn.question for t in stored.turns) == sorted(f"q{i}" for i in range(40))


def test_appending_to_a_deleted_conversation_reports_it(tmp_path: Path) -> None:
    store = Store(tmp_path / "c.sqlite", retention_days=30)
    cid = store.create_conversation()
    assert store.delete_conversation(cid)
    assert store.append_turn(cid, Turn("q", "q"), None) is None


def test_deleting_a_conversation_removes_its_turns(tmp_path: Path) -> None:
    store = Store(tmp_path / "c.sqlite", retention_days=30)
    cid = store.create_conversation()
    store.append_turn(cid, Turn("private question", "q"), None)
    store.delete_conversation(cid)
    with sqlite3.connect(tmp_path / "c.sqlite") as db:
        assert db.execute("SELECT COUNT(*) FROM turns").fetchone()[0] == 0
