"""Load the hand-written gold sets in ``eval/gold`` with validation.

A malformed record is reported as ``file:line: reason``, skipped and counted in a
:class:`Skips`; loading always continues with the next record.
"""

from __future__ import annotations

import json
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

import yaml

from ..convert import SUFFIXES as CONVERTED_SUFFIXES
from ..paths import load_yaml, rules_dir
from ..reading import TEXT_SUFFIXES
from .metrics import Span

FAMILIES = ("blame", "clarity", "actions")
#: A note set's file: whatever the readers take (text, and HTML / .docx / .eml converted).
NOTE_SUFFIXES = TEXT_SUFFIXES + CONVERTED_SUFFIXES


def gold_dir() -> Path:
    """``eval/gold`` of the repository (beside ``rules/``)."""
    return rules_dir().parent / "eval" / "gold"


@dataclass(frozen=True)
class Skip:
    """One record that could not be used."""

    file: str
    line: int | None
    reason: str

    def __str__(self) -> str:
        where = f"{self.file}:{self.line}" if self.line else self.file
        return f"{where}: {self.reason}"


@dataclass
class Skips:
    """Every skipped record of a run, in the order met."""

    items: list[Skip] = field(default_factory=list)

    def add(self, file: str | Path, line: int | None, reason: str) -> None:
        self.items.append(Skip(str(file), line, reason))

    def __len__(self) -> int:
        return len(self.items)

    def as_list(self) -> list[dict[str, Any]]:
        return [{"file": s.file, "line": s.line, "reason": s.reason} for s in self.items]


@dataclass(frozen=True)
class GoldFlag:
    """A span the reviewer would flag, located in the item text."""

    family: str
    kind: str
    start: int
    end: int

    @property
    def key(self) -> str:
        return f"{self.family}/{self.kind}"


@dataclass(frozen=True)
class GoldItem:
    """One annotated snippet of ``review.jsonl``."""

    id: str
    family: str
    text: str
    flags: tuple[GoldFlag, ...]
    decoys: tuple[Span, ...]


@dataclass(frozen=True)
class Draft:
    """One whole draft with its expected structure findings."""

    id: str
    file: Path
    text: str
    expected: tuple[tuple[str, str | None], ...]
    clean_families: tuple[str, ...]


@dataclass(frozen=True)
class NoteSet:
    """Raw notes and the facts a summary of them must get right."""

    name: str
    path: Path
    expected: dict[str, Any]


class _Bad(ValueError):
    """A record failed validation (message = the reason)."""


def _locate(text: str, quote: Any, occurrence: Any = 1) -> Span:
    if not isinstance(quote, str) or not quote:
        raise _Bad("quote must be a non-empty string")
    if not isinstance(occurrence, int) or occurrence < 1:
        raise _Bad("occurrence must be a positive integer")
    start = -1
    for _ in range(occurrence):
        start = text.find(quote, start + 1)
        if start < 0:
            raise _Bad(f"quote {quote!r} (occurrence {occurrence}) is not in the text")
    return start, start + len(quote)


def _jsonl(path: Path, skips: Skips) -> list[tuple[int, dict[str, Any]]]:
    """(line number, object) of a JSONL file; bad JSON lines are skipped."""
    out = []
    try:
        lines = path.read_text(encoding="utf-8").splitlines()
    except (OSError, UnicodeDecodeError) as exc:
        skips.add(path, None, f"cannot read: {exc}")
        return []
    for lineno, line in enumerate(lines, 1):
        if not line.strip():
            continue
        try:
            obj = json.loads(line)
        except json.JSONDecodeError as exc:
            skips.add(path, lineno, f"invalid JSON: {exc.msg}")
            continue
        if not isinstance(obj, dict):
            skips.add(path, lineno, "not a JSON object")
            continue
        out.append((lineno, obj))
    return out


