"""The Retriever over a small hand-made index: pools, fusion, cap, follow-ups, relevance and determinism."""

from __future__ import annotations

from dataclasses import replace

from curbside.settings import RetrievalSettings
from curbside.types import Conversation, Turn
from retrieval import Filters, Retriever
from retrieval.floors import Floors, PoolFloor
from retrieval.retriever import continued_turn
from tests.retrieval.conftest import CAP, GOUT_FLARE, FakeIndex, meta

OPEN_FLOORS = Floors(PoolFloor(0.0, 0.0), PoolFloor(0.0, 0.0))


def make(fake_index, fake_encoder, floors: Floors = OPEN_FLOORS, **settings) -> Retriever:
    return Retriever(fake_index, fake_encoder, RetrievalSettings(**settings), floors=floors)


def test_pools_are_kept_apart(fake_index, fake_encoder) -> None:
    result = make(fake_index, fake_encoder).retrieve("low-dose colchicine for a gout flare")
    assert result.guideline_hits and result.research_hits
    assert all(h.doc.tier == "guideline" and h.pool == "guideline" for h in result.guideline_hits)
    assert all(h.doc.tier != "guideline" and h.pool == "research" for h in result.research_hits)
    assert result.guideline_hits[0].doc.doc_id == "acr:gout_flare"


def test_hits_are_best_first_and_capped_per_document(fake_index, fake_encoder) -> None:
    result = make(fake_index, fake_encoder, per_doc_cap=1).retrieve("colchicine dose gout flare")
    doc_ids = [h.doc.doc_id for h in result.guideline_hits]
    assert len(doc_ids) == len(set(doc_ids))
    scores = [h.score for h in result.guideline_hits]
    assert scores == sorted(scores, reverse=True)
    uncapped = make(fake_index, fake_encoder, per_doc_cap=4).retrieve("colchicine dose gout flare")
    assert [h.doc.doc_id for h in uncapped.guideline_hits].count("acr:gout_flare") > 1


def test_k_per_pool_limits_hits(fake_index, fake_encoder) -> None:
    result = make(fake_index, fake_encoder, k_per_pool=2).retrieve("colchicine gout")
    assert len(result.guideline_hits) == 2


def test_weighted_fusion_runs_and_rejects_unknown_fusion(fake_index, fake_encoder) -> None:
    result = make(fake_index, fake_encoder, fusion="weighted", dense_weight=0.7).retrieve(
        "pneumonia treatment days"
    )
    assert result.guideline_hits[0].doc.doc_id == "idsa:cap"
    try:
        make(fake_index, fake_encoder, fusion="borda").retrieve("pneumonia")
    except ValueError as err:
        assert "fusion" in str(err)
    else:
        raise AssertionError("an unknown fusion method must raise")


def test_filters_restrict_hits(fake_index, fake_encoder) -> None:
    retriever = make(fake_index, fake_encoder)
    result = retriever.retrieve("colchicine gout pneumonia", filters=Filters(organizations=("IDSA",)))
    assert {h.doc.doc_id for h in result.guideline_hits} == {"idsa:cap"}
    recent = retriever.retrieve("colchicine gout", filters=Filters(year_min=2008))
    assert recent.research_hits and all(h.doc.year >= 2008 for h in recent.research_hits)


def test_followup_keeps_the_topic(fake_index, fake_encoder) -> None:
    retriever = make(fake_index, fake_encoder)
    conversation = Conversation("c1", [Turn("What's first line for a gout flare?", "", ["acr:gout_flare"])])
    result = retriever.retrieve("what if she has chronic kidney disease?", conversation)
    assert "gout" in result.query.lower()
    assert (
        result.guideline_hits[0].chunk.text == fake_index.chunks[2].text
    )  # the CKD passage of the flare doc
    assert result.continued_doc_ids == {"acr:gout_flare"}  # the composer treats it as on topic
    assert retriever.retrieve("What's first line for a gout flare?").continued_doc_ids == frozenset()


def test_refers_back_boosts_the_cited_document(fake_index, fake_encoder) -> None:
    retriever = make(fake_index, fake_encoder)
    conversation = Conversation("c2", [Turn("Treatment for resistant hypertension?", "", ["aha:htn"])])
    result = retriever.retrieve("Is that a strong recommendation?", conversation)
    assert result.guideline_hits[0].doc.doc_id == "aha:htn"


