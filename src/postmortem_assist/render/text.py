"""Human output: ``path:line:col: severity rule message`` plus suggestion, coloured on a TTY."""

from __future__ import annotations

from collections import Counter

from rich.console import Console
from rich.markup import escape

from .report import FileReport

STYLE = {"error": "bold red", "warning": "yellow", "info": "cyan"}


def render_text(reports: list[FileReport], console: Console) -> None:
    """Print findings grouped by file, then a one-line total."""
    counts: Counter[str] = Counter()
    for report in reports:
        if report.error:
            continue  # the CLI prints input errors on stderr
        for f in report.findings:
            counts[f.severity.value] += 1
            console.print(
                f"[bold]{escape(f.path)}:{f.line}:{f.column}[/]: "
                f"[{STYLE[f.severity.value]}]{f.severity.value}[/] "
                f"[magenta]{f.rule}[/] {escape(f.message)}",
                highlight=False,
                soft_wrap=True,
            )
            console.print(
                f"    [dim]suggestion:[/] {escape(f.suggestion)}", highlight=False, soft_wrap=True
            )
        if report.categories:
            cats = ", ".join(f"{c['name']} ({c['probability']:.0%})" for c in report.categories[:3])
            console.print(
                f"[bold]{escape(report.path)}[/]: likely root-cause categories: {cats}",
                highlight=False,
            )
    total = sum(counts.values())
    files = sum(1 for r in reports if not r.error)
    if total:
        detail = ", ".join(f"{counts[s]} {s}" for s in ("error", "warning", "info") if counts[s])
        console.print(
            f"[bold]{total} finding{'s' * (total != 1)}[/] ({detail}) in {files} file"
            f"{'s' * (files != 1)}",
            highlight=False,
        )
    elif files:
        console.print(
            f"[green]No findings[/] in {files} file{'s' * (files != 1)}.", highlight=False
        )
