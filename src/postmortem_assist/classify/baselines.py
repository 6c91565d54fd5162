"""Baselines for the root-cause classifier: keyword rules, zero-shot similarity and a
plain MiniLM + logistic regression trained on dev (the issue's third reference point)."""

from __future__ import annotations

import re
from collections.abc import Sequence
from typing import TYPE_CHECKING

import numpy as np

from .types import Category

if TYPE_CHECKING:
    from sklearn.linear_model import LogisticRegression


def keyword_pattern(keyword: str) -> str:
    """Regex of one taxonomy keyword: a word-initial prefix ("misconfigur" matches
    "misconfigured"), or a whole word when it ends with "$" ("fire$" is not "firewall")."""
    word = keyword.lower()
    if word.endswith("$"):
        return re.escape(word[:-1]) + r"\b"
    return re.escape(word)


class KeywordBaseline:
    """Predict every label one of whose keywords occurs (word-initial, case-insensitive;
    see ``keyword_pattern``)."""

    def __init__(self, categories: Sequence[Category]):
        self.labels = [c.id for c in categories]
        self.patterns = [
            re.compile(r"\b(?:" + "|".join(keyword_pattern(k) for k in c.keywords) + ")", re.I)
            if c.keywords
            else None
            for c in categories
        ]

    def scores(self, texts: Sequence[str]) -> np.ndarray:
        """Keyword hit counts (n, n_labels)."""
        out = np.zeros((len(texts), len(self.labels)), dtype=np.float32)
        for i, t in enumerate(texts):
            for j, pat in enumerate(self.patterns):
                if pat is not None:
                    out[i, j] = len(pat.findall(t))
        return out

    def predict(self, texts: Sequence[str]) -> np.ndarray:
        """Binary predictions (n, n_labels)."""
        return (self.scores(texts) > 0).astype(int)


class ZeroShotBaseline:
    """Cosine similarity between the text embedding and each label's description embedding.

    A label's description is its definition plus its two examples (mean of their
    embeddings). Predicts the top label, plus any label within ``margin`` of it.
    """

    def __init__(self, categories: Sequence[Category], margin: float = 0.02):
        from ..embeddings import encode

        self.labels = [c.id for c in categories]
        self.margin = margin
        protos = []
        for c in categories:
            e = encode([c.definition, *c.examples])
            v = e.mean(0)
            protos.append(v / np.linalg.norm(v))
        self.protos = np.vstack(protos)

    def scores(self, emb: np.ndarray) -> np.ndarray:
        """Cosine similarities (n, n_labels) for L2-normalised text embeddings."""
        return np.asarray(emb @ self.protos.T)

    def predict(self, emb: np.ndarray) -> np.ndarray:
        """Binary predictions: the best label and those within ``margin`` of it."""
        s = self.scores(emb)
        return (s >= s.max(1, keepdims=True) - self.margin).astype(int)


class PlainEmbeddingLR:
    """One logistic regression per label on the MiniLM embedding alone, threshold 0.5.

    "Plain": no TF-IDF, no stacker, no tuned thresholds; class-balanced weights so that
    rare labels are predicted at all. Fitted on dev embeddings at evaluation time.
    """

    def __init__(self, c: float = 1.0, seed: int = 13):
        self.c = c
        self.seed = seed
        self.models: list[LogisticRegression | int] = []

    def fit(self, emb: np.ndarray, y: np.ndarray) -> PlainEmbeddingLR:
        """Fit one model per label column (a constant where a label never/always occurs)."""
        from sklearn.linear_model import LogisticRegression

        self.models = []
        for j in range(y.shape[1]):
            yj = y[:, j]
            if yj.min() == yj.max():
                self.models.append(int(yj.max()))
                continue
            lr = LogisticRegression(
                C=self.c, class_weight="balanced", max_iter=2000, random_state=self.seed
            )
            self.models.append(lr.fit(emb, yj))
        return self

    def predict(self, emb: np.ndarray) -> np.ndarray:
        """Binary predictions (n, n_labels)."""
        cols = []
        for m in self.models:
            if isinstance(m, int):
                cols.append(np.full(len(emb), m, dtype=int))
            else:
                cols.append((m.predict_proba(emb)[:, 1] >= 0.5).astype(int))
        return np.stack(cols, axis=1)
