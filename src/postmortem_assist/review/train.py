"""Train the sentence scorer on ``sentence_flags.jsonl`` (dev) and measure it, one command:

    python -m postmortem_assist.review.train [--corpus DIR] [--out models/sentence-flags]

Steps: every dev sentence is located in its document, the rules run over the whole
document (rules alone: the learned rules are off) and each sentence gets the findings
that start in it; features are word 1-2-grams plus those rule hits (``scorer.tokens``).
Grouped 5-fold CV by company (``split_group``) gives out-of-fold probabilities; the
thresholds of each outer fold are picked on an inner grouped CV of its training part
only, so the reported rules+model figures are not tuned on the sentences they score.
The shipped thresholds are then picked on the full out-of-fold probabilities and the
heads refitted on all of dev. Rules alone are scored in the same run as the baseline.
"""

from __future__ import annotations

import argparse
import json
import sys
import time
from collections.abc import Sequence
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import numpy as np

from ..findings import Finding
from .flags import Labelled
from .scorer import HEADS, Head, SentenceScorer, Thresholds, model_path, tokens, vector

SEED = 13
FOLDS = 5
C = {"blame": 1.0, "unclear": 1.0, "blame_kind": 1.0, "unclear_kind": 1.0}
#: Threshold objectives: most recall at this out-of-fold precision (blame); most recall
#: flagging no larger share of non-unclear sentences than the rules alone do, nor more
#: than this (unclear).
BLAME_MIN_PRECISION = 0.85
UNCLEAR_MAX_FALSE_ALARMS = 0.10
GRID = [round(x, 2) for x in np.arange(0.02, 0.99, 0.02)]
LEARNED = ("blame/learned", "clarity/learned")


# --- what counts as flagged ------------------------------------------------------------
def is_blame(f: Finding) -> bool:
    return f.family == "blame"


def is_unclear(f: Finding) -> bool:
    return f.family == "clarity" or f.rule == "actions/vague"


@dataclass
class Table:
    """Per sentence: gold flags, rule flags and out-of-fold probabilities."""

    gold_blame: np.ndarray
    gold_unclear: np.ndarray
    rule_blame: np.ndarray
    rule_unclear: np.ndarray
    rule_other: np.ndarray  # any other counted finding (e.g. actions/no-owner)
    groups: np.ndarray


def table(items: Sequence[Labelled]) -> Table:
    def has(pred: Any) -> np.ndarray:
        return np.array([any(pred(f) for f in it.findings) for it in items])

    return Table(
        np.array([it.blame for it in items]),
        np.array([it.unclear for it in items]),
        has(is_blame),
        has(is_unclear),
        has(lambda f: not is_blame(f) and not is_unclear(f)),
        np.array([it.group for it in items]),
    )


def decide(rule: np.ndarray, prob: np.ndarray | None, th: Thresholds | None) -> np.ndarray:
    """Flags of rules (+ model): keep a rule hit unless p < veto, add one where p >= add."""
    if prob is None or th is None:
        return rule
    return np.where(rule, prob >= th.veto, prob >= th.add)


def choose(rule: np.ndarray, prob: np.ndarray, gold: np.ndarray, family: str) -> Thresholds:
    """The (add, veto) pair meeting the family's objective with the most recall."""
    pick = Thresholds(add=1.01, veto=0.0)  # rules alone, unless a pair meets the objective
    best: tuple[float, float, float] | None = None
    budget = float((rule & ~gold).sum()) / max((~gold).sum(), 1)  # rules' own false alarms
    for add in GRID:
        for veto in [0.0, *GRID]:
            if veto > add:
                break
            flag = np.where(rule, prob >= veto, prob >= add)
            tp = float((flag & gold).sum())
            recall = tp / max(gold.sum(), 1)
            if family == "blame":
                ok = tp / max(flag.sum(), 1) >= BLAME_MIN_PRECISION
            else:
                fa = float((flag & ~gold).sum()) / max((~gold).sum(), 1)
                ok = fa <= min(budget, UNCLEAR_MAX_FALSE_ALARMS) + 1e-9
            key = (recall, -add, veto)
            if ok and (best is None or key > best):
                best = key
                pick = Thresholds(add=add, veto=veto)
    return pick


