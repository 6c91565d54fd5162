"""Root-cause classifier: what kind of failure an incident was, with probabilities.

Public API (used by the CLI)::

    from postmortem_assist.classify import classify, classify_batch, load_taxonomy

The model and the sentence encoder load lazily on first use, from ``models/rootcause``
and the packaged all-MiniLM-L6-v2 weights, fully offline.
"""

from __future__ import annotations

from collections.abc import Sequence

import numpy as np

from .taxonomy import category_names, load_taxonomy
from .types import Category, CategoryScore, Classification

__all__ = [
    "Category",
    "CategoryScore",
    "Classification",
    "classify",
    "classify_batch",
    "classify_sentences",
    "load_taxonomy",
]

MIN_WORDS = 4
TOP_K = 3
NOTE_EMPTY = "empty text: nothing to classify"
NOTE_SHORT = "text too short to classify reliably: no label is predicted"
NOTE_NONE = "no category stands out: no root-cause category passed its threshold"
NOTE_NO_CAUSE = (
    "no category stands out: the text does not seem to state a cause (no-cause probability {p:.0%})"
)


def classify(text: str, *, focus: str | None = None) -> Classification:
    """Classify one incident text; ``focus`` is its root-cause section when known."""
    return classify_batch([text], focuses=[focus])[0]


def classify_sentences(cause: Sequence[str], trigger: Sequence[str] = ()) -> Classification:
    """Classify the cause (and trigger) sentences that notes or a draft state, rather than
    the whole text; the evidence of each category is one of these sentences."""
    lines = [s.strip() for s in [*cause, *trigger] if s and s.strip()]
    text = "\n\n".join(lines)
    return classify_batch([text], focuses=[text])[0]


def classify_batch(
    texts: Sequence[str], focuses: Sequence[str | None] | None = None
) -> list[Classification]:
    """Classify many texts in one encoder pass (same labels as one by one; under the bf16
    encoder, probabilities may differ by a few thousandths).

    Without a ``focus``, a markdown "Root cause" / "Contributing factors" section is used
    when the text has one; otherwise the whole text, in chunks.
    """
    from .features import find_root_cause, prepare
    from .model import language_note, load_model

    texts = [t or "" for t in texts]
    focuses = list(focuses) if focuses is not None else [None] * len(texts)
    if len(focuses) != len(texts):
        raise ValueError("focuses must match texts")
    prepared = [
        prepare(t, f if f and f.strip() else find_root_cause(t))
        for t, f in zip(texts, focuses, strict=True)
    ]
    results: list[Classification | None] = [None] * len(texts)
    todo = []
    for i, p in enumerate(prepared):
        if not p.text:
            results[i] = Classification(note=NOTE_EMPTY)
        else:
            todo.append(i)
    if todo:
        model = load_model()
        probs, unknown, sents = model.predict_all([prepared[i] for i in todo])
        hits = model.featurizer.keyword_hits([prepared[i].text for i in todo])
        decided = model.predicted(probs, None, hits)
        names = category_names()
        for row, i in enumerate(todo):
            note = None
            if len(prepared[i].text.split()) < MIN_WORDS:
                note = NOTE_SHORT
            else:
                note = language_note(prepared[i].text)
            no_cause = bool(unknown[row] >= model.head.unknown_threshold)
            results[i] = _result(
                model.labels,
                decided[row],
                probs[row],
                sents[row],
                names,
                allow_predict=note is None and not no_cause,
                note=note or (NOTE_NO_CAUSE.format(p=float(unknown[row])) if no_cause else None),
            )
    return [r if r is not None else Classification(note=NOTE_EMPTY) for r in results]


def _result(
    labels: list[str],
    decided: np.ndarray,
    prob: np.ndarray,
    sents: list[tuple[str, np.ndarray]],
    names: dict[str, str],
    *,
    allow_predict: bool,
    note: str | None,
) -> Classification:
    """Predicted labels (``decided``: the model's per-label decision, its probability over
    the threshold combined with the keywords as the label's mode says) first, then the
    next best up to TOP_K; nothing when no label is predicted ("no category stands out")."""
    over = [bool(decided[j]) and allow_predict for j in range(len(labels))]
    if not any(over):
        return Classification(categories=[], predicted=[], note=note or NOTE_NONE)
    order = sorted(range(len(labels)), key=lambda j: (not over[j], -prob[j], labels[j]))
    shown = [j for j in order if over[j]]
    shown += [j for j in order if not over[j]][: max(0, TOP_K - len(shown))]
    cats = []
    for j in shown:
        evidence = None
        if sents:
            best = max(range(len(sents)), key=lambda k: (float(sents[k][1][j]), -k))
            evidence = sents[best][0]
        cats.append(
            CategoryScore(
                label=labels[j],
                name=names.get(labels[j], labels[j]),
                probability=round(float(prob[j]), 4),
                evidence=evidence,
            )
        )
    return Classification(
        categories=cats, predicted=[labels[j] for j in order if over[j]], note=note
    )
