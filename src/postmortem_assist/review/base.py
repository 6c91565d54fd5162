"""What checks and the engine share, in a leaf module that imports neither of them.

``Hit`` is a raw match, ``Context`` what a check may read besides the document, and the check
registry with its ``@check`` decorator (a named Python check referenced by ``match.check``).
"""

from __future__ import annotations

from collections.abc import Callable, Iterator
from dataclasses import dataclass, field
from typing import TYPE_CHECKING, Any

if TYPE_CHECKING:
    from spacy.tokens import Doc, Span

    from ..config import Settings
    from .analysis import Analysis
    from .spec import Rule


@dataclass(frozen=True)
class Hit:
    """A raw match of one rule; the engine turns it into a Finding."""

    start: int
    end: int
    #: Values for the rule's message/suggestion templates (``{match}`` is always set).
    params: dict[str, Any] = field(default_factory=dict)
    #: A specific suggestion (e.g. a rewrite) replacing the rule's generic one.
    suggestion: str | None = None


@dataclass(frozen=True)
class Context:
    """What checks may read besides the document: the user's settings."""

    settings: Settings


CheckFn = Callable[["Analysis", "Rule", "Context"], Iterator[Hit]]
CandidatesFn = Callable[["Analysis", "Rule", "Context"], list["Span"]]
RefineFn = Callable[["Rule", "Context", "Doc"], bool]
CHECKS: dict[str, CheckFn] = {}
#: Sentences a check will ask ``Analysis.parse`` for: the engine parses those of many
#: documents in one batch before the checks run (``Engine.review_many``).
CANDIDATES: dict[str, CandidatesFn] = {}
#: A second pre-filter on a candidate's part-of-speech tags (``Analysis.pretag``: the
#: pipeline's first two components, which a parse then continues): False when no parse can
#: give the check a hit.
REFINE: dict[str, RefineFn] = {}


def check(
    name: str, candidates: CandidatesFn | None = None, refine: RefineFn | None = None
) -> Callable[[CheckFn], CheckFn]:
    """Register a check under the name that rule files use (``match.check``), with the
    function that picks the sentences it parses, if it parses any, and its tag filter."""

    def register(fn: CheckFn) -> CheckFn:
        CHECKS[name] = fn
        if candidates is not None:
            CANDIDATES[name] = candidates
        if refine is not None:
            REFINE[name] = refine
        return fn

    return register


def word_picked(analysis: Analysis, rule: Rule, ctx: Context) -> list[Span]:
    """The sentences ``rule``'s check's word pre-filter picks (computed once per document)."""
    fn = CANDIDATES[rule.match.check or ""]
    return analysis.picked(f"{rule.id}#words", lambda: fn(analysis, rule, ctx))


def picked(analysis: Analysis, rule: Rule, ctx: Context) -> list[Span]:
    """The sentences ``rule``'s check will parse: its registered pre-filters, computed once per
    document (the engine calls this to batch the parses; the check calls it to read them)."""
    keep = REFINE.get(rule.match.check or "")

    def compute() -> list[Span]:
        sents = word_picked(analysis, rule, ctx)
        if keep is None or not sents:
            return sents
        return [s for s, d in zip(sents, analysis.pretag(sents), strict=True) if keep(rule, ctx, d)]

    return analysis.picked(rule.id, compute)
