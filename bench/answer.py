"""Composing time on top of retrieval, over the follow-up dev conversations.

Run: ``python bench/answer.py [--corpus guidelines] [--limit N] [--reuse] [--prepared-passages N]``.
Every turn is retrieved once (the baseline, measured in this same run), then composed with the default
settings and with the optional embedding re-rank, and rendered. The table shows p50/p95 per
stage and the question -> rendered answer total, against the targets (compose+render at most
30 ms p95 extra, total under 60 ms p95).
"""

from __future__ import annotations

import argparse
import json
import statistics
import sys
import time
from collections.abc import Callable
from dataclasses import asdict, dataclass, replace
from pathlib import Path

import numpy as np

sys.path.insert(0, str(Path(__file__).resolve().parents[1]))

from answer.candidates import prepared_count  # noqa: E402
from answer.compose import compose  # noqa: E402
from answer.render import render_html, render_text  # noqa: E402
from answer.service import prepare_engine, topic_documents  # noqa: E402
from answer.verify import verify_answer  # noqa: E402
from curbside.settings import AnswerSettings, Settings, shared_data_dir  # noqa: E402
from curbside.types import Conversation, Turn  # noqa: E402


@dataclass(frozen=True)
class RerankSettings(AnswerSettings):
    """The answer settings with the optional embedding re-rank switched on, for comparison."""

    embed_rerank: bool = True


EXTRA_TARGET_MS = 30.0
TOTAL_TARGET_MS = 60.0


def _timed(fn: Callable[[], object]) -> tuple[object, float]:
    start = time.perf_counter()
    value = fn()
    return value, (time.perf_counter() - start) * 1000.0


def _row(name: str, values: list[float]) -> str:
    arr = np.asarray(values)
    p50, p95 = np.percentile(arr, 50), np.percentile(arr, 95)
    return f"| {name:<34} | {p50:8.2f} | {p95:8.2f} | {arr.max():8.2f} |"


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--corpus", default="guidelines", help="evaluation corpus to index and search")
    parser.add_argument("--limit", type=int, default=0, help="first N conversations only (0 = all)")
    parser.add_argument(
        "--reuse", action="store_true", help="serve the corpus index as built, without bringing it up to date"
    )
    parser.add_argument(
        "--prepared-passages", type=int, default=None,
        help="guideline passages prepared before the first question (default: the settings' value; 0 = none)",
    )
    args = parser.parse_args(argv)

    from eval.corpora import corpus_settings, ensure_corpus_index
    from index.embed import Embedder
    from index.layout import open_current
    from retrieval import Retriever

    if args.reuse:
        settings = corpus_settings(Settings(), args.corpus)
    else:
        settings = ensure_corpus_index(Settings(), args.corpus, progress=True)
    index = open_current(settings)
    embedder = Embedder(settings.embedding)
    retriever = Retriever(index, embedder, settings.retrieval)
    path = shared_data_dir() / "eval" / "followup_dev.jsonl"
    lines = path.read_text(encoding="utf-8").splitlines()
    conversations = [json.loads(line) for line in lines if line.strip()]
    if args.limit:
        conversations = conversations[: args.limit]

    if args.prepared_passages is not None:
        prepared = replace(settings.retrieval, prepared_passages=args.prepared_passages)
        settings = replace(settings, retrieval=prepared)
    rerank = RerankSettings(**asdict(settings.answer))
    retrieval_ms, lexical_ms, embedded_ms, warm_ms, render_ms, total_ms = [], [], [], [], [], []
    unfaithful = 0
    # As the server does before it reports ready.
    _, prepare_ms = _timed(lambda: prepare_engine(retriever, settings))
    for conv in conversations:
        conversation = Conversation(conv["id"])
        for turn in conv["turns"]:
            result, r_ms = _timed(lambda q=turn["question"], c=conversation: retriever.retrieve(q, c))
            # Composed as the service composes (index-wide term specificity), then with the re-rank on.
            answer, l_ms = _timed(
                lambda q=turn["question"], r=result: compose(
                    q, r, settings.answer, embed=embedder.encode, term_weight=retriever.specificity
                )
            )
            _, e_ms = _timed(
                lambda q=turn["question"], r=result: compose(
                    q, r, rerank, embed=embedder.encode, term_weight=retriever.specificity
                )
            )
            # The same question again: what composing costs once the passages' sentences were seen (a
            # conversation's guideline comes back turn after turn); the cold figure above is the one that
            # counts.
            _, w_ms = _timed(
                lambda q=turn["question"], r=result: compose(
                    q, r, settings.answer, embed=embedder.encode, term_weight=retriever.specificity
                )
            )
            _, p_ms = _timed(lambda a=answer: (render_text(a), render_html(a)))
            unfaithful += bool(verify_answer(answer, index.chunk_by_id))
            # Recorded as the service records a turn: the next one continues from these documents.
            cited = topic_documents(answer, result)
            conversation.turns.append(Turn(turn["question"], result.query, cited, refused=answer.refused))
            retrieval_ms.append(r_ms)
            lexical_ms.append(l_ms)
            embedded_ms.append(e_ms)
            warm_ms.append(w_ms)
            render_ms.append(p_ms)
            total_ms.append(r_ms + l_ms + p_ms)

    extra = [c + p for c, p in zip(lexical_ms, render_ms, strict=True)]
    print(f"{len(total_ms)} turns over corpus {args.corpus!r} ({index.n_chunks} chunks)")
    print(
        f"server preparation before the first question: {prepare_ms / 1000:.1f} s "
        f"({prepared_count()} guideline passages prepared)"
    )
    print("| stage                              |  p50 ms  |  p95 ms  |  max ms  |")
    print("|------------------------------------|----------|----------|----------|")
    print(_row("retrieval (baseline)", retrieval_ms))
    print(_row("compose (default, lexical)", lexical_ms))
    print(_row("compose with embedding re-rank", embedded_ms))
    print(_row("compose again (sentences seen)", warm_ms))
    print(_row("render text + html", render_ms))
    print(_row("extra over retrieval", extra))
    print(_row("question -> rendered answer", total_ms))
    extra_p95 = float(np.percentile(extra, 95))
    total_p95 = float(np.percentile(total_ms, 95))
    extra_ok = "ok" if extra_p95 <= EXTRA_TARGET_MS else "OVER"
    total_ok = "ok" if total_p95 < TOTAL_TARGET_MS else "OVER"
    ratio = statistics.median(extra) / statistics.median(retrieval_ms)
    print(
        f"extra p95 {extra_p95:.1f} ms (target <= {EXTRA_TARGET_MS:.0f}): {extra_ok}; "
        f"total p95 {total_p95:.1f} ms (target < {TOTAL_TARGET_MS:.0f}): {total_ok}; "
        f"median extra / median retrieval = {ratio:.2f}"
    )
    print(f"answers failing the faithfulness check: {unfaithful}/{len(total_ms)}")
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
