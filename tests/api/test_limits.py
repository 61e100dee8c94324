"""Bad input gets a 422 naming the field, unknown ids a 404, and nothing leaks into logs."""

from __future__ import annotations

import logging

import pytest
from fastapi.testclient import TestClient

import api


def _locs(response) -> list[list]:
    return [d["loc"] for d in response.json()["detail"]]


def test_over_long_question_names_the_field(client: TestClient) -> None:
    response = client.post("/v1/ask", json={"question": "gout " * 61})  # 305 characters > limit of 300
    assert response.status_code == 422
    assert _locs(response) == [["body", "question"]]
    assert "300" in response.json()["detail"][0]["msg"]
    assert client.post("/v1/ask", json={"question": "g" * 300}).status_code == 200


def test_too_many_turns_names_the_conversation(client: TestClient) -> None:
    cid = client.post("/v1/ask", json={"question": "gout"}).headers["x-conversation-id"]
    for _ in range(3):  # the fixture allows 4 turns
        assert client.post("/v1/ask", json={"question": "gout", "conversation_id": cid}).status_code == 200
    refused = client.post("/v1/ask", json={"question": "gout", "conversation_id": cid})
    assert refused.status_code == 422 and _locs(refused) == [["body", "conversation_id"]]
    assert len(client.get(f"/v1/conversations/{cid}").json()["turns"]) == 4


@pytest.mark.parametrize(
    ("body", "loc"),
    [
        ({"question": 42}, ["body", "question"]),
        ({"question": ["a"]}, ["body", "question"]),
        ({"question": ""}, ["body", "question"]),
        ({"question": "   \n"}, ["body", "question"]),
        ({}, ["body", "question"]),
        ({"question": "gout", "conversation_id": 7}, ["body", "conversation_id"]),
        ({"question": "gout", "conversation_id": "../../etc"}, ["body", "conversation_id"]),
        ({"question": "gout", "surprise": True}, ["body", "surprise"]),
    ],
)
def test_wrong_types_and_shapes_name_the_field(client: TestClient, body: dict, loc: list) -> None:
    response = client.post("/v1/ask", json=body)
    assert response.status_code == 422
    assert loc in _locs(response)


def test_malformed_json_and_lone_surrogates_are_422(client: TestClient) -> None:
    headers = {"Content-Type": "application/json"}
    not_utf8 = client.post("/v1/ask", content=b'{"question": "\xff\xfe"}', headers=headers)
    assert not_utf8.status_code == 422 and not_utf8.json()["detail"][0]["loc"][0] == "body"
    broken = client.post("/v1/ask", content=b'{"question": "gout', headers=headers)
    assert broken.status_code == 422 and broken.json()["detail"][0]["loc"][0] == "body"
    surrogate = client.post("/v1/ask", content=b'{"question": "gout \\ud800"}', headers=headers)
    assert surrogate.status_code == 422 and _locs(surrogate) == [["body", "question"]]


def test_validation_errors_do_not_echo_the_question(client: TestClient) -> None:
    secret = "Mrs Jane Example DOB 1950 " * 20
    response = client.post("/v1/ask", json={"question": secret})
    assert response.status_code == 422 and "Jane" not in response.text


def test_passage_span_errors_name_the_parameter(client: TestClient) -> None:
    only_start = client.get("/v1/passages/c_pubmed_111", params={"start": 3}).json()
    assert only_start["highlight"]["marked"] == only_start["text"][3:]  # runs to the passage's end
    backwards = client.get("/v1/passages/c_pubmed_111", params={"start": 9, "end": 3})
    assert _locs(backwards) == [["query", "end"]]
    outside = client.get("/v1/passages/c_pubmed_111", params={"start": 5000, "end": 5010})
    assert outside.status_code == 422 and _locs(outside) == [["query", "start"]]
    negative = client.get("/v1/passages/c_pubmed_111", params={"start": -1, "end": 3})
    assert _locs(negative) == [["query", "start"]]


def test_question_text_stays_out_of_logs_by_default(client: TestClient, caplog) -> None:
    with caplog.at_level(logging.INFO, logger="curbside.api"):
        client.post("/v1/ask", json={"question": "gout flare in Mr Zebediah Example"})
    text = caplog.text
    assert "route=/v1/ask status=200" in text
    assert "Zebediah" not in text


def test_question_text_is_logged_when_enabled(settings_with, engine, caplog) -> None:
    settings = settings_with(log_questions=True)
    app = api.create_app(settings, engine)
    with TestClient(app) as client, caplog.at_level(logging.INFO, "curbside.api"):
        client.post("/v1/ask", json={"question": "gout flare in Mr Zebediah Example"})
    assert "Zebediah" in caplog.text


def test_reindex_is_disabled_without_a_configured_token(client: TestClient, monkeypatch, tmp_path) -> None:
    monkeypatch.delenv("CURBSIDE_ADMIN_TOKEN", raising=False)
    response = client.post("/v1/reindex", json={"sources": [str(tmp_path)]},
                           headers={"Authorization": "Bearer anything"})
    assert response.status_code == 403 and "disabled" in response.json()["detail"]


def test_admin_token_is_checked_and_never_logged(client: TestClient, admin_token, tmp_path, caplog) -> None:
    body = {"sources": [str(tmp_path)]}
    with caplog.at_level(logging.DEBUG):
        assert client.post("/v1/reindex", json=body).status_code == 401
        wrong = client.post("/v1/reindex", json=body, headers={"Authorization": "Bearer not-it"})
        assert wrong.status_code == 403
        near_miss = {"Authorization": f"Bearer {admin_token[:-1]}"}
        assert client.post("/v1/reindex", json=body, headers=near_miss).status_code == 403
        assert client.get("/v1/jobs/abc", headers={"Authorization": "Bearer not-it"}).status_code == 403
        ok = client.post("/v1/reindex", json=body, headers={"Authorization": f"Bearer {admin_token}"})
        assert ok.status_code == 202
    assert admin_token not in caplog.text


def test_reindex_sources_must_exist(client: TestClient, admin_token, tmp_path) -> None:
    body = {"sources": [str(tmp_path), str(tmp_path / "missing")]}
    response = client.post("/v1/reindex", json=body, headers={"Authorization": f"Bearer {admin_token}"})
    assert response.status_code == 422 and _locs(response) == [["body", "sources", 1]]


def test_cors_is_off_by_default_and_on_when_configured(client: TestClient, settings_with, engine) -> None:
    origin = {"Origin": "https://ehr.example.org"}
    assert "access-control-allow-origin" not in client.get("/healthz", headers=origin).headers
    settings = settings_with(cors_origins=("https://ehr.example.org",))
    with TestClient(api.create_app(settings, engine)) as allowed:
        headers = allowed.get("/healthz", headers=origin).headers
    assert headers["access-control-allow-origin"] == "https://ehr.example.org"
