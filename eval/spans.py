"""Locating gold quotes in document text, modulo whitespace and Markdown markup.

Gold quotes are exact substrings of the raw source except for line breaks (OCR text) and
markup (``**``, table ``|``), so both sides are normalised with a map back to raw offsets.
"""

from __future__ import annotations

import re

_MARKUP = re.compile(r"\*\*|\||<br\s*/?>", re.IGNORECASE)
_SPACE = re.compile(r"\s+")


def normalise_with_map(text: str) -> tuple[str, list[int]]:
    """Lower-cased text with markup dropped and whitespace runs collapsed, plus raw offset per character."""
    out: list[str] = []
    index: list[int] = []
    i, n = 0, len(text)
    pending_space = False
    while i < n:
        m = _MARKUP.match(text, i)
        if m:
            pending_space = pending_space or m.group(0) != "**"  # a cell border separates words
            i = m.end()
            continue
        ch = text[i]
        if ch.isspace():
            pending_space = True
        else:
            if pending_space and out:
                out.append(" ")
                index.append(i - 1)
            pending_space = False
            out.append(ch.lower())
            index.append(i)
        i += 1
    return "".join(out), index


def normalise(text: str) -> str:
    return normalise_with_map(text)[0]


def locate(quote: str, text: str) -> tuple[int, int] | None:
    """Raw ``(start, end)`` of ``quote`` inside ``text`` after normalising both, or None."""
    needle = normalise(quote)
    if not needle:
        return None
    hay, index = normalise_with_map(text)
    pos = hay.find(needle)
    if pos < 0:
        return None
    return index[pos], index[pos + len(needle) - 1] + 1


def overlaps(a: tuple[int, int], b: tuple[int, int]) -> bool:
    """Half-open character ranges intersect."""
    return a[0] < b[1] and b[0] < a[1]
