"""``assist audit`` and ``assist similar``: batch evaluation of a team's past postmortems.

The steps, in the order data passes through them: ``pipeline`` reviews every postmortem (the
review API, in N processes) into a ``scorecard`` each (sections, Issue Summary facts,
timeline, blame, clarity, action items, ``dates``), classifies its root cause
(``postmortem_assist.classify``), embeds its cause text and groups recurring incidents
(``causes``), and sums the archive up per year (``views``); ``report`` writes the HTML report
(``render/html.py``), ``scorecard.csv``, ``report.json`` and a Markdown summary; ``similar``
finds the past postmortems most like a draft; ``run`` is the CLI job.

Python API::

    from postmortem_assist.audit import audit, similar
    archive = audit(["postmortems/"], jobs=2)
"""

from __future__ import annotations

from collections.abc import Sequence
from pathlib import Path

from .causes import THRESHOLD
from .pipeline import Archive, Group, audit_sources
from .scorecard import FORMULA, Scorecard
from .similar import Match, similar

__all__ = [
    "FORMULA",
    "THRESHOLD",
    "Archive",
    "Group",
    "Match",
    "Scorecard",
    "audit",
    "audit_sources",
    "similar",
]


def audit(paths: Sequence[str | Path], jobs: int = 1, threshold: float = THRESHOLD) -> Archive:
    """Audit postmortems from files, directories or globs (the first unreadable file stops)."""
    from ..reading import read_sources

    return audit_sources(read_sources([str(p) for p in paths]), jobs, threshold)
