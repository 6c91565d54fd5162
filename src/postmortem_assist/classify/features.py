"""Text preparation and features shared by training and inference.

A text becomes: chunks (<= CHUNK_WORDS words, at most MAX_CHUNKS, spread over the
document) whose MiniLM embeddings are averaged, and TF-IDF word and char n-grams over
the whole prepared text. Sentences carry character spans inside their chunk so that the
same forward pass scores them for evidence.
"""

from __future__ import annotations

import re
from collections.abc import Sequence
from dataclasses import dataclass, field
from typing import TYPE_CHECKING

import numpy as np

if TYPE_CHECKING:
    from scipy import sparse

CHUNK_WORDS = 200
MAX_CHUNKS = 12
MAX_CHARS = 200_000
EMB_TOKENS = 128

_FRONT_MATTER = re.compile(r"\A---\n.*?\n---\n", re.S)
_MD_NOISE = re.compile(r"(!?\[([^\]]*)\]\([^)]*\))|[#*_`>|]+")
_SENT_SPLIT = re.compile(r"(?<=[.!?])\s+(?=[\"'(\[]?[A-Z0-9])|\n\s*\n|\n(?=\s*[-•*]\s)")
_ROOT_CAUSE_HEADING = re.compile(
    r"^(#{1,6}\s*|\*\*)\s*(root causes?|causes?|contributing factors|why did it happen)\b.*$",
    re.I | re.M,
)
_ANY_HEADING = re.compile(r"^(#{1,6}\s+\S|\*\*[^*\n]+\*\*\s*$)", re.M)
# A cause the text rules out ("not an attack", "rather than a hardware fault", "no sign of
# malicious activity"): dropped up to the end of its clause, so that its words do not vote.
_NEGATED = re.compile(
    r"\b(?:(?:and |but )?not (?:an? |the |caused by |due to |related to |the result of )"
    r"|rather than |instead of |ruled out |no (?:signs?|evidence|indication) of )"
    r"[^.,;:!?()\n]{0,80}?(?=[.,;:!?()\n]|\sbut\s|$)",
    re.I,
)


def clean(text: str) -> str:
    """Drop front matter, markdown markup and ruled-out causes; collapse spaces (keeps
    paragraph breaks)."""
    text = _FRONT_MATTER.sub("", text[:MAX_CHARS])
    text = _NEGATED.sub(" ", text)
    text = _MD_NOISE.sub(lambda m: m.group(2) or " ", text)
    text = re.sub(r"[ \t\r\f\v]+", " ", text)
    return re.sub(r"\n\s*\n+", "\n\n", text).strip()


def find_root_cause(text: str) -> str | None:
    """Body of a markdown 'Root cause' / 'Contributing factors' section, if any."""
    m = _ROOT_CAUSE_HEADING.search(text)
    if not m:
        return None
    rest = text[m.end() :]
    nxt = _ANY_HEADING.search(rest)
    body = rest[: nxt.start()] if nxt else rest
    return body if len(body.split()) >= 5 else None


def sentences(text: str) -> list[tuple[int, int]]:
    """Character spans of sentences (simple rule-based splitter)."""
    spans: list[tuple[int, int]] = []
    start = 0
    for m in _SENT_SPLIT.finditer(text):
        if text[start : m.start()].strip():
            spans.append((start, m.start()))
        start = m.end()
    if text[start:].strip():
        spans.append((start, len(text)))
    return spans


@dataclass
class Prepared:
    """A text ready for featurising."""

    text: str
    chunks: list[str] = field(default_factory=list)
    sent_spans: list[list[tuple[int, int]]] = field(default_factory=list)


def prepare(text: str, focus: str | None = None) -> Prepared:
    """Clean ``focus`` (root-cause section) when given, else the text; split into chunks."""
    body = clean(focus if focus and focus.strip() else text)
    words = body.split()
    if not words:
        return Prepared(text="")
    spans = sentences(body)
    chunks: list[str] = []
    chunk_spans: list[list[tuple[int, int]]] = []
    cur: list[tuple[int, int]] = []
    n_words = 0
    for a, b in spans:
        w = len(body[a:b].split())
        if cur and n_words + w > CHUNK_WORDS:
            chunks.append(body[cur[0][0] : cur[-1][1]])
            chunk_spans.append([(x - cur[0][0], y - cur[0][0]) for x, y in cur])
            cur, n_words = [], 0
        cur.append((a, b))
        n_words += w
    if cur:
        chunks.append(body[cur[0][0] : cur[-1][1]])
        chunk_spans.append([(x - cur[0][0], y - cur[0][0]) for x, y in cur])
    if len(chunks) > MAX_CHUNKS:  # spread evenly over the document, deterministically
        keep = np.linspace(0, len(chunks) - 1, MAX_CHUNKS).round().astype(int)
        chunks = [chunks[i] for i in keep]
        chunk_spans = [chunk_spans[i] for i in keep]
    return Prepared(text=body, chunks=chunks, sent_spans=chunk_spans)


