"""Benchmark plumbing: floor fitting, cross-validation, metrics, TREC files, splits and snippet ids."""

from __future__ import annotations

import pytest

from retrieval.benchmarks.conversations import GoldTurn, TurnOutcome, cross_validated_decisions, fit_floor
from retrieval.benchmarks.corpora import Query, snippet_id
from retrieval.benchmarks.metrics import balanced_accuracy, distinct, evaluate, write_trec_run
from retrieval.benchmarks.ranking import split_dev_test


def outcome(conv: int, answerable: bool, dense: float, cov: float) -> TurnOutcome:
    turn = GoldTurn(f"c{conv}-t1", f"c{conv}", 1, "q", answerable, frozenset(), "other")
    return TurnOutcome(turn, "q", [], dense, cov)


def test_fit_floor_separates_on_both_signals() -> None:
    data = [outcome(i, True, 0.7, 0.9) for i in range(6)]
    data += [outcome(10, False, 0.3, 0.9), outcome(11, False, 0.8, 0.1)]  # low score / missing words
    dense, cov, bacc = fit_floor(data)
    assert bacc == pytest.approx(1.0)
    assert 0.3 < dense <= 0.7 and 0.1 < cov <= 0.9


def test_dense_floor_ties_go_to_the_least_similar_accepted_turn_not_to_zero() -> None:
    # Only the coverage signal separates these; any dense floor up to 0.6 scores the same. The floor then
    # sits under the least similar answerable turn, so an off-corpus question far below it is refused.
    data = [outcome(i, True, 0.6 + 0.05 * i, 1.0) for i in range(4)]
    data += [outcome(10, False, 0.7, 0.0), outcome(11, False, 0.65, 0.0)]
    dense, cov, bacc = fit_floor(data)
    assert bacc == pytest.approx(1.0)
    assert 0.25 <= dense < 0.6 and 0.0 < cov <= 1.0


def test_a_follow_up_continuing_its_topic_is_not_judged_by_the_dense_floor() -> None:
    low_first = outcome(1, True, 0.3, 1.0)
    # Less similar than the unanswerable first question, yet answered: its topic's evidence was found before.
    turn = GoldTurn("c2-t2", "c2", 1, "q", True, frozenset(), "other")
    low_follow_up = TurnOutcome(turn, "q", [], 0.1, 1.0, continues_topic=True)
    data = [outcome(i, True, 0.7, 1.0) for i in range(10, 16)] + [outcome(20, False, 0.2, 1.0)]
    dense, _, _ = fit_floor(data + [low_first, low_follow_up])
    assert 0.2 < dense <= 0.3
    decisions = cross_validated_decisions(data + [low_first, low_follow_up], folds=2)
    assert decisions[-1] is True


def test_cross_validation_never_uses_a_conversations_own_label() -> None:
    # One unanswerable conversation whose signals look answerable: in-sample fitting could carve it out,
    # but with its own label held out the floor fitted on the others accepts it.
    data = [outcome(i, True, 0.5 + 0.01 * i, 1.0) for i in range(8)]
    data += [outcome(20 + i, False, 0.2, 1.0) for i in range(4)]
    data.append(outcome(99, False, 0.9, 1.0))
    decisions = cross_validated_decisions(data, folds=5)
    assert decisions[-1] is True
    assert all(decisions[:8]) and not any(decisions[8:12])


def test_balanced_accuracy() -> None:
    assert balanced_accuracy([True, True, False, True], [True, True, False, False]) == pytest.approx(0.75)
    with pytest.raises(ValueError):
        balanced_accuracy([True], [True])


@pytest.mark.slow
def test_distinct_and_ranx_metrics(tmp_path) -> None:
    ranked = {"q1": distinct(["a", "a", "b", "c"]), "q2": ["x", "y", "z"]}
    assert ranked["q1"] == ["a", "b", "c"]
    qrels = {"q1": {"b"}, "q2": {"q"}}
    scores = evaluate(ranked, qrels, ["hit_rate@5", "mrr@10"])
    assert scores["hit_rate@5"] == pytest.approx(0.5)
    assert scores["mrr@10"] == pytest.approx(0.25)
    path = tmp_path / "run.trec"
    write_trec_run(ranked, path, "tag")
    lines = path.read_text().splitlines()
    assert lines[0] == "q1 Q0 a 1 3 tag" and len(lines) == 6


