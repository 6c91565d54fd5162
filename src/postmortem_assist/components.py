"""Small spaCy pipeline components used by the shared pipelines."""

from __future__ import annotations

from functools import cache

from spacy.attrs import IS_PUNCT, IS_SPACE, ORTH, SENT_START
from spacy.language import Language
from spacy.tokens import Doc


@Language.component("line_breaks")
def line_breaks(doc: Doc) -> Doc:
    """Start a new sentence after every line break: lines, bullets and table rows of a
    postmortem are separate statements even without a full stop.

    The flags are written as one array: setting ``token.is_sent_start`` one token at a time
    re-scans the whole Doc on every call (quadratic in the number of lines).
    """
    if len(doc) < 2:
        return doc
    starts = doc.to_array([SENT_START])
    changed = False
    for token in doc[:-1]:
        if "\n" in token.text:
            starts[token.i + 1] = 1
            changed = True
    if changed:
        doc.from_array([SENT_START], starts)  # type: ignore[arg-type]
    return doc


@Language.component("line_sentences")
def line_sentences(doc: Doc) -> Doc:
    """``line_breaks`` followed by spaCy's ``sentencizer`` (default punctuation), computed
    on token arrays: the same sentence starts without a Python loop over the tokens.

    The sentencizer starts a sentence at token 0 and at each token that is neither
    punctuation nor a sentence-final mark and comes after such a mark since the last token
    that was neither; starts already set (after a line break, or by the tokenizer) are kept,
    and every other token is marked as not starting a sentence.
    """
    if not len(doc):
        return doc
    import numpy as np

    cols = doc.to_array([ORTH, IS_SPACE, IS_PUNCT, SENT_START])
    orths = cols[:, 0]
    starts = cols[:, 3].astype(np.int64)  # -1, 0 or 1
    spaces = np.flatnonzero(cols[:-1, 1])  # line_breaks: a line break ends the sentence
    strings = doc.vocab.strings
    breaks = [h for h in set(orths[spaces].tolist()) if "\n" in strings[h]]
    if breaks:
        starts[spaces[np.isin(orths[spaces], breaks)] + 1] = 1
    marks = np.isin(orths, _sentence_marks())
    normal = np.flatnonzero(~marks & (cols[:, 2] == 0))
    seen = np.concatenate(([0], np.cumsum(marks)))  # marks before each token
    previous = np.concatenate(([-1], normal[:-1]))
    guess = np.zeros(len(doc), dtype=bool)
    guess[0] = True
    guess[normal[seen[normal] > seen[previous + 1]]] = True
    final = np.where(starts != 0, starts, np.where(guess, 1, -1))
    doc.from_array([SENT_START], final.astype(np.uint64).reshape(-1, 1))  # type: ignore[arg-type]
    return doc


@cache
def _sentence_marks() -> list[int]:
    """ORTH hashes of the sentencizer's default sentence-final characters."""
    from spacy.pipeline import Sentencizer
    from spacy.strings import hash_string  # type: ignore[attr-defined]

    return sorted(hash_string(c) for c in Sentencizer.default_punct_chars)
