"""Every rule's own examples are its tests: each bad example fires it, no good one does."""

from __future__ import annotations

import pytest

from postmortem_assist.config import Settings
from postmortem_assist.document import parse
from postmortem_assist.review import Engine, load_rules
from postmortem_assist.review.analysis import Analysis

RULES = load_rules()
CASES = [
    (rule.id, kind, i, text)
    for rule in RULES
    for kind in ("bad", "good")
    for i, text in enumerate(getattr(rule.examples, kind))
]


def test_every_family_has_rules() -> None:
    families = {r.family for r in RULES}
    assert {"structure", "blame", "clarity", "actions"} <= families
    assert len(RULES) >= 25


@pytest.mark.parametrize(
    ("rule_id", "kind", "index", "text"), CASES, ids=[f"{c[0]}-{c[1]}{c[2]}" for c in CASES]
)
def test_rule_example(rule_id: str, kind: str, index: int, text: str) -> None:
    rule = next(r for r in RULES if r.id == rule_id)
    engine = Engine([rule], Settings(enable=[rule.id]))  # quiet rules are off by default
    findings = engine.review(Analysis.of(parse(text, "example.md")))
    if kind == "bad":
        assert findings, f"{rule_id}: bad example {index} did not fire"
        assert all(f.rule == rule_id for f in findings)
        assert all(f.suggestion and f.message for f in findings)
    else:
        assert not findings, f"{rule_id}: good example {index} fired: {findings[0].message}"


def test_rule_docs_are_complete() -> None:
    for rule in RULES:
        assert len(rule.description.split()) >= 10, rule.id
        assert len(rule.why.split()) >= 10, rule.id
        assert rule.suggestion.strip(), rule.id
