"""What a follow-up newly asks about, and whether the retrieved evidence mentions it."""

from __future__ import annotations

import retrieval.retriever as retriever_module
from curbside.settings import RetrievalSettings
from curbside.types import Conversation, Turn
from retrieval.coverage import TermStats, asked_terms, coverage, coverage_of_stems, is_present, rank_by_terms
from retrieval.floors import Floors, PoolFloor
from retrieval.retriever import Retriever
from retrieval.vocabulary import stems


def _always_specific(term: str) -> bool:
    return True


def _gout_conversation() -> Conversation:
    """A conversation whose one answered turn cited the gout-flare guideline."""
    return Conversation("gout", [Turn("Colchicine dose for a gout flare?", "", ["acr:gout_flare"])])


def test_words_of_earlier_questions_are_not_newly_asked() -> None:
    earlier = ["Oral regimen for community-acquired pneumonia in a smoker?"]
    terms = asked_terms("Should the pneumonia patient also get the RSV vaccine?", earlier, _always_specific)
    assert "rsv" in terms and "vaccine" in terms
    assert "pneumonia" not in terms


def test_first_turn_is_judged_on_its_own_words() -> None:
    terms = asked_terms("Colchicine dose for a gout flare?", [], _always_specific)
    assert {"colchicine", "gout", "flare"} <= set(terms)


def test_hyphenated_words_are_covered_by_their_parts() -> None:
    share, missing = coverage(["smear-positive"], ["Sputum smear positive pulmonary tuberculosis."], None)
    assert share == 1.0 and missing == []


def test_british_spelling_matches_american_evidence() -> None:
    share, _ = coverage(["nebulised"], ["Nebulized magnesium sulfate may be given."], None)
    assert share == 1.0


def test_synonyms_cover_an_abbreviation() -> None:
    share, _ = coverage(["RSV"], ["Respiratory syncytial virus vaccination in older adults."], None)
    assert share == 1.0


def test_negated_and_other_word_forms_count_as_present() -> None:
    evidence = stems("Characterized by itching and arthralgia. Switch when febrile patients improve.")
    assert is_present("itchy", evidence) and is_present("afebrile", evidence)
    assert not is_present("colonoscopy", evidence) and not is_present("urate", evidence)


def test_a_hyphenated_word_is_carried_by_its_longer_parts() -> None:
    evidence = stems("Allopurinol can be started during a flare.")
    assert is_present("mid-flare", evidence)
    assert not is_present("house-dust-mite", stems("Dust exposure worsens asthma."))


def test_a_drug_counts_as_present_when_its_class_is_named() -> None:
    assert is_present("prednisone", stems("Short-term glucocorticoids may bridge until the DMARD works."))
    assert not is_present("prednisone", stems("Methotrexate is the preferred initial DMARD."))


def test_missing_terms_lower_the_share_and_are_named() -> None:
    share, missing = coverage_of_stems(["rsv", "vaccine"], stems("vaccine schedules"), None)
    assert share == 0.5 and missing == ["rsv"]


def _coverage_only(fake_index, fake_encoder) -> Retriever:
    return Retriever(fake_index, fake_encoder, floors=Floors(PoolFloor(0.0, 0.8), PoolFloor(0.0, 0.8)))


def test_rsv_vaccine_after_cap_is_refused_and_duration_is_not(fake_index, fake_encoder) -> None:
    conversation = Conversation(
        "cap", [Turn("Which oral regimen for community-acquired pneumonia?", "", ["idsa:cap"])]
    )
    retriever = _coverage_only(fake_index, fake_encoder)
    assert retriever.retrieve("How long do I treat him?", conversation).guideline_relevant
    refused = retriever.retrieve("Should he also get the RSV vaccine?", conversation)
    assert not refused.relevant and "rsv" in (refused.refusal_reason or "").lower()


