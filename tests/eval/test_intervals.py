"""Bootstrap intervals over conversations, and the paired comparison of two evaluation runs."""

from __future__ import annotations

import json
import math
from pathlib import Path

import numpy as np
import pytest

from eval.compare import compare, main, to_markdown
from eval.intervals import metric_interval, paired_difference


def _turn(conversation: int, turn: int, **metrics: float) -> dict:
    return {
        "conversation_id": f"c{conversation}",
        "turn_id": f"c{conversation}#{turn}",
        "gold": {"answerable": "refused" not in metrics or not metrics["refused"]},
        "metrics": metrics,
    }


def _run(values: dict[tuple[int, int], float]) -> list[dict]:
    return [_turn(c, t, cites_gold_doc=v) for (c, t), v in values.items()]


def test_an_interval_holds_the_mean_and_narrows_with_more_conversations() -> None:
    hits = np.random.default_rng(1).random((250, 3)) < 0.7
    few = _run({(c, t): float(hits[c, t - 1]) for c in range(10) for t in range(1, 4)})
    many = _run({(c, t): float(hits[c, t - 1]) for c in range(250) for t in range(1, 4)})
    mean = sum(r["metrics"]["cites_gold_doc"] for r in few) / len(few)
    low, high = metric_interval(few, "cites_gold_doc")
    assert low <= mean <= high and high - low > 0.1
    low_many, high_many = metric_interval(many, "cites_gold_doc")
    assert high_many - low_many < (high - low) / 2


def test_turns_of_one_conversation_move_together() -> None:
    # Each conversation all right or all wrong: as uncertain as 10 draws, not 40.
    clustered = _run({(c, t): float(c % 2) for c in range(10) for t in range(1, 5)})
    independent = [
        _turn(i, 1, cites_gold_doc=r["metrics"]["cites_gold_doc"]) for i, r in enumerate(clustered)
    ]
    low_c, high_c = metric_interval(clustered, "cites_gold_doc")
    low_i, high_i = metric_interval(independent, "cites_gold_doc")
    assert high_c - low_c > 1.5 * (high_i - low_i)


def test_a_metric_that_applies_to_some_turns_is_averaged_over_those() -> None:
    records = [_turn(1, 1, cites_gold_doc=1.0), _turn(1, 2), _turn(2, 1, cites_gold_doc=1.0)]
    assert metric_interval(records, "cites_gold_doc") == (1.0, 1.0)
    assert all(math.isnan(x) for x in metric_interval(records[:2], "cites_gold_doc"))  # one conversation


def test_a_paired_difference_lists_the_turns_that_changed() -> None:
    before = _run({(c, 1): 1.0 for c in range(30)})
    after = _run({(c, 1): 0.0 if c == 3 else 1.0 for c in range(30)} | {(30, 1): 1.0})
    diff = paired_difference(before, after, "cites_gold_doc")
    assert diff["turns"] == 30  # c30 was scored by one run only
    assert diff["lost"] == ["c3#1"] and diff["gained"] == []
    assert diff["difference"] == pytest.approx(-1 / 30)
    assert diff["low"] < 0 <= diff["high"]  # one turn of thirty: not beyond noise
    same = paired_difference(before, before, "cites_gold_doc")
    assert same["difference"] == 0 and same["low"] == same["high"] == 0


def _write(folder: Path, records: list[dict]) -> Path:
    (folder / "items").mkdir(parents=True)
    lines = "\n".join(json.dumps(r) for r in records)
    (folder / "items" / "tiny-curbside.jsonl").write_text(lines + "\n", encoding="utf-8")
    return folder


def test_compare_reads_two_output_folders(tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    before = [_turn(c, 1, cites_gold_doc=1.0, refused=0.0) for c in range(20)]
    before += [_turn(20, 2, refused=1.0), _turn(21, 2, refused=1.0)]
    after = [dict(r, metrics=dict(r["metrics"])) for r in before]
    after[5]["metrics"]["cites_gold_doc"] = 0.0
    after[-1]["metrics"]["refused"] = 0.0
    a, b = _write(tmp_path / "a", before), _write(tmp_path / "b", after)
    result = compare(a, b)
    rows = {r["metric"]: r for r in result["tiny"]}
    assert rows["cites_gold_doc"]["lost"] == ["c5#1"]
    assert rows["refusal_recall"]["turns"] == 2 and rows["refusal_recall"]["lost"] == ["c21#2"]
    assert "| cites_gold_doc | 20 | 1.000 | 0.950 | -0.050" in to_markdown(result)
    main([str(a), str(b), "--out", str(tmp_path / "cmp.json")])
    assert "## tiny" in capsys.readouterr().out
    assert json.loads((tmp_path / "cmp.json").read_text())["tiny"]


def test_compare_names_a_folder_without_items(tmp_path: Path) -> None:
    with pytest.raises(SystemExit) as exit_info:
        main([str(tmp_path), str(tmp_path)])
    assert exit_info.value.code == 2


def test_conversation_hit_at_5_intervals_resample_conversations() -> None:
    from eval.retrieval_eval import _hit_interval

    # Conversation c1 finds its gold document in the first five, c2 at rank six: 1.0 and 0.0.
    ranked = {"c1-t1": ["g", "x"], "c1-t2": ["g"], "c2-t1": ["a", "b", "c", "d", "e", "g"]}
    qrels = {qid: {"g"} for qid in ranked}
    low, high = _hit_interval(ranked, qrels)
    assert low == 0.0 and high == 1.0  # a resample may hold c2 alone or c1 alone
    assert _hit_interval({"c1-t1": ["g"], "c2-t1": ["g"]}, {"c1-t1": {"g"}, "c2-t1": {"g"}}) == (1.0, 1.0)


def test_compare_retrieval_runs_pairs_first_turns_and_follow_ups(tmp_path: Path) -> None:
    from eval.compare import compare_retrieval

    def write(folder: Path, found_in_follow_up: bool) -> Path:
        folder.mkdir()
        turns = [
            {"qid": f"c{c}-t{t}", "answerable": t != 3, "gold": ["g"],
             "top5": ["g"] if (t == 1 or found_in_follow_up or c) else ["x"]}
            for c in range(3) for t in (1, 2, 3)
        ]
        (folder / "retrieval_conversations_turns.jsonl").write_text("\n".join(json.dumps(t) for t in turns))
        return folder

    result = compare_retrieval(write(tmp_path / "a", False), write(tmp_path / "b", True))
    first, follow = result["first turns"][0], result["follow-ups"][0]
    assert (first["turns"], first["difference"], first["gained"]) == (3, 0.0, [])
    assert (follow["turns"], follow["gained"], follow["lost"]) == (3, ["c0-t2"], [])  # t3 is unanswerable
    assert follow["before"] == pytest.approx(2 / 3) and follow["after"] == 1.0
    with pytest.raises(SystemExit):
        main(["--retrieval", str(tmp_path), str(tmp_path)])
