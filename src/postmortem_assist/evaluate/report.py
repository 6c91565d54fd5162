"""Write an evaluation as ``report.json``, ``report.md`` and PNG plots (matplotlib)."""

from __future__ import annotations

import json
from pathlib import Path
from typing import Any


def _f(x: Any, nd: int = 2) -> str:
    return "—" if x is None else f"{x:.{nd}f}" if isinstance(x, float) else str(x)


def _prf(d: dict[str, Any] | None) -> str:
    if not d:
        return "— | — | —"
    return f"{_f(d.get('precision'))} | {_f(d.get('recall'))} | {_f(d.get('f1'))}"


def markdown(r: dict[str, Any]) -> str:
    """The human-readable report; numbers only, never corpus text."""
    m = r["meta"]
    mach = m["machine"]
    lines = [
        "# postmortem-assist evaluation",
        "",
        f"- Date: {m['date']}; commit {m.get('commit') or '?'}",
        f"- Machine: {mach['nproc']} CPU cores usable, {mach['memory_gb']} GB RAM, "
        f"{mach['platform']}, Python {mach['python']}",
        f"- Corpus: {m['corpus']['path'] if m['corpus'] else 'absent (gold sets only)'}; "
        f"split `{m['split']}`; limit {m['limit']}; jobs {m['jobs']}",
        f"- Wall time: {m['wall_seconds']} s; skipped records: {r['skipped']['count']}",
        "",
    ]
    if r.get("notes"):
        lines += ["Notes:", "", *[f"- {n}" for n in r["notes"]], ""]
    rev = r.get("review")
    if rev:
        lines += _review_md(rev)
    summ = r.get("summarize")
    if summ:
        lines += _summarize_md(summ)
    roles = r.get("line_roles")
    if roles and roles.get("table"):
        lines += [
            "## Timeline line roles (dev, grouped 5-fold CV by company)",
            "",
            roles["table"],
        ]
    cls = r.get("classify")
    if cls:
        lines += _classify_md(cls)
    lines += [
        "## Speed and memory",
        "",
        "| stage | docs | seconds | docs/s | peak RSS MB | note |",
        "|---|---|---|---|---|---|",
    ]
    for name, s in r["speed"].items():
        rss = _f(s["peak_rss_mb"], 0)
        if s.get("workers_peak_rss_mb"):
            rss += f" (workers {_f(s['workers_peak_rss_mb'], 0)})"
        lines.append(
            f"| {name} | {s['docs']} | {_f(s['seconds'], 1)} | {_f(s['docs_per_s'], 1)} "
            f"| {rss} | {s.get('note') or ''} |"
        )
    lines.append("")
    if r["skipped"]["count"]:
        lines += ["## Skipped records", ""]
        for s in r["skipped"]["records"][:50]:
            where = f"{s['file']}:{s['line']}" if s["line"] else s["file"]
            lines.append(f"- `{where}`: {s['reason']}")
        if r["skipped"]["count"] > 50:
            lines.append(f"- ... and {r['skipped']['count'] - 50} more (see report.json)")
        lines.append("")
    return "\n".join(lines)


