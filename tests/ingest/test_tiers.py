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
