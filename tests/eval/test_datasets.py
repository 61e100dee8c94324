"""Dataset loaders: the documented shapes load, and broken input names its file, line and field."""

from __future__ import annotations

import json
from pathlib import Path

import pytest

from eval.datasets import DatasetFormatError, load_beir, load_conversations, load_path, load_qrels

GOOD = {
    "id": "c1",
    "turns": [
        {
            "question": "Q1?",
            "answerable": True,
            "gold": [{"doc": "d1", "quote": "some words"}],
            "facet": "dosing",
        },
        {"question": "And Q2?", "answerable": False, "gold": []},
    ],
}


def _write(tmp_path: Path, lines: list[str], name: str = "set.jsonl") -> Path:
    path = tmp_path / name
    path.write_text("\n".join(lines) + "\n", encoding="utf-8")
    return path


def test_conversations_load_with_turn_ids_and_relevance(tmp_path: Path) -> None:
    data = load_conversations(_write(tmp_path, [json.dumps(GOOD)]))
    conv = data.conversations[0]
    assert [t.turn_id for t in conv.turns] == ["c1#1", "c1#2"]
    assert conv.turns[0].relevant_docs() == {"d1": 1}
    assert not conv.turns[1].answerable and conv.turns[1].relevant_docs() == {}


@pytest.mark.parametrize(
    ("record", "message"),
    [
        ("{not json", "invalid JSON"),
        (json.dumps({"turns": GOOD["turns"]}), "missing field 'id'"),
        (json.dumps({"id": "c2", "turns": [{"answerable": True}]}), "missing field turns[0].'question'"),
        (json.dumps({"id": "c2", "turns": [{"question": "Q", "answerable": "yes"}]}), "'answerable' must be"),
        (json.dumps({"id": "c2", "turns": [{"question": "Q", "gold": []}]}), "answerable but has no gold"),
        (
            json.dumps({"id": "c2", "turns": [{"question": "Q", "gold": [{"quote": "x"}]}]}),
            "missing field turns[0].gold[0].'doc'",
        ),
        (json.dumps({"id": "c2", "turns": []}), "'turns' is empty"),
    ],
)
def test_broken_conversation_names_line_and_field(tmp_path: Path, record: str, message: str) -> None:
    path = _write(tmp_path, [json.dumps(GOOD), "", record])
    with pytest.raises(DatasetFormatError) as err:
        load_conversations(path)
    assert f"{path}:3:" in str(err.value)
    assert message in str(err.value)
    assert err.value.line == 3


def test_duplicate_conversation_id_is_refused(tmp_path: Path) -> None:
    with pytest.raises(DatasetFormatError, match="duplicate conversation id 'c1'"):
        load_conversations(_write(tmp_path, [json.dumps(GOOD), json.dumps(GOOD)]))


def _beir(tmp_path: Path, qrels: list[str]) -> Path:
    folder = tmp_path / "beir"
    (folder / "qrels").mkdir(parents=True)
    (folder / "queries.jsonl").write_text(
        "\n".join(json.dumps({"_id": q, "text": f"question {q}"}) for q in ("q1", "q2", "q3")) + "\n"
    )
    (folder / "qrels" / "test.tsv").write_text("\n".join(qrels) + "\n")
    return folder


def test_beir_folder_becomes_one_turn_conversations(tmp_path: Path) -> None:
    data = load_path(
        _beir(
            tmp_path, ["query-id\tcorpus-id\tscore", "q1\tpubmed:1\t1", "q1\tpubmed:2\t2", "q2\tpubmed:3\t0"]
        )
    )
    turns = {t.turn_id: t for t in data.turns}
    assert turns["q1"].relevant_docs() == {"pubmed:1": 1, "pubmed:2": 2}
    assert not turns["q2"].answerable  # only a zero grade: nothing relevant
    assert not turns["q3"].answerable


def test_trec_qrels_have_four_columns(tmp_path: Path) -> None:
    path = _write(tmp_path, ["q1 0 d1 1", "q1 0 d2 0"], "qrels.txt")
    assert load_qrels(path) == {"q1": {"d1": 1, "d2": 0}}


@pytest.mark.parametrize(("row", "message"), [("q1\tpubmed:1", "got 2"), ("q1\tpubmed:1\thigh", "'high'")])
def test_broken_qrels_name_the_line(tmp_path: Path, row: str, message: str) -> None:
    folder = _beir(tmp_path, ["query-id\tcorpus-id\tscore", "q1\tpubmed:1\t1", row])
    with pytest.raises(DatasetFormatError) as err:
        load_beir(folder)
    assert "test.tsv:3:" in str(err.value) and message in str(err.value)


def test_qrels_for_unknown_query_are_refused(tmp_path: Path) -> None:
    folder = _beir(tmp_path, ["query-id\tcorpus-id\tscore", "q7\tpubmed:1\t1"])
    with pytest.raises(DatasetFormatError, match="q7"):
        load_beir(folder)


def test_folder_without_queries_says_what_it_needs(tmp_path: Path) -> None:
    with pytest.raises(DatasetFormatError, match="queries.jsonl"):
        load_path(tmp_path)