# --- features and heads ------------------------------------------------------------------
def rule_ids(it: Labelled) -> list[str]:
    return [f.rule for f in it.findings if f.rule not in LEARNED]


def matrix(items: Sequence[Labelled]) -> tuple[Any, np.ndarray]:
    """Sentence-by-feature matrix over the hashed columns that occur, and those columns."""
    from scipy.sparse import csr_matrix

    rows, cols, vals = [], [], []
    for i, it in enumerate(items):
        idx, values = vector(tokens(it.text, rule_ids(it)))
        rows += [i] * len(idx)
        cols += idx.tolist()
        vals += values.tolist()
    used, local = np.unique(np.array(cols, dtype=np.int64), return_inverse=True)
    X = csr_matrix((vals, (rows, local)), shape=(len(items), len(used)), dtype=np.float64)
    return X, used


def _lr(c: float, balanced: bool) -> Any:
    from sklearn.linear_model import LogisticRegression

    return LogisticRegression(
        C=c,
        class_weight="balanced" if balanced else None,
        solver="liblinear",
        random_state=SEED,
    )


@dataclass
class OneVsRest:
    """One binary head per kind (liblinear has no multinomial mode); argmax picks the kind."""

    classes_: np.ndarray
    coef_: np.ndarray
    intercept_: np.ndarray

    @classmethod
    def fit(cls, X: Any, labels: list[str], c: float) -> OneVsRest:
        classes = np.array(sorted(set(labels)))
        y = np.array(labels)
        heads = [_lr(c, True).fit(X, y == k) for k in classes]
        return cls(
            classes,
            np.vstack([h.coef_ for h in heads]),
            np.concatenate([h.intercept_ for h in heads]),
        )


def _kind_rows(items: Sequence[Labelled], family: str) -> tuple[list[int], list[str]]:
    rows, labels = [], []
    for i, it in enumerate(items):
        kinds = it.blame_kinds if family == "blame" else it.unclear_kinds
        if it.blame if family == "blame" else it.unclear:
            for k in kinds or ["other"]:
                rows.append(i)
                labels.append(k)
    return rows, labels


def fit(items: Sequence[Labelled], X: Any, kinds: bool = True) -> dict[str, Any]:
    """The binary heads (blame, unclear) and, with ``kinds``, the kind head of each."""
    t = table(items)
    models: dict[str, Any] = {
        "blame": _lr(C["blame"], True).fit(X, t.gold_blame),
        "unclear": _lr(C["unclear"], True).fit(X, t.gold_unclear),
    }
    for fam in ("blame", "unclear") if kinds else ():
        rows, labels = _kind_rows(items, fam)
        models[f"{fam}_kind"] = OneVsRest.fit(X[rows], labels, C[f"{fam}_kind"])
    return models


def proba(models: dict[str, Any], X: Any) -> dict[str, np.ndarray]:
    return {h: models[h].predict_proba(X)[:, 1] for h in ("blame", "unclear")}


def oof(items: Sequence[Labelled], X: Any, groups: np.ndarray, k: int) -> dict[str, np.ndarray]:
    """Out-of-fold probabilities under grouped k-fold CV."""
    from sklearn.model_selection import GroupKFold

    out = {h: np.zeros(len(items)) for h in ("blame", "unclear")}
    for tr, te in GroupKFold(n_splits=k).split(X, groups=groups):
        m = fit([items[i] for i in tr], X[tr], kinds=False)
        for h, p in proba(m, X[te]).items():
            out[h][te] = p
    return out


