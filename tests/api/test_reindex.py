"""Re-index jobs: admin only, progress visible, and the new version swapped in under running requests."""

from __future__ import annotations

import threading
import time
from pathlib import Path

import pytest
from fastapi.testclient import TestClient

import api
import api_engine


def _wait_for_job(client: TestClient, job_id: str, token: str, timeout: float = 10.0) -> dict:
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        job = client.get(f"/v1/jobs/{job_id}", headers={"Authorization": f"Bearer {token}"}).json()
        if job["state"] not in ("queued", "running"):
            return job
        time.sleep(0.05)
    raise AssertionError(f"job {job_id} still running after {timeout}s")


def test_reindex_swaps_version_without_dropping_a_request_in_flight(
    client: TestClient, engine, admin_token: str, tmp_path: Path
) -> None:
    started, release = threading.Event(), threading.Event()

    def hold() -> None:
        started.set()
        release.wait(10)

    engine.before_answer = hold
    in_flight: dict = {}
    asker = threading.Thread(
        target=lambda: in_flight.update(r=client.post("/v1/ask", json={"question": "gout flare"})))
    asker.start()
    assert started.wait(10)
    engine.before_answer = None  # only the first question is held

    auth = {"Authorization": f"Bearer {admin_token}"}
    job = client.post("/v1/reindex", json={"sources": [str(tmp_path)]}, headers=auth)
    assert job.status_code == 202 and job.json()["state"] in ("queued", "running")
    finished = _wait_for_job(client, job.json()["job_id"], admin_token)
    assert finished["state"] == "done" and finished["index_version"] == "v000002"
    assert any("loading 1 source" in m for m in finished["messages"])
    assert client.get("/readyz").json()["index_version"] == "v000002"
    assert client.post("/v1/ask", json={"question": "gout"}).status_code == 200

    release.set()
    asker.join(10)
    assert in_flight["r"].status_code == 200 and in_flight["r"].json()["refused"] is False


def test_only_one_reindex_runs_at_a_time(
    client: TestClient, engine, admin_token: str, tmp_path: Path
) -> None:
    engine.reindex_gate.clear()
    auth = {"Authorization": f"Bearer {admin_token}"}
    first = client.post("/v1/reindex", json={"sources": [str(tmp_path)]}, headers=auth)
    second = client.post("/v1/reindex", json={"sources": [str(tmp_path)]}, headers=auth)
    assert (first.status_code, second.status_code) == (202, 409)
    engine.reindex_gate.set()
    assert _wait_for_job(client, first.json()["job_id"], admin_token)["state"] == "done"
    third = client.post("/v1/reindex", json={"sources": [str(tmp_path)]}, headers=auth)
    assert third.status_code == 202


def test_failed_reindex_is_reported_and_keeps_serving(
    client: TestClient, engine, admin_token: str, tmp_path: Path
) -> None:
    def broken(*args, **kwargs):
        raise ValueError("bad record at line 3")

    engine.reindex = broken
    job = client.post("/v1/reindex", json={"sources": [str(tmp_path)]},
                      headers={"Authorization": f"Bearer {admin_token}"}).json()
    finished = _wait_for_job(client, job["job_id"], admin_token)
    assert finished["state"] == "failed" and "bad record at line 3" in finished["error"]
    assert client.get("/readyz").json()["index_version"] == "v000001"


def test_a_reindex_job_names_the_inputs_it_skipped(
    client: TestClient, engine, admin_token: str, tmp_path: Path
) -> None:
    from index.versions import ReindexSummary

    def with_duplicates(*args, **kwargs) -> ReindexSummary:
        engine.reload()
        skipped = [f"doc:{n}: duplicate document id, first one kept" for n in range(25)]
        return ReindexSummary(version="v000002", switched=True, added=1, skipped=skipped)

    engine.reindex = with_duplicates
    job = client.post("/v1/reindex", json={"sources": [str(tmp_path)]},
                      headers={"Authorization": f"Bearer {admin_token}"}).json()
    finished = _wait_for_job(client, job["job_id"], admin_token)
    assert finished["state"] == "done" and "25 skipped" in finished["summary"]
    named = [m for m in finished["messages"] if m.startswith("skipped: doc:")]
    assert len(named) == 20 and "skipped: ... and 5 more" in finished["messages"]


