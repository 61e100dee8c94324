import pytest

from ingest.tiers import classify_tier, tier_from_metadata, tier_from_text


def test_metadata_wins_over_text() -> None:
    text = "Patients were randomly assigned to drug or placebo."
    assert classify_tier("uspstf", "t", text) == "guideline"
    assert classify_tier("medquad", "t", text) == "consumer"
    assert (
        classify_tier("pubmed", "t", text, ["Meta-Analysis", "Randomized Controlled Trial"])
        == "systematic_review"
    )
    assert classify_tier("pubmed", "t", "", ["Review", "Journal Article"]) == "narrative_review"
    assert tier_from_metadata("pubmed", ["Journal Article"]) is None


@pytest.mark.parametrize(
    ("title", "text", "tier"),
    [
        (
            "Effect of X",
            "In a randomised, placebo-controlled, double-blind study, 12 volunteers took X.",
            "randomized_trial",
        ),
        ("Effect of X", "Participants were randomly allocated to two arms.", "randomized_trial"),
        (
            "X for Y: a systematic review and meta-analysis",
            "We searched MEDLINE and Embase.",
            "systematic_review",
        ),
        ("Outcomes of X", "We conducted a retrospective cohort study of 500 patients.", "observational"),
        ("Advances in gout: a review", "Gout is common.", "narrative_review"),
        ("Lace plant leaves", "Cells at the centre of areoles die.", "other"),
    ],
)
def test_text_rules(title: str, text: str, tier: str) -> None:
    assert tier_from_text(title, text) == tier


@pytest.mark.parametrize(
    ("text", "tier"),
    [
        ("Thirty patients were randomly divided into two groups.", "randomized_trial"),
        ("A total of 77 patients were assigned randomly into three dietary groups.", "randomized_trial"),
        ("Group 1 received placebo, group 2 ibuprofen.", "randomized_trial"),
        ("A prospective two-period crossover study in 12 volunteers.", "randomized_trial"),
        ("The records of 465 patients attending a macular clinic were scrutinised.", "observational"),
        ("Longitudinal data were used to model associations in 964 adolescents.", "observational"),
        ("This study included 438 shunt procedures in 412 patients.", "observational"),
        ("Thirty-two rats underwent gastrectomy in 40 cases.", "other"),
    ],
)
def test_text_rules_for_designs_described_without_the_usual_words(text: str, tier: str) -> None:
    assert tier_from_text("", text) == tier


def test_a_call_for_randomized_trials_does_not_make_a_study_one() -> None:
    text = "We reviewed 300 patients retrospectively. Randomized controlled trials are needed to confirm."
    assert tier_from_text("", text) == "observational"
    text = "Outcomes of 50 patients. Further randomized trials in larger groups are warranted."
    assert tier_from_text("", text) == "observational"


def test_a_study_about_guidelines_is_not_a_guideline() -> None:
    from ingest.tiers import tier_from_text

    question = "Is scintigraphy a guideline method in determining amputation levels?"
    assert tier_from_text(question, "") != "guideline"
    assert tier_from_text("Adherence to guidelines for asthma care in primary practice", "") != "guideline"
    title = "Clinical practice guideline for the management of acute otitis media"
    assert tier_from_text(title, "") == "guideline"
