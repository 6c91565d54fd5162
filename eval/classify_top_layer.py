"""Experiment (issue #11, not shipped): a fine-tuned top layer for the root-cause classifier.

    .venv/bin/python eval/classify_top_layer.py [SEED ...] [--cache /tmp/rc11] [--inner-shuffle]

A copy of MiniLM's last layer and a multi-label head (one sigmoid per label plus no-cause;
positive weight sqrt(negatives / positives); ``summarize/top_layer.fit_top`` settings) are
fine-tuned on the lower-layer token states of each training text's chunks (first 128 tokens,
as the embedding; a text's chunks share its weight), inside every outer and inner training
part of ``classify/train.py``'s nested grouped CV. Same folds, texts, weights and decision
step as the shipped model, each variant scored in the same run as the reference:

- ``tuned``: the tuned head's logits alone through Platt, decision modes and thresholds;
- ``mixraw{w}``: LR raw scores + w x tuned logits;
- ``mixcal{w}``: each head Platt-scaled on the inner out-of-fold scores, logits mixed
  (1 - w) / w;
- ``mixsel``: per label the ``mixcal`` weight in {0, 0.25, 0.5} with the best inner F1;
- ``fb_state`` / ``fb_logit``: the tuned pooled state (L2) / 0.25 x its logits as an extra
  feature block of the LR.

Seed 0 is the shipped GroupKFold split; s > 0 the outer folds shuffled (GroupKFold shuffle,
random_state s). Lower-layer states and each fit's outputs are cached under ``--cache``
(one fit takes ~1-3 min on 2 shared cores; identical training parts are fitted once).
Results: the model card's "Tried and not kept" (third round).
"""

from __future__ import annotations

import argparse
import hashlib
import json
import logging
import sys
import time
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import numpy as np
from scipy import sparse
from sklearn.model_selection import GroupKFold

from postmortem_assist import embeddings as E
from postmortem_assist.classify import train as T
from postmortem_assist.classify.baselines import ZeroShotBaseline
from postmortem_assist.classify.features import EMB_TOKENS, Tfidf
from postmortem_assist.classify.model import Featurizer, combine
from postmortem_assist.classify.taxonomy import load_taxonomy
from postmortem_assist.summarize import top_layer as tl

#: The shipped hyper-parameters (models/rootcause/config.json).
CFG: dict[str, Any] = {"C": 1.0, "kw_weight": 1.0, "zs_weight": 1.0, "char": False,
                       "w_extra": 1.0, "kw_binary": True}  # fmt: skip
MIX_RAW = (0.5, 1.0)
MIX_CAL = (0.1, 0.25, 0.5)
MIX_SEL = (0.0, 0.25, 0.5)
log = logging.getLogger("classify_top_layer")


def _unit(v: np.ndarray) -> np.ndarray:
    return np.asarray(v / np.maximum(np.linalg.norm(v, axis=1, keepdims=True), 1e-9))


BLOCKS = {
    "fb_state": lambda pooled, logits: _unit(pooled),
    "fb_logit": lambda pooled, logits: 0.25 * logits,
}


@dataclass
class Setup:
    """Dev data, folds' inputs and per-chunk lower-layer token states."""

    dev: T.Data
    base: Featurizer
    labels: list[str]
    summ: np.ndarray
    groups: list[str]
    hits: np.ndarray
    states: list[np.ndarray]
    owner: np.ndarray  # text index of each chunk
    chunk_of: list[np.ndarray]  # chunk indices of each text
    key: str
    cache: Path
    inner_shuffle: bool


def setup(cache: Path, inner_shuffle: bool) -> Setup:
    """Load the clean dev texts as training does and their chunks' lower-layer states."""
    T.EMB_CACHE = cache / "cls"
    cats = list(load_taxonomy())
    labels = [c.id for c in cats]
    dev = T.load_clean_dev(labels)
    base = Featurizer(Tfidf(["x"], np.ones(1), "word", (1, 1)), None, 1.0,
                      keywords={c.id: list(c.keywords) for c in cats},
                      protos=ZeroShotBaseline(cats).protos, labels=labels)  # fmt: skip
    summ = np.array([i for i, k in enumerate(dev.kinds) if k == "summary"])
    chunks = [c for p in dev.items for c in p.chunks]
    owner = np.array([i for i, p in enumerate(dev.items) for _ in p.chunks])
    key = hashlib.sha256("\x00".join(chunks).encode()).hexdigest()[:16]
    path = cache / f"lower-{key}.npz"
    if path.is_file():
        with np.load(path) as z:
            states = np.split(z["flat"], np.cumsum(z["lens"])[:-1])
    else:
        states = E.lower_states(chunks, max_length=EMB_TOKENS)
        cache.mkdir(parents=True, exist_ok=True)
        np.savez(path, flat=np.concatenate(states), lens=np.array([len(s) for s in states]))
    return Setup(dev, base, labels, summ, [dev.groups[i] for i in summ],
                 T.keyword_hits(dev, summ, base), list(states), owner,
                 [np.flatnonzero(owner == i) for i in range(len(dev.items))], key, cache,
                 inner_shuffle)  # fmt: skip


