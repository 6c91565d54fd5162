"""Metrics: span-overlap precision/recall/F1, binary and multi-label F1, confusion, ROUGE.

Span overlap is lenient on boundaries (the gold README asks for it): a predicted span is
correct when it overlaps any gold span, and a gold span is found when any predicted span
overlaps it. Spans are half-open ``[start, end)`` character ranges.
"""

from __future__ import annotations

from collections.abc import Iterable, Sequence
from dataclasses import dataclass
from typing import Any

Span = tuple[int, int]


def overlaps(a: Span, b: Span) -> bool:
    """True when two half-open spans share at least one character."""
    return a[0] < b[1] and b[0] < a[1]


@dataclass
class PRF:
    """Counts behind precision/recall: matched predictions and found gold items."""

    tp_pred: int = 0
    n_pred: int = 0
    tp_gold: int = 0
    n_gold: int = 0

    @property
    def precision(self) -> float | None:
        """Share of predictions that are correct (None when nothing was predicted)."""
        return self.tp_pred / self.n_pred if self.n_pred else None

    @property
    def recall(self) -> float | None:
        """Share of gold items found (None when there is no gold item)."""
        return self.tp_gold / self.n_gold if self.n_gold else None

    @property
    def f1(self) -> float | None:
        """Harmonic mean of precision and recall (0 when either is 0, None when undefined)."""
        p, r = self.precision, self.recall
        if p is None or r is None:
            return None
        return 2 * p * r / (p + r) if p + r else 0.0

    def add(self, other: PRF) -> None:
        """Accumulate another count (micro-averaging)."""
        self.tp_pred += other.tp_pred
        self.n_pred += other.n_pred
        self.tp_gold += other.tp_gold
        self.n_gold += other.n_gold

    def as_dict(self) -> dict[str, Any]:
        """Rounded metrics plus the raw counts."""
        return {
            "precision": _round(self.precision),
            "recall": _round(self.recall),
            "f1": _round(self.f1),
            "tp_pred": self.tp_pred,
            "n_pred": self.n_pred,
            "tp_gold": self.tp_gold,
            "n_gold": self.n_gold,
        }


def _round(x: float | None, nd: int = 4) -> float | None:
    return None if x is None else round(x, nd)


def span_prf(pred: Sequence[Span], gold: Sequence[Span]) -> PRF:
    """Span-overlap counts for one text: each prediction and each gold span counted once."""
    return PRF(
        tp_pred=sum(any(overlaps(p, g) for g in gold) for p in pred),
        n_pred=len(pred),
        tp_gold=sum(any(overlaps(p, g) for p in pred) for g in gold),
        n_gold=len(gold),
    )


def binary_prf(pred: Sequence[bool], gold: Sequence[bool]) -> dict[str, Any]:
    """Precision/recall/F1 of a yes/no decision with its confusion counts."""
    if len(pred) != len(gold):
        raise ValueError("pred and gold differ in length")
    tp = sum(p and g for p, g in zip(pred, gold, strict=True))
    fp = sum(p and not g for p, g in zip(pred, gold, strict=True))
    fn = sum(g and not p for p, g in zip(pred, gold, strict=True))
    tn = len(pred) - tp - fp - fn
    prf = PRF(tp_pred=tp, n_pred=tp + fp, tp_gold=tp, n_gold=tp + fn)
    return {**prf.as_dict(), "tp": tp, "fp": fp, "fn": fn, "tn": tn, "n": len(pred)}


def multilabel_prf(
    gold: Sequence[Iterable[str]], pred: Sequence[Iterable[str]], labels: Sequence[str]
) -> dict[str, Any]:
    """Per-label P/R/F1 with support, macro-F1 (mean over labels) and micro-F1."""
    if len(gold) != len(pred):
        raise ValueError("gold and pred differ in length")
    gs, ps = [set(g) for g in gold], [set(p) for p in pred]
    per: dict[str, Any] = {}
    total = PRF()
    for lab in labels:
        tp = sum(lab in g and lab in p for g, p in zip(gs, ps, strict=True))
        npred = sum(lab in p for p in ps)
        ngold = sum(lab in g for g in gs)
        c = PRF(tp, npred, tp, ngold)
        total.add(c)
        per[lab] = {**c.as_dict(), "support": ngold, "f1": _round(c.f1 or 0.0)}
    macro = sum(per[lab]["f1"] for lab in labels) / len(labels) if labels else 0.0
    return {"per_label": per, "macro_f1": round(macro, 4), "micro_f1": _round(total.f1 or 0.0)}


def confusion(
    gold: Sequence[Iterable[str]], pred: Sequence[Iterable[str]], labels: Sequence[str]
) -> list[list[int]]:
    """Multi-label confusion: ``m[i][j]`` = records with true label i that got label j.

    The last column counts records of true label i that got no label at all. For
    single-label data this is the ordinary confusion matrix plus a "none" column.
    """
    index = {lab: j for j, lab in enumerate(labels)}
    m = [[0] * (len(labels) + 1) for _ in labels]
    for g, p in zip(gold, pred, strict=True):
        ps = [index[x] for x in p if x in index]
        for t in g:
            if t not in index:
                continue
            row = m[index[t]]
            for j in ps:
                row[j] += 1
            if not ps:
                row[-1] += 1
    return m


ROUGE_TYPES = ("rouge1", "rouge2", "rougeL")


def rouge_f(prediction: str, reference: str) -> dict[str, float]:
    """ROUGE-1/2/L F-measures (rouge-score, Porter stemming) of one prediction."""
    from rouge_score import rouge_scorer

    scorer = rouge_scorer.RougeScorer(list(ROUGE_TYPES), use_stemmer=True)
    scores = scorer.score(reference, prediction)
    return {k: round(scores[k].fmeasure, 4) for k in ROUGE_TYPES}
