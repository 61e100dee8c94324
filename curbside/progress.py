"""Progress lines for long work: counts, rate and ETA, written to stderr."""

from __future__ import annotations

import sys
import time
from typing import TextIO


class Progress:
    """Report ``done/total`` with rate and ETA at most every ``interval`` seconds.

    Use as ``p = Progress("embedding", total=n, unit="chunks"); p.update(k); p.close()``.
    ``total`` may be None when unknown (then no ETA is shown).
    """

    def __init__(
        self,
        label: str,
        total: int | None = None,
        unit: str = "items",
        interval: float = 2.0,
        stream: TextIO | None = None,
        enabled: bool = True,
    ) -> None:
        self.label = label
        self.total = total
        self.unit = unit
        self.interval = interval
        self.stream = stream if stream is not None else sys.stderr
        self.enabled = enabled
        self.done = 0
        self.extra = ""
        self._start = time.monotonic()
        self._last = 0.0

    def update(self, n: int = 1, extra: str = "") -> None:
        self.done += n
        if extra:
            self.extra = extra
        now = time.monotonic()
        if self.enabled and now - self._last >= self.interval:
            self._last = now
            self._write(now)

    def line(self, now: float | None = None) -> str:
        elapsed = max((now or time.monotonic()) - self._start, 1e-9)
        rate = self.done / elapsed
        parts = [f"{self.label}: {self.done}"]
        if self.total is not None:
            parts[0] += f"/{self.total}"
        parts.append(f"{self.unit}, {rate:.1f}/s")
        if self.total is not None and rate > 0 and self.done < self.total:
            parts.append(f"ETA {(self.total - self.done) / rate:.0f}s")
        if self.extra:
            parts.append(self.extra)
        return " ".join(parts[:1]) + " " + ", ".join(parts[1:])

    def _write(self, now: float) -> None:
        print(self.line(now), file=self.stream, flush=True)

    def close(self) -> None:
        if self.enabled:
            self._write(time.monotonic())
