"""manifest.json: what a version was built with, its counts, and a checksum of every file.

The manifest is written last, so a directory with a valid manifest is a complete version.
"""

from __future__ import annotations

import hashlib
import json
import os
from collections.abc import Iterable
from pathlib import Path
from typing import Any

from index.errors import IndexCorrupt, IndexMismatch

FORMAT_VERSION = 1
MANIFEST = "manifest.json"


def file_sha256(path: Path) -> str:
    digest = hashlib.sha256()
    with path.open("rb") as handle:
        for block in iter(lambda: handle.read(1 << 20), b""):
            digest.update(block)
    return digest.hexdigest()


def corpus_fingerprint(doc_hashes: Iterable[tuple[str, str]]) -> str:
    """Order-independent hash of (doc id, content hash) pairs: equal corpora give equal fingerprints."""
    digest = hashlib.sha256()
    for doc_id, content_hash in sorted(doc_hashes):
        digest.update(f"{doc_id}\t{content_hash}\n".encode())
    return digest.hexdigest()


def fsync_path(path: Path) -> None:
    """Flush a file or directory entry to disk so a rename after it cannot expose an empty file."""
    fd = os.open(path, os.O_RDONLY)
    try:
        os.fsync(fd)
    finally:
        os.close(fd)


def checksum_files(version_dir: Path) -> dict[str, str]:
    """sha256 of every file under the version directory except the manifest, by relative path."""
    sums: dict[str, str] = {}
    for path in sorted(version_dir.rglob("*")):
        if path.is_file() and path.name != MANIFEST:
            sums[path.relative_to(version_dir).as_posix()] = file_sha256(path)
    return sums


def write_manifest(version_dir: Path, manifest: dict[str, Any]) -> None:
    """Fsync every data file, then write the manifest atomically (temp file + rename)."""
    for path in version_dir.rglob("*"):
        if path.is_file():
            fsync_path(path)
    tmp = version_dir / (MANIFEST + ".tmp")
    tmp.write_text(json.dumps(manifest, indent=2, sort_keys=True), encoding="utf-8")
    fsync_path(tmp)
    os.replace(tmp, version_dir / MANIFEST)
    fsync_path(version_dir)


def read_manifest(version_dir: Path) -> dict[str, Any]:
    path = version_dir / MANIFEST
    if not path.is_file():
        raise IndexCorrupt(f"index version {version_dir.name} has no {MANIFEST} (incomplete build?)")
    try:
        data = json.loads(path.read_text(encoding="utf-8"))
    except json.JSONDecodeError as err:
        raise IndexCorrupt(f"{path}: manifest is not valid JSON (line {err.lineno}: {err.msg})") from err
    if data.get("format_version") != FORMAT_VERSION:
        raise IndexMismatch(
            f"index version {version_dir.name} has format_version={data.get('format_version')!r}, "
            f"this program reads format_version={FORMAT_VERSION}; run `curbside reindex` to rebuild"
        )
    return data


def verify_checksums(version_dir: Path, manifest: dict[str, Any]) -> None:
    """Raise IndexCorrupt naming the first missing or altered file."""
    for rel, expected in sorted(manifest.get("files", {}).items()):
        path = version_dir / rel
        if not path.is_file():
            raise IndexCorrupt(f"index version {version_dir.name}: file {rel} is missing")
        actual = file_sha256(path)
        if actual != expected:
            raise IndexCorrupt(
                f"index version {version_dir.name}: checksum of {rel} is {actual[:12]}..., "
                f"manifest says {expected[:12]}... (file altered or damaged)"
            )


def check_embedding(manifest: dict[str, Any], model_name: str, dimension: int) -> None:
    """Raise IndexMismatch naming the field when the index was embedded with another model.

    The backend is recorded but not enforced: ONNX is admitted only once its vectors match
    torch's (cosine >= 0.98), so queries from either backend search either index.
    """
    emb = manifest.get("embedding", {})
    wanted: dict[str, Any] = {"model_name": model_name, "dimension": dimension}
    for key, value in wanted.items():
        if emb.get(key) != value:
            raise IndexMismatch(
                f"index version {manifest.get('version')} was built with embedding {key}={emb.get(key)!r} "
                f"but settings ask for {key}={value!r}; run `curbside reindex` or change the settings"
            )
