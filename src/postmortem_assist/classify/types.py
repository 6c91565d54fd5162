"""Pydantic result and taxonomy types of the root-cause classifier."""

from __future__ import annotations

from pydantic import BaseModel, Field


class Category(BaseModel):
    """One root-cause label of the taxonomy (``name`` is the blameless display name)."""

    id: str
    name: str
    definition: str
    examples: list[str] = Field(default_factory=list)
    keywords: list[str] = Field(default_factory=list)


class CategoryScore(BaseModel):
    """A label with its calibrated probability and the sentence that best supports it."""

    label: str
    name: str
    probability: float
    evidence: str | None = None


class Classification(BaseModel):
    """Result for one text: scores sorted by probability, labels over threshold first."""

    categories: list[CategoryScore] = Field(default_factory=list)
    predicted: list[str] = Field(default_factory=list)
    note: str | None = None
