"""Structure checks: required sections, Issue Summary facts and the timeline."""

from __future__ import annotations

import re
from collections.abc import Iterator
from datetime import date, datetime, timedelta
from functools import lru_cache
from typing import TYPE_CHECKING

from ...document import Section, section_kinds
from ...times import find_date, find_times, resolve, resolve_date, zone_info, zone_statement
from ..base import Hit, check

if TYPE_CHECKING:
    from ..analysis import Analysis
    from ..base import Context
    from ..spec import Rule


def _heading_hit(section: Section, params: dict[str, str]) -> Hit:
    """A hit on a section's heading line."""
    return Hit(section.heading_start, max(section.heading_start + 1, section.start - 1), params)


def _has_any(text: str, phrases: list[str]) -> bool:
    return (
        bool(phrases) and _any_of(tuple(str(p) for p in phrases)).search(text.lower()) is not None
    )


@lru_cache(maxsize=256)
def _any_of(phrases: tuple[str, ...]) -> re.Pattern[str]:
    """One pattern for all cue phrases (one pass over the text instead of one per phrase)."""
    alternatives = "|".join(re.escape(p) for p in sorted(phrases, key=len, reverse=True))
    return re.compile(rf"(?<!\w)(?:{alternatives})(?!\w)")


@check("missing_section")
def missing_section(analysis: Analysis, rule: Rule, ctx: Context) -> Iterator[Hit]:
    """A required section has no heading in the draft."""
    doc = analysis.document
    first_line = doc.text.find("\n")
    end = first_line if first_line > 0 else len(doc.text)
    missing = [k.title for k in section_kinds() if k.required and not doc.of_kind(k.kind)]
    if not doc.structured:
        headings = ", ".join(f"'## {title}'" for title in missing)
        yield Hit(
            0,
            end,
            {"section": "all four (" + ", ".join(missing) + ")"},
            f"Organise the draft under the four headings: {headings}.",
        )
        return
    for title in missing:
        yield Hit(0, end, {"section": title})


@check("empty_section")
def empty_section(analysis: Analysis, rule: Rule, ctx: Context) -> Iterator[Hit]:
    """A required section is present but has (almost) no words."""
    min_words = int(rule.match.options.get("min_words", 3))
    doc = analysis.document
    required = {k.kind: k.title for k in section_kinds() if k.required}
    for kind, title in required.items():
        sections = doc.of_kind(kind)
        if sections and all(
            len(re.findall(r"[A-Za-z0-9]+", doc.section_text(s))) < min_words for s in sections
        ):
            yield _heading_hit(sections[0], {"section": title})


@check("section_lacks")
def section_lacks(analysis: Analysis, rule: Rule, ctx: Context) -> Iterator[Hit]:
    """A section exists but mentions none of the cue phrases/patterns for a fact.

    Options: ``section`` (kind), ``fact`` (name for the message), ``phrases`` (cues),
    ``regex`` (extra cue patterns, e.g. durations such as "47 minutes").
    """
    opts = rule.match.options
    sections = analysis.document.of_kind(opts["section"])
    if not sections:
        return
    text = "\n".join(analysis.document.section_text(s) for s in sections)
    if len(re.findall(r"\w+", text)) < 3:
        return  # empty: reported by structure/empty-section
    if _has_any(text, opts.get("phrases", [])):
        return
    if any(re.search(p, text, re.I) for p in opts.get("regex", [])):
        return
    if opts.get("times_count") and len(find_times(text)) >= 2:
        return
    yield _heading_hit(sections[0], {"fact": opts.get("fact", "")})


def _timeline_items(analysis: Analysis) -> list[tuple[Section, list]]:
    doc = analysis.document
    return [(s, doc.items(s)) for s in doc.of_kind("timeline")]


@check("timeline_timestamps")
def timeline_timestamps(analysis: Analysis, rule: Rule, ctx: Context) -> Iterator[Hit]:
    """Timeline entries (bullets and table rows) that carry no time."""
    for section, items in _timeline_items(analysis):
        body = analysis.document.section_text(section)
        if any(find_times(h) for h in re.findall(r"(?m)^ {0,3}#{1,6}[ \t]+(.+)$", body)):
            continue  # entries sit under timed sub-headings ("### 14:43")
        entries = [i for i in items if i.bullet or i.text.count(" ") > 2]
        timed = [i for i in entries if find_times(i.text)]
        if entries and not timed:
            yield _heading_hit(section, {"entry": "the whole timeline"})
            continue
        for item in entries:
            line_start = analysis.text.rfind("\n", 0, item.start) + 1
            if analysis.text[line_start : line_start + 2].isspace():
                continue  # an indented sub-bullet continues the entry above it
            if (
                item.bullet
                and not find_times(item.text)
                and not _has_any(item.text, rule.match.options.get("continuation", []))
            ):
                yield Hit(item.start, item.end, {"entry": item.text[:60]})


@check("timeline_order")
def timeline_order(analysis: Analysis, rule: Rule, ctx: Context) -> Iterator[Hit]:
    """A timeline entry whose time is earlier than the entry before it.

    Dates are carried forward from entries that give one; a time-only entry more than
    12 hours before its predecessor is taken to have rolled past midnight.
    """
    utc = zone_info("UTC")
    for _section, items in _timeline_items(analysis):
        last: datetime | None = None
        day = date(2000, 1, 1)
        for item in items:
            times = find_times(item.text[:40])
            if not times:
                written = find_date(item.text[:40])
                parsed = resolve_date(written) if written else None
                if parsed is not None:  # a date line ("**May 22**") starts a new day
                    day, last = parsed, None
                continue
            mention = times[0]
            stamp = resolve(mention, None if mention.date else day, utc)
            if stamp is None:
                continue
            if last is not None and stamp < last:
                if mention.date is None and (last - stamp) > timedelta(hours=12):
                    stamp += timedelta(days=1)
                else:
                    yield Hit(
                        item.start + mention.start,
                        item.start + mention.end,
                        {"previous": last.strftime("%H:%M")},
                    )
            day = stamp.date()
            last = stamp


@check("timeline_zone")
def timeline_zone(analysis: Analysis, rule: Rule, ctx: Context) -> Iterator[Hit]:
    """The timeline has times but no time zone anywhere (entries, heading or a statement)."""
    doc = analysis.document
    if zone_statement(doc.text):
        return
    for section, items in _timeline_items(analysis):
        if section.heading and zone_statement(f"timeline {section.heading}"):
            continue
        mentions = [(item, t) for item in items for t in find_times(item.text)]
        if mentions and not any(t.has_zone for _, t in mentions):
            item, first = mentions[0]
            yield Hit(item.start + first.start, item.start + first.end, {"time": first.text})


@check("timeline_event")
def timeline_event(analysis: Analysis, rule: Rule, ctx: Context) -> Iterator[Hit]:
    """The timeline names no event of a kind (detection, resolution) in its entries."""
    opts = rule.match.options
    for section, items in _timeline_items(analysis):
        if len(items) < 2:
            continue
        if not any(_has_any(i.text, opts["phrases"]) for i in items):
            yield _heading_hit(section, {"event": opts.get("event", "")})
