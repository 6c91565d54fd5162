"""The learned pass: after the rules, score every sentence and add or veto findings.

Runs when ``blame/learned`` or ``clarity/learned`` is enabled and the scorer's files exist
(``models/sentence-flags``). Per sentence and family: rule hits scored below ``veto`` are
dropped; a sentence with no rule hit scored at or above ``add`` gets a learned finding
over the sentence, with the predicted kind and the score (blame ones with a rewrite).
"""

from __future__ import annotations

import re
from collections.abc import Callable, Sequence
from typing import TYPE_CHECKING

from ..config import Settings
from ..findings import Finding
from .base import Hit
from .rewrite import blameless_rewrite
from .scorer import SentenceScorer, Thresholds, default_scorer
from .spec import Rule

if TYPE_CHECKING:
    from .analysis import Analysis

#: (learned rule, scorer head, does a finding belong to the family?)
FAMILIES: tuple[tuple[str, str, Callable[[Finding], bool]], ...] = (
    ("blame/learned", "blame", lambda f: f.family == "blame"),
    ("clarity/learned", "unclear", lambda f: f.family == "clarity" or f.rule == "actions/vague"),
)
LEARNED = {rid for rid, _, _ in FAMILIES}
_COUNTED = ("blame", "clarity", "actions")


class LearnedPass:
    """The scorer with the thresholds in force and the learned rules enabled."""

    def __init__(self, scorer: SentenceScorer, rules: dict[str, Rule], settings: Settings):
        self.scorer = scorer
        self.rules = rules
        conf = settings.learned
        self.thresholds: dict[str, Thresholds] = {}
        for _, head, _ in FAMILIES:
            base = scorer.thresholds[head]
            add = getattr(conf, f"{head}_add")
            veto = getattr(conf, f"{head}_veto")
            self.thresholds[head] = Thresholds(
                add=base.add if add is None else add, veto=base.veto if veto is None else veto
            )

    def apply(
        self,
        analysis: Analysis,
        findings: Sequence[Finding],
        make: Callable[[Analysis, Rule, Hit], Finding],
    ) -> list[Finding]:
        """The findings after vetoes, plus learned findings."""
        dropped: set[int] = set()
        added: list[Finding] = []
        for sent in analysis.sentences():
            start, end = _trim(analysis.text, sent.start_char, sent.end_char)
            if end <= start or analysis.is_masked(start, start + 1):
                continue
            section = analysis.section_at(start)
            if section is None:
                continue
            here = [
                i
                for i, f in enumerate(findings)
                if start <= f.start < end and f.family in _COUNTED and f.rule not in LEARNED
            ]
            text = analysis.text[start:end]
            probs = self.scorer.score(text, [findings[i].rule for i in here])
            for rid, head, member in FAMILIES:
                rule = self.rules.get(rid)
                if rule is None or section.kind not in rule.scope:
                    continue
                th, p = self.thresholds[head], probs[head]
                mine = [i for i in here if member(findings[i])]
                if mine:
                    if p < th.veto:
                        dropped.update(mine)
                    continue
                if p < th.add:
                    continue
                kind = self.scorer.kind(head, text, [findings[i].rule for i in here])
                rewrite = blameless_rewrite(text) if head == "blame" else None
                params = {"kind": kind, "score": f"{p:.2f}"}
                suggestion = None
                if rewrite:
                    params["rewrite"] = rewrite
                    suggestion = f"{_fill(rule.suggestion, params)} For example: '{rewrite}'"
                finding = make(analysis, rule, Hit(start, end, params, suggestion))
                update = {"score": round(p, 3), "kind": kind, "rewrite": rewrite}
                added.append(finding.model_copy(update=update))
        kept = [f for i, f in enumerate(findings) if i not in dropped]
        return kept + added


def _trim(text: str, start: int, end: int) -> tuple[int, int]:
    """The sentence span without surrounding blanks and list or heading marks."""
    chunk = text[start:end]
    lead = len(chunk) - len(chunk.lstrip(" \t\r\n-*•>#"))
    tail = len(chunk.rstrip())
    return start + lead, start + tail


def _fill(template: str, params: dict) -> str:
    return re.sub(r"\{(\w+)\}", lambda m: str(params.get(m.group(1), m.group(0))), template)


def learned_pass(rules: dict[str, Rule], settings: Settings) -> LearnedPass | None:
    """The learned pass for an engine's enabled rules, or None (no learned rule, no model)."""
    if not LEARNED & set(rules):
        return None
    scorer = default_scorer()
    return LearnedPass(scorer, rules, settings) if scorer is not None else None
