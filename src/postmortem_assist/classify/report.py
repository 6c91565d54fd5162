"""Test-split scoring of the model and its three baselines, and the model card."""

from __future__ import annotations

import json
from collections import Counter
from pathlib import Path
from typing import Any

import numpy as np
from sklearn.metrics import precision_recall_fscore_support

from .baselines import KeywordBaseline, PlainEmbeddingLR, ZeroShotBaseline
from .model import RootCauseModel
from .types import Category

SYSTEMS = ("model", "keyword", "zero_shot", "plain_lr")
TRAIN_CMD = ".venv/bin/python -m postmortem_assist.classify.train"


def scores(pred: np.ndarray, y: np.ndarray, labels: list[str], core: list[str]) -> dict[str, Any]:
    """Per-label P/R/F1/support, micro-F1, and macro-F1 over core six, ten and all labels."""
    p, r, f, s = precision_recall_fscore_support(y, pred, average=None, zero_division=0)
    per = {
        lab: {
            "precision": round(float(p[j]), 3),
            "recall": round(float(r[j]), 3),
            "f1": round(float(f[j]), 3),
            "support": int(s[j]),
        }
        for j, lab in enumerate(labels)
    }
    _, _, micro, _ = precision_recall_fscore_support(y, pred, average="micro", zero_division=0)
    ten = [lab for lab in labels if lab != "automation"]
    return {
        "per_label": per,
        "micro_f1": round(float(micro), 4),
        "macro_f1_core6": round(float(np.mean([per[lab]["f1"] for lab in core])), 4),
        "macro_f1_ten": round(float(np.mean([per[lab]["f1"] for lab in ten])), 4),
        "macro_f1_all": round(float(np.mean([per[lab]["f1"] for lab in labels])), 4),
        "n_records": int(y.shape[0]),
    }


def confusions(
    pred: np.ndarray, y: np.ndarray, ids: list[str], labels: list[str], core: list[str]
) -> dict[str, Any]:
    """For each core label: what was predicted on its misses and what was true on false alarms."""
    out: dict[str, Any] = {}
    for lab in core:
        j = labels.index(lab)
        fn = np.where((y[:, j] == 1) & (pred[:, j] == 0))[0]
        fp = np.where((y[:, j] == 0) & (pred[:, j] == 1))[0]
        out[lab] = {
            "missed": len(fn),
            "missed_predicted_instead": dict(
                Counter(labels[k] for i in fn for k in np.where(pred[i] == 1)[0]).most_common(4)
            ),
            "missed_examples": [ids[i] for i in fn[:3]],
            "false_alarms": len(fp),
            "false_alarm_true_labels": dict(
                Counter(labels[k] for i in fp for k in np.where(y[i] == 1)[0]).most_common(4)
            ),
            "false_alarm_examples": [ids[i] for i in fp[:3]],
        }
    return out


def tune_zero_shot(zs: ZeroShotBaseline, dev: Any, core_idx: list[int]) -> float:
    """Pick the zero-shot margin on dev summaries (core macro-F1)."""
    summ = np.array([k == "summary" for k in dev.kinds])
    best = (-1.0, 0.0)
    for m in np.round(np.arange(0.0, 0.101, 0.01), 3):
        zs.margin = float(m)
        pred = zs.predict(dev.emb[summ])
        y = dev.y[summ]
        f = [
            2 * int((pred[:, j] & y[:, j]).sum()) / max(int(pred[:, j].sum() + y[:, j].sum()), 1)
            for j in core_idx
        ]
        if float(np.mean(f)) > best[0]:
            best = (float(np.mean(f)), float(m))
    zs.margin = best[1]
    return best[1]


def evaluate(
    model: RootCauseModel,
    dev: Any,
    test: Any,
    taxonomy: list[Category],
    labels: list[str],
    core: list[str],
) -> dict[str, Any]:
    """Score the model and the three baselines on test summaries and postmortems."""
    cats = [c for c in taxonomy if c.id in labels]
    kw = KeywordBaseline(cats)
    zs = ZeroShotBaseline(cats)
    margin = tune_zero_shot(zs, dev, [labels.index(c) for c in core])
    kinds = np.array(test.kinds)
    train_rows = np.array(dev.kinds) != "headline"
    plain = PlainEmbeddingLR().fit(dev.emb[train_rows], dev.y[train_rows])
    prob, _ = model.predict(test.items)
    preds = {
        "model": (prob >= model.head.thresholds[None, :]).astype(int),
        "keyword": kw.predict([p.text for p in test.items]),
        "zero_shot": zs.predict(test.emb),
        "plain_lr": plain.predict(test.emb),
    }
    out: dict[str, Any] = {"zero_shot_margin_tuned_on_dev": margin, "splits": {}}
    for kind, name in (("summary", "summaries_test"), ("postmortem", "postmortems_test")):
        m = kinds == kind
        ids = [i for i, k in zip(test.ids, test.kinds, strict=True) if k == kind]
        out["splits"][name] = {s: scores(preds[s][m], test.y[m], labels, core) for s in SYSTEMS}
        out["splits"][name]["model_confusions"] = confusions(
            preds["model"][m], test.y[m], ids, labels, core
        )
    return out