def test_not_relevant_still_lists_closest_candidates(fake_index, fake_encoder) -> None:
    strict = Floors(PoolFloor(0.99, 0.0), PoolFloor(0.99, 0.0))
    result = make(fake_index, fake_encoder, floors=strict).retrieve("colchicine gout flare")
    assert not result.relevant and result.refusal_reason
    assert result.guideline_hits  # the composer lists them as "possibly related"


def test_missing_specific_words_make_a_pool_not_relevant(fake_index, fake_encoder) -> None:
    floors = Floors(PoolFloor(0.0, 0.8), PoolFloor(0.0, 0.8))
    retriever = make(fake_index, fake_encoder, floors=floors)
    conversation = Conversation(
        "c3", [Turn("Oral regimen for community-acquired pneumonia?", "", ["idsa:cap"])]
    )
    answerable = retriever.retrieve("How many days do I treat him?", conversation)
    unanswerable = retriever.retrieve("Should he also get the RSV vaccine?", conversation)
    assert answerable.guideline_relevant
    assert not unanswerable.relevant
    assert "rsv" in (unanswerable.refusal_reason or "").lower()


def test_settings_floor_overrides_calibrated_floor(fake_index, fake_encoder) -> None:
    settings = replace(RetrievalSettings(), guideline_floor=0.99, research_floor=0.0)
    retriever = Retriever(fake_index, fake_encoder, settings)
    assert retriever.floors.guideline.dense == 0.99 and retriever.floors.research.dense == 0.0


def test_retrieval_is_deterministic(fake_index, fake_encoder) -> None:
    retriever = make(fake_index, fake_encoder)
    first = retriever.retrieve("colchicine gout flare dose")
    second = make(fake_index, fake_encoder).retrieve("colchicine gout flare dose")
    assert [(h.chunk.chunk_id, h.score) for h in first.guideline_hits + first.research_hits] == [
        (h.chunk.chunk_id, h.score) for h in second.guideline_hits + second.research_hits
    ]


def test_empty_question_is_rejected(fake_index, fake_encoder) -> None:
    try:
        make(fake_index, fake_encoder).retrieve("   ")
    except ValueError as err:
        assert "empty" in str(err)
    else:
        raise AssertionError("an empty question must raise")


def test_warm_up_reads_the_metadata_and_loads_the_model(fake_index, fake_encoder) -> None:
    retriever = make(fake_index, fake_encoder)
    assert not retriever.lookups.metadata_loaded and not fake_encoder.calls
    retriever.warm_up()
    assert retriever.lookups.metadata_loaded and fake_encoder.calls
    assert retriever.lookups.siblings_of("acr:gout_flare") == ("acr:gout_ult",)


def test_facet_is_reported(fake_index, fake_encoder) -> None:
    result = make(fake_index, fake_encoder).retrieve("What is the colchicine dose for a gout flare?")
    assert result.facet == "dosing"


def test_wording_shift_is_confirmed_against_the_index(fake_index, fake_encoder) -> None:
    # A dense floor above zero: with none, every question is "as close to the cited passages as evidence".
    retriever = make(fake_index, fake_encoder, floors=Floors(PoolFloor(0.3, 0.0), PoolFloor(0.3, 0.0)))
    conversation = Conversation(
        "c4", [Turn("What's first line for a gout flare?", "gout flare", ["acr:gout_flare"])]
    )
    same_docs = retriever.rewrite("Is ice helpful on the affected joint as an adjunct?", conversation)
    assert not same_docs.topic_shift and "gout" in same_docs.carried_terms
    new_topic = retriever.rewrite(
        "Which antibiotic for outpatients with community-acquired pneumonia and comorbidities?", conversation
    )
    assert new_topic.topic_shift and not new_topic.carried_terms


def test_a_question_close_to_a_cited_passage_is_no_topic_shift(fake_index, fake_encoder, monkeypatch) -> None:
    # "Longer term, what uric acid level?" after a gout-flare answer shares no word with the topic, and its
    # words find other documents first; but a passage of the cited document is nearly the closest anywhere.
    retriever = make(fake_index, fake_encoder, floors=Floors(PoolFloor(0.3, 0.0), PoolFloor(0.3, 0.0)))
    conversation = Conversation(
        "c5", [Turn("What's first line for a gout flare?", "gout flare", ["acr:gout_flare"])]
    )
    question = "Longer term, is prednisone acceptable with chronic kidney disease?"
    monkeypatch.setattr(fake_index, "search_bm25", lambda query, k, pool=None: [])  # finds other documents
    assert not retriever.rewrite(question, conversation).topic_shift
    far = Conversation("c6", [Turn("Treatment for resistant hypertension?", "", ["aha:htn"])])
    assert retriever.rewrite(question, far).topic_shift


