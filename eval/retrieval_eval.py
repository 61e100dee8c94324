"""Retrieval evaluation: follow-up conversations, BioASQ and PubMedQA, written under eval/results/.

Run ``python -m eval.retrieval_eval [--out DIR] [--only conversations,bioasq,pubmedqa] [--calibrate]``.
Indexes are built once under ``<CURBSIDE_HOME>/eval-indexes/<corpus>`` and reused. ``--calibrate`` also
writes the guideline floor fitted on all dev conversations to retrieval/floors.json (the research floor is
written by ``python -m eval.research_floor --write``). The reported refusal accuracy always uses floors
fitted by 5-fold cross-validation over conversations, so no conversation's own labels decide its floor.
"""

from __future__ import annotations

import argparse
import json
from dataclasses import replace
from pathlib import Path
from typing import Any

from curbside.settings import RetrievalSettings, Settings, shared_data_dir
from eval.intervals import hit_records, metric_interval
from retrieval.benchmarks import corpora
from retrieval.benchmarks.conversations import (
    MAX_FALSE_REFUSAL,
    MODES,
    cross_validated_decisions,
    fit_floor,
    load_conversations,
    run_conversation,
)
from retrieval.benchmarks.metrics import balanced_accuracy, evaluate, write_trec_run
from retrieval.benchmarks.ranking import SYSTEMS, rank_queries, split_dev_test
from retrieval.benchmarks.tuning import tune_bm25_and_fusion, tune_fusion
from retrieval.floors import FLOORS_FILE, Floors, PoolFloor, load_floors, save_floors
from retrieval.retriever import Retriever

RESULTS_DIR = Path(__file__).resolve().parent / "results"
# Conversations dev-031 .. dev-040 were never looked at while writing the rewriting rules: reported apart.
HELD_OUT_FROM = 31
EVAL_SETTINGS = RetrievalSettings(k_per_pool=10)
# Fusion settings tuned on the BioASQ dev split, reused for PubMedQA (which has no split of its own).
_TUNED: dict[str, RetrievalSettings] = {}


def _index(name: str, documents: Any, base: Settings, any_search_settings: bool = False) -> Any:
    home = base.home / "eval-indexes" / name
    settings = corpora.corpus_settings(base, home)
    return corpora.build_index(documents, settings, any_search_settings=any_search_settings)


def _documents(name: str, data: Path) -> Any:
    return corpora.bioasq_documents(data) if name == "bioasq" else corpora.pubmedqa_documents(data)


def _embedder(base: Settings) -> Any:
    from index.embed import Embedder

    return Embedder(base.embedding)


def _fmt(value: float) -> str:
    return "—" if value != value else f"{value:.3f}"  # NaN reads as a dash


def _hit_interval(ranked: dict[str, list[str]], qrels: dict[str, set[str]]) -> tuple[float, float]:
    """95% interval of hit@5, resampling whole conversations."""
    return metric_interval(hit_records(ranked, qrels), "hit@5")


