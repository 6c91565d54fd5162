"""Raw incident notes to messages: chat logs, ISO logs, Slack exports, markdown and prose.

Every message keeps its source name and 1-based line number, so each fact extracted later
can point back at the line it came from. Times become aware UTC datetimes when a zone is
known (on the line, stated once in the notes, or given with ``--timezone``) and stay naive
otherwise; nothing is silently presented as UTC. Problems found while reading times
(no zone, ambiguous dates, times running backwards) are collected as ``warnings``.
"""

from __future__ import annotations

import json
import re
from dataclasses import dataclass, field
from datetime import UTC, date, datetime, timedelta, tzinfo

from .reading import InputError, Source
from .times import (
    _MONTH,
    _ZONE_ALT,
    clock_time,
    combine,
    find_dates,
    find_times,
    has_ampm,
    zone_info,
    zone_statement,
)

#: Stand-in day for notes that give clock times but no date (never shown).
UNDATED = date(1970, 1, 1)
SHAPES = ("slack", "chat", "ic-log", "iso-log", "month-chat", "markdown", "plain")

_CLOCK = r"\d{1,2}:\d{2}(?::\d{2})?(?:\s*[AaPp]\.?[Mm]\.?)?"
_ZONE = rf"(?:{_ZONE_ALT}|Z|[+-]\d{{2}}:?\d{{2}})"
_AUTHOR = r"[\w.@-]{1,40}(?: \([^)]{1,30}\))?"
#: One regular expression per chat shape: ``time``, optional ``author``, ``text``.
LINE_SHAPES: dict[str, re.Pattern[str]] = {
    "chat": re.compile(
        rf"^\s*\[(?P<time>(?:\d{{4}}-\d{{2}}-\d{{2}}[ T])?{_CLOCK}(?:\s*{_ZONE})?)\]\s*"
        rf"(?:<?(?P<author>{_AUTHOR})>?:?\s+)?(?P<text>.*)$"
    ),
    "iso-log": re.compile(
        r"^\s*(?P<time>\d{4}-\d{2}-\d{2}[T ]\d{2}:\d{2}(?::\d{2}(?:\.\d+)?)?"
        r"(?:Z|[+-]\d{2}:?\d{2})?)\s+(?:(?P<author>[\w.@-]{1,40}):\s+)?(?P<text>.*)$"
    ),
    "month-chat": re.compile(
        rf"^\s*(?P<time>{_MONTH}\s+\d{{1,2}},?\s+(?:\d{{4}},?\s+)?{_CLOCK}(?:\s*{_ZONE})?)"
        rf"\s+(?:(?P<author>{_AUTHOR}):\s+)?(?P<text>.*)$",
        re.I,
    ),
    "ic-log": re.compile(
        rf"^\s*(?P<time>{_CLOCK}(?:\s*{_ZONE})?)\s*[-–—|:]\s+"
        rf"(?:(?P<author>[\w.@-]{{1,30}}):\s+)?(?P<text>.*)$"
    ),
}
#: A time at the start of a bullet or line in notes: "- **14:05** text", "* 10:02 — text".
LEADING_TIME = re.compile(
    rf"^\s*(?:[-*+•]|\d{{1,2}}[.)])?\s*(?:\*\*|__)?(?P<time>{_CLOCK}(?:\s*{_ZONE})?)"
    rf"(?:\*\*|__)?\s*(?:[-–—:|]\s*)?(?P<text>\S.*)$"
)
BULLET = re.compile(r"^\s*(?:[-*+•]|\d{1,3}[.)]|\[[ xX]\])\s+(?:\[[ xX]\]\s+)?")
HEADING = re.compile(r"^\s*(?:#{1,6}\s+(?P<atx>.+?)\s*#*|(?P<plain>[A-Za-z][\w '&/-]{2,40}):?)$")
_SENTENCE_END = re.compile(r"(?<=[.!?])\s+(?=[A-Z\"'(])")


@dataclass
class Message:
    """One unit of the notes: a chat message, a bullet, a line or a prose sentence."""

    text: str
    line: int
    source: str = "<text>"
    time: datetime | None = None  # aware UTC, or naive local when the zone is unknown
    author: str | None = None
    time_text: str | None = None  # the timestamp as written
    section: str | None = None  # the heading or header line above it, lower-cased
    bullet: bool = False
    paragraph: int = 0
    inline: list[tuple[int, str, datetime]] = field(
        default_factory=list
    )  # (offset, as written, time)

    @property
    def ref(self) -> str:
        """``file:line`` of the message."""
        return f"{self.source}:{self.line}"


