"""The named evaluation sets, read from the shared real-data folder.

followup-dev (conversations over the guideline corpus), bioasq (Task 7B-10B, sampled with a
fixed seed), pubmedqa (the official PQA-L test split) and evidence-inference (validation
articles; the prompt asked as a question, the doctors' evidence spans as gold).
"""

from __future__ import annotations

import csv
import hashlib
import json
import random
from collections.abc import Callable
from dataclasses import dataclass
from pathlib import Path

from curbside.settings import shared_data_dir
from eval.datasets import (
    Dataset,
    DatasetFormatError,
    EvalConversation,
    EvalTurn,
    GoldEvidence,
    load_conversations,
)

SAMPLE_SEED = 20240917  # fixed so every run (and the baseline) sees the same sampled items
BIOASQ_TASKS = ("7B", "8B", "9B", "10B")
BIOASQ_DEV_SHARE = 0.3
EI_PROMPT = (
    "With respect to {outcome}, characterize the reported difference between {intervention} and {comparator}"
)
# Prompt ids the Evidence Inference authors flag as incorrect (annotations_README.md, "Caveat").
EI_INCORRECT = frozenset(
    int(x)
    for x in """
911 912 1262 1261 3044 3248 3111 3620 4308 4490 4491 4324 4325 4492 4824 5000 5001 5002 5046 5047
4948 5639 5710 5752 5775 5782 5841 5843 5861 5862 5863 5964 5965 5966 5975 4807 5776 5777 5778 5779
5780 5781 6034 6065 6066 6666 6667 6668 6669 7040 7042 7944 8590 8605 8606 8639 8640 8745 8747 8749
8877 8878 8593 8631 8635 8884 8886 8773 10032 10035 8876 8875 8885 8917 8921 8118 10885 10886 10887
10888 10889 10890
""".split()
)


def bioasq_snippet_id(text: str) -> str:
    """The snippet corpus keys each distinct snippet text by its SHA-1 (first 16 hex digits)."""
    return "bioasq-snippet:" + hashlib.sha1(text.encode("utf-8")).hexdigest()[:16]


def is_bioasq_dev(question_id: str, dev_share: float = BIOASQ_DEV_SHARE) -> bool:
    """The retrieval benchmarks' fixed dev/test split (by hash of the question id); the same rule as
    retrieval.benchmarks.ranking.split_dev_test, so no question that tuned retrieval is scored here."""
    bucket = int(hashlib.sha1(question_id.encode()).hexdigest()[:8], 16) / 0xFFFFFFFF
    return bucket < dev_share


def followup_dev(root: Path) -> Dataset:
    data = load_conversations(root / "eval" / "followup_dev.jsonl", name="followup-dev", corpus="guidelines")
    return Dataset(
        data.name,
        data.conversations,
        data.corpus,
        "Clinician follow-up conversations over open-medicine + USPSTF + NSTG.",
    )


def bioasq(root: Path, sample: int | None = 300) -> Dataset:
    """BioASQ 7B-10B golden questions: gold = their snippets (snippet-corpus ids) and PubMed ids."""
    seen: dict[str, EvalConversation] = {}
    for task in BIOASQ_TASKS:
        folder = root / "research" / "bioasq" / f"Task{task}GoldenEnriched"
        for path in sorted(folder.glob("*_golden.json")):
            try:
                questions = json.loads(path.read_text(encoding="utf-8"))["questions"]
            except (json.JSONDecodeError, KeyError) as exc:
                raise DatasetFormatError(path, None, f"not a BioASQ golden file ({exc})") from None
            for q in questions:
                if q["id"] in seen or not q.get("snippets"):
                    continue
                gold = tuple(GoldEvidence(bioasq_snippet_id(s["text"]), s["text"]) for s in q["snippets"])
                pmids = {"pubmed:" + d.rstrip("/").rsplit("/", 1)[-1]: 1 for d in q.get("documents", [])}
                turn = EvalTurn(q["body"], True, gold, q.get("type"), relevant=pmids, turn_id=q["id"])
                seen[q["id"]] = EvalConversation(q["id"], (turn,))
    # Only the test part: the dev part tunes retrieval (its research relevance floor).
    items = sorted(
        (c for c in seen.values() if not is_bioasq_dev(c.conversation_id)), key=lambda c: c.conversation_id
    )
    random.Random(SAMPLE_SEED).shuffle(items)
    if sample is not None:
        items = items[:sample]
    return Dataset(
        "bioasq",
        items,
        "bioasq",
        f"BioASQ {'/'.join(BIOASQ_TASKS)} golden questions of the test part, {len(items)} in a fixed-seed "
        f"order (seed {SAMPLE_SEED}).",
    )


def pubmedqa(root: Path) -> Dataset:
    """PubMedQA PQA-L official test split: the question's own abstract is the gold document."""
    folder = root / "research" / "pubmedqa"
    records = json.loads((folder / "ori_pqal.json").read_text(encoding="utf-8"))
    test = json.loads((folder / "test_ground_truth.json").read_text(encoding="utf-8"))
    items = []
    for pmid, decision in test.items():
        rec = records.get(pmid)
        if rec is None:
            raise DatasetFormatError(
                folder / "test_ground_truth.json", None, f"PMID {pmid} absent from ori_pqal.json"
            )
        turn = EvalTurn(
            rec["QUESTION"],
            True,
            (GoldEvidence(f"pubmed:{pmid}", rec.get("LONG_ANSWER")),),
            decision,
            relevant={f"pubmed:{pmid}": 1},
            turn_id=pmid,
        )
        items.append(EvalConversation(pmid, (turn,)))
    return Dataset("pubmedqa", items, "pubmedqa", "PubMedQA PQA-L official test split (500 questions).")


