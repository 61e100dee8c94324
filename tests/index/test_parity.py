"""bm25s (Robertson variant) against rank-bm25's BM25Okapi on real PubMedQA abstracts.

The two share the term-frequency part (bm25s omits the constant factor k1 + 1) and the idf
log((N - n + 0.5) / (n + 0.5)) for terms in at most half the documents. For a term in more than
half of them the formula is negative: bm25s clamps it to 0, BM25Okapi replaces it with
epsilon * mean idf. Rankings must therefore be identical exactly when no query term is that common,
and the differences must vanish once BM25Okapi's replaced idf is set to bm25s's 0.
"""

from __future__ import annotations

import json
from pathlib import Path

import numpy as np
import pytest
from rank_bm25 import BM25Okapi

from index.lexical import build_bm25, tokenize_for_bm25

K1, B = 1.2, 0.75
N_DOCS, N_QUERIES = 400, 60


def ranking(scores: np.ndarray, k: int = 10) -> list[int]:
    # Rounding first makes float32 and float64 ties break the same way (by document number).
    rounded = np.round(scores.astype(np.float64), 4)
    return sorted(range(len(scores)), key=lambda i: (-rounded[i], i))[:k]


@pytest.mark.shared_data
@pytest.mark.parametrize("stopwords", ["en", "none"])
def test_bm25s_matches_bm25okapi_where_idf_agrees(shared_data: Path, stopwords: str) -> None:
    records = list(json.loads((shared_data / "research/pubmedqa/ori_pqal.json").read_text()).values())
    corpus = [tokenize_for_bm25(" ".join(r["CONTEXTS"]), stopwords=stopwords) for r in records[:N_DOCS]]
    queries = [tokenize_for_bm25(r["QUESTION"], stopwords=stopwords) for r in records[:N_QUERIES]]
    ours = build_bm25(corpus, K1, B, method="robertson")
    okapi = BM25Okapi(corpus, k1=K1, b=B)
    doc_freq: dict[str, int] = {}
    for tokens in corpus:
        for t in set(tokens):
            doc_freq[t] = doc_freq.get(t, 0) + 1

    agreeing = disagreeing = 0
    for query in queries:
        known = [t for t in query if t in doc_freq]
        ours_scores = np.zeros(N_DOCS)
        if known:
            ours_scores = ours.get_scores_from_ids(ours.get_tokens_ids(known)) * (K1 + 1)
        theirs = okapi.get_scores(query)
        too_common = {t for t in known if doc_freq[t] > N_DOCS / 2}
        if not too_common:
            agreeing += 1
            np.testing.assert_allclose(ours_scores, theirs, rtol=1e-4, atol=1e-4)
            assert ranking(ours_scores) == ranking(theirs), query
        else:
            disagreeing += 1
            saved = {t: okapi.idf[t] for t in too_common}
            okapi.idf.update(dict.fromkeys(too_common, 0.0))  # what bm25s uses for a negative idf
            np.testing.assert_allclose(ours_scores, okapi.get_scores(query), rtol=1e-4, atol=1e-4)
            okapi.idf.update(saved)
    # With stop words kept, most questions contain "the" or "of": few fall in the agreeing case.
    assert agreeing >= (N_QUERIES // 2 if stopwords == "en" else 1)
    if stopwords == "none":
        assert disagreeing > 0  # "the", "of" ... are in most abstracts: the clamped case is exercised
