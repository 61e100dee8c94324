"""Ages, weights, percentages and lab values in questions, and the ranges sentences state for them."""

from __future__ import annotations

import math

from answer.quantities import Condition, condition_match, question_values, sentence_conditions


def test_question_values_read_ages_weights_labs_and_percentages() -> None:
    assert question_values("62-year-old asking whether he should have a PSA test.") == (("years", 62.0),)
    assert question_values("His father is 74 and keen to be tested too.") == (("years", 74.0),)
    assert ("kg", 64.0) in question_values("She's 64 kg and we only stock the 20/120 tablets")
    values = question_values("55M, LDL 150, 10-year ASCVD risk 12%. His K is 5.2 and eGFR 34.")
    expected = {("years", 55.0), ("ldl", 150.0), ("percent", 12.0), ("potassium", 5.2), ("egfr", 34.0)}
    assert expected <= set(values)
    assert ("tscore", -2.7) in question_values("68F, femoral neck T-score -2.7")


def test_a_lab_percentage_is_the_labs_value_and_blood_pressure_is_not_an_age() -> None:
    assert question_values("A1c 7.8% on metformin") == (("a1c", 7.8),)
    assert question_values("BP is now 175/100 despite two drugs") == (("sbp", 175.0), ("dbp", 100.0))
    assert question_values("we only stock the 20/120 tablets") == (), "a strength is not a blood pressure"
    assert question_values("Which antibiotic for pneumonia?") == ()


def test_sentence_conditions_cover_ranges_thresholds_and_named_labs() -> None:
    assert Condition("years", 55, 69) in sentence_conditions("For men aged 55 to 69 years, the decision ...")
    assert sentence_conditions("against PSA-based screening in men 70 years and older") == (
        Condition("years", 70, math.inf),
    )
    assert Condition("kg", 35, math.inf) in sentence_conditions("| >35 kg | 4 tabs twice daily x 3 days |")
    assert Condition("percent", 7.5, 20) in sentence_conditions("| Intermediate | 7.5% to < 20% | statin |")
    contraindications = sentence_conditions("severe renal impairment (eGFR < 30), potassium > 5.0 mEq/L")
    assert set(contraindications) == {Condition("egfr", -math.inf, 30), Condition("potassium", 5.0, math.inf)}
    assert sentence_conditions("Colchicine is recommended for gout flares.") == ()


def test_a_condition_containing_the_value_matches_and_one_excluding_it_conflicts() -> None:
    father = question_values("His father is 74 and keen to be tested too.")
    assert condition_match(father, "The USPSTF recommends against screening men 70 years and older.") == 1
    assert condition_match(father, "For men aged 55 to 69 years, screening is an individual decision.") == -1
    assert condition_match(father, "Discuss the harms of screening with every man.") == 0
    weight = question_values("She weighs 64 kg.")
    assert condition_match(weight, "For men aged 55 to 69 years, screening is an individual decision.") == 0
    assert condition_match((), "men 70 years and older") == 0


def test_age_groups_named_in_words_are_age_ranges() -> None:
    sentence = "Should be given with caution in pregnancy. Not recommended for children or adolescents."
    assert condition_match(question_values("His 12-year-old sister is culture-positive too."), sentence) == 1
    assert condition_match(question_values("A 72-year-old man with typhoid."), sentence) == -1
    assert Condition("years", 65, math.inf) in sentence_conditions("In older adults, start low and go slow.")
    assert sentence_conditions("Recommended for adults with typhoid.") == (), "'adults' is no range"


def test_blood_pressure_thresholds_apply_to_either_pressure() -> None:
    crisis = "Severe BP elevation (> 180/120 mm Hg) with acute target organ damage is an emergency."
    assert condition_match(question_values("BP 224/132 with headache and confusion"), crisis) == 1
    assert condition_match(question_values("BP 152/94 on three drugs"), crisis) == -1


def test_goals_and_amounts_are_not_conditions_on_the_patient() -> None:
    assert sentence_conditions("Lower BP to < 185/110 mm Hg before IV alteplase.") == ()
    assert sentence_conditions("High-intensity statin to reduce LDL-C by >= 50%.") == ()
    assert sentence_conditions("An A1C target < 7% is appropriate for many adults.") == ()
    assert sentence_conditions("Avoid if eGFR < 30.") == (Condition("egfr", -math.inf, 30),)
