"""The fast regression subset CI runs: a few minutes on 2 cores, index build included.

- followup-dev, first ``CI_CONVERSATIONS`` conversations, over a small guideline corpus: the
  open-medicine guidelines and USPSTF/NSTG documents those conversations cite as gold, with a few
  others of each as distractors;
- pubmedqa, first ``CI_PUBMEDQA`` test questions, over the abstracts of the first
  ``CI_PUBMEDQA_CORPUS`` test PMIDs (the research path);
- the support judge's agreement on held-out Evidence Inference pairs.
Each figure is checked against eval/ci_thresholds.json (measured values minus a margin; the
file says where each comes from). Exit status 1 when any falls below its floor.

Run: ``python -m eval.ci`` or ``curbside eval --subset ci``.
"""

from __future__ import annotations

import argparse
import json
import math
import time
from collections.abc import Iterator
from pathlib import Path
from typing import Any

from curbside.settings import Settings, shared_data_dir
from eval.corpora import register_corpus
from eval.datasets import Dataset
from eval.shared_sets import followup_dev, pubmedqa

THRESHOLDS_FILE = Path(__file__).with_name("ci_thresholds.json")
CI_CONVERSATIONS = 12
CI_PUBMEDQA = 20
CI_PUBMEDQA_CORPUS = 60
CI_DISTRACTORS = 12  # USPSTF and NSTG documents each, beyond those named as gold
CI_JUDGE_PAIRS = 120


def ci_datasets(root: Path) -> list[Dataset]:
    conv = followup_dev(root).limited(CI_CONVERSATIONS)
    qa = pubmedqa(root).limited(CI_PUBMEDQA)
    return [
        Dataset("followup-dev-ci", conv.conversations, "guidelines-ci", conv.description),
        Dataset("pubmedqa-ci", qa.conversations, "pubmedqa-ci", qa.description),
    ]


def _guidelines_ci(root: Path) -> Iterator[object]:
    """Whole open-medicine guidelines named as gold (all their sections: near misses stay in),
    a few other guidelines, and the gold USPSTF/NSTG documents with a few others as distractors."""
    from ingest.sources import load_nstg, load_open_medicine, load_uspstf

    gold = {g.doc for t in followup_dev(root).limited(CI_CONVERSATIONS).turns for g in t.gold}
    gold_guidelines = {d.split(":", 1)[1].split("/")[0] for d in gold if d.startswith("open-medicine:")}
    other_guidelines: set[str] = set()
    for doc in load_open_medicine():
        guideline = doc.doc_id.split(":", 1)[1].split("/")[0]
        if guideline not in gold_guidelines and len(other_guidelines) < CI_DISTRACTORS // 3:
            other_guidelines.add(guideline)
        if guideline in gold_guidelines or guideline in other_guidelines:
            yield doc
    for source in (load_uspstf(root / "guidelines" / "uspstf"), load_nstg(root / "guidelines" / "nstg2022")):
        extra = 0
        for doc in source:
            doc_id = getattr(doc, "doc_id", None)
            if doc_id in gold:
                yield doc
            elif doc_id is not None and extra < CI_DISTRACTORS:
                extra += 1
                yield doc


def _pubmedqa_ci(root: Path) -> Iterator[object]:
    from ingest.sources.pubmedqa import document_from_record

    folder = root / "research" / "pubmedqa"
    records = json.loads((folder / "ori_pqal.json").read_text(encoding="utf-8"))
    test = list(json.loads((folder / "test_ground_truth.json").read_text(encoding="utf-8")))
    for pmid in test[:CI_PUBMEDQA_CORPUS]:
        yield document_from_record(pmid, records[pmid])


register_corpus("guidelines-ci", _guidelines_ci)
register_corpus("pubmedqa-ci", _pubmedqa_ci)


def judge_agreement(root: Path, encode: Any) -> dict[str, float]:
    """The calibrated judge on a fixed sample of held-out (validation-article) pairs."""
    from eval.judge import load_calibration
    from eval.judge_calibration import agreement, build_pairs, features
    from eval.shared_sets import evidence_inference_annotations

    cal = load_calibration()
    pairs = build_pairs(evidence_inference_annotations(root, "validation"), CI_JUDGE_PAIRS)
    feats = features(pairs, encode)
    score = cal["weight"] * feats[:, 0] + (1 - cal["weight"]) * feats[:, 1]
    return agreement(list(score >= cal["threshold"]), [p.label for p in pairs])


def flatten(summary: dict[str, Any], judge: dict[str, float]) -> dict[str, float]:
    """``dataset/system/metric`` (and ``dataset/retrieval/config/metric``) -> value."""
    flat: dict[str, float] = {}
    for dataset, block in summary["datasets"].items():
        for system, s in block["systems"].items():
            for metric, value in s.items():
                if isinstance(value, int | float):
                    flat[f"{dataset}/{system}/{metric}"] = float(value)
            for config, scores in s.get("retrieval", {}).items():
                for metric, value in scores.items():
                    flat[f"{dataset}/{system}/retrieval/{config}/{metric}"] = float(value)
    for metric, value in judge.items():
        flat[f"judge/{metric}"] = value
    return flat