def test_split_is_stable_and_disjoint() -> None:
    queries = [Query(f"id{i}", "text", frozenset({"d"})) for i in range(200)]
    dev, test = split_dev_test(queries)
    again_dev, _ = split_dev_test(list(reversed(queries)))
    assert {q.qid for q in dev} == {q.qid for q in again_dev}
    assert not {q.qid for q in dev} & {q.qid for q in test}
    assert 30 < len(dev) < 90


def test_snippet_id_matches_the_corpus_scheme() -> None:
    assert snippet_id("abc") == "bioasq-snippet:a9993e364706816a"


class _TextIndex:
    """Just what BM25 tuning reads: chunk texts by row, the index's tokenizer, an empty dense side."""

    def __init__(self, texts: dict[str, str]) -> None:
        from types import SimpleNamespace

        self.rows = [SimpleNamespace(doc_id=d, text=t) for d, t in texts.items()]

    def iter_chunks(self):  # noqa: ANN201
        return enumerate(self.rows)

    def chunk(self, row: int):  # noqa: ANN201
        return self.rows[row]

    def tokenize_for_bm25(self, text: str) -> list[str]:
        from index.lexical import tokenize_for_bm25

        return tokenize_for_bm25(text)

    def search_dense(self, qvec: object, k: int) -> list[tuple[int, float]]:
        return []

    def search_bm25(self, text: str, k: int) -> list[tuple[int, float]]:
        return []


class _NoEmbedder:
    def encode_query(self, text: str) -> list[float]:
        return [0.0]


def test_bm25_tuning_picks_the_length_normalisation_the_dev_questions_prefer() -> None:
    from curbside.settings import IndexSettings, RetrievalSettings
    from retrieval.benchmarks.tuning import BM25_BS, BM25_K1S, tune_bm25_and_fusion

    filler = " ".join(f"word{i}" for i in range(60))
    # The relevant passages are long and name their subject three times; a short one names it once.
    # Strong length normalisation (large b) ranks the short one first; weak normalisation does not.
    texts = {}
    for topic in ("gout", "asthma", "sepsis"):
        texts[f"{topic}-long"] = f"{topic} {filler} {topic} {filler} {topic} {filler}"
        texts[f"{topic}-short"] = f"{topic} note"
    queries = [Query(f"q-{t}", t, frozenset({f"{t}-long"})) for t in ("gout", "asthma", "sepsis")]
    tuned, fusion, tried = tune_bm25_and_fusion(
        queries, _TextIndex(texts), _NoEmbedder(), RetrievalSettings(), IndexSettings()
    )
    assert len(tried) == len(BM25_K1S) * len(BM25_BS)
    assert dict(tried)[f"k1={tuned.bm25_k1} b={tuned.bm25_b}"] == max(score for _, score in tried) == 1.0
    assert dict(tried)["k1=1.2 b=0.75"] < 1.0  # the common default ranks the short passage first


def test_an_evaluation_index_built_with_other_chunking_is_rebuilt(monkeypatch, tmp_path) -> None:
    # Reused as long as chunks and search settings match; a new chunker or embedded text means new vectors.
    import index.layout
    import index.versions
    from curbside.settings import Settings
    from index.build import chunking_record
    from retrieval.benchmarks.corpora import build_index

    settings = Settings(home=tmp_path)
    built: list[int] = []

    class Current:
        manifest = {"chunking": chunking_record(settings)}

    monkeypatch.setattr(index.layout, "open_current", lambda *_a, **_k: Current())
    monkeypatch.setattr(index.versions, "same_search_settings", lambda *_a: True)
    monkeypatch.setattr(index.versions, "reindex", lambda *_a, **_k: built.append(1))
    build_index(iter(()), settings, progress=False)
    assert built == []
    Current.manifest = {"chunking": {**chunking_record(settings), "chunker_version": "older"}}
    build_index(iter(()), settings, progress=False, any_search_settings=True)
    assert built == [1]
