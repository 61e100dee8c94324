"""An engine failure on some question is answered as a refusal naming the request id, never a bare 500."""

from __future__ import annotations

import logging

import pytest
from fastapi.testclient import TestClient

SECRET_DETAIL = "patient Jane Roe, 43, on warfarin"


@pytest.fixture
def breaking_engine(engine):
    """The fake engine, failing for any question that mentions warfarin."""
    real_ask = engine.ask

    def ask(question, conversation=None):  # noqa: ANN001, ANN202
        if "warfarin" in question:
            raise IndexError("list index out of range")
        return real_ask(question, conversation)

    engine.ask = ask
    return engine


def test_engine_failure_becomes_a_refusal_with_the_request_id(
    client: TestClient, breaking_engine, caplog: pytest.LogCaptureFixture
) -> None:
    caplog.set_level(logging.INFO, logger="curbside.api")
    response = client.post("/v1/ask", json={"question": f"dose for {SECRET_DETAIL}"},
                           headers={"X-Request-ID": "req-42"})
    assert response.status_code == 200
    body = response.json()
    assert body["refused"] is True and "req-42" in body["refusal_message"]
    assert body["guidelines"] == [] and body["references"] == []
    assert "IndexError" in caplog.text and "req-42" in caplog.text  # the traceback is kept for operators
    assert SECRET_DETAIL not in caplog.text  # question text stays out of the log


def test_conversation_continues_after_a_failed_turn(client: TestClient, breaking_engine) -> None:
    first = client.post("/v1/ask", json={"question": "gout flare"})
    conversation_id = first.headers["X-Conversation-ID"]
    failed = client.post("/v1/ask", json={"question": "and warfarin?", "conversation_id": conversation_id})
    assert failed.status_code == 200 and failed.json()["refused"] is True
    again = client.post("/v1/ask", json={"question": "and colchicine?", "conversation_id": conversation_id})
    assert again.status_code == 200 and again.headers["X-Turn-Index"] == "2"
    turns = client.get(f"/v1/conversations/{conversation_id}").json()["turns"]
    assert [t["refused"] for t in turns] == [False, True, False]