@dataclass
class Notes:
    """Messages of one or several sources, with the shape and the zone used."""

    messages: list[Message]
    shape: str
    zone: str | None  # IANA name or abbreviation used for zone-less times; None = unknown
    warnings: list[str] = field(default_factory=list)
    day: date | None = None

    @property
    def zone_known(self) -> bool:
        return self.zone is not None or any(
            m.time is not None and m.time.tzinfo is not None for m in self.messages
        )


def detect_shape(text: str) -> str:
    """The shape of the notes: a chat/log shape when most lines fit one, else markdown/plain."""
    stripped = text.lstrip()
    if stripped.startswith(("[", "{")) and stripped.rstrip().endswith(("]", "}")):
        try:
            data = json.loads(stripped)
        except ValueError:
            data = None
        if isinstance(data, list | dict):
            return "slack"
    lines = [ln for ln in text.split("\n") if ln.strip()]
    if not lines:
        return "plain"
    counts = {k: sum(1 for ln in lines if p.match(ln)) for k, p in LINE_SHAPES.items()}
    best = max(counts, key=lambda k: counts[k])
    if counts[best] >= 1 and counts[best] >= 0.4 * len(lines):
        return best
    if any(re.match(r"^\s{0,3}#{1,6}\s", ln) for ln in lines) or sum(
        1 for ln in lines if BULLET.match(ln)
    ) >= 0.3 * len(lines):
        return "markdown"
    return "plain"


def _shape_of(source: Source) -> str:
    """A ``.json`` file is a Slack export (so malformed JSON is an error, not prose)."""
    return "slack" if source.name.lower().endswith(".json") else detect_shape(source.text)


def _slack_messages(source: Source) -> list[Message]:
    """Messages of a Slack channel export (a JSON list of objects with ts, user, text)."""
    try:
        data = json.loads(source.text)
    except json.JSONDecodeError as err:
        raise InputError(
            f"{source.name}: malformed Slack JSON at line {err.lineno}, column {err.colno}: "
            f"{err.msg}"
        ) from None
    if isinstance(data, dict):
        data = data.get("messages", data.get("items"))
    if not isinstance(data, list):
        raise InputError(f"{source.name}: Slack export must be a JSON list of messages")
    out = []
    needle = 0
    for i, item in enumerate(data):
        if not isinstance(item, dict) or "text" not in item:
            raise InputError(f"{source.name}: Slack message {i + 1} has no 'text' field")
        text = str(item.get("text") or "").strip()
        stamp = None
        if item.get("ts") is not None:
            try:
                stamp = datetime.fromtimestamp(float(item["ts"]), UTC).replace(microsecond=0)
            except (TypeError, ValueError, OverflowError):
                raise InputError(
                    f"{source.name}: Slack message {i + 1} has a bad 'ts' value {item['ts']!r}"
                ) from None
        pos = source.text.find(json.dumps(text)[1:-1][:30], needle) if text else -1
        if pos >= 0:
            needle = pos
        line = source.text.count("\n", 0, max(needle, 0)) + 1
        if not text or item.get("subtype") in {"channel_join", "channel_leave"}:
            continue
        author = item.get("user_name") or item.get("user") or item.get("username")
        out.append(Message(text, line, source.name, stamp, author, item.get("ts")))
    return out


def _split_prose(text: str) -> list[str]:
    """Sentences of a prose line (a cheap splitter; spaCy is not needed at this grain)."""
    return [s.strip() for s in _SENTENCE_END.split(text) if s.strip()]


def _section_of(line: str) -> str | None:
    m = HEADING.match(line)
    if not m:
        return None
    head = (m.group("atx") or m.group("plain") or "").strip().strip("*_ :").lower()
    if m.group("plain") and len(head.split()) > 5:
        return None
    return head or None


