"""Rule files: the schema of ``rules/<family>/<name>.yml`` and loading them."""

from __future__ import annotations

from functools import cache
from pathlib import Path
from typing import Any, Literal

import yaml
from pydantic import BaseModel, ConfigDict, Field, ValidationError

from ..findings import Severity
from ..paths import load_yaml, rules_dir

#: Sections a prose rule looks at unless it says otherwise ("body"/"preamble" = text
#: outside any recognised heading, e.g. a pasted paragraph; "other" = under a heading that
#: names no known section, e.g. a title heading or "What went well": on real postmortems
#: much of the prose sits there).
PROSE_SCOPE = [
    "summary",
    "timeline",
    "root_cause",
    "corrective_actions",
    "body",
    "preamble",
    "other",
]


class RuleError(Exception):
    """A rule file is malformed (reported as one line, exit code 2)."""


class Match(BaseModel):
    """How a rule finds its matches."""

    model_config = ConfigDict(extra="forbid")

    kind: Literal["phrase", "tokens", "dependency", "check"]
    #: phrase: lower-case phrases matched on token boundaries (spaCy PhraseMatcher).
    phrases: list[str] = Field(default_factory=list)
    #: tokens / dependency: spaCy Matcher or DependencyMatcher patterns.
    patterns: list[Any] = Field(default_factory=list)
    #: Lower-case words that make a sentence worth a full parse (tokens/dependency rules
    #: that use POS, lemmas, dependencies or entities). Empty = parse every sentence.
    trigger: list[str] = Field(default_factory=list)
    #: ...and, when given, one of these words too (both lists must hit); ``@name``
    #: stands for any capitalised word (a possible name).
    trigger_with: list[str] = Field(default_factory=list)
    #: Phrases that, anywhere in the same sentence, cancel a match.
    unless: list[str] = Field(default_factory=list)
    #: A regular expression that, matching the same sentence, cancels a match
    #: (e.g. an exact figure next to a vague quantity).
    unless_regex: str | None = None
    #: Ignore matches inside quotation marks.
    skip_quoted: bool = False
    #: check: the registered Python check and its options.
    check: str | None = None
    options: dict[str, Any] = Field(default_factory=dict)


class Examples(BaseModel):
    """A rule's own test cases: every bad one must fire it, no good one may."""

    model_config = ConfigDict(extra="forbid")

    bad: list[str] = Field(min_length=1)
    good: list[str] = Field(min_length=1)


class Rule(BaseModel):
    """One review rule, documented like a ruff rule (what, why, what instead)."""

    model_config = ConfigDict(extra="forbid")

    id: str
    severity: Severity
    message: str
    description: str
    why: str
    suggestion: str
    scope: list[str] = Field(default_factory=lambda: list(PROSE_SCOPE))
    match: Match
    examples: Examples
    source: str | None = None
    #: Off unless enabled by id in the settings: an ``info`` rule whose findings are
    #: mostly noise on real text (counted on clean dev sentences, see the eval).
    quiet: bool = False

    @property
    def family(self) -> str:
        return self.id.split("/", 1)[0]

    @property
    def deep(self) -> bool:
        """True when the rule needs the full parse (POS, lemmas, dependencies, entities)."""
        if self.match.kind == "dependency":
            return True
        if self.match.kind != "tokens":
            return False
        shallow = {
            "ORTH",
            "TEXT",
            "LOWER",
            "LENGTH",
            "IS_DIGIT",
            "IS_PUNCT",
            "IS_TITLE",
            "IS_UPPER",
            "LIKE_NUM",
            "SHAPE",
            "OP",
            "IS_SENT_START",
            "IS_SPACE",
            "IS_ALPHA",
            "LIKE_URL",
            "REGEX",
        }
        return any(
            key.upper() not in shallow
            for pattern in self.match.patterns
            for tok in pattern
            for key in tok
        )


def _load_file(path: Path, root: Path) -> Rule:
    expected = f"{path.parent.name}/{path.stem}"
    try:
        data = load_yaml(path.read_text(encoding="utf-8"))
    except yaml.YAMLError as err:
        mark = getattr(err, "problem_mark", None)
        where = f":{mark.line + 1}" if mark else ""
        raise RuleError(f"{path}{where}: malformed YAML ({getattr(err, 'problem', err)})") from None
    if not isinstance(data, dict):
        raise RuleError(f"{path}: a rule file must be a mapping")
    data.setdefault("id", expected)
    try:
        rule = Rule.model_validate(data)
    except ValidationError as err:
        first = err.errors()[0]
        loc = ".".join(str(p) for p in first["loc"])
        raise RuleError(f"{path}: invalid rule: {loc}: {first['msg']}") from None
    if rule.id != expected:
        raise RuleError(f"{path}: id {rule.id!r} does not match its path ({expected!r})")
    return rule


@cache
def load_rules(root: Path | None = None) -> tuple[Rule, ...]:
    """Every rule under ``rules/<family>/*.yml``, sorted by id."""
    base = root or rules_dir()
    files = sorted(p for p in base.glob("*/*.yml") if p.parent.name != "categories")
    return tuple(sorted((_load_file(p, base) for p in files), key=lambda r: r.id))
