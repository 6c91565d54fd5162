"""The trained root-cause head: load from ``models/rootcause`` and predict.

Features: [emb_weight * MiniLM embedding | TF-IDF words | TF-IDF chars]; one linear
(logistic) head per label. A second, per-label logistic regression (stacker, fitted on
cross-validated dev scores) combines the head's score with the label's keyword hits
(taxonomy keywords) and its zero-shot cosine similarity; a per-label threshold is chosen on
the same cross-validation. Stored as JSON + npz.
"""

from __future__ import annotations

import json
import re
from collections.abc import Sequence
from dataclasses import dataclass
from functools import lru_cache
from pathlib import Path
from typing import Any

import numpy as np
from scipy import sparse

from ..paths import models_dir
from .baselines import KeywordBaseline
from .features import Prepared, Tfidf, embed_prepared
from .types import Category

MODEL_SUBDIR = "rootcause"


def model_dir() -> Path:
    """Folder of the trained artifact."""
    return models_dir() / MODEL_SUBDIR


def sigmoid(z: np.ndarray) -> np.ndarray:
    """Numerically safe logistic function."""
    return np.asarray(1.0 / (1.0 + np.exp(-np.clip(z, -40, 40))))


@dataclass
class Head:
    """Linear heads plus calibration and thresholds, all per label."""

    labels: list[str]
    weights: np.ndarray  # (n_labels, n_features)
    bias: np.ndarray
    platt_a: np.ndarray  # stacker weight of the head score
    platt_b: np.ndarray  # stacker bias
    thresholds: np.ndarray
    stack_kw: np.ndarray | None = None  # stacker weight of log(1 + keyword hits)
    stack_zs: np.ndarray | None = None  # stacker weight of the zero-shot cosine

    def scores(self, x: sparse.csr_matrix | np.ndarray) -> np.ndarray:
        """Raw decision values (n, n_labels)."""
        return np.asarray(x @ self.weights.T) + self.bias[None, :]

    def proba(
        self,
        x: sparse.csr_matrix | np.ndarray,
        kw: np.ndarray | None = None,
        zs: np.ndarray | None = None,
    ) -> np.ndarray:
        """Calibrated probabilities (n, n_labels) from the head scores and stacker inputs."""
        z = self.platt_a[None, :] * self.scores(x) + self.platt_b[None, :]
        if self.stack_kw is not None and kw is not None:
            z = z + self.stack_kw[None, :] * np.log1p(kw)
        if self.stack_zs is not None and zs is not None:
            z = z + self.stack_zs[None, :] * zs
        return sigmoid(z)


class Featurizer:
    """Builds the feature matrix from prepared texts."""

    def __init__(self, word: Tfidf, char: Tfidf, emb_weight: float):
        self.word = word
        self.char = char
        self.emb_weight = emb_weight

    def matrix(self, texts: Sequence[str], emb: np.ndarray) -> sparse.csr_matrix:
        """Stack scaled embeddings and both TF-IDF blocks."""
        return sparse.hstack(
            [
                sparse.csr_matrix(emb * self.emb_weight),
                self.word.transform(texts),
                self.char.transform(texts),
            ],
            format="csr",
        )

    def to_json(self) -> dict[str, Any]:
        """Settings (vocabularies are stored separately)."""
        return {
            "emb_weight": self.emb_weight,
            "word": {"analyzer": self.word.analyzer, "ngram": list(self.word.ngram)},
            "char": {"analyzer": self.char.analyzer, "ngram": list(self.char.ngram)},
        }