@dataclass(frozen=True)
class EvidenceAnnotation:
    prompt_id: int
    pmcid: str
    outcome: str
    intervention: str
    comparator: str
    label: str
    evidence: str
    start: int
    end: int


def evidence_inference_annotations(root: Path, split: str = "validation") -> list[EvidenceAnnotation]:
    """Valid v2 annotations with aligned offsets for the articles of one split (ev2_<split>_article_ids)."""
    folder = root / "research" / "evidence_inference"
    articles = set((folder / "splits" / f"ev2_{split}_article_ids.txt").read_text().split())
    prompts: dict[int, dict[str, str]] = {}
    with (folder / "prompts_merged.csv").open(encoding="utf-8") as fh:
        for row in csv.DictReader(fh):
            prompts[int(row["PromptID"])] = row
    out: list[EvidenceAnnotation] = []
    with (folder / "v2_annotations.csv").open(encoding="utf-8") as fh:
        for line, row in enumerate(csv.DictReader(fh), start=2):
            try:
                pid, start, end = int(row["PromptID"]), int(row["Evidence Start"]), int(row["Evidence End"])
            except (KeyError, ValueError) as exc:
                raise DatasetFormatError(folder / "v2_annotations.csv", line, f"bad field ({exc})") from None
            if row["PMCID"] not in articles or pid in EI_INCORRECT or pid not in prompts or start < 0:
                continue
            if (
                row["Valid Label"] != "True"
                or row["Label"] == "invalid prompt"
                or not row["Annotations"].strip()
            ):
                continue
            p = prompts[pid]
            out.append(
                EvidenceAnnotation(
                    pid,
                    row["PMCID"],
                    p["Outcome"],
                    p["Intervention"],
                    p["Comparator"],
                    row["Label"],
                    row["Annotations"],
                    start,
                    end,
                )
            )
    return out


def evidence_inference(root: Path, split: str = "validation") -> Dataset:
    """Each prompt asked as a question; every annotated evidence span of it is gold."""
    by_prompt: dict[int, list[EvidenceAnnotation]] = {}
    for ann in evidence_inference_annotations(root, split):
        by_prompt.setdefault(ann.prompt_id, []).append(ann)
    items = []
    for pid in sorted(by_prompt):
        anns = by_prompt[pid]
        first = anns[0]
        question = EI_PROMPT.format(
            outcome=first.outcome, intervention=first.intervention, comparator=first.comparator
        )
        gold = tuple(dict.fromkeys(GoldEvidence(f"pmc:{a.pmcid}", a.evidence, a.start, a.end) for a in anns))
        turn = EvalTurn(
            question, True, gold, first.label, relevant={f"pmc:{first.pmcid}": 1}, turn_id=str(pid)
        )
        items.append(EvalConversation(str(pid), (turn,)))
    return Dataset(
        "evidence-inference",
        items,
        "evidence-inference",
        f"Evidence Inference 2.0 {split} articles: {len(items)} prompts",
    )


def evidence_inference_articles(root: Path, split: str = "validation") -> list[str]:
    """PMC ids of the split's articles that have prompts, in the order the prompts first name them."""
    return list(
        dict.fromkeys(
            a.pmcid for a in sorted(evidence_inference_annotations(root, split), key=lambda a: a.prompt_id)
        )
    )


def only_articles(dataset: Dataset, pmcids: list[str]) -> Dataset:
    """The prompts of an Evidence Inference set that concern these articles."""
    keep = {f"pmc:{p}" for p in pmcids}
    convs = [c for c in dataset.conversations if c.turns[0].gold[0].doc in keep]
    return Dataset(
        dataset.name,
        convs,
        dataset.corpus,
        f"{dataset.description.rstrip('.')}; the {len(convs)} prompts on the first {len(pmcids)} articles.",
    )


NAMED: dict[str, Callable[[Path], Dataset]] = {
    "followup-dev": followup_dev,
    "bioasq": bioasq,
    "pubmedqa": pubmedqa,
    "evidence-inference": evidence_inference,
}


def load_dataset(name_or_path: str, root: Path | None = None) -> Dataset:
    """A named set (followup-dev, bioasq, pubmedqa, evidence-inference) or a dataset path."""
    if name_or_path in NAMED:
        base = root or shared_data_dir()
        if not base.is_dir():
            raise FileNotFoundError(f"shared data folder {base} is absent (set CURBSIDE_SHARED_DATA)")
        return NAMED[name_or_path](base)
    from eval.datasets import load_path

    path = Path(name_or_path)
    if not path.exists():
        raise FileNotFoundError(
            f"dataset {name_or_path!r} is neither a named set ({', '.join(NAMED)}) nor a path"
        )
    return load_path(path)