def _review_md(rev: dict[str, Any]) -> list[str]:
    g, anyspan = rev["gold"], rev["gold_any_span"]
    out = [
        "## Review on the gold snippets (`eval/gold/review.jsonl`, span overlap)",
        "",
        f"{g['items']} snippets. *Family-matched*: a flag counts only when its family matches "
        "the gold span's. *Any span*: a flag counts when it overlaps any gold span of the "
        "snippet, scored by the family the snippet was written for; this is the comparison "
        "with proselint, which has no blame or action checks.",
        "",
        "| family | assist family-matched P | R | F1 | assist any-span P | R | F1 "
        "| proselint any-span P | R | F1 |",
        "|---|---|---|---|---|---|---|---|---|---|",
    ]
    for fam, d in g["per_family"].items():
        a = anyspan["assist"]["per_family"][fam]
        p = anyspan["proselint"]["per_family"][fam]
        out.append(f"| {fam} | {_prf(d)} | {_prf(a)} | {_prf(p)} |")
    a, p = anyspan["assist"]["overall"], anyspan["proselint"]["overall"]
    out += [
        f"| **all** | | | | {_prf(a)} | {_prf(p)} |",
        "",
        f"Decoy hits (a flag on a look-alike that must not be flagged): assist "
        f"{anyspan['assist']['decoy_hits']}, proselint {anyspan['proselint']['decoy_hits']}. "
        f"proselint's most frequent checks here: {anyspan['proselint_top_checks']}.",
        "",
        "Per gold kind (all rules mapped to the kind, see `RULE_KINDS` in "
        "`evaluate/review_eval.py`):",
        "",
        "| kind | P | R | F1 | flags | gold |",
        "|---|---|---|---|---|---|",
    ]
    for k, d in g["per_kind"].items():
        out.append(f"| {k} | {_prf(d)} | {d['n_pred']} | {d['n_gold']} |")
    out += [
        "",
        "Per rule:",
        "",
        "| rule | P | R | F1 | flags | gold | decoy hits |",
        "|---|---|---|---|---|---|---|",
    ]
    for rule, d in g["per_rule"].items():
        out.append(
            f"| {rule} | {_prf(d)} | {d['n_pred']} | {d['n_gold']} "
            f"| {g['decoy_hits'].get(rule, 0)} |"
        )
    dr = rev.get("drafts")
    if dr:
        out += [
            "",
            f"## Structure rules on the {dr['drafts']} gold drafts",
            "",
            f"Overall P / R / F1: {_prf(dr['structure_overall'])}. Findings in families the "
            f"gold marks clean: {sum(dr['clean_family_findings'].values())} "
            f"({dr['clean_family_findings_per_1k_words']} per 1,000 words) "
            f"{dr['clean_family_findings'] or ''}.",
            "",
            "| rule | P | R | F1 | found | expected |",
            "|---|---|---|---|---|---|",
        ]
        for rule, d in dr["structure_per_rule"].items():
            out.append(f"| {rule} | {_prf(d)} | {d['n_pred']} | {d['n_gold']} |")
        if dr["missed"]:
            out += ["", f"Missed: {', '.join(dr['missed'])}."]
        if dr["unexpected"]:
            out += ["", f"Unexpected: {', '.join(dr['unexpected'])}."]
    c = rev.get("corpus")
    if c:
        out += [
            "",
            f"## Flag rate on the real corpus ({c['documents']} postmortems, {c['words']:,} words)",
            "",
            "Published postmortems are mostly blameless and clear, so flags here are mostly "
            f"false positives. All rules: {c['all_rules_per_1k_words']} per 1,000 words; by "
            f"family: {c['per_family']}.",
            "",
            "| rule | findings | per 1,000 words | share of docs flagged |",
            "|---|---|---|---|",
        ]
        for rule, d in sorted(c["per_rule"].items(), key=lambda kv: -kv[1]["per_1k_words"]):
            out.append(
                f"| {rule} | {d['findings']} | {d['per_1k_words']:.3f} "
                f"| {d['docs_flagged_share']:.2f} |"
            )
    ai = rev.get("action_items")
    if ai:
        out += [
            "",
            "## `actions/vague` on coded action items (`action_items.jsonl`)",
            "",
            f"{ai['coded']} coded items ({ai['vague']} vague: `Action: UNKNOWN` or "
            f"`Target: UNCLEAR`; {ai['uncoded_skipped']} uncoded items left out). All "
            "splits are scored: the file holds only a handful of vague items.",
            "",
            "| text reviewed | P | R | F1 | TP | FP | FN | TN |",
            "|---|---|---|---|---|---|---|---|",
        ]
        for fld in ("report_excerpt", "action"):
            d = ai[fld]
            out.append(f"| {fld} | {_prf(d)} | {d['tp']} | {d['fp']} | {d['fn']} | {d['tn']} |")
    out.append("")
    return out


