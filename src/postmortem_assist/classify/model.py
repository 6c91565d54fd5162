"""The trained root-cause head: load from ``models/rootcause`` and predict.

Features: [emb_weight * MiniLM embedding | TF-IDF words | TF-IDF chars (optional) |
kw_weight * log(1 + keyword hits) per label (hits capped at 1 when ``kw_binary``) |
zs_weight * zero-shot cosine per label]. One
class-balanced logistic head per label, plus one head for "the text states no cause"
(``unknown``). Each head's score is Platt-scaled on grouped cross-validated dev scores, and
a per-label threshold (and the no-cause threshold) is chosen on the same cross-validation.
Stored as JSON + npz (no pickle).
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
ZS_CENTER = 0.2  # zero-shot cosines sit around 0.1-0.4; centred before scaling


def model_dir() -> Path:
    """Folder of the trained artifact."""
    return models_dir() / MODEL_SUBDIR


def sigmoid(z: np.ndarray) -> np.ndarray:
    """Numerically safe logistic function."""
    return np.asarray(1.0 / (1.0 + np.exp(-np.clip(z, -40, 40))))


@dataclass
class Head:
    """Linear heads plus calibration and thresholds, all per label.

    Row ``len(labels)`` of ``weights`` (when ``has_unknown``) is the no-stated-cause head;
    ``unknown_threshold`` applies to its calibrated probability.
    """

    labels: list[str]
    weights: np.ndarray  # (n_labels [+1], n_features)
    bias: np.ndarray
    platt_a: np.ndarray
    platt_b: np.ndarray
    thresholds: np.ndarray  # (n_labels,)
    unknown_threshold: float = 1.01  # > 1: never abstain
    modes: list[str] | None = None  # per label, see ``combine``; None: "model" everywhere

    @property
    def has_unknown(self) -> bool:
        """True when the artifact has a no-stated-cause head."""
        return bool(self.weights.shape[0] > len(self.labels))

    def scores(self, x: sparse.csr_matrix | np.ndarray) -> np.ndarray:
        """Raw decision values (n, n_heads)."""
        return np.asarray(x @ self.weights.T) + self.bias[None, :]

    def proba(self, x: sparse.csr_matrix | np.ndarray) -> np.ndarray:
        """Calibrated probabilities (n, n_heads)."""
        return sigmoid(self.platt_a[None, :] * self.scores(x) + self.platt_b[None, :])


MODES = ("model", "keyword", "or", "and")


def combine(over: np.ndarray, hits: np.ndarray, modes: Sequence[str] | None) -> np.ndarray:
    """Per-label decision from the model (``over``: probability over its threshold) and the
    taxonomy keywords (``hits`` > 0): "model", "keyword", "or" (either) or "and" (both)."""
    over = over.astype(bool)
    if modes is None:
        return over
    kw = hits > 0
    out = over.copy()
    for j, mode in enumerate(modes):
        if mode not in MODES:
            raise ValueError(f"unknown decision mode {mode!r}")
        if mode == "keyword":
            out[:, j] = kw[:, j]
        elif mode == "or":
            out[:, j] = over[:, j] | kw[:, j]
        elif mode == "and":
            out[:, j] = over[:, j] & kw[:, j]
    return out


class Featurizer:
    """Builds the feature matrix from prepared texts and their embeddings."""

    def __init__(
        self,
        word: Tfidf,
        char: Tfidf | None,
        emb_weight: float,
        kw_weight: float = 0.0,
        zs_weight: float = 0.0,
        keywords: dict[str, list[str]] | None = None,
        protos: np.ndarray | None = None,
        labels: Sequence[str] = (),
        kw_binary: bool = False,
    ):
        self.word = word
        self.char = char
        self.emb_weight = emb_weight
        self.kw_weight = kw_weight
        self.zs_weight = zs_weight
        self.keywords = keywords or {}
        self.protos = protos  # (n_labels, 384) zero-shot label vectors, or None
        self.labels = list(labels)
        # a label's keywords found or not (not how often): long reports name "network" or
        # "deployment" many times whatever the cause, and counts made them outvote short ones
        self.kw_binary = kw_binary
        self._kw = KeywordBaseline(
            [
                Category(id=lab, name=lab, definition="", keywords=self.keywords.get(lab, []))
                for lab in self.labels
            ]
        )

    def keyword_hits(self, texts: Sequence[str]) -> np.ndarray:
        """Keyword hit counts (n, n_labels) of the taxonomy keywords."""
        return self._kw.scores(texts)

    def matrix(self, texts: Sequence[str], emb: np.ndarray) -> sparse.csr_matrix:
        """Stack scaled embeddings, TF-IDF blocks, keyword and zero-shot features."""
        blocks = [sparse.csr_matrix(emb * self.emb_weight), self.word.transform(texts)]
        if self.char is not None:
            blocks.append(self.char.transform(texts))
        if self.kw_weight and self.labels:
            hits = self.keyword_hits(texts)
            if self.kw_binary:
                hits = np.minimum(hits, 1.0)
            blocks.append(sparse.csr_matrix(np.log1p(hits) * self.kw_weight))
        if self.zs_weight and self.protos is not None:
            zs = (np.asarray(emb @ self.protos.T) - ZS_CENTER) * self.zs_weight
            blocks.append(sparse.csr_matrix(zs))
        return sparse.hstack(blocks, format="csr")

    def to_json(self) -> dict[str, Any]:
        """Settings (vocabularies and label vectors are stored separately)."""
        out: dict[str, Any] = {
            "emb_weight": self.emb_weight,
            "kw_weight": self.kw_weight,
            "zs_weight": self.zs_weight,
            "kw_binary": self.kw_binary,
            "word": {"analyzer": self.word.analyzer, "ngram": list(self.word.ngram)},
        }
        if self.char is not None:
            out["char"] = {"analyzer": self.char.analyzer, "ngram": list(self.char.ngram)}
        return out


class RootCauseModel:
    """Featurizer + head; ``predict`` returns probabilities and evidence sentences."""

    def __init__(self, featurizer: Featurizer, head: Head, meta: dict[str, Any] | None = None):
        self.featurizer = featurizer
        self.head = head
        self.meta = meta or {}

    @property
    def labels(self) -> list[str]:
        """Label ids in head order."""
        return self.head.labels

    def predict_all(
        self, items: Sequence[Prepared]
    ) -> tuple[np.ndarray, np.ndarray, list[list[tuple[str, np.ndarray]]]]:
        """Label probabilities (n, n_labels), no-stated-cause probabilities (n,) and, per
        text, (sentence, per-label head score) pairs for evidence."""
        emb, sents = embed_prepared(items)
        texts = [p.text for p in items]
        n_lab = len(self.labels)
        probs = self.head.proba(self.featurizer.matrix(texts, emb))
        unknown = probs[:, n_lab] if self.head.has_unknown else np.zeros(len(items))
        flat = [(i, s, v) for i, ss in enumerate(sents) for s, v in ss]
        sent_scores: list[list[tuple[str, np.ndarray]]] = [[] for _ in items]
        if flat:
            xs = self.featurizer.matrix([s for _, s, _ in flat], np.vstack([v for *_, v in flat]))
            raw = self.head.scores(xs)[:, :n_lab]
            for (i, s, _), r in zip(flat, raw, strict=True):
                sent_scores[i].append((s, r))
        return probs[:, :n_lab], unknown, sent_scores

    def predict(
        self, items: Sequence[Prepared]
    ) -> tuple[np.ndarray, list[list[tuple[str, np.ndarray]]]]:
        """Probabilities (n, n_labels) and, per text, (sentence, per-label score) pairs."""
        probs, _, sents = self.predict_all(items)
        return probs, sents

    def predicted(
        self,
        probs: np.ndarray,
        unknown: np.ndarray | None = None,
        hits: np.ndarray | None = None,
    ) -> np.ndarray:
        """Binary decisions: each label's decision mode over its threshold and its keyword
        ``hits`` (``featurizer.keyword_hits`` of the same texts; required when a mode uses
        keywords), none where no cause is stated."""
        over = probs >= self.head.thresholds[None, :]
        if self.head.modes is not None and any(m != "model" for m in self.head.modes):
            if hits is None:
                raise ValueError("keyword hits are needed by this model's decision modes")
            over = combine(over, hits, self.head.modes)
        pred = over.astype(int)
        if unknown is not None:
            pred[unknown >= self.head.unknown_threshold] = 0
        return pred

    def save(self, folder: Path) -> None:
        """Write config.json, vocab.json and head.npz."""
        folder.mkdir(parents=True, exist_ok=True)
        f = self.featurizer
        cfg = {
            "labels": self.labels,
            "features": f.to_json(),
            "keywords": f.keywords,
            "unknown_threshold": self.head.unknown_threshold,
            "decision_modes": self.head.modes or ["model"] * len(self.labels),
            **self.meta,
        }
        (folder / "config.json").write_text(json.dumps(cfg, indent=1) + "\n", encoding="utf-8")
        vocab = {"word": f.word.vocab, "char": f.char.vocab if f.char is not None else []}
        (folder / "vocab.json").write_text(json.dumps(vocab, ensure_ascii=False), encoding="utf-8")
        h = self.head
        extra: dict[str, Any] = {}
        if f.char is not None:
            extra["idf_char"] = f.char.idf
        if f.protos is not None:
            extra["protos"] = f.protos.astype(np.float32)
        np.savez_compressed(
            folder / "head.npz",
            weights=h.weights.astype(np.float32),
            bias=h.bias,
            platt_a=h.platt_a,
            platt_b=h.platt_b,
            thresholds=h.thresholds,
            idf_word=f.word.idf,
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
        char = None
        if "char" in f:
            char = Tfidf(
                vocab["char"], arr["idf_char"], f["char"]["analyzer"], tuple(f["char"]["ngram"])
            )
        labels = list(cfg["labels"])
        head = Head(
            labels=labels,
            weights=arr["weights"].astype(np.float32),
            bias=arr["bias"],
            platt_a=arr["platt_a"],
            platt_b=arr["platt_b"],
            thresholds=arr["thresholds"],
            unknown_threshold=float(cfg.get("unknown_threshold", 1.01)),
            modes=list(cfg.get("decision_modes") or ["model"] * len(labels)),
        )
        featurizer = Featurizer(
            word,
            char,
            float(f["emb_weight"]),
            kw_weight=float(f.get("kw_weight", 0.0)),
            zs_weight=float(f.get("zs_weight", 0.0)),
            keywords=cfg.get("keywords") or {},
            protos=arr.get("protos"),
            labels=labels,
            kw_binary=bool(f.get("kw_binary", False)),
        )
        skip = ("labels", "features", "keywords", "unknown_threshold", "decision_modes")
        meta = {k: v for k, v in cfg.items() if k not in skip}
        return cls(featurizer, head, meta)


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
