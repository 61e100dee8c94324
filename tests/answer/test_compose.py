"""Composition rules on hand-made retrieval results: ordering, refusal, merging, conflicts, budget."""

from __future__ import annotations

from dataclasses import dataclass, replace
from types import SimpleNamespace

from answer.candidates import candidates_from_hits
from answer.compose import _bottom_line, compose
from answer.references import all_statements
from answer.select import Scored, score_candidates
from answer.selection_model import FEATURES, load_model
from answer.verify import verify_answer
from curbside.settings import AnswerSettings
from curbside.types import FACET_ORDER, RetrievalResult
from tests.answer.answer_fixtures import KNEE_GUIDELINE, REVIEW_A, make_hit

QUESTION = "What is the mechanism of action of knee stem cell injections?"


def _tiers_cited(answer, statements):
    refs = {r.number: r.doc.tier for r in answer.references}
    return {refs[c.ref] for s in statements for c in s.citations}


def test_seed_answer_is_guideline_first_and_faithful(seed_result, chunk_lookup):
    answer = compose(QUESTION, seed_result, AnswerSettings())
    assert not answer.refused
    assert answer.guidelines and answer.research
    assert _tiers_cited(answer, answer.guidelines) == {"guideline"}
    assert "guideline" not in _tiers_cited(answer, [s for f in answer.research for s in f.statements])
    assert answer.bottom_line[0].lead.startswith("The ACR/AF 2019 guideline")
    assert verify_answer(answer, chunk_lookup) == []


def test_research_facets_follow_clinical_order_and_the_asked_facet_is_shown(seed_result):
    answer = compose(QUESTION, seed_result, AnswerSettings())
    facets = [f.facet for f in answer.research]
    assert facets == sorted(facets, key=FACET_ORDER.index)
    assert "mechanism" in facets


def test_guideline_against_and_research_benefit_make_an_evidence_note(seed_result):
    answer = compose(QUESTION, seed_result, AnswerSettings())
    assert len(answer.evidence_note) == 2
    assert _tiers_cited(answer, answer.evidence_note[:1]) == {"guideline"}
    assert "guideline" not in _tiers_cited(answer, answer.evidence_note[1:])


def test_near_duplicates_from_two_reviews_merge_into_one_statement(seed_result):
    answer = compose(QUESTION, seed_result, AnswerSettings())
    improve = [s for s in all_statements(answer) if "slightly improve pain" in s.text]
    assert improve, "the efficacy finding should be selected"
    assert len({s.text for s in improve}) == 1
    assert {c.doc_id for c in improve[0].citations} == {"pubmed:1001", "pubmed:1002"}


def test_nothing_relevant_gives_a_refusal_without_clinical_statements(irrelevant_result):
    answer = compose("Bridge apixaban before colonoscopy?", irrelevant_result, AnswerSettings())
    assert answer.refused and answer.refusal_message
    assert list(all_statements(answer)) == [] and answer.references == []
    ids = [d.doc_id for d in answer.possibly_related]
    assert 0 < len(ids) <= 3 and len(set(ids)) == len(ids)


def test_no_guideline_section_when_guidelines_miss_the_floor(seed_result):
    result = replace(seed_result, guideline_relevant=False)
    answer = compose(QUESTION, result, AnswerSettings())
    assert answer.guidelines == [] and answer.research
    assert "guideline" not in _tiers_cited(answer, list(all_statements(answer)))


def test_guideline_tier_passages_never_appear_as_research(seed_result):
    stray = seed_result.guideline_hits[0]
    result = replace(seed_result, research_hits=[replace(stray, pool="research")] + seed_result.research_hits)
    answer = compose(QUESTION, result, AnswerSettings())
    assert "guideline" not in _tiers_cited(answer, [s for f in answer.research for s in f.statements])


def test_word_budget_caps_the_sections(seed_result):
    small = compose(QUESTION, seed_result, AnswerSettings(max_words=30))
    full = compose(QUESTION, seed_result, AnswerSettings())
    sections = small.guidelines + [x for f in small.research for x in f.statements]
    count = sum(len(s.text.split()) for s in sections)
    assert count <= 30 + max(len(s.text.split()) for s in small.guidelines)  # the first statement always fits
    assert len(list(all_statements(small))) < len(list(all_statements(full)))


