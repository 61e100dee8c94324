import pytest

from ingest.recommendations import detect_recommendation, uspstf_recommendation

LABELLED = [
    (
        "Colchicine is strongly recommended as first-line therapy (Strong, High).",
        "for",
        "Strong, High",
        "GRADE",
    ),
    (
        "Limit alcohol intake (Conditional, Very low certainty).",
        "conditional",
        "Conditional, Very low",
        "GRADE",
    ),
    (
        "Dual therapy is not recommended (Strong recommendation, Moderate quality of evidence).",
        "against",
        "Strong, Moderate",
        "GRADE",
    ),
    ("Suggest using oral NAC with IV crystalloids (Grade 2D).", "conditional", "Grade 2D", "GRADE"),
    ("Recommend IV volume expansion (Grade 1A).", "for", "Grade 1A", "GRADE"),
    ("DOACs are recommended over warfarin (Class I, LOE A).", "for", "Class I (LOE A)", "ACC/AHA"),
    ("Ablation is reasonable (Class IIa, Level of Evidence B-R).", "for", "Class IIa (LOE B-R)", "ACC/AHA"),
    ("Statins may be considered (COR 2b, LOE C-LD).", "conditional", "Class IIb (LOE C-LD)", "ACC/AHA"),
    (
        "Dronedarone should not be used (Class III: Harm, LOE: B).",
        "against",
        "Class III: Harm (LOE B)",
        "ACC/AHA",
    ),
    ("We strongly recommend against probenecid in CKD.", "against", "Strong", "ACR"),
    ("We conditionally recommend febuxostat.", "conditional", "Conditional", "ACR"),
    ("Metformin is the preferred initial agent (Grade A).", "for", "Grade A", "ADA"),
]


@pytest.mark.parametrize(("sentence", "direction", "strength", "scheme"), LABELLED)
def test_schemes_direction_and_strength(sentence: str, direction: str, strength: str, scheme: str) -> None:
    rec = detect_recommendation(sentence)
    assert rec is not None
    assert (rec.direction, rec.strength, rec.scheme) == (direction, strength, scheme)


def test_plain_statements_are_not_recommendations() -> None:
    assert detect_recommendation("Gout is caused by urate crystals in the joint.") is None
    assert detect_recommendation("The low-dose regimen is as effective as the high-dose one.") is None


@pytest.mark.parametrize(
    ("grade", "direction"),
    [("A", "for"), ("B", "for"), ("C", "conditional"), ("D", "against"), ("I", "insufficient")],
)
def test_uspstf_grades(grade: str, direction: str) -> None:
    rec = uspstf_recommendation(grade)
    assert (rec.direction, rec.strength, rec.scheme) == (direction, f"Grade {grade}", "USPSTF")
    stated = detect_recommendation("The USPSTF recommends screening for hepatitis C in adults.", grade)
    assert stated == rec