def _table(block: dict[str, Any], labels: list[str]) -> list[str]:
    lines = [
        "| label | support | " + " | ".join(f"{s} P / R / F1" for s in SYSTEMS) + " |",
        "|---|---|" + "---|" * len(SYSTEMS),
    ]
    for lab in labels:
        cells = []
        for s in SYSTEMS:
            d = block[s]["per_label"][lab]
            cells.append(f"{d['precision']:.2f} / {d['recall']:.2f} / {d['f1']:.2f}")
        lines.append(
            f"| {lab} | {block['model']['per_label'][lab]['support']} | " + " | ".join(cells) + " |"
        )
    for key, title in (
        ("macro_f1_core6", "**macro-F1 core six**"),
        ("macro_f1_ten", "macro-F1 ten (all but automation)"),
        ("macro_f1_all", "macro-F1 all labels"),
        ("micro_f1", "micro-F1"),
    ):
        lines.append(f"| {title} | | " + " | ".join(f"{block[s][key]:.3f}" for s in SYSTEMS) + " |")
    return lines


def write_card(
    folder: Path, meta: dict[str, Any], metrics: dict[str, Any], labels: list[str], core: list[str]
) -> None:
    """Write MODEL_CARD.md from the training metadata and the test metrics."""
    hp = meta["hyper_parameters"]
    counts = meta["train_counts"]
    lines = [
        "# Root-cause classifier (`models/rootcause`)",
        "",
        "Multi-label classifier of incident root causes over the taxonomy in "
        "`rules/categories.yml` (from the shared corpus README). Generated by the training "
        "script; do not edit by hand.",
        "",
        "## Rebuild",
        "",
        f"    {TRAIN_CMD}",
        "",
        "(corpus at `../shared/corpus`, or set `ASSIST_CORPUS`). Deterministic: fixed seed "
        f"{meta['seed']}, liblinear solver, grouped folds.",
        "",
        "## Data (dev split only)",
        "",
        "Labels: a record's source `labels`, else the `agreed` annotation without `unknown`. "
        "Records without labels are not used. Postmortems are represented by their root-cause "
        "section when they have one, else the whole text (chunked). COS headlines are weak "
        "data: their weight `w_headline` is a hyper-parameter (0 = not used). A first, "
        "larger grid (C up to 4, w_headline 0 or 0.3) was stopped for time on a shared CPU; "
        "in every pair it completed, w_headline 0.3 scored below 0 on dev CV, so the rebuild "
        "grid keeps 0.",
        "",
        f"Records: {meta['train_records']}",
        "",
        "| label | summaries | postmortems | headlines |",
        "|---|---|---|---|",
    ]
    for lab in labels:
        lines.append(
            f"| {lab} | {counts['summary'].get(lab, 0)} | "
            f"{counts['postmortem'].get(lab, 0)} | {counts['headline'].get(lab, 0)} |"
        )
    lines += [
        "",
        "## Method",
        "",
        "- Text -> chunks of <= 200 words (at most 12, spread over the document); each chunk "
        "embedded with all-MiniLM-L6-v2 (first 128 tokens, mean pooling, L2), chunk vectors "
        "averaged and re-normalised. The encoder runs under bfloat16 autocast on CPUs that "
        "support it (float32 otherwise, or with ASSIST_ENCODER_BF16=0).",
        "- Features: `emb_weight` x embedding, TF-IDF word 1-2-grams (<= 20k) and char_wb "
        "2-5-grams (<= 30k), sublinear tf, fitted on dev texts.",
        "- One class-balanced logistic regression per label (liblinear) over these features "
        "(the head).",
        "- Stacker: per label, a second class-balanced logistic regression over three inputs "
        "- the head's out-of-fold score, log(1 + keyword hits) of that label's taxonomy "
        "keywords (`rules/categories.yml`) and the zero-shot cosine between the text embedding "
        "and the label's definition + examples - fitted on out-of-fold head scores of dev "
        "summaries + postmortems (it replaces Platt scaling). Per-label threshold maximising "
        "F1 on the stacker's own grouped-CV (nested) predictions.",
        "- Hyper-parameters (head `C`, stacker `stack_C`) chosen by 5-fold cross-validation on "
        "dev grouped by company (criterion: core six-label macro-F1 on dev summaries). The "
        "head grid was narrowed to C in {1, 2, 4} with emb_weight 1 and w_postmortem 1, the "
        "winners of the earlier 12-point grid (emb_weight 2 and w_postmortem 0.5 never won). "
        "Test never used for tuning.",
        "- Evidence: the same forward pass pools token states per sentence; the sentence with "
        "the highest head score for a label is its evidence.",
        "",
        f"Chosen hyper-parameters: `{hp}`; CV core macro-F1 (dev): {meta['cv']}",
        "",
        "Baselines: keyword phrases from `rules/categories.yml` (label if any phrase occurs); "
        "zero-shot cosine similarity between the text embedding and each label's "
        "definition + examples (top label plus labels within a margin of it; margin "
        f"{metrics['zero_shot_margin_tuned_on_dev']} chosen on dev summaries); plain_lr: "
        "one class-balanced logistic regression per label on the MiniLM embedding alone "
        "(C 1, threshold 0.5), fitted on the same dev summaries + postmortems.",
        "",
        "## Test-split scores (read once, after training)",
        "",
    ]
    for name, block in metrics["splits"].items():
        lines += [f"### {name} ({block['model']['n_records']} labelled records)", ""]
        lines += _table(block, labels)
        lines += ["", "Model errors on the core labels (record ids only, no corpus text):", ""]
        for lab, c in block["model_confusions"].items():
            lines.append(
                f"- {lab}: missed {c['missed']} (predicted instead: "
                f"{c['missed_predicted_instead']}), false alarms {c['false_alarms']} "
                f"(true labels there: {c['false_alarm_true_labels']})"
            )
        lines.append("")
    lines += _limits(folder, metrics, meta, labels, core)
    lines += [
        "Labels with fewer than ~10 test examples (see support) are effectively unmeasured.",
        'The `human-operation` label is displayed as "manual operation": a manual step as a '
        "trigger, seen through the system that allowed it, never a person's fault.",
        "",
    ]
    (folder / "MODEL_CARD.md").write_text("\n".join(lines), encoding="utf-8")


