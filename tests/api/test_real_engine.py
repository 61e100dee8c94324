"""The API over the real engine on a tiny index built from three Markdown documents.

Covers what the fake engine cannot: real retrieval and citations, passages whose highlight is exactly
the cited span of the document, readiness counts from the real index, and a re-index job that swaps a
new version in while questions keep being answered.
"""

from __future__ import annotations

import json
import threading
import time
from collections.abc import Iterator
from pathlib import Path

import pytest
from fastapi.testclient import TestClient

import api
from curbside.settings import Settings
from curbside.types import Document
from tests.api.fake_engine import ADMIN_TOKEN, make_settings

GOUT = """---
title: Management of acute gout flares
tier: guideline
organization: Example Rheumatology Society
year: 2021
---
# Management of acute gout flares

## Recommendations

For an acute gout flare, colchicine, a nonsteroidal anti-inflammatory drug or a glucocorticoid is \
recommended as first-line treatment.
Low-dose colchicine is preferred over high-dose colchicine because it is as effective with fewer \
gastrointestinal adverse effects.
Treatment should start as early as possible, ideally within 24 hours of the onset of the flare.
"""

COLCHICINE = """---
title: Colchicine dosing for gout flares - a systematic review
tier: systematic_review
journal: Example Journal of Rheumatology
year: 2019
---
# Colchicine dosing for gout flares: a systematic review

## Results

Across randomised trials, low-dose colchicine relieved gout flare pain as well as high-dose colchicine.
Diarrhoea was far more frequent with high-dose colchicine than with low-dose colchicine.
In chronic kidney disease the colchicine dose should be reduced and repeated courses avoided.
"""

HYPERTENSION = """---
title: Blood pressure targets in adults
tier: guideline
organization: Example Cardiology Society
year: 2022
---
# Blood pressure targets in adults

## Recommendations

Adults with hypertension should be treated to a systolic blood pressure below 130 mmHg when tolerated.
Home blood pressure monitoring is recommended to confirm the diagnosis and guide treatment.
"""

ASTHMA = """---
title: Inhaled therapy for adult asthma
tier: guideline
organization: Example Respiratory Society
year: 2023
---
# Inhaled therapy for adult asthma

## Recommendations

Adults with asthma should receive an inhaled corticosteroid-containing controller rather than a \
short-acting beta agonist alone.
"""


GOUT_QUESTION = "What is first-line treatment for an acute gout flare?"


def _write_corpus(folder: Path, texts: dict[str, str]) -> Path:
    folder.mkdir(parents=True, exist_ok=True)
    for name, text in texts.items():
        (folder / f"{name}.md").write_text(text, encoding="utf-8")
    return folder


def _build(home: Path, corpus: Path) -> tuple[Settings, dict[str, Document]]:
    from index.versions import reindex
    from ingest.loaders.markdown import load_markdown

    settings = make_settings(home, max_question_chars=500, max_turns=6)
    documents = {d.doc_id: d for d in (load_markdown(p) for p in sorted(corpus.glob("*.md")))}
    reindex(list(documents.values()), settings, progress=False)
    return settings, documents


def _client(settings: Settings) -> TestClient:
    from answer.service import Curbside

    return TestClient(api.create_app(settings, Curbside(settings, build_default=False, progress=False)))


@pytest.fixture(scope="module")
def tiny(tmp_path_factory: pytest.TempPathFactory) -> Iterator[tuple[TestClient, dict[str, Document]]]:
    root = tmp_path_factory.mktemp("tiny-index")
    corpus = _write_corpus(root / "corpus", {"gout": GOUT, "colchicine": COLCHICINE, "bp": HYPERTENSION})
    settings, documents = _build(root / "home", corpus)
    with _client(settings) as client:
        yield client, documents


def _citations(answer: dict) -> list[dict]:
    statements = answer["bottom_line"] + answer["guidelines"] + answer["evidence_note"]
    statements += [s for facet in answer["research"] for s in facet["statements"]]
    return [c for s in statements for c in s["citations"]]


def test_readiness_counts_the_real_index(tiny) -> None:
    client, documents = tiny
    ready = client.get("/readyz").json()
    assert ready["ready"] is True and ready["n_documents"] == len(documents)
    assert ready["n_chunks"] >= len(documents)


def test_ask_cites_passages_whose_highlight_is_the_cited_span(tiny) -> None:
    client, documents = tiny
    response = client.post("/v1/ask", json={"question": GOUT_QUESTION})
    assert response.status_code == 200
    answer = response.json()
    assert answer["refused"] is False
    citations = _citations(answer)
    assert citations and any(c["doc_id"] == "user:gout" for c in citations)
    for citation in citations:
        passage = client.get(f"/v1/passages/{citation['chunk_id']}",
                             params={"start": citation["start"], "end": citation["end"]})
        assert passage.status_code == 200
        body = passage.json()
        source_text = documents[citation["doc_id"]].text
        assert body["highlight"]["marked"] == source_text[citation["start"]:citation["end"]]
        assert body["text"] == source_text[body["start"]:body["end"]]
        assert body["document"]["doc_id"] == citation["doc_id"]