def conversations_section(
    base: Settings, out: Path, floors: Floors, calibrate: bool
) -> tuple[list[str], dict]:
    data = shared_data_dir()
    convs = load_conversations(data / "eval" / "followup_dev.jsonl")
    index = _index("guidelines", corpora.guideline_documents(data), base)
    retriever = Retriever(index, _embedder(base), EVAL_SETTINGS, floors=floors)
    outcomes = {mode: [o for c in convs for o in run_conversation(retriever, c, mode)] for mode in MODES}
    qrels = {o.turn.qid: set(o.turn.gold_docs) for o in outcomes["rewrite"]}
    json_out: dict[str, Any] = {"turns": len(outcomes["rewrite"]), "conversations": len(convs)}
    lines = [
        "## Follow-up conversations (followup_dev.jsonl, open-medicine + USPSTF + NSTG index)",
        "",
        "| turns | query | split | n | hit@5 | hit@5 95% interval | MRR@10 |",
        "|---|---|---|---|---|---|---|",
    ]
    for mode in MODES:
        ranked_all = {o.turn.qid: o.ranked_docs for o in outcomes[mode]}
        write_trec_run(ranked_all, out / f"retrieval_conversations_{mode}.trec", f"curbside-{mode}")
        for split, keep in (
            ("all", lambda n: True),
            ("dev 1-30", lambda n: n < HELD_OUT_FROM),
            ("held-out 31-40", lambda n: n >= HELD_OUT_FROM),
        ):
            for kind, first in (("first", True), ("follow-up", False)):
                if first and mode != "alone":
                    continue  # a first turn is searched identically by every mode
                chosen = {
                    o.turn.qid: o.ranked_docs
                    for o in outcomes[mode]
                    if (o.turn.position == 0) == first
                    and o.turn.answerable
                    and keep(int(o.turn.conversation_id.split("-")[1]))
                }
                scores = evaluate(chosen, qrels, ["hit_rate@5", "mrr@10"])
                low, high = _hit_interval(chosen, qrels)
                label = "first turns" if first else "follow-ups"
                qlabel = (
                    "as asked"
                    if first
                    else {
                        "alone": "follow-up alone",
                        "naive": "naive history",
                        "rewrite": "Curbside rewriting",
                    }[mode]
                )
                lines.append(
                    f"| {label} | {qlabel} | {split} | {len(chosen)} | {_fmt(scores['hit_rate@5'])} | "
                    f"[{_fmt(low)}, {_fmt(high)}] | {_fmt(scores['mrr@10'])} |"
                )
                json_out[f"{kind}/{mode}/{split}"] = {
                    "n": len(chosen), **scores, "hit_rate@5_interval": [low, high]
                }
    lines += [
        "",
        'Refusal ("nothing relevant") decision, floors fitted by 5-fold cross-validation over '
        "conversations (no conversation's own labels set its floor; floors refusing more than "
        f"{MAX_FALSE_REFUSAL:.0%} of the answerable training turns are not considered):",
        "",
        "| query | split | balanced accuracy | answerable refused | unanswerable refused |",
        "|---|---|---|---|---|",
    ]
    for mode in ("naive", "rewrite"):
        decisions = cross_validated_decisions(outcomes[mode])
        for split, keep in (("all", lambda n: True), ("held-out 31-40", lambda n: n >= HELD_OUT_FROM)):
            pairs = [
                (d, o.turn.answerable)
                for d, o in zip(decisions, outcomes[mode], strict=True)
                if keep(int(o.turn.conversation_id.split("-")[1]))
            ]
            bacc = balanced_accuracy([p for p, _ in pairs], [t for _, t in pairs])
            false_refusal = sum(not p for p, t in pairs if t) / sum(t for _, t in pairs)
            kept_unanswerable = sum(not p for p, t in pairs if not t) / sum(not t for _, t in pairs)
            lines.append(f"| {mode} | {split} | {bacc:.3f} | {false_refusal:.3f} | {kept_unanswerable:.3f} |")
            json_out[f"refusal/{mode}/{split}"] = bacc
            json_out[f"false_refusal/{mode}/{split}"] = false_refusal
            json_out[f"unanswerable_refused/{mode}/{split}"] = kept_unanswerable
    dense, cov, bacc = fit_floor(outcomes["rewrite"])
    json_out["guideline_floor_fitted_on_all"] = {"dense": dense, "coverage": cov, "balanced_accuracy": bacc}
    lines += [
        "",
        f"Guideline floor fitted on all 40 conversations: dense cosine >= {dense:.3f} and coverage "
        f">= {cov:.3f} (in-sample balanced accuracy {bacc:.3f}).",
        "",
    ]
    if calibrate:
        provenance = (
            "guideline: fitted on all 40 followup_dev conversations (balanced-accuracy grid search, at most "
            f"{MAX_FALSE_REFUSAL:.0%} of answerable turns refused, floors set midway to the next observed "
            "value; follow-ups continuing an answered topic are judged by "
            "coverage alone, so the dense floor is fitted on first questions and new topics, none of which "
            "is unanswerable there)"
        )
        research_note = floors.provenance.partition("; research:")[2]
        if research_note:
            provenance += f"; research:{research_note}"
        floors = Floors(PoolFloor(dense, cov), floors.research, provenance)
        save_floors(floors)
    with (out / "retrieval_conversations_turns.jsonl").open("w", encoding="utf-8") as handle:
        for o in outcomes["rewrite"]:
            handle.write(
                json.dumps(
                    {
                        "qid": o.turn.qid,
                        "query": o.query,
                        "answerable": o.turn.answerable,
                        "gold": sorted(o.turn.gold_docs),
                        "top5": o.ranked_docs[:5],
                        "best_dense": round(o.best_dense, 4),
                        "coverage": round(o.coverage, 4),
                        "missing": o.missing[:5],
                        "topic_shift": o.topic_shift,
                    }
                )
                + "\n"
            )
    return lines, json_out


