"""Run a reindex that SIGKILLs itself at a named point (driven by test_crash.py in a subprocess).

Usage: python crash_reindex.py HOME CACHE POINT N_DOCS
"""

from __future__ import annotations

import importlib.util
import os
import signal
import sys
from dataclasses import replace
from pathlib import Path
from typing import Any

HERE = Path(__file__).resolve().parent
sys.path.insert(0, str(HERE.parents[1]))  # the project root, so `index` and `curbside` import

import index.build  # noqa: E402
import index.embed_cache  # noqa: E402
import index.layout  # noqa: E402
import index.versions  # noqa: E402


def die() -> None:
    os.kill(os.getpid(), signal.SIGKILL)


def kill_after(module: Any, name: str, calls: int = 1) -> None:
    real = getattr(module, name)
    count = {"n": 0}

    def wrapper(*args: Any, **kwargs: Any) -> Any:
        result = real(*args, **kwargs)
        count["n"] += 1
        if count["n"] >= calls:
            die()
        return result

    setattr(module, name, wrapper)


def kill_before(module: Any, name: str) -> None:
    setattr(module, name, lambda *args, **kwargs: die())


POINTS = {
    "after-first-embedding-batch": lambda: kill_after(index.embed_cache.EmbeddingCache, "put_many"),
    "after-chunk-store": lambda: kill_after(index.build, "write_store"),
    "before-manifest": lambda: kill_before(index.build, "write_manifest"),
    "before-switch": lambda: kill_before(index.versions, "switch_current"),
    "mid-switch": lambda: kill_after(index.layout.os, "symlink"),
    "before-prune": lambda: kill_before(index.versions, "prune_versions"),
}


def main() -> None:
    home, cache, point, n_docs = sys.argv[1], sys.argv[2], sys.argv[3], int(sys.argv[4])
    spec = importlib.util.spec_from_file_location("index_test_fixtures", HERE / "conftest.py")
    assert spec is not None and spec.loader is not None
    fixtures = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(fixtures)
    settings = fixtures.settings_in(Path(home), Path(cache))
    # Groups of 4 texts: a kill after the first group leaves part of the work in the cache.
    settings = replace(settings, embedding=replace(settings.embedding, batch_size=1))
    POINTS[point]()
    index.versions.reindex(fixtures.corpus()[:n_docs], settings, progress=False, chunker=fixtures.toy_chunker)


if __name__ == "__main__":
    main()
