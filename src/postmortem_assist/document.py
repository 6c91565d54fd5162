"""Markdown drafts and notes as a :class:`Document`: sections and items with offsets.

Headings are mapped to the four postmortem sections through the synonyms in
``rules/sections.yml``. Every section and item keeps character offsets into the
original text so findings can point at line and column.
"""

from __future__ import annotations

import bisect
import re
from dataclasses import dataclass, field
from functools import cache, lru_cache
from pathlib import Path

from .paths import load_yaml, rules_dir

ATX = re.compile(r"^ {0,3}(#{1,6})[ \t]+(.+?)[ \t#]*$")
SETEXT = re.compile(r"^ {0,3}(=+|-+)[ \t]*$")
EMPHASIS_LINE = re.compile(r"^ {0,3}(\*\*|__)(.+?)\1:?[ \t]*$")
COLON_LINE = re.compile(r"^ {0,3}([A-Za-z][A-Za-z &/;()'-]{2,50}):[ \t]*$")
FENCE = re.compile(r"^ {0,3}(```|~~~)")
ITEM = re.compile(r"^[ \t]*(?:[-*+•]|\d{1,3}[.)])[ \t]+(?:\[[ xX]\][ \t]+)?|^[ \t]*\[[ xX]\][ \t]+")
TABLE_RULE = re.compile(r"^\s*\|?\s*:?-{2,}")


@dataclass(frozen=True)
class SectionKind:
    """One canonical postmortem section and the headings that name it."""

    kind: str
    title: str
    required: bool
    headings: tuple[str, ...]


@dataclass(frozen=True)
class Section:
    """A run of the document under one heading (``kind`` is canonical)."""

    kind: str
    heading: str | None
    start: int  # offset of the first character after the heading line
    end: int
    heading_start: int  # offset of the heading itself (== start when no heading)


@dataclass(frozen=True)
class Item:
    """One non-blank line of a section, with list/table markup stripped."""

    start: int
    end: int
    text: str
    bullet: bool


@dataclass
class Document:
    """A text split into postmortem sections, with offset to line/column mapping."""

    name: str
    text: str
    sections: list[Section] = field(default_factory=list)

    def __post_init__(self) -> None:
        self._line_starts = [0] + [m.end() for m in re.finditer("\n", self.text)]
        self._heading_starts = [s.heading_start for s in self.sections]

    def position(self, offset: int) -> tuple[int, int]:
        """1-based (line, column) of a character offset."""
        line = bisect.bisect_right(self._line_starts, offset) - 1
        return line + 1, offset - self._line_starts[line] + 1

    def section_at(self, offset: int) -> Section | None:
        """The section holding a character offset (None in a heading line); O(log n)."""
        i = bisect.bisect_right(self._heading_starts, offset) - 1
        if i < 0:
            return None
        sec = self.sections[i]
        return sec if offset >= sec.start else None

    @property
    def structured(self) -> bool:
        """True when at least one heading maps to a known postmortem section."""
        return any(s.kind in known_kinds() for s in self.sections)

    def of_kind(self, kind: str) -> list[Section]:
        """Sections of one canonical kind, in document order."""
        return [s for s in self.sections if s.kind == kind]

    def section_text(self, section: Section) -> str:
        """The body text of a section."""
        return self.text[section.start : section.end]

    def items(self, section: Section) -> list[Item]:
        """Non-blank body lines (bullets, numbered items, table rows, plain lines)."""
        out = []
        in_fence = False
        pos = section.start
        for line in self.text[section.start : section.end].split("\n"):
            start, pos = pos, pos + len(line) + 1
            if FENCE.match(line):
                in_fence = not in_fence
                continue
            if in_fence or not line.strip() or (TABLE_RULE.match(line) and "|" in line):
                continue
            bullet = bool(ITEM.match(line))
            body = ITEM.sub("", line, count=1) if bullet else line
            if body.lstrip().startswith("|"):
                body = body.replace("|", " ")  # table row: cells as text, offsets unchanged
            offset = start + len(line) - len(body) + len(body) - len(body.lstrip())
            out.append(Item(offset, start + len(line.rstrip()), body.strip(), bullet))
        return out


@cache
def section_kinds() -> tuple[SectionKind, ...]:
    """The canonical sections and their heading synonyms (from rules/sections.yml)."""
    data = load_yaml(Path(rules_dir(), "sections.yml").read_text(encoding="utf-8"))
    return tuple(
        SectionKind(s["kind"], s["title"], bool(s.get("required")), tuple(s["headings"]))
        for s in data["sections"]
    )


