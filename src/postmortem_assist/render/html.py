"""The audit report as one self-contained HTML page: tables, inline SVG charts, no network.

Charts are drawn as plain SVG here (bars and a legend) rather than with matplotlib: audit
runs at the user's site, matplotlib is only an ``eval`` extra, and importing it would add
about a second and a large dependency for a few rectangles; SVG also stays sharp, is
searchable text, and its structure can be checked in a browser test. Tables sort when a
header is clicked (a few lines of inline JavaScript).
"""

from __future__ import annotations

import html
import os
from collections.abc import Sequence
from datetime import UTC, datetime
from pathlib import Path
from typing import TYPE_CHECKING
from urllib.parse import quote

if TYPE_CHECKING:
    from ..audit.pipeline import Archive
    from ..audit.scorecard import Scorecard

PALETTE = ["#4269d0", "#efb118", "#ff725c", "#6cc5b0", "#3ca951", "#ff8ab7", "#a463f2",
           "#97bbf5", "#9c6b4e", "#9498a0", "#1f3a93", "#b8860b"]  # fmt: skip

CSS = """
body{font:14px/1.45 system-ui,-apple-system,Segoe UI,Roboto,sans-serif;margin:0 auto;
max-width:1200px;padding:16px 24px;color:#1d1d1f}
h1{font-size:24px;margin:8px 0}h2{font-size:18px;margin:28px 0 8px;border-bottom:1px solid #ddd}
.muted{color:#666}.kpis{display:flex;flex-wrap:wrap;gap:12px;margin:12px 0}
.kpi{border:1px solid #ddd;border-radius:6px;padding:8px 12px;min-width:130px}
.kpi b{display:block;font-size:20px}table{border-collapse:collapse;margin:8px 0;width:100%}
th,td{border-bottom:1px solid #eee;padding:3px 6px;text-align:left;vertical-align:top}
th{background:#f6f6f8;position:sticky;top:0}table.sortable th{cursor:pointer;user-select:none}
table.sortable th[data-dir=asc]::after{content:" \\25B2"}
table.sortable th[data-dir=desc]::after{content:" \\25BC"}
td.date{white-space:nowrap}td.num,th.num{text-align:right;font-variant-numeric:tabular-nums}.y{color:#1a7f37}.n{color:#c62828}
.charts{display:flex;flex-wrap:wrap;gap:24px}figure{margin:0}figcaption{font-weight:600}
details{margin:6px 0;border:1px solid #eee;border-radius:6px;padding:4px 8px}
summary{cursor:pointer}.wide{overflow-x:auto}
code{background:#f3f3f3;padding:1px 3px;border-radius:3px}
"""

JS = """
document.querySelectorAll('table.sortable').forEach(function (table) {
  table.querySelectorAll('th').forEach(function (th) {
    th.addEventListener('click', function () {
      var col = th.cellIndex, dir = th.dataset.dir === 'desc' ? 'asc' : 'desc';
      table.querySelectorAll('th').forEach(function (h) { delete h.dataset.dir; });
      th.dataset.dir = dir;
      var key = function (row) {
        var cell = row.cells[col];
        return cell.dataset.sort !== undefined ? cell.dataset.sort : cell.textContent.trim();
      };
      var body = table.tBodies[0], rows = Array.prototype.slice.call(body.rows);
      rows.sort(function (a, b) {
        var x = key(a), y = key(b), nx = parseFloat(x), ny = parseFloat(y);
        var c = (!isNaN(nx) && !isNaN(ny)) ? nx - ny : x.localeCompare(y);
        return dir === 'asc' ? c : -c;
      });
      rows.forEach(function (r) { body.appendChild(r); });
    });
  });
});
"""


def esc(value: object) -> str:
    return html.escape(str(value), quote=True)


def _pct(v: float | None) -> str:
    return "–" if v is None else f"{100 * v:.0f}%"


