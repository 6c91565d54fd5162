"""One postmortem's scorecard, read off the review findings, and its overall score.

Nothing is judged twice: "the summary states the duration" is "there is a summary and
``structure/summary-no-duration`` did not fire", and so on for every column, so a scorecard
always agrees with ``assist review`` on the same file.
"""

from __future__ import annotations

import re
from collections import Counter
from collections.abc import Sequence
from pathlib import Path
from typing import TYPE_CHECKING

from pydantic import BaseModel, Field

from ..document import Document, normalise_heading
from ..findings import Finding
from .dates import document_date

if TYPE_CHECKING:
    from ..reading import Source
    from ..review.analysis import Analysis

SECTIONS = ("summary", "timeline", "root_cause", "corrective_actions")
SUMMARY_STATES = {
    "duration": "structure/summary-no-duration",
    "impact": "structure/summary-no-impact",
    "cause": "structure/summary-no-cause",
}
TIMELINE_HAS = {
    "detection": ("structure/timeline-no-detection",),
    "resolution": ("structure/timeline-no-resolution",),
    "zone": ("structure/timeline-no-timezone", "structure/timeline-no-timestamp"),
}
#: Unclear findings per 1,000 words at which the clarity part of the score reaches 0.
CLARITY_FLOOR = 10.0
#: Weights of the overall score (they sum to 1); stated in every report.
WEIGHTS = {
    "sections": 0.20,
    "summary": 0.15,
    "timeline": 0.15,
    "blameless": 0.20,
    "clarity": 0.10,
    "actions": 0.20,
}
FORMULA = (
    "score = 100 x (0.20 sections + 0.15 summary + 0.15 timeline + 0.20 blameless "
    "+ 0.10 clarity + 0.20 actions), each part in [0, 1]: sections = share of the four "
    "sections present; summary = share of duration/impact/cause the Issue Summary states "
    "(0 without one); timeline = share of detection/resolution/zone the timeline has "
    "(0 without one); blameless = 1 / (1 + blame findings); clarity = 1 - min(1, unclear "
    f"findings per 1,000 words / {CLARITY_FLOOR:g}); actions = mean of the shares of "
    "action items with an owner and with a due date (0 without action items)"
)
#: Root-cause headings that name the cause rather than the fix ("Root cause", "Trigger").
CAUSE_HEADINGS = ("cause", "contributing", "trigger", "why", "went wrong", "rca", "analysis")


class CategoryShare(BaseModel):
    """A root-cause category with the classifier's probability."""

    label: str
    name: str
    probability: float


class Scorecard(BaseModel):
    """Everything the audit reports about one postmortem."""

    path: str
    title: str
    date: str | None = None
    date_source: str | None = None
    words: int
    sections: dict[str, bool]
    summary_states: dict[str, bool]
    timeline_has: dict[str, bool]
    blame_findings: int
    unclear_findings: int
    unclear_per_1k_words: float
    action_items: int
    actions_with_owner: int
    actions_with_due_date: int
    categories: list[CategoryShare] = Field(default_factory=list)
    predicted: list[str] = Field(default_factory=list)
    findings: dict[str, int] = Field(default_factory=dict)
    parts: dict[str, float] = Field(default_factory=dict)
    score: int = 0
    cause_text: str = Field(default="", exclude=True)
    cause_source: str = ""


def score_parts(card: Scorecard) -> dict[str, float]:
    """The six parts of the overall score, each in [0, 1]."""
    s = card.sections
    actions = 0.0
    if card.action_items:
        actions = (card.actions_with_owner + card.actions_with_due_date) / (2 * card.action_items)
    return {
        "sections": sum(s.values()) / len(SECTIONS),
        "summary": sum(card.summary_states.values()) / 3 if s["summary"] else 0.0,
        "timeline": sum(card.timeline_has.values()) / 3 if s["timeline"] else 0.0,
        "blameless": 1 / (1 + card.blame_findings),
        "clarity": 1 - min(1.0, card.unclear_per_1k_words / CLARITY_FLOOR),
        "actions": actions,
    }


def overall(parts: dict[str, float]) -> int:
    """The weighted score, 0-100 (see :data:`FORMULA`)."""
    return round(100 * sum(WEIGHTS[k] * v for k, v in parts.items()))


def title_of(text: str, name: str) -> str:
    """The first heading or line of a postmortem (front matter skipped), else its name."""
    body = re.sub(r"\A---\n.*?\n---\n", "", text, count=1, flags=re.S)
    for line in body.lstrip().split("\n")[:40]:
        stripped = line.strip().lstrip("#").strip().strip("*").strip()
        if stripped:
            return stripped[:120]
    return Path(name).name


def cause_section(doc: Document) -> tuple[str, str]:
    """The root-cause section text saying why the incident happened, and what it was.

    Root-cause headings naming the cause ("Root cause", "Trigger") win over the resolution
    headings the same section kind also covers ("Mitigation", "Fix").
    """
    sections = doc.of_kind("root_cause")
    named = [
        s
        for s in sections
        if s.heading and any(w in normalise_heading(s.heading) for w in CAUSE_HEADINGS)
    ]
    text = "\n".join(doc.section_text(s) for s in named or sections).strip()
    if text:
        return text, "root-cause section" if named else "resolution section"
    return "", ""


def scorecard(source: Source, analysis: Analysis, findings: Sequence[Finding]) -> Scorecard:
    """A scorecard from a reviewed document (categories and score are filled in later)."""
    from ..review import load_rules
    from ..review.checks.actions import action_items

    doc = analysis.document
    rules = Counter(f.rule for f in findings)
    present = {k: any(doc.section_text(s).strip() for s in doc.of_kind(k)) for k in SECTIONS}
    words = len(doc.text.split())
    unclear = sum(n for r, n in rules.items() if r.startswith("clarity/"))
    owner_rule = next(r for r in load_rules() if r.id == "actions/no-owner")
    items = sum(1 for _ in action_items(analysis, owner_rule))
    when, where = document_date(source.text, source.name)
    cause, cause_source = cause_section(doc)
    card = Scorecard(
        path=source.name,
        title=title_of(source.text, source.name),
        date=when.isoformat() if when else None,
        date_source=where,
        words=words,
        sections=present,
        summary_states={k: present["summary"] and not rules[r] for k, r in SUMMARY_STATES.items()},
        timeline_has={
            k: present["timeline"] and not any(rules[r] for r in rs)
            for k, rs in TIMELINE_HAS.items()
        },
        blame_findings=sum(n for r, n in rules.items() if r.startswith("blame/")),
        unclear_findings=unclear,
        unclear_per_1k_words=round(1000 * unclear / max(words, 1), 2),
        action_items=items,
        actions_with_owner=max(0, items - rules["actions/no-owner"]),
        actions_with_due_date=max(0, items - rules["actions/no-due-date"]),
        findings=dict(sorted(rules.items())),
        cause_text=cause,
        cause_source=cause_source,
    )
    card.parts = {k: round(v, 3) for k, v in score_parts(card).items()}
    card.score = overall(card.parts)
    return card