def test_term_in_another_passage_of_a_retrieved_document_counts(fake_index, fake_encoder) -> None:
    # "prednisone" is only in the third passage of the gout-flare guideline, which the question does not
    # retrieve first; the document's other passages still show the guideline speaks of it.
    conversation = _gout_conversation()
    floors = Floors(PoolFloor(0.0, 0.8), PoolFloor(0.0, 0.8))
    retriever = Retriever(fake_index, fake_encoder, RetrievalSettings(per_doc_cap=1, k_per_pool=1), floors)
    trace = retriever.trace("Could he take prednisone for the flare?", conversation)
    shown = [h.chunk.text for h in trace.result.guideline_hits]
    assert not any("prednisone" in text for text in shown)
    assert "prednisone" not in trace.signals["guideline"].missing_terms


def test_only_the_sentences_that_ask_are_read() -> None:
    terms = asked_terms("62M ex-smoker with COPD, RLL pneumonia. Which oral regimen for his pneumonia?", [],
                        _always_specific)
    assert "pneumonia" in terms
    assert "rll" not in terms and "ex-smoker" not in terms and "copd" not in terms
    # Without a question mark the whole text asks.
    assert "rll" in asked_terms("RLL pneumonia regimen", [], _always_specific)


def test_one_missing_word_refuses_however_many_are_present(fake_index, fake_encoder) -> None:
    conversation = _gout_conversation()
    retriever = Retriever(fake_index, fake_encoder, floors=Floors(PoolFloor(0.0, 0.5), PoolFloor(0.0, 0.5)))
    trace = retriever.trace("Could prednisone or ice replace colchicine before his epidural?", conversation)
    assert trace.signals["guideline"].missing_terms == ["epidural"]
    assert not trace.result.guideline_relevant


def test_a_word_found_only_in_an_off_topic_document_is_missing(fake_index, fake_encoder, monkeypatch) -> None:
    # The macrolide is in the pneumonia guideline: that says nothing about it for the gout being discussed.
    # (In this tiny index no word is as rare as in a real one, so every carried word names the topic.)
    monkeypatch.setattr(retriever_module, "TOPIC_ANCHOR_SPECIFICITY", 0.0)
    retriever = Retriever(fake_index, fake_encoder, floors=Floors(PoolFloor(0.0, 0.5), PoolFloor(0.0, 0.5)))
    conversation = _gout_conversation()
    follow_up = retriever.trace("Would a macrolide help him?", conversation)
    assert "macrolide" in follow_up.signals["guideline"].missing_terms
    first = retriever.trace("Which macrolide for community-acquired pneumonia?")
    assert first.signals["guideline"].missing_terms == []


def test_a_follow_up_on_an_answered_topic_is_not_held_to_the_dense_floor(fake_index, fake_encoder) -> None:
    # A dense floor no question reaches: a first question is refused, a follow-up of an answered topic whose
    # words the evidence names is not; after a refused turn the follow-up is held to the floor again.
    unreachable = Floors(PoolFloor(0.999, 0.5), PoolFloor(0.999, 0.5))
    retriever = Retriever(fake_index, fake_encoder, floors=unreachable)
    assert not retriever.retrieve("Colchicine dose for a gout flare?").guideline_relevant
    answered = _gout_conversation()
    assert retriever.retrieve("And in chronic kidney disease?", answered).guideline_relevant
    refused = Conversation("gout", [Turn("Colchicine dose for a gout flare?", "", [], refused=True)])
    assert not retriever.retrieve("And in chronic kidney disease?", refused).guideline_relevant


def test_a_first_question_is_covered_by_the_share_of_its_words(fake_index, fake_encoder) -> None:
    # A first question names a whole case; evidence that names most of it counts, as a follow-up's would not.
    retriever = Retriever(fake_index, fake_encoder, floors=Floors(PoolFloor(0.0, 0.5), PoolFloor(0.0, 0.5)))
    trace = retriever.trace("Could prednisone or ice replace colchicine for gout flare before his epidural?")
    signals = trace.signals["guideline"]
    assert signals.missing_terms == ["epidural"] and 0.5 < signals.coverage < 1.0
    assert trace.result.guideline_relevant