def bar_chart(
    title: str,
    periods: Sequence[str],
    series: dict[str, Sequence[float]],
    *,
    stacked: bool,
    unit: str = "",
    width: int = 540,
    height: int = 240,
) -> str:
    """An SVG bar chart: one group (or stack) of bars per period, one colour per series."""
    left, bottom, top, legend_w = 44, 36, 12, 150
    plot_w, plot_h = width - left - legend_w, height - bottom - top
    names = list(series)
    if stacked:
        totals = [sum(series[n][i] for n in names) for i in range(len(periods))]
    else:
        totals = [max((series[n][i] for n in names), default=0) for i in range(len(periods))]
    ymax = 1.0 if unit == "%" else max([*totals, 1e-9])
    slot = plot_w / max(len(periods), 1)
    bar_w = slot * 0.7 if stacked else slot * 0.8 / max(len(names), 1)
    parts = [
        f'<svg xmlns="http://www.w3.org/2000/svg" role="img" class="chart" width="{width}" '
        f'height="{height}" viewBox="0 0 {width} {height}"><title>{esc(title)}</title>',
        f'<line x1="{left}" y1="{top + plot_h}" x2="{left + plot_w}" y2="{top + plot_h}" '
        'stroke="#999"/>',
    ]
    for frac in (0.5, 1.0):
        y = top + plot_h * (1 - frac)
        parts.append(
            f'<text x="{left - 4}" y="{y + 4:.1f}" font-size="10" text-anchor="end">'
            f"{esc(_tick(ymax * frac, unit))}</text>"
            f'<line x1="{left}" y1="{y:.1f}" x2="{left + plot_w}" y2="{y:.1f}" stroke="#eee"/>'
        )
    for i, period in enumerate(periods):
        x0 = left + i * slot + (slot - (bar_w if stacked else bar_w * len(names))) / 2
        base = 0.0
        for k, name in enumerate(names):
            v = series[name][i]
            h = plot_h * v / ymax
            x = x0 if stacked else x0 + k * bar_w
            y = top + plot_h - h - (plot_h * base / ymax if stacked else 0)
            parts.append(
                f'<rect class="bar" x="{x:.1f}" y="{y:.1f}" width="{bar_w:.1f}" height="{h:.1f}" '
                f'fill="{PALETTE[k % len(PALETTE)]}"><title>{esc(period)} · {esc(name)}: '
                f"{esc(_tick(v, unit))}</title></rect>"
            )
            if stacked:
                base += v
        if len(periods) <= 16 or i % 2 == 0:
            parts.append(
                f'<text x="{left + (i + 0.5) * slot:.1f}" y="{top + plot_h + 14}" font-size="10" '
                f'text-anchor="middle">{esc(period)}</text>'
            )
    for k, name in enumerate(names):
        y = top + 4 + k * 16
        parts.append(
            f'<rect x="{width - legend_w + 10}" y="{y}" width="10" height="10" '
            f'fill="{PALETTE[k % len(PALETTE)]}"/><text x="{width - legend_w + 26}" y="{y + 9}" '
            f'font-size="11">{esc(name)}</text>'
        )
    parts.append("</svg>")
    return "".join(parts)


def _tick(v: float, unit: str) -> str:
    if unit == "%":
        return f"{100 * v:.0f}%"
    return f"{v:.0f}" if v >= 10 or not v % 1 else f"{v:.1f}"


def _link(path: str, out_dir: Path, text: str) -> str:
    try:
        href = quote(os.path.relpath(Path(path).resolve(), out_dir.resolve()).replace(os.sep, "/"))
    except ValueError:  # another drive on Windows
        href = Path(path).resolve().as_uri()
    return f'<a href="{esc(href)}">{esc(text)}</a>'


def _yn(flag: bool) -> str:
    return '<td class="y" data-sort="1">✓</td>' if flag else '<td class="n" data-sort="0">✗</td>'


def _num(value: float | int | None, sort: float | None = None, shown: str | None = None) -> str:
    if value is None:
        return '<td class="num" data-sort="-1">–</td>'
    return f'<td class="num" data-sort="{sort if sort is not None else value}">' \
        f"{esc(shown if shown is not None else value)}</td>"  # fmt: skip