def check(flat: dict[str, float], thresholds: dict[str, Any]) -> list[str]:
    """Failures: a measured value below its floor, or a checked figure that is missing/NaN."""
    failures = []
    for key, rule in thresholds.get("floors", {}).items():
        value = flat.get(key, float("nan"))
        if math.isnan(value) or value < rule["min"]:
            failures.append(
                f"{key} = {value:.3f} is below the floor {rule['min']:.3f} ({rule.get('source', '')})"
            )
    return failures


# The figures CI guards (dataset/system/metric as flattened by ``flatten``).
GUARDED: tuple[str, ...] = (
    "followup-dev-ci/curbside/citation_recall",
    "followup-dev-ci/curbside/citation_precision",
    "followup-dev-ci/curbside/fully_supported",
    "followup-dev-ci/curbside/cites_gold_doc",
    "followup-dev-ci/curbside/overlaps_gold_quote",
    "followup-dev-ci/curbside/bottom_line_overlaps_gold_quote",
    "followup-dev-ci/curbside/guideline_first",
    "followup-dev-ci/curbside/refusal_recall",
    "followup-dev-ci/curbside/retrieval/hybrid/recall@10",
    "followup-dev-ci/curbside/retrieval/hybrid/ndcg@10",
    "pubmedqa-ci/curbside/cites_gold_doc",
    "pubmedqa-ci/curbside/citation_recall",
    "pubmedqa-ci/curbside/retrieval/hybrid/mrr",
    "judge/accuracy",
)


def propose_floors(flat: dict[str, float], summary: dict[str, Any], judge_pairs: int) -> dict[str, Any]:
    """Floor = measured value minus one item's worth (1/n of the turns it averages), at least 0.05:
    CI then fails on a regression of more than one item, not on noise below that."""
    floors = {}
    for key in GUARDED:
        value = flat.get(key, float("nan"))
        if math.isnan(value):
            continue
        if key.startswith("judge/"):
            n = judge_pairs
        else:
            dataset, system, metric = key.split("/", 2)
            block = summary["datasets"][dataset]["systems"][system]
            n = block.get("counts", {}).get(metric) or block.get("unanswerable_turns") or block["turns"]
            if metric.startswith("retrieval/"):
                n = block.get("counts", {}).get("cites_gold_doc") or block["turns"]  # queries with gold
        margin = max(0.05, 1.0 / max(1, int(n)))
        floors[key] = {
            "min": round(max(0.0, value - margin), 3),
            "measured": round(value, 4),
            "source": f"measured by `python -m eval.ci` over {int(n)} items, minus a margin of {margin:.3f}",
        }
    return floors


def run_ci(
    settings: Settings, out: Path | None = None, progress: bool = True, write_floors: bool = False
) -> int:
    from eval.harness import run_evaluation

    started = time.monotonic()
    root = shared_data_dir()
    if not root.is_dir():
        print(f"error: shared data folder {root} is absent (set CURBSIDE_SHARED_DATA)")
        return 2
    out = out or settings.home / "eval-runs" / "ci"
    summary = run_evaluation(ci_datasets(root), settings, out, command="python -m eval.ci", progress=progress)
    from index.embed import Embedder

    judge = judge_agreement(root, Embedder(settings.embedding).encode)
    flat = flatten(summary, judge)
    thresholds = json.loads(THRESHOLDS_FILE.read_text(encoding="utf-8")) if THRESHOLDS_FILE.exists() else {}
    if write_floors:
        thresholds = {
            "note": "Regression floors for `python -m eval.ci`; regenerate with --write-thresholds "
            "after an intended behaviour change.",
            "floors": propose_floors(flat, summary, CI_JUDGE_PAIRS),
        }
        THRESHOLDS_FILE.write_text(json.dumps(thresholds, indent=2) + "\n", encoding="utf-8")
    failures = check(flat, thresholds)
    (out / "ci_measured.json").write_text(json.dumps(flat, indent=2, sort_keys=True) + "\n", encoding="utf-8")
    for key in sorted(thresholds.get("floors", {})):
        rule = thresholds["floors"][key]
        print(f"{key:70s} {flat.get(key, float('nan')):.3f}  (floor {rule['min']:.3f})")
    print(
        f"ci subset: {len(failures)} regression(s); wall time {time.monotonic() - started:.0f} s; "
        f"details in {out}"
    )
    for failure in failures:
        print("FAIL", failure)
    return 1 if failures else 0


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description="Curbside's CI evaluation subset")
    parser.add_argument("--out", type=Path, default=None)
    parser.add_argument("--quiet", action="store_true")
    parser.add_argument(
        "--write-thresholds",
        action="store_true",
        help="set eval/ci_thresholds.json from this run's measured values (minus margins)",
    )
    args = parser.parse_args(argv)
    return run_ci(Settings(), out=args.out, progress=not args.quiet, write_floors=args.write_thresholds)


if __name__ == "__main__":
    raise SystemExit(main())
