"""The kind of answer a question's wording asks for, and sentences that give it."""

from __future__ import annotations

from answer.answer_types import expected_types, gives_expected_type


def test_question_wording_names_the_expected_answer_type() -> None:
    assert expected_types("How long do I treat him?") == {"duration"}
    assert expected_types("Starting dose for her?") == {"dose"}
    assert expected_types("When should I recheck her creatinine afterwards?") == {"interval"}
    assert expected_types("What saturation should I aim for with the oxygen?") == {"target"}
    assert expected_types("Which antibiotic for community-acquired pneumonia?") == frozenset()


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
