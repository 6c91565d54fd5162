"""Rules that need more than a pattern: registered Python checks, configured by YAML."""

from __future__ import annotations

from ..base import CHECKS, CheckFn


def load_checks() -> dict[str, CheckFn]:
    """Import every check module (they register themselves) and return the registry."""
    from . import actions, blame, clarity, learned, structure  # noqa: F401

    return CHECKS
