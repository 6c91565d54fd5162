"""Cause text, its MiniLM embedding, recurring-incident groups and similar postmortems.

The cause text of a postmortem is its root-cause section; without one, the sentences that
state a cause ("caused by", "due to", "root cause", "triggered"); without those, its opening
sentences. It is embedded once (``embeddings.encode_with_spans``: the text vector and, from
the same pass, one vector per sentence). Recurring incidents are groups of postmortems whose
cause vectors are close: average-linkage clustering (scikit-learn) cut at a cosine threshold,
so every member is on average at least that close to the others, without the chaining of
single-link groups. The sentence pair with the highest cosine says why two are alike.
"""

from __future__ import annotations

import re
from collections import Counter
from collections.abc import Sequence
from dataclasses import dataclass, field

import numpy as np

#: Cosine similarity of cause texts from which postmortems are grouped as recurring
#: (picked by reading ten groups each at 0.75 and 0.80 on the corpus; see the README).
THRESHOLD = 0.75
#: A sentence found in the cause texts of this many postmortems is template text
#: ("Engineers will continue to investigate...") and is left out before embedding.
BOILERPLATE_DOCS = 3
#: Cause texts are cut to this many words (about the encoder's 256-token window).
MAX_CAUSE_WORDS = 180
CUE = re.compile(
    r"\b(?:root[- ]cause|caused|cause of|due to|because|triggered|trigger was|as a result of|"
    r"resulted from|the result of|stemmed from|traced (?:it |this )?(?:back )?to)\b",
    re.I,
)


@dataclass
class Cause:
    """A postmortem's cause text, its sentences, and their embeddings (filled by embed)."""

    text: str
    source: str
    spans: list[tuple[int, int]]
    vector: np.ndarray | None = None
    sentence_vectors: np.ndarray | None = field(default=None, repr=False)

    def sentence(self, k: int) -> str:
        a, b = self.spans[k]
        return " ".join(self.text[a:b].split())


def _cut(text: str, spans: list[tuple[int, int]]) -> tuple[str, list[tuple[int, int]]]:
    """Keep whole sentences up to MAX_CAUSE_WORDS words."""
    kept: list[tuple[int, int]] = []
    words = 0
    for a, b in spans:
        n = len(text[a:b].split())
        if kept and words + n > MAX_CAUSE_WORDS:
            break
        kept.append((a, b))
        words += n
    if not kept:
        return "", []
    return text[: kept[-1][1]], kept


def cause_of(section_text: str, section_source: str, full_text: str) -> Cause:
    """The cause text of one postmortem (see the module docstring for the fallbacks)."""
    from ..classify.features import clean, sentences

    if section_text.strip():
        body = clean(section_text)
        text, spans = _cut(body, sentences(body))
        if text:
            return Cause(text, section_source, spans)
    body = clean(full_text)
    spans = sentences(body)
    cued = [(a, b) for a, b in spans if CUE.search(body[a:b]) and len(body[a:b].split()) >= 5]
    if cued:
        joined = "\n".join(body[a:b] for a, b in cued)
        text, kept = _cut(joined, sentences(joined))
        if text:
            return Cause(text, "cause sentences", kept)
    text, kept = _cut(body, spans)
    return Cause(text, "opening text" if text else "", kept)


def _norm(sentence: str) -> str:
    return re.sub(r"[\d\W_]+", " ", sentence.lower()).strip()


def drop_boilerplate(causes: Sequence[Cause], min_docs: int = BOILERPLATE_DOCS) -> list[Cause]:
    """The causes without sentences that recur verbatim (digits aside) in ``min_docs`` or
    more of them; a cause made only of such sentences becomes empty (it states no cause).

    Identical cause texts count each time: in the corpus, 20 exported wiki pages say only
    "There is currently no text in this page", which is a template, not 20 repeats.
    """
    from ..classify.features import sentences

    counts: Counter[str] = Counter()
    for c in causes:
        counts.update({_norm(c.text[a:b]) for a, b in c.spans})
    out = []
    for c in causes:
        keep = [(a, b) for a, b in c.spans if counts[_norm(c.text[a:b])] < min_docs]
        if len(keep) == len(c.spans):
            out.append(c)
            continue
        text = "\n\n".join(c.text[a:b].strip() for a, b in keep)
        out.append(Cause(text, c.source if text else "template text only", sentences(text)))
    return out


def embed(causes: Sequence[Cause], batch_size: int = 32) -> None:
    """Fill every cause's text vector and sentence vectors (one encoder pass)."""
    from ..embeddings import encode_with_spans

    vecs, sents = encode_with_spans(
        [c.text for c in causes], [c.spans for c in causes], max_length=256,
        batch_size=batch_size,
    )  # fmt: skip
    for cause, vec, sv in zip(causes, vecs, sents, strict=True):
        cause.vector = vec
        cause.sentence_vectors = sv


def _matrix(causes: Sequence[Cause]) -> np.ndarray:
    from ..embeddings import DIM

    return np.stack([c.vector if c.vector is not None else np.zeros(DIM) for c in causes])


def best_pair(a: Cause, b: Cause) -> tuple[str, str, float]:
    """The sentence of ``a`` and the sentence of ``b`` most alike, with their cosine."""
    if a.sentence_vectors is None or b.sentence_vectors is None or not a.spans or not b.spans:
        return "", "", 0.0
    sims = a.sentence_vectors @ b.sentence_vectors.T
    i, j = np.unravel_index(int(np.argmax(sims)), sims.shape)
    return a.sentence(int(i)), b.sentence(int(j)), float(sims[i, j])


def recurring(causes: Sequence[Cause], threshold: float = THRESHOLD) -> list[list[int]]:
    """Groups (indices, two or more) of causes alike above ``threshold``, largest first."""
    usable = [i for i, c in enumerate(causes) if c.vector is not None and c.vector.any()]
    if len(usable) < 2:
        return []
    from sklearn.cluster import AgglomerativeClustering

    matrix = _matrix([causes[i] for i in usable])
    labels = AgglomerativeClustering(
        n_clusters=None, metric="cosine", linkage="average", distance_threshold=1 - threshold
    ).fit_predict(matrix)
    groups: dict[int, list[int]] = {}
    for row, label in enumerate(labels):
        groups.setdefault(int(label), []).append(usable[row])
    found = [g for g in groups.values() if len(g) > 1]
    return sorted(found, key=lambda g: (-len(g), -group_similarity(causes, g), g[0]))


def group_similarity(causes: Sequence[Cause], group: Sequence[int]) -> float:
    """Mean pairwise cosine of a group's cause vectors."""
    m = _matrix([causes[i] for i in group])
    sim = m @ m.T
    n = len(group)
    return float((sim.sum() - np.trace(sim)) / (n * (n - 1)))


def representative(causes: Sequence[Cause], group: Sequence[int]) -> list[str]:
    """For each member, the sentence closest to the group's mean cause vector."""
    centre = _matrix([causes[i] for i in group]).mean(0)
    out = []
    for i in group:
        sv = causes[i].sentence_vectors
        if sv is None or not len(sv):
            out.append("")
            continue
        out.append(causes[i].sentence(int(np.argmax(sv @ centre))))
    return out


def most_similar(query: Cause, pool: Sequence[Cause], top: int) -> list[tuple[int, float]]:
    """Indices of the ``top`` pool causes closest to ``query``, with their cosine."""
    if query.vector is None or not query.vector.any() or not pool:
        return []
    sims = _matrix(pool) @ query.vector
    order = sorted(range(len(pool)), key=lambda i: (-sims[i], i))
    return [(i, float(sims[i])) for i in order[:top] if pool[i].vector is not None]