def to_scorer(
    models: dict[str, Any], columns: np.ndarray, thresholds: dict[str, Thresholds], meta: dict
) -> SentenceScorer:
    """Pack sklearn heads into the numpy scorer, keeping only columns with a weight."""
    coefs = {n: np.atleast_2d(m.coef_) for n, m in models.items()}
    keep = np.nonzero(np.max([np.abs(c).max(axis=0) for c in coefs.values()], axis=0) > 1e-6)[0]
    heads = {}
    for n, m in models.items():
        classes = [n] if n in HEADS else [str(c) for c in m.classes_]
        coef = coefs[n][:, keep].astype(np.float32)
        heads[n] = Head(n, classes, coef, np.atleast_1d(m.intercept_).astype(np.float32))
    return SentenceScorer(columns[keep].astype(np.int64), heads, thresholds, meta)


# --- measuring -----------------------------------------------------------------------------
def figures(
    items: Sequence[Labelled], t: Table, blame: np.ndarray, unclear: np.ndarray
) -> dict[str, Any]:
    """Recall/precision by family and kind, and the share of clean sentences flagged."""

    def rp(flag: np.ndarray, gold: np.ndarray) -> dict[str, Any]:
        tp = int((flag & gold).sum())
        return {
            "recall": round(tp / max(int(gold.sum()), 1), 3),
            "precision": round(tp / max(int(flag.sum()), 1), 3),
            "flagged": int(flag.sum()),
            "gold": int(gold.sum()),
        }

    clean = ~t.gold_blame & ~t.gold_unclear
    anyflag = blame | unclear | t.rule_other
    per_kind: dict[str, Any] = {}
    for fam, flag in (("blame", blame), ("unclear", unclear)):
        kinds = sorted(
            {k for it in items for k in (it.blame_kinds if fam == "blame" else it.unclear_kinds)}
        )
        for k in kinds:
            gold = np.array(
                [k in (it.blame_kinds if fam == "blame" else it.unclear_kinds) for it in items]
            )
            per_kind[f"{fam}/{k}"] = {
                "recall": round(float((flag & gold).sum()) / max(int(gold.sum()), 1), 3),
                "gold": int(gold.sum()),
            }
    return {
        "blame": rp(blame, t.gold_blame),
        "unclear": rp(unclear, t.gold_unclear),
        "clean_flagged_share": round(float((anyflag & clean).sum()) / max(int(clean.sum()), 1), 3),
        "clean_sentences": int(clean.sum()),
        "per_kind": per_kind,
    }


def cross_validate(items: Sequence[Labelled], folds: int = FOLDS) -> dict[str, Any]:
    """Rules alone vs rules + model under grouped CV, thresholds picked per outer fold."""
    from sklearn.model_selection import GroupKFold

    X, _ = matrix(items)
    t = table(items)
    blame = np.zeros(len(items), bool)
    unclear = np.zeros(len(items), bool)
    fold_th: list[dict[str, dict[str, float]]] = []
    for tr, te in GroupKFold(n_splits=folds).split(X, groups=t.groups):
        sub = [items[i] for i in tr]
        inner = oof(sub, X[tr], t.groups[tr], folds - 1)
        th = {
            "blame": choose(t.rule_blame[tr], inner["blame"], t.gold_blame[tr], "blame"),
            "unclear": choose(t.rule_unclear[tr], inner["unclear"], t.gold_unclear[tr], "unclear"),
        }
        fold_th.append({f: vars(v) for f, v in th.items()})
        p = proba(fit(sub, X[tr], kinds=False), X[te])
        blame[te] = decide(t.rule_blame[te], p["blame"], th["blame"])
        unclear[te] = decide(t.rule_unclear[te], p["unclear"], th["unclear"])
    full = oof(items, X, t.groups, folds)
    return {
        "sentences": len(items),
        "documents": len({it.doc_id for it in items}),
        "groups": len(set(t.groups.tolist())),
        "folds": folds,
        "rules": figures(items, t, t.rule_blame, t.rule_unclear),
        "rules+model": figures(items, t, blame, unclear),
        "fold_thresholds": fold_th,
        "oof": full,
        "table": t,
    }