def _lines(source: Source, shape: str) -> list[Message]:
    """Messages of a text source: chat lines by their shape, other lines by bullets/prose."""
    pattern = LINE_SHAPES.get(shape)
    out: list[Message] = []
    section: str | None = None
    paragraph = 0
    prose: list[tuple[int, str]] = []

    def flush() -> None:
        if not prose:
            return
        first = prose[0][0]
        joined = " ".join(t for _, t in prose)
        for sent in _split_prose(joined):
            out.append(Message(sent, first, source.name, section=section, paragraph=paragraph))
        prose.clear()

    for number, raw in enumerate(source.text.split("\n"), 1):
        if not raw.strip():
            flush()
            paragraph += 1
            continue
        m = pattern.match(raw) if pattern else None
        if m:
            flush()
            author = (m.group("author") or "").strip() or None
            out.append(
                Message(
                    m.group("text").strip(),
                    number,
                    source.name,
                    None,
                    author,
                    m.group("time").strip(),
                    section,
                    paragraph=paragraph,
                )
            )
            continue
        if raw.strip().startswith("```") or set(raw.strip()) <= set("-=_*|: "):
            flush()
            continue
        head = _section_of(raw) if not BULLET.match(raw) else None
        if head is not None and (raw.lstrip().startswith("#") or not raw.strip().endswith(".")):
            flush()
            section = head
            paragraph += 1
            out.append(
                Message(
                    raw.strip().lstrip("#").strip(),
                    number,
                    source.name,
                    section=section,
                    paragraph=paragraph,
                )
            )
            out[-1].author = "#heading"
            continue
        lead = LEADING_TIME.match(raw)
        if lead and find_times(lead.group("time")):
            flush()
            out.append(
                Message(
                    lead.group("text").strip(),
                    number,
                    source.name,
                    time_text=lead.group("time").strip(),
                    section=section,
                    bullet=True,
                    paragraph=paragraph,
                )
            )
        elif BULLET.match(raw):
            flush()
            body = BULLET.sub("", raw, count=1).strip()
            out.append(
                Message(
                    body, number, source.name, section=section, bullet=True, paragraph=paragraph
                )
            )
        else:
            prose.append((number, raw.strip()))
    flush()
    for msg in out:
        msg.text = re.sub(r"(\*\*|__)(.+?)\1", r"\2", msg.text).strip()
    return out


def _first_date(text: str) -> date | None:
    dates = [d for d in find_dates(text[:4000]) if d.has_year]
    return dates[0].value if dates else None


def _stated_zone(text: str, default: str | None) -> str | None:
    stated = zone_statement(text)
    if stated is None:
        m = re.search(rf"\b(?:in|are|all)\s+(?P<z>{_ZONE_ALT})\b", text[:3000])
        stated = m.group("z") if m else None
    return stated or default


def _resolve(
    msg: Message, day: date | None, zone: tzinfo | None, warnings: list[str]
) -> tuple[date | None, tzinfo | None]:
    """Set ``msg.time`` from its written timestamp; return the date and zone it used."""
    if not msg.time_text:
        return day, zone
    written = msg.time_text
    dates = find_dates(written, default_year=day.year if day else None)
    if dates:
        if dates[0].ambiguous:
            warnings.append(f"{msg.ref}: date {dates[0].text!r} could be day/month or month/day")
        day = dates[0].value
    mentions = find_times(written)
    own_zone = zone_info(mentions[0].zone) if mentions and mentions[0].zone else None
    if "T" in written and re.search(r"(Z|[+-]\d{2}:?\d{2})$", written):
        own_zone = zone_info("UTC") if written.endswith("Z") else zone_info(written[-6:])
        clock = written.split("T", 1)[1]
    else:
        clock = mentions[0].clock if mentions else written
    hms = clock_time(clock)
    if hms is None or day is None:
        return day, own_zone or zone
    msg.time = combine(day, hms, own_zone or zone)
    return day, own_zone or zone


def _inline_times(msg: Message, zone: tzinfo | None, day: date | None) -> None:
    """Clock times written inside a message, resolved against the message's own time."""
    text = msg.text
    found = find_times(text)
    if not found or day is None:
        return
    ref = msg.time
    pm_hint = any(has_ampm(t.clock) for t in found)
    for i, t in enumerate(found):
        if msg.time_text is None and i == 0 and t.start < 3:
            continue
        hms = clock_time(t.clock)
        if hms is None:
            continue
        zone_here = zone_info(t.zone) if t.zone else zone
        stamp = combine(day, hms, zone_here)
        if not has_ampm(t.clock) and hms[0] < 12 and (pm_hint or _is_pm(ref, zone_here)):
            later = combine(day, (hms[0] + 12, hms[1], hms[2]), zone_here)
            if ref is None or later <= _same_kind(ref, later) + timedelta(minutes=5):
                stamp = later
        ahead = stamp - _same_kind(ref, stamp) if ref is not None else timedelta(0)
        if ahead > timedelta(minutes=10) and (
            re.search(r"\byesterday\b", text, re.I) or ahead > timedelta(hours=1)
        ):
            stamp -= timedelta(days=1)
        msg.inline.append((t.start, t.text, stamp))


