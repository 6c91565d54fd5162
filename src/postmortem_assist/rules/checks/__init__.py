"""Rules that need more than a pattern: registered Python checks, configured by YAML."""

from __future__ import annotations

from collections.abc import Callable, Iterator
from dataclasses import dataclass, field
from typing import TYPE_CHECKING, Any

if TYPE_CHECKING:
    from ...analysis import Analysis
    from ..engine import Context
    from ..spec import Rule


@dataclass(frozen=True)
class Hit:
    """A raw match of one rule; the engine turns it into a Finding."""

    start: int
    end: int
    #: Values for the rule's message/suggestion templates (``{match}`` is always set).
    params: dict[str, Any] = field(default_factory=dict)
    #: A specific suggestion (e.g. a rewrite) replacing the rule's generic one.
    suggestion: str | None = None


CheckFn = Callable[["Analysis", "Rule", "Context"], Iterator[Hit]]
CHECKS: dict[str, CheckFn] = {}


def check(name: str) -> Callable[[CheckFn], CheckFn]:
    """Register a check under the name that rule files use (``match.check``)."""

    def register(fn: CheckFn) -> CheckFn:
        CHECKS[name] = fn
        return fn

    return register


def load_checks() -> dict[str, CheckFn]:
    """Import every check module (they register themselves) and return the registry."""
    from . import actions, blame, clarity, structure  # noqa: F401

    return CHECKS
