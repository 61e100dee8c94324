"""The whole path through the ``curbside`` command, on a small real index built from the default corpus."""

from __future__ import annotations

import json
import os
import subprocess
import sys
from dataclasses import replace
from pathlib import Path

import pytest

from curbside.settings import Settings

GOUT_PREFIX = "open-medicine:acr_gout_2020/"
# Other guidelines give the lexical statistics a realistic spread
# (in a gout-only index "gout" is in every passage and so carries no weight).
OTHER_GUIDELINES = (
    "open-medicine:acc_aha_af_2023/",
    "open-medicine:gina_asthma_2024/",
    "open-medicine:kdigo_aki_2012/",
)


def _run(home: Path, *args: str) -> subprocess.CompletedProcess[str]:
    env = dict(os.environ, CURBSIDE_HOME=str(home))
    return subprocess.run(
        [sys.executable, "-m", "curbside.cli", *args],
        capture_output=True, text=True, env=env, timeout=600, check=False,
    )


@pytest.fixture(scope="module")
def small_home(tmp_path_factory: pytest.TempPathFactory) -> Path:
    """An index of a few guidelines plus the built-in corpus documents (a few hundred chunks)."""
    from index.versions import reindex
    from ingest import default_corpus_documents

    home = tmp_path_factory.mktemp("home")
    docs = [
        d for d in default_corpus_documents()
        if d.doc_id.startswith((GOUT_PREFIX, "curbside-corpus:", *OTHER_GUIDELINES))
    ]
    assert any(d.doc_id.startswith(GOUT_PREFIX) for d in docs)
    reindex(docs, replace(Settings(), home=home), progress=False)
    return home


def test_gout_question_answers_from_acr_guideline_with_strength(small_home: Path) -> None:
    proc = _run(small_home, "ask", "--json", "What is first-line treatment for an acute gout flare?")
    assert proc.returncode == 0, proc.stderr
    answer = json.loads(proc.stdout)
    assert not answer["refused"]
    assert answer["guidelines"], "the guideline section is empty"
    refs = {r["number"]: r for r in answer["references"]}
    first = answer["guidelines"][0]
    cited_docs = {refs[c["ref"]]["doc"]["doc_id"] for c in first["citations"]}
    assert any(d.startswith(GOUT_PREFIX) for d in cited_docs)
    strengths = [s["recommendation"]["strength"] for s in answer["guidelines"] if s.get("recommendation")]
    assert any(s and "Strong" in s for s in strengths), strengths
    text = _run(small_home, "ask", "What is first-line treatment for an acute gout flare?").stdout
    assert text.index("From the Guidelines") < text.index("References")
    assert "Strong" in text


def test_every_statement_is_found_in_its_cited_span(small_home: Path) -> None:
    proc = _run(small_home, "ask", "--json", "Should stem cell injections be used for knee osteoarthritis?")
    assert proc.returncode == 0, proc.stderr
    answer = json.loads(proc.stdout)
    from index.layout import open_current

    reader = open_current(replace(Settings(), home=small_home))
    statements = answer["bottom_line"] + answer["guidelines"] + answer["evidence_note"]
    statements += [s for facet in answer["research"] for s in facet["statements"]]
    assert statements
    for statement in statements:
        assert statement["citations"], statement
        for citation in statement["citations"]:
            chunk = reader.chunk_by_id(citation["chunk_id"])
            assert chunk is not None
            span = chunk.text[citation["start"] - chunk.start : citation["end"] - chunk.start]
            assert statement["text"] in span


def test_off_corpus_question_is_refused_without_citations(small_home: Path) -> None:
    proc = _run(small_home, "ask", "--json", "What is the capital of France?")
    assert proc.returncode == 0, proc.stderr
    answer = json.loads(proc.stdout)
    assert answer["refused"] is True
    assert answer["guidelines"] == [] and answer["research"] == [] and answer["bottom_line"] == []
    assert answer["references"] == []
    text = _run(small_home, "ask", "What is the capital of France?").stdout
    assert "no evidence" in text.lower()


def test_help_lists_the_commands() -> None:
    proc = subprocess.run([sys.executable, "-m", "curbside.cli", "--help"], capture_output=True, text=True,
                          check=False)
    assert proc.returncode == 0
    for command in ("ask", "chat", "serve", "ingest", "reindex", "index", "eval"):
        assert command in proc.stdout


def test_errors_are_one_line_not_a_traceback(tmp_path: Path) -> None:
    bad_flag = _run(tmp_path, "ask", "--no-such-flag", "x")
    assert bad_flag.returncode == 2
    assert "Traceback" not in bad_flag.stderr
    missing = _run(tmp_path, "ingest", str(tmp_path / "does-not-exist.md"))
    assert missing.returncode != 0
    assert "Traceback" not in missing.stderr
    assert "does-not-exist.md" in missing.stderr + missing.stdout


def test_chat_carries_the_conversation(small_home: Path) -> None:
    env = dict(os.environ, CURBSIDE_HOME=str(small_home))
    proc = subprocess.run(
        [sys.executable, "-m", "curbside.cli", "chat", "--format", "json"],
        input="What is first-line treatment for an acute gout flare?\nand the colchicine dose?\n",
        capture_output=True, text=True, env=env, timeout=600, check=False,
    )
    assert proc.returncode == 0, proc.stderr
    decoder = json.JSONDecoder()
    answers, pos, out = [], 0, proc.stdout
    while True:
        while pos < len(out) and out[pos].isspace():
            pos += 1
        if pos >= len(out):
            break
        obj, pos = decoder.raw_decode(out, pos)
        answers.append(obj)
    assert len(answers) == 2
    follow_up = answers[1]["interpreted_as"].lower()
    assert "gout" in follow_up and "colchicine" in follow_up
