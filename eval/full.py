"""The full report kept in the repository (eval/results/), by one command.

``python -m eval.full`` (or ``curbside eval --subset full``) runs every named set with Curbside
and the naive baseline side by side. It is time-bound for a 2-core machine, and says so in the
report: PubMedQA and BioASQ are the first items of their fixed-seed order, Evidence Inference keeps
the prompts on the first validation articles (their full texts are the corpus), and PubMedQA and
BioASQ are answered over their gold documents plus a fixed-seed sample of the others (embedding
all 21,231 BioASQ snippets takes hours on a busy 2-core machine); ``--bioasq-corpus bioasq``
uses the whole snippet corpus where it can be indexed.
Per-turn JSONL goes under ``<home>/eval-runs/full/items`` (too large for the repository).
"""

from __future__ import annotations

import argparse
import json
import random
from collections.abc import Iterator
from pathlib import Path

from curbside.settings import Settings, shared_data_dir
from eval.corpora import register_corpus
from eval.datasets import Dataset
from eval.report import RESULTS_DIR
from eval.shared_sets import (
    SAMPLE_SEED,
    bioasq,
    evidence_inference_articles,
    load_dataset,
    only_articles,
)

# name -> (how many items; None = all)
FULL_LIMITS: dict[str, int | None] = {
    "followup-dev": None,
    "evidence-inference": None,
    "pubmedqa": 60,
    "bioasq": 60,
}
BIOASQ_DISTRACTORS = 800
PUBMEDQA_DISTRACTORS = 90
EI_ARTICLES = 25  # of 90 validation articles with prompts (~1,100 of ~3,600 full-text chunks)


def _bioasq_sample_corpus(root: Path) -> Iterator[object]:
    """Gold snippets of the sampled questions plus a fixed-seed sample of all other snippets."""
    from ingest.sources import load_bioasq

    gold = {g.doc for t in bioasq(root, FULL_LIMITS["bioasq"]).turns for g in t.gold}
    docs = [d for d in load_bioasq(root / "research" / "bioasq") if getattr(d, "doc_id", None) is not None]
    others = [d for d in docs if d.doc_id not in gold]
    keep = set(random.Random(SAMPLE_SEED).sample(range(len(others)), min(BIOASQ_DISTRACTORS, len(others))))
    yield from (d for d in docs if d.doc_id in gold)
    yield from (d for i, d in enumerate(others) if i in keep)


def _pubmedqa_sample_corpus(root: Path) -> Iterator[object]:
    """The abstracts of the sampled test questions plus a fixed-seed sample of the other PQA-L abstracts."""
    from ingest.sources import load_pubmedqa

    gold = {
        g.doc for t in load_dataset("pubmedqa", root).limited(FULL_LIMITS["pubmedqa"]).turns for g in t.gold
    }
    docs = [
        d for d in load_pubmedqa(root / "research" / "pubmedqa") if getattr(d, "doc_id", None) is not None
    ]
    others = [d for d in docs if d.doc_id not in gold]
    keep = set(random.Random(SAMPLE_SEED).sample(range(len(others)), min(PUBMEDQA_DISTRACTORS, len(others))))
    yield from (d for d in docs if d.doc_id in gold)
    yield from (d for i, d in enumerate(others) if i in keep)


def _evidence_inference_sample(root: Path) -> Iterator[object]:
    from eval.corpora import CORPORA

    yield from CORPORA["evidence-inference"](root, EI_ARTICLES)  # type: ignore[call-arg]


def _guidelines_with_research_sample(root: Path) -> Iterator[object]:
    """The guideline corpus beside the PubMedQA and Evidence Inference samples, none of them chosen for the
    guideline conversations: what research the answers to guideline questions pick up."""
    from eval.corpora import CORPORA

    yield from CORPORA["guidelines"](root)
    yield from _pubmedqa_sample_corpus(root)
    yield from _evidence_inference_sample(root)


register_corpus("bioasq-sample", _bioasq_sample_corpus)
register_corpus("pubmedqa-sample", _pubmedqa_sample_corpus)
register_corpus("evidence-inference-sample", _evidence_inference_sample)
register_corpus("guidelines-with-research-sample", _guidelines_with_research_sample)


def full_datasets(root: Path | None = None) -> list[Dataset]:
    out = []
    for name, limit in FULL_LIMITS.items():
        data = load_dataset(name, root).limited(limit)
        if name == "evidence-inference":
            data = only_articles(data, evidence_inference_articles(root or shared_data_dir())[:EI_ARTICLES])
        out.append(data)
    return out


def run_full(
    settings: Settings,
    out: Path = RESULTS_DIR,
    progress: bool = True,
    only: list[str] | None = None,
    bioasq_corpus: str = "bioasq-sample",
) -> int:
    from eval.harness import run_evaluation

    root = shared_data_dir()
    datasets = [d for d in full_datasets(root) if not only or d.name in only]
    overrides = {
        "bioasq": bioasq_corpus,
        "evidence-inference": "evidence-inference-sample",
        "pubmedqa": "pubmedqa-sample",
    }
    command = "python -m eval.full" + (f" --only {','.join(only)}" if only else "")
    summary = run_evaluation(
        datasets,
        settings,
        out,
        command=command,
        progress=progress,
        corpus_override=overrides,
        items_dir=settings.home / "eval-runs" / "full" / "items",
        merge=bool(only),
    )
    for name, block in summary["datasets"].items():
        metric = block["primary_metric"]
        print(name, metric, json.dumps({s: v.get(metric) for s, v in block["systems"].items()}))
    print(f"report: {out / 'report.md'}")
    return 0


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description="Curbside's full evaluation report")
    parser.add_argument("--out", type=Path, default=RESULTS_DIR)
    parser.add_argument("--only", default="", help="comma-separated dataset names")
    parser.add_argument("--bioasq-corpus", default="bioasq-sample", choices=["bioasq-sample", "bioasq"])
    parser.add_argument("--quiet", action="store_true")
    parser.add_argument("--report-only", action="store_true", help="rewrite report.md from summary.json")
    args = parser.parse_args(argv)
    if args.report_only:
        from eval.report import write_report

        summary = json.loads((args.out / "summary.json").read_text(encoding="utf-8"))
        print(f"report: {write_report(summary, args.out)}")
        return 0
    only = [s.strip() for s in args.only.split(",") if s.strip()] or None
    return run_full(Settings(), args.out, not args.quiet, only, args.bioasq_corpus)


if __name__ == "__main__":
    raise SystemExit(main())
