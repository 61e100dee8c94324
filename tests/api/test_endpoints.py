"""The routes answer, continue, show and forget conversations, and serve passages and documents."""

from __future__ import annotations

from fastapi.testclient import TestClient


def test_ask_starts_a_conversation_and_follow_up_continues_it(client: TestClient, engine) -> None:
    first = client.post("/v1/ask", json={"question": "gout flare colchicine"})
    assert first.status_code == 200
    body = first.json()
    assert body["refused"] is False and body["guidelines"], body
    conversation_id = first.headers["x-conversation-id"]

    follow_up = {"question": "what about dosing", "conversation_id": conversation_id}
    follow = client.post("/v1/ask", json=follow_up)
    assert follow.status_code == 200
    assert follow.headers["x-conversation-id"] == conversation_id
    assert follow.headers["x-turn-index"] == "1"
    # The engine was given the earlier turn, so it could carry the topic into the follow-up.
    assert engine.asks[-1] == ("what about dosing", 1)
    assert "gout flare colchicine" in follow.json()["interpreted_as"]


def test_conversation_lists_turns_with_their_answers(client: TestClient) -> None:
    cid = client.post("/v1/ask", json={"question": "gout flare"}).headers["x-conversation-id"]
    client.post("/v1/ask", json={"question": "allopurinol titrate", "conversation_id": cid})
    got = client.get(f"/v1/conversations/{cid}")
    assert got.status_code == 200
    turns = got.json()["turns"]
    assert [t["question"] for t in turns] == ["gout flare", "allopurinol titrate"]
    assert [t["index"] for t in turns] == [0, 1]
    assert turns[0]["answer"]["question"] == "gout flare"
    assert "corpus:gout/flare" in turns[0]["cited_doc_ids"]


def test_delete_forgets_the_conversation(client: TestClient) -> None:
    cid = client.post("/v1/ask", json={"question": "gout flare"}).headers["x-conversation-id"]
    assert client.delete(f"/v1/conversations/{cid}").json() == {"conversation_id": cid, "deleted": True}
    assert client.get(f"/v1/conversations/{cid}").status_code == 404
    assert client.delete(f"/v1/conversations/{cid}").status_code == 404
    assert client.post("/v1/ask", json={"question": "more", "conversation_id": cid}).status_code == 404


def test_refusal_is_an_answer_not_an_error(client: TestClient) -> None:
    response = client.post("/v1/ask", json={"question": "zebra xylophone"})
    assert response.status_code == 200
    assert response.json()["refused"] is True and response.json()["refusal_message"]


def test_passage_with_span_splits_out_the_supporting_words(client: TestClient) -> None:
    passage = client.get("/v1/passages/c_pubmed_111", params={"start": 12, "end": 30}).json()
    text = passage["text"]
    assert passage["highlight"] == {"before": text[:12], "marked": text[12:30], "after": text[30:]}
    assert passage["document"]["title"] == "Allopurinol dosing in chronic kidney disease"
    assert (passage["start"], passage["end"]) == (0, len(text))


def test_passage_span_is_clamped_to_the_passage(client: TestClient) -> None:
    passage = client.get("/v1/passages/c_pubmed_111", params={"start": 100, "end": 10_000}).json()
    assert passage["highlight"]["after"] == "" and passage["highlight"]["marked"] == passage["text"][100:]


def test_no_file_path_reaches_the_api(client: TestClient) -> None:
    doc = client.get("/v1/documents/pubmed:111").json()
    assert doc["url"] is None  # a local path stored as url is withheld
    assert doc["extra"] == {"country": "NZ"}
    answer = client.post("/v1/ask", json={"question": "allopurinol dose"}).text
    passage = client.get("/v1/passages/c_pubmed_111").text
    for text in (answer, passage, str(doc)):
        assert "/srv/corpus" not in text


def test_document_ids_with_slashes_resolve(client: TestClient) -> None:
    doc = client.get("/v1/documents/corpus:gout/flare")
    assert doc.status_code == 200 and doc.json()["organization"] == "ACR"


def test_unknown_ids_are_404(client: TestClient) -> None:
    assert client.get("/v1/conversations/nope").status_code == 404
    assert client.get("/v1/passages/nope").status_code == 404
    assert client.get("/v1/documents/nope:1").status_code == 404
    assert client.post("/v1/ask", json={"question": "gout", "conversation_id": "nope"}).status_code == 404


def test_health_and_readiness_report_the_index(client: TestClient) -> None:
    assert client.get("/healthz").json() == {"status": "ok"}
    ready = client.get("/readyz").json()
    assert ready["ready"] is True
    assert (ready["index_version"], ready["n_documents"], ready["n_chunks"]) == ("v000001", 4, 4)


def test_page_and_docs_are_served_without_external_resources(client: TestClient) -> None:
    page = client.get("/")
    assert page.status_code == 200 and "text/html" in page.headers["content-type"]
    assert "http://" not in page.text and "https://" not in page.text
    assert "default-src 'self'" in page.headers["content-security-policy"]
    for asset in ("/static/app.js", "/static/style.css"):
        assert client.get(asset).status_code == 200
    assert client.get("/openapi.json").json()["paths"]["/v1/ask"]["post"]
    assert client.get("/docs").status_code == 200


def test_api_answers_are_not_cached_and_carry_a_request_id(client: TestClient) -> None:
    response = client.post("/v1/ask", json={"question": "gout"}, headers={"X-Request-ID": "abc-123"})
    assert response.headers["cache-control"] == "no-store"
    assert response.headers["x-request-id"] == "abc-123"
    generated = client.get("/healthz", headers={"X-Request-ID": "bad id with spaces"}).headers["x-request-id"]
    assert generated != "bad id with spaces" and len(generated) == 16


def test_method_not_allowed_lists_every_method_of_the_path(client: TestClient) -> None:
    response = client.put("/v1/conversations/abc")
    assert response.status_code == 405
    assert {m.strip() for m in response.headers["allow"].split(",")} >= {"GET", "DELETE"}


def test_ask_body_is_exactly_the_answer_schema(client: TestClient) -> None:
    import json

    import jsonschema

    from api_openapi import ANSWER_SCHEMA_PATH

    schema = json.loads(ANSWER_SCHEMA_PATH.read_text(encoding="utf-8"))
    for question in ("gout flare allopurinol", "zebra xylophone"):
        jsonschema.validate(client.post("/v1/ask", json={"question": question}).json(), schema)
    spec = client.get("/openapi.json").json()["paths"]["/v1/ask"]["post"]["responses"]["200"]
    assert "X-Conversation-ID" in spec["headers"]
    assert spec["content"]["application/json"]["schema"]["additionalProperties"] is False
