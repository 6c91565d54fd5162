"""Corrective-action checks: each bulleted item or table row should be an action with an
owner and a date."""

from __future__ import annotations

import re
from collections.abc import Iterator
from dataclasses import dataclass
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

#: An item that reports work already done needs no owner or date: a ticked box, "X has
#: been updated", "We've advised ...".
DONE = re.compile(
    r"^\s*\[[xX]\]|\b(?:has|have)\s+been\s+[a-z]+(?:ed|en|wn)\b"
    r"|^(?:We|I)(?:'ve|\s+have)\s+[a-z]+ed\b"
)


def _done(analysis: Analysis, item: Item) -> bool:
    """The item (with its line's checkbox, which is not part of its text) reports work done."""
    text = analysis.text
    line_start = text.rfind("\n", 0, item.start) + 1
    return bool(DONE.search(item.text) or re.search(r"\[[xX]\]", text[line_start : item.start]))


#: Table header cells that name the owner column, and the due-date/tracking columns.
OWNER_COLUMN = re.compile(r"(?i)\b(?:owners?|assignees?|assigned|dri|responsible|who)\b")
DUE_COLUMN = re.compile(
    r"(?i)\b(?:due|dates?|deadline|eta|target|when|tickets?|tracking|issues?|jira|links?|bugs?)\b"
)
#: Cell values that fill nothing in.
EMPTY_CELL = re.compile(r"(?i)^(?:|[-–—?/.]+|tbd|tbc|todo|n/?a|none|unassigned|\?\?\?)$")


@dataclass(frozen=True)
class Row:
    """A table row of an action-item table: its cells and the table's header cells."""

    cells: list[str]
    header: list[str]

    def column(self, pattern: re.Pattern[str]) -> list[str] | None:
        """The cells under headers matching ``pattern`` (None when no header matches)."""
        idx = [i for i, h in enumerate(self.header) if pattern.search(h)]
        if not idx:
            return None
        return [self.cells[i] if i < len(self.cells) else "" for i in idx]


def _cells(line: str) -> list[str]:
    """The cells of a markdown table row (escaped pipes stay inside a cell)."""
    body = line.strip()
    body = body[1:] if body.startswith("|") else body
    body = body[:-1] if body.endswith("|") and not body.endswith("\\|") else body
    return [c.strip() for c in re.split(r"(?<!\\)\|", body)]


def action_items(analysis: Analysis, rule: Rule) -> Iterator[tuple[Item, Row | None]]:
    """Bulleted/numbered items and table rows of corrective-action sections, each with its
    table row (cells and header) when it is one.

    Sections whose heading names lessons rather than actions (``skip_headings``) and
    plain paragraphs are not action items. The first row of each table is its header.
    """
    skip = set(rule.match.options.get("skip_headings", []))
    doc = analysis.document
    text = analysis.text
    for section in doc.of_kind("corrective_actions"):
        if section.heading and normalise_heading(section.heading) in skip:
            continue
        header: list[str] | None = None
        last_row_end = -2
        for item in doc.items(section):
            line_start = text.rfind("\n", 0, item.start) + 1
            line_end = text.find("\n", item.start)
            line = text[line_start : line_end if line_end >= 0 else len(text)]
            if not line.lstrip().startswith("|"):
                header = None
                if item.bullet:
                    yield item, None
                continue
            previous = text[text.rfind("\n", 0, max(line_start - 1, 0)) + 1 : line_start]
            continues = last_row_end == line_start - 1 or TABLE_RULE_LINE.match(previous)
            last_row_end = line_start + len(line)
            if header is None or not continues:
                header = [c.lower() for c in _cells(line)]
                continue
            yield item, Row(_cells(line), header)


TABLE_RULE_LINE = re.compile(r"^\s*\|?\s*:?-{2,}[-:| ]*\s*$")


def _filled(cells: list[str]) -> bool:
    return any(not EMPTY_CELL.match(c.strip("*_` ")) for c in cells)


@check("action_owner")
def action_owner(analysis: Analysis, rule: Rule, ctx: Context) -> Iterator[Hit]:
    """An action item with nobody named to do it (in a table: an empty owner cell)."""
    names = [n.lower() for n in ctx.settings.allowed_names]
    for item, row in action_items(analysis, rule):
        owner = row.column(OWNER_COLUMN) if row else None
        if owner is not None:
            if not _filled(owner):
                yield Hit(item.start, item.end)
            continue
        if OWNER.search(item.text) or any(n in item.text.lower() for n in names):
            continue
        if _done(analysis, item):
            continue
        yield Hit(item.start, item.end)


@check("action_due")
def action_due(analysis: Analysis, rule: Rule, ctx: Context) -> Iterator[Hit]:
    """An action item with no due date and no ticket to track it (in a table: empty
    due/ticket cells and no date or ticket elsewhere in the row)."""
    for item, row in action_items(analysis, rule):
        due = row.column(DUE_COLUMN) if row else None
        if due is not None and _filled(due):
            continue
        text = (
            item.text
            if row is None
            else " ".join(
                c for c, h in zip(row.cells, row.header, strict=False) if not OWNER_COLUMN.search(h)
            )
        )
        if not DUE.search(text) and (row is not None or not _done(analysis, item)):
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
    for item, _ in action_items(analysis, rule):
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
