"""Synonym table, query expansion, coverage and facet detection."""

from __future__ import annotations

import pytest

from retrieval.coverage import TermStats, coverage
from retrieval.facets import detect_facet
from retrieval.vocabulary import (
    content_words,
    expand_query,
    expansions,
    parse_synonyms,
    respellings,
    synonyms,
)


def test_synonym_file_parses_and_every_entry_has_phrases() -> None:
    table = synonyms()
    assert len(table) > 50
    assert all(entry.phrases for entry in table)
    terms = {entry.term for entry in table}
    assert {"AF", "DOAC", "eGFR", "HFrEF", "CAP", "MI"} <= terms


def test_expansion_works_both_ways() -> None:
    assert "atrial fibrillation" in expansions("Newly found AF in an 80-year-old")
    assert "AF" in expansions("new atrial fibrillation")
    assert "community-acquired pneumonia" in expand_query("CAP in the ICU")


def test_capital_abbreviations_do_not_match_ordinary_words() -> None:
    assert "community-acquired pneumonia" not in expansions("put the cap back on the inhaler")
    assert "myocardial infarction" not in expansions("mi casa")
    assert "estimated glomerular filtration rate" in expansions("her egfr is 34")


def test_malformed_synonym_line_names_the_line() -> None:
    with pytest.raises(ValueError, match="line 3"):
        parse_synonyms("# header\nAF\tatrial fibrillation\nbroken line without tab\n", "syn.tsv")


def test_content_words_drop_stopwords_numbers_and_generic_words() -> None:
    assert content_words("She weighs 57 kg; what dose of apixaban should she take?") == [
        "weighs",
        "kg",
        "apixaban",
    ]


def test_coverage_weights_specific_words_and_accepts_synonyms() -> None:
    stats = TermStats.from_texts(["apixaban dose", "patient weight", "patient age", "patient bleeding"] * 5)
    evidence = ["Reduce the apixaban dose in older patients with low weight."]
    share, missing = coverage(["apixaban", "rsv"], evidence, stats)
    assert missing == ["rsv"] and 0.0 < share < 1.0
    full, none_missing = coverage(["atrial fibrillation"], ["Anticoagulation in AF is recommended."], stats)
    assert full == 1.0 and none_missing == []


@pytest.mark.parametrize(
    ("question", "facet"),
    [
        ("What's the apixaban dose for her weight?", "dosing"),
        ("Should she be screened for AAA?", "screening"),
        ("Is it safe in the first trimester of pregnancy?", "safety"),
        ("How often should I recheck her potassium?", "monitoring"),
        ("Tell me about the sky", "other"),
    ],
)
def test_facet_detection(question: str, facet: str) -> None:
    assert detect_facet(question) == facet


def test_term_stats_from_bm25_postings_match_counting_texts() -> None:
    from types import SimpleNamespace

    from index.lexical import build_bm25, tokenize_for_bm25

    texts = ["Colchicine for gout flares", "Gout and allopurinol", "Pneumonia antibiotics", "gout gout gout"]
    model = build_bm25([tokenize_for_bm25(t) for t in texts], k1=1.2, b=0.75)
    from_index = TermStats.from_index(SimpleNamespace(_bm25=model, n_chunks=len(texts)))
    from_texts = TermStats.from_texts(texts)
    for word in ("gout", "colchicine", "pneumonia", "absent"):
        assert from_index.idf(word) == pytest.approx(from_texts.idf(word))
    assert from_index.specificity("gout") < from_index.specificity("colchicine")


def test_everyday_words_are_not_technical() -> None:
    from retrieval.vocabulary import general_words, is_technical

    if not general_words():
        pytest.skip("embedding model vocabulary not installed")
    assert not is_technical("husband") and not is_technical("tells")
    assert is_technical("crizanlizumab") and is_technical("denervation")


def test_respellings_go_from_british_to_american_and_back_on_request() -> None:
    assert {"haemodynamically", "hemodynamically"} <= respellings("haemodynamically")
    assert {"titer", "labor", "bacteremia", "nebulized"} <= (
        respellings("titre") | respellings("labour") | respellings("bacteraemia") | respellings("nebulised")
    )
    assert "haemoglobin" not in respellings("hemoglobin")  # dropped letters come back only when asked
    both = respellings("hemoglobin", both_ways=True) | respellings("fetal", both_ways=True)
    assert {"haemoglobin", "foetal"} <= both


def test_expand_query_appends_respelt_words_not_already_there() -> None:
    assert expand_query("papilloedema", ["papilledema"]) == "papilloedema (papilledema)"
    assert expand_query("edema or oedema", ["oedema"]) == "edema or oedema"
