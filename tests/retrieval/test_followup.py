"""Rewriting follow-ups into standalone queries: topic carried, topic shifts, pronouns, references back."""

from __future__ import annotations

from curbside.types import Conversation, Turn
from retrieval import rewrite_followup


def conv(*questions: str) -> Conversation:
    return Conversation("test", [Turn(q, q) for q in questions])


def test_first_question_is_searched_as_asked() -> None:
    result = rewrite_followup("What's first line for a gout flare?", None)
    assert result.query == "What's first line for a gout flare?"
    assert result.carried_terms == () and not result.topic_shift
    assert "gout" in result.new_terms and "flare" in result.new_terms


def test_elliptic_followup_inherits_condition() -> None:
    result = rewrite_followup("and the dose?", conv("What's first line for a gout flare?"))
    assert {"gout", "flare"} <= set(result.carried_terms)
    assert result.query.startswith("and the dose?")
    assert "gout" in result.query


def test_pronoun_followup_takes_new_constraint_and_keeps_topic() -> None:
    result = rewrite_followup("what if she has CKD?", conv("What's first line for a gout flare?"))
    assert "gout" in result.carried_terms
    assert "ckd" in result.new_terms and "chronic kidney disease" in result.new_terms
    assert not result.topic_shift


def test_drug_named_in_an_earlier_followup_is_carried_too() -> None:
    history = conv("What's first line for a gout flare?", "Is low-dose colchicine preferred?")
    result = rewrite_followup("How long should it be continued?", history)
    assert "gout" in result.carried_terms and "colchicine" in result.carried_terms


def test_words_already_in_the_followup_are_not_repeated() -> None:
    result = rewrite_followup(
        "Does the gout flare need colchicine?", conv("What's first line for a gout flare?")
    )
    assert "gout" not in result.carried_terms and "flare" not in result.carried_terms


def test_explicit_new_patient_is_a_topic_shift() -> None:
    result = rewrite_followup(
        "New patient: which antibiotic for community-acquired pneumonia?",
        conv("First line for a gout flare?"),
    )
    assert result.topic_shift
    assert result.carried_terms == ()
    assert "gout" not in result.query


def test_unrelated_self_contained_question_is_a_topic_shift() -> None:
    result = rewrite_followup(
        "Which vaccines are recommended for adults with asplenia before elective splenectomy?",
        conv("First line for a gout flare?", "Is low-dose colchicine preferred?"),
    )
    assert result.topic_shift and "gout" not in result.query


def test_after_a_shift_the_new_topic_is_carried_not_the_old() -> None:
    history = conv(
        "First line for a gout flare?",
        "Which vaccines are recommended for adults with asplenia before elective splenectomy?",
    )
    result = rewrite_followup("How soon before the operation?", history)
    assert "asplenia" in result.carried_terms or "splenectomy" in result.carried_terms
    assert "gout" not in result.carried_terms


def test_question_sharing_the_topic_word_is_not_a_shift() -> None:
    result = rewrite_followup(
        "Which urate-lowering drugs are preferred for chronic gout with tophi on imaging?",
        conv("First line for a gout flare?"),
    )
    assert not result.topic_shift


def test_refers_back_detects_pointing_at_cited_evidence() -> None:
    history = conv("Should a 60-year-old with AF be anticoagulated?")
    assert rewrite_followup("Is that a strong recommendation?", history).refers_back
    assert rewrite_followup("What grade does this recommendation have?", history).refers_back
    assert not rewrite_followup("What about apixaban dosing?", history).refers_back


def test_specificity_keeps_generic_words_out_of_the_carried_topic() -> None:
    weights = {"gout": 0.9, "flare": 0.8, "morning": 0.1, "acute": 0.2}

    def specificity(term: str) -> float:
        return weights.get(term, 0.5)

    history = conv("Acute gout flare since this morning: what's first line?")
    result = rewrite_followup("and the dose?", history, specificity=specificity, min_specificity=0.3)
    assert {"gout", "flare"} <= set(result.carried_terms)
    assert "morning" not in result.carried_terms and "acute" not in result.carried_terms


def test_carried_terms_are_capped() -> None:
    long_history = conv(
        "gout flare colchicine prednisone naproxen allopurinol febuxostat probenecid tophi urate"
    )
    result = rewrite_followup("and the dose?", long_history, max_carried=3)
    assert len(result.carried_terms) == 3


def test_rewrite_takes_from_stored_rewrites_only_whether_a_turn_was_a_follow_up() -> None:
    a = Conversation("a", [Turn("First line for a gout flare?", "anything stored here")])
    b = Conversation("b", [Turn("First line for a gout flare?", "something else")])
    assert rewrite_followup("and the dose?", a) == rewrite_followup("and the dose?", b)
    # A turn whose wording reads as a new topic but that was served as a follow-up keeps the topic.
    shift_wording = "Which vaccines are recommended for adults with asplenia before elective splenectomy?"
    replayed = conv("First line for a gout flare?", shift_wording)
    first = Turn("First line for a gout flare?", "")
    served = Conversation("c", [first, Turn(shift_wording, shift_wording + " (context: gout)")])
    assert "gout" not in rewrite_followup("How soon before the operation?", replayed).carried_terms
    assert "gout" in rewrite_followup("How soon before the operation?", served).carried_terms


def test_evidence_keeps_only_topic_words_the_evidence_uses() -> None:
    history = conv("Clinic in Lagos: febrile woman, falciparum malaria on RDT. First-line treatment?")
    evidence = frozenset({"falciparum", "malaria", "artemeth", "rdt"})
    result = rewrite_followup("Still OK in the first trimester?", history, evidence_stems=evidence)
    assert "falciparum" in result.carried_terms and "malaria" in result.carried_terms
    assert "lagos" not in result.carried_terms and "febrile" not in result.carried_terms
    fallback = rewrite_followup(
        "Still OK in the first trimester?", history, evidence_stems=frozenset({"zzz"})
    )
    assert "lagos" in fallback.carried_terms  # no topic word is backed: keep the question's own words


def test_a_drug_the_evidence_names_by_its_class_is_carried_as_the_class() -> None:
    history = conv("Started atorvastatin 40 for primary prevention. When do I recheck lipids?")
    evidence = frozenset({"statin", "lipid", "recheck", "prevent"})
    question = "Six weeks in she has thigh aches. Next step?"
    result = rewrite_followup(question, history, evidence_stems=evidence)
    assert "statin" in result.carried_terms and "atorvastatin" not in result.carried_terms
    unbacked = rewrite_followup(question, history, evidence_stems=frozenset({"lipid"}))
    assert "statin" not in unbacked.carried_terms