def _summarize_md(s: dict[str, Any]) -> list[str]:
    out = ["## Summarize", ""]
    if "rouge" in s:
        r = s["rouge"]
        table = _rouge_table(r)
        n = r.get("n") if isinstance(r, dict) else None
        out += [
            f"ROUGE F against the authors' own summaries ({n} documents; from "
            "`evaluate.summaries`):",
            "",
        ]
        if table:
            out += ["| system | ROUGE-1 | ROUGE-2 | ROUGE-L |", "|---|---|---|---|"]
            for name, v in table.items():
                vals = " | ".join(_f(v.get(k), 3) for k in ("rouge1", "rouge2", "rougeL"))
                out.append(f"| {name} | {vals} |")
            out.append("")
        rest = {k: v for k, v in r.items() if k != "rouge_f"} if isinstance(r, dict) else r
        out += ["```json", json.dumps(rest, indent=1, default=str)[:4000], "```", ""]
    f = s.get("facts")
    if f:
        out += [
            f"Fact accuracy on the gold note sets: {f['passed']}/{f['total']} "
            f"({_f(f['accuracy'])})",
            "",
            "| note set | passed | total |",
            "|---|---|---|",
        ]
        for name, d in f["per_set"].items():
            out.append(f"| {name} | {d.get('passed')} | {d.get('total')} |")
        out.append("")
    return out


def _classify_md(c: dict[str, Any]) -> list[str]:
    out = [
        f"## Root-cause classifier (split `{c['split']}`)",
        "",
        f"Zero-shot margin tuned on dev: {c['zero_shot_margin_tuned_on_dev']}.",
        "",
    ]
    first: dict[str, Any] = next(iter(c["groups"].values()), {})
    systems = list(first)  # model first, then the baselines, as evaluated
    names = [s.replace("_", "-") for s in systems]
    for group, block in c["groups"].items():
        out += [
            f"### {group} ({block['model']['n_records']} labelled records)",
            "",
            "| metric | " + " | ".join(names) + " |",
            "|---|" + "---|" * len(systems),
        ]
        for key in ("macro_f1_core6", "macro_f1_ten", "macro_f1_all", "micro_f1"):
            out.append(f"| {key} | " + " | ".join(_f(block[s][key], 3) for s in systems) + " |")
        out += [
            "",
            "| label | support | " + " | ".join(f"{n} F1" for n in names) + " |",
            "|---|---|" + "---|" * len(systems),
        ]
        for lab in c["labels"]:
            per = [block[s]["per_label"][lab] for s in systems]
            f1s = " | ".join(_f(p["f1"]) for p in per)
            out.append(f"| {lab} | {per[0]['support']} | {f1s} |")
        out.append("")
    return out


# --- plots ------------------------------------------------------------------------