def test_same_input_gives_the_same_answer(seed_result):
    settings = AnswerSettings()
    assert compose(QUESTION, seed_result, settings) == compose(QUESTION, seed_result, settings)


def test_references_are_numbered_in_reading_order(seed_result):
    answer = compose(QUESTION, seed_result, AnswerSettings())
    first_seen = []
    for statement in all_statements(answer):
        for citation in statement.citations:
            if citation.ref not in first_seen:
                first_seen.append(citation.ref)
    assert first_seen == list(range(1, len(answer.references) + 1))


def test_embedding_similarity_reorders_candidates(seed_result):
    """An embedder that favours one sentence brings it into the answer."""
    import numpy as np

    def embed(texts: list[str]) -> np.ndarray:
        rows = [[1.0, 0.0] if ("paracrine" in t or t.startswith("mechanism")) else [0.0, 1.0] for t in texts]
        return np.asarray(rows, dtype=np.float32)

    @dataclass(frozen=True)
    class RerankSettings(AnswerSettings):
        embed_rerank: bool = True

    research_only = replace(seed_result, guideline_relevant=False, facet=None)
    plain = compose(QUESTION, research_only, AnswerSettings(), embed=embed)  # re-rank off by default
    embedded = compose(QUESTION, research_only, RerankSettings(), embed=embed)
    first = [s.text for f in embedded.research for s in f.statements]
    assert any("paracrine" in t for t in first)
    plain_top = plain.bottom_line[0].text
    assert "paracrine" not in plain_top


def test_clause_trimmed_statement_stays_verbatim(chunk_lookup):
    long_sentence = (
        "In adults with knee osteoarthritis the injections improved pain scores at six months "
        + "in most trials; "
        + "the effect was small and uncertain because trials were few and small and at high risk of bias "
        + "in several domains including blinding, allocation concealment and selective outcome reporting "
        + "across all the centres that took part."
    )
    doc = replace(REVIEW_A, doc_id="pubmed:2001")
    hit = make_hit(doc, long_sentence, 0, len(long_sentence), 0.9)
    result = RetrievalResult("knee injections pain", [], [hit], False, True)
    answer = compose("knee injections pain", result, AnswerSettings())
    texts = [s.text for s in all_statements(answer)]
    assert texts and all(len(t.split()) <= 45 for t in texts)
    assert verify_answer(answer, {hit.chunk.chunk_id: hit.chunk}.get) == []


def test_a_guideline_sharing_only_the_facet_word_is_left_out(seed_result):
    asthma = replace(KNEE_GUIDELINE, doc_id="g:asthma", title="Severe asthma biologics", organization="GINA")
    text = "## Anti-IL5: Reslizumab\n\nMechanism: Binds IL-5 and blocks eosinophil maturation (Strong).\n"
    stray = make_hit(asthma, text, 0, len(text), 0.95)
    result = replace(seed_result, guideline_hits=[stray, *seed_result.guideline_hits])
    answer = compose(QUESTION, result, AnswerSettings())
    assert answer.guidelines
    assert "g:asthma" not in {c.doc_id for s in all_statements(answer) for c in s.citations}


def test_a_review_aim_is_not_picked_as_a_finding_and_no_benefit_makes_no_note(seed_result):
    text = (
        "A systematic review of 25 randomized trials estimated the benefits and harms of stem cell "
        "injections for knee osteoarthritis. Stem cell injections for knee osteoarthritis have not been "
        "shown to improve pain or function in adequately powered trials."
    )
    hit = make_hit(replace(REVIEW_A, doc_id="pubmed:3001"), text, 0, len(text), 0.9)
    result = replace(seed_result, research_hits=[hit])
    answer = compose(QUESTION, result, AnswerSettings())
    shown = [s.text for f in answer.research for s in f.statements]
    assert not any("estimated the benefits" in t for t in shown)
    assert answer.evidence_note == []  # research reporting no benefit agrees with a recommendation against


def test_statements_of_a_named_organization_lead_the_guideline_section(seed_result):
    other = replace(KNEE_GUIDELINE, doc_id="g:oarsi", title="OARSI knee guideline", organization="OARSI")
    text = "## Knee injections\n\nStem cell injections for knee osteoarthritis are not recommended (Weak).\n"
    second = make_hit(other, text, 0, len(text), 0.3)
    result = replace(seed_result, guideline_hits=[*seed_result.guideline_hits, second])
    question = "What does OARSI recommend about knee stem cell injections?"
    plain = compose(question, result, AnswerSettings())
    assert plain.guidelines[0].citations[0].doc_id == KNEE_GUIDELINE.doc_id
    named = compose(question, replace(result, named_organizations=frozenset({"OARSI"})), AnswerSettings())
    assert named.guidelines[0].citations[0].doc_id == "g:oarsi"
    assert named.bottom_line[0].citations[0].doc_id == "g:oarsi"


