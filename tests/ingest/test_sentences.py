import json
from pathlib import Path

import pytest

from ingest.sentence_rules import abbreviations
from ingest.sentences import split_sentences


def texts(text: str) -> list[str]:
    return [text[s:e] for s, e in split_sentences(text)]


def test_medical_abbreviations_and_numbers_do_not_end_sentences() -> None:
    text = (
        "Give colchicine 1.2 mg orally, e.g. at flare onset, vs. later dosing (Fig. 2). "
        "Pain fell more with treatment (p < 0.05). The drug was given i.v. over 2 hours. Dr. Smith agreed."
    )
    assert texts(text) == [
        "Give colchicine 1.2 mg orally, e.g. at flare onset, vs. later dosing (Fig. 2).",
        "Pain fell more with treatment (p < 0.05).",
        "The drug was given i.v. over 2 hours.",
        "Dr. Smith agreed.",
    ]


def test_no_sentence_starts_in_lower_case_after_a_unit() -> None:
    # A unit before a lower-case word ("2 h. then") must not leave a fragment starting in lower case.
    spans = texts("The drug was given over 2 h. Then it stopped. Doses were 5 mg b.i.d. for a week.")
    assert all(not s[0].islower() for s in spans)
    assert (
        "".join(spans).replace(" ", "") == "Thedrugwasgivenover2h.Thenitstopped.Doseswere5mgb.i.d.foraweek."
    )


def test_offsets_are_exact_and_shifted_by_offset() -> None:
    text = "  First one.  Second one!\n\nThird?  "
    spans = split_sentences(text, offset=100)
    assert [text[s - 100 : e - 100] for s, e in spans] == ["First one.", "Second one!", "Third?"]


def test_list_items_and_headings_are_separate_but_wrapped_lines_join() -> None:
    text = "## Dosing\n- start low\n- go slow\nThis sentence is wrapped\nacross two lines. Next."
    assert texts(text) == [
        "## Dosing",
        "- start low",
        "- go slow",
        "This sentence is wrapped\nacross two lines.",
        "Next.",
    ]


def test_giant_single_line_is_covered_without_losing_text() -> None:
    text = ("word " * 40_000).strip()
    spans = split_sentences(text)
    assert spans[0][0] == 0 and spans[-1][1] == len(text)
    assert all(e > s for s, e in spans)
    assert "".join(text[s:e] for s, e in spans).replace(" ", "") == text.replace(" ", "")


def test_empty_and_blank_text_give_no_sentences() -> None:
    assert split_sentences("") == []
    assert split_sentences(" \n\n\t ") == []


EDGE_CASES = Path(__file__).parent / "fixtures" / "sentence_edge_cases.jsonl"


@pytest.mark.parametrize(
    "case", [json.loads(line) for line in EDGE_CASES.read_text(encoding="utf-8").splitlines()]
)
def test_medical_edge_cases(case: dict) -> None:
    # The same hand-made list is scored in bench/ingest.py against the alternative splitters.
    assert texts(case["text"]) == case["sentences"]


def test_abbreviation_list_is_loaded_and_acronyms_in_capitals_still_end_sentences() -> None:
    assert {"e.g", "vs", "fig", "al", "i.v"} <= abbreviations()
    assert texts("Seen in NO. Then in CF. Also cf. Done.") == ["Seen in NO.", "Then in CF.", "Also cf. Done."]


def test_a_bad_abbreviation_line_names_the_file_and_line(tmp_path: Path) -> None:
    bad = tmp_path / "abbreviations.tsv"
    bad.write_text("# note\ne.g\tfor example\net al\ttwo words\n", encoding="utf-8")
    with pytest.raises(ValueError, match=r"abbreviations\.tsv:3"):
        abbreviations(bad)