def _limits(
    folder: Path, metrics: dict[str, Any], meta: dict[str, Any], labels: list[str], core: list[str]
) -> list[str]:
    """A 'What limits it' section derived from the scores."""
    block = metrics["splits"]["summaries_test"]
    per = block["model"]["per_label"]
    weakest = sorted(core, key=lambda lab: per[lab]["f1"])[:3]
    thin = [lab for lab in labels if per[lab]["support"] < 10]
    core_f1 = block["model"]["macro_f1_core6"]
    best_base = max(SYSTEMS[1:], key=lambda s: block[s]["macro_f1_core6"])
    lines = [
        "## What limits it",
        "",
        f"- Core six-label macro-F1 on summaries test: {core_f1:.3f} (target 0.70; best "
        f"baseline in the same run: {best_base} {block[best_base]['macro_f1_core6']:.3f}); "
        f"dev cross-validation estimate {meta['cv']['core_macro_f1_summaries']} (the best "
        "point of the grid, so optimistic; head + Platt without the stacker: "
        f"{meta['cv'].get('head_platt_only_summaries')}).",
        "- Weakest core labels on summaries test: "
        + ", ".join(
            f"{lab} (F1 {per[lab]['f1']:.2f}, P {per[lab]['precision']:.2f}, "
            f"R {per[lab]['recall']:.2f})"
            for lab in weakest
        )
        + ".",
        "- Labels with < 10 test summaries (unmeasured): " + (", ".join(thin) or "none") + ".",
        "- Dev is dominated by one company (Azure root-cause excerpts), test by others "
        "(GCP excerpts, list summaries): a distribution shift that grouped CV on dev "
        "reproduces and that no hyper-parameter removed.",
        "- Source labels are coarse (ISSRE'22 layers, danluu headings): e.g. a deploy that "
        "shipped a bad setting may be labelled code-bug in one source and config-change in "
        "another, which caps precision for these two labels.",
    ]
    ceiling = _read_json(folder / "ceiling.json")
    if ceiling:
        below = max(ceiling["test_summaries"]["core_macro_f1"]) < 0.70
        lines.append(
            f"- In-domain the feature family {'stays below' if below else 'reaches'} the "
            "target: 5-fold random CV "
            "inside the test summaries themselves, thresholds picked on the same folds "
            f"(optimistic; `{ceiling['script']}`, diagnostic only, never used to fit the "
            f"shipped model) reaches {ceiling['test_summaries']['core_macro_f1']} core "
            f"macro-F1 (n={ceiling['test_summaries']['n']}); the same inside dev summaries: "
            f"{ceiling['dev_summaries']['core_macro_f1']} (n={ceiling['dev_summaries']['n']})."
        )
    return [*lines, ""]


def _read_json(path: Path) -> dict[str, Any] | None:
    """A JSON file's object, or None when it is absent or unreadable."""
    try:
        data = json.loads(path.read_text(encoding="utf-8"))
    except (OSError, ValueError):
        return None
    return data if isinstance(data, dict) else None
