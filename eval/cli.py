"""``curbside eval``: run the harness over a named set or a dataset path, or the CI subset."""

from __future__ import annotations

import argparse
import shlex
import sys
from pathlib import Path

from curbside.settings import Settings
from eval.datasets import DatasetFormatError
from eval.shared_sets import NAMED, load_dataset


def register(subparsers: argparse._SubParsersAction) -> None:
    """Add the ``eval`` sub-command; its handler is ``args.handler(args, settings) -> exit code``."""
    parser = subparsers.add_parser(
        "eval",
        help="evaluate answers: citation faithfulness, gold evidence, guideline-first, refusals, retrieval",
        description=f"Named datasets: {', '.join(NAMED)}; or a conversations .jsonl file or a BEIR/TREC "
        "folder "
        "(formats: eval/DATASETS.md).",
    )
    parser.add_argument(
        "--dataset",
        action="append",
        metavar="NAME_OR_PATH",
        help="dataset to run (repeatable); default: all named sets",
    )
    parser.add_argument("--limit", type=int, default=None, help="first N conversations/questions of each set")
    parser.add_argument(
        "--out", type=Path, default=None, help="output folder (default: <home>/eval-runs/latest)"
    )
    parser.add_argument(
        "--subset",
        choices=["ci", "full"],
        default=None,
        help="'ci': the fast regression subset with thresholds (non-zero exit on regression); "
        "'full': the time-bound full report kept in eval/results/",
    )
    parser.add_argument(
        "--corpus",
        default=None,
        help="index to answer over instead of the set's own corpus: 'current' (the served index) "
        "or a corpus name",
    )
    parser.add_argument("--quiet", action="store_true", help="no progress lines")
    parser.set_defaults(handler=handle)


def handle(args: argparse.Namespace, settings: Settings) -> int:
    if args.subset == "ci":
        from eval.ci import run_ci

        return run_ci(settings, out=args.out, progress=not args.quiet)
    if args.subset == "full":
        from eval.full import RESULTS_DIR, run_full

        return run_full(settings, out=args.out or RESULTS_DIR, progress=not args.quiet)
    from eval.harness import run_evaluation

    if args.corpus:
        import eval.full  # noqa: F401  (registers the sample corpora, e.g. guidelines-with-research-sample)

    names = args.dataset or list(NAMED)
    try:
        datasets = [load_dataset(name).limited(args.limit) for name in names]
    except (DatasetFormatError, FileNotFoundError) as exc:
        print(f"error: {exc}", file=sys.stderr)
        return 2
    overrides = {d.name: args.corpus for d in datasets if args.corpus}
    out = args.out or settings.home / "eval-runs" / "latest"
    command = "curbside eval " + " ".join(shlex.quote(a) for a in sys.argv[2:])
    summary = run_evaluation(
        datasets, settings, out, command=command, progress=not args.quiet, corpus_override=overrides
    )
    for name, block in summary["datasets"].items():
        metric = block["primary_metric"]
        cells = ", ".join(f"{s} {v.get(metric, float('nan')):.3f}" for s, v in block["systems"].items())
        print(f"{name}: {metric}: {cells}")
    print(f"report: {out / 'report.md'}")
    return 0


def main(argv: list[str] | None = None) -> int:
    """``python -m eval.cli ...`` for when the ``curbside`` command is not installed."""
    parser = argparse.ArgumentParser(prog="curbside")
    register(parser.add_subparsers(dest="command", required=True))
    args = parser.parse_args(argv)
    return int(args.handler(args, Settings()))


if __name__ == "__main__":
    raise SystemExit(main())
