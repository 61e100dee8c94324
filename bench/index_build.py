"""Index build benchmarks on real PubMedQA abstracts (a fixed sample of the shared data).

1. Build throughput: the whole reindex pipeline (chunk, embed, cache, FAISS, bm25s, store, checksums,
   switch) against the raw model encode of the same chunk texts, measured in this run.
2. Incremental: re-index after changing 1% of documents, against the full build's time.
3. ONNX backend (fp32 and int8): cosine to torch vectors and encode speed on the same chunks.

Usage: python bench/index_build.py [--docs 300] [--onnx-chunks 256] [--skip-onnx]
"""

from __future__ import annotations

import argparse
import json
import sys
import tempfile
import time
from dataclasses import replace
from pathlib import Path

import numpy as np

sys.path.insert(0, str(Path(__file__).resolve().parents[1]))

from curbside.settings import EmbeddingSettings, Settings, shared_data_dir  # noqa: E402
from curbside.types import Document  # noqa: E402
from index.embed import Embedder, shared_model  # noqa: E402
from index.versions import reindex  # noqa: E402
from ingest import chunk_document  # noqa: E402
from ingest.sources.pubmedqa import document_from_record  # noqa: E402


def pubmedqa_records(n: int) -> list[tuple[str, dict]]:
    path = shared_data_dir() / "research" / "pubmedqa" / "ori_pqal.json"
    return list(json.loads(path.read_text(encoding="utf-8")).items())[:n]


def documents_from(records: list[tuple[str, dict]]) -> list[Document]:
    return [document_from_record(pmid, record) for pmid, record in records]


def with_changed_records(records: list[tuple[str, dict]], fraction: float) -> list[tuple[str, dict]]:
    """Edit the first context of ``fraction`` of the records, spread over the sample (a source update)."""
    n_changed = max(1, round(len(records) * fraction))
    picked = set(range(0, len(records), len(records) // n_changed)[:n_changed])
    out = []
    for i, (pmid, record) in enumerate(records):
        if i in picked:
            contexts = list(record["CONTEXTS"])
            contexts[0] = contexts[0] + " These findings were revised in an updated analysis."
            record = {**record, "CONTEXTS": contexts}
        out.append((pmid, record))
    return out


def timed(fn, *args, **kwargs):  # noqa: ANN001, ANN201, ANN002, ANN003 - any callable
    start = time.perf_counter()
    result = fn(*args, **kwargs)
    return result, time.perf_counter() - start


def raw_encode(texts: list[str], settings: EmbeddingSettings) -> np.ndarray:
    """The baseline: the model's own encode over all texts, nothing else."""
    return shared_model(settings.backend, settings.max_seq_length).encode(
        texts, batch_size=settings.batch_size, normalize_embeddings=True, convert_to_numpy=True,
        show_progress_bar=False,
    )


def bench_build(records: list[tuple[str, dict]], home: Path) -> list[tuple[str, str, str]]:
    docs = documents_from(records)
    settings = Settings(home=home / "a")
    texts = [c.text for d in docs for c in chunk_document(d, settings.chunking)]
    Embedder(settings.embedding).encode(texts[:16])  # load and warm the model outside the timings
    # The machine is shared: interleave baseline and pipeline runs and compare the best of each.
    _, raw_a = timed(raw_encode, texts, settings.embedding)
    summary, full_a = timed(reindex, docs, settings, progress=False)
    _, raw_b = timed(raw_encode, texts, settings.embedding)
    second = Settings(home=home / "b")  # its own empty embedding cache: a true full build again
    _, full_b = timed(reindex, docs, second, progress=False)
    raw, full = min(raw_a, raw_b), min(full_a, full_b)
    changed = documents_from(with_changed_records(records, 0.01))
    inc_summary, inc = timed(reindex, changed, second, progress=False)
    n = summary.chunks
    return [
        ("chunks (documents)", f"{n} ({len(docs)})", ""),
        ("raw model encode, chunks/s (run 1 / run 2)",
         f"{len(texts) / raw_a:.1f} / {len(texts) / raw_b:.1f}", "baseline"),
        ("full reindex pipeline, chunks/s (run 1 / run 2)", f"{n / full_a:.1f} / {n / full_b:.1f}",
         f"best-of-2 time ratio {full / raw:.3f} (overhead {full / raw - 1:+.1%})"),
        (f"incremental reindex, {inc_summary.changed} docs changed "
         f"({inc_summary.chunks_embedded} chunks embedded), s", f"{inc:.2f}",
         f"{inc / full:.2%} of best full build"),
        ("full reindex, s (run 1 / run 2)", f"{full_a:.2f} / {full_b:.2f}", "baseline"),
    ]


def bench_onnx(texts: list[str]) -> list[tuple[str, str, str]]:
    rows = []
    base_settings = EmbeddingSettings()
    Embedder(base_settings).encode(texts[:8])
    torch_vecs, torch_s = timed(Embedder(base_settings).encode, texts)
    rows.append(("torch encode, chunks/s", f"{len(texts) / torch_s:.1f}", "baseline"))
    for backend in ("onnx", "onnx-int8"):
        embedder = Embedder(replace(base_settings, backend=backend))
        embedder.encode(texts[:8])  # export/load outside the timing
        vecs, secs = timed(embedder.encode, texts)
        cos = (vecs * torch_vecs).sum(axis=1)
        verdict = "admitted" if cos.min() >= 0.98 else "REJECTED (< 0.98)"
        speed = f"{len(texts) / secs:.1f}"
        rows.append((f"{backend} encode, chunks/s", speed, f"{torch_s / secs:.2f}x torch"))
        rows.append((f"{backend} cosine to torch, min / mean", f"{cos.min():.4f} / {cos.mean():.4f}",
                     verdict))
    return rows


def print_table(title: str, rows: list[tuple[str, str, str]]) -> None:
    width = max(len(r[0]) for r in rows)
    print(f"\n{title}")
    for name, value, note in rows:
        print(f"  {name:<{width}}  {value:>16}  {note}")


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--docs", type=int, default=300)
    parser.add_argument("--onnx-chunks", type=int, default=256)
    parser.add_argument("--skip-onnx", action="store_true")
    args = parser.parse_args()
    records = pubmedqa_records(args.docs)
    docs = documents_from(records)
    with tempfile.TemporaryDirectory() as home:
        rows = bench_build(records, Path(home))
        print_table("Build throughput and incremental re-index (PubMedQA sample)", rows)
        if not args.skip_onnx:
            settings = Settings(home=Path(home))
            texts = [c.text for d in docs for c in chunk_document(d, settings.chunking)][: args.onnx_chunks]
            print_table("ONNX Runtime backend vs torch (same chunks)", bench_onnx(texts))


if __name__ == "__main__":
    main()