def _one_passage_candidates(doc_id: str, title: str, organization: str, text: str):
    """The candidate sentences of a guideline document retrieved as one passage."""
    doc = replace(KNEE_GUIDELINE, doc_id=doc_id, title=title, organization=organization)
    return candidates_from_hits([make_hit(doc, text, 0, len(text), 0.9)])


def test_the_sentence_whose_range_contains_the_patients_age_is_preferred():
    candidates = _one_passage_candidates("g:psa", "Prostate cancer screening", "USPSTF", (
        "## Recommendation\n\n"
        "For men aged 55 to 69 years, PSA-based screening for prostate cancer is an individual decision "
        "(Grade C).\n"
        "The USPSTF recommends against PSA-based screening for prostate cancer in men 70 years and older "
        "(Grade D).\n"
    ))

    def first(question: str) -> str:
        return score_candidates(question, candidates, None, None, load_model())[0].candidate.text

    assert "70 years and older" in first("His father is 74. PSA screening for prostate cancer?")
    assert "55 to 69" in first("He is 62. PSA screening for prostate cancer?")


def _without_feature(name: str):
    """The selection model with one feature's weight set to zero."""
    model = load_model()
    coef = model.coef.copy()
    coef[FEATURES.index(name)] = 0.0
    return replace(model, coef=coef)


def test_a_how_long_question_lifts_the_sentence_stating_a_duration():
    candidates = _one_passage_candidates("g:cap", "Pneumonia", "ATS/IDSA", (
        "## Outpatients\n\n"
        "Amoxicillin is recommended for adults treated for community-acquired pneumonia (Strong).\n"
        "Adults with community-acquired pneumonia should be treated for no less than 5 days (Strong).\n"
    ))
    question = "How long do I treat community-acquired pneumonia in adults with amoxicillin?"

    def scores(model) -> dict[str, float]:
        scored = score_candidates(question, candidates, None, None, model)
        return {("duration" if "5 days" in s.candidate.text else "drug"): s.score for s in scored}

    typed, untyped = scores(load_model()), scores(_without_feature("answer_type"))
    assert typed["duration"] - typed["drug"] > untyped["duration"] - untyped["drug"] + 0.05


def test_a_continued_document_skips_the_topic_gate(seed_result):
    # "Should that make me stop?": the answering sentence shares no word with the follow-up, but its document
    # is the one the conversation has been citing.
    lipids = replace(KNEE_GUIDELINE, doc_id="g:lipids", title="Cholesterol guideline", organization="ACC/AHA")
    text = "## Statin therapy\n\nThis should NOT be cause for statin discontinuation (Strong).\n"
    hit = make_hit(lipids, text, 0, len(text), 0.95)
    question = "Her A1c has crept up since she started it. Should that make me stop?"
    result = replace(
        seed_result, query=question, guideline_hits=[hit], research_hits=[], research_relevant=False
    )
    assert compose(question, result, AnswerSettings()).refused
    continued = replace(result, continued_doc_ids=frozenset({"g:lipids"}))
    answer = compose(question, continued, AnswerSettings())
    assert [c.doc_id for s in answer.guidelines for c in s.citations] == ["g:lipids"]


def test_documents_retrieval_found_off_the_topic_are_not_cited(seed_result):
    # A second guideline whose sentence matches the follow-up's words; retrieval marked it off the
    # conversation's topic, so only the topic's own guideline is quoted.
    other = replace(KNEE_GUIDELINE, doc_id="g:screening", title="Screening in pregnancy", organization="X")
    text = (
        "## Knee stem cell injections in pregnancy\n\n"
        "The mechanism of action of knee stem cell injections in pregnancy is unknown; they are strongly "
        "recommended against (Strong).\n"
    )
    extra = make_hit(other, text, 0, len(text), 0.99)
    with_other = replace(seed_result, guideline_hits=[extra, *seed_result.guideline_hits])
    answer = compose(QUESTION, with_other, AnswerSettings())
    assert "g:screening" in {c.doc_id for s in answer.guidelines for c in s.citations}
    off = replace(with_other, off_topic_doc_ids=frozenset({"g:screening"}))
    answer = compose(QUESTION, off, AnswerSettings())
    cited = {c.doc_id for s in answer.guidelines for c in s.citations}
    assert cited and "g:screening" not in cited


