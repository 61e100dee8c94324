"""Load failures: one clear line naming the file, the line/record and the reason."""

from __future__ import annotations

from dataclasses import dataclass


@dataclass(frozen=True)
class LoadFailure:
    """A file (or one record in it) that could not be turned into a document."""

    path: str
    line: int | None
    reason: str

    def __str__(self) -> str:
        where = f"{self.path}:{self.line}" if self.line is not None else self.path
        return f"{where}: {self.reason}"


class LoadError(Exception):
    """Raised inside a loader; the pipeline turns it into a LoadFailure and goes on."""

    def __init__(self, reason: str, line: int | None = None) -> None:
        super().__init__(reason)
        self.reason = reason
        self.line = line
