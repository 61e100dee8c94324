"""The fitted sentence-selection model: its file, its features and how compose uses it."""

from __future__ import annotations

import json
from pathlib import Path

import numpy as np
import pytest

from answer.candidates import candidates_from_hits
from answer.select import _facet, pick, score_candidates
from answer.selection_model import FEATURES, MODEL_FILE, SelectionModel, _load, feature_matrix, load_model
from answer.text import token_set
from answer.topic import local_idf
from tests.answer.answer_fixtures import KNEE_GUIDELINE, make_hit


def test_the_shipped_model_loads_and_names_its_provenance() -> None:
    model = load_model()
    assert model is not None and len(model.coef) == len(FEATURES)
    assert "held out" in model.provenance


def test_a_model_file_with_other_features_is_refused_with_its_path(tmp_path: Path) -> None:
    data = json.loads(MODEL_FILE.read_text(encoding="utf-8"))
    data["features"] = data["features"][:-1]
    path = tmp_path / "model.json"
    path.write_text(json.dumps(data), encoding="utf-8")
    _load.cache_clear()
    with pytest.raises(ValueError, match="model.json"):
        load_model(path)
    assert load_model(tmp_path / "absent.json") is None


def test_features_have_one_row_per_candidate_and_follow_up_context_is_seen(seed_result) -> None:
    candidates = candidates_from_hits(seed_result.guideline_hits)
    idf = local_idf([c.tokens for c in candidates])
    facets = {id(c): _facet(c) for c in candidates}
    plain = feature_matrix("knee stem cell injections", candidates, None, idf, facets)
    follow = feature_matrix("is it safe? (context: knee stem cell injections)", candidates, None, idf, facets)
    assert plain.shape == (len(candidates), len(FEATURES))
    column = FEATURES.index("is_follow_up")
    assert not plain[:, column].any() and follow[:, column].all()


def test_the_model_ranks_by_its_weights(seed_result) -> None:
    candidates = candidates_from_hits(seed_result.guideline_hits)
    n = len(FEATURES)
    # A model that only likes sentences with strength words puts a graded recommendation first.
    coef = np.zeros(n)
    coef[FEATURES.index("is_graded")] = 5.0
    model = SelectionModel(np.zeros(n), np.ones(n), coef, 0.0)
    scored = score_candidates("knee stem cell injections", candidates, None, model=model)
    assert "(Strong)" in scored[0].candidate.text
    coef[FEATURES.index("is_graded")] = -5.0
    scored = score_candidates("knee stem cell injections", candidates, None, model=model)
    assert "(Strong)" not in scored[0].candidate.text


def test_pick_caps_statements_per_document(seed_result) -> None:
    candidates = candidates_from_hits(seed_result.guideline_hits + seed_result.research_hits)
    scored = score_candidates("knee stem cell injections pain", candidates, None)
    capped = pick(scored, max_statements=10, max_words=1000, max_per_document=1)
    docs = [s.candidate.doc.doc_id for s in capped]
    assert len(docs) == len(set(docs)) and len(docs) >= 2


def test_a_document_cap_can_be_raised_for_named_documents() -> None:
    text = (
        "Knee injections of stem cells are recommended against (Strong). "
        "Knee glucocorticoid injections relieve pain for weeks. "
        "Knee hyaluronic acid injections are conditionally recommended against."
    )
    hit = make_hit(KNEE_GUIDELINE, text, 0, len(text), 0.9)
    scored = score_candidates("knee injections", candidates_from_hits([hit]), None)
    assert len(scored) == 3
    capped = pick(scored, max_statements=10, max_words=1000, max_per_passage=3, max_per_document=1)
    raised = pick(
        scored, max_statements=10, max_words=1000, max_per_passage=3, max_per_document=1,
        document_caps={KNEE_GUIDELINE.doc_id: 2},
    )
    assert len(capped) == 1 and len(raised) == 2