class RootCauseModel:
    """Featurizer + head; ``predict`` returns probabilities and evidence sentences."""

    def __init__(
        self,
        featurizer: Featurizer,
        head: Head,
        meta: dict[str, Any] | None = None,
        keywords: dict[str, list[str]] | None = None,
        protos: np.ndarray | None = None,
    ):
        self.featurizer = featurizer
        self.head = head
        self.meta = meta or {}
        self.keywords = keywords or {}
        self.protos = protos  # (n_labels, 384) zero-shot label vectors, or None
        self._kw = KeywordBaseline(
            [
                Category(id=lab, name=lab, definition="", keywords=self.keywords.get(lab, []))
                for lab in head.labels
            ]
        )

    def stack_inputs(
        self, texts: Sequence[str], emb: np.ndarray
    ) -> tuple[np.ndarray | None, np.ndarray | None]:
        """Keyword hit counts and zero-shot cosines (n, n_labels) for the stacker."""
        kw = self._kw.scores(texts) if self.keywords else None
        zs = np.asarray(emb @ self.protos.T) if self.protos is not None else None
        return kw, zs

    @property
    def labels(self) -> list[str]:
        """Label ids in head order."""
        return self.head.labels

    def predict(
        self, items: Sequence[Prepared]
    ) -> tuple[np.ndarray, list[list[tuple[str, np.ndarray]]]]:
        """Probabilities (n, n_labels) and, per text, (sentence, per-label score) pairs."""
        emb, sents = embed_prepared(items)
        texts = [p.text for p in items]
        kw, zs = self.stack_inputs(texts, emb)
        probs = self.head.proba(self.featurizer.matrix(texts, emb), kw, zs)
        flat = [(i, s, v) for i, ss in enumerate(sents) for s, v in ss]
        sent_scores: list[list[tuple[str, np.ndarray]]] = [[] for _ in items]
        if flat:
            xs = self.featurizer.matrix([s for _, s, _ in flat], np.vstack([v for *_, v in flat]))
            raw = self.head.scores(xs)
            for (i, s, _), r in zip(flat, raw, strict=True):
                sent_scores[i].append((s, r))
        return probs, sent_scores

    def save(self, folder: Path) -> None:
        """Write config.json, vocab.json and head.npz."""
        folder.mkdir(parents=True, exist_ok=True)
        cfg = {
            "labels": self.labels,
            "features": self.featurizer.to_json(),
            "stack_keywords": self.keywords,
            **self.meta,
        }
        (folder / "config.json").write_text(json.dumps(cfg, indent=1) + "\n", encoding="utf-8")
        vocab = {"word": self.featurizer.word.vocab, "char": self.featurizer.char.vocab}
        (folder / "vocab.json").write_text(json.dumps(vocab, ensure_ascii=False), encoding="utf-8")
        h = self.head
        extra: dict[str, Any] = {}
        if h.stack_kw is not None:
            extra["stack_kw"] = h.stack_kw
        if h.stack_zs is not None:
            extra["stack_zs"] = h.stack_zs
        if self.protos is not None:
            extra["protos"] = self.protos.astype(np.float32)
        np.savez_compressed(
            folder / "head.npz",
            weights=h.weights.astype(np.float32),
            bias=h.bias,
            platt_a=h.platt_a,
            platt_b=h.platt_b,
            thresholds=h.thresholds,
            idf_word=self.featurizer.word.idf,
            idf_char=self.featurizer.char.idf,
            **extra,
        )

    @classmethod
    def load(cls, folder: Path | None = None) -> RootCauseModel:
        """Read the artifact written by ``save`` (no pickle)."""
        folder = folder or model_dir()
        cfg = json.loads((folder / "config.json").read_text(encoding="utf-8"))
        vocab = json.loads((folder / "vocab.json").read_text(encoding="utf-8"))
        with np.load(folder / "head.npz", allow_pickle=False) as z:
            arr = {k: z[k] for k in z.files}
        f = cfg["features"]
        word = Tfidf(
            vocab["word"], arr["idf_word"], f["word"]["analyzer"], tuple(f["word"]["ngram"])
        )
        char = Tfidf(
            vocab["char"], arr["idf_char"], f["char"]["analyzer"], tuple(f["char"]["ngram"])
        )
        head = Head(
            labels=list(cfg["labels"]),
            weights=arr["weights"].astype(np.float32),
            bias=arr["bias"],
            platt_a=arr["platt_a"],
            platt_b=arr["platt_b"],
            thresholds=arr["thresholds"],
            stack_kw=arr.get("stack_kw"),
            stack_zs=arr.get("stack_zs"),
        )
        meta = {k: v for k, v in cfg.items() if k not in ("labels", "features", "stack_keywords")}
        return cls(
            Featurizer(word, char, float(f["emb_weight"])),
            head,
            meta,
            keywords=cfg.get("stack_keywords") or {},
            protos=arr.get("protos"),
        )


@lru_cache(maxsize=2)
def _cached(folder: str) -> RootCauseModel:
    return RootCauseModel.load(Path(folder))


def load_model(folder: Path | None = None) -> RootCauseModel:
    """The trained model, loaded once per folder."""
    return _cached(str(folder or model_dir()))


_LATIN = re.compile(r"[A-Za-z]")
_ENGLISH = frozenset(
    [
        "the",
        "a",
        "an",
        "of",
        "to",
        "in",
        "and",
        "or",
        "was",
        "were",
        "is",
        "are",
        "be",
        "been",
        "by",
        "for",
        "on",
        "at",
        "with",
        "from",
        "this",
        "that",
        "it",
        "its",
        "as",
        "which",
        "not",
        "we",
        "our",
        "caused",
        "after",
        "during",
        "when",
        "due",
    ]
)


def language_note(text: str) -> str | None:
    """A note when the text does not look English (cheap, deterministic heuristic)."""
    letters = [c for c in text if c.isalpha()]
    if len(letters) < 8:
        return None
    latin = sum(1 for c in letters if _LATIN.match(c)) / len(letters)
    words = re.findall(r"[a-z]+", text.lower())
    ratio = sum(w in _ENGLISH for w in words) / max(len(words), 1)
    if latin < 0.5 or (len(words) >= 10 and ratio < 0.06):
        return "non-English text: the model was trained on English, so no label is predicted"
    return None
