"""Raw incident notes to messages: chat logs, ISO logs, Slack (``slack.py``), email threads,
issue-tracker threads, wiki timelines, markdown and prose.

Timeline shapes are read as real timelines write them: table rows, stamped bullets, time
headers with prose under them, ``key: time`` lines, date-only lines that carry the date
forward, and entries wrapped over several lines (joined; ``last_line`` says where they end).
Every message keeps its source name and 1-based line number in the input file, so each fact
extracted later can point back at the line it came from. Times become aware UTC datetimes
when a zone is known (written on the time, given with ``--timezone``, stated for the notes,
or written on other times of the same notes) and stay naive otherwise; nothing is silently
presented as UTC. Problems found while reading times (no zone, mixed zones, ambiguous dates,
times running backwards) are collected as ``warnings``.
"""

from __future__ import annotations

import csv
import html
import io
import json
import re
from bisect import bisect_right
from dataclasses import dataclass, field
from datetime import UTC, date, datetime, timedelta, tzinfo
from itertools import pairwise

from .reading import InputError, Source
from .times import (
    _DATE,
    _MONTH,
    _WEEKDAY,
    _WEEKDAY_NAME,
    _WEEKDAYS,
    _ZONE_ALT,
    LEADING_STAMP,
    TIMESTAMP,
    TRAILING_STAMP,
    clock_time,
    combine,
    day_first,
    find_dates,
    find_times,
    has_ampm,
    other_fold,
    stamp_has_clock,
    stamp_text,
    stated_ist,
    written_zones,
    zone_info,
    zone_key,
    zone_statement,
)

#: Stand-in day for notes that give clock times but no date (never shown).
UNDATED = date(1970, 1, 1)
SHAPES = (
    "slack", "chat", "irc", "ic-log", "tab-log", "iso-log", "month-chat", "whatsapp", "zoom-chat",
    "kakao", "transcript", "name-chat", "csv", "markdown", "plain",
)  # fmt: skip

