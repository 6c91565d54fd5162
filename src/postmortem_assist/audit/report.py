"""Writing an audit: ``report.html``, ``scorecard.csv``, ``report.json`` and ``summary.md``."""

from __future__ import annotations

import csv
import json
from pathlib import Path

from .pipeline import Archive
from .scorecard import SECTIONS

FILES = ("report.html", "scorecard.csv", "report.json", "summary.md")
CSV_COLUMNS = [
    "path", "title", "date", "date_source", "score", "words",
    *(f"has_{k}" for k in SECTIONS),
    "summary_states_duration", "summary_states_impact", "summary_states_cause",
    "timeline_has_detection", "timeline_has_resolution", "timeline_has_zone",
    "blame_findings", "unclear_findings", "unclear_per_1k_words",
    "action_items", "actions_with_owner", "actions_with_due_date",
    "predicted", "top_category", "top_probability", "cause_source",
]  # fmt: skip


def write_csv(archive: Archive, path: Path) -> None:
    """One row per postmortem; booleans as 0/1, categories as ``label;label``."""
    with path.open("w", newline="", encoding="utf-8") as fh:
        out = csv.writer(fh)
        out.writerow(CSV_COLUMNS)
        for c in archive.scorecards:
            top = c.categories[0] if c.categories else None
            out.writerow(
                [c.path, c.title, c.date or "", c.date_source or "", c.score, c.words]
                + [int(c.sections[k]) for k in SECTIONS]
                + [int(v) for v in c.summary_states.values()]
                + [int(v) for v in c.timeline_has.values()]
                + [c.blame_findings, c.unclear_findings, c.unclear_per_1k_words]
                + [c.action_items, c.actions_with_owner, c.actions_with_due_date]
                + [
                    ";".join(c.predicted),
                    top.label if top else "",
                    top.probability if top else "",
                    c.cause_source,
                ]
            )


def summary_markdown(archive: Archive) -> str:
    """A short Markdown summary: the headline rates, weakest postmortems, top groups."""
    t = archive.views.total
    names = archive.views.category_names

    def pct(v: float | None) -> str:
        return "n/a" if v is None else f"{100 * v:.0f}%"

    four = sum(1 for c in archive.scorecards if all(c.sections.values()))
    lines = [
        "# Postmortem audit",
        "",
        f"{archive.documents} postmortems audited"
        + (f", {len(archive.skipped)} skipped" if archive.skipped else "")
        + f"; {archive.views.dated} dated. Mean score {t.mean_score:.0f}/100.",
        "",
        f"- All four sections: {four} ({pct(four / max(archive.documents, 1))})",
        f"- With at least one blame finding: {pct(t.blame_share)}",
        f"- Unclear findings per 1,000 words: {t.unclear_per_1k_words:.1f}",
        f"- Action items: {t.action_items}; with an owner {pct(t.owner_share)}, "
        f"with a due date {pct(t.due_share)}",
        "- Root-cause categories: "
        + (
            ", ".join(f"{names.get(k, k)} {n}" for k, n in list(t.categories.items())[:6]) or "none"
        ),
        f"- Recurring groups (cause similarity >= {archive.threshold:.2f}): "
        f"{len(archive.recurring)}",
        "",
        f"Score: {archive.formula}.",
    ]
    if archive.recurring:
        lines += ["", "## Largest recurring groups", ""]
        for g in archive.recurring[:5]:
            dates = [m.date for m in g.members if m.date]
            lines.append(
                f"- {g.size} postmortems ({dates[0] + ' to ' + dates[-1] if dates else 'undated'}"
                f", similarity {g.similarity:.2f}): "
                + ", ".join(f"`{Path(m.path).name}`" for m in g.members[:6])
                + (" ..." if g.size > 6 else "")
            )
    low = sorted(archive.scorecards, key=lambda c: (c.score, c.path))[:5]
    if low:
        lines += ["", "## Lowest scores", ""]
        lines += [f"- {c.score}: `{Path(c.path).name}` ({c.title})" for c in low]
    if archive.skipped:
        lines += ["", "## Skipped", ""] + [f"- {s['error']}" for s in archive.skipped]
    return "\n".join(lines) + "\n"


def write_report(archive: Archive, out_dir: Path) -> list[Path]:
    """Write the four report files into ``out_dir`` (created); return their paths."""
    from ..render.html import render_html

    out_dir.mkdir(parents=True, exist_ok=True)
    paths = [out_dir / name for name in FILES]
    paths[0].write_text(render_html(archive, out_dir), encoding="utf-8")
    write_csv(archive, paths[1])
    data = archive.model_dump(mode="json")
    paths[2].write_text(json.dumps(data, indent=1, ensure_ascii=False) + "\n", encoding="utf-8")
    paths[3].write_text(summary_markdown(archive), encoding="utf-8")
    return paths
