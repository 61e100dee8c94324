"""Answer metrics: ALCE citation faithfulness, gold evidence, guideline-first placement,
refusals, and IR metrics (via ranx).

Each function scores one answer (or one set of runs) from plain inputs, so it can be tested
on hand-made cases; the runner supplies the look-ups (cited text, document text, doc keys).
"""

from __future__ import annotations

from collections.abc import Callable, Iterable, Sequence
from dataclasses import dataclass

from answer.references import all_statements
from curbside.types import Answer, Citation, Reference, Statement
from eval.datasets import EvalTurn
from eval.judge import SupportJudge
from eval.spans import locate, overlaps

DEFAULT_IR_METRICS: tuple[str, ...] = ("recall@5", "recall@10", "recall@20", "ndcg@10", "mrr")


def answer_sections(answer: Answer) -> list[tuple[str, list[Statement]]]:
    """The answer's evidence sections in page order, empty ones dropped (the bottom line is a summary)."""
    sections = [("guidelines", list(answer.guidelines))]
    sections += [(f"research:{f.facet}", list(f.statements)) for f in answer.research]
    sections.append(("evidence_note", list(answer.evidence_note)))
    return [(name, stmts) for name, stmts in sections if stmts]


# ---------------------------------------------------------------- ALCE citation faithfulness


@dataclass(frozen=True)
class StatementScore:
    supported: bool  # citation recall for this statement (0/1)
    precise_citations: int  # citations that are not "irrelevant"
    citations: int


def score_statement(claim: str, passages: Sequence[str], judge: SupportJudge) -> StatementScore:
    """ALCE: recall = the cited passages together support the claim (0 without citations);
    a citation is irrelevant when it alone does not support the claim and the others still do.
    As in ALCE, precision is only credited when the statement is supported at all."""
    if not passages:
        return StatementScore(False, 0, 0)
    supported = judge.supports(claim, list(passages))
    if not supported:
        return StatementScore(False, 0, len(passages))
    if len(passages) == 1:
        return StatementScore(True, 1, 1)
    precise = 0
    for i, passage in enumerate(passages):
        if judge.supports(claim, [passage]):
            precise += 1
            continue
        rest = [p for j, p in enumerate(passages) if j != i]
        if not judge.supports(claim, rest):
            precise += 1  # needed together with the others: relevant
    return StatementScore(True, precise, len(passages))


def citation_faithfulness(
    answer: Answer, cited_text: Callable[[Citation], str], judge: SupportJudge
) -> dict[str, float] | None:
    """Response-level citation recall, precision and fully-supported; None without statements."""
    statements = [s for s in all_statements(answer) if s.text.strip()]
    if not statements:
        return None
    scores = [score_statement(s.text, [cited_text(c) for c in s.citations], judge) for s in statements]
    n_cit = sum(s.citations for s in scores)
    return {
        "citation_recall": sum(s.supported for s in scores) / len(scores),
        "citation_precision": (sum(s.precise_citations for s in scores) / n_cit) if n_cit else 0.0,
        "fully_supported": float(all(s.supported for s in scores)),
        "statements": float(len(scores)),
    }


# ---------------------------------------------------------------- gold evidence


def cited(answer: Answer) -> list[Citation]:
    return [c for s in all_statements(answer) for c in s.citations]


def _gold_match(
    citations: Sequence[Citation],
    turn: EvalTurn,
    doc_keys: Callable[[str], set[str]],
    doc_text: Callable[[str], str | None],
) -> tuple[bool, bool]:
    """(a citation names a gold document, a cited span overlaps a gold quote)."""
    gold_docs = {g.doc for g in turn.gold} | set(turn.relevant_docs())
    cites_doc = any(doc_keys(c.doc_id) & gold_docs for c in citations)
    for c in citations:
        keys = doc_keys(c.doc_id)
        for g in turn.gold:
            if g.doc not in keys:
                continue
            span = (g.start, g.end) if g.start is not None and g.end is not None else None
            if span is None and g.quote:
                text = doc_text(c.doc_id)
                span = locate(g.quote, text) if text is not None else None
            if span is not None and overlaps((c.start, c.end), span):
                return cites_doc, True
    return cites_doc, False


