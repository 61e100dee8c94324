"""Version directories under the index root: naming, the ``current`` link, listing, pruning, rollback."""

from __future__ import annotations

import os
import re
import shutil
import threading
from dataclasses import dataclass
from pathlib import Path

from curbside.settings import Settings
from index.errors import CurbsideIndexError, IndexNotFound
from index.manifest import MANIFEST, check_embedding, fsync_path, read_manifest
from index.store import IndexReader

CURRENT = "current"
VERSION_NAME = re.compile(r"^v(\d{6,})$")

_READERS: dict[tuple[str, int], IndexReader] = {}
_READERS_LOCK = threading.Lock()


@dataclass(frozen=True)
class VersionInfo:
    version: str
    path: Path
    current: bool
    complete: bool  # has a readable manifest
    created: str | None = None
    chunks: int | None = None
    docs: int | None = None
    backend: str | None = None


def version_dirs(root: Path) -> list[Path]:
    """Version directories in increasing version order (hidden building directories excluded)."""
    if not root.is_dir():
        return []
    found = [p for p in root.iterdir() if p.is_dir() and not p.is_symlink() and VERSION_NAME.match(p.name)]
    return sorted(found, key=lambda p: int(VERSION_NAME.match(p.name).group(1)))  # type: ignore[union-attr]


def next_version(root: Path) -> str:
    existing = [int(VERSION_NAME.match(p.name).group(1)) for p in version_dirs(root)]  # type: ignore[union-attr]
    building = [
        int(m.group(1)) for p in root.glob(".building-v*") if (m := re.match(r"\.building-v(\d+)", p.name))
    ]
    return f"v{max(existing + building, default=0) + 1:06d}"


def current_dir(root: Path) -> Path | None:
    link = root / CURRENT
    if not link.is_symlink():
        return None
    target = root / os.readlink(link)
    return target if target.is_dir() else None


def switch_current(root: Path, version: str) -> None:
    """Point ``current`` at ``version`` atomically: readers see the old or the new version, never neither."""
    tmp = root / f".{CURRENT}.tmp-{os.getpid()}"
    if tmp.is_symlink() or tmp.exists():
        tmp.unlink()
    os.symlink(version, tmp)  # relative target: the index root can be moved as a whole
    os.replace(tmp, root / CURRENT)
    fsync_path(root)


def remove_leftovers(root: Path) -> list[str]:
    """Delete building directories and temporary links left by an interrupted run."""
    removed = []
    for path in list(root.glob(".building-*")) + list(root.glob(f".{CURRENT}.tmp-*")):
        if path.is_symlink() or path.is_file():
            path.unlink()
        else:
            shutil.rmtree(path, ignore_errors=True)
        removed.append(path.name)
    return removed


def prune_versions(root: Path, keep: int) -> list[str]:
    """Keep the newest ``keep`` versions (and always the current one); delete the rest."""
    cur = current_dir(root)
    dirs = version_dirs(root)
    doomed = [p for p in dirs[: max(0, len(dirs) - max(1, keep))] if cur is None or p.name != cur.name]
    for path in doomed:
        # Rename first so a kill mid-delete leaves a hidden leftover, never a half-deleted "version".
        hidden = root / f".building-pruned-{path.name}"
        _forget_readers(path)
        os.replace(path, hidden)
        shutil.rmtree(hidden, ignore_errors=True)
    return [p.name for p in doomed]


def _forget_readers(path: Path) -> None:
    with _READERS_LOCK:
        for key in [k for k in _READERS if k[0] == str(path.resolve())]:
            _READERS.pop(key).close()


def list_versions(settings: Settings) -> list[VersionInfo]:
    root = settings.index_dir
    cur = current_dir(root)
    infos = []
    for path in version_dirs(root):
        try:
            m = read_manifest(path)
            infos.append(VersionInfo(
                path.name, path, cur is not None and cur.name == path.name, True, m.get("created"),
                m["counts"]["chunks"], m["counts"]["docs"], m["embedding"].get("backend"),
            ))
        except (CurbsideIndexError, KeyError):
            infos.append(VersionInfo(path.name, path, cur is not None and cur.name == path.name, False))
    return infos


def open_version(settings: Settings, path: Path, verify: bool = True) -> IndexReader:
    """Open (once per process and version) and check it was embedded with the configured model."""
    key = (str(path.resolve()), (path / MANIFEST).stat().st_mtime_ns if (path / MANIFEST).exists() else 0)
    with _READERS_LOCK:
        reader = _READERS.get(key)
        if reader is None:
            reader = IndexReader(path, verify=verify)
            _READERS[key] = reader
    check_embedding(reader.manifest, settings.embedding.model_name, settings.embedding.dimension)
    return reader


def open_current(settings: Settings, verify: bool = True) -> IndexReader:
    """The version ``current`` points at; raises IndexNotFound / IndexMismatch / IndexCorrupt."""
    root = settings.index_dir
    path = current_dir(root)
    if path is None:
        raise IndexNotFound(f"no index in {root}: build one with `curbside reindex SOURCE...`")
    return open_version(settings, path, verify)


def rollback(settings: Settings, version: str | None = None) -> str:
    """Make ``version`` (default: the newest complete version older than current) current; returns it."""
    root = settings.index_dir
    cur = current_dir(root)
    complete = [v for v in list_versions(settings) if v.complete]
    if version is None:
        older = [v for v in complete if cur is None or int(v.version[1:]) < int(cur.name[1:])]
        if not older:
            raise IndexNotFound(f"no complete version older than {cur.name if cur else 'none'} in {root}")
        version = older[-1].version
    target = root / version
    if not VERSION_NAME.match(version) or not target.is_dir():
        raise IndexNotFound(f"index version {version!r} does not exist in {root} (see `curbside index list`)")
    open_version(settings, target)  # refuse to switch to a version that cannot serve
    switch_current(root, version)
    return version