def embed_prepared(
    items: Sequence[Prepared],
) -> tuple[np.ndarray, list[list[tuple[str, np.ndarray]]]]:
    """Text embeddings (mean of chunk embeddings, L2) and per-text (sentence, embedding) pairs."""
    from ..embeddings import DIM, encode_with_spans

    flat: list[str] = []
    flat_spans: list[list[tuple[int, int]]] = []
    owner: list[int] = []
    for i, p in enumerate(items):
        for c, s in zip(p.chunks, p.sent_spans, strict=True):
            flat.append(c)
            flat_spans.append(s)
            owner.append(i)
    docs, segs = encode_with_spans(flat, flat_spans, max_length=EMB_TOKENS)
    out = np.zeros((len(items), DIM), dtype=np.float32)
    sents: list[list[tuple[str, np.ndarray]]] = [[] for _ in items]
    for j, i in enumerate(owner):
        out[i] += docs[j]
        for (a, b), vec in zip(flat_spans[j], segs[j], strict=True):
            if vec.any():
                sents[i].append((flat[j][a:b].strip(), vec))
    norms = np.linalg.norm(out, axis=1, keepdims=True)
    return out / np.maximum(norms, 1e-9), sents


class Tfidf:
    """TF-IDF with a fixed vocabulary and idf vector (stored as JSON/npz, no pickle).

    Counting reproduces scikit-learn's ``CountVectorizer`` (lowercase; ``word`` tokens of two
    or more word characters and their n-grams, or ``char_wb`` n-grams of space-padded words) in a
    few lines, so that classifying does not import scikit-learn (~0.7 s of start-up);
    ``tests/test_classify.py`` checks it against ``CountVectorizer`` itself.
    """

    _TOKEN = re.compile(r"(?u)\b\w\w+\b")
    _SPACES = re.compile(r"\s\s+")

    def __init__(self, vocab: list[str], idf: np.ndarray, analyzer: str, ngram: tuple[int, int]):
        if analyzer not in ("word", "char_wb"):
            raise ValueError(f"unsupported analyzer {analyzer!r}")
        self.vocab = vocab
        self.idf = idf.astype(np.float32)
        self.analyzer = analyzer
        self.ngram = ngram
        self._index = {t: i for i, t in enumerate(vocab)}

    def terms(self, text: str) -> list[str]:
        """The n-grams ``CountVectorizer`` would count in ``text`` (with repeats)."""
        lo, hi = self.ngram
        text = text.lower()
        out: list[str] = []
        if self.analyzer == "word":
            tokens = self._TOKEN.findall(text)
            for n in range(lo, min(hi, len(tokens)) + 1):
                out.extend(" ".join(tokens[i : i + n]) for i in range(len(tokens) - n + 1))
            return out
        for word in self._SPACES.sub(" ", text).split():
            w = f" {word} "
            for n in range(lo, hi + 1):
                out.extend(w[i : i + n] for i in range(max(1, len(w) - n + 1)))
                if len(w) <= n:
                    break  # a short word is counted once, as a whole
        return out

    def counts(self, texts: Sequence[str]) -> sparse.csr_matrix:
        """Term counts over the fixed vocabulary, (len(texts), len(vocab)) float32."""
        from collections import Counter

        from scipy import sparse

        rows: list[int] = []
        cols: list[int] = []
        vals: list[float] = []
        for r, text in enumerate(texts):
            found = Counter(i for t in self.terms(text) if (i := self._index.get(t)) is not None)
            for c in sorted(found):
                rows.append(r)
                cols.append(c)
                vals.append(found[c])
        shape = (len(texts), len(self.vocab))
        return sparse.csr_matrix((vals, (rows, cols)), shape=shape, dtype=np.float32)

    def transform(self, texts: Sequence[str]) -> sparse.csr_matrix:
        """Sublinear tf * idf, rows L2-normalised."""
        from scipy import sparse

        x = self.counts(list(texts))
        x.data = 1.0 + np.log(x.data)
        x = x.multiply(self.idf[None, :]).tocsr()
        norms = np.sqrt(np.asarray(x.multiply(x).sum(1))).ravel()
        norms[norms == 0] = 1.0
        return sparse.csr_matrix(sparse.diags(1.0 / norms) @ x, dtype=np.float32)


# Lines of notes that state a cause or a trigger (chat, logs): cue words, not hypotheses.
_CAUSE_CUE = re.compile(
    r"\b(?:root[- ]cause|the cause|real cause|caused by|cause (?:is|was)|because|due to|"
    r"turns? out|turned out|culprit|found it|that'?s it|the problem (?:is|was)|"
    r"the issue (?:is|was)|was the trigger|broke)\b",
    re.I,
)
_TRIGGER_CUE = re.compile(
    r"\b(?:triggered by|kicked off|started (?:right )?after|right after (?:the|we|our)|"
    r"after (?:the|we|our) (?:deploy|push|change|rollout|migration|upgrade|update|release))",
    re.I,
)
_NOT_CAUSE = re.compile(r"\?\s*$|\b(?:not the|ruled out|isn'?t it|wasn'?t it|not it)\b", re.I)


def cause_lines(lines: Sequence[str]) -> tuple[list[str], list[str]]:
    """The (cause, trigger) lines of notes: lines with a cause or trigger cue, without
    questions or ruled-out hypotheses."""
    cause: list[str] = []
    trigger: list[str] = []
    for line in lines:
        text = line.strip()
        if not text or _NOT_CAUSE.search(text):
            continue
        if _CAUSE_CUE.search(text):
            cause.append(text)
        elif _TRIGGER_CUE.search(text):
            trigger.append(text)
    return cause, trigger
