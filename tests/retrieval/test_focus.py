"""What a case question asks: its asking sentences, set apart from the case it describes."""

from __future__ import annotations

import pytest

from retrieval.focus import asking_sentences


@pytest.mark.parametrize(
    ("question", "asking"),
    [
        ("Gallstone pancreatitis, lipase 8x ULN, no cholangitis. Which fluid and how aggressively?",
         "Which fluid and how aggressively?"),
        ("BP 224/132 with headache. How fast should I bring it down? Where should he be managed?",
         "How fast should I bring it down? Where should he be managed?"),
        # The question may come first and the case after it.
        ("Start a statin? He is 55 with an LDL of 150.", "Start a statin?"),
        # A decimal point or an abbreviation's full stop does not end a sentence.
        ("Colchicine 0.6 mg twice daily. Too much for eGFR 30?", "Too much for eGFR 30?"),
        ("Flu strains, e.g. H1N1. What do HA and NA stand for?", "What do HA and NA stand for?"),
    ],
)
def test_the_asking_sentences_are_set_apart_from_the_case(question: str, asking: str) -> None:
    assert asking_sentences(question) == asking


@pytest.mark.parametrize(
    "question",
    [
        "What is first-line treatment for an acute gout flare?",  # all asking: nothing to set apart
        "What do HA and NA stand for with respect to the flu virus, e.g. H1N1?",  # one sentence
        "Advise on anticoagulation. She is 81 with AF.",  # asks nothing with a question mark
        "",
    ],
)
def test_a_question_without_a_separate_case_has_no_asking_part(question: str) -> None:
    assert asking_sentences(question) is None
