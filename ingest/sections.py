"""Section spans from document structure: Markdown headings, or caller-given heading lines."""

from __future__ import annotations

import re

from curbside.types import Section

_ATX_HEADING = re.compile(r"^(#{1,6})[ \t]+(.+?)[ \t]*#*[ \t]*$")
_FENCE = re.compile(r"^\s*(```|~~~)")


def _spans_from_headings(
    text: str, headings: list[tuple[int, int, int, str]], base: int, prefix: tuple[str, ...]
) -> list[Section]:
    """Build sections from (line_start, line_end, level, title); bodies exclude the heading lines."""
    sections: list[Section] = []
    stack: list[tuple[int, str]] = []
    body_start = 0
    path: tuple[str, ...] = prefix
    for line_start, line_end, level, title in headings:
        if text[body_start:line_start].strip():
            sections.append(Section(path=path, start=base + body_start, end=base + line_start))
        while stack and stack[-1][0] >= level:
            stack.pop()
        stack.append((level, title))
        path = prefix + tuple(t for _, t in stack)
        body_start = line_end
    if text[body_start:].strip():
        sections.append(Section(path=path, start=base + body_start, end=base + len(text)))
    return sections


def markdown_sections(text: str, base: int = 0, prefix: tuple[str, ...] = ()) -> list[Section]:
    """Sections of Markdown ``text`` (offsets shifted by ``base``); headings form the path."""
    headings: list[tuple[int, int, int, str]] = []
    in_fence = False
    pos = 0
    for line in text.splitlines(keepends=True):
        line_start, pos = pos, pos + len(line)
        body = line.rstrip("\r\n")
        if _FENCE.match(body):
            in_fence = not in_fence
            continue
        match = None if in_fence else _ATX_HEADING.match(body)
        if match:
            title = match.group(2).replace("**", "").strip()
            headings.append((line_start, pos, len(match.group(1)), title))
    return _spans_from_headings(text, headings, base, prefix)


def heading_sections(text: str, is_heading: re.Pattern[str], base: int = 0) -> list[Section]:
    """Sections of plain text whose heading lines match ``is_heading`` (all at one level)."""
    headings: list[tuple[int, int, int, str]] = []
    pos = 0
    for line in text.splitlines(keepends=True):
        line_start, pos = pos, pos + len(line)
        body = line.strip()
        if body and is_heading.match(body):
            headings.append((line_start, pos, 1, body.rstrip(":").strip()))
    return _spans_from_headings(text, headings, base, ())
