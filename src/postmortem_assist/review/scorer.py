"""The learned sentence scorer: a linear model over hashed word n-grams and the rules' hits.

Every sentence of a reviewed document gets two probabilities, blame and unclear, from
logistic-regression heads over (a) lower-cased word 1-2-grams (digits folded to 0) and
(b) one token per rule that fired in the sentence (``R:blame/hindsight``) and per family.
It is numpy only at review time (a hash and a sorted lookup per n-gram, about 0.3 ms a
sentence) and never loads the encoder. It is used two ways:

* **recall**: a sentence no rule of the family flagged, scored at or above ``add``, gets a
  ``blame/learned`` or ``clarity/learned`` finding with the predicted kind and the score;
* **false alarms**: a rule hit in a sentence scored below ``veto`` is dropped.

Thresholds were chosen by grouped cross-validation on dev (see ``train.py`` and the model
card) and can be overridden in ``[tool.assist.learned]``.
"""

from __future__ import annotations

import json
import re
import zlib
from collections.abc import Iterable, Sequence
from dataclasses import dataclass
from functools import cache
from itertools import pairwise
from pathlib import Path
from typing import Any

import numpy as np

from ..paths import models_dir

MODEL_NAME = "sentence-flags"
DIM = 1 << 20
HEADS = ("blame", "unclear")
_WORD = re.compile(r"[a-z0-9]+(?:['’][a-z]+)?|[%$#@]")


def tokens(text: str, rules: Iterable[str] = ()) -> list[str]:
    """The sentence's features as strings: word 1-2-grams and rule / family tokens."""
    words = _WORD.findall(re.sub(r"\d", "0", text.lower()))
    feats = [f"w:{w}" for w in words]
    feats += [f"b:{a} {b}" for a, b in pairwise(words)]
    rules = sorted(set(rules))
    feats += [f"R:{r}" for r in rules]
    feats += sorted({f"F:{r.split('/')[0]}" for r in rules})
    if not rules:
        feats.append("R:none")
    return feats


def vector(feats: Sequence[str]) -> tuple[np.ndarray, np.ndarray]:
    """Sorted unique feature indices (crc32 modulo ``DIM``) and their values (binary,
    scaled to an L2 norm of 1). Scaling rule tokens apart from the words was tried: it
    ranked blame a little better and unclear worse on grouped CV, so all share one norm."""
    idx = np.unique(
        np.fromiter((zlib.crc32(f.encode()) % DIM for f in feats), dtype=np.int64, count=len(feats))
    )
    return idx, np.full(len(idx), 1.0 / np.sqrt(max(len(idx), 1)))


@dataclass
class Head:
    """One logistic-regression head over the stored feature indices."""

    name: str
    classes: list[str]  # one for a binary head (the positive class), else the kinds
    coef: np.ndarray  # (len(classes), n_index) float32
    bias: np.ndarray  # (len(classes),)

    def scores(self, cols: np.ndarray, values: np.ndarray) -> np.ndarray:
        """Decision values for one sentence given its stored columns and their values."""
        return self.bias + self.coef[:, cols] @ values


@dataclass
class Thresholds:
    """Per family: ``add`` a learned finding where no rule fired, ``veto`` a rule hit."""

    add: float
    veto: float


class SentenceScorer:
    """Blame and unclear probabilities for sentences, with kinds."""

    def __init__(
        self,
        index: np.ndarray,
        heads: dict[str, Head],
        thresholds: dict[str, Thresholds],
        meta: dict[str, Any],
    ) -> None:
        self.index = index
        self.heads = heads
        self.thresholds = thresholds
        self.meta = meta

    # -- scoring ----------------------------------------------------------------------
    def _cols(self, feats: Sequence[str]) -> tuple[np.ndarray, np.ndarray]:
        idx, values = vector(feats)
        pos = np.minimum(np.searchsorted(self.index, idx), len(self.index) - 1)
        found = self.index[pos] == idx
        return pos[found], values[found]

    def score(self, text: str, rules: Iterable[str] = ()) -> dict[str, float]:
        """Probabilities that the sentence is blame / unclear."""
        cols, values = self._cols(tokens(text, rules))
        return {h: float(_sigmoid(self.heads[h].scores(cols, values)[0])) for h in HEADS}

    def kind(self, family: str, text: str, rules: Iterable[str] = ()) -> str:
        """The most likely kind of a flagged sentence (``blame`` or ``unclear`` head)."""
        head = self.heads[f"{family}_kind"]
        cols, values = self._cols(tokens(text, rules))
        return head.classes[int(np.argmax(head.scores(cols, values)))]

    # -- storage ----------------------------------------------------------------------
    def save(self, folder: Path) -> None:
        folder.mkdir(parents=True, exist_ok=True)
        arrays: dict[str, np.ndarray] = {"index": self.index.astype(np.int64)}
        for name, h in self.heads.items():
            arrays[f"{name}.coef"] = h.coef.astype(np.float32)
            arrays[f"{name}.bias"] = h.bias.astype(np.float32)
        np.savez_compressed(folder / "weights.npz", allow_pickle=False, **arrays)
        config = {
            "dim": DIM,
            "features": "crc32 of word 1-2-grams (lower, digits->0) + R:<rule> + F:<family>, L2 1",
            "heads": {n: h.classes for n, h in self.heads.items()},
            "thresholds": {f: vars(t) for f, t in self.thresholds.items()},
            **self.meta,
        }
        (folder / "config.json").write_text(json.dumps(config, indent=2) + "\n")

    @classmethod
    def load(cls, folder: Path) -> SentenceScorer:
        config = json.loads((folder / "config.json").read_text())
        if config.get("dim") != DIM:
            raise ValueError(f"{folder}: feature space {config.get('dim')} != {DIM}")
        with np.load(folder / "weights.npz", allow_pickle=False) as z:
            index = z["index"]
            heads = {
                n: Head(n, list(classes), z[f"{n}.coef"], z[f"{n}.bias"])
                for n, classes in config["heads"].items()
            }
        thresholds = {f: Thresholds(**t) for f, t in config["thresholds"].items()}
        meta = {k: v for k, v in config.items() if k not in {"heads", "thresholds", "dim"}}
        return cls(index, heads, thresholds, meta)


def _sigmoid(x: np.ndarray) -> np.ndarray:
    return np.asarray(1.0 / (1.0 + np.exp(-x)))


def model_path() -> Path:
    return models_dir() / MODEL_NAME


@cache
def default_scorer() -> SentenceScorer | None:
    """The shipped scorer, or None when its files are absent (review runs rules alone)."""
    folder = model_path()
    if not (folder / "weights.npz").is_file():
        return None
    return SentenceScorer.load(folder)
