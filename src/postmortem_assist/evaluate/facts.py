"""Fact accuracy of ``summarize`` on the gold note sets (times within tolerance, exact
numbers, forbidden names absent). Works on whatever ``summarize`` returns: a pydantic
model, a dataclass, a dict or text, by reading its fields and its rendered text.
"""

from __future__ import annotations

import dataclasses
import json
from datetime import datetime, timedelta
from typing import Any

from .gold import NoteSet

TIME_FIELDS = ("start", "detected", "mitigated", "resolved")
TOLERANCE = timedelta(minutes=1)


def _plain(obj: Any) -> Any:
    if hasattr(obj, "model_dump"):
        return obj.model_dump(mode="json")
    if dataclasses.is_dataclass(obj) and not isinstance(obj, type):
        return dataclasses.asdict(obj)
    return obj


def _find(obj: Any, key: str) -> Any:
    """First value under ``key`` anywhere in nested dicts/lists."""
    if isinstance(obj, dict):
        if key in obj:
            return obj[key]
        for v in obj.values():
            found = _find(v, key)
            if found is not None:
                return found
    elif isinstance(obj, list):
        for v in obj:
            found = _find(v, key)
            if found is not None:
                return found
    return None


def _when(value: Any) -> datetime | None:
    if isinstance(value, datetime):
        return value.replace(tzinfo=None) if value.tzinfo is None else value
    if isinstance(value, dict):
        value = value.get("iso") or value.get("time") or value.get("utc")
    if not isinstance(value, str):
        return None
    try:
        return datetime.fromisoformat(value.replace("Z", "+00:00"))
    except ValueError:
        return None


def _same_time(expected: Any, got: Any) -> bool:
    e, g = _when(expected), _when(got)
    if e is None or g is None:
        return False
    if (e.tzinfo is None) != (g.tzinfo is None):
        return False  # a naive local time must not be presented as UTC, and vice versa
    return abs(e - g) <= TOLERANCE


def _output_text(data: Any) -> str:
    """The generated text a reader sees: the draft and Issue Summary when present."""
    if isinstance(data, str):
        return data
    if isinstance(data, dict):
        parts = [data.get(k) for k in ("issue_summary", "abstractive_summary", "draft")]
        text = "\n".join(p for p in parts if isinstance(p, str))
        if text.strip():
            return text
    return json.dumps(data, default=str, ensure_ascii=False)


def score_note_set(note: NoteSet, result: Any) -> dict[str, Any]:
    """Checks of one summary against its expected facts: each check true/false."""
    data = _plain(result)
    text = _output_text(data)
    exp = note.expected
    checks: dict[str, bool] = {}
    for f in TIME_FIELDS:
        if exp.get(f) is not None:
            checks[f"time:{f}"] = _same_time(exp[f], _find(data, f))
    if exp.get("duration_minutes") is not None:
        got = _find(data, "duration_minutes")
        if got is None and isinstance(data, dict) and isinstance(data.get("durations"), dict):
            got = data["durations"].get("total")
        want = float(exp["duration_minutes"])
        checks["duration_minutes"] = isinstance(got, int | float) and abs(got - want) <= 1
    for num in exp.get("impact_numbers") or []:
        checks[f"number:{num}"] = str(num) in text
    for bad in exp.get("must_not_appear") or []:
        checks[f"absent:{bad}"] = str(bad) not in text
    return {"checks": checks, "passed": sum(checks.values()), "total": len(checks)}