def _scorecard_row(c: Scorecard, out_dir: Path) -> str:
    top = c.categories[0] if c.categories else None
    cat = (
        f'<td data-sort="{esc(top.name)}">{esc(top.name)} ({top.probability:.2f})</td>'
        if top and top.label in c.predicted
        else '<td data-sort="~">–</td>'
    )
    owner = c.actions_with_owner / c.action_items if c.action_items else None
    due = c.actions_with_due_date / c.action_items if c.action_items else None
    return (
        "<tr>"
        f'<td data-sort="{esc(c.title.lower())}">{_link(c.path, out_dir, c.title)}</td>'
        f'<td class="date" data-sort="{esc(c.date or "~")}">{esc(c.date or "–")}</td>'
        + _num(c.score)
        + _num(c.words)
        + "".join(
            _yn(c.sections[k]) for k in ("summary", "timeline", "root_cause", "corrective_actions")
        )
        + "".join(_yn(v) for v in c.summary_states.values())
        + "".join(_yn(v) for v in c.timeline_has.values())
        + _num(c.blame_findings)
        + _num(c.unclear_per_1k_words)
        + _num(c.action_items)
        + _num(owner, shown=_pct(owner))
        + _num(due, shown=_pct(due))
        + cat
        + "</tr>"
    )


SCORECARD_HEAD = [
    ("postmortem", ""), ("date", ""), ("score", "num"), ("words", "num"),
    ("summary", ""), ("timeline", ""), ("root cause", ""), ("actions", ""),
    ("states duration", ""), ("states impact", ""), ("states cause", ""),
    ("detection", ""), ("resolution", ""), ("zone", ""),
    ("blame", "num"), ("unclear / 1k words", "num"), ("action items", "num"),
    ("with owner", "num"), ("with due date", "num"), ("root-cause category", ""),
]  # fmt: skip


def _head(cols: Sequence[tuple[str, str]]) -> str:
    return (
        "<thead><tr>"
        + "".join(f'<th class="{c}">{esc(n)}</th>' for n, c in cols)
        + ("</tr></thead>")
    )


