"""Archive-level views: per year (by each document's date) and over the whole archive."""

from __future__ import annotations

from collections import Counter
from collections.abc import Sequence

from pydantic import BaseModel

from .scorecard import Scorecard

UNDATED = "undated"


class Period(BaseModel):
    """Rates over a set of postmortems (one year, undated ones, or all)."""

    period: str
    documents: int
    words: int
    categories: dict[str, int]
    blame_share: float  # share of documents with at least one blame finding
    blame_per_1k_words: float
    unclear_per_1k_words: float
    action_items: int
    owner_share: float | None  # share of action items with an owner (None: no items)
    due_share: float | None
    mean_score: float


class RuleCount(BaseModel):
    """How often one review rule fired over the archive."""

    rule: str
    findings: int
    documents: int
    per_1k_words: float


class Views(BaseModel):
    """Per-year rows (oldest first, undated last), the whole archive, frequent findings."""

    by_year: list[Period]
    total: Period
    findings: list[RuleCount]
    category_names: dict[str, str]
    dated: int


def period(name: str, cards: Sequence[Scorecard]) -> Period:
    """Rates over ``cards``."""
    words = sum(c.words for c in cards)
    items = sum(c.action_items for c in cards)
    cats: Counter[str] = Counter(label for c in cards for label in c.predicted)
    k = 1000 / max(words, 1)
    return Period(
        period=name,
        documents=len(cards),
        words=words,
        categories=dict(sorted(cats.items(), key=lambda kv: (-kv[1], kv[0]))),
        blame_share=round(sum(1 for c in cards if c.blame_findings) / max(len(cards), 1), 3),
        blame_per_1k_words=round(k * sum(c.blame_findings for c in cards), 3),
        unclear_per_1k_words=round(k * sum(c.unclear_findings for c in cards), 3),
        action_items=items,
        owner_share=round(sum(c.actions_with_owner for c in cards) / items, 3) if items else None,
        due_share=round(sum(c.actions_with_due_date for c in cards) / items, 3) if items else None,
        mean_score=round(sum(c.score for c in cards) / max(len(cards), 1), 1),
    )


def archive_views(cards: Sequence[Scorecard]) -> Views:
    """All archive-level views of a list of scorecards."""
    years: dict[str, list[Scorecard]] = {}
    for c in cards:
        years.setdefault(c.date[:4] if c.date else UNDATED, []).append(c)
    order = sorted(y for y in years if y != UNDATED) + ([UNDATED] if UNDATED in years else [])
    words = sum(c.words for c in cards)
    fired: Counter[str] = Counter()
    docs: Counter[str] = Counter()
    for c in cards:
        fired.update(c.findings)
        docs.update(c.findings.keys())
    names = {cat.label: cat.name for c in cards for cat in c.categories}
    return Views(
        by_year=[period(y, years[y]) for y in order],
        total=period("all", cards),
        findings=[
            RuleCount(
                rule=r,
                findings=n,
                documents=docs[r],
                per_1k_words=round(1000 * n / max(words, 1), 3),
            )
            for r, n in sorted(fired.items(), key=lambda kv: (-kv[1], kv[0]))
        ],
        category_names=dict(sorted(names.items())),
        dated=sum(1 for c in cards if c.date),
    )