def _review_item(obj: dict[str, Any]) -> GoldItem:
    text, family, ident = obj.get("text"), obj.get("family"), obj.get("id")
    if not isinstance(ident, str) or not ident:
        raise _Bad("missing 'id'")
    if not isinstance(text, str) or not text.strip():
        raise _Bad("missing or empty 'text'")
    if family not in FAMILIES:
        raise _Bad(f"'family' must be one of {', '.join(FAMILIES)}")
    raw_flags = obj.get("flags")
    if not isinstance(raw_flags, list):
        raise _Bad("'flags' must be a list")
    flags = []
    for f in raw_flags:
        if not isinstance(f, dict) or not isinstance(f.get("kind"), str):
            raise _Bad("every flag needs 'family', 'kind' and 'quote'")
        if f.get("family") not in FAMILIES:
            raise _Bad(f"flag family {f.get('family')!r} is unknown")
        s, e = _locate(text, f.get("quote"), f.get("occurrence", 1))
        flags.append(GoldFlag(f["family"], f["kind"], s, e))
    decoys = obj.get("decoys") or []
    if not isinstance(decoys, list):
        raise _Bad("'decoys' must be a list")
    return GoldItem(ident, family, text, tuple(flags), tuple(_locate(text, d) for d in decoys))


def load_review_gold(path: Path, skips: Skips) -> list[GoldItem]:
    """Annotated snippets; invalid ones reported with file:line and skipped."""
    items = []
    for lineno, obj in _jsonl(path, skips):
        try:
            items.append(_review_item(obj))
        except _Bad as exc:
            skips.add(path, lineno, str(exc))
    return items


def load_drafts(path: Path, skips: Skips) -> list[Draft]:
    """Whole drafts of ``drafts.jsonl`` with their markdown text."""
    drafts = []
    for lineno, obj in _jsonl(path, skips):
        try:
            ident, file = obj.get("id"), obj.get("file")
            if not isinstance(ident, str) or not isinstance(file, str):
                raise _Bad("needs string 'id' and 'file'")
            md = path.parent / file
            try:
                text = md.read_text(encoding="utf-8")
            except (OSError, UnicodeDecodeError) as exc:
                raise _Bad(f"cannot read {md}: {exc}") from None
            expected = []
            for e in obj.get("expected") or []:
                if not isinstance(e, dict) or not str(e.get("rule", "")).startswith("structure/"):
                    raise _Bad("every expected entry needs a 'structure/...' rule")
                detail = e.get("detail")
                expected.append((str(e["rule"]), None if detail is None else str(detail)))
            clean = obj.get("clean_families") or []
            if not isinstance(clean, list) or any(c not in FAMILIES for c in clean):
                raise _Bad("'clean_families' must list known families")
            drafts.append(Draft(ident, md, text, tuple(expected), tuple(clean)))
        except _Bad as exc:
            skips.add(path, lineno, str(exc))
    return drafts


def load_note_sets(folder: Path, skips: Skips) -> list[NoteSet]:
    """Every ``<name>.expected.yml`` with its notes file; YAML errors give file:line."""
    sets = []
    for yml in sorted(folder.glob("*.expected.yml")):
        name = yml.name[: -len(".expected.yml")]
        try:
            data = load_yaml(yml.read_text(encoding="utf-8"))
        except yaml.YAMLError as exc:
            mark = getattr(exc, "problem_mark", None)
            line = mark.line + 1 if mark is not None else None
            skips.add(yml, line, f"invalid YAML: {getattr(exc, 'problem', exc)}")
            continue
        if not isinstance(data, dict):
            skips.add(yml, 1, "expected a YAML mapping")
            continue
        notes = [folder / f"{name}{s}" for s in NOTE_SUFFIXES if (folder / f"{name}{s}").is_file()]
        # a Slack export folder or zip is one set's notes too
        notes += [p for p in (folder / name, folder / f"{name}.zip") if p.exists()]
        if not notes:
            skips.add(yml, None, "no notes file beside it")
            continue
        sets.append(NoteSet(name, notes[0], data))
    return sets
