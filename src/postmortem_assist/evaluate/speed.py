"""Documents per second and peak memory of each evaluation stage.

Peak memory is the process's peak resident set size during the stage: on Linux the
kernel's high-water mark is reset at the start of a stage (``/proc/self/clear_refs``),
elsewhere ``getrusage`` gives the peak since the process started. Worker processes
(``--jobs``) are measured through ``RUSAGE_CHILDREN`` (the largest child).
"""

from __future__ import annotations

import resource
import sys
import time
from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

_STATUS = Path("/proc/self/status")
_CLEAR = Path("/proc/self/clear_refs")


def _reset_peak() -> bool:
    """Reset the kernel's peak-RSS mark; False when this platform cannot."""
    try:
        _CLEAR.write_text("5")
        return True
    except OSError:
        return False


def _peak_mb(resettable: bool) -> float:
    if resettable:
        for line in _STATUS.read_text().splitlines():
            if line.startswith("VmHWM:"):
                return int(line.split()[1]) / 1024
    rss = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss
    return rss / 2**20 if sys.platform == "darwin" else rss / 1024


def _children_mb() -> float:
    rss = resource.getrusage(resource.RUSAGE_CHILDREN).ru_maxrss
    return rss / 2**20 if sys.platform == "darwin" else rss / 1024


@dataclass
class StageTiming:
    """One stage's measurements; set ``docs`` inside the ``with`` block."""

    name: str
    docs: int = 0
    seconds: float = 0.0
    peak_rss_mb: float = 0.0
    workers_peak_rss_mb: float | None = None
    note: str | None = None

    def as_dict(self) -> dict[str, Any]:
        return {
            "docs": self.docs,
            "seconds": round(self.seconds, 2),
            "docs_per_s": (
                round(self.docs / self.seconds, 2) if self.seconds and self.docs else None
            ),
            "peak_rss_mb": round(self.peak_rss_mb, 1),
            "workers_peak_rss_mb": (
                None if self.workers_peak_rss_mb is None else round(self.workers_peak_rss_mb, 1)
            ),
            "note": self.note,
        }


@dataclass
class Speed:
    """All stage timings of a run."""

    stages: list[StageTiming] = field(default_factory=list)

    @contextmanager
    def stage(self, name: str) -> Iterator[StageTiming]:
        """Time a block and record the peak memory reached inside it."""
        timing = StageTiming(name)
        resettable = _reset_peak()
        children_before = _children_mb()
        t0 = time.perf_counter()
        try:
            yield timing
        finally:
            timing.seconds = time.perf_counter() - t0
            timing.peak_rss_mb = _peak_mb(resettable)
            children = _children_mb()
            if children > children_before:
                timing.workers_peak_rss_mb = children
            self.stages.append(timing)

    def as_dict(self) -> dict[str, Any]:
        return {s.name: s.as_dict() for s in self.stages}
