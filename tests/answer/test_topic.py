"""What a question is about, as the composer weighs it: concepts, synonyms and drug classes."""

from __future__ import annotations

from answer.text import token_set
from answer.topic import query_topic


def test_a_drug_named_in_the_question_is_expressed_by_its_class() -> None:
    topic = query_topic("Should I bridge her with prednisone?", {})
    by_class = topic.coverage(token_set("Glucocorticoids should serve as a bridge until it works."))
    unrelated = topic.coverage(token_set("Methotrexate should serve as a bridge until it works."))
    assert by_class > unrelated
    assert by_class == topic.coverage(token_set("Prednisone should serve as a bridge."))


def test_a_class_named_in_the_question_is_not_expressed_by_one_drug() -> None:
    topic = query_topic("Are glucocorticoids safe in pregnancy?", {})
    assert topic.coverage(token_set("Prednisone is safe in pregnancy.")) < topic.coverage(
        token_set("Glucocorticoids are safe in pregnancy.")
    )


def test_a_british_spelling_is_expressed_by_the_american_one() -> None:
    topic = query_topic("PE confirmed, she's haemodynamically stable. Which anticoagulant?", {})
    american = topic.coverage(token_set("In hemodynamically stable PE, start an anticoagulant."))
    british = topic.coverage(token_set("In haemodynamically stable PE, start an anticoagulant."))
    without = topic.coverage(token_set("In stable PE, start an anticoagulant."))
    assert american == british > without