_CLOCK = r"\d{1,2}:\d{2}(?::\d{2})?(?:\s*[AaPp]\.?[Mm]\.?)?"
_ZONE = rf"(?:(?:UTC|GMT)\s?[+-]\d{{1,2}}(?::?\d{{2}})?|{_ZONE_ALT}|Z|[+-]\d{{2}}:?\d{{2}})"
_AUTHOR = r"[\w.@-]{1,40}(?: \([^)]{1,30}\))?"
#: Lower-case words inside people's names: "Marloes de Vries", "Jan van der Berg".
_NAME_PARTICLE = r"(?:de|van|der|den|von|da|di|du|del|della|dos|das|le|la|bin|ibn|al|ter|ten|zu)"
#: One regular expression per chat shape: ``time``, optional ``author``, ``text``.
LINE_SHAPES: dict[str, re.Pattern[str]] = {
    "chat": re.compile(
        rf"^\s*\[(?P<time>(?:\d{{4}}-\d{{2}}-\d{{2}}[ T]|\d{{1,2}}/\d{{1,2}}/\d{{2,4}},?\s+"
        rf"|(?i:{_MONTH})\s+\d{{1,2}},?\s+(?:\d{{4}},?\s+)?)?"
        rf"{_CLOCK}(?:\s*{_ZONE})?"
        # WhatsApp's copy puts the date after the time: "[23:40, 13/11/2025] Marco: .."
        r"(?:,\s+\d{1,2}/\d{1,2}/\d{2,4})?)\]\s*"
        # "[06/03/2025 14:10:33] Deepa Sharma: text": a name of several words ends in a colon
        # (with "de", "van der" ... between: "Marloes de Vries")
        rf"(?:<?(?P<author>[A-Z][\w.'-]+(?: (?:{_NAME_PARTICLE} )*[A-Z][\w.'-]+){{1,3}}(?=:)|"
        rf"{_AUTHOR})>?:?\s+)?"
        r"(?P<text>.*)$"
    ),
    # irssi / ZNC logs and plain chat copies: "13:41:17 <naledi> text", "09:02 <@ops> text"
    "irc": re.compile(
        rf"^\s*(?P<time>{_CLOCK}(?:\s*{_ZONE})?)\s+<[@+%~&]?(?P<author>[^<>\s]{{1,40}})>\s+"
        r"(?P<text>.*)$"
    ),
    # WeeChat / irssi logs with tab separators: "2024-07-09 23:52:10<TAB>nick<TAB>text"
    # ("-->", "<--", "--" in the nick column are joins, parts and server notices)
    "tab-log": re.compile(
        r"^(?P<time>\d{4}-\d{2}-\d{2}[ T]\d{1,2}:\d{2}(?::\d{2})?)\t+"
        r"[@+%]?(?P<author>[^\t]{1,40})\t+(?P<text>.*)$"
    ),
    "iso-log": re.compile(
        r"^\s*(?P<time>\d{4}-\d{2}-\d{2}[T ]\d{2}:\d{2}(?::\d{2}(?:\.\d+)?)?"
        rf"(?:Z|[+-]\d{{2}}:?\d{{2}}|\s+(?:{_ZONE_ALT})\b)?)\s+(?:\|\s+)?"
        r"(?:(?:FROM|TO)\s+)?(?:(?P<author>[\w.@-]{1,40}):\s+)?(?P<text>.*)$"
    ),
    # WhatsApp's "Export chat": "12/03/2024, 20:40 - Marta Gil: text" (system lines have no
    # author: "12/03/2024, 18:20 - Pablo changed the group description"); Element's plain-text
    # export writes "2024-01-23, 22:41:05 - Jonas Weber: text"
    "whatsapp": re.compile(
        rf"^\s*(?P<time>(?:\d{{1,2}}[/.]\d{{1,2}}[/.]\d{{2,4}}|\d{{4}}-\d{{2}}-\d{{2}}),?\s+{_CLOCK})"
        r"\s+[-–]\s+"
        r"(?:(?P<author>[^:\n]{1,40}?):\s+)?(?P<text>.*)$"
    ),
    # Zoom's saved meeting chat: "14:05:22 From Jane Doe to Everyone:" (the message follows,
    # on the same line or tab-indented on the next)
    "zoom-chat": re.compile(
        rf"^\s*(?P<time>{_CLOCK})\s+From\s+(?P<author>[^:\n]{{1,40}}?)\s+to\s+"
        r"(?:Everyone|[^:\n]{1,40}?)(?:\s*\((?:direct message|privately)\))?\s*:\s*(?P<text>.*)$",
        re.I,
    ),
    # KakaoTalk's export: "[Jiwoo Han] [9:48 PM] text" (the author first, each day under a
    # "--------------- Saturday, January 17, 2026 ---------------" line)
    "kakao": re.compile(
        rf"^\s*\[(?P<author>[^\[\]\n:]{{1,40}})\]\s+\[(?P<time>{_CLOCK})\]\s+(?P<text>.*)$"
    ),
    # a meeting transcript, "00:19:02 Dev Patel: text" (Zoom's .txt; WebVTT cues become this)
    "transcript": re.compile(
        r"^\s*(?P<time>\d{1,2}:\d{2}:\d{2})\s+"
        r"(?P<author>[A-Z][\w.'-]{0,30}(?: [A-Z][\w.'-]{0,30}){0,3}):\s+(?P<text>.*)$"
    ),
    # a plain chat copy without seconds: "12:24 Grace Liu: text", "11:30 deploy-bot: text"
    # (a name of several capitalised words, or a lower-case handle; "09:14 Impact: ..." is not)
    "name-chat": re.compile(
        rf"^\s*(?P<time>{_CLOCK}(?:\s*{_ZONE})?)\s+"
        r"(?P<author>[A-Z][\w.'-]{0,30}(?: [A-Z][\w.'-]{0,30}){1,3}|[a-z][\w.-]{1,30}):\s+"
        r"(?P<text>.*)$"
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
BULLET = re.compile(r"^\s*(?:[-*+•]|\d{1,3}[.)]|\[[ xX]\])\s+(?:\[[ xX]\]\s+)?")
#: An unstamped line that opens a new remark by someone ("-- meera: rollback changed nothing",
#: "// arjun: worker verifies ..."), not the continuation of the message above it.
SPEAKER_NOTE = re.compile(r"^(?:--|//)\s*([A-Za-z][\w.-]{1,24}):\s+(?=\S)")
#: A shell-style comment by someone in a log ("# oncall: 03:19 paged, ..."): one ``#``, a
#: lower-case handle and a colon, then at least two words; a heading ("# Incident: DNS") has
#: a capital.
HASH_REMARK = re.compile(r"^#[ \t]*[a-z][\w.-]{1,24}:[ \t]+\S+[ \t]+\S")
HEADING = re.compile(
    r"^\s*(?:#{1,6}\s+(?P<atx>.+?)\s*#*|(?P<plain>[A-Za-z][\w '&/-]{2,40})"
    r"(?:\s*\([^()\n]{1,40}\):|:?))$"  # "impact (from the support inbox):"
)
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
    last_line: int | None = None  # last input line of an entry wrapped over several lines
    time_line: int | None = None  # line the time was written on, when taken from a time header
    day: date | None = None  # the calendar day the message falls on, when known
    block: int = 0  # the email of a thread (or Slack thread) the message belongs to
    #: the time of the email the message is in (its ``Date:``/``Sent:`` header), when the
    #: message has none of its own: when an "All clear, closing INC-4470." was at the latest
    sent: datetime | None = None

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
    if _csv_columns(text) is not None:
        return "csv"
    counts = {k: sum(1 for ln in lines if p.match(ln)) for k, p in LINE_SHAPES.items()}
    best = max(counts, key=lambda k: counts[k])
    # indented lines continue a message, and so do lines right under a message's first line
    # (a speaker header "[9:34 AM] Okafor, Chidi" over its message lines)
    raw = text.split("\n")
    heads = [
        ln
        for k, ln in enumerate(raw)
        if ln.strip()
        and not ln[:1].isspace()
        and (k == 0 or not raw[k - 1].strip() or LINE_SHAPES[best].match(ln))
    ]
    if counts[best] >= 1 and counts[best] >= 0.4 * len(heads):
        return best
    if any(re.match(r"^\s{0,3}#{1,6}\s", ln) for ln in lines) or sum(
        1 for ln in lines if BULLET.match(ln)
    ) >= 0.3 * len(lines):
        return "markdown"
    return "plain"


_TIME_COLUMN = re.compile(r"\b(?:time|date|timestamp|when|at)\b", re.I)
_WHO_COLUMN = re.compile(r"\b(?:who|author|user|by|person|name|owner|from)\b", re.I)
_TEXT_COLUMN = re.compile(r"\b(?:what|event|description|message|note|notes|text|details?)\b", re.I)
#: A column of remarks someone typed beside exported rows: "notes (Ines, added after export)".
_NOTE_COLUMN = re.compile(r"^\W*(?:notes?|comments?|remarks?|annotations?)\b", re.I)


@dataclass(frozen=True)
class _Columns:
    """Where a spreadsheet timeline keeps its time(s), author and event text."""

    time: list[int]
    who: int | None
    what: int
    zone: str | None  # a zone in the time column's header ("time (AEDT)"): the notes' zone
    notes: tuple[int, ...] = ()  # columns of remarks typed beside the event ("notes (Ines)")


def _csv_columns(text: str) -> _Columns | None:
    """The columns of a spreadsheet timeline exported as CSV (``time,who,what`` with quoted
    fields), or None when the text is not one: a header row with a time column and at least
    three columns, and most rows with as many cells (read by the ``csv`` module)."""
    head = text.lstrip("\ufeff").split("\n", 1)[0]
    if head.count(",") < 2 or len(head) > 300:
        return None
    header = next(csv.reader([head]))
    times = [i for i, c in enumerate(header) if _TIME_COLUMN.search(c) and len(c) <= 40]
    if not times or len(header) < 3:
        return None
    body = _csv_tail(text, times[0])[0]  # the rows, without text typed under them
    rows = [r for r in csv.reader(io.StringIO(body)) if any(c.strip() for c in r)][1:]
    if not rows or sum(len(r) == len(header) for r in rows) < 0.8 * len(rows):
        return None
    def short(i: int) -> bool:  # people's names, not a Notion page title ("Name" column)
        cells = [r[i] for r in rows if i < len(r) and r[i].strip()]
        return bool(cells) and sum(len(c) for c in cells) <= 30 * len(cells)

    who = next(
        (
            i
            for i, c in enumerate(header)
            if _WHO_COLUMN.search(c) and i not in times and not _NOTE_COLUMN.match(c) and short(i)
        ),
        None,
    )
    rest = [i for i in range(len(header)) if i not in times and i != who]
    if not rest:
        return None
    named = [i for i in rest if _TEXT_COLUMN.search(header[i])]
    width = {i: sum(len(r[i]) for r in rows if i < len(r)) for i in rest}
    what = named[0] if named else max(rest, key=lambda i: width[i])
    zone = re.search(rf"\(\s*({_ZONE})\s*\)", header[times[0]])
    notes = tuple(i for i in rest if i != what and _NOTE_COLUMN.match(header[i]))
    return _Columns(times[:2], who, what, zone.group(1) if zone else None, notes)


def _csv_tail(text: str, time_column: int) -> tuple[str, str]:
    """A CSV export and the text typed under it ("SUMMARY (Marcus, typed under the export)"):
    the rows end at a blank line whose next line's time cell holds no time or date. The text
    after keeps its line numbers (the rows' lines are blank in it)."""
    lines = text.split("\n")
    for i in range(1, len(lines)):
        if lines[i].strip():
            continue
        nxt = next((j for j in range(i + 1, len(lines)) if lines[j].strip()), None)
        if nxt is None:
            break
        row = next(csv.reader([lines[nxt]]), [])
        cell = row[time_column] if len(row) > time_column else ""
        if not find_times(cell) and not find_dates(cell):
            return "\n".join(lines[:i]), "\n" * i + "\n".join(lines[i:])
    return text, ""


def _csv_messages(source: Source, columns: _Columns) -> list[Message]:
    """One message per data row of a CSV timeline, on the input line where its row starts."""
    out: list[Message] = []
    reader = csv.reader(io.StringIO(source.text.lstrip("\ufeff")))
    line = 1
    for n, row in enumerate(reader):
        start, line = line, reader.line_num + 1
        if n == 0 or not any(c.strip() for c in row) or columns.what >= len(row):
            continue
        stamp = " ".join(row[i].strip() for i in columns.time if i < len(row)).strip()
        who = row[columns.who].strip() if columns.who is not None and columns.who < len(row) else ""
        text = " ".join(row[columns.what].split())
        remarks = [" ".join(row[i].split()) for i in columns.notes if i < len(row)]
        text = " — ".join(t for t in [text, *remarks] if t)
        if text:
            out.append(Message(text, start, source.name, None, who or None, stamp or None))
    return out


def _shape_of(source: Source) -> str:
    """A ``.json`` file is a Slack export (so malformed JSON is an error, not prose)."""
    return "slack" if source.name.lower().endswith(".json") else detect_shape(source.text)


def _split_prose(text: str) -> list[str]:
    """Sentences of a prose line (a cheap splitter; spaCy is not needed at this grain).
    Inline code is never split (`SELECT ... FOR UPDATE`)."""
    out: list[str] = []
    start = 0
    for m in _SENTENCE_END.finditer(text):
        if text.count("`", 0, m.start()) % 2:  # inside backticks
            continue
        out.append(text[start : m.start()])
        start = m.end()
    out.append(text[start:])
    return [s.strip() for s in out if s.strip()]


def _section_of(line: str) -> str | None:
    m = HEADING.match(line)
    if not m:
        return None
    head = (m.group("atx") or m.group("plain") or "").strip().strip("*_ :").lower()
    if m.group("plain") and len(head.split()) > 5:
        return None
    return head or None


#: A status page update as pasted: "Monitoring - A fix has been deployed ...", "**Resolved** -".
STATUS_UPDATE = re.compile(
    r"^\W{0,2}(?:Investigating|Identified|Monitoring|Update|Resolved|Postmortem|Verifying|"
    r"Completed|In progress|Scheduled)\W{0,2}\s+[-–—]\s+\S"
)
_EMAIL_HEADER = re.compile(r"^(?P<key>From|Sent|Date|To|Cc|Subject):\s*(?P<value>.*)$", re.I)
_EMAIL_WROTE = re.compile(r"^On .{5,120} wrote:$|^-{2,}\s*(?:Original|Forwarded) Message", re.I)
#: A comment or status line of an issue tracker used as an incident log:
#: "**dana** commented on Apr 8, 2025, 10:31 AM", "Anna Weber added a comment - 12/Feb/24 9:05 AM".
COMMENT_HEADER = re.compile(
    r"^\s*(?:\*\*|__)?@?(?P<author>[\w.@-]+(?: [A-Z][\w.-]+){0,2})(?:\*\*|__)?\s+"
    r"(?P<verb>commented|added a comment|made changes|replied|wrote|posted an update|"
    r"opened this(?: issue)?"
    r"|opened|closed this(?: issue)?(?: as (?!on\b)\w+)?|reopened this(?: issue)?"
    r"|changed the status(?: to [\w ]{1,20}?)?|resolved this(?: issue)?)"
    r"\s*(?:on|at|-|—|–)?\s*(?P<stamp>.{6,60}?)[\s*_]*$",
    re.I,
)
#: The end of a tracker note header: an optional verb, " · ", the stamp.
_NOTE_TAIL = r"(?:(?P<verb>[^·\s][^·]{1,100}?)\s+)?·\s+(?P<stamp>[^·]{3,40}?)\s*$"
#: A GitLab note: "Sami Korpela @skorpela · Jun 18, 2024 9:24am UTC" over the comment, or a
#: system note on one line ("Tuomas Virtanen @tvirtanen changed the incident status to Resolved
#: · Jun 18, 2024 11:21am UTC"); the stamp may be relative ("2 hours ago", no time).
GITLAB_NOTE = re.compile(
    r"^\s*(?P<author>[A-Z][\w.'-]*(?: [A-Z][\w.'-]*){0,3})\s+@[\w.-]+\s+" + _NOTE_TAIL
)
#: The same copied from the rendered page: the name in bold, system notes after a gear and
#: without the handle ("**Mats Haugland** @mats.haugland · 2024-06-03T10:12:48+02:00",
#: "⚙ **Mats Haugland** merged !991 · 2024-06-03T08:24:15+02:00").
GITLAB_BOLD_NOTE = re.compile(
    r"^\s*(?:[^\w\s*]\s*)?\*\*(?P<author>[A-Z][\w.'-]*(?: [A-Z][\w.'-]*){0,3})\*\*\s+"
    r"(?:@[\w.-]+\s+)?" + _NOTE_TAIL
)
#: A person or app named alone after a chat stamp: "Okafor, Chidi", "Azure Monitor",
#: "Kowalski, Adam (Network)".
SPEAKER_NAME = re.compile(
    r"[A-Z][\w'.-]+(?:, [A-Z][\w'.-]+(?: [A-Z][\w'.-]+)?| [A-Z][\w'.-]+){0,2}"
    r"(?: \([\w &.,-]{1,30}\))?"
)
#: A chat client's speaker line over the message lines: "Ana Souza, 11:12 PM" (Teams),
#: "Ana Souza  23:12" (Google Chat).
SPEAKER_HEADER = re.compile(
    # Zendesk: "Megan Cole (Customer)  Dec 3, 2026, 6:02 AM PST"
    # (not a weekday: Google Chat's "Wed 17:34" under the name line)
    rf"^\s*(?:(?!(?i:{_WEEKDAY})\d)"
    r"(?P<author>[A-Z][\w.'-]+(?: [A-Z][\w.'-]+){0,3})(?: \([\w .-]{1,30}\))?,?|"
    r"(?P<handle>[a-z][\w.-]{1,30})(?:\s+[—–-]|(?=\s{2}))|"  # Mattermost: "alice — 10:02 AM",
    # Rocket.Chat: "ola.mazur  16:41:20"; Slack desktop: "Datadog  APP  10:38 AM", "Deploy Bot
    # APP  17:40"
    r"(?P<app>[\w.-]{2,30}(?: [A-Z][\w.-]{1,30}){0,2})\s{1,4}(?:APP|BOT|Bot)(?:\s+[—–])?)\s{1,4}"
    # Discord: "thabo.dev — Today at 2:31 PM", "Lookout APP — Yesterday at 11:58 PM"; Slack
    # copies with the stamp in brackets: "Tasha Green  [7:38 AM]"
    rf"(?P<bracket>\[)?(?P<stamp>(?:(?i:{_DATE}|today|yesterday),?\s+(?:at\s+)?)?"
    r"\d{1,2}:\d{2}(?::\d{2})?\s*(?:[AaPp]\.?[Mm]\.?)?"
    rf"(?:\s+(?:{_ZONE_ALT}))?)(?(bracket)\])\s*$"
)
#: An entry of an ITSM activity stream (ServiceNow): "2024-02-13 10:57:40 - Priya Raman (Work
#: notes)", "2024-02-13 10:31:40 - Event Management", the entry's text on the lines below.
ACTIVITY_HEADER = re.compile(
    r"^\s*(?P<stamp>\d{4}-\d{2}-\d{2}[ T]\d{1,2}:\d{2}(?::\d{2})?)\s+[-–]\s+"
    r"(?![A-Z]+\s*$)(?P<author>[A-Z][\w.'-]*(?: [A-Z&][\w.'&-]*){0,3})"
    r"(?:\s*\((?:work notes|additional comments|comments?)\))?\s*$",
    re.I,
)
#: An entry of a Jira Service Management activity stream pasted as Markdown, author first:
#: "**Luca Brunner** - 2025-02-11 09:14:07 CET - Internal note", "**System** - 2025-02-14
#: 11:15:30 CET", the entry's text on the lines below.
AUTHOR_ACTIVITY_HEADER = re.compile(
    r"^\s*\*\*(?P<author>[A-Z][\w.'&-]*(?: [\w.'&()-]+){0,4})\*\*\s+[-–—]\s+"
    r"(?P<stamp>\d{4}-\d{2}-\d{2}[ T]\d{1,2}:\d{2}(?::\d{2})?"
    r"(?:\s*(?:[A-Z]{2,5}|[+-]\d{2}:?\d{2}))?)(?:\s+[-–—]\s+[\w ()-]{1,40})?\s*$"
)
#: The nick column of an IRC client's joins, parts and server notices.
_IRC_NOTICES = frozenset({"-->", "<--", "--", "<->", "-!-", "***"})
#: A shell prompt opening a pasted command: "$ kubectl -n signing get pods", "PS C:\\> dir".
SHELL_PROMPT = re.compile(r"^(?:\$|PS [A-Z]:\\[^>]*>|[\w.-]+@[\w.-]+:[~/][^$#]*[$#])\s+\S")
#: A remark typed at a shared terminal's prompt: "noc@jump-02:~$ # (karim) hotline transfers
#: a call ..." (the name in brackets is the writer).
_PROMPT_REMARK = re.compile(
    r"^(?:\$|[\w.-]+@[\w.-]+:[~/][^$#]*[$#])\s+#+\s*(?:\((?P<who>[^()]{1,30})\)\s*)?(?P<text>\S.*)$"
)
#: A chat log's day line: "--- Thu 3 Dec 2026 ---", "--- Day changed Sun Mar 29 2026".
_DAY_DIVIDER = re.compile(
    r"^\s*[-=~]{2,}\s*(?:Day changed\s+)?(?P<day>[^-=~\s][^\n]{3,48}?)\s*(?:[-=~]{2,}\s*)?$"
)
#: The output of ``date`` in a terminal: "Thu Dec  3 14:26:40 CET 2026"; it times the
#: remarks typed after it.
_DATE_OUTPUT = re.compile(
    r"^\s*(?:Mon|Tue|Wed|Thu|Fri|Sat|Sun)\s+[A-Z][a-z]{2}\s+\d{1,2}\s+\d{1,2}:\d{2}:\d{2}"
    r"(?:\s+[A-Z]{2,5}|\s+[+-]\d{2,4})?\s+\d{4}\s*$"
)
#: A notes bullet ("- 13:01 first OOM ..."), which ends a pasted terminal's output.
_NOTE_BULLET = re.compile(r"^\s*[-*•]\s+\S")
#: Longest line tried as a ``key: time`` or comment header line (they are short; a bound keeps
#: the backtracking regular expressions linear on a hostile multi-megabyte line).
_SHORT = 200
_CHATTY_VERBS = ("commented", "added a comment", "replied", "wrote", "posted")
_PLACEHOLDER = re.compile(r"[-:?xXhHmM\s]*")


#: ``Message.section`` of a monitoring mail's subject line taken as its message.
SUBJECT = "subject"
#: The subject of a monitoring mail: "[FIRING:1] CheckoutReturn404", "PROBLEM: disk full",
#: "[Alerting] join rate", "ALARM: queue age" (not a reply or forward: "RE: [FIRING:1] ...").
_ALERT_SUBJECT = re.compile(
    r"^(?:\[(?:FIRING|ALERT|ALARM|ALERTING|TRIGGERED|PROBLEM|"
    r"CRITICAL|WARNING)\b|(?:FIRING|ALARM|TRIGGERED|PROBLEM|CRITICAL)\s*:)",
    re.I,
)


def is_email(text: str) -> bool:
    """Notes that are an email thread: ``From:`` and ``Sent:``/``Date:`` header lines."""
    head = re.compile(r"^(?:Sent|Date):\s*\S", re.M)
    return bool(re.search(r"^From:\s*\S", text, re.M) and head.search(text))


def _stamp_cell(cell: str) -> str | None:
    """The stamp when a table cell holds only a date and/or time ("2024-03-05 16:06")."""
    bare = cell.strip().strip("*_`~").strip()
    m = LEADING_STAMP.match(bare)
    if m is None or not _PLACEHOLDER.fullmatch(m.group("rest")):
        return None
    return stamp_text(m)


#: A table cell that holds only a weekday: "Sat", "**Sunday**".
_DAY_CELL = re.compile(rf"[*_`\s]*{_WEEKDAY_NAME}\.?[*_`\s]*", re.I)


#: Sections a message opens for itself: its follow-up list, its impact block.
_ENTRY_LIST = re.compile(
    r"\b(?:follow[- ]?ups?|action items?|to ?dos?|next steps|remediation|impact)\b", re.I
)


def _table_cells(line: str) -> list[str]:
    body = line.strip().replace("\\|", "\x00")
    if body.startswith("|"):
        body = body[1:]
    if body.endswith("|"):
        body = body[:-1]
    cells = [c.replace("\x00", "|").strip() for c in body.split("|")]
    return [re.sub(r"\s*<br\s*/?>\s*", " ", c, flags=re.I) for c in cells]  # "a<br>b": a b


#: Slack desktop's copy: "Renee Whitfield  [8:36 AM]", "Datadog  APP  [8:34 AM]".
_SLACK_HEAD = re.compile(
    rf"^(?P<name>\S[^\[\]\n]{{0,40}}?)\s{{2,}}(?:APP\s{{2,}})?\[(?P<time>{_CLOCK})\]\s*$"
)
_BARE_STAMP = re.compile(rf"^\s*\[{_CLOCK}\]\s*$")


def _slack_desktop_heads(lines: list[str]) -> list[str]:
    """Slack desktop's speaker lines in the ``[time] name`` form the chat shape reads: a name
    with its time ("Renee Whitfield  [8:36 AM]"), or a name alone over a "[8:22 AM]" line (the
    name line becomes blank, so line numbers stay)."""
    out = list(lines)
    for i, line in enumerate(out):
        head = _SLACK_HEAD.match(line)
        if head:
            out[i] = f"[{head.group('time')}] {head.group('name').strip()}"
        elif _BARE_STAMP.match(line) and i > 0 and SPEAKER_NAME.fullmatch(out[i - 1].strip()):
            out[i] = f"{line.strip()} {out[i - 1].strip()}"
            out[i - 1] = ""
    return out


_SENTENCE_DONE = re.compile(r"[.!?:;]\W*$")
_MID_SENTENCE = re.compile(
    r"(?:[,(&–—-]|\b(?:and|or|but|the|a|an|to|of|in|on|at|with|for|from))\s*$"
)


def _goes_on(before: str, line: str) -> bool:
    """A line break inside a sentence: the line before ends on a comma, a dash or a little
    word ("... with saved answers," / "71,200 students back ..."), or stops mid-sentence and
    the next line goes on in lower case ("maybe a Jio" / "problem? Asked support ...")."""
    if _MID_SENTENCE.search(before):
        return True
    # "monitoring 21:40 error rate back" under "checkout 502s, paged": a note of its own
    starts_timed = any(t.start < 24 for t in find_times(line))
    return line[:1].islower() and not _SENTENCE_DONE.search(before) and not starts_timed


def _subject_alone(msgs: list[Message]) -> list[Message]:
    """Subject-line alerts (``SUBJECT``) only of mails whose body gives no time of its own: a
    body that times the alert ("Triggered: 06:19:02 UTC") tells it better."""
    timed = {
        m.block
        for m in msgs
        if m.block
        and m.section != SUBJECT
        and m.author != "#heading"
        and (m.time_text or find_times(m.text))
    }
    return [m for m in msgs if m.section != SUBJECT or m.block not in timed]


def _lines(source: Source, shape: str) -> list[Message]:
    """Messages of a text source: chat lines by their shape; timeline entries (table rows,
    stamped bullets, time headers with prose under them, ``key: time`` lines, wrapped lines
    joined to their entry), bullets and prose sentences otherwise."""
    if shape == "csv":
        columns = _csv_columns(source.text)
        if columns is not None:
            rows, after = _csv_tail(source.text, columns.time[0])
            out_rows = _csv_messages(Source(source.name, rows), columns)
            if not after.strip():
                return out_rows
            after_shape = detect_shape(after)
            return out_rows + _lines(
                Source(source.name, after), "markdown" if after_shape == "csv" else after_shape
            )
    pattern = LINE_SHAPES.get(shape)
    email = is_email(source.text)
    out: list[Message] = []
    section: str | None = None
    stream_section: list[str | None] = []  # the section of an activity stream's first entry
    paragraph = 0
    block = 0
    author: str | None = None
    prose: list[tuple[int, str]] = []
    entry: Message | None = None  # the entry a wrapped line continues
    header: tuple[str, int] | None = None  # (time as written, line) of a time header
    table_rows = 0
    in_shell = False  # inside a pasted terminal command's output
    wrapped: dict[int, list[str]] = {}  # id of an entry -> its text and its wrapped lines
    status: set[int] = set()  # ids of a status page's updates

    def inherit(msg: Message) -> Message:
        if header is not None and msg.time_text is None:
            msg.time_text, msg.time_line = header
        msg.block = block
        if msg.author is None:
            msg.author = author
        return msg

    def flush() -> None:
        if not prose:
            return
        joined = " ".join(t for _, t in prose)
        starts, at = [], 0  # offset of each input line in ``joined``
        for _, t in prose:
            starts.append(at)
            at += len(t) + 1
        full, cursor = joined, 0
        who = stamp = None
        remark = SPEAKER_NOTE.match(joined)  # "-- meera: rollback changed nothing"
        if remark:
            who, joined = remark.group(1), joined[remark.end() :]
            lead = LEADING_STAMP.match(joined)  # "-- oncall: 03:44 disabled the cron"
            if lead and stamp_has_clock(lead) and lead.group("rest").strip():
                stamp, joined = stamp_text(lead), lead.group("rest")
        for sent in _split_prose(joined):
            # a sentence keeps the input line it starts on (and says where it ends)
            pos = full.find(sent, cursor)
            pos = cursor if pos < 0 else pos
            cursor = pos + len(sent)
            first = prose[bisect_right(starts, pos) - 1][0]
            end = prose[bisect_right(starts, cursor - 1) - 1][0]
            msg = Message(sent, first, source.name, section=section, paragraph=paragraph)
            msg.author, msg.time_text = who, stamp
            msg.last_line = end if end != first else None
            out.append(inherit(msg))
        prose.clear()

    def add(msg: Message) -> Message:
        out.append(inherit(msg))
        return msg

    in_comment = False
    in_headers = False  # inside an email's header lines (one block per mail)
    mail_sent: str | None = None  # the Sent:/Date: value of the mail being read
    lines = source.text.split("\n")
    if shape == "chat":
        lines = _slack_desktop_heads(lines)
    chat_author: str | None = None  # the author of the last chat message
    for number, raw in enumerate(lines, 1):
        stripped = raw.strip()
        if in_headers and not _EMAIL_HEADER.match(stripped):
            in_headers = False  # a blank line or the body ends a mail's header lines
        if HASH_REMARK.match(raw):  # "# oncall: 03:19 paged": a log's comment, not a heading
            raw = stripped = "-- " + stripped.lstrip("#").strip()
        if not email and stripped.startswith(">"):
            # a tracker comment's body quoted under its "**Hemi** commented · 11 Jun, 09:14"
            # header (Linear, GitHub exports): the comment itself, ">" alone a paragraph break
            if in_comment or (out and out[-1].author == "#heading" and out[-1].time_text):
                in_comment = True
                raw = stripped = stripped.lstrip(">").strip()
        elif stripped:
            in_comment = False
        if not stripped:
            flush()
            paragraph += 1
            entry = None
            table_rows = 0
            continue
        if len(stripped) <= _SHORT and DOC_META.search(stripped):
            flush()  # "Last edited time: October 9, 2024 10:12 AM": the page, not the incident
            entry = None
            continue
        if email:
            mail = _EMAIL_HEADER.match(stripped)
            if stripped.startswith(">") or _EMAIL_WROTE.match(stripped):
                flush()
                entry = None
                continue
            if mail:
                flush()
                entry = None
                key, value = mail.group("key").lower(), mail.group("value").strip()
                if not in_headers:  # a mail's header lines, "Date:" first in a digest
                    block += 1
                    mail_sent = None
                in_headers = True
                if key == "from":
                    header = None
                    if _ENTRY_LIST.search(section or ""):
                        section = None  # the last mail's "Follow-ups:" ends with that mail
                    author = re.sub(r"\s*[<(\[].*$", "", value).strip("\"' ") or None
                elif key in {"sent", "date"} and find_times(value):
                    mail_sent = value
                    msg = add(
                        Message(
                            stripped,
                            number,
                            source.name,
                            time_text=value,
                            section=section,
                            paragraph=paragraph,
                        )
                    )
                    msg.author = "#heading"
                elif key == "subject" and mail_sent and _ALERT_SUBJECT.search(value):
                    # a monitoring mail told by its subject alone: "[FIRING:1] CheckoutReturn404";
                    # its clock times ("last successful sync 13:37") are other moments
                    add(
                        Message(
                            value,
                            number,
                            source.name,
                            time_text=mail_sent,
                            section=SUBJECT,
                            paragraph=paragraph,
                        )
                    )
                elif key == "subject" and not out:
                    add(
                        Message(stripped, number, source.name, section=section, paragraph=paragraph)
                    ).author = "#heading"
                continue
        comment = COMMENT_HEADER.match(raw) if not pattern and len(raw) <= _SHORT else None
        if comment is None and not pattern and len(raw) <= _SHORT and "·" in raw:
            comment = GITLAB_NOTE.match(raw) or GITLAB_BOLD_NOTE.match(raw)
            if comment and not find_times(comment.group("stamp")):
                flush()  # "Heidi Lainela @hlaine · 2 hours ago": a comment with no time
                header, entry, author = None, None, comment.group("author")
                continue
        if comment is None and not pattern and len(raw) <= _SHORT:
            comment = SPEAKER_HEADER.match(raw)  # "Ana Souza, 11:12 PM" (Teams, Google Chat)
        activity = None
        if comment is None and pattern in (None, LINE_SHAPES["iso-log"]) and len(raw) <= _SHORT:
            comment = activity = ACTIVITY_HEADER.match(raw)  # ServiceNow activity stream
        if comment is None and not pattern and len(raw) <= _SHORT:
            comment = activity = AUTHOR_ACTIVITY_HEADER.match(raw)  # Jira Service Management
        if comment and find_times(comment.group("stamp")):
            flush()
            if activity is not None:
                block += 1  # each entry is dated: a stream pasted newest first is put in order
            if not stream_section:
                # a list opened inside the first entry ("Follow-ups:" in the newest mail of a
                # thread) is that entry's, not the document's
                stream_section.append(None if _ENTRY_LIST.search(section or "") else section)
            # "Action items:" / "follow-ups:" inside an entry or a chat message ends with it
            section = stream_section[0]
            stamp = comment.group("stamp").strip()
            header = (stamp, number)
            found = comment.groupdict()
            author = found.get("author") or found.get("handle") or found.get("app")
            verb = "wrote" if activity else (found.get("verb") or "wrote").lower()
            chatty = verb.startswith(_CHATTY_VERBS)
            msg = add(
                Message(
                    stripped
                    if chatty
                    else verb.replace("this issue", "this").replace("this", "the issue"),
                    number,
                    source.name,
                    author=author,
                    time_text=stamp,
                    section=section,
                    paragraph=paragraph,
                )
            )
            if chatty:
                msg.author = "#heading"
            entry = None
            continue
        divider = _DAY_DIVIDER.match(raw)  # "--- Fri 4 Dec 2026 ---", "--- Day changed ..."
        if divider and find_dates(divider.group("day")) and not find_times(divider.group("day")):
            raw = stripped = divider.group("day")
        if _DATE_OUTPUT.match(raw):
            flush()  # "$ date" printed the time: the remarks typed after it have it
            header, entry = (stripped, number), None
            continue
        typed = _PROMPT_REMARK.match(raw)
        if typed:
            flush()
            msg = Message(
                typed.group("text").strip(),
                number,
                source.name,
                author=typed.group("who"),
                section=section,
                paragraph=paragraph,
            )
            entry = add(msg)
            in_shell = True
            continue
        m = pattern.match(raw) if pattern else None
        if m:
            flush()
            text, who = m.group("text").strip(), (m.group("author") or "").strip() or None
            if who in _IRC_NOTICES:
                entry = None  # "-->  x has joined", "--  Topic set by ...": not events
                continue
            bare = who and ":" not in raw[m.end("author") : m.start("text")]
            if bare and SPEAKER_NAME.fullmatch(f"{who} {text}"):
                text, who = f"{who} {text}", None  # "[10:13 AM] Azure Monitor"
            alone = re.fullmatch(r"[\w.@-]{1,32}", text) or SPEAKER_NAME.fullmatch(text)
            if who is None and alone:
                # "[11/14/2024 10:46 PM] kestrel", "[9:26 AM] Kowalski, Adam (Network)" (Teams)
                # over the message lines
                text, who = "", re.sub(r"^([^,]+), (\S+)$", r"\2 \1", text.split(" (")[0])
            elif who is None and not text:
                who = chat_author  # Slack: "[8:39 AM]" alone, the same person's next message
            chat_author = who
            entry = add(
                Message(
                    text,
                    number,
                    source.name,
                    None,
                    who,
                    m.group("time").strip(),
                    section,
                    paragraph=paragraph,
                )
            )
            continue
        if stripped.startswith("```") or set(stripped) <= set("-=_*|: "):
            flush()
            entry = None
            in_shell = in_shell and not stripped.startswith("```")  # a fence ends a terminal
            continue
        if SHELL_PROMPT.match(raw) or (
            in_shell and not stripped.startswith("#") and not _NOTE_BULLET.match(raw)
        ):
            flush()  # a pasted terminal: commands and their output are not events
            entry, in_shell = None, True
            continue
        in_shell = False
        if stripped.startswith("|") or (table_rows and "|" in stripped):
            flush()
            cells = _table_cells(raw)
            stamps = [st for c in cells if (st := _stamp_cell(c))]
            # a Day column beside the Time column ("| Sat | 22:00 MESZ | ..."): the stamp's day
            days = [c for c in cells if _DAY_CELL.fullmatch(c)] if stamps else []
            stamps = days[:1] + stamps
            words = [c for c in cells if c and not _stamp_cell(c) and c not in days[:1]]
            text = " — ".join(words)
            table_rows += 1
            if stamps:
                entry = add(
                    Message(
                        text,
                        number,
                        source.name,
                        time_text=" ".join(stamps),
                        section=section,
                        bullet=True,
                        paragraph=paragraph,
                    )
                )
            elif table_rows == 1:
                entry = None  # the header row ("Time | Event"); its zone is read with the text
            elif cells and not cells[0] and entry is not None and text:
                wrapped.setdefault(id(entry), [entry.text]).append(text)
                entry.last_line = number
            elif text:
                entry = add(
                    Message(
                        text, number, source.name, section=section, bullet=True, paragraph=paragraph
                    )
                )
            continue
        table_rows = 0
        atx = re.match(r"^\s{0,3}#{1,6}\s+(?P<h>.+?)\s*#*$", raw)
        lead = LEADING_STAMP.match(atx.group("h") if atx else raw)
        if lead and not stamp_has_clock(lead) and not find_dates(lead.group("stamp")):
            lead = None
        if (
            entry is not None
            and not atx
            and not lead
            and not BULLET.match(raw)
            and (
                raw[:1].isspace()
                or (
                    entry.author not in (None, "#heading")
                    and bool(pattern)
                    and not SPEAKER_NOTE.match(raw)
                )
                # "> Card payments succeeding again" quoted under "**14:47:09** · Message
                # pinned" (incident.io, Rootly exports): the entry's content
                or (not email and stripped.startswith(">") and entry.time_text is not None)
                # "**14:16** — Ravi: ... maybe a Jio" / "problem? Asked support ...": a timed
                # entry's sentence going on, lower case, on the very next line
                or (
                    entry.time_text is not None
                    and entry.author is None
                    and (entry.last_line or entry.line) == number - 1
                    and _goes_on(lines[number - 2] if number >= 2 else ".", stripped)
                )
            )
        ):  # a wrapped line: indented under its entry, or a chat message going on
            text = stripped.lstrip(">").strip() if stripped.startswith(">") else stripped
            wrapped.setdefault(id(entry), [entry.text]).append(text)
            entry.last_line = number
            continue
        if lead and atx:
            flush()
            rest = lead.group("rest").strip()
            msg = add(
                Message(
                    rest or atx.group("h"),
                    number,
                    source.name,
                    time_text=stamp_text(lead),
                    section=section,
                    paragraph=paragraph,
                )
            )
            header = (stamp_text(lead), number) if stamp_has_clock(lead) else None
            if not rest:
                msg.author = "#heading"
            entry = None
            continue
        title = _section_of(raw) if not BULLET.match(raw) and not lead else None
        if title and author and header and not stripped.startswith("#") and stripped[-1] != ":":
            title = None  # "looking" under "Dana Wu  10:42 AM" is a message, not a heading
        if title is not None and (raw.lstrip().startswith("#") or not stripped.endswith(".")):
            flush()
            section = title
            header = None
            paragraph += 1
            add(
                Message(
                    stripped.lstrip("#").strip(),
                    number,
                    source.name,
                    section=section,
                    paragraph=paragraph,
                )
            ).author = "#heading"
            entry = None
            continue
        if lead and not lead.group("rest").strip() and prose and STATUS_UPDATE.match(prose[0][1]):
            # a status page's "Monitoring - A fix has been deployed ..." over "Mar 4, 13:24
            # ACDT": the stamp under an update is that update's time, not a header over the next
            first = len(out)
            flush()
            for msg in out[first:]:
                msg.time_text, msg.time_line = stamp_text(lead), number
                status.add(id(msg))
            header, entry = None, None
            continue
        if lead:
            flush()
            rest = lead.group("rest").strip()
            if not rest and stamp_has_clock(lead):  # "14:29" alone: a header over prose
                header = (stamp_text(lead), number)
            msg = add(
                Message(
                    rest or stripped,
                    number,
                    source.name,
                    time_text=stamp_text(lead),
                    section=section,
                    bullet=True,
                    paragraph=paragraph,
                )
            )
            if not rest:
                msg.author = "#heading"
            entry = msg if rest else None
            continue
        tail = TRAILING_STAMP.match(stripped) if len(stripped) <= _SHORT else None
        if tail and (find_dates(tail.group("stamp")) or stamp_has_clock(tail)):
            flush()
            label = BULLET.sub("", tail.group("rest"), count=1).strip().strip("*_`:( ").strip()
            entry = add(
                Message(
                    label or stripped,
                    number,
                    source.name,
                    time_text=stamp_text(tail),
                    section=section,
                    bullet=True,
                    paragraph=paragraph,
                )
            )
            continue
        if BULLET.match(raw):
            flush()
            body = BULLET.sub("", raw, count=1).strip()
            entry = add(
                Message(
                    body, number, source.name, section=section, bullet=True, paragraph=paragraph
                )
            )
        else:
            if prose and SPEAKER_NOTE.match(raw):
                flush()  # "-- meera: ..." under "-- arjun: ...": a new remark, not one sentence
            prose.append((number, stripped))
    flush()
    for msg in out:
        if id(msg) in wrapped:
            msg.text = " ".join(wrapped[id(msg)]).strip()
        msg.text = re.sub(r"(\*\*|__)(.+?)\1", r"\2", msg.text).strip()
    if status and not email:
        _status_blocks(out, status)
    return out


def _status_blocks(msgs: list[Message], status: set[int]) -> None:
    """Each status page update its own block, and what follows the updates one more, so that
    updates pasted newest first are put in time order (``_oldest_first``)."""
    block, paragraph, after = 0, -1, False
    for msg in msgs:
        if id(msg) in status:
            if msg.paragraph != paragraph:
                block, paragraph = block + 1, msg.paragraph
            after = True
        elif after:
            block, paragraph, after = block + 1, -1, False
        msg.block = block


#: A meeting transcript whose stamps count from the start of the recording: "Recording started
#: 2024-10-02 14:05 UTC" and "Timestamps are time since the recording started".
_RECORDING_START = re.compile(
    r"^\W*(?:recording|meeting|call|transcript|bridge)\s+(?:started|began)"
    r"(?:\s+(?:at|on))?\s*:?\s*(?P<when>[^\n(]{6,60})",
    re.I | re.M,
)
_ELAPSED_NOTE = re.compile(
    r"time since|elapsed|since (?:the )?(?:recording|call|meeting|bridge) (?:started|began)", re.I
)
_ELAPSED = re.compile(r"(\d{1,2}):(\d{2}):(\d{2})")


def _recording_start(text: str) -> re.Match[str] | None:
    """The "Recording started ..." line of a transcript whose head says its stamps count from
    it ("Timestamps are time since the recording started"), else None."""
    head = text[:3000]
    start_line = _RECORDING_START.search(head)
    return start_line if start_line is not None and _ELAPSED_NOTE.search(head) else None


def _elapsed_times(text: str, msgs: list[Message], zone: tzinfo | None) -> list[Message]:
    """Stamps of a transcript that count from the recording's start get wall-clock times;
    the "Recording started ..." line itself is dropped (it dates the call, nothing happened)."""
    start_line = _recording_start(text)
    if start_line is None:
        return msgs
    when = start_line.group("when")
    dates, times = find_dates(when), find_times(when)
    hms = clock_time(times[0].clock) if times else None
    if not dates or hms is None:
        return msgs
    own = zone_info(times[0].zone) if times[0].zone else None
    start = combine(dates[0].value, hms, own or zone)
    for msg in msgs:
        stamp = _ELAPSED.fullmatch((msg.time_text or "").strip())
        if stamp is not None:
            h, m, sec = (int(x) for x in stamp.groups())
            msg.time = start + timedelta(hours=h, minutes=m, seconds=sec)
            here = own or zone
            # the local day: "between 9:21 and 10:13" said at 10:40 PM is that evening's
            msg.day = (msg.time.astimezone(here) if here and msg.time.tzinfo else msg.time).date()
            msg.inline.clear()  # times typed in it were read against the offset as a clock
            inline_times(msg, here, msg.day)
    return [m for m in msgs if not _RECORDING_START.match(m.text)]


#: Otter.ai's export: "Maya Chen  0:12:34" (or "12:34") over the speaker's lines, and a
#: "Recorded Thu, Jun 12, 2025 at 9:40 PM PDT" head that dates the recording.
_OTTER_SPEAKER = re.compile(
    r"^(?P<name>[A-Z][\w.'-]{0,30}(?: [A-Z][\w.'-]{0,30}){0,3}|Speaker \d{1,2})[ \t]{2,}"
    r"(?P<stamp>(?:\d{1,2}:)?\d{1,2}:\d{2})\s*$"
)
#: An Otter.ai transcript's first speaker starts this soon after the recording (seconds);
#: "Name  17:52" headers starting later are clock times (a Slack or Teams copy).
OTTER_FIRST_MAX = 300
_OTTER_RECORDED = re.compile(r"^Recorded\s+(?:on\s+)?(?P<when>[^\n•|(]{6,60}?)\s*(?:[•|(].*)?$")


def _otter_hms(stamp: str) -> tuple[int, int, int]:
    """Hours, minutes and seconds of an Otter stamp ("12:34" is m:ss, "1:02:03" h:mm:ss)."""
    parts = [int(x) for x in stamp.split(":")]
    h, m, sec = ([0] * (3 - len(parts)) + parts)[-3:]
    return h, m, sec


def otter_transcript(text: str) -> str | None:
    """An Otter.ai transcript as transcript lines, line for line: the first line under each
    "Name  0:12:34" header becomes ``00:12:34 Name: text`` (time since the recording started)
    and the header line blank; "Recorded <when>" becomes the recording-start line. None when
    fewer than three lines are speaker headers."""
    lines = text.split("\n")
    heads = [hd for ln in lines if (hd := _OTTER_SPEAKER.match(ln))]
    if len(heads) < 3:
        return None
    h, m, sec = _otter_hms(heads[0].group("stamp"))
    elapsed = h * 3600 + m * 60 + sec
    if elapsed > OTTER_FIRST_MAX and not any(_OTTER_RECORDED.match(ln.strip()) for ln in lines):
        return None  # "Marta Ilić  17:52": a chat copied from a browser, on the clock
    out = list(lines)
    speaker: tuple[str, str] | None = None
    for k, line in enumerate(lines):
        recorded = _OTTER_RECORDED.match(line.strip())
        head = _OTTER_SPEAKER.match(line)
        if recorded is not None and speaker is None:
            out[k] = f"Recording started: {recorded.group('when')} (time since it started)"
        elif head is not None:
            h, m, sec = _otter_hms(head.group("stamp"))
            speaker = (f"{h:02d}:{m:02d}:{sec:02d}", head.group("name"))
            out[k] = ""
        elif speaker is not None and line.strip():
            if speaker[0]:
                out[k] = f"{speaker[0]} {speaker[1]}: {line.strip()}"
                speaker = ("", speaker[1])
            else:
                out[k] = f"  {line.strip()}"
    return "\n".join(out)


_ORG_HEADING = re.compile(
    r"^(\*{1,6})\s+(?:(TODO|DONE|NEXT|WAITING|CANCELL?ED)\s+)?(.*?)(?:\s+:[\w@:]+:)?\s*$"
)
_ORG_DRAWER = re.compile(r"^\s*:[A-Z_]+:\s*$")
_ORG_PLANNING = re.compile(r"^\s*(?:CLOSED|SCHEDULED|DEADLINE|CLOCK):")
_ORG_KEYWORD = re.compile(r"^\s*#\+(\w+):?\s*(.*)$")
_ORG_STAMP = re.compile(
    r"[<\[](\d{4}-\d{2}-\d{2})(?: [A-Za-z]{2,3}\.?)?((?: \d{1,2}:\d{2}(?:-\d{1,2}:\d{2})?)?)"
    r"(?: [.+-]\S+)?[>\]]"
)


def org_outline(text: str, name: str) -> str | None:
    """An Emacs org-mode file as markdown, line for line: headings become ``#`` headings (a
    TODO/DONE heading a bullet), drawers (``:PROPERTIES:`` ... ``:END:``) and planning lines
    blank, ``#+BEGIN_SRC`` blocks fenced, ``#+TITLE`` the title, ``# comments`` plain text and
    timestamps ``<2025-01-21 Tue 14:47>`` plain ``2025-01-21 14:47``. None for other files."""
    lines = text.split("\n")
    marked = sum(1 for ln in lines if ln.startswith("#+") or _ORG_DRAWER.match(ln))
    if not name.lower().endswith(".org") and not (
        marked >= 2 and sum(1 for ln in lines if _ORG_HEADING.match(ln)) >= 3
    ):
        return None
    out: list[str] = []
    drawer = False
    entry = -1  # the last heading that is a timed log entry
    for line in lines:
        keyword = _ORG_KEYWORD.match(line)
        heading = _ORG_HEADING.match(line)
        if drawer or _ORG_DRAWER.match(line):
            drawer = line.strip().upper() != ":END:"
            out.append("")
        elif _ORG_PLANNING.match(line):
            out.append("")
        elif keyword is not None:
            key, value = keyword.group(1).upper(), keyword.group(2)
            fence = key in ("BEGIN_SRC", "END_SRC", "BEGIN_EXAMPLE", "END_EXAMPLE")
            out.append(f"# {value}" if key == "TITLE" else "```" if fence else "")
        elif heading is not None:
            stars, state, title = heading.groups()
            title = _ORG_STAMP.sub(lambda m: m.group(1) + m.group(2), title)
            if state:
                out.append(f"- {state} {title}")
            elif re.match(r"\d{1,2}:\d{2}\b", title):
                out.append(title)  # "** 14:47 Richmond rang": a log entry, its text below it
                entry = len(out) - 1
            else:
                out.append(f"{'#' * (len(stars) + 1)} {title}")
        elif line.startswith("# "):
            out.append(line[2:])  # an org comment is a remark, not a heading
        elif (stamp := _ORG_STAMP.fullmatch(line.strip())) and entry == len(out) - 1:
            # "<2025-01-21 Tue 14:47>" under "** 14:47 Richmond rang" dates that entry
            out[entry] = f"{stamp.group(1)} {out[entry]}"
            out.append(f"   ({stamp.group(1)}{stamp.group(2)})")  # kept: its entry goes on
        else:
            out.append(_ORG_STAMP.sub(lambda m: m.group(1) + m.group(2), line))
    return "\n".join(out)


_DOTTED_PM = re.compile(
    r"^\s*(?:[-*•]\s+)?(?:1[0-2]|0?\d)\.[0-5]\d\s*[ap]\.?m\b", re.I | re.M
)
_DOTTED_BARE = re.compile(
    r"^(\s*(?:[-*•]\s+)?)((?:[01]?\d|2[0-3]))\.([0-5]\d)(?=\s{2,}|\t)", re.M
)


#: What opens a remark typed into a log: "##", ">>", "--", or "#" before a lower-case word
#: ("# note 22:34 ..."; a Markdown heading "# Incident" has a capital; "# ops: ..." is read as
#: a speaker's remark by ``HASH_REMARK``).
_REMARK_MARK = r"(?:##+|>>+|--|#(?=[ \t]*[a-z])(?![ \t]*[a-z][\w.-]{1,24}:))"
_HASH_REMARK_LINE = re.compile(rf"^{_REMARK_MARK}[ \t]+(?=\S)", re.M)
_HASH_REMARK_TIMED = re.compile(
    rf"^{_REMARK_MARK}[ \t]+(?:[a-z][\w.-]{{1,24}}:?[ \t]+)?\d{{1,2}}:\d{{2}}(?:\s?[ap]m)?\b",
    re.M | re.I,
)
#: A remark that names its writer before the clock: ">> marco 02:17 Giulia rang me".
_NAMED_REMARK = re.compile(
    rf"^{_REMARK_MARK}[ \t]+([a-z][\w.-]{{1,24}}):?[ \t]+(\d{{1,2}}:\d{{2}})\b", re.M
)


def hash_remarks(text: str) -> str | None:
    """A pasted log whose reader typed remarks between the lines behind "##" or ">>" ("## 10:02
    Katerina forwards a call ...", "## root cause: ...", "## impact: 5,912 receipts ...") has
    them without the hashes (or chevrons), so that they are notes, not Markdown headings; a
    remark without a clock becomes a bullet, so that it is not read as a wrapped log line.
    None unless a third of the lines (and five) are ISO-stamped log lines and two remarks open
    with a clock time."""
    lines = [ln for ln in text.split("\n") if ln.strip()]
    logged = sum(1 for ln in lines if LINE_SHAPES["iso-log"].match(ln))
    if logged < 5 or logged * 3 < len(lines) or len(_HASH_REMARK_TIMED.findall(text)) < 2:
        return None
    def remark(m: re.Match[str]) -> str:
        rest = text[m.end() : m.end() + 10]
        return "" if re.match(r"\d{1,2}:\d{2}(?:\s?[ap]m)?\b|[-*•]\s", rest, re.I) else "- "

    text = _NAMED_REMARK.sub(r"\2 \1:", text)  # ">> marco 02:17 x" -> "02:17 marco: x"
    return _HASH_REMARK_LINE.sub(remark, text)


_HTML_CELL = re.compile(r"<t[dh]\b[^>]*>(.*?)(?=</t[dh]>|<t[dh]\b|</tr>|$)", re.I | re.S)
_HTML_TAG = re.compile(r"<[^>]+>")


def html_rows(text: str) -> str | None:
    """Raw HTML table rows pasted into text notes (a MediaWiki page's ``<table>``, a ticket's
    HTML body) as Markdown rows, each on the line its ``<tr>`` opens (the lines it spans
    left empty, so line numbers stay the file's); ``<caption>`` keeps its text ("Timeline
    (all times UTC)"), table tags go. None unless three rows have cells."""
    if len(re.findall(r"<tr\b", text, re.I)) < 3 or not re.search(r"<td\b", text, re.I):
        return None
    lines = text.split("\n")
    i = 0
    while i < len(lines):
        line = lines[i]
        if re.search(r"<tr\b", line, re.I):
            end = i
            while end + 1 < len(lines) and not re.search(r"</tr>", lines[end], re.I):
                if re.search(r"<tr\b", lines[end + 1], re.I):
                    break
                end += 1
            row = " ".join(lines[i : end + 1])
            cells = [
                html.unescape(_HTML_TAG.sub("", re.sub(r"<br\s*/?>", " ", c, flags=re.I))).strip()
                for c in _HTML_CELL.findall(row)
            ]
            lines[i] = "| " + " | ".join(cells) + " |" if cells else ""
            for j in range(i + 1, end + 1):
                lines[j] = ""
            i = end + 1
            continue
        if re.search(r"</?(?:table|caption|tbody|thead)\b", line, re.I):
            lines[i] = html.unescape(_HTML_TAG.sub("", line)).strip()
        i += 1
    return "\n".join(lines)


#: Outlook's header names in other languages, and the English ones they stand for.
_MAIL_KEYS = {
    "von": "From", "gesendet": "Sent", "an": "To", "betreff": "Subject", "datum": "Date",
    "de": "From", "envoyé": "Sent", "à": "To", "objet": "Subject",
    "enviado": "Sent", "enviado el": "Sent", "para": "To", "asunto": "Subject", "fecha": "Date",
    "van": "From", "verzonden": "Sent", "aan": "To", "onderwerp": "Subject",
}  # fmt: skip
#: Month names of those languages in English ("3. Dezember 2026" -> "3 December 2026").
_MONTH_WORDS = {
    "januar": "January", "janvier": "January", "enero": "January", "januari": "January",
    "februar": "February", "février": "February", "febrero": "February",
    "februari": "February", "märz": "March", "mars": "March", "marzo": "March",
    "maart": "March", "avril": "April", "abril": "April", "mai": "May", "mayo": "May",
    "mei": "May", "juni": "June", "juin": "June", "junio": "June", "juli": "July",
    "juillet": "July", "julio": "July", "août": "August", "agosto": "August",
    "augustus": "August", "septembre": "September", "septiembre": "September",
    "oktober": "October", "octobre": "October", "octubre": "October", "novembre": "November",
    "noviembre": "November", "dezember": "December", "décembre": "December",
    "diciembre": "December",
}  # fmt: skip
_MAIL_KEY = re.compile(
    r"^(?P<key>Von|Gesendet|An|Betreff|Datum|De|Envoyé|À|Objet|Enviado(?: el)?|Para|Asunto|"
    r"Fecha|Van|Verzonden|Aan|Onderwerp)\s*:\s?(?P<value>.*)$",
    re.M,
)
_WEEKDAY_WORDS = re.compile(
    r"\b(?:montag|dienstag|mittwoch|donnerstag|freitag|samstag|sonntag|lundi|mardi|mercredi|"
    r"jeudi|vendredi|samedi|dimanche|lunes|martes|miércoles|jueves|viernes|sábado|domingo|"
    r"maandag|dinsdag|woensdag|donderdag|vrijdag|zaterdag|zondag),?\s*",
    re.I,
)


def localized_mail(text: str) -> str | None:
    """An Outlook thread copied from a German, French, Spanish or Dutch client ("Von:",
    "Gesendet: Donnerstag, 3. Dezember 2026 14:05", "Betreff:") with its header lines in
    English ("Sent: 3 December 2026 14:05"), line for line. None unless a localized sender
    and sent-date header are both there."""
    keys = {m.group("key").lower() for m in _MAIL_KEY.finditer(text)}
    sent = keys & {"gesendet", "envoyé", "enviado", "enviado el", "verzonden", "datum", "fecha"}
    if not sent or not keys & {"von", "de", "van"}:
        return None

    def english(m: re.Match[str]) -> str:
        key = m.group("key").lower()
        name = _MAIL_KEYS[key]
        value = m.group("value")
        if name in ("Sent", "Date"):
            value = _WEEKDAY_WORDS.sub("", value)
            value = re.sub(r"\b(\d{1,2})\.(?=\s+[^\d\s])", r"\1", value)  # "3. Dezember"
            value = re.sub(r"\s+de\s+", " ", value)  # "3 de diciembre de 2026"
            value = re.sub(
                r"[^\W\d_]+",
                lambda w: _MONTH_WORDS.get(w.group(0).lower(), w.group(0)),
                value,
            )
            value = re.sub(r"\s+(?:um|à|a las)\s+", " ", value)  # "3 December 2026 um 14:05"
        return f"{name}: {value}"

    return _MAIL_KEY.sub(english, text)


def tab_rows(text: str) -> str | None:
    """A spreadsheet copied as tab-separated values (a Google Sheets or Excel paste, a
    ``.tsv``) as Markdown table rows, line for line; a title line over it ("incident log (all
    times Melbourne, AEDT)" with empty cells) keeps its text. None unless three lines have
    at least three cells and a header row in the first ten lines names a time column."""
    lines = text.split("\n")
    if sum(1 for ln in lines if ln.count("\t") >= 2 and len(ln.strip("\t ").split("\t")) >= 3) < 3:
        return None
    header = any(  # "Timestamp  Owner  Event  Notes": a sheet, not a tab-separated chat log
        len(cells) >= 3
        and not re.search(r"\d", ln)
        and any(_TIME_COLUMN.search(c) and len(c) <= 40 for c in cells)
        for ln in lines[:10]
        for cells in [ln.strip().split("\t")]
    )
    if not header:
        return None
    out = []
    for line in lines:
        cells = [c.strip() for c in line.split("\t")]
        while cells and not cells[-1]:
            cells.pop()
        out.append("| " + " | ".join(cells) + " |" if len(cells) >= 2 else "\t".join(cells))
    return "\n".join(out)


def dotted_clocks(text: str) -> str | None:
    """Notes that open lines with British dotted times ("2.18pm Tonbridge depot rang") have
    their bare ones too ("2.24   ops dashboard", "14.40  alarm cleared"): those become
    "2:24" so that they stamp their line. None when the notes do not write dotted times."""
    if len(_DOTTED_PM.findall(text)) < 2 or not _DOTTED_BARE.search(text):
        return None
    return _DOTTED_BARE.sub(lambda m: f"{m.group(1)}{m.group(2)}:{m.group(3)}", text)


#: A French clock opening a line: "- 14h05 - first 429s", "9h - MR merged" (hour, "h", minutes).
_FRENCH_LEAD = re.compile(
    r"^(\s*(?:[-*•]\s+)?)((?:[01]?\d|2[0-3]))h([0-5]\d)?(?=\s*[-–—:|]\s|\s{2,}|\t)", re.M
)
#: A four-digit clock opening a line, as shift logs write it: "0858  first ACK", "1310 - call",
#: "0745h: ..." (read only when three lines open so: one "2026  ..." line alone stays a year).
_MILITARY_LEAD = re.compile(
    r"^(\s*(?:[-*•]\s+)?)([01]\d|2[0-3])([0-5]\d)[hH]?(?=[ \t]{2,}|\t|[ \t]*[-–—:|][ \t])", re.M
)
#: How many lines must open with a four-digit clock before they are read as times.
MILITARY_LINES = 3
#: A German clock opening a line: "23.40 Uhr – WhatsApp from Marco", "- 9:05 Uhr: ...".
_UHR_LEAD = re.compile(r"^(\s*(?:[-*•]\s+)?)((?:[01]?\d|2[0-3]))[.:]([0-5]\d)\s*Uhr\b", re.M)


def continental_clocks(text: str) -> str | None:
    """Notes whose lines open with French ("14h05 - ...", "9h - ..."), German ("23.40 Uhr
    – ...") or four-digit ("0858  first ACK") clock times get them as "14:05", "9:00", "23:40"
    and "08:58", so that they stamp their line. None unless at least two lines open so (three
    four-digit ones); French ones need one with minutes ("9h" alone can be a duration)."""
    french = _FRENCH_LEAD.findall(text)
    if len(french) >= 2 and any(minutes for _, _, minutes in french):
        text = _FRENCH_LEAD.sub(lambda m: f"{m.group(1)}{m.group(2)}:{m.group(3) or '00'}", text)
    elif len(_UHR_LEAD.findall(text)) >= 2:
        text = _UHR_LEAD.sub(lambda m: f"{m.group(1)}{m.group(2)}:{m.group(3)}", text)
    elif len(_MILITARY_LEAD.findall(text)) >= MILITARY_LINES:
        text = _MILITARY_LEAD.sub(lambda m: f"{m.group(1)}{m.group(2)}:{m.group(3)}", text)
    else:
        return None
    return text


_QUOTE = re.compile(r"^(?:>[ \t]?)+")
#: Gmail's attribution line: "On Tue, Mar 4, 2025 at 2:40 PM Lauren Pike <lp@x.example> wrote:".
_ATTRIBUTION = re.compile(
    r"^On (?P<stamp>.{6,60}?\d{1,2}:\d{2}(?:\s*[AaPp]\.?[Mm]\.?)?)(?:,|\s)\s*"
    r"(?P<author>[^<>\n]{2,60}?)\s*(?:<[^>\n]*>)?\s+wrote:\s*$"
)
#: Gmail's header of the newest mail: "Marcus Feld <mf@x.example>  3:52 PM (6 minutes ago)".
_GMAIL_HEADER = re.compile(
    r"^(?P<author>[A-Z][^<>\n]{1,60}?)\s*<[^>\n]+>\s+(?P<stamp>\d{1,2}:\d{2}\s*[AaPp][Mm])\b.*$"
)


def quoted_thread(text: str) -> str | None:
    """A mail thread pasted with each older mail quoted inside the newer one ("On ... wrote:"
    over "> ...", "> > ...") as a tracker-like thread, line for line: quote marks dropped and
    each attribution line "<author> wrote on <stamp>", so every mail keeps its author and time.
    None unless an attribution line is itself quoted (the older mails exist only as quotes)."""
    lines = text.split("\n")
    if not any(_QUOTE.match(ln) and _ATTRIBUTION.match(_QUOTE.sub("", ln)) for ln in lines):
        return _quoted_headers(lines)
    out = []
    for line in lines:
        bare = _QUOTE.sub("", line).rstrip()
        said = _ATTRIBUTION.match(bare.strip()) or _GMAIL_HEADER.match(bare.strip())
        if said is not None:
            out.append(f"{said.group('author').strip()} wrote on {said.group('stamp').strip()}")
        else:
            out.append(bare)
    return "\n".join(out)


_SENT_LINE = re.compile(r"^(?:Sent|Date):\s*(?P<when>\S.*?)\s*$")


def _quoted_headers(lines: list[str]) -> str | None:
    """An Outlook thread whose older mails exist only as quotes, each with its own headers
    ("> From: ...", "> Sent: Thu, 3 Dec 2026 10:48:10 +0100", ">> From: ..."): the quote
    marks dropped, line for line, so each mail is read with its own Sent time. None unless a
    quoted mail's Sent line is not also a mail of its own in the paste."""
    own = {m.group("when") for ln in lines if (m := _SENT_LINE.match(ln.strip()))}
    quoted = [
        m.group("when")
        for k, ln in enumerate(lines)
        if _QUOTE.match(ln)
        and (m := _SENT_LINE.match(_QUOTE.sub("", ln).strip()))
        and any(_QUOTE.sub("", p).strip().startswith("From:") for p in lines[max(0, k - 3) : k])
    ]
    if not quoted or all(when in own for when in quoted):
        return None
    return "\n".join(_QUOTE.sub("", ln).rstrip() for ln in lines)


#: Keys of a JSON log line, most specific first: its time, who wrote it, what it says.
_JSON_TIME = (
    "ts", "time", "timestamp", "@timestamp", "datetime", "date", "t", "created_at",
    "__REALTIME_TIMESTAMP",  # journald's -o json: epoch microseconds, as a string
)  # fmt: skip
_JSON_WHO = (
    "author", "user", "username", "who", "svc", "service", "logger", "source", "app",
    "SYSLOG_IDENTIFIER", "_HOSTNAME",
)  # fmt: skip
_JSON_TEXT = ("msg", "message", "text", "note", "event", "body", "log", "MESSAGE")


def _json_stamp(value: object) -> str | None:
    """A JSON log line's time as written, or an epoch number (seconds, ms, µs or ns, told by
    its size: journald's "1796276455204000", Fluent Bit's 1776154222904) as ISO UTC."""
    if isinstance(value, str) and not value.strip().isdigit():
        return value
    if isinstance(value, bool) or not isinstance(value, str | int | float):
        return None
    try:
        number = float(value)
    except ValueError:
        return None
    for scale in (1e9, 1e6, 1e3, 1.0):  # ns, µs, ms, s since 1970
        seconds = number / scale
        if 9.4e8 <= seconds <= 4.2e9:  # 2000 to 2103
            stamp = datetime.fromtimestamp(seconds, UTC)
            return stamp.strftime("%Y-%m-%dT%H:%M:%S.") + f"{stamp.microsecond // 1000:03d}Z"
    return None


def json_log(text: str) -> str | None:
    """JSON-lines logs (one object per line: ``{"ts": ..., "svc": ..., "msg": ...}``) as log
    lines, line for line: ``<ts> <who>: <msg> (other fields)``. Lines that are not JSON stay
    as they are. None unless most non-empty lines are JSON objects with a time."""
    lines = text.split("\n")
    out = list(lines)
    filled = 0
    nonempty = [k for k, ln in enumerate(lines) if ln.strip()]
    for k in nonempty:
        line = lines[k].strip()
        if not (line.startswith("{") and line.endswith("}")):
            continue
        try:
            data = json.loads(line)
        except ValueError:
            continue
        if not isinstance(data, dict):
            continue
        stamp = next((st for key in _JSON_TIME if (st := _json_stamp(data.get(key)))), None)
        if stamp is None:
            continue
        who_key = next((key for key in _JSON_WHO if isinstance(data.get(key), str)), None)
        who = data[who_key] if who_key else None
        said = next((data[key] for key in _JSON_TEXT if isinstance(data.get(key), str)), "")
        used = {*_JSON_TIME, *_JSON_TEXT, "kind", who_key}
        rest = [
            f"{key}={value}"
            for key, value in data.items()
            if key not in used
            and isinstance(value, str | int | float)
            and not isinstance(value, bool)
        ]
        body = said + (f" ({', '.join(rest)})" if rest else "")
        who_part = " " + re.sub(r"[^\w.@-]+", "-", who).strip("-")[:40] + ":" if who else ""
        out[k] = f"{stamp.strip()}{who_part} {body}".rstrip()
        filled += 1
    # remark lines typed between the records ("# note 22:34 ...") may be many, but the
    # objects must be a good part of the file and nearly all of them must have a time
    objects = sum(1 for k in nonempty if lines[k].strip().startswith("{"))
    logged = filled >= 0.6 * len(nonempty) or (
        filled >= 3 and filled >= 0.9 * objects and filled >= 0.3 * len(nonempty)
    )
    return "\n".join(out) if nonempty and logged else None


def pagerduty_log(text: str) -> str | None:
    """A PagerDuty incident log exported as JSON (``{"log_entries": [...]}``) as log lines,
    each on the line of its entry's ``created_at`` (so line numbers stay the file's):
    ``<created_at> <agent>: <summary>. <channel summary>`` (a responder's note is the channel
    summary). None unless the text is such an object with timed entries."""
    if not text.lstrip().startswith("{") or '"log_entries"' not in text:
        return None
    try:
        data = json.loads(text)
    except ValueError:
        return None
    entries = data.get("log_entries") if isinstance(data, dict) else None
    if not isinstance(entries, list) or not entries:
        return None
    lines = text.split("\n")
    out = [""] * len(lines)
    at = 0  # entries are written in order: each one's created_at comes after the last one's
    filled = 0
    for entry in entries:
        if not isinstance(entry, dict) or not isinstance(entry.get("created_at"), str):
            continue
        stamp = entry["created_at"]
        k = next((i for i in range(at, len(lines)) if f'"{stamp}"' in lines[i]), None)
        if k is None:
            continue
        at = k + 1
        agent = entry.get("agent")
        who = agent.get("summary") if isinstance(agent, dict) else None
        channel = entry.get("channel")
        note = channel.get("summary") if isinstance(channel, dict) else None
        said = str(entry.get("summary") or "")
        if isinstance(note, str) and note.strip() and note.strip() != said:
            said = f"{said}. {note}" if said else note
        said = " ".join(said.split())
        name = re.sub(r"[^\w.@-]+", "-", who).strip("-")[:40] if isinstance(who, str) else ""
        who_part = f" {name}:" if name else ""
        out[k] = f"{stamp}{who_part} {said}".rstrip()
        filled += 1
    return "\n".join(out) if filled >= 2 else None


_VTT_CUE = re.compile(
    r"^\s*(?:(\d{1,2}):)?(\d{2}):(\d{2})[.,]\d{1,3}(?:\s+-->\s+\S|,\d{1,2}:\d{2}:\d{2}[.,]\d)"
)
_VTT_VOICE = re.compile(r"^<v(?:\.[\w.-]+)?\s+([^>]{1,60})>")
_VTT_TAG = re.compile(r"</?[a-z][^>]{0,80}>|&(?:amp|lt|gt|nbsp);", re.I)
_VTT_ENTITY = {"&amp;": "&", "&lt;": "<", "&gt;": ">", "&nbsp;": " "}


def webvtt_transcript(text: str) -> str | None:
    """A WebVTT or SubViewer file (Teams / Zoom / Meet transcript) as transcript lines, line
    for line.

    Each cue's first text line becomes ``HH:MM:SS Speaker: text`` (its start, as written:
    time since the recording started), further text lines stay as continuations, and cue
    ids and timing lines become blank, so line numbers stay the file's. ``NOTE`` blocks are
    kept (they state when the recording started). None when the text is neither.
    """
    lines = text.split("\n")
    # SubViewer (.sbv, YouTube / Google Meet captions): "0:05:12.300,0:05:15.900" lines
    sbv = sum(1 for ln in lines[:60] if "," in ln and _VTT_CUE.match(ln)) >= 3
    if not sbv and not lines[0].lstrip("\ufeff").startswith("WEBVTT"):
        return None
    out = [""] * len(lines)
    stamp: str | None = None
    in_note = False
    for k, line in enumerate(lines[0 if sbv else 1 :], start=0 if sbv else 1):
        cue = _VTT_CUE.match(line)
        if cue is not None:
            h, m, sec = cue.groups()
            stamp = f"{int(h or 0):02d}:{m}:{sec}"
            in_note = False
            continue
        if not line.strip():
            stamp, in_note = None, False
            continue
        if line.startswith(("NOTE", "STYLE", "REGION")) and stamp is None:
            in_note = line.startswith("NOTE")
            rest = line[4:].strip() if in_note else ""
            out[k] = rest
            continue
        if in_note:
            out[k] = line
            continue
        if stamp is None:
            out[k] = ""  # a cue id (its timing line follows)
            continue
        voice = _VTT_VOICE.match(line.strip())
        body = _VTT_TAG.sub(lambda t: _VTT_ENTITY.get(t.group(0).lower(), ""), line).strip()
        if stamp and _RECORDING_START.match(body.lstrip("[")):
            out[k] = body  # "[Recording started: ...]" as the first caption dates the call
            stamp = ""
        elif voice is not None:
            out[k] = f"{stamp} {voice.group(1).strip()}: {body}"
            stamp = ""  # further lines of this cue continue it
        elif stamp:
            out[k] = f"{stamp} {body}"
            stamp = ""
        else:
            out[k] = f"  {body}"
    return "\n".join(out)


_YEAR_STATED = re.compile(r"\b(?:year|in|for)\s+((?:19|20)\d{2})\b", re.I)


def _stated_year(text: str) -> date | None:
    """Notes whose dates carry no year ("Mar  7 03:14:07", syslog) but whose header states it
    ("year 2024"): 1 January of that year, so that the dates get their year (the first dated
    line sets the day)."""
    stated = _YEAR_STATED.search(text[:500])
    if stated is None or not any(not d.has_year for d in find_dates(text[:4000])):
        return None
    return date(int(stated.group(1)), 1, 1)


#: When notes say they were written: "written Wednesday 4 November 2026".
_WRITTEN = re.compile(rf"\b(?:written|drafted)\s+(?:on\s+)?(?:{_WEEKDAY})?\d", re.I)
#: A page's own metadata line (wiki, Notion, Confluence exports): when it was written or
#: edited, not when anything happened ("Created by Jana, last modified by Tobias on Dec 11").
DOC_META = re.compile(
    r"^\W{0,3}(?:created|last (?:modified|edited|updated)|modified|edited|updated|exported|"
    r"reviewed|"
    r"printed)(?: time| by| on| at| date)?\b[^\n]{0,120}$|"
    r"\blast (?:modified|edited|updated)\s+(?:by|on|at|\d)|"  # "· Last edited 05/03/2024 by"
    # "Author: Sanne · written Wednesday 4 November 2026, the day after"
    rf"{_WRITTEN.pattern}|"
    r"^\W{0,3}(?:date )?saved(?: on| at)?\s*:|"  # KakaoTalk: "Date Saved : Jan 18, 2026"
    r"\bpost-?mortem (?:review|meeting|call|session)\s*:|"  # "Postmortem call: Wed Dec 9, 10:00"
    # "· Review: Fri 27 Nov, 14:00, Calder room", "Retro: 12/09": a meeting still to come
    r"\b(?:review|retro(?:spective)?|debrief)\s*:\s*(?:[a-z]{3,9},?\s+)?\d|"
    # German wiki pages: "Erstellt von Jana, zuletzt aktualisiert am 19.07.2024 um 16:42"
    r"^\W{0,3}erstellt (?:von|am)\b|\bzuletzt (?:aktualisiert|geändert|bearbeitet)\b",
    re.I,
)


def _night_of(text: str, day: date | None, dayfirst: bool | None) -> date | None:
    """The day a night named in the header ("night of Sat Nov 2 -> Sun Nov 3 2024", "Sa 29.03.
    / So 30.03.2025") starts the notes on: the first day when the notes' first time is in the
    evening (from 12:00), the second when it is after midnight (before 06:00)."""
    if day is None:
        return day
    end = 0  # offset just past the line being read
    for line in text[:600].split("\n")[:5]:
        end += len(line) + 1
        dates = [d.value for d in find_dates(line, default_year=day.year, dayfirst=dayfirst)]
        night = _DOTTED_NIGHT.search(line)
        if night is not None:  # "Sa 29.03. / So 30.03.2025": the first has no year of its own
            try:
                dates = [date(day.year, int(night.group(2)), int(night.group(1)))]
            except ValueError:
                continue  # "31.02.": no such day
            dates.append(dates[0] + timedelta(days=1))
        named = _NAMED_NIGHT.search(line) if night is None else None
        if named is not None:  # "Sat 28 -> Sun 29 March 2026": the month is written once
            last = find_dates(named.group(0), default_year=day.year, dayfirst=dayfirst)
            if last:
                dates = [last[-1].value - timedelta(days=1), last[-1].value]
        if len(dates) < 2 or dates[1] != dates[0] + timedelta(days=1) or day not in dates[:2]:
            continue
        hour = _first_hour(text[end : end + 5000])
        if hour is not None and hour >= 12:  # clock_time reads "1:30 pm" as 13
            return dates[0]  # the log starts that evening
        if hour is not None and hour < 6:
            return dates[1]
    return day


#: A night written as two dotted dates, the first without its year: "Sa 29.03. / So 30.03.2025".
_DOTTED_NIGHT = re.compile(
    r"\b(\d{1,2})\.(\d{1,2})\.?\s*(?:[/–→-]|->)\s*(?:[A-Za-z]{2,3}\.?\s+)?\d{1,2}\.\d{1,2}\.\d{4}\b"
)


#: A night written as two weekdays with the date in full only on the second: "Sat 28 -> Sun 29
#: March 2026", "Sat 10/31 into Sun 11/1/2026" ("Fri 31 Oct / Sat 1 Nov" is read as two dates).
_NAMED_NIGHT = re.compile(
    rf"(?i:\b{_WEEKDAY}"
    r"(?:\d{1,2}(?:st|nd|rd|th)?|\d{1,2}/\d{1,2})\s*(?:[/–→-]|->|to|into)\s*"
    rf"{_WEEKDAY}"
    rf"(?:\d{{1,2}}(?:st|nd|rd|th)?\s+{_MONTH}(?:\s+\d{{4}})?|\d{{1,2}}/\d{{1,2}}/\d{{2,4}}))"
)


def _first_hour(rest: str) -> int | None:
    """The hour (0-23) of the first log entry's stamp in ``rest``, else of its first time."""
    stamped = (LEADING_STAMP.match(ln) for ln in rest.split("\n"))
    entry = next((m.group("stamp") for m in stamped if m), None)  # first log entry
    first = next(iter(find_times(entry if entry else rest)), None)
    hms = clock_time(first.clock) if first is not None else None
    return hms[0] if hms else None


#: How many more times than the first date another date must be written to date the notes.
MORE_OFTEN = 3


#: A log file's name with its date on the first lines: "#ops_20261203.log" (ZNC, irssi).
_FILE_DATE = re.compile(
    r"^\W{0,3}[\w#.-]*?[_-](20\d\d)(0[1-9]|1[0-2])([0-2]\d|3[01])(?:[_.-][\w.-]*)?"
    r"\.(?:log|txt|md)\s*$",
    re.M,
)


def _first_date(text: str, dayfirst: bool | None = None) -> date | None:
    named = _FILE_DATE.search("\n".join(text[:600].split("\n")[:3]))
    if named:  # the log's own file name dates it, before any date told in its lines
        return date(int(named.group(1)), int(named.group(2)), int(named.group(3)))
    lines = text[:4000].split("\n")
    head = "\n".join(ln for ln in lines if not DOC_META.search(ln))
    dates = [d.value for d in find_dates(head, dayfirst=dayfirst) if d.has_year]
    if not dates:  # notes "Written Thursday 20 June 2024, around 09:30" the morning after,
        # with no other date: the night they tell is that day's (the page's own dates stay out)
        written = "\n".join(ln for ln in lines if _WRITTEN.search(ln))
        dates = [d.value for d in find_dates(written, dayfirst=dayfirst) if d.has_year]
    if not dates:
        return None
    # a date written far more often than the first one is the incident's ("TODO ring the
    # garage <2025-01-22 Wed>" above a log dated 2025-01-21 throughout)
    common = max(dates, key=dates.count)
    return common if dates.count(common) >= dates.count(dates[0]) + MORE_OFTEN else dates[0]


def _marker_base(text: str, day: date | None, dayfirst: bool | None) -> date | None:
    """The date a chat copy's "Today" stands for. The notes' first date is today's, unless it
    is written under a "Yesterday" marker (a bot's "Starts at: 2025-03-11 18:11:30 UTC" in
    yesterday's messages): then it is yesterday's."""
    if day is None or day == UNDATED:
        return day
    marker: str | None = None
    for line in text.split("\n"):
        relative = RELATIVE_DAY.fullmatch(line.strip())
        if relative is not None:
            marker = relative.group(1).lower()
        elif any(d.has_year and d.value == day for d in find_dates(line, dayfirst=dayfirst)):
            # a stamp with its clock ("Starts at: 2025-03-11 18:11:30 UTC") dates its day; a
            # date told in passing ("tomorrow (Thursday 3/21/2024)") does not
            stamped = any(m.group("date") for m in TIMESTAMP.finditer(line))
            return day + timedelta(days=1) if marker == "yesterday" and stamped else day
    return day


def _stated_zone(text: str, default: str | None) -> str | None:
    stated = zone_statement(text)
    if stated is None:
        m = re.search(rf"\b(?:in|are|all)\s+(?P<z>{_ZONE_ALT})\b", text[:3000])
        stated = m.group("z") if m else None
    if stated is None:  # a spreadsheet's time column: "time (AEDT),who,what"
        columns = _csv_columns(text)
        stated = columns.zone if columns is not None else None
    if stated is None:  # an IANA name written in the notes: "notes, 2024-03-31 (Europe/Berlin)"
        for m in re.finditer(r"(?<![\w/])[A-Z][a-z]+/[A-Z][A-Za-z_]+(?![\w/])", text[:5000]):
            if zone_info(m.group(0)) is not None:
                stated = m.group(0)
                break
    return stated_ist(stated, text) if stated else default


#: A chat client's relative day marker on its own line (Teams, Slack desktop copies).
RELATIVE_DAY = re.compile(r"(?:-{2,}\s*)?(Yesterday|Today)(?:\s*-{2,})?", re.I)
#: A relative day with its clock time on one line: "Yesterday 10:58 PM", "Today at 12:08 AM".
_RELATIVE_STAMP = re.compile(
    r"(Yesterday|Today),?\s+(?:at\s+)?\d{1,2}:\d{2}(?::\d{2})?\s*(?:[AaPp]\.?[Mm]\.?)?", re.I
)


def _warn_date_order(
    source: Source, dayfirst: bool | None, zone: str | None, warnings: list[str]
) -> None:
    """One warning per file whose numeric dates could be read either way (``12/03/2024``)."""
    first = next((d for d in find_dates(source.text) if d.ambiguous), None)
    if first is None:
        return
    if dayfirst is None:
        warnings.append(
            f"{source.name}: dates like {first.text!r} could be day/month or month/day; read "
            "as month/day (pass --timezone, or write one date as 2024-03-12)"
        )
    elif day_first(source.text, None) is None:  # the zone decided, not a date
        order = "day/month" if dayfirst else "month/day"
        warnings.append(
            f"{source.name}: dates like {first.text!r} are read as {order}, usual in the "
            f"notes' time zone ({zone})"
        )


#: A weekday opening a stamp that has no date: "Sat 22:00", "**Sunday** 01:12".
_LEAD_WEEKDAY = re.compile(rf"\W*{_WEEKDAY_NAME}", re.I)


def _nearest_weekday(day: date, weekday: int) -> date:
    """The date nearest ``day`` (up to three days either way) that falls on ``weekday``: a
    row stamped "Sat 22:00" in notes dated Sunday 25 October is Saturday the 24th."""
    ahead = (weekday - day.weekday()) % 7
    return day + timedelta(days=ahead if ahead <= 3 else ahead - 7)


def _resolve(
    msg: Message, day: date | None, zone: tzinfo | None, dayfirst: bool | None = None
) -> tuple[date | None, tzinfo | None]:
    """Set ``msg.time`` from its written timestamp; return the date and zone it used."""
    if not msg.time_text:
        return day, zone
    written = msg.time_text
    dates = find_dates(written, default_year=day.year if day else None, dayfirst=dayfirst)
    carried = None  # a weekday dates its own line only: "- Tue 20:00 ..." in a recap sent on
    # Wednesday, then "- 05:30 ..." is Wednesday's again
    if dates:
        day = dates[0].value
    elif day is not None and day != UNDATED:
        named = _LEAD_WEEKDAY.match(written)  # "Sat 22:00", no date
        if named:
            carried, day = day, _nearest_weekday(day, _WEEKDAYS.index(named.group(1).lower()))
    mentions = find_times(written)
    own_zone = zone_info(mentions[0].zone) if mentions and mentions[0].zone else None
    iso = re.search(r"\d{4}-\d{2}-\d{2}T(?P<clock>[\d:.]+)(?P<zone>Z|[+-]\d{2}:?\d{2})?$", written)
    if iso:
        clock = iso.group("clock")
        if iso.group("zone"):
            own_zone = zone_info("UTC" if iso.group("zone") == "Z" else iso.group("zone"))
    elif mentions:
        clock = mentions[0].clock
    else:
        msg.day = day if dates else None
        return day, zone
    hms = clock_time(clock)
    msg.day = day
    if hms is None or day is None:
        return day, own_zone or zone
    written_zone = mentions[0].zone if mentions and mentions[0].zone and not iso else None
    msg.time = combine(day, hms, own_zone or zone, written_zone)
    return carried or day, own_zone or zone


def inline_times(
    msg: Message,
    zone: tzinfo | None,
    day: date | None,
    context: datetime | None = None,
    typed: tzinfo | None = None,
) -> None:
    """Clock times written inside a message, resolved against the message's own time.

    ``context``: for a message without a time of its own (prose), the last time written with
    am/pm before it, which tells a bare "3:05" after "2:15pm" is afternoon. ``typed``: the
    zone the notes say people type in, when the message's stamp has another ("times we type
    are CET, the stamps Linear shows are UTC"): a time that would lie after its message in
    the stamp's zone is read in it.
    """
    text = msg.text
    found = find_times(text)
    if not found or day is None:
        return
    ref = msg.time
    pm_hint = any(has_ampm(t.clock) for t in found) or (
        ref is None and _is_pm(context, zone) and not re.search(r"\b(?:morning|am)\b", text)
    )
    for i, t in enumerate(found):
        if msg.time_text is None and i == 0 and t.start < 3:
            continue
        hms = clock_time(t.clock)
        if hms is None:
            continue
        zone_here = zone_info(t.zone) if t.zone else zone
        stamp = combine(day, hms, zone_here, t.zone)
        if ref is not None and not t.zone and stamp.tzinfo is not None:
            stamp = _nearer_fold(stamp, ref, zone_here)
        if not has_ampm(t.clock) and hms[0] < 12 and (pm_hint or _is_pm(ref, zone_here)):
            later = combine(day, (hms[0] + 12, hms[1], hms[2]), zone_here)
            if ref is None or later <= _same_kind(ref, later) + timedelta(minutes=5):
                stamp = later
        if typed is not None and ref is not None and not t.zone and stamp.tzinfo is not None:
            other = combine(day, hms, typed)
            if stamp - ref > timedelta(minutes=10) and (
                timedelta(hours=-12) <= other - ref <= timedelta(minutes=10)
            ):
                stamp = other  # "Joining works again since 18:57" (CET) posted 17:57:48Z
        ahead = stamp - _same_kind(ref, stamp) if ref is not None else timedelta(0)
        if ahead > timedelta(minutes=10) and (
            re.search(r"\byesterday\b", text, re.I) or ahead > timedelta(hours=1)
        ):
            stamp -= timedelta(days=1)
        msg.inline.append((t.start, t.text, stamp))


def _nearer_fold(stamp: datetime, ref: datetime, zone: tzinfo | None) -> datetime:
    """A clock time that happens twice (the hour repeated when daylight saving ends), said in
    a message of the second pass ("at 02:06" written at 02:31 CET), is the occurrence nearest
    before the message, not the first one ``combine`` gives."""
    second = other_fold(stamp, zone) if ref.tzinfo is not None else None
    if second is None or not (stamp < second <= ref + timedelta(minutes=10)):
        return stamp
    return second


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


#: ``Sent:``/``Date:`` lines of an email: their zone is the mail's own, not the notes'.
_MAIL_DATE = re.compile(r"^(?:Sent|Date):.*$", re.M)


def _zone_for(
    sources: list[Source], timezone: str | None, warnings: list[str]
) -> tuple[str | None, str | None]:
    """(zone for zone-less times, how it was chosen) over all the notes, warning on a mix.

    ``--timezone`` wins; else a zone stated for the notes ("All times UTC"); else the zone
    written on the notes' own times ("9:12am PT"), the most common one when several are.
    """
    stated = [z for s in sources if (z := _stated_zone(s.text, None))]
    written = [z for s in sources for z in written_zones(_MAIL_DATE.sub("", s.text))]
    keys = {zone_key(z): z for z in [*stated, *written]}
    chosen: str | None
    if timezone:
        chosen, how = timezone, "--timezone"
    elif stated:
        chosen, how = stated[0], "stated in the notes"
    elif written:
        counts: dict[str, int] = {}
        for z in written:
            counts[zone_key(z)] = counts.get(zone_key(z), 0) + 1
        best = max(counts, key=lambda k: counts[k])
        chosen, how = keys[best], "written on other times"
    else:
        return None, None
    if len(keys) > 1:
        warnings.append(
            f"the notes mix time zones ({', '.join(sorted(keys.values()))}): each time is read "
            f"in the zone written on it, times without one as {chosen} ({how}); "
            "pass --timezone to change"
        )
    elif how == "written on other times" and any(
        m.zone is None for s in sources for m in find_times(s.text)
    ):
        warnings.append(
            f"times without a zone are read as {chosen}, the zone written on other times in the "
            "notes; pass --timezone to change"
        )
    return chosen, how


def _newest_last(msgs: list[Message]) -> list[Message]:
    """A log or export written newest first (a CloudWatch or status-page export, a tracker's
    activity: at least four in five consecutive stamps go back in time), turned oldest first."""
    if len({m.block for m in msgs}) > 2:
        return msgs  # mails or updates: ``_oldest_first`` orders them and keeps each one's lines
    stamps = [_utc_key(m.time) for m in msgs if m.time is not None]
    pairs = [(a, b) for a, b in pairwise(stamps) if a != b]  # an entry's lines share its time
    if len(pairs) < 3 or sum(b < a for a, b in pairs) < 0.8 * len(pairs):
        return msgs
    # entries (a stamped line and the lines after it that share or lack a time) in reverse
    # order, each entry's lines in their own order; the untimed preamble (a ticket's title and
    # description) stays first
    preamble: list[Message] = []
    entries: list[list[Message]] = []
    for msg in msgs:
        if msg.time is None or (entries and msg.time == entries[-1][0].time):
            (entries[-1] if entries else preamble).append(msg)
        else:
            entries.append([msg])
    return preamble + [m for entry in reversed(entries) for m in entry]


def _oldest_first(msgs: list[Message]) -> list[Message]:
    """Emails of a thread written newest first, put oldest first (lines are unchanged)."""
    blocks: dict[int, list[Message]] = {}
    for msg in msgs:
        blocks.setdefault(msg.block, []).append(msg)
    if len(blocks) < 2:
        return msgs
    sent = {
        # the preamble above the first entry is dated by a mail header only, not by a field of
        # a ticket's header ("Resolved: 2025-02-11 11:15:22 CET"), which would sort it last
        b: next((m.time for m in ms if m.time is not None and (b or m.author == "#heading")), None)
        for b, ms in blocks.items()
    }
    if sum(t is not None for t in sent.values()) < 2:
        return msgs
    # a block without a time (the preamble above the first entry) keeps the previous one's
    key: dict[int, datetime] = {}
    previous = datetime.min
    for b in blocks:
        previous = _utc_key(sent[b]) if sent[b] is not None else previous
        key[b] = previous
    order = sorted(blocks, key=lambda b: (key[b], b))
    return [m for b in order for m in blocks[b]]


def _utc_key(stamp: datetime | None) -> datetime:
    if stamp is None:
        return datetime.min
    return (
        stamp.replace(tzinfo=None)
        if stamp.tzinfo is None
        else stamp.astimezone(UTC).replace(tzinfo=None)
    )


def _sent_times(messages: list[Message]) -> None:
    """Give the untimed lines of an email the time of its header (``Message.sent``)."""
    head: dict[tuple[str, int], datetime] = {}
    for msg in messages:
        if msg.author == "#heading" and msg.block and msg.time is not None:
            head.setdefault((msg.source, msg.block), msg.time)
    for msg in messages:
        if msg.time is None and msg.block and msg.author != "#heading":
            msg.sent = head.get((msg.source, msg.block))


def parse_notes(
    sources: list[Source],
    *,
    timezone: str | None = None,
    input_format: str | None = None,
    channel: str | None = None,
) -> Notes:
    """Read notes into ordered messages with resolved times and warnings.

    Sources that form a Slack export (``users.json``, ``channels.json``, a folder per
    channel) are read as one channel (``channel`` picks it when there are several).
    """
    from .slack import channel_messages, is_metadata, read_export, split_export

    if input_format and input_format not in SHAPES:
        raise InputError(f"unknown input format {input_format!r} (one of {', '.join(SHAPES)})")
    if timezone and zone_info(timezone) is None:
        raise InputError(f"unknown time zone {timezone!r} (use an IANA name like Europe/Berlin)")
    messages: list[Message] = []
    warnings: list[str] = []
    shapes = []
    first_day: date | None = None
    chosen, how = _zone_for([s for s in sources if not is_metadata(s)], timezone, warnings)
    export, sources = split_export(sources)
    zone = zone_info(chosen) if chosen else None
    zone_used: str | None = chosen
    if export:
        # zones merely written on some times (an alert's "Started: ... UTC") do not override
        # the zones of the people's Slack profiles for the clock times they type
        profiles = how == "written on other times"
        slack = read_export(export, channel, None if profiles else zone, warnings)
        messages.extend(slack)
        shapes.append("slack")
        zone_used = zone_used or "UTC"
    for source in sources:
        converted = json_log(source.text) or pagerduty_log(source.text)
        if converted is not None:
            source = Source(source.name, converted)
        thread = quoted_thread(source.text)
        if thread is not None:
            source = Source(source.name, thread)
        rewritten = html_rows(source.text) or tab_rows(source.text) or localized_mail(source.text)
        if rewritten is not None:
            source = Source(source.name, rewritten)
        remarks = hash_remarks(source.text)
        if remarks is not None:
            source = Source(source.name, remarks)
        dotted = dotted_clocks(source.text) or continental_clocks(source.text)
        if dotted is not None:
            source = Source(source.name, dotted)
        outline = org_outline(source.text, source.name)
        if outline is not None:
            source = Source(source.name, outline)
        vtt = webvtt_transcript(source.text) or otter_transcript(source.text)
        if vtt is not None:
            source = Source(source.name, vtt)
            if _recording_start(vtt) is None:
                warnings.append(
                    f"{source.name}: caption times count from the start of the recording, "
                    "which the file does not state; they are shown as clock times"
                )
        shape = input_format or (
            "iso-log" if converted is not None else "markdown" if outline else _shape_of(source)
        )
        shapes.append(shape)
        if shape == "slack":
            messages.extend(channel_messages(source, zone, warnings))
            zone_used = zone_used or "UTC"
            continue
        dayfirst = day_first(source.text, chosen)
        _warn_date_order(source, dayfirst, chosen, warnings)
        day = _first_date(source.text, dayfirst) or _stated_year(source.text)
        day = _night_of(source.text, day, dayfirst)
        if day is None:
            day = UNDATED
            if any(
                LEADING_STAMP.match(ln) or any(p.match(ln) for p in LINE_SHAPES.values())
                for ln in source.text.split("\n")
            ):
                warnings.append(
                    f"{source.name}: the notes give no date; times are shown without one"
                )
        msgs = _subject_alone(_lines(source, shape))
        if shape in LINE_SHAPES and not any(
            LINE_SHAPES[shape].match(ln) for ln in source.text.split("\n")
        ):
            raise InputError(f"{source.name}: no line has the {shape!r} shape")
        last: datetime | None = None
        rolled = False  # the log crossed midnight
        newly_dated = False  # a day line came after the last timed message
        said_pm: datetime | None = None  # the last time written with am/pm (see inline_times)
        block_zone: dict[int, tzinfo] = {}  # an email's own zone ("Sent: ... -0800")
        base, markers = _marker_base(source.text, day, dayfirst), set()
        # notes stamped "2.18pm" mean the afternoon by a bare "2.24" that follows
        twelve_hour = any(m.time_text and has_ampm(m.time_text) for m in msgs)
        for msg in msgs:
            relative = RELATIVE_DAY.fullmatch(msg.text.strip()) if not msg.time_text else None
            if relative and base is not None and base != UNDATED:
                # a chat copy's "Yesterday" / "Today" marker: the notes' date is today's
                day = base - timedelta(days=1 if relative.group(1).lower() == "yesterday" else 0)
                markers.add(id(msg))
                continue
            stamped = (
                _RELATIVE_STAMP.fullmatch(msg.text.strip())
                or _RELATIVE_STAMP.fullmatch(msg.time_text.strip())
                if msg.time_text
                else None
            )
            if stamped and base is not None and base != UNDATED:
                # Teams' "Yesterday 10:58 PM" line over a message: that day, that time
                day = base - timedelta(days=1 if stamped.group(1).lower() == "yesterday" else 0)
            before = day
            day, line_zone = _resolve(msg, day, zone, dayfirst)
            if msg.time is None and msg.time_text and day != before:
                newly_dated = True  # a day line ("--- Fri 4 Dec 2026 ---"): no rollover after it
            if msg.block and msg.author == "#heading" and line_zone is not None:
                block_zone.setdefault(msg.block, line_zone)
            if (
                how not in ("--timezone", "stated in the notes")
                and msg.block in block_zone
                and not msg.time_text
            ):
                line_zone = block_zone[msg.block]
                note = (
                    f"{source.name}: times in each email's text are read in the zone of its "
                    "Sent:/Date: line; pass --timezone to change"
                )
                if find_times(msg.text) and note not in warnings:
                    warnings.append(note)
            if msg.time is not None and line_zone is not None and zone_used is None:
                zone_used = "written on the lines"
            if (
                twelve_hour
                and msg.time is not None
                and last is not None
                and msg.time_text
                and not has_ampm(msg.time_text)
                and _is_pm(last, line_zone or zone)
                and timedelta(0)
                <= msg.time + timedelta(hours=12) - _same_kind(last, msg.time)
                <= timedelta(hours=6)
            ):
                msg.time += timedelta(hours=12)  # "2.31pm alarm fired" then "2.36 Priya: ..."
            if (
                msg.time is not None
                and last is not None
                and msg.time < _same_kind(last, msg.time)
                and not msg.block
            ):
                gap = _same_kind(last, msg.time) - msg.time
                repeated = other_fold(msg.time, line_zone or zone)
                if repeated is not None and repeated > msg.time:
                    msg.time = repeated  # the hour repeated when daylight saving ended
                elif (
                    gap > timedelta(hours=12)
                    and before == day
                    and not newly_dated
                    and msg.time_text
                    and not find_dates(msg.time_text)
                    and not _LEAD_WEEKDAY.match(msg.time_text)  # "Thu 04:40" names its day
                ):
                    msg.time += timedelta(days=1)
                    day = (day or msg.time.date()) + timedelta(days=1)
                    msg.day = day
                    rolled = True
                elif msg.time_text and LINE_SHAPES.get(shape) is not None:
                    warnings.append(
                        f"{msg.ref}: time {msg.time_text} is earlier than the message before it; "
                        "check the order"
                    )
            elif (
                msg.time is not None
                and last is not None
                and rolled
                and not msg.block
                and msg.time_text
                and not find_dates(msg.time_text)
                and msg.time - _same_kind(last, msg.time) > timedelta(hours=12)
            ):  # an impact list after a log that crossed midnight ("9:03p–9:53p" after
                # "12:41a closing") goes back to the evening, not 20 hours on
                msg.time -= timedelta(days=1)
                if day is not None:
                    msg.day = day - timedelta(days=1)
            if msg.time is not None:
                last, newly_dated = msg.time, False
            typed = zone if line_zone is not None and how == "stated in the notes" else None
            if msg.section != SUBJECT:
                inline_times(msg, line_zone or zone, day, said_pm, typed)
            said_pm = next(
                (st for pos, raw, st in reversed(msg.inline) if has_ampm(raw)), said_pm
            )
        msgs = [m for m in msgs if id(m) not in markers]
        msgs = _elapsed_times(source.text, msgs, zone)
        msgs = _newest_last(msgs)
        first_day = first_day or _first_date(source.text, dayfirst)
        messages.extend(_oldest_first(msgs))
    if not messages and export:
        raise InputError(f"{export[0].name}: the Slack export holds no messages")
    for msg in messages:
        if msg.source and msg.time is None and msg.time_text and msg.day is None:
            warnings.append(f"{msg.ref}: time {msg.time_text!r} has no date; give one in the notes")
    _sent_times(messages)
    shape = shapes[0] if len(set(shapes)) == 1 else "mixed"
    if first_day is None:  # Slack: the day of the first message with a date
        first_day = next((m.day for m in messages if m.day is not None and m.time), None)
    notes = Notes(messages, shape, zone_used, warnings, first_day)
    has_times = any(m.time is not None or m.inline for m in messages)
    if has_times and not notes.zone_known:
        warnings.append(
            "the notes give clock times but no time zone: times are shown as local times; "
            "pass --timezone to convert them"
        )
    return notes