def test_documents_off_a_follow_ups_topic_are_named_for_the_composer(fake_index, fake_encoder) -> None:
    # "Would a macrolide help him?" in a gout conversation finds the pneumonia guideline, which names nothing
    # of gout; the gout documents stay. A first question has no conversation topic to be off.
    retriever = Retriever(fake_index, fake_encoder, floors=Floors(PoolFloor(0.0, 0.0), PoolFloor(0.0, 0.0)))
    conversation = _gout_conversation()
    result = retriever.retrieve("Would a macrolide help him?", conversation)
    found = {h.doc.doc_id for h in result.guideline_hits}
    assert {"idsa:cap", "acr:gout_flare"} <= found
    assert "idsa:cap" in result.off_topic_doc_ids
    assert not result.off_topic_doc_ids & {"acr:gout_flare", "acr:gout_ult"}
    assert retriever.retrieve("Would a macrolide help him?").off_topic_doc_ids == frozenset()


def test_a_follow_up_is_covered_by_any_section_of_the_guideline_it_continues(
    fake_index, fake_encoder, monkeypatch
) -> None:
    # Only the guideline's sections count here (no top documents): allopurinol is in another section of the
    # gout guideline the conversation cites, the macrolide only in the pneumonia guideline.
    monkeypatch.setattr(retriever_module, "COVERAGE_DOCS", 0)
    retriever = Retriever(fake_index, fake_encoder, floors=Floors(PoolFloor(0.0, 0.5), PoolFloor(0.0, 0.5)))
    conversation = _gout_conversation()
    allopurinol = retriever.trace("Should he start allopurinol?", conversation).signals["guideline"]
    assert allopurinol.missing_terms == []
    macrolide = retriever.trace("Would a macrolide help him?", conversation).signals["guideline"]
    assert macrolide.missing_terms == ["macrolide"]
    # A research pool is judged on its own passages only.
    assert retriever.trace("Should he start allopurinol?", conversation).signals["research"].missing_terms


def test_a_follow_ups_research_must_name_the_conversations_topic(
    fake_index, fake_encoder, monkeypatch
) -> None:
    # "Would a macrolide help him?" in a gout conversation finds the pneumonia cohort study, which names no
    # gout word: it is no research on this patient. Asked on its own, the same question keeps the study.
    monkeypatch.setattr(retriever_module, "TOPIC_ANCHOR_SPECIFICITY", 0.0)
    retriever = Retriever(fake_index, fake_encoder, floors=Floors(PoolFloor(0.0, 0.0), PoolFloor(0.0, 0.0)))
    question = "Would a macrolide for pneumonia help him?"
    follow_up = retriever.retrieve(question, _gout_conversation())
    assert "pubmed:3" not in {h.doc.doc_id for h in follow_up.research_hits}
    assert all("gout" in h.chunk.text.lower() for h in follow_up.research_hits)
    alone = retriever.retrieve(question)
    assert "pubmed:3" in {h.doc.doc_id for h in alone.research_hits}


def test_rank_by_terms_scores_rows_by_the_specificity_of_the_terms_they_name() -> None:
    texts = [
        "Continue low-dose aspirin once haemostasis is achieved.",
        "Aspirin and clopidogrel after a coronary stent.",
        "Give a proton pump inhibitor after endoscopy.",
        "Aspirin for primary prevention.",
    ]
    stats = TermStats.from_texts(texts)
    row_stems = [frozenset(stems(t)) for t in texts]
    terms = ["aspirin", "clopidogrel", "proton pump inhibitor"]
    ranked = rank_by_terms(range(4), terms, row_stems.__getitem__, stats, depth=10)
    assert [row for row, _ in ranked] == [1, 2, 0, 3]  # both drugs; the rare phrase; then aspirin alone
    assert ranked[1][1] > ranked[2][1] == ranked[3][1]
    assert rank_by_terms(range(4), ["aspirin"], row_stems.__getitem__, stats, depth=1) == [(0, ranked[2][1])]
    assert rank_by_terms(range(4), ["warfarin"], row_stems.__getitem__, stats, depth=10) == []
