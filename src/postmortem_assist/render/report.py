"""The review result of one file, as rendered by every output format."""

from __future__ import annotations

import bisect
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
    #: Offsets of line breaks that were CRLF in the file (not rendered in JSON); SARIF uses
    #: them to count the file's real characters.
    crlf: tuple[int, ...] = Field(default=(), exclude=True)

    def file_offset(self, offset: int) -> int:
        """A finding's offset (LF-normalised text) as a character offset in the file."""
        return offset + bisect.bisect_left(self.crlf, offset) if self.crlf else offset