def plots(r: dict[str, Any], folder: Path) -> list[Path]:
    """Confusion matrices, per-rule P/R bars, ROUGE against baselines, flag rates."""
    import matplotlib

    matplotlib.use("Agg")
    import matplotlib.pyplot as plt

    made: list[Path] = []
    rev = r.get("review") or {}
    if rev.get("gold"):
        rules = [k for k, d in rev["gold"]["per_rule"].items() if d["n_gold"] or d["n_pred"]]
        fig, ax = plt.subplots(figsize=(10, 0.35 * len(rules) + 1.5))
        y = range(len(rules))
        d = rev["gold"]["per_rule"]
        prec = [d[k]["precision"] or 0 for k in rules]
        ax.barh([i + 0.2 for i in y], prec, 0.4, label="precision")
        ax.barh([i - 0.2 for i in y], [d[k]["recall"] or 0 for k in rules], 0.4, label="recall")
        ax.set_yticks(list(y), rules)
        ax.invert_yaxis()
        ax.set_xlim(0, 1)
        ax.set_title("Review rules on gold snippets (span overlap)", pad=28)
        ax.legend(loc="lower center", bbox_to_anchor=(0.5, 1.04), ncol=2, frameon=False)
        made.append(_save(fig, folder / "review_rules_pr.png"))
    if rev.get("corpus", {}).get("per_rule"):
        pr = rev["corpus"]["per_rule"]
        rules = sorted(pr, key=lambda k: pr[k]["per_1k_words"])
        fig, ax = plt.subplots(figsize=(9, 0.3 * len(rules) + 1.5))
        ax.barh(rules, [pr[k]["per_1k_words"] for k in rules])
        ax.set_xlabel("findings per 1,000 words (real postmortems)")
        ax.set_title("Flag rate on the corpus (false-positive proxy)")
        made.append(_save(fig, folder / "corpus_flag_rate.png"))
    rouge = _rouge_table((r.get("summarize") or {}).get("rouge"))
    if rouge:
        systems = list(rouge)
        fig, ax = plt.subplots(figsize=(8, 4))
        width = 0.8 / len(systems)
        for i, sysname in enumerate(systems):
            vals = [rouge[sysname].get(k) or 0 for k in ("rouge1", "rouge2", "rougeL")]
            ax.bar([x + i * width for x in range(3)], vals, width, label=sysname)
        ax.set_xticks([x + 0.4 - width / 2 for x in range(3)], ["ROUGE-1", "ROUGE-2", "ROUGE-L"])
        ax.set_title("Summaries against the authors' own (F-measure)")
        ax.legend()
        made.append(_save(fig, folder / "rouge_vs_baselines.png"))
    cls = r.get("classify") or {}
    for group, block in (cls.get("groups") or {}).items():
        labels = cls["labels"]
        mat = block["model"]["confusion"]
        fig, ax = plt.subplots(figsize=(8, 7))
        ax.imshow(mat, cmap="Blues")
        ax.set_xticks(range(len(labels) + 1), [*labels, "(none)"], rotation=60, ha="right")
        ax.set_yticks(range(len(labels)), labels)
        for i, row in enumerate(mat):
            for j, v in enumerate(row):
                if v:
                    ax.text(j, i, str(v), ha="center", va="center", fontsize=8)
        ax.set_xlabel("predicted")
        ax.set_ylabel("true")
        ax.set_title(f"Root-cause model confusion ({group})")
        made.append(_save(fig, folder / f"confusion_{group}.png"))
    return made


def _rouge_table(obj: Any) -> dict[str, dict[str, float]]:
    """Find ``{system: {rouge1, rouge2, rougeL}}`` somewhere in the summaries result."""
    if not isinstance(obj, dict):
        return {}
    direct = {
        k: v for k, v in obj.items() if isinstance(v, dict) and {"rouge1", "rouge2"} <= set(v)
    }
    if direct:
        return {
            k: {
                m: float(v[m])
                for m in ("rouge1", "rouge2", "rougeL")
                if isinstance(v.get(m), int | float)
            }
            for k, v in direct.items()
        }
    for v in obj.values():
        found = _rouge_table(v)
        if found:
            return found
    return {}


def _save(fig: Any, path: Path) -> Path:
    fig.tight_layout()
    fig.savefig(path, dpi=110)
    import matplotlib.pyplot as plt

    plt.close(fig)
    return path


def write(r: dict[str, Any], folder: Path) -> list[Path]:
    """Write report.json, report.md and the plots into ``folder``."""
    folder.mkdir(parents=True, exist_ok=True)
    text = json.dumps(r, indent=1, default=str)
    (folder / "report.json").write_text(text + "\n", encoding="utf-8")
    (folder / "report.md").write_text(markdown(r) + "\n", encoding="utf-8")
    return [folder / "report.json", folder / "report.md", *plots(r, folder)]
