"""One analysed document: the parsed sections plus one shared light spaCy Doc.

Rules read the same :class:`Analysis`. Expensive parses (tagger, parser, NER) happen
only for the sentences a rule asks for, once per sentence, and are cached here.
"""

from __future__ import annotations

import bisect
import re
from collections.abc import Callable
from dataclasses import dataclass, field
from itertools import pairwise
from typing import TYPE_CHECKING

from .. import nlp
from ..document import Document, Section

if TYPE_CHECKING:
    from spacy.tokens import Doc, Span

#: Text that rules never look at: fenced and inline code, URLs, HTML comments, headings.
_MASKED = re.compile(
    r"```.*?```|~~~.*?~~~|`[^`\n]*`|https?://\S+|<!--.*?-->|^ {0,3}#{1,6}[ \t][^\n]*$",
    re.S | re.M,
)


@dataclass
class Analysis:
    """A :class:`Document` with its light Doc and lazily parsed sentences."""

    document: Document
    doc: Doc
    masked: list[tuple[int, int]]
    _deep: dict[int, Doc] = field(default_factory=dict)
    _tagged: dict[int, Doc] = field(default_factory=dict)
    #: Sentences run through the pipeline's first components only (``pretag``), by start.
    _pre: dict[int, Doc] = field(default_factory=dict)
    _masked_ends: list[int] = field(default_factory=list)
    _sentences: list[Span] | None = None
    _words: list[list[str]] | None = None
    _picked: dict[str, list[Span]] = field(default_factory=dict)

    def __post_init__(self) -> None:
        self._masked_ends = [e for _, e in self.masked]

    @classmethod
    def of(cls, document: Document, light_doc: Doc | None = None) -> Analysis:
        """Analyse a document (pass ``light_doc`` when it was made in a batch)."""
        doc = light_doc if light_doc is not None else nlp.light()(document.text)
        masked = [(m.start(), m.end()) for m in _MASKED.finditer(document.text)]
        return cls(document, doc, masked)

    @property
    def text(self) -> str:
        return self.document.text

    def is_masked(self, start: int, end: int) -> bool:
        """True when a character range overlaps code, a URL, a comment or a heading."""
        # the ranges come from one finditer: sorted and disjoint, so one bisect suffices
        i = bisect.bisect_left(self._masked_ends, start + 1)
        return i < len(self.masked) and self.masked[i][0] < end

    def section_at(self, offset: int) -> Section | None:
        """The section holding a character offset (None in a heading line)."""
        return self.document.section_at(offset)

    def sentences(self) -> list[Span]:
        """Non-blank sentences of the light Doc (computed once; every rule asks)."""
        if self._sentences is None:
            # what ``[s for s in doc.sents if s.text.strip()]`` gives, from the arrays: a
            # sentence runs from a token starting one (or token 0) to the next; it is blank
            # when all its tokens are whitespace
            import numpy as np
            from spacy.attrs import IS_SPACE, SENT_START

            doc = self.doc
            if not len(doc):
                self._sentences = []
                return self._sentences
            cols = doc.to_array([SENT_START, IS_SPACE])
            bounds = [0, *(np.flatnonzero(cols[1:, 0] == 1) + 1).tolist(), len(doc)]
            text = np.concatenate(([0], np.cumsum(cols[:, 1] == 0)))  # non-space tokens before
            self._sentences = [doc[a:b] for a, b in pairwise(bounds) if text[b] > text[a]]
        return self._sentences

    def sentence_words(self) -> list[list[str]]:
        """Lower-cased words of each of :meth:`sentences` (computed once, read by several
        rules' cheap pre-filters)."""
        if self._words is None:
            lower = self.doc.to_array("LOWER").tolist()
            strings = self.doc.vocab.strings
            word = {h: strings[h] for h in set(lower)}  # each distinct word looked up once
            self._words = [[word[h] for h in lower[s.start : s.end]] for s in self.sentences()]
        return self._words

    def parse(self, sents: list[Span]) -> list[Doc]:
        """Full parses of the given sentences (cached; new ones parsed in one batch).

        Named entities are added on first use: call :func:`nlp.ensure_entities` on a parsed
        Doc (or its tokens' ``doc``) before reading ``ent_type_``.
        """
        parse_batch([(self, sents)])
        return [self._deep[s.start_char] for s in sents]

    def picked(self, key: str, compute: Callable[[], list[Span]]) -> list[Span]:
        """The sentences a rule selects for parsing (``compute``), worked out once per document:
        the engine asks before its batched parse, the rule again when it runs."""
        if key not in self._picked:
            self._picked[key] = compute()
        return self._picked[key]

    def pretag(self, sents: list[Span]) -> list[Doc]:
        """The given sentences through the full pipeline's tok2vec and tagger (cached; a
        parse of them continues these Docs, see :func:`parse_batch`). A sentence already
        parsed gives its parse, whose tags are the same."""
        pretag_batch([(self, sents)])
        return [
            self._deep[s.start_char] if s.start_char in self._deep else self._pre[s.start_char]
            for s in sents
        ]

    def tag(self, sents: list[Span]) -> list[Doc]:
        """Part-of-speech tagged copies of the given sentences (cached, one batch)."""
        todo = [s for s in sents if s.start_char not in self._tagged]
        for sent, tagged in zip(todo, nlp.tag_many([s.text for s in todo]), strict=True):
            self._tagged[sent.start_char] = tagged
        return [self._tagged[s.start_char] for s in sents]


def parse_batch(wanted: list[tuple[Analysis, list[Span]]]) -> None:
    """Parse the sentences wanted of many documents in one ``nlp.pipe`` batch, filling each
    Analysis's cache (one batch of hundreds costs ~30% less than many batches of two)."""
    todo: list[tuple[Analysis, Span]] = []
    for analysis, sents in wanted:
        seen: set[int] = set()
        for sent in sents:
            if sent.start_char not in analysis._deep and sent.start_char not in seen:
                seen.add(sent.start_char)
                todo.append((analysis, sent))
    started = [(a, s) for a, s in todo if s.start_char in a._pre]
    fresh = [(a, s) for a, s in todo if s.start_char not in a._pre]
    parsed = nlp.parse_many([s.text for _, s in fresh], entities=False)
    parsed += nlp.finish_parse([a._pre.pop(s.start_char) for a, s in started])
    for (analysis, sent), doc in zip(fresh + started, parsed, strict=True):
        analysis._deep[sent.start_char] = doc


def pretag_batch(wanted: list[tuple[Analysis, list[Span]]]) -> None:
    """Run the sentences wanted of many documents through the pipeline's first components
    (``nlp.pretag_many``) in one batch, filling each Analysis's ``_pre`` cache."""
    todo: list[tuple[Analysis, Span]] = []
    for analysis, sents in wanted:
        seen: set[int] = set()
        for sent in sents:
            key = sent.start_char
            if key not in analysis._deep and key not in analysis._pre and key not in seen:
                seen.add(key)
                todo.append((analysis, sent))
    for (analysis, sent), doc in zip(todo, nlp.pretag_many([s.text for _, s in todo]), strict=True):
        analysis._pre[sent.start_char] = doc