def ranking_section(
    name: str, base: Settings, out: Path, metrics: list[str]
) -> tuple[list[str], dict]:
    data = shared_data_dir()
    if name == "bioasq":
        queries = corpora.bioasq_queries(data)
        dev, test = split_dev_test(queries)
    else:
        queries = corpora.pubmedqa_queries(data)
        dev, test = [], queries
    # With a dev split, BM25 is tuned from the chunks and vectors alone: the index is rebuilt below with the
    # chosen parameters, so whichever ones it was last built with serve until then.
    index = _index(name, _documents(name, data), base, any_search_settings=bool(dev))
    embedder = _embedder(base)
    qrels = {q.qid: set(q.relevant) for q in queries}
    lines = [
        f"## {name}: {len(test)} test questions"
        + (f" ({len(dev)} dev questions held for tuning)" if dev else ""),
        "",
        "| system | " + " | ".join(metrics) + " |",
        "|---|" + "---|" * len(metrics),
    ]
    json_out: dict[str, Any] = {"test_questions": len(test), "dev_questions": len(dev)}
    settings = _TUNED.get("settings", EVAL_SETTINGS)
    if dev:
        tuned_index, _, bm25_tried = tune_bm25_and_fusion(dev, index, embedder, EVAL_SETTINGS, base.index)
        # The corpus's index rebuilt with the chosen BM25 parameters (vectors carried over); the fusion is
        # then chosen on it, as the reported runs search it.
        index = _index(name, _documents(name, data), replace(base, index=tuned_index))
        settings, variants = tune_fusion(dev, index, embedder, EVAL_SETTINGS)
        _TUNED["settings"] = settings
        json_out["dev_bm25_variants"] = dict(bm25_tried)
        json_out["bm25"] = {"k1": tuned_index.bm25_k1, "b": tuned_index.bm25_b}
        json_out["dev_fusion_variants"] = dict(variants)
        lines[0] += (
            f"; BM25 tuned on dev: k1={tuned_index.bm25_k1} b={tuned_index.bm25_b} (dev hybrid nDCG@10, best "
            "fusion, per k1/b: " + ", ".join(f"{n} {v:.3f}" for n, v in bm25_tried) + "); "
            f"hybrid fusion tuned on dev: {settings.fusion} "
            + (f"k={settings.rrf_k}" if settings.fusion == "rrf" else f"w_dense={settings.dense_weight}")
            + " (dev nDCG@10 per variant: "
            + ", ".join(f"{name} {score:.3f}" for name, score in variants)
            + ")"
        )
    for system in SYSTEMS:
        ranked = rank_queries(system, test, index, embedder, settings)
        write_trec_run(ranked, out / f"retrieval_{name}_{system}.trec", f"curbside-{system}")
        scores = evaluate(ranked, qrels, metrics)
        json_out[system] = scores
        lines.append(f"| {system} | " + " | ".join(_fmt(scores[m]) for m in metrics) + " |")
    return lines + [""], json_out


def main(argv: list[str] | None = None) -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--out", type=Path, default=RESULTS_DIR)
    parser.add_argument("--only", default="conversations,bioasq,pubmedqa")
    parser.add_argument(
        "--calibrate", action="store_true", help="rewrite retrieval/floors.json from the data"
    )
    args = parser.parse_args(argv)
    args.out.mkdir(parents=True, exist_ok=True)
    base = Settings()
    wanted = [s.strip() for s in args.only.split(",") if s.strip()]
    sections = {
        "conversations": lambda: conversations_section(base, args.out, load_floors(), args.calibrate),
        "bioasq": lambda: ranking_section("bioasq", base, args.out, ["ndcg@10", "recall@10"]),
        "pubmedqa": lambda: ranking_section("pubmedqa", base, args.out, ["mrr@10"]),
    }
    for name in wanted:
        if name not in sections:
            parser.error(f"--only: unknown section {name!r}; choose from {', '.join(sections)}")
        part, result = sections[name]()
        # One file pair per section, so sections run at different times still combine into one report.
        (args.out / f"retrieval_{name}.md").write_text("\n".join(part) + "\n", encoding="utf-8")
        (args.out / f"retrieval_{name}.json").write_text(json.dumps(result, indent=2, sort_keys=True) + "\n")
        print("\n".join(part))
    lines = ["# Retrieval evaluation", "", f"Floors: {FLOORS_FILE.name} ({load_floors().provenance})", ""]
    combined: dict[str, Any] = {}
    for name in sections:
        md, js = args.out / f"retrieval_{name}.md", args.out / f"retrieval_{name}.json"
        if md.is_file() and js.is_file():
            lines.append(md.read_text(encoding="utf-8"))
            combined[name] = json.loads(js.read_text(encoding="utf-8"))
    (args.out / "retrieval.md").write_text("\n".join(lines) + "\n", encoding="utf-8")
    (args.out / "retrieval.json").write_text(
        json.dumps(combined, indent=2, sort_keys=True) + "\n", encoding="utf-8"
    )


if __name__ == "__main__":
    main()