def known_kinds() -> set[str]:
    """Names of the canonical section kinds."""
    return {k.kind for k in section_kinds()}


def normalise_heading(heading: str) -> str:
    """Lower-case a heading and strip numbering, emphasis, emoji and trailing punctuation."""
    text = re.sub(r":[a-z0-9_+-]+:", "", heading)  # emoji shortcodes such as :warning:
    text = re.sub(r"[*_`]", "", text).strip().lower()
    text = re.sub(r"^(?:\d+(?:\.\d+)*[.)]?|[ivx]+[.)])\s+", "", text)
    text = re.sub(r"[^\w\s;&/()'-]", "", text)
    return re.sub(r"\s+", " ", text).strip(" :-")


def classify_heading(heading: str) -> str | None:
    """Map a heading to a canonical section kind, or None when it names none."""
    return _classify_normalised(normalise_heading(heading))


@lru_cache(maxsize=4096)
def _classify_normalised(norm: str) -> str | None:
    if not norm:
        return None
    for section in section_kinds():
        if norm in section.headings:
            return section.kind
    for name, pattern in _phrase_patterns():
        if pattern.search(norm):
            return name
    return None


@cache
def _phrase_patterns() -> tuple[tuple[str, re.Pattern[str]], ...]:
    """One compiled ``\\b(phrase|...)\\b`` pattern per section kind (phrases over 3 chars)."""
    out = []
    for kind in section_kinds():
        phrases = [re.escape(p) for p in kind.headings if len(p) > 3]
        if phrases:
            out.append((kind.kind, re.compile(rf"\b(?:{'|'.join(phrases)})\b")))
    return tuple(out)


def _headings(text: str) -> list[tuple[int, int, int, str]]:
    """(heading_start, body_start, level, title) for every heading-like line."""
    found = []
    lines = text.split("\n")
    offsets = []
    pos = 0
    for line in lines:
        offsets.append(pos)
        pos += len(line) + 1
    in_fence = False
    for i, line in enumerate(lines):
        if FENCE.match(line):
            in_fence = not in_fence
            continue
        if in_fence:
            continue
        body_start = offsets[i] + len(line) + 1
        if m := ATX.match(line):
            found.append((offsets[i], body_start, len(m.group(1)), m.group(2)))
        elif (
            i + 1 < len(lines)
            and line.strip()
            and SETEXT.match(lines[i + 1])
            and not ITEM.match(line)
            and (i == 0 or not lines[i - 1].strip())
        ):
            level = 1 if lines[i + 1].strip().startswith("=") else 2
            end = offsets[i + 1] + len(lines[i + 1]) + 1
            found.append((offsets[i], end, level, line.strip()))
        elif (m := EMPHASIS_LINE.match(line) or COLON_LINE.match(line)) and classify_heading(
            m.group(m.lastindex or 1)
        ):
            found.append((offsets[i], body_start, 7, m.group(m.lastindex or 1)))
    return found


def parse(text: str, name: str = "<text>") -> Document:
    """Split text into sections by its headings.

    A heading that names no known section stays inside the enclosing known section when
    it is deeper than that section's heading (sub-headings); otherwise it starts an
    ``other`` section. Text before the first heading is ``preamble``; a text with no
    headings at all is one ``body`` section.
    """
    heads = _headings(text)
    end_of_text = len(text)
    if not heads:
        return Document(name, text, [Section("body", None, 0, end_of_text, 0)])
    sections: list[Section] = []
    if text[: heads[0][0]].strip():
        sections.append(Section("preamble", None, 0, heads[0][0], 0))
    current: tuple[str, int] | None = None  # (kind, level) of the open known section
    for idx, (h_start, b_start, level, title) in enumerate(heads):
        nxt = heads[idx + 1][0] if idx + 1 < len(heads) else end_of_text
        kind = classify_heading(title)
        if kind is None and current and level > current[1]:
            prev = sections[-1]
            sections[-1] = Section(prev.kind, prev.heading, prev.start, nxt, prev.heading_start)
            continue
        kind = kind or "other"
        current = (kind, level) if kind != "other" else None
        sections.append(Section(kind, title.strip(), min(b_start, nxt), nxt, h_start))
    return Document(name, text, sections)