def gold_evidence(
    answer: Answer,
    turn: EvalTurn,
    doc_keys: Callable[[str], set[str]],
    doc_text: Callable[[str], str | None],
) -> dict[str, float] | None:
    """On an answerable turn: is a gold document cited, and does a cited span overlap a gold quote? The
    same for the bottom line alone (what the clinician reads first), when the system writes one."""
    if not turn.answerable or not turn.gold:
        return None
    cites_doc, hit_quote = _gold_match(cited(answer), turn, doc_keys, doc_text)
    scores = {"cites_gold_doc": float(cites_doc), "overlaps_gold_quote": float(hit_quote)}
    if answer.refused or answer.bottom_line:
        summary = [c for s in answer.bottom_line for c in s.citations]
        summary_doc, summary_quote = _gold_match(summary, turn, doc_keys, doc_text)
        scores["bottom_line_cites_gold_doc"] = float(summary_doc)
        scores["bottom_line_overlaps_gold_quote"] = float(summary_quote)
    return scores


# ---------------------------------------------------------------- guideline-first placement


def guideline_placement(answer: Answer) -> dict[str, float] | None:
    """For an answer citing guideline evidence: is the guideline section first and guideline-only?
    ``first_citation_guideline`` asks the weaker, structure-free question (does reading order start
    with a guideline), so that a system without sections can be compared."""
    refs: dict[int, Reference] = {r.number: r for r in answer.references}

    def tier(c: Citation) -> str:
        ref = refs.get(c.ref)
        return ref.doc.tier if ref is not None else "other"

    sections = answer_sections(answer)
    ordered = [c for _, stmts in sections for s in stmts for c in s.citations]
    if not any(tier(c) == "guideline" for c in ordered):
        return None
    first_is_guideline = sections[0][0] == "guidelines"
    guideline_only = all(tier(c) == "guideline" for s in answer.guidelines for c in s.citations)
    return {
        "guideline_first": float(first_is_guideline and guideline_only),
        "first_citation_guideline": float(tier(ordered[0]) == "guideline"),
    }


# ---------------------------------------------------------------- refusals


def refusal_scores(pairs: Iterable[tuple[bool, bool]]) -> dict[str, float]:
    """``pairs`` = (answerable, refused) per turn -> precision/recall of refusing the unanswerable ones."""
    pairs = list(pairs)
    refused = sum(r for _, r in pairs)
    unanswerable = sum(not a for a, _ in pairs)
    correct = sum(r and not a for a, r in pairs)
    precision = correct / refused if refused else float("nan")
    recall = correct / unanswerable if unanswerable else float("nan")
    return {
        "refusal_precision": precision,
        "refusal_recall": recall,
        "refusal_rate": refused / len(pairs) if pairs else float("nan"),
        "unanswerable_turns": float(unanswerable),
    }


# ---------------------------------------------------------------- IR metrics


def ir_metrics(
    qrels: dict[str, dict[str, int]],
    run: dict[str, dict[str, float]],
    metrics: Sequence[str] = DEFAULT_IR_METRICS,
) -> dict[str, float]:
    """Mean IR metrics over the queries of ``qrels`` (a query with no retrieved docs scores 0)."""
    from ranx import Qrels, Run, evaluate  # imported late: ranx compiles with numba on first import

    qrels = {q: {d: g for d, g in docs.items() if g > 0} for q, docs in qrels.items()}
    qrels = {q: docs for q, docs in qrels.items() if docs}
    if not qrels:
        return {m: float("nan") for m in metrics}
    # ranx needs every query present in the run; a never-relevant placeholder keeps empty runs at 0.
    full_run = {q: (dict(run.get(q) or {}) or {"__no_result__": 0.0}) for q in qrels}
    scores = evaluate(Qrels(qrels), Run(full_run), list(metrics), make_comparable=True)
    if isinstance(scores, float):
        scores = {metrics[0]: scores}
    return {m: float(v) for m, v in scores.items()}