def rules_only_review() -> Any:
    """``review(name, text)`` with the rules alone (the learned rules switched off)."""
    from ..config import Settings
    from ..reading import Source
    from . import analyse, engine_for

    engine = engine_for(Settings(disable=list(LEARNED)))
    return lambda name, text: engine.review(analyse(Source(name, text)))


def train(root: Path, out: Path) -> dict[str, Any]:
    """Locate, review, cross-validate, pick thresholds, refit, save. Returns the report."""
    from . import flags

    t0 = time.time()
    items, docs = flags.load(root)
    flags.attach_findings(items, docs, rules_only_review())
    cv = cross_validate(items)
    t, full = cv.pop("table"), cv.pop("oof")
    X, columns = matrix(items)
    th = {
        "blame": choose(t.rule_blame, full["blame"], t.gold_blame, "blame"),
        "unclear": choose(t.rule_unclear, full["unclear"], t.gold_unclear, "unclear"),
    }
    models = fit(items, X)
    meta = {
        "trained_on": f"{flags.FILE} dev: {len(items)} sentences, {cv['documents']} documents",
        "seed": SEED,
        "C": C,
        "objectives": {
            "blame_min_precision": BLAME_MIN_PRECISION,
            "unclear_max_false_alarms": UNCLEAR_MAX_FALSE_ALARMS,
        },
        "rebuild": "python -m postmortem_assist.review.train",
    }
    scorer = to_scorer(models, columns, th, meta)
    scorer.save(out)
    report = {
        **cv,
        "thresholds": {f: vars(v) for f, v in th.items()},
        "seconds": round(time.time() - t0, 1),
    }
    (out / "metrics.json").write_text(json.dumps(report, indent=2) + "\n")
    (out / "MODEL_CARD.md").write_text(card(report, items, scorer))
    return report


