"""Which guideline sentence answers the question: a logistic model over a few readable features.

Hand-set weights favoured graded recommendations from any passage, so a follow-up ("full dose or the
reduced dose?") kept getting the topic's headline recommendation instead of the dosing line that answers
it. The weights here are fitted on data instead (``python -m eval.fit_selection``: follow-up turns of the
dev conversations, label = the sentence overlaps a gold quote; later conversations held out) and stored as
data in ``selection_model.json`` with their provenance. Scoring is numpy only: one dot product per sentence.
"""

from __future__ import annotations

import json
import math
from collections.abc import Sequence
from dataclasses import dataclass
from functools import lru_cache
from pathlib import Path

import numpy as np

from answer.answer_types import expected_types, gives_expected_type
from answer.candidates import Candidate
from answer.quantities import condition_match, question_values
from answer.recommendation_cues import has_strength
from answer.text import token_set, word_count
from answer.topic import QueryTopic, TermWeight, lexical_share, query_topic, query_weights
from retrieval.followup import split_context

MODEL_FILE = Path(__file__).resolve().parent / "selection_model.json"

FEATURES: tuple[str, ...] = (
    "topic_coverage",  # the whole (rewritten) query's topic in the sentence
    "own_coverage",  # the turn's own words (not the carried-over context) in the sentence
    "own_coverage_with_headings",  # ... in the sentence, its headings and the document title
    "context_coverage",  # the carried-over topic in the sentence
    "context_coverage_with_headings",
    "lexical",  # idf-weighted share of all query words
    "heading_coverage",  # the topic in the nearest heading
    "passage_score",  # fused retrieval score relative to the best passage
    "passage_cosine",  # the passage's embedding cosine to the query
    "is_recommendation",
    "is_graded",
    "facet_match",  # the sentence's facet is the one asked about
    "document_rank",  # 1 / (1 + rank of its document among the retrieved ones)
    "passage_rank",  # 1 / (1 + rank of its passage)
    "long_sentence",
    "table_row",
    "log_words",
    "is_follow_up",  # the query carries context from earlier turns
    "condition_match",  # +1: a stated range contains the patient's age/weight/lab value; -1: all exclude it
    "answer_type",  # holds the kind of answer the question asks for (duration, dose, interval, target)
)


@dataclass(frozen=True)
class SelectionModel:
    mean: np.ndarray
    scale: np.ndarray
    coef: np.ndarray
    intercept: float
    provenance: str = ""

    def probabilities(self, features: np.ndarray) -> np.ndarray:
        z = ((features - self.mean) / self.scale) @ self.coef + self.intercept
        return 1.0 / (1.0 + np.exp(-z))

    def to_json(self) -> dict:
        return {
            "features": list(FEATURES),
            "mean": self.mean.round(6).tolist(),
            "scale": self.scale.round(6).tolist(),
            "coef": self.coef.round(6).tolist(),
            "intercept": round(self.intercept, 6),
            "provenance": self.provenance,
        }


def load_model(path: Path = MODEL_FILE) -> SelectionModel | None:
    """The fitted model, or None when none has been fitted (the hand-set weights are used then)."""
    if not path.is_file():
        return None
    return _load(str(path))


@lru_cache(maxsize=4)
def _load(path: str) -> SelectionModel:
    try:
        data = json.loads(Path(path).read_text(encoding="utf-8"))
        if tuple(data["features"]) != FEATURES:
            raise ValueError(f"features {data['features']} differ from this version's {list(FEATURES)}")
        return SelectionModel(
            np.asarray(data["mean"], dtype=np.float64),
            np.asarray(data["scale"], dtype=np.float64),
            np.asarray(data["coef"], dtype=np.float64),
            float(data["intercept"]),
            str(data.get("provenance", "")),
        )
    except (KeyError, TypeError, ValueError) as err:
        raise ValueError(f"{path}: malformed selection model ({err})") from err


def feature_matrix(
    query: str,
    candidates: Sequence[Candidate],
    wanted_facet: str | None,
    idf: dict[str, float],
    facet_of: dict[int, str],
    term_weight: TermWeight | None = None,
    topic: QueryTopic | None = None,
) -> np.ndarray:
    """One row of FEATURES per candidate (``facet_of`` maps id(candidate) to its facet; ``topic`` is the
    whole query's, when the caller has it already)."""
    own, context = split_context(query)
    topic = topic if topic is not None else query_topic(query, idf, term_weight)
    own_topic = query_topic(own, idf, term_weight)
    context_topic = query_topic(context, idf, term_weight) if context.strip() else QueryTopic(())
    weights = query_weights(query)
    values, expected = question_values(own), expected_types(own)
    top_score = max((c.hit_score for c in candidates), default=0.0) or 1.0
    doc_rank: dict[str, int] = {}
    for c in candidates:
        doc_rank.setdefault(c.doc.doc_id, len(doc_rank))
    rows = []
    for c in candidates:
        with_headings = c.tokens | c.context_tokens
        graded = c.recommendation is not None and has_strength(c.text, c.recommendation)
        words = word_count(c.text)
        rows.append(
            [
                topic.coverage(c.tokens),
                own_topic.coverage(c.tokens),
                own_topic.coverage(with_headings),
                context_topic.coverage(c.tokens),
                context_topic.coverage(with_headings),
                lexical_share(weights, c, idf),
                topic.coverage(token_set(c.heading)),
                c.hit_score / top_score,
                c.hit_dense,
                float(c.recommendation is not None),
                float(graded),
                float(wanted_facet is not None and facet_of[id(c)] == wanted_facet),
                1.0 / (1 + doc_rank[c.doc.doc_id]),
                1.0 / (1 + c.hit_rank),
                float(words > 50),
                float(c.text.lstrip().startswith("|")),
                math.log(1 + words),
                float(bool(context.strip())),
                condition_match(values, c.text),
                gives_expected_type(expected, c.text),
            ]
        )
    return np.asarray(rows, dtype=np.float64).reshape(len(rows), len(FEATURES))
