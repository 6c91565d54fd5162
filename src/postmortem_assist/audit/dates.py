"""The date of a postmortem: front matter, then file name, then title, then the opening text.

Candidates are found with a few patterns (ISO dates, "June 4, 2021", "4 June 2021") and
parsed by dateutil, so "2021-6-4", "2021_06_04" and "Jun. 4th, 2021" all read the same.
"""

from __future__ import annotations

import re
from datetime import date
from pathlib import Path

from dateutil import parser as dateparser

from ..times import _MONTH

_PATTERNS = [
    re.compile(r"(?<!\d)((?:19|20)\d{2})[-_/.](0?[1-9]|1[0-2])[-_/.](0?[1-9]|[12]\d|3[01])(?!\d)"),
    re.compile(rf"\b({_MONTH}\s+\d{{1,2}}(?:st|nd|rd|th)?,?\s+(?:19|20)\d{{2}})\b", re.I),
    re.compile(rf"\b(\d{{1,2}}(?:st|nd|rd|th)?\s+{_MONTH},?\s+(?:19|20)\d{{2}})\b", re.I),
]
_COMPACT = re.compile(r"(?<!\d)((?:19|20)\d{2})(0[1-9]|1[0-2])(0[1-9]|[12]\d|3[01])(?!\d)")
_FRONT_MATTER = re.compile(r"\A---\n(.*?)\n---\n", re.S)
_FM_DATE = re.compile(r"^(?:date|created|published|incident_date|started)\s*:\s*(.+)$", re.I | re.M)
_HEADING = re.compile(r"^\s{0,3}#{1,6}\s+(.+)$", re.M)
OPENING_CHARS = 1500


def find_date(text: str) -> date | None:
    """The first parseable date in a piece of text (ISO first, then written-out dates)."""
    found: list[tuple[int, date]] = []
    for i, pattern in enumerate(_PATTERNS):
        for m in pattern.finditer(text):
            raw = "-".join(m.groups()) if i == 0 else m.group(1)
            try:
                when = dateparser.parse(raw, fuzzy=False).date()
            except (ValueError, OverflowError):
                continue
            if 1990 <= when.year <= date.today().year + 1:
                found.append((m.start(), when))
                break
    return min(found)[1] if found else None


def document_date(text: str, name: str) -> tuple[date | None, str | None]:
    """(date, where it was found) for a postmortem; (None, None) when it states none."""
    if fm := _FRONT_MATTER.match(text):
        for m in _FM_DATE.finditer(fm.group(1)):
            if when := find_date(m.group(1).strip("'\" ")):
                return when, "front matter"
    stem = Path(name).name
    if when := find_date(stem):
        return when, "file name"
    if compact := _COMPACT.search(stem):
        try:
            return date(*(int(g) for g in compact.groups())), "file name"
        except ValueError:
            pass
    body = _FRONT_MATTER.sub("", text, count=1)
    heading = _HEADING.search(body)
    title = heading.group(1) if heading else body.lstrip().split("\n", 1)[0]
    if when := find_date(title):
        return when, "title"
    if when := find_date(body[:OPENING_CHARS]):
        return when, "opening text"
    return None, None
