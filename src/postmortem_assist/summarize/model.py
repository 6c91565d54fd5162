"""The typed result of ``summarize``: every fact carries the source line it came from."""

from __future__ import annotations

from datetime import datetime

from pydantic import BaseModel, Field

EVENT_TYPES = (
    "impact",
    "detection",
    "escalation",
    "investigation",
    "mitigation",
    "resolution",
    "communication",
)


class Fact(BaseModel):
    """A piece of text from the notes and where it is (``file:line``)."""

    text: str
    source: str
    line: int


class KeyTime(Fact):
    """A key moment (start, detection, mitigation, resolution) with its time."""

    time: datetime | None = None
    display: str = ""


class Event(Fact):
    """One timeline entry: its time (None when the notes give none) and type."""

    time: datetime | None = None
    display: str = ""
    type: str = "investigation"
    #: the finer line role (``line_roles.ROLES``) when the line-role model ran, else None
    role: str | None = None
    misleading: bool = False


class ActionItem(Fact):
    """A follow-up with its owner and ticket when the notes name them."""

    owner: str | None = None
    ticket: str | None = None


class CategoryGuess(BaseModel):
    """A likely root-cause category from the project's classifier."""

    label: str
    name: str
    probability: float
    #: the cause or trigger line that supports it most (the classifier's evidence)
    evidence: str | None = None


class Durations(BaseModel):
    """Derived durations in whole minutes (None when a time is missing)."""

    time_to_detect: int | None = None
    time_to_mitigate: int | None = None
    total: int | None = None


class Summary(BaseModel):
    """Everything ``assist summarize`` extracted, the Issue Summary and the markdown draft."""

    sources: list[str]
    shape: str
    timezone: str | None
    start: KeyTime | None = None
    detected: KeyTime | None = None
    mitigated: KeyTime | None = None
    resolved: KeyTime | None = None
    durations: Durations = Field(default_factory=Durations)
    timeline: list[Event] = Field(default_factory=list)
    impact: list[Fact] = Field(default_factory=list)
    affected_services: list[Fact] = Field(default_factory=list)
    cause: list[Fact] = Field(default_factory=list)
    #: the lines that set the failure off (``trigger`` role), context for the cause
    trigger: list[Fact] = Field(default_factory=list)
    resolution: list[Fact] = Field(default_factory=list)
    misleading_paths: list[Fact] = Field(default_factory=list)
    action_items: list[ActionItem] = Field(default_factory=list)
    categories: list[CategoryGuess] = Field(default_factory=list)
    #: "no category stands out" when the classifier ran but predicted no category
    category_note: str | None = None
    issue_summary: str = ""
    issue_summary_sources: list[str] = Field(default_factory=list)
    abstractive_summary: str | None = None
    open_questions: list[str] = Field(default_factory=list)
    warnings: list[str] = Field(default_factory=list)
    notes: list[str] = Field(default_factory=list)
    draft: str = ""
