"""Machine output: a stable JSON document (schema version 1, see README)."""

from __future__ import annotations

import json
from collections import Counter

from .. import __version__
from .report import FileReport

SCHEMA_VERSION = 1


def render_json(reports: list[FileReport]) -> str:
    """``{"version", "tool", "files": [...], "summary": {...}}`` as indented JSON."""
    counts: Counter[str] = Counter(f.severity.value for r in reports for f in r.findings)
    payload = {
        "version": SCHEMA_VERSION,
        "tool": {"name": "postmortem-assist", "version": __version__},
        "files": [r.model_dump(mode="json", exclude_none=True) for r in reports],
        "summary": {
            "files": len(reports),
            "errors": sum(1 for r in reports if r.error),
            "findings": sum(counts.values()),
            "by_severity": dict(sorted(counts.items())),
        },
    }
    return json.dumps(payload, indent=2, ensure_ascii=False)