def test_relevant_guideline_pool_brings_other_passages_of_its_documents(fake_index, fake_encoder) -> None:
    result = make(fake_index, fake_encoder, per_doc_cap=1).retrieve("colchicine dose gout flare")
    shown = {h.chunk.chunk_id for h in result.guideline_hits}
    assert result.guideline_context, "the capped document's other passages are offered as context"
    assert all(h.chunk.chunk_id not in shown for h in result.guideline_context)
    top_docs = {h.doc.doc_id for h in result.guideline_hits}
    siblings = {"acr:gout_ult"}  # the other section of the top document's guideline
    assert {h.doc.doc_id for h in result.guideline_context} <= top_docs | siblings
    assert all(h.dense_score is not None for h in result.guideline_hits + result.guideline_context)


def test_sibling_sections_of_the_top_document_are_offered_as_context(fake_index, fake_encoder) -> None:
    retriever = make(fake_index, fake_encoder, k_per_pool=1)
    result = retriever.retrieve("low-dose colchicine dose for a gout flare")
    assert [h.doc.doc_id for h in result.guideline_hits] == ["acr:gout_flare"]
    from_sibling = [h for h in result.guideline_context if h.doc.doc_id == "acr:gout_ult"]
    assert from_sibling, "the urate-lowering section of the same guideline lends passages"
    assert all(h.score < result.guideline_hits[-1].score for h in from_sibling)
    unrelated = retriever.retrieve("resistant hypertension spironolactone")
    assert {h.doc.doc_id for h in unrelated.guideline_context} <= {"aha:htn"}, "a lone document: no siblings"


def test_a_named_organization_is_boosted(fake_index, fake_encoder) -> None:
    question = "What does the ACC/AHA guideline recommend: spironolactone or colchicine for gout flare?"
    plain = make(fake_index, fake_encoder).retrieve(question.replace("the ACC/AHA guideline", "one"))
    named = make(fake_index, fake_encoder).retrieve(question)
    assert plain.named_organizations == frozenset()
    assert named.named_organizations == {"ACC/AHA"}
    rank = [h.doc.doc_id for h in named.guideline_hits].index("aha:htn")
    assert rank < [h.doc.doc_id for h in plain.guideline_hits].index("aha:htn")


def test_an_organization_name_counts_as_evidence(fake_index, fake_encoder) -> None:
    # Every specific word of the question must be found in the top documents: "IDSA" is in the metadata only.
    strict = Floors(PoolFloor(0.0, 1.0), PoolFloor(0.0, 1.0))
    result = make(fake_index, fake_encoder, floors=strict).retrieve(
        "What does IDSA recommend for community-acquired pneumonia with comorbidities?"
    )
    assert result.guideline_relevant


def test_a_study_matching_a_follow_up_does_not_make_it_a_new_topic(fake_encoder) -> None:
    # In an index that also holds research, some study matches any question's words. "Would cherry extract
    # reduce recurrent attacks?" in a gout conversation finds a cherry-extract study and no guideline: the
    # shift is checked where the cited guideline is, and no other guideline answers it, so the gout topic
    # is carried. Without the study the outcome is the same.
    study = "Cherry extract intake was associated with fewer recurrent attacks in a cohort."
    docs = [
        (meta("acr:gout_flare", organization="ACR", year=2020), GOUT_FLARE),
        (meta("idsa:cap", organization="ATS/IDSA", year=2019), CAP),
    ]
    with_study = FakeIndex([*docs, (meta("pubmed:9", tier="observational", source="pubmed"), [study])])
    conversation = Conversation(
        "c7", [Turn("What's first line for a gout flare?", "gout flare", ["acr:gout_flare"])]
    )
    floors = Floors(PoolFloor(0.3, 0.0), PoolFloor(0.3, 0.0))
    for index in (FakeIndex(docs), with_study):
        rewritten = make(index, fake_encoder, floors=floors).rewrite(
            "Would cherry extract prevent recurrent attacks?", conversation
        )
        assert not rewritten.topic_shift and "gout" in rewritten.carried_terms


def test_cited_documents_cannot_fill_every_slot(fake_index, fake_encoder) -> None:
    # The two cited gout documents hold six passages, enough to fill all four slots once boosted; the
    # follow-up's own subject (spironolactone for resistant hypertension) must still be found.
    retriever = make(fake_index, fake_encoder, k_per_pool=4)
    cited = ["acr:gout_flare", "acr:gout_ult"]
    conversation = Conversation("c5", [Turn("Colchicine for a gout flare?", "", cited)])
    question = "Does that colchicine advice change if he takes spironolactone?"
    result = retriever.retrieve(question, conversation)
    docs = [h.doc.doc_id for h in result.guideline_hits]
    assert len(docs) == 4 and docs[0] in cited
    assert "aha:htn" in docs


