"""Index errors: one base class so callers can catch every index problem at once."""

from __future__ import annotations


class CurbsideIndexError(Exception):
    """Base of every error raised while opening, building or switching an index."""


class IndexNotFound(CurbsideIndexError):
    """No index has been built yet (or the requested version does not exist)."""


class IndexMismatch(CurbsideIndexError):
    """The index was built with another embedding model, dimension, backend or format."""


class IndexCorrupt(CurbsideIndexError):
    """A file is missing or its checksum does not match the manifest."""
