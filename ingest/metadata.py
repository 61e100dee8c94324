"""Small helpers for DocMeta values."""

from __future__ import annotations

from dataclasses import replace

from curbside.types import DocMeta


def with_extra(meta: DocMeta, key: str, value: str) -> DocMeta:
    """A copy of ``meta`` with one more ``extra`` field (DocMeta is frozen)."""
    return replace(meta, extra=meta.extra + ((key, value),))


def extra_value(meta: DocMeta, key: str) -> str | None:
    return dict(meta.extra).get(key)
