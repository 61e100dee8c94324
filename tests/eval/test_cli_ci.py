"""The eval sub-command's wiring and the CI threshold check."""

from __future__ import annotations

import argparse
import json
import math
from pathlib import Path

import pytest

from curbside.settings import Settings
from eval.ci import THRESHOLDS_FILE, check, flatten
from eval.cli import register


def _parse(argv: list[str]) -> argparse.Namespace:
    parser = argparse.ArgumentParser(prog="curbside")
    register(parser.add_subparsers(dest="command", required=True))
    return parser.parse_args(argv)


def test_eval_subcommand_parses_repeatable_datasets_and_subset() -> None:
    args = _parse(
        ["eval", "--dataset", "followup-dev", "--dataset", "x.jsonl", "--limit", "5", "--subset", "ci"]
    )
    assert args.dataset == ["followup-dev", "x.jsonl"] and args.limit == 5 and args.subset == "ci"
    assert callable(args.handler)


def test_broken_dataset_path_exits_2_naming_the_line(tmp_path: Path, capsys: pytest.CaptureFixture) -> None:
    bad = tmp_path / "bad.jsonl"
    bad.write_text('{"id": "c1", "turns": [{"question": "Q?", "gold": []}]}\n')
    args = _parse(["eval", "--dataset", str(bad), "--out", str(tmp_path / "out")])
    assert args.handler(args, Settings(home=tmp_path)) == 2
    assert f"{bad}:1:" in capsys.readouterr().err


def test_unknown_dataset_name_is_reported(tmp_path: Path, capsys: pytest.CaptureFixture) -> None:
    args = _parse(["eval", "--dataset", "no-such-set"])
    assert args.handler(args, Settings(home=tmp_path)) == 2
    assert "neither a named set" in capsys.readouterr().err


SUMMARY = {
    "datasets": {
        "d": {
            "systems": {
                "curbside": {
                    "citation_recall": 0.9,
                    "refusal_recall": float("nan"),
                    "retrieval": {"hybrid": {"mrr": 0.5}},
                }
            }
        }
    }
}


def test_flatten_names_every_figure() -> None:
    flat = flatten(SUMMARY, {"accuracy": 0.7})
    assert flat["d/curbside/citation_recall"] == 0.9
    assert flat["d/curbside/retrieval/hybrid/mrr"] == 0.5
    assert flat["judge/accuracy"] == 0.7 and math.isnan(flat["d/curbside/refusal_recall"])


def test_check_fails_below_floor_and_on_missing_or_nan() -> None:
    flat = flatten(SUMMARY, {"accuracy": 0.7})
    floors = {
        "floors": {
            "d/curbside/citation_recall": {"min": 0.85},
            "d/curbside/retrieval/hybrid/mrr": {"min": 0.6},
            "d/curbside/refusal_recall": {"min": 0.1},
            "d/naive-rag/citation_recall": {"min": 0.1},
        }
    }
    failures = check(flat, floors)
    assert len(failures) == 3 and not any("citation_recall = 0.900" in f for f in failures)


def test_shipped_thresholds_say_where_each_floor_comes_from() -> None:
    floors = json.loads(THRESHOLDS_FILE.read_text())["floors"]
    assert floors
    for key, rule in floors.items():
        assert rule["min"] <= rule["measured"], key
        assert rule.get("source"), key


def test_proposed_floor_allows_one_item_of_noise() -> None:
    from eval.ci import propose_floors

    summary = {
        "datasets": {
            "followup-dev-ci": {
                "systems": {
                    "curbside": {
                        "turns": 30,
                        "counts": {"cites_gold_doc": 10, "citation_recall": 40},
                        "unanswerable_turns": 4.0,
                    }
                }
            }
        }
    }
    flat = {
        "followup-dev-ci/curbside/cites_gold_doc": 0.8,
        "followup-dev-ci/curbside/citation_recall": 1.0,
        "followup-dev-ci/curbside/refusal_recall": 0.5,
        "judge/accuracy": 0.74,
    }
    floors = propose_floors(flat, summary, judge_pairs=100)
    assert floors["followup-dev-ci/curbside/cites_gold_doc"]["min"] == 0.7  # 1/10
    assert floors["followup-dev-ci/curbside/citation_recall"]["min"] == 0.95  # at least 0.05
    assert floors["followup-dev-ci/curbside/refusal_recall"]["min"] == 0.25  # 1/4 unanswerable turns
    assert floors["judge/accuracy"]["min"] == 0.69
