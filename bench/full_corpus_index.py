"""Build an index of the whole shared corpus (guidelines, research, consumer pages) for the latency benches.

    python -m bench.full_corpus_index --home DIR [--window N]

With the default window (256 word pieces, the model's own) this is the real index, which takes hours of
embedding on a 2-core machine. ``--window 32`` encodes each chunk from its first 32 word pieces only: the
same passages, BM25 index, vector count and HNSW graph, so a search costs what it costs on the real
index, but in about an hour. Its rankings are worse, so it serves latency measurement only;
``python -m bench.retrieval --full-home DIR`` prints which vectors an index holds.
"""

from __future__ import annotations

import argparse
import sys
from dataclasses import replace
from pathlib import Path

from curbside.settings import preset, shared_data_dir
from curbside.types import Document

PROJECT = Path(__file__).resolve().parents[1]


def main(argv: list[str] | None = None) -> None:
    from index.versions import reindex
    from ingest import load_paths

    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--home", type=Path, required=True, help="data directory for this index")
    parser.add_argument("--window", type=int, default=256, help="word pieces of each chunk to encode")
    args = parser.parse_args(argv)
    data = shared_data_dir()
    settings = preset("fast")  # ONNX Runtime encodes the chunks
    settings = replace(
        settings, home=args.home,
        embedding=replace(settings.embedding, max_seq_length=args.window, batch_size=64),
    )
    shared = [str(data / folder) for folder in ("guidelines", "research", "consumer")]
    sources = ["open-medicine", str(PROJECT / "corpus"), *shared]
    items = list(load_paths(sources, None))
    failures = [i for i in items if not isinstance(i, Document)]
    for failure in failures:
        print(f"could not load: {failure}", file=sys.stderr)
    print(f"{len(items) - len(failures)} documents, {len(failures)} failures", file=sys.stderr)
    summary = reindex(items, settings, progress=True)
    print(summary.line())
    for line in summary.skipped_lines():
        print(line, file=sys.stderr)


if __name__ == "__main__":
    main()
