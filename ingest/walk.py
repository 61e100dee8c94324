"""Turn command-line paths into documents: known datasets by layout, other files by format."""

from __future__ import annotations

from collections.abc import Iterator, Sequence
from pathlib import Path

from curbside.types import Document
from ingest.failures import LoadFailure
from ingest.loaders import load_file
from ingest.sources import OPEN_MEDICINE, load_open_medicine_source, recognise

# Files that describe a folder rather than belong to its corpus.
_SKIPPED_NAMES = ("readme", "license", "licence", "source.txt", "copying")
# Evaluation sets hold questions and gold answers, not documents.
_SKIPPED_DIRS = {"eval", "__pycache__", "splits"}


def _skipped(child: Path) -> bool:
    name = child.name.lower()
    if name.startswith("."):
        return True
    if child.is_dir():
        return name in _SKIPPED_DIRS
    return name.startswith(_SKIPPED_NAMES)


def _guarded(items: Iterator[Document | LoadFailure], where: str) -> Iterator[Document | LoadFailure]:
    """A loader bug must not end the batch: report it as a failure of that path and go on."""
    try:
        yield from items
    except Exception as exc:  # noqa: BLE001 - the batch goes on; the reason is reported
        yield LoadFailure(where, None, f"unexpected {type(exc).__name__}: {exc}")


def _capped(items: Iterator[Document | LoadFailure], limit: int | None) -> Iterator[Document | LoadFailure]:
    """Stop a dataset after ``limit`` documents, so samples do not read the whole dataset."""
    count = 0
    for item in items:
        if limit is not None and isinstance(item, Document):
            if count >= limit:
                return
            count += 1
        yield item


def _walk(path: Path, fmt: str | None, limit: int | None) -> Iterator[Document | LoadFailure]:
    loader = recognise(path)
    if loader is not None:
        yield from _capped(_guarded(loader(path), str(path)), limit)
    elif path.is_dir():
        for child in sorted(path.iterdir()):
            if not _skipped(child):
                yield from _walk(child, fmt, limit)
    elif path.is_file():
        yield from _guarded(load_file(path, fmt), str(path))
    else:
        yield LoadFailure(str(path), None, "no such file or directory")


def load_paths(
    paths: Sequence[Path | str], fmt: str | None = None, limit: int | None = None
) -> Iterator[Document | LoadFailure]:
    """Documents and failures from files and folders; ``open-medicine`` loads the installed package.

    ``limit`` caps the documents read from each recognised dataset (for fixed samples).
    """
    for raw in paths:
        path = Path(raw)
        if str(raw) == OPEN_MEDICINE and not path.exists():
            yield from _capped(_guarded(load_open_medicine_source(), OPEN_MEDICINE), limit)
        else:
            yield from _walk(path, fmt, limit)
