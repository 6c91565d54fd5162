"""Sentence roles (impact, cause, resolution, action, event, noise) from MiniLM embeddings.

A multinomial logistic-regression head trained on the dev split of the shared corpus
(section of origin as the label) plus hand-written chat noise; see
``models/sentence-roles/README.md``. Stored as ``head.npz`` (weights) + ``head.json``
(labels, training facts) — no pickle. When the head or the encoder cannot be loaded,
keyword cues stand in and ``available()`` says so.
"""

from __future__ import annotations

import json
import re
from functools import cache
from pathlib import Path

import numpy as np

from . import cues

ROLES = ("impact", "cause", "resolution", "action", "event", "noise")
MODEL_DIR = Path(__file__).resolve().parents[3] / "models" / "sentence-roles"

_KEYWORDS: dict[str, re.Pattern[str]] = {
    "impact": re.compile(
        r"%|\b(?:customers?|users?|affected|impact\w*|unavailable|errors?|failed)\b", re.I
    ),
    "cause": cues.CAUSE,
    "resolution": cues.MITIGATED,
    "action": re.compile(r"\b(?:will|should|must|add|alert on|improve|ensure)\b", re.I),
    "event": re.compile(r"\d{1,2}:\d{2}"),
}


@cache
def load_head(path: str | None = None) -> tuple[np.ndarray, np.ndarray, list[str]] | None:
    """(weights, bias, labels) of the trained head, or None when it is not there."""
    folder = Path(path) if path else MODEL_DIR
    if not (folder / "head.npz").is_file():
        return None
    data = np.load(folder / "head.npz", allow_pickle=False)
    meta = json.loads((folder / "head.json").read_text(encoding="utf-8"))
    return data["coef"], data["intercept"], list(meta["labels"])


def available() -> bool:
    """True when the trained head is present."""
    return load_head() is not None


def keyword_scores(texts: list[str]) -> np.ndarray:
    """Cue-only role scores (rows sum to 1), the fallback and an extra feature."""
    out = np.zeros((len(texts), len(ROLES)), dtype=np.float32)
    for i, text in enumerate(texts):
        if cues.is_noise(text):
            out[i, ROLES.index("noise")] = 1.0
            continue
        for j, role in enumerate(ROLES[:-1]):
            out[i, j] = 1.0 if _KEYWORDS[role].search(text) else 0.05
        out[i] /= out[i].sum()
    return out


def softmax(z: np.ndarray) -> np.ndarray:
    z = z - z.max(axis=1, keepdims=True)
    e = np.exp(z)
    return np.asarray(e / e.sum(axis=1, keepdims=True))


def role_probs(texts: list[str], embeddings: np.ndarray | None = None) -> np.ndarray:
    """Probabilities over ``ROLES`` per text (learned head; keyword cues as fallback)."""
    if not texts:
        return np.zeros((0, len(ROLES)), dtype=np.float32)
    head = load_head()
    if head is None:
        return keyword_scores(texts)
    coef, intercept, labels = head
    if embeddings is None:
        try:
            from ..embeddings import encode

            embeddings = encode(texts)
        except (ImportError, FileNotFoundError, OSError):
            return keyword_scores(texts)
    probs = softmax(embeddings @ coef.T + intercept)
    order = [labels.index(r) for r in ROLES]
    return np.asarray(probs[:, order], dtype=np.float32)
