"""Diagnostic: how high does the classifier's feature family get *in-domain*?

    .venv/bin/python eval/classify_ceiling.py [--seeds 3]

The shipped model is trained on dev only. This script never touches it: it asks whether
the 0.70 core macro-F1 target is within reach of these features at all, by fitting the
same head (MiniLM embedding + TF-IDF words and chars, one class-balanced logistic
regression per label, C 4, Platt scaling) with 5-fold random cross-validation *inside*
one split's summaries, with per-label thresholds picked on those same out-of-fold scores.
Both choices make the figure optimistic (an upper estimate), and TF-IDF statistics are fitted on
the whole split. Writes ``models/rootcause/ceiling.json``, which the model card quotes
(rebuild the card with ``python -m postmortem_assist.classify.train --card-only``).
"""

from __future__ import annotations

import argparse
import json
import sys

import numpy as np
from sklearn.model_selection import KFold

from postmortem_assist import corpus
from postmortem_assist.classify import train
from postmortem_assist.classify.model import Featurizer, model_dir


def in_domain_cv(data: train.Data, core: list[int], seed: int) -> float:
    """Core macro-F1 of 5-fold random CV within ``data`` (thresholds on the same OOF)."""
    texts = [p.text for p in data.items]
    feats = Featurizer(train.fit_tfidf(texts, train.WORD), train.fit_tfidf(texts, train.CHAR), 1.0)
    x = feats.matrix(texts, data.emb)
    oof = np.zeros(data.y.shape)
    for tr, va in KFold(5, shuffle=True, random_state=seed).split(x):
        coef, bias = train.fit_heads(x[tr], data.y[tr], np.ones(len(tr)), 4.0)
        oof[va] = np.asarray(x[va] @ coef.T) + bias
    a, b = train.platt(oof, data.y)
    prob = 1.0 / (1.0 + np.exp(-(a * oof + b)))
    pred = (prob >= train.best_thresholds(prob, data.y)).astype(int)
    return train.macro_f1(pred, data.y, core)


def main() -> int:
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("--seeds", type=int, default=3)
    args = ap.parse_args()
    if corpus.corpus_dir() is None:
        print("corpus not found (set ASSIST_CORPUS)", file=sys.stderr)
        return 2
    labels = json.loads((model_dir() / "config.json").read_text(encoding="utf-8"))["labels"]
    train.LABELS[:] = labels
    core = [labels.index(c) for c in train.CORE]
    out: dict[str, object] = {
        "what": "5-fold random CV inside one split's summaries, thresholds on the same "
        "out-of-fold scores: an optimistic in-domain estimate, not the shipped model",
        "script": "eval/classify_ceiling.py",
    }
    for split in ("dev", "test"):
        data = train.load_split(split, labels, headlines=False)
        # summaries only: postmortems of the same incidents would leak across the folds
        data = data.subset([i for i, k in enumerate(data.kinds) if k == "summary"])
        f1 = [round(in_domain_cv(data, core, s), 4) for s in range(args.seeds)]
        out[f"{split}_summaries"] = {"n": len(data.ids), "core_macro_f1": f1}
        print(f"{split} summaries (n={len(data.ids)}): in-domain core macro-F1 {f1}")
    path = model_dir() / "ceiling.json"
    path.write_text(json.dumps(out, indent=1) + "\n", encoding="utf-8")
    print(f"wrote {path}")
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
