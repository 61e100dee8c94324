"""The kind of answer a question's wording asks for, and sentences that give it."""

from __future__ import annotations

import pytest

import answer.answer_types as answer_types
from answer.answer_types import expected_types, gives_expected_type, names_treatment


def test_question_wording_names_the_expected_answer_type() -> None:
    assert expected_types("How long do I treat him?") == {"duration"}
    assert expected_types("Starting dose for her?") == {"dose"}
    assert expected_types("When should I recheck her creatinine afterwards?") == {"interval"}
    assert expected_types("What saturation should I aim for with the oxygen?") == {"target"}
    assert expected_types("Discharge steroid course - when's follow-up?") == {"interval"}
    assert expected_types("68F, femoral neck T-score -2.7, no prior fractures. First-line therapy?") == {
        "treatment"
    }
    assert expected_types("Which oral regimen?") == {"treatment"}
    assert expected_types("Empiric IV choice?") == {"treatment"}
    assert expected_types("Drug of choice and adult dose?") == {"treatment", "dose"}
    assert expected_types("And if she has CKD?") == frozenset()


def test_a_sentence_counts_only_when_it_holds_an_answer_of_the_expected_type() -> None:
    duration = expected_types("How long do I treat him?")
    assert gives_expected_type(duration, "Treat for **no less than 5 days** (Strong recommendation).") == 1
    assert gives_expected_type(duration, "Amoxicillin 1 g three times daily is recommended.") == 0
    dose = expected_types("What dose of amoxicillin?")
    assert gives_expected_type(dose, "Amoxicillin 1 g three times daily is recommended.") == 1
    interval = expected_types("How often should we reassess her?")
    assert gives_expected_type(interval, "Fracture risk should be reassessed at 2- to 4-year intervals.") == 1
    assert gives_expected_type(interval, "Fracture risk should be reassessed.") == 0
    target = expected_types("What uric acid level are we aiming for?")
    assert gives_expected_type(target, "Lower serum uric acid to below 6 mg/100mL") == 1
    assert gives_expected_type(frozenset(), "Lower serum uric acid to below 6 mg/100mL") == 0


def test_a_treatment_answer_names_a_drug_class_or_choice() -> None:
    treatment = expected_types("First-line therapy?")
    gives = [
        "The guideline recommends initial treatment with bisphosphonates.",
        "**Amoxicillin/clavulanate** 500 mg/125 mg orally three times daily",
        "As-needed low-dose ICS-formoterol at all steps",
        "Artemether-Lumefantrine is the medicine of choice",
    ]
    assert all(gives_expected_type(treatment, s) == 1 for s in gives)
    assert gives_expected_type(treatment, "T-score <= -2.5 at the femoral neck, total hip or spine") == 0
    assert gives_expected_type(treatment, "The PSI is preferred over the CURB-65 for the site of care.") == 0


def test_ordinary_words_ending_in_a_drug_stem_are_not_drugs() -> None:
    # -terol (formoterol), -cept (etanercept), -tide (teriparatide), -statin end ordinary words too.
    assert not names_treatment("LDL-cholesterol above 190 mg/dL, except in pregnancy")
    assert not names_treatment("The concept of peptide signalling in cystatin C clearance")
    assert names_treatment("Etanercept or teriparatide")
    assert names_treatment("Statins lower LDL cholesterol")  # a plural class name


def test_a_malformed_treatment_terms_line_names_the_file_and_line(tmp_path, monkeypatch) -> None:
    bad = tmp_path / "treatment_terms.txt"
    bad.write_text("# comment\nstem\tpril\nsuffix\tmab\n", encoding="utf-8")
    monkeypatch.setattr(answer_types, "TREATMENT_TERMS_FILE", bad)
    answer_types._treatment_terms.cache_clear()
    try:
        with pytest.raises(ValueError, match="treatment_terms.txt line 3"):
            names_treatment("lisinopril")
    finally:
        answer_types._treatment_terms.cache_clear()
