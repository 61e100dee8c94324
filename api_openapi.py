"""The answer's JSON schema (answer/answer.schema.json) made fit for the OpenAPI document.

The ask route returns exactly what ``curbside ask --json`` prints; putting that schema in the spec lets
clients generate types from it and lets the schemathesis run check every answer body against it.
"""

from __future__ import annotations

import json
from pathlib import Path
from typing import Any

ANSWER_SCHEMA_PATH = Path(__file__).resolve().parent / "answer" / "answer.schema.json"
CONVERSATION_HEADER = "X-Conversation-ID"
TURN_HEADER = "X-Turn-Index"


def _inline(node: Any, defs: dict[str, Any]) -> Any:
    # "#/$defs/x" would resolve against the OpenAPI document's root, so each reference is inlined.
    if isinstance(node, dict):
        ref = node.get("$ref")
        if isinstance(ref, str) and ref.startswith("#/$defs/"):
            return _inline(defs[ref.removeprefix("#/$defs/")], defs)
        return {k: _inline(v, defs) for k, v in node.items() if k not in ("$defs", "$schema", "$id")}
    if isinstance(node, list):
        return [_inline(x, defs) for x in node]
    return node


def answer_schema() -> dict[str, Any]:
    """The answer schema with its definitions inlined; a plain object if the file is not there."""
    try:
        raw = json.loads(ANSWER_SCHEMA_PATH.read_text(encoding="utf-8"))
    except FileNotFoundError:
        return {"type": "object"}
    return _inline(raw, raw.get("$defs", {}))


def ask_responses() -> dict[int | str, dict[str, Any]]:
    header = {"schema": {"type": "string"}}
    return {
        200: {
            "description": "The answer, as `curbside ask --json` prints it.",
            "content": {"application/json": {"schema": answer_schema()}},
            "headers": {
                CONVERSATION_HEADER: {**header, "description": "Pass as conversation_id to follow up."},
                TURN_HEADER: {"schema": {"type": "integer"}, "description": "This turn's 0-based index."},
            },
        },
        404: {"description": "Unknown or expired conversation_id."},
        422: {"description": "Bad input; the detail names the field."},
        503: {"description": "The index is still loading."},
    }