def test_follow_up_continues_the_conversation(tiny) -> None:
    client, _ = tiny
    first = client.post("/v1/ask", json={"question": GOUT_QUESTION})
    conversation_id = first.headers["X-Conversation-ID"]
    follow = client.post("/v1/ask", json={"question": "and what dose of colchicine?",
                                          "conversation_id": conversation_id})
    assert follow.status_code == 200 and follow.headers["X-Turn-Index"] == "1"
    assert follow.json()["interpreted_as"] != ""
    stored = client.get(f"/v1/conversations/{conversation_id}").json()
    assert [t["question"] for t in stored["turns"]] == [
        GOUT_QUESTION, "and what dose of colchicine?"]


def test_documents_endpoint_serves_metadata_without_paths(tiny) -> None:
    client, documents = tiny
    for doc_id, document in documents.items():
        body = client.get(f"/v1/documents/{doc_id}").json()
        assert (body["title"], body["tier"], body["year"]) == (
            document.meta.title, document.meta.tier, document.meta.year)
        assert not any(str(v).startswith("/") for v in body["extra"].values())  # no server file paths
    assert client.get("/v1/documents/user:missing").status_code == 404


@pytest.mark.parametrize("question", [
    "\u200b\u200b gout \u202e flare \ufeff",  # zero-width and direction marks
    "痛風の発作の治療は？",  # no Latin letters at all
    "🦶🔥 gout?? 🦶🔥",
    "gout " * 99,  # at the configured limit (500 characters)
    "colchicine\x00dose",  # a NUL inside the text
    "\ud83d gout",  # a lone surrogate (valid JSON escape, not valid UTF-8)
])
def test_odd_questions_get_an_answer_or_a_refusal_never_a_500(tiny, question: str) -> None:
    client, _ = tiny
    # Sent as ASCII-escaped JSON: the lone surrogate is a legal JSON escape but cannot be encoded as UTF-8.
    body = json.dumps({"question": question}, ensure_ascii=True)
    response = client.post("/v1/ask", content=body, headers={"Content-Type": "application/json"})
    assert response.status_code in (200, 422), response.text
    if response.status_code == 200:
        assert isinstance(response.json()["refused"], bool)


@pytest.mark.parametrize("question", ["   ", "\n\t ", "\u200b\u3000", "\u0087", "\x0f\ufeff"])
def test_blank_questions_are_422_naming_the_field(tiny, question: str) -> None:
    client, _ = tiny
    response = client.post("/v1/ask", json={"question": question})
    assert response.status_code == 422
    assert response.json()["detail"][0]["loc"] == ["body", "question"]


def test_over_long_question_is_422(tiny) -> None:
    client, _ = tiny
    response = client.post("/v1/ask", json={"question": "gout " * 101})
    assert response.status_code == 422 and response.json()["detail"][0]["loc"] == ["body", "question"]


def test_reindex_swaps_in_a_new_version_while_questions_keep_succeeding(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setenv("CURBSIDE_ADMIN_TOKEN", ADMIN_TOKEN)
    corpus = _write_corpus(tmp_path / "corpus", {"gout": GOUT, "colchicine": COLCHICINE, "bp": HYPERTENSION})
    settings, _ = _build(tmp_path / "home", corpus)
    _write_corpus(corpus, {"asthma": ASTHMA})
    auth = {"Authorization": f"Bearer {ADMIN_TOKEN}"}
    with _client(settings) as client:
        before = client.get("/readyz").json()
        statuses: list[int] = []
        stop = threading.Event()

        def keep_asking() -> None:
            while not stop.is_set():
                statuses.append(client.post("/v1/ask", json={"question": "gout flare treatment"}).status_code)

        asker = threading.Thread(target=keep_asking)
        asker.start()
        try:
            job = client.post("/v1/reindex", json={"sources": [str(corpus)]}, headers=auth)
            assert job.status_code == 202
            deadline = time.monotonic() + 120
            state = job.json()
            while state["state"] in ("queued", "running") and time.monotonic() < deadline:
                time.sleep(0.1)
                state = client.get(f"/v1/jobs/{state['job_id']}", headers=auth).json()
        finally:
            stop.set()
            asker.join(60)
        assert state["state"] == "done", state
        after = client.get("/readyz").json()
        assert after["index_version"] == state["index_version"] != before["index_version"]
        assert (before["n_documents"], after["n_documents"]) == (3, 4)
        assert any("serving 4 documents" in m for m in state["messages"])
        assert statuses and set(statuses) == {200}
        asthma = client.post("/v1/ask", json={"question": "inhaled corticosteroid controller for asthma"})
        assert asthma.status_code == 200 and "user:asthma" in {c["doc_id"] for c in _citations(asthma.json())}
