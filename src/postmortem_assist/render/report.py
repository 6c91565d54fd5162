"""The review result of one file, as rendered by every output format."""

from __future__ import annotations

from typing import Any

from pydantic import BaseModel, Field

from ..findings import Finding


class FileReport(BaseModel):
    """Findings (and, when computed, root-cause categories) for one input."""

    path: str
    findings: list[Finding] = Field(default_factory=list)
    #: Root-cause categories from the classifier: label, name, probability, evidence.
    categories: list[dict[str, Any]] | None = None
    #: An input error for this file (then findings is empty).
    error: str | None = None
