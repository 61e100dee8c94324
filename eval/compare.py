"""Compare two evaluation runs of the same items: is a change a real gain or noise?

    python -m eval.compare BEFORE AFTER [--system curbside] [--out FILE.json]
    python -m eval.compare --retrieval BEFORE AFTER

BEFORE and AFTER are output folders of ``curbside eval`` or ``python -m eval.full`` (their ``items/``). For
each dataset both runs scored and each headline metric: the mean before and after on the turns both scored,
the difference with its 95% interval (paired bootstrap over whole conversations, eval/intervals.py), and the
turns that changed. An interval that spans 0 means the runs do not differ beyond what these items can tell.
With ``--retrieval`` the folders are ``python -m eval.retrieval_eval --out`` folders and the metric is the
conversation turns' hit@5 (a gold document among the first five), first turns and follow-ups apart.
"""

from __future__ import annotations

import argparse
import json
from pathlib import Path
from typing import Any

from eval.intervals import hit_records, paired_difference, refusal_records
from eval.summary import TURN_METRICS, fmt


def load_items(folder: Path, system: str) -> dict[str, list[dict[str, Any]]]:
    """dataset -> the system's per-turn records in an evaluation output folder."""
    items = folder / "items"
    if not items.is_dir():
        raise FileNotFoundError(f"{folder}: no items/ folder (is it an evaluation output folder?)")
    out: dict[str, list[dict[str, Any]]] = {}
    suffix = f"-{system}.jsonl"
    for path in sorted(items.glob(f"*{suffix}")):
        records = []
        for number, line in enumerate(path.read_text(encoding="utf-8").splitlines(), start=1):
            if not line.strip():
                continue
            try:
                records.append(json.loads(line))
            except json.JSONDecodeError as err:
                raise ValueError(f"{path} line {number}: not JSON ({err.msg})") from err
        out[path.name[: -len(suffix)]] = records
    return out


def compare(before: Path, after: Path, system: str = "curbside") -> dict[str, list[dict[str, Any]]]:
    """dataset -> one paired difference per metric (see ``paired_difference``)."""
    old, new = load_items(before, system), load_items(after, system)
    shared = [d for d in old if d in new]
    if not shared:
        raise ValueError(f"{before} and {after} share no dataset scored for system {system!r}")
    result = {}
    for dataset in shared:
        rows = [paired_difference(old[dataset], new[dataset], m) for m in TURN_METRICS]
        rows.append(
            paired_difference(
                refusal_records(old[dataset]), refusal_records(new[dataset]), "refusal_recall"
            )
        )
        result[dataset] = [r for r in rows if r["turns"]]
    return result


def load_retrieval_turns(folder: Path) -> list[dict[str, Any]]:
    """The answerable conversation turns of a retrieval evaluation, as records with a ``hit@5`` metric."""
    path = folder / "retrieval_conversations_turns.jsonl"
    if not path.is_file():
        raise FileNotFoundError(f"{folder}: no retrieval_conversations_turns.jsonl (run eval.retrieval_eval)")
    ranked: dict[str, list[str]] = {}
    gold: dict[str, list[str]] = {}
    for number, line in enumerate(path.read_text(encoding="utf-8").splitlines(), start=1):
        try:
            turn = json.loads(line)
            if turn["answerable"]:
                ranked[turn["qid"]], gold[turn["qid"]] = turn["top5"], turn["gold"]
        except (KeyError, ValueError) as err:
            raise ValueError(f"{path} line {number}: not a retrieval turn record ({err!r})") from err
    return [{**r, "first": r["turn_id"].endswith("-t1")} for r in hit_records(ranked, gold)]


def compare_retrieval(before: Path, after: Path) -> dict[str, list[dict[str, Any]]]:
    """"first turns" / "follow-ups" -> the paired hit@5 difference."""
    old, new = load_retrieval_turns(before), load_retrieval_turns(after)
    return {
        label: [paired_difference([r for r in old if r["first"] == first],
                                  [r for r in new if r["first"] == first], "hit@5")]
        for label, first in (("first turns", True), ("follow-ups", False))
    }


def to_markdown(result: dict[str, list[dict[str, Any]]]) -> str:
    lines = []
    for dataset, rows in result.items():
        lines += [
            f"## {dataset}",
            "",
            "| metric | turns | before | after | difference [95% interval] | gained | lost |",
            "|---|---|---|---|---|---|---|",
        ]
        for r in rows:
            lines.append(
                f"| {r['metric']} | {r['turns']} | {fmt(r['before'])} | {fmt(r['after'])} | "
                f"{r['difference']:+.3f} [{fmt(r['low'])}, {fmt(r['high'])}] | "
                f"{' '.join(r['gained']) or '-'} | {' '.join(r['lost']) or '-'} |"
            )
        lines.append("")
    return "\n".join(lines)


def main(argv: list[str] | None = None) -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("before", type=Path)
    parser.add_argument("after", type=Path)
    parser.add_argument("--system", default="curbside")
    parser.add_argument("--out", type=Path, help="also write the comparison as JSON")
    parser.add_argument(
        "--retrieval", action="store_true", help="compare two eval.retrieval_eval folders (hit@5)"
    )
    args = parser.parse_args(argv)
    try:
        if args.retrieval:
            result = compare_retrieval(args.before, args.after)
        else:
            result = compare(args.before, args.after, args.system)
    except (FileNotFoundError, ValueError) as err:
        parser.exit(2, f"eval.compare: {err}\n")
    print(to_markdown(result))
    if args.out:
        args.out.write_text(json.dumps(result, indent=2) + "\n", encoding="utf-8")


if __name__ == "__main__":
    main()