def test_late_statements_come_only_from_shown_or_on_topic_documents(seed_result) -> None:
    from dataclasses import replace as copy_with

    candidates = candidates_from_hits(seed_result.guideline_hits + seed_result.research_hits)
    scored = score_candidates("knee stem cell injections pain", candidates, None)
    docs = list(dict.fromkeys(s.candidate.doc.doc_id for s in scored))
    assert len(docs) >= 3
    # Every document but the first is judged off topic: once one statement is shown, only the first document's
    # lines may follow.
    judged = [copy_with(s, document_on_topic=s.candidate.doc.doc_id == docs[0]) for s in scored]
    first_doc_first = sorted(judged, key=lambda s: s.candidate.doc.doc_id != docs[0])
    late = pick(first_doc_first, max_statements=10, max_words=1000, same_documents_after=1)
    assert {s.candidate.doc.doc_id for s in late} == {docs[0]}
    # Unjudged documents (no model) are not restricted.
    free = pick(scored, max_statements=10, max_words=1000, same_documents_after=1)
    assert len({s.candidate.doc.doc_id for s in free}) >= 2


def _passage_candidates(text: str) -> list:
    """The candidate sentences of one guideline passage holding ``text``."""
    return candidates_from_hits([make_hit(KNEE_GUIDELINE, text, 0, len(text), 0.9)])


def test_shared_grading_labels_do_not_make_two_recommendations_redundant() -> None:
    text = (
        "Beta-blockers are the preferred antihypertensive drug class (Class I, Level of Evidence C-EO). "
        "Thiazides are preferred (Class I, Level of Evidence A)."
    )
    query = "which oral class is preferred"
    scored = score_candidates(query, _passage_candidates(text), None)
    assert len(scored) == 2
    picked = pick(scored, max_statements=5, max_words=1000, query_tokens=token_set(query))
    assert len(picked) == 2


def test_a_recommendation_against_is_not_redundant_with_one_for_the_same_test() -> None:
    text = (
        "We recommend not to routinely obtain sputum Gram stain and culture in outpatients with CAP "
        "(Conditional recommendation, Very low quality of evidence). "
        "We recommend to obtain pretreatment sputum Gram stain and culture in adults with severe CAP "
        "(Strong recommendation, Very low quality of evidence)."
    )
    query = "should sputum cultures go off before the first dose"
    candidates = _passage_candidates(text)
    assert [c.recommendation.direction for c in candidates if c.recommendation] == ["against", "for"]
    scored = score_candidates(query, candidates, None)
    picked = pick(scored, max_statements=5, max_words=1000, query_tokens=token_set(query))
    assert len(picked) == 2


def test_a_recommendation_is_not_kept_off_the_page_by_a_line_repeating_it() -> None:
    # A summary bullet picked first shares most words with the graded recommendation it summarises; the
    # recommendation, with its strength, is still shown. Two ungraded lines that share as much are not.
    text = (
        "Initiate methotrexate at an oral dose and titrate it to 15 mg weekly within 4 to 6 weeks. "
        "We recommend methotrexate titrated to 15 mg weekly within 4 to 6 weeks (Conditional, Moderate)."
    )
    scored = score_candidates("methotrexate dose", _passage_candidates(text), None)
    summary_first = sorted(scored, key=lambda s: s.candidate.recommendation is not None)
    assert summary_first[0].candidate.recommendation is None
    assert len(pick(summary_first, max_statements=5, max_words=1000)) == 2
    recommendation_first = list(reversed(summary_first))
    assert len(pick(recommendation_first, max_statements=5, max_words=1000)) == 1


def test_a_continued_document_is_on_topic_whatever_its_title(seed_result) -> None:
    candidates = candidates_from_hits(seed_result.guideline_hits + seed_result.research_hits)
    query = "is it safe for him?"  # a follow-up whose own words no document title names
    scored = score_candidates(query, candidates, None, model=load_model())
    assert scored and all(s.document_on_topic is False for s in scored)
    continued = scored[0].candidate.doc.doc_id
    model = load_model()
    again = score_candidates(query, candidates, None, model=model, on_topic_docs=frozenset({continued}))
    judged = {s.candidate.doc.doc_id: s.document_on_topic for s in again}
    assert judged[continued] is True
    assert all(v is False for d, v in judged.items() if d != continued)