def test_unknown_job_is_404(client: TestClient, admin_token: str) -> None:
    response = client.get("/v1/jobs/unknown", headers={"Authorization": f"Bearer {admin_token}"})
    assert response.status_code == 404


def test_worker_follows_an_index_switched_by_another_process(settings, engine, monkeypatch) -> None:
    monkeypatch.setattr(api_engine, "VERSION_CHECK_INTERVAL_S", 0.0)
    settings.index_dir.mkdir(parents=True)
    (settings.index_dir / "v000001").mkdir()
    (settings.index_dir / "current").symlink_to("v000001")
    holder = api_engine.EngineHolder(settings, engine)
    held = holder.get()
    assert held.index.version == "v000001"
    # Another worker finished a re-index: the link moves; this worker must reload on its own.
    (settings.index_dir / "v000002").mkdir()
    (settings.index_dir / "current").unlink()
    (settings.index_dir / "current").symlink_to("v000002")
    deadline = time.monotonic() + 5
    while engine.index.version != "v000002" and time.monotonic() < deadline:
        holder.get()
        time.sleep(0.02)
    assert engine.index.version == "v000002"


def test_engine_loads_in_background_and_readiness_says_so(settings, engine) -> None:
    gate = threading.Event()

    def slow_factory(_settings):
        gate.wait(10)
        return engine

    with TestClient(api.create_app(settings, engine_factory=slow_factory)) as client:
        assert client.get("/healthz").status_code == 200
        assert client.get("/readyz").status_code == 503
        assert client.post("/v1/ask", json={"question": "gout"}).status_code == 503
        gate.set()
        deadline = time.monotonic() + 5
        while client.get("/readyz").status_code != 200 and time.monotonic() < deadline:
            time.sleep(0.02)
        assert client.get("/readyz").json()["ready"] is True
        assert client.post("/v1/ask", json={"question": "gout"}).status_code == 200


def test_the_engine_is_warmed_up_before_it_is_ready(settings, engine) -> None:
    warm = threading.Event()
    release = threading.Event()

    def warm_up() -> None:  # what the first question would otherwise wait for (metadata, model)
        warm.set()
        release.wait(10)

    engine.warm_up = warm_up
    with TestClient(api.create_app(settings, engine_factory=lambda _settings: engine)) as client:
        assert warm.wait(5)
        assert client.get("/readyz").status_code == 503  # still warming up
        release.set()
        deadline = time.monotonic() + 5
        while client.get("/readyz").status_code != 200 and time.monotonic() < deadline:
            time.sleep(0.02)
        assert client.get("/readyz").status_code == 200


def test_failed_engine_load_is_explained(settings) -> None:
    def failing(_settings):
        raise FileNotFoundError("index manifest missing")

    with TestClient(api.create_app(settings, engine_factory=failing)) as client:
        deadline = time.monotonic() + 5
        while "failed" not in str(client.get("/readyz").json()["detail"]) and time.monotonic() < deadline:
            time.sleep(0.02)
        ready = client.get("/readyz")
        assert ready.status_code == 503 and "FileNotFoundError" in ready.json()["detail"]
        assert "manifest" not in ready.json()["detail"]  # messages may name server paths: logged only
        assert client.post("/v1/ask", json={"question": "gout"}).status_code == 503


@pytest.mark.parametrize("host", ["127.0.0.1", "::1", "localhost"])
def test_loopback_hosts_are_recognised(host: str) -> None:
    from api_serve import is_loopback

    assert is_loopback(host)


def test_default_bind_is_loopback(settings) -> None:
    from api_serve import bind_address, is_loopback

    host, port = bind_address(settings)
    assert is_loopback(host) and port == settings.api.port
    assert bind_address(settings, "0.0.0.0", 9001) == ("0.0.0.0", 9001)
    assert not is_loopback("0.0.0.0")
