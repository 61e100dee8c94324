"""The three renderings of an Answer: terminal/Markdown, HTML fragment, JSON."""

from __future__ import annotations

import json

from answer.render_html import render_html
from answer.render_text import render_text
from answer.serialize import SCHEMA_PATH, AnswerFormatError, answer_from_dict, answer_to_dict, load_schema
from curbside.types import Answer


def render_json(answer: Answer, indent: int | None = 2) -> str:
    return json.dumps(answer_to_dict(answer), ensure_ascii=False, indent=indent)


__all__ = [
    "SCHEMA_PATH",
    "AnswerFormatError",
    "answer_from_dict",
    "answer_to_dict",
    "load_schema",
    "render_html",
    "render_json",
    "render_text",
]
