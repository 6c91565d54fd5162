"""``assist eval --compare OLD.json NEW.json``: what changed between two runs, regressions
first, so a rule change is judged in one command."""

from __future__ import annotations

import json
import math
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from ..reading import InputError

#: Direction of each metric, by the last key of its path: +1 higher is better, -1 lower.
DIRECTION: dict[str, int] = {
    "precision": 1,
    "recall": 1,
    "f1": 1,
    "micro_f1": 1,
    "macro_f1": 1,
    "macro_f1_core6": 1,
    "macro_f1_ten": 1,
    "macro_f1_all": 1,
    "rouge1": 1,
    "rouge2": 1,
    "rougeL": 1,
    "passed": 1,
    "docs_per_s": 1,
    "per_1k_words": -1,
    "all_rules_per_1k_words": -1,
    "clean_family_findings_per_1k_words": -1,
    "decoy_hits": -1,
    "peak_rss_mb": -1,
}
#: Families of keys whose values are noisy between runs: only a relative change above
#: this counts (timings and memory); quality metrics count any change.
NOISY = {"docs_per_s": 0.2, "peak_rss_mb": 0.2}
#: Subtrees not compared (inputs and settings, not outcomes).
SKIP = ("meta.", "skipped.")


@dataclass(frozen=True)
class Change:
    """One metric that moved."""

    key: str
    old: float | None
    new: float | None
    better: bool | None  # None: appeared, vanished or has no direction

    @property
    def delta(self) -> float:
        if self.old is None or self.new is None:
            return math.inf
        return self.new - self.old


def load_run(path: Path) -> dict[str, Any]:
    """A JSON report written by ``assist eval --out``."""
    try:
        data = json.loads(path.read_text(encoding="utf-8"))
    except FileNotFoundError:
        raise InputError(f"{path}: no such file") from None
    except (OSError, UnicodeDecodeError, json.JSONDecodeError) as exc:
        raise InputError(f"{path}: not a readable JSON report ({exc})") from None
    if not isinstance(data, dict) or "meta" not in data:
        raise InputError(f"{path}: not an `assist eval` JSON report (no 'meta')")
    return data


def flatten(obj: Any, prefix: str = "") -> dict[str, float]:
    """Numeric leaves by dotted path (lists of numbers are skipped: matrices, etc.)."""
    out: dict[str, float] = {}
    if isinstance(obj, dict):
        for k, v in obj.items():
            out.update(flatten(v, f"{prefix}{k}."))
    elif isinstance(obj, bool):
        pass
    elif isinstance(obj, int | float):
        out[prefix[:-1]] = float(obj)
    return out


def _direction(key: str) -> int | None:
    parts = key.split(".")
    for part in reversed(parts[-2:]):  # e.g. decoy_hits.<rule>
        if part in DIRECTION:
            return DIRECTION[part]
    return None


def diff(old: dict[str, Any], new: dict[str, Any]) -> list[Change]:
    """Metrics that changed, regressions first (largest first), then improvements."""
    a, b = flatten(old), flatten(new)
    changes = []
    for key in sorted(set(a) | set(b)):
        if key.startswith(SKIP):
            continue
        d = _direction(key)
        if d is None:
            continue
        x, y = a.get(key), b.get(key)
        if x is not None and y is not None:
            if abs(y - x) < 1e-9:
                continue
            noise = NOISY.get(key.rsplit(".", 1)[-1])
            if noise is not None and abs(y - x) <= noise * max(abs(x), 1e-9):
                continue
            changes.append(Change(key, x, y, (y - x) * d > 0))
        else:
            changes.append(Change(key, x, y, None))
    rank = {False: 0, None: 2, True: 1}
    return sorted(
        changes,
        key=lambda c: (rank[c.better], c.key.startswith("speed."), -abs(c.delta), c.key),
    )


#: Settings that must match for two runs to be comparable.
SETTINGS = ("corpus", "split", "limit", "stages")


def mismatches(old: dict[str, Any], new: dict[str, Any]) -> list[str]:
    """Run settings that differ (the numbers then measure different things)."""
    a, b = old.get("meta", {}), new.get("meta", {})
    return [f"{k}: {a.get(k)!r} -> {b.get(k)!r}" for k in SETTINGS if a.get(k) != b.get(k)]


def render(changes: list[Change], old: Path, new: Path, warnings: list[str] | None = None) -> str:
    """Plain-text report of the changes (also valid Markdown)."""
    head = [f"Warning: the runs differ in {w}" for w in warnings or []]
    if not changes:
        return "\n".join([*head, f"No metric changed between {old} and {new}."])

    def fmt(v: float | None) -> str:
        return "—" if v is None else f"{v:.4g}"

    lines = [*head, f"Comparing {old} -> {new}", ""]
    for title, want in (("Regressions", False), ("Improvements", True), ("Appeared/gone", None)):
        group = [c for c in changes if c.better is want]
        if not group:
            continue
        lines += [f"## {title} ({len(group)})", "", "| metric | old | new | change |"]
        lines.append("|---|---|---|---|")
        for c in group:
            delta = "" if math.isinf(c.delta) else f"{c.delta:+.4g}"
            lines.append(f"| {c.key} | {fmt(c.old)} | {fmt(c.new)} | {delta} |")
        lines.append("")
    return "\n".join(lines)


def compare_files(old: Path, new: Path) -> str:
    """Load two reports and render their differences."""
    a, b = load_run(old), load_run(new)
    return render(diff(a, b), old, new, mismatches(a, b))
