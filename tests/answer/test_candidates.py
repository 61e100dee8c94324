"""Candidate sentences: exact offsets, markdown structure respected, abstract labels and bullets trimmed."""

from __future__ import annotations

from collections import OrderedDict

from answer.candidates import candidates_from_hits
from answer.recommendation_cues import recommendation_of
from curbside.types import DocMeta, Sentence
from tests.answer.answer_fixtures import make_hit

GUIDE = DocMeta(doc_id="g:1", title="Gout", source="test", tier="guideline", organization="ACR", year=2020)
TEXT = (
    "# Flare management\n\n"
    "| Parameter | Recommendation |\n|---|---|\n"
    "| **Regimen** | 1.2 mg orally, then 0.6 mg one hour later |\n\n"
    "- NSAIDs should be used at full anti-inflammatory doses.\n"
    "Give oral rehydration salts after each loose stool\nfor children under five years.\n"
)


def _texts(cands):
    return [c.text for c in cands]


def test_offsets_are_exact_and_structure_is_skipped():
    hit = make_hit(GUIDE, TEXT, 0, len(TEXT), 1.0)
    cands = candidates_from_hits([hit])
    for cand in cands:
        assert TEXT[cand.start : cand.end] == cand.text
    texts = _texts(cands)
    assert not any(t.startswith(("#", "|---", "- ")) for t in texts)
    assert "NSAIDs should be used at full anti-inflammatory doses." in texts
    assert any("Regimen" in t for t in texts)


def test_ingest_sentence_spans_keep_wrapped_lines_together():
    start = TEXT.index("Give oral")
    end = len(TEXT) - 1
    hit = make_hit(GUIDE, TEXT, 0, len(TEXT), 1.0)
    chunk = hit.chunk.__class__(**{**hit.chunk.__dict__, "sentences": (Sentence(start, end),)})
    cands = candidates_from_hits([hit.__class__(**{**hit.__dict__, "chunk": chunk})])
    assert _texts(cands) == [TEXT[start:end]]
    assert "\n" in cands[0].text  # the wrapped line is one statement, not two fragments


def test_structured_abstract_label_is_trimmed_and_recorded():
    doc = DocMeta(doc_id="p:1", title="Trial", source="test", tier="randomized_trial")
    text = "RESULTS: Pain fell by 20 points more than with placebo at 12 weeks."
    cand = candidates_from_hits([make_hit(doc, text, 0, len(text), 1.0)])[0]
    assert cand.text.startswith("Pain fell") and cand.label == "results"
    assert text[cand.start : cand.end] == cand.text


def test_the_same_span_from_overlapping_passages_is_one_candidate():
    first = make_hit(GUIDE, TEXT, 0, len(TEXT), 1.0)
    second = make_hit(GUIDE, TEXT, TEXT.index("- NSAIDs"), len(TEXT), 0.5)
    texts = _texts(candidates_from_hits([first, second]))
    assert texts.count("NSAIDs should be used at full anti-inflammatory doses.") == 1


def test_recommendation_cues_read_direction_and_strength():
    against = recommendation_of("Stem cell injections are strongly recommended against (Strong).")
    assert against is not None and against.direction == "against" and against.strength == "Strong"
    conditional = recommendation_of("Topical ice is conditionally recommended as an adjuvant (Conditional).")
    assert conditional is not None and conditional.direction == "conditional"
    assert recommendation_of("Gout is a common inflammatory arthritis.") is None


def test_table_headers_labels_and_diagrams_are_not_statements_but_lead_ins_are():
    text = (
        "| Agent | Starting dose | Maximum dose |\n|---|---|---|\n"
        "| Allopurinol | start at 100 mg daily or less |\n\n"
        "**Inadequate response at 6 weeks:**\n\n"
        "Obtain sputum Gram stain and culture in adults with CAP who:\n\n"
        "--> YES --> urgent ERCP within 24 hours\n"
    )
    texts = _texts(candidates_from_hits([make_hit(GUIDE, text, 0, len(text), 1.0)]))
    assert not any("Agent" in t or "Inadequate" in t or "ERCP" in t for t in texts)
    assert "Obtain sputum Gram stain and culture in adults with CAP who:" in texts
    assert any("Allopurinol" in t for t in texts)


def test_recommended_only_when_another_drug_is_contraindicated_is_not_against():
    rec = recommendation_of("Warfarin is recommended only when DOACs are contraindicated.")
    assert rec is not None and rec.direction == "for"
    mention = "The panel gave this as the reason for its recommendation against injections."
    assert recommendation_of(mention) is None


def test_a_sentence_ingest_found_no_recommendation_in_gets_no_direction_here():
    text = "Warfarin should be avoided in pregnancy. DOACs are recommended over warfarin (Class I)."
    hit = make_hit(GUIDE, text, 0, len(text), 1.0)
    first_end = text.index(" DOACs")
    spans = (Sentence(0, first_end), Sentence(first_end + 1, len(text)))
    chunk = hit.chunk.__class__(**{**hit.chunk.__dict__, "sentences": spans})
    cands = candidates_from_hits([hit.__class__(**{**hit.__dict__, "chunk": chunk})])
    assert [c.recommendation for c in cands] == [None, None]  # ingest parsed neither: no guess