def fit(s: Setup, rows: np.ndarray, w: np.ndarray) -> tuple[np.ndarray, np.ndarray]:
    """Tuned pooled states (texts x 384, mean over a text's chunks) and logits (texts x
    labels + 1) of every dev text, from a top layer fitted on the texts ``rows`` (weights
    ``w``); cached by training part."""
    tag = hashlib.sha256(repr((rows.tolist(), w.tolist(), "sqrt", tl.EPOCHS, s.key)).encode())
    path = s.cache / "fits" / f"{tag.hexdigest()[:20]}.npz"
    if path.is_file():
        with np.load(path) as z:
            return z["pooled"], z["logits"]
    t = time.time()
    weight_of = dict(zip(rows.tolist(), w.tolist(), strict=True))
    ch = [c for i in rows for c in s.chunk_of[i]]
    y = T._targets(s.dev)[s.owner[ch]].astype(np.float32)
    sw = np.array([weight_of[s.owner[c]] / len(s.chunk_of[s.owner[c]]) for c in ch])
    pos = (y * sw[:, None]).sum(0)
    ratio = np.where(pos > 0, (sw.sum() - pos) / np.maximum(pos, 1e-9), 1.0)
    layer = E.last_layer()
    weights = tl.fit_top([s.states[c] for c in ch], y, np.sqrt(ratio).astype(np.float32),
                         layer, sample_weight=sw)  # fmt: skip
    per_chunk, _ = tl.pooled_logits(s.states, weights, layer)
    pooled = np.vstack([per_chunk[c].mean(0) for c in s.chunk_of])
    logits = pooled @ weights["head_w"].T + weights["head_b"]
    path.parent.mkdir(parents=True, exist_ok=True)
    np.savez(path, pooled=pooled, logits=logits)
    log.info("fit on %d texts: %.0fs", len(rows), time.time() - t)
    return pooled, logits


def block_scores(
    s: Setup, rows: np.ndarray, w: np.ndarray, va: np.ndarray, block: np.ndarray
) -> np.ndarray:
    """LR raw scores of ``va`` (``train.fold_scores``) with a dense block appended."""
    x = T._features(s.dev, np.r_[rows, va], rows, CFG, s.base)
    x = sparse.hstack([x, sparse.csr_matrix(block[np.r_[rows, va]])], format="csr")
    coef, bias = T.fit_heads(x[: len(rows)], T._targets(s.dev)[rows], w, CFG["C"])
    return np.asarray(x[len(rows) :] @ coef.T) + bias


def splitter(seed: int, n: int, inner: bool, inner_shuffle: bool) -> GroupKFold:
    """The shipped GroupKFold (seed 0), else shuffled with ``seed`` (inner folds only with
    ``inner_shuffle``)."""
    if seed == 0 or (inner and not inner_shuffle):
        return GroupKFold(n_splits=n)
    return GroupKFold(n_splits=n, shuffle=True, random_state=seed)


def _mixsel(
    s: Setup, cal: dict[str, tuple[np.ndarray, np.ndarray]], tr: np.ndarray
) -> tuple[np.ndarray, np.ndarray]:
    """Per label the calibrated mix weight with the best inner-OOF F1 (ties: less tuned)."""
    n = len(s.labels)
    ta = T._targets(s.dev)[s.summ[tr]]
    f1s = {}
    for m in MIX_SEL:
        c = T.calibrate((1 - m) * cal["ref"][0] + m * cal["tuned"][0], s.dev, s.summ[tr],
                        s.hits[tr])  # fmt: skip
        over = combine(c["prob"][:, :n] >= c["thr"], s.hits[tr], c["modes"])
        f1s[m] = [T._f1(over[:, j], ta[:, j]) for j in range(n)]
    bw = np.zeros(n + 1)  # the no-cause head stays the LR's
    for j in range(n):
        bw[j] = max(MIX_SEL, key=lambda m: (round(f1s[m][j], 6), -m))
    ref, tuned = cal["ref"], cal["tuned"]
    return (1 - bw) * ref[0] + bw * tuned[0], (1 - bw) * ref[1] + bw * tuned[1]


