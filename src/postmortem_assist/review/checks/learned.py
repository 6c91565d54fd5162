"""The learned rules' check: a placeholder, since the sentence scorer runs after the rules.

``blame/learned`` and ``clarity/learned`` need every other rule's hits as features, so
the engine hands its findings to :mod:`..learned` once the rules have run.
"""

from __future__ import annotations

from collections.abc import Iterator
from typing import TYPE_CHECKING

from ..base import Hit, check

if TYPE_CHECKING:
    from ..analysis import Analysis
    from ..base import Context
    from ..spec import Rule


@check("learned")
def learned(analysis: Analysis, rule: Rule, ctx: Context) -> Iterator[Hit]:
    """No hits of its own: see ``review/learned.py``."""
    return iter(())