def test_an_algorithm_arrow_before_one_clause_is_a_statement_but_a_branch_is_not():
    text = "```\n  --> First flare?\n      --> Colchicine dose adjustment may be needed in CKD\n```"
    texts = _texts(candidates_from_hits([make_hit(GUIDE, text, 0, len(text), 1.0)]))
    assert texts == ["Colchicine dose adjustment may be needed in CKD"]


LEAD_IN = (
    "## Cultures\n\n"
    "Obtain pretreatment sputum Gram stain and culture in adults with pneumonia who:\n"
    "- are classified as having severe pneumonia\n"
    "- are being treated empirically for MRSA\n\n"
    "Sputum cultures have variable sensitivity in practice.\n"
)


def test_a_lead_in_shows_the_short_list_after_it_and_is_scored_on_its_own_words():
    hit = make_hit(GUIDE, LEAD_IN, 0, len(LEAD_IN), 1.0)
    lead = next(c for c in candidates_from_hits([hit]) if c.text.startswith("Obtain"))
    assert lead.text.endswith("who:") and "severe" not in lead.tokens
    assert lead.shown_text.endswith("treated empirically for MRSA")
    assert LEAD_IN[lead.start : lead.shown_end] == lead.shown_text


def test_a_list_that_runs_to_the_passage_end_or_is_long_is_not_shown():
    cut = LEAD_IN[: LEAD_IN.index("\n\nSputum")]  # the passage may end inside the list
    items = "\n".join(f"- item number {i} of a long list" for i in range(9))
    long_list = LEAD_IN.replace("- are being", items)
    for text in (cut, long_list):
        hit = make_hit(GUIDE, text, 0, len(text), 1.0)
        lead = next(c for c in candidates_from_hits([hit]) if c.text.startswith("Obtain"))
        assert lead.shown_end is None and lead.shown_text == lead.text


def test_a_lead_in_takes_a_small_table_after_it_but_a_list_stops_where_a_table_starts():
    table = (
        "Airflow limitation in these patients is graded by the FEV1 as follows:\n\n"
        "| Grade | FEV1 |\n|---|---|\n| **GOLD 1** | >= 80% |\n| GOLD 2 | 50-79% |\n\nGrades guide therapy.\n"
    )
    hit = make_hit(GUIDE, table, 0, len(table), 1.0)
    lead = next(c for c in candidates_from_hits([hit]) if c.text.startswith("Airflow"))
    assert lead.shown_text.endswith("| GOLD 2 | 50-79% |")
    mixed = LEAD_IN.replace("\n\nSputum", "\n| a | b |\n|---|---|\n\nSputum")
    hit = make_hit(GUIDE, mixed, 0, len(mixed), 1.0)
    lead = next(c for c in candidates_from_hits([hit]) if c.text.startswith("Obtain"))
    assert lead.shown_text.endswith("treated empirically for MRSA")


def test_a_nested_lead_in_takes_its_sub_items_and_stops_at_the_next_outer_item():
    text = (
        "- First flare only: urate-lowering therapy is conditionally recommended against.\n"
        "  - Exception: a first flare with any of the following warrants urate-lowering therapy:\n"
        "    - CKD stage 3 or worse\n"
        "    - Urolithiasis\n"
        "- Asymptomatic hyperuricemia: urate-lowering therapy is conditionally recommended against.\n"
    )
    hit = make_hit(GUIDE, text, 0, len(text), 1.0)
    lead = next(c for c in candidates_from_hits([hit]) if c.text.startswith("Exception"))
    assert lead.shown_text.endswith("- Urolithiasis")


def test_prepared_passages_are_parsed_once_and_kept_until_replaced(monkeypatch):
    import answer.candidates as module

    hit = make_hit(GUIDE, TEXT, 0, len(TEXT), 1.0)
    parsed: list[object] = []
    real_parse = module._parse
    monkeypatch.setattr(module, "_parse", lambda h: parsed.append(h) or real_parse(h))
    monkeypatch.setattr(module, "_PREPARED", {})
    monkeypatch.setattr(module, "_PARSED", OrderedDict())
    assert module.prepare_passages([hit]) == 1 == module.prepared_count()
    prepared = _texts(candidates_from_hits([hit]))
    assert len(parsed) == 1  # parsed when prepared, not again when a question returns it
    module.prepare_passages([hit])
    assert len(parsed) == 1  # preparing it again keeps the parse already made
    assert module.prepare_passages([]) == 0  # a new index version's set replaces the old one
    assert _texts(candidates_from_hits([hit])) == prepared
    assert len(parsed) == 2  # no longer kept: parsed on demand, to the same sentences