def _line(organization: str, score: float, recommendation: bool):
    """A scored guideline statement as the bottom line sees it (organization, recommendation, score)."""
    doc = SimpleNamespace(organization=organization)
    candidate = SimpleNamespace(doc=doc, recommendation=recommendation or None)
    return Scored(candidate, score, "other")


def test_bottom_line_adds_the_best_answering_line_of_the_stance_organization():
    stance, dosing = _line("ACC/AHA", 0.5, True), _line("ACC/AHA", 0.8, False)
    assert _bottom_line([stance, dosing], []) == [stance, dosing]
    # Scoring below the stance, or coming from another organization, it stays in the guideline section.
    weaker = _line("ACC/AHA", 0.4, False)
    assert _bottom_line([stance, weaker], []) == [stance]
    other = _line("ESC", 0.8, False)
    assert _bottom_line([stance, other], []) == [stance]


def test_bottom_line_otherwise_takes_a_second_organization_scoring_nearly_as_well():
    stance, close, far = _line("ACR", 0.8, True), _line("OARSI", 0.75, True), _line("NICE", 0.3, True)
    assert _bottom_line([stance, close, far], []) == [stance, close]
    assert _bottom_line([stance, far], []) == [stance]


def test_bottom_line_research_finding_is_the_best_scored_one_not_the_first_picked():
    stance = _line("ACR", 0.8, True)
    efficacy, mechanism = _line("", 0.3, False), _line("", 0.9, False)
    efficacy.facet, mechanism.facet = "efficacy", "mechanism"
    assert _bottom_line([stance], [efficacy, mechanism]) == [stance, mechanism]


def test_findings_passages_of_a_study_are_candidates_beside_its_hits():
    text = (
        "## Background\n\nFemoral tunnels for knee ligament reconstruction are drilled in deep flexion.\n\n"
        "## Conclusions\n\nThis study shows that adequate femoral tunnels can be drilled at 90 degrees of "
        "knee flexion with flexible reamers.\n"
    )
    study = replace(REVIEW_A, doc_id="pubmed:4001", tier="randomized_trial")
    split = text.index("## Conclusions")
    background = make_hit(study, text, 0, split, 0.9)
    conclusions = make_hit(study, text, split, len(text), 0.5)
    question = "Can femoral tunnels be drilled at 90 degrees of knee flexion?"
    result = RetrievalResult(question, [], [background], False, True)
    shown = [s.text for s in all_statements(compose(question, result, AnswerSettings()))]
    assert not any("adequate femoral tunnels" in t for t in shown)
    with_findings = compose(question, replace(result, research_context=[conclusions]), AnswerSettings())
    assert any("adequate femoral tunnels" in s.text for s in with_findings.bottom_line)


def test_a_lead_in_statement_shows_its_list_once_and_stays_faithful():
    text = (
        "## Cultures\n\n"
        "Obtain pretreatment sputum Gram stain and culture in adults with pneumonia who:\n"
        "- are intubated with severe pneumonia, when sputum culture of adults guides therapy\n"
        "- are being treated empirically for MRSA or pseudomonas\n\n"
        "Sputum cultures have variable sensitivity in clinical practice.\n"
    )
    doc = replace(KNEE_GUIDELINE, doc_id="g:cap", title="Pneumonia", organization="ATS/IDSA")
    hit = make_hit(doc, text, 0, len(text), 0.9)
    question = "Should sputum culture be obtained in adults with pneumonia?"
    answer = compose(question, RetrievalResult(question, [hit], [], True, False), AnswerSettings())
    lead = next(s for s in answer.guidelines if s.text.startswith("Obtain"))
    assert lead.text.endswith("treated empirically for MRSA or pseudomonas")
    assert text[lead.citations[0].start : lead.citations[0].end] == lead.text
    assert not any(s.text.startswith("are ") for s in answer.guidelines), "a list item is not repeated"
    assert verify_answer(answer, {hit.chunk.chunk_id: hit.chunk}.get) == []
