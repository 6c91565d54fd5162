"""Two baselines for the root-cause classifier: keyword rules and zero-shot similarity."""

from __future__ import annotations

import re
from collections.abc import Sequence

import numpy as np

from .types import Category


class KeywordBaseline:
    """Predict every label one of whose keywords occurs (word-initial, case-insensitive)."""

    def __init__(self, categories: Sequence[Category]):
        self.labels = [c.id for c in categories]
        self.patterns = [
            re.compile(r"\b(?:" + "|".join(re.escape(k.lower()) for k in c.keywords) + ")", re.I)
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
