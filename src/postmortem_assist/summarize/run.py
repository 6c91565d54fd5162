"""The ``assist summarize`` job: read notes, summarize, write markdown or JSON.

Exit codes: 0 a draft was written; 2 usage or input error (raised as ``InputError``).
"""

from __future__ import annotations

import json
import sys
from pathlib import Path

from ..reading import InputError, check_output, expand, read_sources, write_output

EXIT_OK = 0


def run_summarize(
    paths: list[str],
    fmt: str = "markdown",
    timezone: str | None = None,
    input_format: str | None = None,
    model: Path | None = None,
    max_bytes: int | None = None,
    output: Path | None = None,
) -> int:
    """Summarize the notes and write the draft (markdown) or every fact (JSON)."""
    from ..reading import MAX_BYTES
    from . import summarize_sources

    if fmt not in {"markdown", "json"}:
        raise InputError(f"unknown output format {fmt!r} (markdown or json)")
    if model is not None and not (Path(model) / "config.json").is_file():
        raise InputError(f"{model}: not a local model folder (no config.json)")
    check_output(output, expand(paths or ["-"]))
    sources = read_sources(paths or ["-"], max_bytes or MAX_BYTES)
    summary = summarize_sources(sources, timezone=timezone, input_format=input_format, model=model)
    if fmt == "json":
        text = json.dumps(summary.model_dump(mode="json"), indent=2, ensure_ascii=False) + "\n"
    else:
        text = summary.draft
    if output is not None:
        write_output(output, text)
    else:
        sys.stdout.write(text)
    for warning in summary.warnings:
        print(f"assist: warning: {warning}", file=sys.stderr)
    return EXIT_OK