def test_a_refused_follow_up_does_not_end_the_conversation_topic(fake_index, fake_encoder) -> None:
    answered = Turn("Colchicine for a gout flare?", "Colchicine for a gout flare?", ["acr:gout_flare"])
    refused = Turn(
        "Should he also get the RSV vaccine?",
        "Should he also get the RSV vaccine? (context: gout, colchicine)",
        ["idsa:cap"],
        refused=True,
    )
    conversation = Conversation("c6", [answered, refused])
    assert continued_turn(conversation) is answered
    result = make(fake_index, fake_encoder).retrieve("what if he has chronic kidney disease?", conversation)
    assert result.continued_doc_ids == {"acr:gout_flare"}
    # A refused question that started a new topic is the new topic: nothing older is continued.
    asked = "Treatment for resistant hypertension?"
    new_topic = Turn(asked, asked, [], refused=True)
    assert continued_turn(Conversation("c7", [answered, new_topic])) is new_topic
    assert continued_turn(Conversation("c8")) is None


def test_everyday_carried_words_anchor_the_topic_only_when_rarer(fake_index, fake_encoder) -> None:
    retriever = make(fake_index, fake_encoder)
    values = {"pyelonephritis": 0.52, "course": 0.52, "contrast": 0.6, "fever": 0.3}
    retriever.specificity = values.__getitem__  # type: ignore[method-assign]
    assert retriever._anchors_topic("pyelonephritis")  # technical and specific
    assert not retriever._anchors_topic("course")  # "total course": everyday and only as specific
    assert retriever._anchors_topic("contrast")  # everyday, but rare in the index
    assert not retriever._anchors_topic("fever")


def test_the_search_text_adds_the_other_spelling_only_when_the_index_uses_it(fake_encoder) -> None:
    index = FakeIndex(
        [
            (meta("nstg:anaemia"), ["Severe anaemia: transfuse when haemoglobin is below 4 g/dL."]),
            (meta("us:edema"), ["Peripheral edema is a common adverse effect of amlodipine."]),
        ]
    )
    retriever = make(index, fake_encoder)
    assert retriever.search_text("hemoglobin threshold for transfusion in anemia") == (
        "hemoglobin threshold for transfusion in anemia (haemoglobin; anaemia)"
    )
    assert retriever.search_text("oedema on amlodipine") == "oedema on amlodipine (edema)"
    # "tumour" -> "tumor" is a word, but not one this index uses.
    assert retriever.search_text("tumour lysis") == "tumour lysis"
    # The American passage is found for the British word (the fake dense side only matches equal stems).
    assert retriever.retrieve("oedema").guideline_hits[0].doc.doc_id == "us:edema"


def test_a_case_question_is_also_searched_by_what_it_asks(fake_encoder) -> None:
    # The case's findings (smoker, COPD, diabetes) fill a staging passage; what is asked (an oral regimen) is
    # in the therapy passage, which the whole question ranks second in both searches.
    docs = [
        (meta("gold:copd", organization="GOLD"), [
            "COPD in a smoker with diabetes: spirometry confirms COPD; smoking and diabetes raise the risk.",
        ]),
        (meta("idsa:cap_therapy", organization="ATS/IDSA"), [
            "Oral amoxicillin is the regimen for outpatient pneumonia.",
        ]),
    ]
    question = "Smoker with COPD and diabetes, pneumonia, going home. Which oral regimen?"
    found = {}
    for on in (True, False):
        encoder = type(fake_encoder)()
        retriever = make(FakeIndex(docs), encoder, k_per_pool=1, search_asking_sentences=on)
        found[on] = retriever.retrieve(question).guideline_hits[0].doc.doc_id
        assert ("Which oral regimen?" in encoder.calls) is on
    assert found == {True: "idsa:cap_therapy", False: "gold:copd"}


def test_a_follow_up_with_carried_words_is_not_searched_by_its_asking_sentences(
    fake_index, fake_encoder
) -> None:
    retriever = make(fake_index, fake_encoder)
    first = Turn("Colchicine for a gout flare?", "colchicine gout flare", ["acr:gout_flare"])
    conversation = Conversation("c9", [first])
    question = "She has stage 4 kidney disease. What dose then?"
    result = retriever.retrieve(question, conversation)
    assert "(context:" in result.query
    assert "What dose then?" not in fake_encoder.calls
