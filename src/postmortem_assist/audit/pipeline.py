"""The audit run: review every postmortem (in N processes), classify, group causes, summarise.

Reviewing is spaCy work on one core per document, so it is spread over ``jobs`` forked
processes (the rule engine is compiled once before the fork). Classification and cause
embeddings run afterwards in the parent: torch already uses every core for one batch, and
one copy of the encoder keeps memory down.
"""

from __future__ import annotations

import os
import time
from collections.abc import Callable, Sequence
from concurrent.futures import ProcessPoolExecutor
from multiprocessing import get_context

from pydantic import BaseModel, Field

from ..reading import Source
from . import causes as cz
from .scorecard import FORMULA, CategoryShare, Scorecard, scorecard
from .views import Views, archive_views

Advance = Callable[[str, int], None]
BATCH = 8


class Member(BaseModel):
    """One postmortem in a recurring group, with the sentence that ties it to the group."""

    path: str
    title: str
    date: str | None
    sentence: str


class Group(BaseModel):
    """Postmortems whose causes are alike (mean pairwise cosine ``similarity``)."""

    size: int
    similarity: float
    categories: list[str]
    members: list[Member]


class Archive(BaseModel):
    """The whole audit: scorecards, archive views and recurring groups."""

    documents: int
    skipped: list[dict[str, str]] = Field(default_factory=list)
    formula: str = FORMULA
    threshold: float
    scorecards: list[Scorecard]
    views: Views
    recurring: list[Group]
    timing: dict[str, float] = Field(default_factory=dict)  # seconds per stage (wall, CPU)


def _review_batch(sources: list[Source]) -> list[Scorecard | str]:
    """Scorecards for a batch (an error string for a source that cannot be reviewed)."""
    from ..nlp import check_language
    from ..reading import InputError
    from ..review import analyse_many, engine_for

    engine = engine_for()
    out: list[Scorecard | str] = ["" for _ in sources]
    ok: list[int] = []
    for i, s in enumerate(sources):
        try:
            check_language(s)
            ok.append(i)
        except InputError as exc:
            out[i] = str(exc)
    for i, analysis in zip(ok, analyse_many([sources[i] for i in ok], checked=True), strict=True):
        try:
            out[i] = scorecard(sources[i], analysis, engine.review(analysis))
        except Exception as exc:  # one odd document must not stop a batch of hundreds
            out[i] = f"{sources[i].name}: could not be reviewed ({type(exc).__name__}: {exc})"
    return out


def review_all(
    sources: Sequence[Source], jobs: int, advance: Advance | None = None
) -> list[Scorecard | str]:
    """Scorecards of every source in input order, reviewed in ``jobs`` processes."""
    from ..review import engine_for

    engine_for()  # compile once; forked workers inherit it
    chunks = [list(sources[i : i + BATCH]) for i in range(0, len(sources), BATCH)]
    results: list[Scorecard | str] = []
    workers = min(jobs, os.cpu_count() or 1, len(chunks))
    if workers <= 1:
        for c in chunks:
            results.extend(_review_batch(c))
            if advance:
                advance("review", len(c))
        return results
    with ProcessPoolExecutor(workers, mp_context=get_context("fork")) as pool:
        for c, res in zip(chunks, pool.map(_review_batch, chunks), strict=True):
            results.extend(res)
            if advance:
                advance("review", len(c))
    return results


def classify_all(
    cards: Sequence[Scorecard], sources: Sequence[Source], advance: Advance | None = None
) -> None:
    """Fill each scorecard's root-cause categories (the classifier's shown scores)."""
    from ..classify import classify_batch

    step = 64
    for i in range(0, len(cards), step):
        part = classify_batch(
            [s.text for s in sources[i : i + step]],
            focuses=[c.cause_text or None for c in cards[i : i + step]],
        )
        for card, result in zip(cards[i : i + step], part, strict=True):
            card.predicted = list(result.predicted)
            card.categories = [
                CategoryShare(label=c.label, name=c.name, probability=c.probability)
                for c in result.categories
            ]
        if advance:
            advance("classify", len(part))


def causes_of(
    cards: Sequence[Scorecard], sources: Sequence[Source], advance: Advance | None = None
) -> list[cz.Cause]:
    """Cause texts of every postmortem, embedded."""
    found = cz.drop_boilerplate(
        [
            cz.cause_of(c.cause_text, c.cause_source, s.text)
            for c, s in zip(cards, sources, strict=True)
        ]
    )
    step = 128
    for i in range(0, len(found), step):
        cz.embed(found[i : i + step])
        if advance:
            advance("causes", len(found[i : i + step]))
    for card, cause in zip(cards, found, strict=True):
        card.cause_source = cause.source
    return found


def groups_of(
    cards: Sequence[Scorecard], causes: Sequence[cz.Cause], threshold: float
) -> list[Group]:
    """Recurring-incident groups, members in date order (undated last)."""
    out = []
    for g in cz.recurring(causes, threshold):
        sentences = dict(zip(g, cz.representative(causes, g), strict=True))
        order = sorted(g, key=lambda i: (cards[i].date is None, cards[i].date or "", i))
        labels: dict[str, int] = {}
        for i in g:
            for label in cards[i].predicted:
                labels[label] = labels.get(label, 0) + 1
        out.append(
            Group(
                size=len(g),
                similarity=round(cz.group_similarity(causes, g), 3),
                categories=[k for k, _ in sorted(labels.items(), key=lambda kv: -kv[1])],
                members=[
                    Member(
                        path=cards[i].path,
                        title=cards[i].title,
                        date=cards[i].date,
                        sentence=sentences[i],
                    )
                    for i in order
                ],
            )
        )
    return out


def audit_sources(
    sources: Sequence[Source],
    jobs: int = 1,
    threshold: float = cz.THRESHOLD,
    advance: Advance | None = None,
) -> Archive:
    """Audit already-read sources; a source that cannot be reviewed is listed as skipped."""
    clock = _Clock()
    results = review_all(sources, jobs, advance)
    clock.lap("review")
    skipped = [{"path": s.name, "error": r} for s, r in zip(sources, results, strict=True)
               if isinstance(r, str)]  # fmt: skip
    pairs = [(s, r) for s, r in zip(sources, results, strict=True) if isinstance(r, Scorecard)]
    cards = [r for _, r in pairs]
    good = [s for s, _ in pairs]
    classify_all(cards, good, advance)
    clock.lap("classify")
    found = causes_of(cards, good, advance)
    recurring = groups_of(cards, found, threshold)
    clock.lap("causes")
    return Archive(
        documents=len(cards),
        skipped=skipped,
        threshold=threshold,
        scorecards=cards,
        views=archive_views(cards),
        recurring=recurring,
        timing=clock.laps,
    )


class _Clock:
    """Wall and CPU seconds (this process and its finished workers) per stage."""

    def __init__(self) -> None:
        self.laps: dict[str, float] = {}
        self._last = self._now()

    @staticmethod
    def _now() -> tuple[float, float]:
        import resource

        cpu = sum(
            r.ru_utime + r.ru_stime
            for r in (resource.getrusage(resource.RUSAGE_SELF),
                      resource.getrusage(resource.RUSAGE_CHILDREN))
        )  # fmt: skip
        return time.perf_counter(), cpu

    def lap(self, name: str) -> None:
        now = self._now()
        self.laps[f"{name}_wall_s"] = round(now[0] - self._last[0], 2)
        self.laps[f"{name}_cpu_s"] = round(now[1] - self._last[1], 2)
        self._last = now
