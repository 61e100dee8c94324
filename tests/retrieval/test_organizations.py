"""Organizations named in a question, read from the index's own metadata."""

from __future__ import annotations

from retrieval.organizations import OrganizationNames

NAMES = OrganizationNames.from_organizations(
    ["USPSTF", "ACC/AHA", "AHA/ASA", "GOLD", "Endocrine Society", "Federal Ministry of Health, Nigeria"]
)


def test_an_acronym_in_a_question_about_a_source_names_every_organization_carrying_it() -> None:
    assert NAMES.named_in("How does the USPSTF position compare at his risk level?") == {"USPSTF"}
    assert NAMES.named_in("What does the AHA recommend here?") == {"ACC/AHA", "AHA/ASA"}


def test_multi_word_names_match_ignoring_case_and_spacing() -> None:
    question = "What does the endocrine\nsociety  say about drug holidays?"
    assert NAMES.named_in(question) == {"Endocrine Society"}


def test_acronyms_match_as_written_and_only_when_the_question_asks_about_a_source() -> None:
    assert NAMES.named_in("Is gold therapy recommended in RA?") == set(), "'gold' is not the initiative"
    assert NAMES.named_in("He takes ASA 81 mg; add clopidogrel?") == set(), "aspirin, not the association"
    assert NAMES.named_in("Which GOLD group is he in?") == set()
    assert NAMES.named_in("What does GOLD recommend for group E?") == {"GOLD"}