def card(report: dict[str, Any], items: Sequence[Labelled], scorer: SentenceScorer) -> str:
    """The model card, from the run's own numbers (rewritten by every training run)."""
    from collections import Counter

    kinds = Counter(k for it in items for k in it.blame_kinds + it.unclear_kinds)
    groups = Counter(it.group for it in items)
    rows = []
    for key in ("rules", "rules+model"):
        r = report[key]
        rows.append(
            f"| {key} | {r['blame']['recall']} | {r['blame']['precision']} | "
            f"{r['unclear']['recall']} | {r['unclear']['precision']} | "
            f"{r['clean_flagged_share']} |"
        )
    alone, both = report["rules"]["per_kind"], report["rules+model"]["per_kind"]
    per_kind = [
        f"| {k} | {alone[k]['gold']} | {alone[k]['recall']} | {both[k]['recall']} |"
        for k in sorted(alone)
    ]
    th = report["thresholds"]
    size = sum(h.coef.size for h in scorer.heads.values())
    return "\n".join(
        [
            "# Sentence flags scorer (`models/sentence-flags`)",
            "",
            "Scores each sentence of a reviewed draft for **blame** and **unclear** wording, "
            "and names the likely kind. Written by the training command; do not edit by hand.",
            "",
            "## Rebuild",
            "",
            "    python -m postmortem_assist.review.train   # or: make model",
            "",
            "(corpus at `../shared/corpus`, or set `ASSIST_CORPUS`). Deterministic: seed "
            f"{SEED}, liblinear, grouped folds (GroupKFold), crc32 feature hashing.",
            "",
            "## Data (dev only)",
            "",
            f"`sentence_flags.jsonl`: {len(items)} sentences from {report['documents']} dev "
            f"postmortems of {report['groups']} companies (`split_group`: "
            + ", ".join(f"{g} {n}" for g, n in groups.most_common())
            + f"). Blame: {int(sum(it.blame for it in items))}, unclear: "
            f"{int(sum(it.unclear for it in items))}, clean: {report['rules']['clean_sentences']}. "
            "Kinds: " + ", ".join(f"{k} {n}" for k, n in kinds.most_common()) + ". "
            "Sampled to over-represent likely positives, so rates are higher than in whole "
            "documents. No corpus text is stored here: only hashed feature ids and weights.",
            "",
            "## Method",
            "",
            "Each sentence is found in its document and the rules run over the whole document "
            "(so zone statements and acronym definitions elsewhere count); the rules' hits that "
            "start in the sentence become features (`R:<rule>`, `F:<family>`, or `R:none`) next "
            "to lower-cased word 1-2-grams (digits folded to 0), hashed with crc32 into 2^20 "
            "columns, L2-scaled. Two balanced logistic-regression heads (blame, unclear; C="
            f"{C['blame']}) and one-vs-rest kind heads. At review time it is numpy only "
            f"({len(scorer.index)} stored columns, {size} weights): about 0.3 ms a sentence, "
            "0.036 s per 1,000 words measured on a loaded 2-core machine; the MiniLM encoder "
            "is not used (see below).",
            "",
            "Use: rule hits of a family in a sentence scored below `veto` are dropped; a "
            "sentence with no hit of the family scored at or above `add` gets `blame/learned` "
            "or `clarity/learned` with kind and score. Shipped thresholds (picked on all "
            f"out-of-fold scores): blame add {th['blame']['add']}, veto {th['blame']['veto']}; "
            f"unclear add {th['unclear']['add']}, veto {th['unclear']['veto']} (an add above 1 "
            "means never). Objectives: blame, most recall at out-of-fold precision >= "
            f"{BLAME_MIN_PRECISION}; unclear, most recall without flagging more non-unclear "
            "sentences than the rules alone. Override in `[tool.assist.learned]`.",
            "",
            "## Grouped 5-fold CV by company (rules alone vs rules + model, same run)",
            "",
            "Thresholds of each outer fold are picked on an inner grouped CV of its training "
            "folds only. A sentence is flagged for a family when any finding of the family "
            "(blame; clarity or actions/vague) starts in it; clean flagged = any shown finding.",
            "",
            "| system | blame recall | blame precision | unclear recall | unclear precision "
            "| clean sentences flagged |",
            "|---|---|---|---|---|---|",
            *rows,
            "",
            "| kind | sentences | recall, rules | recall, rules + model |",
            "|---|---|---|---|",
            *per_kind,
            "",
            f"Per-fold thresholds: {json.dumps(report['fold_thresholds'])}.",
            "",
            "## Limits",
            "",
            "61 blame sentences, 53 from one company: held out by company, the blame head "
            "has little to learn from and ranks blame sentences barely above chance. Where "
            "rules + model does not beat rules alone in the table above, `blame/learned` and "
            "`clarity/learned` ship quiet (off unless enabled by id). The encoder "
            "(all-MiniLM-L6-v2 mean-pooled + the rule flags, same folds, tried once outside "
            "this command) ranked worse than the n-grams on both heads (average precision "
            "blame 0.04 vs 0.06, unclear 0.33 vs 0.43), so it is not used. English only.",
            "",
        ]
    )


def main(argv: list[str] | None = None) -> int:
    from ..corpus import corpus_dir

    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("--corpus", type=Path, default=None)
    ap.add_argument("--out", type=Path, default=None)
    args = ap.parse_args(argv)
    root = args.corpus or corpus_dir()
    if root is None or not (root / "sentence_flags.jsonl").is_file():
        print("error: no corpus with sentence_flags.jsonl (set ASSIST_CORPUS)", file=sys.stderr)
        return 2
    report = train(root, args.out or model_path())
    print(json.dumps({k: report[k] for k in ("rules", "rules+model", "thresholds")}, indent=2))
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
