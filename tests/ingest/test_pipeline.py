import argparse
import shutil
from pathlib import Path

import pytest

from curbside.settings import ChunkingSettings, Settings
from ingest import default_corpus_documents, ingest_paths, load_paths
from ingest.cli import register

FIXTURES = Path(__file__).parent / "fixtures"


def settings(tmp_path: Path) -> Settings:
    return Settings(home=tmp_path, chunking=ChunkingSettings())


def run_cli(argv: list[str], tmp_path: Path) -> int:
    parser = argparse.ArgumentParser()
    register(parser.add_subparsers())
    args = parser.parse_args(["ingest", *argv, "--quiet"])
    return args.handler(args, settings(tmp_path))


def test_batch_goes_on_past_failures_and_reports_them(tmp_path: Path) -> None:
    report = ingest_paths([FIXTURES], None, settings(tmp_path), progress=False)
    failed = {Path(f.path).name for f in report.failures}
    assert {
        "bad_front_matter.md",
        "bad_year.md",
        "empty.md",
        "junk.txt",
        "broken.pdf",
        "pubmed_broken.xml",
    } <= failed
    assert "user_corpus.jsonl" in failed  # its bad lines, each with a line number
    assert all(f.line for f in report.failures if f.path.endswith(".jsonl"))
    assert report.documents_by_source["user"] >= 5 and report.documents_by_source["pubmed"] == 2
    assert sum(report.chunks_by_source.values()) == len(report.chunks)
    docs = {d.doc_id: d for d in report.documents}
    assert all(docs[c.doc_id].text[c.start : c.end] == c.text for c in report.chunks)
    lines = report.summary_lines()
    assert any(line.startswith("failures: ") for line in lines)
    assert any("cp1252" in line for line in lines)


def test_duplicates_are_skipped(tmp_path: Path) -> None:
    copy = tmp_path / "again"
    copy.mkdir()
    shutil.copy(FIXTURES / "pubmed_set.xml", copy / "pubmed_set.xml")
    report = ingest_paths([FIXTURES / "pubmed_set.xml", copy], None, settings(tmp_path), progress=False)
    assert report.documents_by_source["pubmed"] == 2
    assert sorted(report.duplicates_skipped) == ["pubmed:11111111", "pubmed:22222222"]


def test_exit_codes(tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    assert run_cli([str(FIXTURES / "plain_guideline.txt")], tmp_path) == 0
    assert run_cli([str(FIXTURES / "junk.txt"), str(FIXTURES / "plain_guideline.txt")], tmp_path) == 1
    assert run_cli([str(FIXTURES / "junk.txt"), "--allow-failures"], tmp_path) == 0
    assert run_cli([str(tmp_path / "nowhere")], tmp_path) == 1
    out = capsys.readouterr().out
    assert "no such file or directory" in out and "binary" in out


def test_open_medicine_name_and_default_corpus() -> None:
    docs = list(load_paths(["open-medicine"], limit=3))
    assert len(docs) == 3 and all(d.doc_id.startswith("open-medicine:") for d in docs)
    corpus = list(default_corpus_documents())
    assert sum(d.meta.source == "open-medicine" for d in corpus) >= 140
    assert all(d.text for d in corpus)
