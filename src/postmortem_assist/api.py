"""The Python API: what users import (the CLI calls each command's package directly).

>>> from postmortem_assist import review
>>> findings = review(["postmortem.md"])
"""

from __future__ import annotations

from .review import review, review_sources, review_text

__all__ = ["review", "review_sources", "review_text"]
