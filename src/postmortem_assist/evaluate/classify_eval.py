"""Root-cause classifier on the corpus split, beside its keyword, zero-shot and plain-LR baselines.

Thin wrapper around the classifier team's own code: records and embeddings come from
``classify.train.load_split``, scores from ``classify.report.scores`` and the zero-shot
margin is the one training tuned on dev (``metrics.json`` beside the model), else it is
tuned again with ``classify.report.tune_zero_shot``. Only the multi-label confusion
matrix is added here.
"""

from __future__ import annotations

import json
from pathlib import Path
from typing import Any

import numpy as np

from .metrics import confusion


class ClassifyUnavailable(Exception):
    """The trained model or the corpus is missing (the stage is skipped with this note)."""


def evaluate_classifier(split: str = "test", limit: int | None = None) -> dict[str, Any]:
    """Per-label and macro/micro F1 and confusion of model and baselines on ``split``."""
    from ..classify.baselines import KeywordBaseline, PlainEmbeddingLR, ZeroShotBaseline
    from ..classify.model import load_model, model_dir
    from ..classify.report import SYSTEMS, scores, tune_zero_shot
    from ..classify.taxonomy import load_taxonomy
    from ..classify.train import CORE, load_clean_dev, load_split

    try:
        model = load_model()
    except (OSError, ValueError, KeyError) as exc:
        raise ClassifyUnavailable(
            f"no trained model in {model_dir()} ({type(exc).__name__}); "
            "train it with `python -m postmortem_assist.classify.train`"
        ) from None
    labels = list(model.labels)
    core = [c for c in CORE if c in labels]
    cats = [c for c in load_taxonomy() if c.id in labels]
    notes = []
    zs = ZeroShotBaseline(cats)
    margin = _trained_margin(model_dir())
    try:  # clean dev summary labels train the plain_lr baseline, as in training
        dev = load_clean_dev(labels, summaries_only=True)
    except FileNotFoundError:
        dev = load_split("dev", labels, headlines=False)
    if not dev.ids:
        raise ClassifyUnavailable("corpus has no labelled dev records")
    if split == "dev":
        data = dev
        notes.append("scored on dev, the training split: optimistic numbers")
    else:
        data = load_split("test", labels, headlines=False)
        if split == "all":
            notes.append("classify is scored on test only (dev is its training data)")
    if limit is not None:
        data = data.subset(range(min(limit, len(data.ids))))
    margin_source = "the model's metrics.json (tuned on dev in training)"
    if margin is None:
        margin = tune_zero_shot(zs, dev, [labels.index(c) for c in core])
        margin_source = "tuned on dev in this run"
    else:
        zs.margin = margin
    prob, unknown, _ = model.predict_all(data.items)
    hits = model.featurizer.keyword_hits([p.text for p in data.items])
    preds = {
        "model": model.predicted(prob, unknown, hits),
        "keyword": KeywordBaseline(cats).predict([p.text for p in data.items]),
        "zero_shot": zs.predict(data.emb),
        "plain_lr": PlainEmbeddingLR().fit(dev.emb, dev.y).predict(data.emb),
    }
    kinds = np.array(data.kinds)
    out: dict[str, Any] = {
        "split": "dev" if split == "dev" else "test",
        "labels": labels,
        "core_labels": core,
        "zero_shot_margin_tuned_on_dev": margin,
        "zero_shot_margin_source": margin_source,
        "notes": notes,
        "groups": {},
    }
    for kind in ("summary", "postmortem"):
        m = kinds == kind
        if not m.any():
            continue
        gold_sets = [_names(row, labels) for row in data.y[m]]
        block: dict[str, Any] = {}
        for s in SYSTEMS:
            block[s] = scores(preds[s][m], data.y[m], labels, core)
            block[s]["confusion"] = confusion(
                gold_sets, [_names(row, labels) for row in preds[s][m]], labels
            )
        out["groups"][f"{kind}_{out['split']}"] = block
    return out


def _trained_margin(folder: Path) -> float | None:
    """The zero-shot margin the training run tuned on dev (its metrics.json), if any."""
    try:
        metrics = json.loads((folder / "metrics.json").read_text(encoding="utf-8"))
        return float(metrics["zero_shot_margin_tuned_on_dev"])
    except (OSError, ValueError, KeyError, TypeError):
        return None


def _names(row: np.ndarray, labels: list[str]) -> list[str]:
    return [labels[j] for j in np.flatnonzero(row)]
