"""The ``assist review`` job: read inputs, review each, render, decide the exit code."""

from __future__ import annotations

import io
from pathlib import Path
from typing import Any

from rich.console import Console
from rich.markup import escape

from ..config import load_settings
from ..findings import Severity
from ..nlp import check_language
from ..reading import InputError, Source, check_output, expand, read_source, write_output
from ..render import FileReport
from . import analyse_many, engine_for
from .analysis import Analysis
from .spec import load_rules

err = Console(stderr=True, highlight=False)


def run_review(
    paths: list[str],
    fmt: str,
    fail_on: Severity | None,
    config: Path | None,
    select: list[str],
    ignore: list[str],
    categories: bool,
    max_bytes: int,
    output: Path | None,
) -> int:
    """Review every input; a bad file is reported and the others still reviewed."""
    settings = load_settings(config)
    known = {r.id for r in load_rules()} | {r.family for r in load_rules()}
    settings.check_rule_ids(known, ignore)
    if select:
        unknown = [s for s in select if s not in known]
        if unknown:
            raise InputError(f"unknown rule or family: {', '.join(unknown)} (see `assist rules`)")
        settings.disable = sorted({r.family for r in load_rules()})
        settings.enable = list(select)
    settings.disable = [*settings.disable, *ignore]
    engine = engine_for(settings)
    reports: list[FileReport] = []
    good: list[tuple[FileReport, Source]] = []
    names = _names(paths, reports)
    check_output(output, names)
    for name in names:
        try:
            source = read_source(name, max_bytes)
            check_language(source)
        except InputError as exc:
            reports.append(FileReport(path=name, error=str(exc)))
            continue
        good.append((FileReport(path=name, crlf=source.crlf), source))
        reports.append(good[-1][0])
    for (report, _), analysis in zip(good, analyse_many([s for _, s in good]), strict=True):
        report.findings = engine.review(analysis)
        if categories:
            report.categories = _categories(analysis)
    _emit(reports, fmt, output)
    for report in reports:  # per-file errors go to stderr, like the other commands
        if report.error:
            err.print(f"[bold red]assist: error:[/] {escape(report.error)}", soft_wrap=True)
    threshold = (fail_on or settings.fail_on).rank
    if any(r.error for r in reports):
        return 2
    return 1 if any(f.severity.rank >= threshold for r in reports for f in r.findings) else 0


def _names(paths: list[str], reports: list[FileReport]) -> list[str]:
    """Expand each argument; an argument that names nothing becomes an error report."""
    names: list[str] = []
    for arg in paths:
        try:
            names.extend(expand([arg]))
        except InputError as exc:
            reports.append(FileReport(path=arg, error=str(exc)))
    return names


def _categories(analysis: Analysis) -> list[dict[str, Any]]:
    """Root-cause categories for a reviewed draft (root-cause section as focus)."""
    from ..classify import classify

    doc = analysis.document
    focus = "\n".join(doc.section_text(s) for s in doc.of_kind("root_cause")) or None
    result = classify(doc.text, focus=focus)
    return [c.model_dump() for c in result.categories]


def _emit(reports: list[FileReport], fmt: str, output: Path | None) -> None:
    if fmt == "text":
        from ..render.text import render_text

        if output is None:
            render_text(reports, Console(highlight=False))
            return
        buffer = io.StringIO()  # written only when complete, so a failure leaves no stub
        render_text(reports, Console(file=buffer, highlight=False))
        write_output(output, buffer.getvalue())
        return
    if fmt == "json":
        from ..render.json_out import render_json

        text = render_json(reports)
    else:
        from ..render.sarif import render_sarif

        text = render_sarif(reports, list(load_rules()))
    if output:
        write_output(output, text + "\n")
    else:
        print(text)
