"""What review produces: findings with rule id, severity, location, message and suggestion."""

from __future__ import annotations

from enum import StrEnum

from pydantic import BaseModel


class Severity(StrEnum):
    """How serious a finding is; ``--fail-on`` compares against this order."""

    info = "info"
    warning = "warning"
    error = "error"

    @property
    def rank(self) -> int:
        return ["info", "warning", "error"].index(self.value)


class Finding(BaseModel):
    """One problem in a draft. Offsets are character offsets into the source text;
    lines and columns are 1-based."""

    rule: str
    family: str
    severity: Severity
    message: str
    suggestion: str
    path: str
    line: int
    column: int
    end_line: int
    end_column: int
    start: int
    end: int
    match: str = ""
    #: Learned findings only: the scorer's probability and the predicted kind.
    score: float | None = None
    kind: str | None = None
    #: Blame findings: the sentence rewritten around the system, from its own words.
    rewrite: str | None = None
