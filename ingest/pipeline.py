"""Batch ingest: load, de-duplicate, chunk, count; failures are collected and the batch goes on."""

from __future__ import annotations

import time
from collections import Counter
from collections.abc import Sequence
from dataclasses import dataclass, field
from pathlib import Path

from curbside.progress import Progress
from curbside.settings import Settings
from curbside.types import Chunk, Document
from ingest.chunker import chunk_document
from ingest.failures import LoadFailure
from ingest.metadata import extra_value
from ingest.walk import load_paths


@dataclass
class IngestReport:
    documents: list[Document] = field(default_factory=list)
    chunks: list[Chunk] = field(default_factory=list)
    failures: list[LoadFailure] = field(default_factory=list)
    duplicates_skipped: list[str] = field(default_factory=list)  # doc ids seen before in this batch
    encoding_fallbacks: list[str] = field(default_factory=list)  # "doc_id: encoding" lines
    documents_by_source: Counter[str] = field(default_factory=Counter)
    chunks_by_source: Counter[str] = field(default_factory=Counter)
    documents_by_tier: Counter[str] = field(default_factory=Counter)
    chunks_by_tier: Counter[str] = field(default_factory=Counter)
    load_seconds: float = 0.0
    chunk_seconds: float = 0.0

    @property
    def ok(self) -> bool:
        return not self.failures

    def summary_lines(self) -> list[str]:
        lines = [
            f"ingested {len(self.documents)} documents, {len(self.chunks)} chunks "
            f"(load {self.load_seconds:.1f}s, chunk {self.chunk_seconds:.1f}s)"
        ]
        lines.append("by source:")
        for source in sorted(self.documents_by_source):
            lines.append(
                f"  {source:<20} {self.documents_by_source[source]:>7} documents "
                f"{self.chunks_by_source[source]:>8} chunks"
            )
        lines.append("by tier:")
        for tier in sorted(self.documents_by_tier):
            lines.append(
                f"  {tier:<20} {self.documents_by_tier[tier]:>7} documents "
                f"{self.chunks_by_tier[tier]:>8} chunks"
            )
        if self.duplicates_skipped:
            shown = ", ".join(self.duplicates_skipped[:5]) + (
                " ..." if len(self.duplicates_skipped) > 5 else ""
            )
            lines.append(f"duplicates skipped: {len(self.duplicates_skipped)} ({shown})")
        for note in self.encoding_fallbacks:
            lines.append(f"decoded with fallback: {note}")
        lines.append(f"failures: {len(self.failures)}")
        lines.extend(f"  {failure}" for failure in self.failures)
        return lines


def _load(
    paths: Sequence[Path | str], fmt: str | None, report: IngestReport, limit: int | None, show: bool
) -> None:
    progress = Progress("loading", unit="documents", enabled=show)
    seen: set[str] = set()
    for item in load_paths(paths, fmt, limit):
        if isinstance(item, LoadFailure):
            report.failures.append(item)
            if show:
                progress.stream.write(f"error: {item}\n")
            continue
        if limit is not None and report.documents_by_source[item.meta.source] >= limit:
            continue
        if item.doc_id in seen:
            report.duplicates_skipped.append(item.doc_id)
            continue
        seen.add(item.doc_id)
        fallback = extra_value(item.meta, "encoding_fallback")
        if fallback:
            report.encoding_fallbacks.append(f"{item.doc_id}: not UTF-8, read as {fallback}")
        report.documents.append(item)
        report.documents_by_source[item.meta.source] += 1
        report.documents_by_tier[item.meta.tier] += 1
        progress.update(1)
    progress.close()


def ingest_paths(
    paths: Sequence[Path | str],
    fmt: str | None,
    settings: Settings,
    progress: bool = True,
    limit: int | None = None,
) -> IngestReport:
    """Load every path, then chunk every document; ``limit`` caps documents per source (for samples)."""
    report = IngestReport()
    started = time.monotonic()
    _load(paths, fmt, report, limit, progress)
    report.load_seconds = time.monotonic() - started
    started = time.monotonic()
    bar = Progress("chunking", total=len(report.documents), unit="documents", enabled=progress)
    for doc in report.documents:
        try:
            chunks = chunk_document(doc, settings.chunking)
        except Exception as exc:  # noqa: BLE001 - one bad document must not end the batch
            report.failures.append(
                LoadFailure(doc.doc_id, None, f"chunking failed: {type(exc).__name__}: {exc}")
            )
            continue
        report.chunks.extend(chunks)
        report.chunks_by_source[doc.meta.source] += len(chunks)
        report.chunks_by_tier[doc.meta.tier] += len(chunks)
        rate = len(report.chunks) / max(time.monotonic() - started, 1e-9)
        bar.update(1, extra=f"{len(report.chunks)} chunks, {rate:.0f} chunks/s")
    bar.close()
    report.chunk_seconds = time.monotonic() - started
    return report
