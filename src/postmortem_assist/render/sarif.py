"""SARIF 2.1.0 output, so CI systems and code scanning can show findings inline."""

from __future__ import annotations

import json
import re
from pathlib import Path
from typing import Any

from .. import __version__
from ..review.spec import Rule
from .report import FileReport

SARIF_SCHEMA = "https://json.schemastore.org/sarif-2.1.0.json"
LEVEL = {"error": "error", "warning": "warning", "info": "note"}


def render_sarif(reports: list[FileReport], rules: list[Rule]) -> str:
    """One SARIF run with every rule as a reportingDescriptor and one result per finding.

    Columns and ``charOffset``/``charLength`` count Unicode code points
    (``columnKind: unicodeCodePoints``) of the file as written: CRLF line ends count as two
    characters; a UTF-8/16/32 byte-order mark is not counted.
    """
    index = {r.id: i for i, r in enumerate(rules)}
    descriptors = [
        {
            "id": r.id,
            "name": r.id.replace("/", "-"),
            "shortDescription": {"text": short_description(r)},
            "fullDescription": {"text": r.description.strip()},
            "help": {"text": f"{r.why.strip()}\n\nInstead: {r.suggestion.strip()}"},
            "defaultConfiguration": {"level": LEVEL[r.severity.value]},
            "properties": {"tags": [r.family]},
        }
        for r in rules
    ]
    results = []
    for report in reports:
        for f in report.findings:
            result: dict[str, Any] = {
                "ruleId": f.rule,
                "level": LEVEL[f.severity.value],
                "message": {"text": f"{f.message}. Suggestion: {f.suggestion}"},
                "locations": [
                    {
                        "physicalLocation": {
                            "artifactLocation": {"uri": _uri(f.path)},
                            "region": {
                                "startLine": f.line,
                                "startColumn": f.column,
                                "endLine": f.end_line,
                                "endColumn": max(f.end_column, 1),
                                "charOffset": report.file_offset(f.start),
                                "charLength": report.file_offset(f.end)
                                - report.file_offset(f.start),
                            },
                        }
                    }
                ],
            }
            if f.rule in index:
                result["ruleIndex"] = index[f.rule]
            results.append(result)
    notifications = [{"level": "error", "message": {"text": r.error}} for r in reports if r.error]
    run: dict = {
        "tool": {
            "driver": {
                "name": "postmortem-assist",
                "version": __version__,
                "rules": descriptors,
            }
        },
        "columnKind": "unicodeCodePoints",
        "results": results,
        "invocations": [
            {"executionSuccessful": not notifications, "toolExecutionNotifications": notifications}
        ],
    }
    return json.dumps({"$schema": SARIF_SCHEMA, "version": "2.1.0", "runs": [run]}, indent=2)


def short_description(rule: Rule) -> str:
    """The first sentence of the rule's description (its message holds placeholders such
    as ``{match}`` that only a finding can fill)."""
    text = " ".join(rule.description.split())
    m = _SENTENCE_END.search(text)
    return text[: m.start() + 1] if m else text


_SENTENCE_END = re.compile(r"[.!?](?=\s+[A-Z(\"'])|[.!?]$")


def _uri(path: str) -> str:
    """A relative POSIX path for files under the working directory, else as given."""
    if path.startswith("<"):
        return "stdin"
    p = Path(path)
    try:
        return p.resolve().relative_to(Path.cwd()).as_posix()
    except ValueError:
        return p.as_posix()
