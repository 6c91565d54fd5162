"""``assist review``: lint a postmortem draft.

The steps, in the order data passes through them: ``document`` (shared) splits the text into
sections; ``analysis`` makes one spaCy Doc per document; ``spec`` loads the YAML rules, ``engine``
compiles and runs them (``checks`` are the named Python checks, ``base`` what both share) into
Findings; ``run`` is the CLI job and ``docs`` prints rule documentation.
"""

from __future__ import annotations

import sys
import types
from collections.abc import Iterable, Sequence
from pathlib import Path

from .. import nlp
from ..config import Settings
from ..document import parse
from ..findings import Finding
from ..nlp import check_language
from ..reading import InputError, Source, read_sources
from .analysis import Analysis
from .engine import Engine
from .spec import Rule, load_rules

__all__ = [
    "Analysis",
    "Engine",
    "Rule",
    "analyse",
    "analyse_many",
    "engine_for",
    "load_rules",
    "review",
    "review_sources",
    "review_text",
]

_ENGINES: dict[str, Engine] = {}


def engine_for(settings: Settings | None = None) -> Engine:
    """A compiled rule engine for these settings (compiled once per settings)."""
    settings = settings or Settings()
    key = settings.model_dump_json()
    if key not in _ENGINES:
        _ENGINES[key] = Engine(load_rules(), settings)
    return _ENGINES[key]


def analyse(source: Source) -> Analysis:
    """Parse a source into sections and the shared Doc; refuse non-English text."""
    check_language(source)
    return Analysis.of(parse(source.text, source.name))


def analyse_many(
    sources: Sequence[Source], batch_size: int = 32, *, checked: bool = False
) -> list[Analysis]:
    """Analyse many English sources, tokenizing them in one ``nlp.pipe`` batch
    (``checked=True``: the caller has already refused non-English sources)."""
    if not checked:
        for source in sources:
            check_language(source)
    docs = nlp.light().pipe((s.text for s in sources), batch_size=batch_size)
    return [
        Analysis.of(parse(s.text, s.name), doc) for s, doc in zip(sources, docs, strict=True)
    ]


def review_sources(sources: Iterable[Source], settings: Settings | None = None) -> list[Finding]:
    """Review already-read sources; findings of all of them, in input order."""
    engine = engine_for(settings)
    findings: list[Finding] = []
    for found in engine.review_many(analyse_many(list(sources))):
        findings.extend(found)
    return findings


def review_text(text: str, name: str = "<text>", settings: Settings | None = None) -> list[Finding]:
    """Review one draft given as a string."""
    if not text.strip():
        raise InputError(f"{name}: input is empty")
    return review_sources([Source(name, text)], settings)


def review(
    paths: Sequence[str | Path] | str | Path, settings: Settings | None = None
) -> list[Finding]:
    """Review drafts from files, directories or globs (``-`` = stdin)."""
    names = [str(paths)] if isinstance(paths, str | Path) else [str(p) for p in paths]
    return review_sources(read_sources(names), settings)


class _CallableModule(types.ModuleType):
    """``postmortem_assist.review`` is this package once imported; calling it reviews.

    Importing the package sets the parent's ``review`` attribute to the package, which would
    shadow the documented ``from postmortem_assist import review; review([...])``.
    """

    def __call__(
        self, paths: Sequence[str | Path] | str | Path, settings: Settings | None = None
    ) -> list[Finding]:
        return review(paths, settings)


sys.modules[__name__].__class__ = _CallableModule
