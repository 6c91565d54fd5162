"""The review rule engine: rules are data (``rules/<family>/<name>.yml``), run here."""

from .engine import Engine
from .spec import Rule, load_rules

__all__ = ["Engine", "Rule", "load_rules"]
