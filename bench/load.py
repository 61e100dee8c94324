"""Bounded load test of the HTTP API on loopback: requests/s and latency percentiles, zero errors expected.

For each worker count it starts ``curbside serve`` in a subprocess (data home from $CURBSIDE_HOME), waits
for /readyz, then runs N concurrent clients for a fixed time against GET /healthz (the baseline: HTTP
overhead alone, measured in the same run) and POST /v1/ask (a fixed list of questions and follow-ups).

    .venv/bin/python bench/load.py --workers 1 2 --clients 8 32 --seconds 30
"""

from __future__ import annotations

import argparse
import asyncio
import os
import socket
import statistics
import subprocess
import sys
import time
from pathlib import Path

import httpx

ROOT = Path(__file__).resolve().parents[1]
QUESTIONS = (
    "What is first-line treatment for an acute gout flare?",
    "Which patients should be screened for abdominal aortic aneurysm?",
    "How should hypertension be treated in adults with diabetes?",
    "What are the options for smoking cessation in pregnancy?",
    "When should statins be started for primary prevention?",
    "How is community-acquired pneumonia treated in outpatients?",
)
FOLLOW_UP = "what about the dosing?"


def _free_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return sock.getsockname()[1]


def start_server(workers: int, port: int, ready_timeout: float) -> subprocess.Popen:
    code = ("from api_serve import serve; from curbside.settings import Settings; "
            f"serve(Settings(), '127.0.0.1', {port}, {workers})")
    proc = subprocess.Popen([sys.executable, "-c", code], cwd=ROOT, stdout=subprocess.DEVNULL,
                            stderr=subprocess.DEVNULL, env={**os.environ, "PYTHONPATH": str(ROOT)})
    deadline = time.monotonic() + ready_timeout
    while time.monotonic() < deadline:
        if proc.poll() is not None:
            raise RuntimeError(f"the server exited with status {proc.returncode} before it was ready")
        try:
            if httpx.get(f"http://127.0.0.1:{port}/readyz", timeout=2).status_code == 200:
                return proc
        except httpx.HTTPError:
            pass
        time.sleep(0.5)
    proc.terminate()
    raise RuntimeError(f"the server was not ready after {ready_timeout:.0f}s")


async def _client(http: httpx.AsyncClient, kind: str, stop_at: float, n: int,
                  latencies: list[float], errors: list[str]) -> None:
    i = n
    while time.monotonic() < stop_at:
        started = time.perf_counter()
        try:
            if kind == "healthz":
                response = await http.get("/healthz")
            else:
                response = await http.post("/v1/ask", json={"question": QUESTIONS[i % len(QUESTIONS)]})
                if response.status_code == 200 and i % 2 == 0:  # every other client also follows up
                    cid = response.headers["X-Conversation-ID"]
                    follow_up = {"question": FOLLOW_UP, "conversation_id": cid}
                    response = await http.post("/v1/ask", json=follow_up)
            if response.status_code != 200:
                errors.append(str(response.status_code))
        except httpx.HTTPError as exc:
            errors.append(type(exc).__name__)
        latencies.append(time.perf_counter() - started)
        i += 1


async def run_load(port: int, kind: str, clients: int, seconds: float) -> dict[str, float]:
    latencies: list[float] = []
    errors: list[str] = []
    limits = httpx.Limits(max_connections=clients)
    async with httpx.AsyncClient(base_url=f"http://127.0.0.1:{port}", timeout=120, limits=limits) as http:
        started = time.monotonic()
        stop_at = started + seconds
        await asyncio.gather(*(_client(http, kind, stop_at, n, latencies, errors) for n in range(clients)))
        elapsed = time.monotonic() - started
    cuts = statistics.quantiles(latencies, n=100) if len(latencies) > 1 else [latencies[0]] * 99
    return {"requests": len(latencies), "rps": len(latencies) / elapsed, "p50": cuts[49] * 1000,
            "p95": cuts[94] * 1000, "p99": cuts[98] * 1000, "errors": len(errors)}


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--workers", type=int, nargs="+", default=[1, 2])
    parser.add_argument("--clients", type=int, nargs="+", default=[8, 32])
    parser.add_argument("--seconds", type=float, default=30.0)
    parser.add_argument("--ready-timeout", type=float, default=1800.0, help="first use builds the index")
    args = parser.parse_args(argv)

    rows = []
    for workers in args.workers:
        port = _free_port()
        proc = start_server(workers, port, args.ready_timeout)
        try:
            for kind in ("healthz", "ask"):
                for clients in args.clients:
                    result = asyncio.run(run_load(port, kind, clients, args.seconds))
                    rows.append((workers, kind, clients, result))
                    print(f"workers={workers} {kind} clients={clients}: {result['rps']:.1f} req/s",
                          flush=True)
        finally:
            proc.terminate()
            proc.wait(30)

    print(f"\n{'workers':>7} {'endpoint':>8} {'clients':>7} {'requests':>8} {'req/s':>8} "
          f"{'p50 ms':>8} {'p95 ms':>8} {'p99 ms':>8} {'errors':>6}")
    for workers, kind, clients, r in rows:
        print(f"{workers:>7} {kind:>8} {clients:>7} {r['requests']:>8} {r['rps']:>8.1f} {r['p50']:>8.1f} "
              f"{r['p95']:>8.1f} {r['p99']:>8.1f} {r['errors']:>6}")
    failed = sum(r["errors"] for *_, r in rows)
    print(f"\ntotal errors: {failed}" + ("" if not failed else "  <- the API must answer every request"))
    return 1 if failed else 0


if __name__ == "__main__":
    raise SystemExit(main())
