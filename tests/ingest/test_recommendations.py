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
]
# Wording-only strengths and bare letter grades belong to the issuing body's own scheme.
LABELLED_WITH_ORGANIZATION = [
    ("We strongly recommend against probenecid in CKD.", "ACR", "against", "Strong", "ACR"),
    ("We conditionally recommend febuxostat.", "ACR", "conditional", "Conditional", "ACR"),
    ("Metformin is the preferred initial agent (Grade A).", "ADA", "for", "Grade A", "ADA"),
    (
        "The AAOS knee osteoarthritis guideline strongly recommends oral NSAIDs to improve pain.",
        "American Academy of Orthopaedic Surgeons",
        "for",
        "Strong",
        "AAOS",
    ),
    (
        "The ACR/AF guideline strongly recommends against stem cell injections in knee osteoarthritis.",
        "American College of Rheumatology and Arthritis Foundation",
        "against",
        "Strong",
        "ACR/AF",
    ),
    ("Rhythm control is recommended (Class I, Level of Evidence B).", "ESC", "for", "Class I (LOE B)", "ESC"),
    ("Rhythm control is recommended (Class I, LOE B).", "AHA/ASA", "for", "Class I (LOE B)", "ACC/AHA"),
]


@pytest.mark.parametrize(
    ("sentence", "organization", "direction", "strength", "scheme"), LABELLED_WITH_ORGANIZATION
)
def test_scheme_comes_from_the_organization(
    sentence: str, organization: str, direction: str, strength: str, scheme: str
) -> None:
    rec = detect_recommendation(sentence, organization=organization)
    assert rec is not None
    assert (rec.direction, rec.strength, rec.scheme) == (direction, strength, scheme)


def test_wording_without_an_organization_names_no_scheme() -> None:
    rec = detect_recommendation("The AAOS guideline strongly recommends supervised exercise.")
    assert rec is not None and rec.strength == "Strong" and rec.scheme is None


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


@pytest.mark.parametrize(
    "heading",
    [
        "## The AAOS strongly recommends exercise",
        "### Against Routine Use of Prognostic Scores (Recommendation 15, Conditional, Very Low)",
        "# Colchicine is recommended (Strong, High)",
    ],
)
def test_markdown_headings_are_not_recommendations(heading: str) -> None:
    assert detect_recommendation(heading, organization="AAOS") is None


@pytest.mark.parametrize(
    "sentence",
    [
        "The ACR/AF panel gave the lack of standardization of the available stem cell preparations, "
        "and of the techniques used to inject them, as a reason for its recommendation against stem "
        "cell injections.",
        "The ACR/AF recommendation against stem cell injections is graded strong, the higher of two.",
        "The AAOS knee osteoarthritis guideline makes no recommendations for rheumatoid arthritis.",
        "A conditional recommendation means the decision should be shared with the patient.",
    ],
)
def test_sentences_that_mention_a_recommendation_do_not_state_one(sentence: str) -> None:
    assert detect_recommendation(sentence, organization="ACR") is None


@pytest.mark.parametrize(
    ("sentence", "direction"),
    [
        # Direction comes from the recommending verb phrase, not from other words in the sentence.
        ("We recommend colchicine to avoid flares during the first months (Strong, Moderate).", "for"),
        ("Statins are recommended for adults who do not tolerate diet alone.", "for"),
        ("Aspirin is recommended over no treatment because harm from bleeding is rare.", "for"),
        ("- **Avoid TZDs** in patients with heart failure (Strong, Low).", "against"),
        ("Intra-articular hyaluronic acid is not recommended for routine use.", "against"),
        ("The guideline does not recommend stem cell injections.", "against"),
        ("We suggest against routine imaging (Conditional, Low).", "against"),
        ("Home treatment may be considered for low-risk patients (Grade B).", "conditional"),
        ("There is insufficient evidence to recommend for or against vitamin D.", "insufficient"),
        ("- **Recommendation:** Do NOT use procalcitonin (Strong, Moderate).", "against"),
        ("- Suggest **not using** ANP to treat AKI (Grade 2B).", "against"),
        ("The panel suggests **against routine D-dimer testing** to guide duration.", "against"),
        ("Surgery is not contraindicated after a small stroke (Class IIa, LOE B-NR).", "for"),
    ],
)
def test_direction_comes_from_the_verb_phrase(sentence: str, direction: str) -> None:
    rec = detect_recommendation(sentence)
    assert rec is not None and rec.direction == direction


@pytest.mark.parametrize(
    "sentence",
    [
        "TZDs are contraindicated in NYHA class III-IV heart failure.",
        "If PSI Class I-II: outpatient treatment is generally appropriate.",
    ],
)
def test_disease_classes_are_not_classes_of_recommendation(sentence: str) -> None:
    rec = detect_recommendation(sentence)
    assert rec is None or not (rec.strength or "").startswith("Class")