def run(s: Setup, seed: int) -> dict[str, dict[str, Any]]:
    """Nested grouped CV of the reference and every variant on one split."""
    n = len(s.labels)
    names = ["ref", "tuned", *[f"mixraw{m}" for m in MIX_RAW], *[f"mixcal{m}" for m in MIX_CAL],
             *BLOCKS, "mixsel"]  # fmt: skip
    pred = {v: np.zeros((len(s.summ), n), dtype=int) for v in names}
    summ, groups, dev = s.summ, s.groups, s.dev
    for tr, va in splitter(seed, T.FOLDS, False, s.inner_shuffle).split(summ, groups=groups):
        held = {groups[i] for i in va}
        g_tr = [groups[i] for i in tr]
        inner = {v: np.zeros((len(tr), n + 1)) for v in ["ref", "tuned", *BLOCKS]}
        folds = splitter(seed, T.FOLDS - 1, True, s.inner_shuffle).split(tr, groups=g_tr)
        for itr, iva in folds:
            iheld = {g_tr[i] for i in iva} | held
            rows, w = T._train_rows(dev, summ[tr][itr], iheld, CFG)
            inner["ref"][iva] = T.fold_scores(dev, summ[tr][itr], summ[tr][iva], iheld, CFG,
                                              s.base)  # fmt: skip
            pooled, logits = fit(s, rows, w)
            inner["tuned"][iva] = logits[summ[tr][iva]]
            for name, f in BLOCKS.items():
                inner[name][iva] = block_scores(s, rows, w, summ[tr][iva], f(pooled, logits))
        rows, w = T._train_rows(dev, summ[tr], held, CFG)
        outer = {"ref": T.fold_scores(dev, summ[tr], summ[va], held, CFG, s.base)}
        pooled, logits = fit(s, rows, w)
        outer["tuned"] = logits[summ[va]]
        for name, f in BLOCKS.items():
            outer[name] = block_scores(s, rows, w, summ[va], f(pooled, logits))
        for m in MIX_RAW:
            inner[f"mixraw{m}"] = inner["ref"] + m * inner["tuned"]
            outer[f"mixraw{m}"] = outer["ref"] + m * outer["tuned"]
        cal = {}
        for v in ("ref", "tuned"):
            a, b = T.platt(inner[v], T._targets(dev)[summ[tr]])
            cal[v] = (a * inner[v] + b, a * outer[v] + b)
        for m in MIX_CAL:
            inner[f"mixcal{m}"] = (1 - m) * cal["ref"][0] + m * cal["tuned"][0]
            outer[f"mixcal{m}"] = (1 - m) * cal["ref"][1] + m * cal["tuned"][1]
        inner["mixsel"], outer["mixsel"] = _mixsel(s, cal, tr)
        for v in names:
            c = T.calibrate(inner[v], dev, summ[tr], s.hits[tr])
            prob = 1.0 / (1.0 + np.exp(-(c["a"] * outer[v] + c["b"])))
            pred[v][va] = T.decide(prob, c["thr"], c["unk_thr"], s.hits[va], c["modes"])
    ys = dev.y[summ]
    core = [s.labels.index(c) for c in T.CORE]
    ten = [j for j, lab in enumerate(s.labels) if lab != "automation"]
    out: dict[str, dict[str, Any]] = {}
    for v in names:
        out[v] = {"core6": round(T.macro_f1(pred[v], ys, core), 4),
                  "ten": round(T.macro_f1(pred[v], ys, ten), 4),
                  "f1": {lab: round(T._f1(pred[v][:, j], ys[:, j]), 3)
                         for j, lab in enumerate(s.labels)}}  # fmt: skip
        log.info("seed %d %-10s core %.3f ten %.3f", seed, v, out[v]["core6"], out[v]["ten"])
    return out


def main() -> int:
    ap = argparse.ArgumentParser(description=(__doc__ or "").splitlines()[0])
    ap.add_argument("seeds", type=int, nargs="*", default=[0])
    ap.add_argument("--cache", type=Path, default=Path("/tmp/rc11"))
    ap.add_argument("--inner-shuffle", action="store_true")
    args = ap.parse_args()
    logging.basicConfig(level=logging.INFO, format="%(asctime)s %(message)s", stream=sys.stderr)
    s = setup(args.cache, args.inner_shuffle)
    res = {seed: run(s, seed) for seed in args.seeds}
    print(json.dumps(res, indent=1))
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
