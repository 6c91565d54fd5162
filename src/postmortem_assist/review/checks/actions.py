"""Corrective-action checks: each bulleted item should be an action with owner and date."""

from __future__ import annotations

import re
from collections.abc import Iterator
from typing import TYPE_CHECKING

from ...document import Item, normalise_heading
from ..base import Hit, check

if TYPE_CHECKING:
    from spacy.tokens import Token

    from ..analysis import Analysis
    from ..base import Context
    from ..spec import Rule

#: Owner markers: @handles, "owner: X", "assignee", "(team-x)", a trailing "- Name".
OWNER = re.compile(
    r"@[\w.-]+"
    r"|(?i:\b(?:owners?|owned by|assignee|assigned to|dri|responsible)\b)"
    r"|(?i:\bteam\b)"
    r"|[(\[]\s*(?![A-Z][A-Z0-9]+-\d)[A-Z][\w.-]+(?:\s+[A-Z][\w.-]+)?\s*[)\]]\s*$"
    r"|[—–-]\s*[A-Z][a-z]+(?:\s[A-Z][a-z]+)?\s*$"
    r"|^[A-Z][\w'-]+(?:\s[A-Z][\w'-]+)?\s+to\s+[a-z]"  # "Nova to send the list..."
)
#: Due dates and tracking references: ISO/US dates, month names, quarters, sprints, tickets.
DUE = re.compile(
    r"\b\d{4}-\d{2}-\d{2}\b|\b\d{1,2}/\d{1,2}(?:/\d{2,4})?\b"
    r"|\b(?:jan|feb|mar|apr|may|jun|jul|aug|sep|oct|nov|dec)[a-z]*\.?\s+\d{1,2}\b"
    r"|\bq[1-4]\b|\b(?:due|by|before|deadline|eta|target)\b\s*[:=]?\s*\w+|\bsprint\b"
    r"|\b[A-Z][A-Z0-9]+-\d+\b|#\d+\b|https?://\S+|\b(?:ticket|issue|jira|bug)\b",
    re.I,
)


def action_items(analysis: Analysis, rule: Rule) -> Iterator[Item]:
    """Bulleted/numbered items and table rows of corrective-action sections.

    Sections whose heading names lessons rather than actions (``skip_headings``) and
    plain paragraphs are not action items.
    """
    skip = set(rule.match.options.get("skip_headings", []))
    doc = analysis.document
    for section in doc.of_kind("corrective_actions"):
        if section.heading and normalise_heading(section.heading) in skip:
            continue
        table_header: list[str] | None = None
        for item in doc.items(section):
            raw = analysis.text[item.start : item.end]
            is_row = analysis.text[: item.start].rsplit("\n", 1)[-1].lstrip().startswith("|")
            if is_row and table_header is None:
                table_header = [c.strip().lower() for c in raw.strip().strip("|").split("|")]
                continue
            if item.bullet or is_row:
                yield item


def _table_owner(analysis: Analysis, item: Item) -> bool:
    """A table row whose section has an owner column filled in."""
    line_start = analysis.text.rfind("\n", 0, item.start) + 1
    line = analysis.text[line_start : analysis.text.find("\n", item.start)]
    return line.lstrip().startswith("|") and line.count("|") >= 3


@check("action_owner")
def action_owner(analysis: Analysis, rule: Rule, ctx: Context) -> Iterator[Hit]:
    """An action item with nobody named to do it."""
    names = [n.lower() for n in ctx.settings.allowed_names]
    for item in action_items(analysis, rule):
        if OWNER.search(item.text) or _table_owner(analysis, item):
            continue
        if any(n in item.text.lower() for n in names):
            continue
        yield Hit(item.start, item.end)


@check("action_due")
def action_due(analysis: Analysis, rule: Rule, ctx: Context) -> Iterator[Hit]:
    """An action item with no due date and no ticket to track it."""
    for item in action_items(analysis, rule):
        if not DUE.search(item.text):
            yield Hit(item.start, item.end)


def _is_action_verb(tok: Token) -> bool:
    """A finite or base verb, or a participle followed by what it governs
    ("Alerting on X", "Adding a check"); tags only, no parse needed."""
    if tok.tag_ in {"VB", "VBP", "VBZ", "VBD", "MD"}:
        return True
    nxt = tok.nbor() if tok.i + 1 < len(tok.doc) else None
    return (
        tok.tag_ in {"VBG", "VBN"}
        and nxt is not None
        and nxt.tag_ in {"IN", "DT", "NN", "NNS", "NNP", "RP", "JJ", "PRP", "PRP$", "CD", "TO"}
    )


@check("action_verb")
def action_verb(analysis: Analysis, rule: Rule, ctx: Context) -> Iterator[Hit]:
    """An action item that names a topic, not a task: no verb in it.

    The small tagger often reads an imperative at the start of a bullet ("Alert on pool
    saturation") as a noun, so items without a verb are parsed once more after "We will";
    an item whose first word then reads as a verb is an action.
    """
    items = []
    for item in action_items(analysis, rule):
        span = analysis.doc.char_span(item.start, item.end, alignment_mode="expand")
        if span is not None and any(t.is_alpha for t in span):
            items.append((item, span))
    parsed = analysis.tag([s for _, s in items])
    suspects = [
        item
        for (item, _), doc in zip(items, parsed, strict=True)
        if not any(_is_action_verb(t) for t in doc)
    ]
    if not suspects:
        return
    from ...nlp import tag_many

    retry = tag_many(["We will " + i.text[:1].lower() + i.text[1:] for i in suspects])
    for item, doc in zip(suspects, retry, strict=True):
        if not any(t.tag_ == "VB" for t in doc[2:5]):  # "We will (systematically) cull"
            yield Hit(item.start, item.end)