def _same_kind(ref: datetime, other: datetime) -> datetime:
    """``ref`` made comparable with ``other`` (both aware or both naive)."""
    if (ref.tzinfo is None) == (other.tzinfo is None):
        return ref
    return ref.replace(tzinfo=None) if other.tzinfo is None else ref.replace(tzinfo=UTC)


def _is_pm(ref: datetime | None, zone: tzinfo | None) -> bool:
    if ref is None:
        return False
    local = ref.astimezone(zone) if zone is not None and ref.tzinfo else ref
    return local.hour >= 12


def parse_notes(
    sources: list[Source], *, timezone: str | None = None, input_format: str | None = None
) -> Notes:
    """Read notes into ordered messages with resolved times and warnings."""
    if input_format and input_format not in SHAPES:
        raise InputError(f"unknown input format {input_format!r} (one of {', '.join(SHAPES)})")
    default_zone = None
    if timezone:
        default_zone = zone_info(timezone)
        if default_zone is None:
            raise InputError(
                f"unknown time zone {timezone!r} (use an IANA name like Europe/Berlin)"
            )
    messages: list[Message] = []
    warnings: list[str] = []
    shapes = []
    first_day: date | None = None
    zone_used: str | None = None
    for source in sources:
        shape = input_format or _shape_of(source)
        shapes.append(shape)
        if shape == "slack":
            slack = _slack_messages(source)
            for msg in slack:
                if msg.time is not None:
                    _inline_times(
                        msg,
                        zone_info(_stated_zone(source.text, timezone) or "UTC"),
                        msg.time.date(),
                    )
            messages.extend(slack)
            if zone_used is None:
                zone_used = "UTC"
            continue
        stated = _stated_zone(source.text, timezone)
        zone_used = zone_used or stated
        zone = zone_info(stated) if stated else default_zone
        day = _first_date(source.text)
        if day is None:
            day = UNDATED
            lines = source.text.split("\n")
            if any(
                LEADING_TIME.match(ln) or any(p.match(ln) for p in LINE_SHAPES.values())
                for ln in lines
            ):
                warnings.append(
                    f"{source.name}: the notes give no date; times are shown without one"
                )
        msgs = _lines(source, shape)
        if shape in LINE_SHAPES and not any(
            LINE_SHAPES[shape].match(ln) for ln in source.text.split("\n")
        ):
            raise InputError(f"{source.name}: no line has the {shape!r} shape")
        last: datetime | None = None
        for msg in msgs:
            before = day
            day, line_zone = _resolve(msg, day, zone, warnings)
            if msg.time is not None and line_zone is not None and zone_used is None:
                zone_used = "written on the lines"
            if msg.time is not None and last is not None and msg.time < _same_kind(last, msg.time):
                gap = _same_kind(last, msg.time) - msg.time
                if (
                    gap > timedelta(hours=12)
                    and before == day
                    and msg.time_text
                    and not find_dates(msg.time_text)
                ):
                    msg.time += timedelta(days=1)
                    day = (day or msg.time.date()) + timedelta(days=1)
                elif msg.time_text and LINE_SHAPES.get(shape) is not None:
                    warnings.append(
                        f"{msg.ref}: time {msg.time_text} is earlier than the message before it; "
                        "check the order"
                    )
            if msg.time is not None:
                last = msg.time
            _inline_times(msg, line_zone or zone, day)
        first_day = first_day or _first_date(source.text)
        messages.extend(msgs)
    for msg in messages:
        if msg.source and msg.time is None and msg.time_text:
            warnings.append(f"{msg.ref}: time {msg.time_text!r} has no date; give one in the notes")
    shape = shapes[0] if len(set(shapes)) == 1 else "mixed"
    notes = Notes(messages, shape, zone_used, warnings, first_day)
    has_times = any(m.time is not None or m.inline for m in messages)
    if has_times and not notes.zone_known:
        warnings.append(
            "the notes give clock times but no time zone: times are shown as local times; "
            "pass --timezone to convert them"
        )
    return notes