def render_html(archive: Archive, out_dir: Path, title: str = "Postmortem audit") -> str:
    """The whole report page."""
    v = archive.views
    years = [p for p in v.by_year if p.period != "undated"]
    labels = [p.period for p in years]
    cats = sorted(v.total.categories, key=lambda k: -v.total.categories[k])
    names = v.category_names
    out: list[str] = [
        f'<!DOCTYPE html><html lang="en"><head><meta charset="utf-8"><title>{esc(title)}</title>'
        f'<meta name="viewport" content="width=device-width, initial-scale=1"><style>{CSS}</style>'
        f"</head><body><h1>{esc(title)}</h1>",
        f'<p class="muted">{archive.documents} postmortems audited'
        + (f", {len(archive.skipped)} skipped" if archive.skipped else "")
        + f"; {v.dated} with a date. Generated "
        f"{datetime.now(UTC).strftime('%Y-%m-%d %H:%M UTC')} by postmortem-assist.</p>",
        '<div class="kpis" id="kpis">',
    ]
    t = v.total
    four = sum(1 for c in archive.scorecards if all(c.sections.values()))
    for label, value in [
        ("mean score", f"{t.mean_score:.0f} / 100"),
        ("all four sections", _pct(four / max(archive.documents, 1))),
        ("with blame findings", _pct(t.blame_share)),
        ("unclear / 1k words", f"{t.unclear_per_1k_words:.1f}"),
        ("actions with owner", _pct(t.owner_share)),
        ("actions with due date", _pct(t.due_share)),
        ("recurring groups", str(len(archive.recurring))),
    ]:
        out.append(f'<div class="kpi">{esc(label)}<b>{esc(value)}</b></div>')
    out.append("</div>")
    out.append(f'<p class="muted" id="formula"><b>Score.</b> {esc(archive.formula)}.</p>')

    out.append('<h2 id="over-time">Over time</h2><div class="charts">')
    if years:
        shown = cats[:8]
        out.append(
            "<figure><figcaption>Root-cause categories per year (postmortems)</figcaption>"
            + bar_chart(
                "Root-cause categories per year",
                labels,
                {names.get(c, c): [p.categories.get(c, 0) for p in years] for c in shown},
                stacked=True,
            )
            + "</figure>"
        )
        out.append(
            "<figure><figcaption>Postmortems with blame findings per year</figcaption>"
            + bar_chart(
                "Share of postmortems with blame findings per year",
                labels,
                {"with blame findings": [p.blame_share for p in years]},
                stacked=False,
                unit="%",
            )
            + "</figure>"
        )
        out.append(
            "<figure><figcaption>Unclear findings per 1,000 words per year</figcaption>"
            + bar_chart(
                "Unclear findings per 1,000 words per year",
                labels,
                {"unclear / 1k words": [p.unclear_per_1k_words for p in years]},
                stacked=False,
            )
            + "</figure>"
        )
        out.append(
            "<figure><figcaption>Action items with owner / due date per year</figcaption>"
            + bar_chart(
                "Action items with owner and due date per year",
                labels,
                {
                    "with owner": [p.owner_share or 0.0 for p in years],
                    "with due date": [p.due_share or 0.0 for p in years],
                },
                stacked=False,
                unit="%",
            )
            + "</figure>"
        )
    else:
        out.append('<p class="muted">No postmortem states a date, so there is no timeline.</p>')
    out.append("</div>")
    cols = [("period", ""), ("postmortems", "num"), ("mean score", "num"),
            ("with blame", "num"), ("blame / 1k words", "num"), ("unclear / 1k words", "num"),
            ("action items", "num"), ("with owner", "num"), ("with due date", "num")]  # fmt: skip
    cols += [(names.get(c, c), "num") for c in cats]
    out.append('<div class="wide"><table class="sortable" id="periods">' + _head(cols) + "<tbody>")
    for p in [*v.by_year, t]:
        out.append(
            f"<tr><td>{esc(p.period)}</td>"
            + _num(p.documents)
            + _num(p.mean_score)
            + _num(p.blame_share, shown=_pct(p.blame_share))
            + _num(p.blame_per_1k_words)
            + _num(p.unclear_per_1k_words)
            + _num(p.action_items)
            + _num(p.owner_share, shown=_pct(p.owner_share))
            + _num(p.due_share, shown=_pct(p.due_share))
            + "".join(_num(p.categories.get(c, 0)) for c in cats)
            + "</tr>"
        )
    out.append("</tbody></table></div>")

    out.append(
        f'<h2 id="recurring">Recurring incidents</h2><p class="muted">Groups of postmortems '
        f"whose cause texts are alike: MiniLM embeddings, average-linkage groups with mean "
        f"cosine similarity at or above <b>{archive.threshold:.2f}</b>; template sentences "
        f"shared by three or more postmortems are left out. Each member shows the sentence "
        f"closest to the group's cause. {len(archive.recurring)} groups.</p>"
    )
    for n, g in enumerate(archive.recurring, 1):
        dated = [m.date for m in g.members if m.date]
        span = f"{dated[0]} – {dated[-1]}" if dated else "undated"
        what = ", ".join(names.get(c, c) for c in g.categories[:2]) or "no category"
        out.append(
            f'<details class="group" {"open" if n <= 10 else ""}><summary><b>Group {n}</b>: '
            f"{g.size} postmortems, {esc(span)}, {esc(what)} (similarity {g.similarity:.2f})"
            '</summary><table class="members"><tbody>'
        )
        for m in g.members:
            out.append(
                f'<tr><td class="date">{esc(m.date or "–")}</td>'
                f"<td>{_link(m.path, out_dir, m.title)}</td>"
                f'<td class="muted">{esc(m.sentence)}</td></tr>'
            )
        out.append("</tbody></table></details>")

    out.append('<h2 id="findings">Most frequent findings</h2><table class="sortable" '
               'id="rules">')  # fmt: skip
    out.append(_head([("rule", ""), ("findings", "num"), ("postmortems", "num"),
                      ("per 1k words", "num")]) + "<tbody>")  # fmt: skip
    for r in v.findings:
        out.append(
            f"<tr><td><code>{esc(r.rule)}</code></td>"
            + _num(r.findings)
            + _num(r.documents)
            + _num(r.per_1k_words)
            + "</tr>"
        )
    out.append("</tbody></table>")

    out.append(
        '<h2 id="scorecards">Scorecards</h2><p class="muted">Click a header to sort. '
        "Categories are shown when the classifier predicts them, with its probability.</p>"
        '<div class="wide"><table class="sortable" id="scorecard">'
        + _head(SCORECARD_HEAD)
        + "<tbody>"
    )
    out.extend(_scorecard_row(c, out_dir) for c in archive.scorecards)
    out.append("</tbody></table></div>")
    if archive.skipped:
        out.append('<h2 id="skipped">Skipped files</h2><ul>')
        out.extend(f"<li>{esc(s['error'])}</li>" for s in archive.skipped)
        out.append("</ul>")
    out.append(f"<script>{JS}</script></body></html>")
    return "\n".join(out)
