"""The named sets read from the shared real data: gold evidence must be findable where it is claimed to be."""

from __future__ import annotations

import json
from pathlib import Path

import pytest

from eval.judge_calibration import build_pairs
from eval.shared_sets import (
    bioasq,
    evidence_inference,
    evidence_inference_annotations,
    followup_dev,
    pubmedqa,
)
from eval.spans import locate, normalise

pytestmark = pytest.mark.shared_data


def test_every_followup_gold_quote_is_located_in_its_document(shared_data: Path) -> None:
    from ingest.sources import load_nstg, load_open_medicine, load_uspstf

    data = followup_dev(shared_data)
    needed = {g.doc for t in data.turns for g in t.gold}
    texts = {}
    for source in (
        load_open_medicine(),
        load_uspstf(shared_data / "guidelines" / "uspstf"),
        load_nstg(shared_data / "guidelines" / "nstg2022"),
    ):
        texts.update({d.doc_id: d.text for d in source if getattr(d, "doc_id", None) in needed})
    missing_docs = needed - set(texts)
    assert not missing_docs
    unlocated = [
        (g.doc, g.quote) for t in data.turns for g in t.gold if locate(g.quote, texts[g.doc]) is None
    ]
    assert not unlocated
    assert all(t.answerable == bool(t.gold) for t in data.turns)


def test_evidence_inference_offsets_point_at_the_annotated_words(shared_data: Path) -> None:
    from ingest.sources.evidence_inference import load_article

    data = evidence_inference(shared_data)
    folder = shared_data / "research" / "evidence_inference" / "txt_files_v2"
    gold = [g for t in data.turns[:40] for g in t.gold]
    texts = {g.doc: load_article(folder / f"PMC{g.doc.split(':')[1]}.txt", True).text for g in gold}
    aligned = [normalise(texts[g.doc][g.start : g.end]) == normalise(g.quote) for g in gold]
    assert sum(aligned) >= 0.9 * len(aligned)  # the dataset's own note: ~98% of offsets align exactly


def test_bioasq_gold_snippets_are_in_the_snippet_corpus(shared_data: Path) -> None:
    data = bioasq(shared_data, sample=40)
    ids = set()
    with (shared_data / "research" / "bioasq" / "snippet_corpus_7B-11B.jsonl").open() as fh:
        ids = {json.loads(line)["id"] for line in fh}
    gold = [g.doc for t in data.turns for g in t.gold]
    assert all(doc in ids for doc in gold)
    assert all(all(k.startswith("pubmed:") for k in t.relevant_docs()) for t in data.turns)
    assert [c.conversation_id for c in bioasq(shared_data, sample=40).conversations] == [
        c.conversation_id for c in data.conversations
    ]  # the fixed seed samples the same items


def test_pubmedqa_is_the_official_test_split(shared_data: Path) -> None:
    data = pubmedqa(shared_data)
    truth = json.loads((shared_data / "research" / "pubmedqa" / "test_ground_truth.json").read_text())
    assert {t.turn_id for t in data.turns} == set(truth)


def test_judge_pairs_are_balanced_hard_negatives_from_the_same_article(shared_data: Path) -> None:
    anns = evidence_inference_annotations(shared_data, "validation")
    pairs = build_pairs(anns, 60)
    assert len(pairs) == 60 and sum(p.label for p in pairs) == 30
    article_of = {a.evidence: a.pmcid for a in anns}
    for pos, neg in zip(pairs[::2], pairs[1::2], strict=True):
        assert pos.label and not neg.label and pos.claim == neg.claim
        assert article_of[pos.passage] == article_of[neg.passage] and pos.passage != neg.passage


def test_bioasq_sample_holds_no_question_that_tuned_retrieval(shared_data: Path) -> None:
    from retrieval.benchmarks.corpora import Query
    from retrieval.benchmarks.ranking import split_dev_test

    data = bioasq(shared_data, sample=None)
    dev, test = split_dev_test([Query(c.conversation_id, "", frozenset()) for c in data.conversations])
    assert not dev and len(test) == len(data.conversations)


def test_guidelines_with_research_sample_holds_both_tiers_and_every_followup_gold_document(
    shared_data: Path,
) -> None:
    import eval.full  # noqa: F401  (registers the sample corpora)
    from eval.corpora import corpus_documents

    found = corpus_documents("guidelines-with-research-sample", shared_data)
    docs = [d for d in found if hasattr(d, "doc_id")]
    ids = {d.doc_id for d in docs}
    tiers = {d.meta.tier for d in docs}
    assert "guideline" in tiers and tiers - {"guideline"}
    assert any(i.startswith("pmc:") for i in ids) and any(i.startswith("pubmed:") for i in ids)
    gold = {g.doc for t in followup_dev(shared_data).turns for g in t.gold}
    assert gold <= ids
