"""One interface over every file format: ``load_file(path, fmt) -> Iterator[Document | LoadFailure]``.

The format is named with ``fmt`` or detected from the file's extension and first bytes.
"""

from __future__ import annotations

from collections.abc import Callable, Iterator
from pathlib import Path

from curbside.types import Document
from ingest.failures import LoadError, LoadFailure
from ingest.loaders.jsonl import load_jsonl
from ingest.loaders.markdown import load_markdown
from ingest.loaders.pdf import load_pdf
from ingest.loaders.pubmed_xml import load_pubmed_xml
from ingest.loaders.text import load_text

Loader = Callable[[Path], Iterator[Document | LoadFailure]]


def _single(load: Callable[[Path], Document]) -> Loader:
    def run(path: Path) -> Iterator[Document | LoadFailure]:
        yield load(path)

    return run


def _medquad(path: Path) -> Iterator[Document | LoadFailure]:
    from ingest.sources.medquad import load_medquad

    return load_medquad(path)


LOADERS: dict[str, Loader] = {
    "markdown": _single(load_markdown),
    "text": _single(load_text),
    "pdf": _single(load_pdf),
    "jsonl": load_jsonl,
    "pubmed-xml": load_pubmed_xml,
    "medquad-xml": _medquad,
}
FORMATS: tuple[str, ...] = tuple(LOADERS)
_EXTENSIONS = {
    ".md": "markdown",
    ".markdown": "markdown",
    ".txt": "text",
    ".text": "text",
    ".pdf": "pdf",
    ".jsonl": "jsonl",
    ".ndjson": "jsonl",
}


def detect_format(path: Path) -> str:
    """Format from the first bytes (PDF, XML root element), then the extension; plain text otherwise."""
    try:
        with path.open("rb") as handle:
            head = handle.read(4096)
    except OSError as exc:
        raise LoadError(f"cannot read file: {exc.strerror or exc}") from exc
    if head.startswith(b"%PDF"):
        return "pdf"
    stripped = head.lstrip(b"\xef\xbb\xbf \t\r\n")
    if stripped.startswith(b"<"):
        if b"<PubmedArticleSet" in head or b"<PubmedArticle" in head:
            return "pubmed-xml"
        if b"<Document" in head and b"<QAPairs" in head or b"<Focus>" in head:
            return "medquad-xml"
        if path.suffix.lower() == ".xml":
            raise LoadError("unknown XML: expected a PubMed <PubmedArticleSet> or a MedQuAD <Document>")
    if path.suffix.lower() in _EXTENSIONS:
        return _EXTENSIONS[path.suffix.lower()]
    if stripped.startswith(b"{"):
        return "jsonl"
    return "text"


def load_file(path: Path, fmt: str | None = None) -> Iterator[Document | LoadFailure]:
    """Documents from one file; file-level problems come back as one LoadFailure, never an exception."""
    try:
        chosen = fmt or detect_format(path)
        if chosen not in LOADERS:
            raise LoadError(f"unknown format {chosen!r}: choose one of {', '.join(FORMATS)}")
        yield from LOADERS[chosen](path)
    except LoadError as exc:
        yield LoadFailure(str(path), exc.line, exc.reason)
    except RecursionError:
        yield LoadFailure(str(path), None, "structure nested too deeply to parse")
