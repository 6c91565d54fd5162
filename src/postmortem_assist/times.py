"""Finding and normalising timestamps in postmortem text.

``find_times`` spots clock times (with optional date and zone) cheaply with one regular
expression per shape; ``resolve`` turns them into aware UTC datetimes with dateutil,
carrying a date forward when a line gives only a time.
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from datetime import UTC, date, datetime, timedelta, timezone, tzinfo
from functools import lru_cache

from dateutil import parser as dtparser
from dateutil import tz

#: Zone abbreviations people write in incident notes, with their UTC offsets or IANA zones.
ZONES: dict[str, str] = {
    "UTC": "UTC",
    "GMT": "UTC",
    "Z": "UTC",
    "PST": "America/Los_Angeles",
    "PDT": "America/Los_Angeles",
    "PT": "America/Los_Angeles",
    "MST": "America/Denver",
    "MDT": "America/Denver",
    "MT": "America/Denver",
    "CST": "America/Chicago",
    "CDT": "America/Chicago",
    "CT": "America/Chicago",
    "EST": "America/New_York",
    "EDT": "America/New_York",
    "ET": "America/New_York",
    "BST": "Europe/London",
    "CET": "Europe/Paris",
    "CEST": "Europe/Paris",
    "IST": "Asia/Kolkata",
    "JST": "Asia/Tokyo",
    "AEST": "Australia/Brisbane",  # standard time as written (Brisbane keeps it all year)
    "AEDT": "Australia/Sydney",
    "SGT": "Asia/Singapore",
    "NZST": "Pacific/Auckland",
    "NZDT": "Pacific/Auckland",
    "AWST": "Australia/Perth",
    "ACST": "Australia/Darwin",  # likewise (Darwin keeps it all year)
    "ACDT": "Australia/Adelaide",
    "HKT": "Asia/Hong_Kong",
    "KST": "Asia/Seoul",
    "PHT": "Asia/Manila",
    "WIB": "Asia/Jakarta",
    "ICT": "Asia/Bangkok",
    "SAST": "Africa/Johannesburg",
    "EET": "Europe/Helsinki",
    "EEST": "Europe/Helsinki",
    "MSK": "Europe/Moscow",
    "MEZ": "Europe/Berlin",
    "MESZ": "Europe/Berlin",
    "BRT": "America/Sao_Paulo",
    "AKST": "America/Anchorage",
    "AKDT": "America/Anchorage",
    "HST": "Pacific/Honolulu",
    "ADT": "America/Halifax",
    "NDT": "America/St_Johns",
    "EAT": "Africa/Nairobi",
    "WAT": "Africa/Lagos",
    "PKT": "Asia/Karachi",
    "PACIFIC": "America/Los_Angeles",
    "MOUNTAIN": "America/Denver",
    "CENTRAL": "America/Chicago",
    "EASTERN": "America/New_York",
}
_ZONE_ALT = "|".join(sorted((z for z in ZONES if z != "Z"), key=len, reverse=True))
#: An IANA zone name as people write it ("US/Pacific", "Europe/Berlin"), case-sensitive.
_IANA = r"(?-i:[A-Z][A-Za-z]+/[A-Z][A-Za-z_]+)"
_MONTH = (
    r"(?:jan(?:uary)?|feb(?:ruary)?|mar(?:ch)?|apr(?:il)?|may|june?|july?|aug(?:ust)?"
    r"|sep(?:t(?:ember)?)?|oct(?:ober)?|nov(?:ember)?|dec(?:ember)?)(?![a-z])\.?"
)  # whole names or abbreviations: "maybe 38" and "decided 3" are not dates
_DATE = (
    rf"(?:\d{{4}}-\d{{2}}-\d{{2}}|\d{{1,2}}/\d{{1,2}}/\d{{2,4}}|\d{{1,2}}-\d{{1,2}}-\d{{4}}"
    rf"|\d{{1,2}}\.\d{{1,2}}\.\d{{4}}(?!\.\d)"  # German / European "18.07.2024", day first
    rf"|\d{{1,2}}/{_MONTH}/\d{{2,4}}"
    rf"|{_MONTH}\s+\d{{1,2}}(?:st|nd|rd|th)?(?:,?\s+\d{{4}})?"
    rf"|\d{{1,2}}(?:st|nd|rd|th)?\s+{_MONTH}(?:,?\s+\d{{4}})?)"
)
_CLOCK = (
    r"(?:(?:[01]?\d|2[0-3])(?::[0-5]\d(?::[0-5]\d(?:\.\d+)?)?\s*(?:[ap]\.?m\.?)?|\s*[ap]\.?m\.?"
    r"|:[0-5]\d[ap](?![a-z]))"  # terse "9:15p", "12:03a"
    r"|(?:[01]\d|2[0-3])[0-5]\d[hH](?![\w-]|\s+of\b)"  # military "2205h", "0930H"
    r"|(?:1[0-2]|0?\d)\.[0-5]\d\s*[ap]\.?m\.?)"  # dotted "10.43pm", "2.05 p.m."
)
_OFFSET = r"(?:Z|[+-](?:[01]\d|2[0-3]):?[0-5]\d)"
#: "GMT+2", "UTC-07:00", "UTC+5:30": an offset written after UTC or GMT.
_GMT_OFFSET = r"(?:UTC|GMT)\s?[+\-−](?:1[0-4]|0?\d)(?::?[0-5]\d)?(?!\d)"
TIMESTAMP = re.compile(
    # not a signed offset said alone: "(our clocks are -03:00)", "offset +05:30"
    r"(?<![\s(\[][+\-−])(?<!^[+\-−])"
    rf"(?<![\w:.])(?:(?P<date>{_DATE})(?:[T\s,]+|:\s+|\s+at\s+))?(?P<clock>{_CLOCK})"
    # "22:00-02:00" with no date or seconds is a range, not 22:00 at UTC-2
    r"(?:(?(date)|(?:(?<=\d:\d\d:\d\d)|(?<!\d)|(?!-\d)))"
    rf"\s*\(?(?P<offset>{_GMT_OFFSET}|{_OFFSET})\)?|\s*\(?(?P<zone>{_ZONE_ALT}|{_IANA})\b\)?)?"
    r"(?!\w|:\d)",  # "paged at 13:47: SigningLatencyHigh" ends at the colon
    re.I,
)
#: "we're", "we are", "everyone's", "everyone here is": the team saying where its clock is.
_WE_ARE = r"(?i:we'?re|we are|everyone(?: here)?(?:'s| is))"
#: "All times UTC", "Timeline (PDT)", "times are in US/Pacific", "we're all on Eastern" — a
#: zone for the whole text.
ZONE_STATEMENT = re.compile(
    # the zone is said in the same sentence: "time (+02:00). The bot writes UTC" is not UTC
    r"(?:(?i:\b(?:times?|timeline|(?:time)?stamps?)\b)(?:(?![.!?]\s)[^\n]){0,40}?|"
    rf"\b{_WE_ARE}(?i:\s+(?:all\s+)?(?:(?:on|in)\s+(?:US\s+)?)?))"
    rf"(?:\b(?P<zone>{_GMT_OFFSET}|{_ZONE_ALT}|{_IANA}|Pacific|Eastern|Central|Mountain)"
    r"|(?<=\()(?P<offset>[+-](?:0\d|1[0-4]):?[0-5]\d)(?=\)))(?![\w+-])"
)
#: A zone written in brackets ahead of the clock times it tags: "impact (KST, 19:41 to 21:06)".
ZONE_TAG = re.compile(rf"\(\s*(?P<zone>{_ZONE_ALT})\s*[,:;]\s*\d{{1,2}}[:.]\d{{2}}")
#: "all times pacific", "times are eastern": a US region written in lower case.
REGION_STATEMENT = re.compile(
    r"\b(?:all\s+)?times?\s+(?:are\s+)?(?:in\s+)?(?:us\s+)?(?P<zone>pacific|eastern|central|mountain)\b",
    re.I,
)
#: "Oslo time", "Berlin local time", "all times Sydney time": a city named as the clock.
CITY_TIME = re.compile(
    r"\b(?P<city>[A-Z][a-z]+(?:[ _][A-Z][a-z]+)?)\s+(?:local\s+)?time\b|"
    r"\b(?i:all\s+times(?:\s+are)?(?:\s+in)?)\s+(?P<city2>[A-Z][a-z]+(?:[ _][A-Z][a-z]+)?)\b|"
    r"\b(?i:midnight|noon|morning|evening|night|\d{1,2}(?::\d{2})?\s*[ap]\.?m\.?)\s+"
    r"here\s+in\s+(?P<city3>[A-Z][a-z]+(?:[ _][A-Z][a-z]+)?)\b|"
    rf"\b{_WE_ARE}\s+all\s+in\s+"
    r"(?P<city4>[A-Z][a-z]+(?:[ _][A-Z][a-z]+)?)\b(?!\s+(?:office|team|for|on)\b)"
)  # "Oslo time", "all times London", "it's almost midnight here in Berlin"


@dataclass(frozen=True)
class TimeMention:
    """A timestamp in text: its span, the raw parts and whether a zone was written."""

    start: int
    end: int
    text: str
    date: str | None
    clock: str
    zone: str | None  # abbreviation or offset as written, None when absent

    @property
    def has_zone(self) -> bool:
        return self.zone is not None


def find_times(text: str) -> list[TimeMention]:
    """Every clock time in the text (``14:02``, ``2:02 PM PST``, ISO 8601 with zone...).

    Bare numbers ("3", "2024") are not times; "3pm" and "3 p.m." are.
    """
    out = []
    for m in TIMESTAMP.finditer(text):
        clock = m.group("clock").strip()
        if ":" not in clock and not re.search(r"[ap]\.?m|^\d{4}h$", clock, re.I):
            continue
        zone = m.group("offset") or m.group("zone")
        out.append(TimeMention(m.start(), m.end(), m.group(0), m.group("date"), clock, zone))
    return out


DATE = re.compile(rf"(?<![\w-]){_DATE}(?![\w-])", re.I)


def find_date(text: str) -> str | None:
    """The first calendar date written in the text, if any."""
    m = DATE.search(text)
    return m.group(0) if m else None


def zone_statement(text: str) -> str | None:
    """A zone stated for the whole text ("All times in UTC"), if any; a field label over a
    dated value ("Fired time (UTC): 2024-03-21T12:02:08Z" in an alert) is not one."""
    found = [
        m
        for m in ZONE_STATEMENT.finditer(text)
        if not _FIELD_VALUE.match(text, m.end())
        and not _ASKED.match(text, m.end())
        and not _YOURS.search(m.group(0))  # "(12:41 in your UTC view)"
    ]
    # "acu-1 logs Arizona time (-07:00) ... times in them UTC": one device's clock gives way
    # to a statement about the notes' times (plural)
    plural = [m for m in found if re.match(r"(?i)(?:time)?stamps|times|timeline", m.group(0))]
    # "heroku stamps are UTC (+00:00), my >> notes are Pacific time (PST)": the logs carry
    # their offsets; the zone the notes need is the one said of the notes themselves
    mine = [
        m
        for m in found
        if _OWN_NOTES.search(text, max(0, m.start() - 30), m.end())
    ]
    for m in mine[:1] or plural[:1] or found[:1]:
        return m.group("zone") or m.group("offset")
    tagged = ZONE_TAG.search(text)  # "impact (KST, 19:41 to 21:06)"
    if tagged:
        return tagged.group("zone")
    region = REGION_STATEMENT.search(text)
    if region:
        return region.group("zone").title()
    for m in CITY_TIME.finditer(text):
        named = m.group("city") or m.group("city2") or m.group("city3") or m.group("city4")
        city = city_zone(named)
        if city is not None:
            return city
    country = COUNTRY_TIME.search(text)
    if country:
        return _COUNTRY_ZONES[country.group(1).lower()]
    german = GERMAN_TIME.search(text)
    return _GERMAN_ZONES[german.group(1).lower()] if german else None


#: "IST" is India's, Ireland's (summer) or Israel's standard time; the notes say which.
_IST_OFFSET = re.compile(r"\bIST\s*(?:=|is|\()\s*(?:UTC|GMT)\s*\+\s*(\d{1,2})(?::?(\d\d))?")
_ISRAEL = re.compile(
    r"\b(?:Israeli?|Tel[ -]Aviv|Jerusalem|Haifa|Be'?er[ -]?Sheva|Eilat|Kibbutz|Moshav|shekels?)"
    r"\b|₪"
)
_IRELAND = re.compile(r"\b(?:Ireland|Irish|Dublin|Cork|Galway|Limerick)\b")


def stated_ist(zone: str, text: str) -> str:
    """The zone a stated "IST" means in these notes: an offset written with it ("IST = UTC+1"),
    else Israel or Ireland when the notes name them (and not the other), else India."""
    if zone.upper() != "IST":
        return zone
    written = _IST_OFFSET.search(text)
    if written:
        hours = int(written.group(1))
        return {1: "Europe/Dublin", 2: "Asia/Jerusalem", 3: "Asia/Jerusalem"}.get(hours, zone)
    israel, ireland = bool(_ISRAEL.search(text)), bool(_IRELAND.search(text))
    if israel != ireland:
        return "Asia/Jerusalem" if israel else "Europe/Dublin"
    return zone


#: "times are UK time", "Irish time", "Swiss time": a one-zone country named as the clock.
_COUNTRY_ZONES = {
    "uk": "Europe/London", "british": "Europe/London", "irish": "Europe/Dublin",
    "nl": "Europe/Amsterdam",
    "portuguese": "Europe/Lisbon", "japanese": "Asia/Tokyo", "korean": "Asia/Seoul",
    "austrian": "Europe/Vienna", "belgian": "Europe/Brussels", "czech": "Europe/Prague",
    "danish": "Europe/Copenhagen", "dutch": "Europe/Amsterdam", "finnish": "Europe/Helsinki",
    "french": "Europe/Paris", "german": "Europe/Berlin", "greek": "Europe/Athens",
    "hungarian": "Europe/Budapest", "israeli": "Asia/Jerusalem", "italian": "Europe/Rome",
    "norwegian": "Europe/Oslo", "polish": "Europe/Warsaw", "swedish": "Europe/Stockholm",
    "swiss": "Europe/Zurich", "vietnamese": "Asia/Ho_Chi_Minh", "thai": "Asia/Bangkok",
}  # fmt: skip
COUNTRY_TIME = re.compile(rf"\b({'|'.join(_COUNTRY_ZONES)})\s+(?:local\s+)?time\b", re.I)
#: The same said in German: "alle Zeiten Wiener Zeit", "Schweizer Zeit", "deutsche Zeit".
_GERMAN_ZONES = {
    "wiener": "Europe/Vienna", "österreichische": "Europe/Vienna", "berliner": "Europe/Berlin",
    "münchner": "Europe/Berlin", "hamburger": "Europe/Berlin", "deutsche": "Europe/Berlin",
    "deutscher": "Europe/Berlin", "zürcher": "Europe/Zurich", "schweizer": "Europe/Zurich",
}  # fmt: skip
GERMAN_TIME = re.compile(rf"\b({'|'.join(_GERMAN_ZONES)})\s+(?:Orts)?zeit\b", re.I)


#: The folders of the IANA database that hold city zones (not Etc/, posix/ ...).
_CITY_REGIONS = (
    "Africa", "America", "America/Argentina", "America/Indiana", "America/Kentucky",
    "America/North_Dakota", "Antarctica", "Arctic", "Asia", "Atlantic", "Australia", "Brazil",
    "Canada", "Chile", "Europe", "Indian", "Mexico", "Pacific", "US",
)  # fmt: skip


@lru_cache(maxsize=256)
def city_zone(city: str) -> str | None:
    """The IANA zone of a city people name as their clock ("Oslo" -> "Europe/Oslo"): the first
    ``<region>/<City>`` that exists, in name order. Tried one key at a time, so a phrase such
    as "Response time" costs a few file lookups, not a listing of the whole database."""
    from zoneinfo import ZoneInfo, ZoneInfoNotFoundError

    name = "_".join(w[:1].upper() + w[1:].lower() for w in re.split(r"[ _]+", city.strip()))
    for key in sorted(f"{region}/{name}" for region in _CITY_REGIONS):
        try:
            ZoneInfo(key)
        except (ZoneInfoNotFoundError, ValueError, OSError):
            continue
        return key
    return None


_FIELD_VALUE = re.compile(r"\)?\s*:\s*\d{4}-\d{2}-\d{2}")
#: A statement about the notes' own times: "my >> notes are Pacific time (PST)".
_OWN_NOTES = re.compile(r"\b(?:my|our) (?:\W+ )?(?:notes|remarks|comments)\b", re.I)
#: Someone else's clock: "12:41:07 in your UTC view".
_YOURS = re.compile(r"\byour\b", re.I)
#: The rest of a question: "are these times local or UTC? I'm in Lisbon" states no zone.
_ASKED = re.compile(r"[^.!?\n]{0,40}\?")


def _gmt_offset(name: str) -> tzinfo | None:
    """A fixed zone for "GMT+2" or "UTC-07:00" (the offset from UTC, as people mean it)."""
    m = re.fullmatch(r"(?:UTC|GMT)\s?([+\-−])(\d{1,2})(?::?(\d{2}))?", name.strip("() "), re.I)
    if m is None:
        return None
    sign = -1 if m.group(1) in "-−" else 1
    delta = timedelta(hours=int(m.group(2)), minutes=int(m.group(3) or 0))
    return timezone(sign * delta) if delta < timedelta(hours=15) else None


def zone_info(name: str | None) -> tzinfo | None:
    """A tzinfo for an abbreviation, offset or IANA name; None when unknown."""
    if not name:
        return None
    gmt = _gmt_offset(name)
    if gmt is not None:
        return gmt
    key = name.strip("() ").upper()
    if key in ZONES:
        return tz.gettz(ZONES[key])
    if re.fullmatch(_OFFSET, name.strip(), re.I):
        sign = -1 if name.strip().startswith("-") else 1
        digits = name.strip()[1:].replace(":", "")
        return timezone(sign * timedelta(hours=int(digits[:2]), minutes=int(digits[2:])))
    return tz.gettz(name)


def resolve(
    mention: TimeMention, default_date: date | None, default_zone: tzinfo | None
) -> datetime | None:
    """An aware UTC datetime for a mention, or None when no date or zone is known."""
    zone = zone_info(mention.zone) or default_zone
    try:
        base = datetime.combine(default_date or date(1900, 1, 1), datetime.min.time())
        raw = f"{mention.date or ''} {mention.clock}".strip()
        parsed = dtparser.parse(raw, default=base, fuzzy=True)
    except (ValueError, OverflowError):
        return None
    if mention.date is None and default_date is None:
        return None
    if zone is None:
        return None
    return parsed.replace(tzinfo=zone).astimezone(UTC)


# --- Dates and clock times for notes and chat logs (used by ``notes`` and ``summarize``) ---

_YEAR = r"(?:19|20)\d{2}"
DATE_PATTERN = re.compile(
    rf"\b(?:\d{{4}}-\d{{2}}-\d{{2}}"
    rf"|\d{{1,2}}/\d{{1,2}}/\d{{2,4}}"
    rf"|(?<![\d.])\d{{1,2}}\.\d{{1,2}}\.\d{{4}}(?!\.\d)"  # European "18.07.2024", day first
    rf"|\d{{1,2}}/{_MONTH}/\d{{2,4}}"
    rf"|{_MONTH}\s+\d{{1,2}}(?:st|nd|rd|th)?(?:,?\s+{_YEAR})?"
    rf"|\d{{1,2}}(?:st|nd|rd|th)?\s+{_MONTH}(?:,?\s+{_YEAR})?)(?![\d:])",
    re.I,
)
_AMPM = re.compile(r"[ap]\.?m\.?|(?<=\d)[ap](?![a-z])", re.I)


@dataclass(frozen=True)
class DateMention:
    """A calendar date written in text; ``ambiguous`` for day/month orders like 03/04/2024."""

    start: int
    end: int
    text: str
    value: date
    has_year: bool
    ambiguous: bool


@lru_cache(maxsize=4096)
def _parse_date(raw: str, year: int, dayfirst: bool = False) -> date | None:
    """dateutil's reading of a written date (cached: timelines repeat the same dates)."""
    try:
        return dtparser.parse(
            raw, default=datetime(year, 1, 1), fuzzy=True, dayfirst=dayfirst
        ).date()
    except (ValueError, OverflowError):
        return None


_NUMERIC_DATE = re.compile(r"(?<![\d/])(\d{1,2})/(\d{1,2})/(?:\d{4}|\d{2})(?![\d/])")


def day_first(text: str, zone: str | None) -> bool | None:
    """How the text's numeric dates (``12/03/2024``) are ordered: True for day/month, False
    for month/day, None when no date is ambiguous or nothing tells.

    A date that can only be one order (``14/03/2024``, ``3/14/2024``) decides for the whole
    text; else the notes' zone does: month/day in the Americas' zones (US exports and phones),
    day/month elsewhere (WhatsApp, Teams and spreadsheets in Europe, Asia, Australia).
    """
    pairs = [(int(a), int(b)) for a, b in _NUMERIC_DATE.findall(text)]
    if any(a > 12 >= b for a, b in pairs):
        return True
    if any(b > 12 >= a for a, b in pairs):
        return False
    if not any(a != b for a, b in pairs) or zone is None:
        return None
    if zone.strip("() ").upper() == "GMT":  # people who name GMT are in the UK or Ireland
        return True
    key = zone_key(zone)
    if key in ("UTC", "GMT") or key.startswith("Etc/"):
        return None
    return not key.startswith(("America/", "US/", "-"))


def find_dates(
    text: str, default_year: int | None = None, dayfirst: bool | None = None
) -> list[DateMention]:
    """Calendar dates in the text ("2024-03-05", "Mar 5", "16 January 2024", "3/5/24").

    ``dayfirst`` reads ambiguous numeric dates as day/month (see :func:`day_first`); they
    are still marked ``ambiguous``.
    """
    out = []
    for m in DATE_PATTERN.finditer(text):
        raw = m.group(0)
        has_year = bool(re.search(r"\d{4}|/\d{2,4}$", raw))
        numeric = re.fullmatch(r"\d{1,2}/\d{1,2}(?:/\d{2,4})?", raw) is not None
        dotted = re.fullmatch(r"\d{1,2}\.\d{1,2}\.\d{4}", raw) is not None
        value = _parse_date(raw, default_year or 2000, (bool(dayfirst) and numeric) or dotted)
        if value is None:
            continue
        if not has_year:
            year = _implied_year(text, m.start(), m.end(), value)
            if year is not None:
                value, has_year = value.replace(year=year), True
        ambiguous = False
        if re.fullmatch(r"\d+/\d+/\d+", raw):
            a, b = (int(x) for x in raw.split("/")[:2])
            ambiguous = a <= 12 and b <= 12 and a != b
        out.append(DateMention(m.start(), m.end(), raw, value, has_year, ambiguous))
    return out


_WEEKDAYS = ("mon", "tue", "wed", "thu", "fri", "sat", "sun")
#: A whole weekday name or its abbreviation ("Tue", "Tues", "Thurs", "Saturday"), never a word
#: that merely starts like one ("monitoring", "Sunny"); group 1 is its first three letters.
_WEEKDAY_ENDS = r"(?:day|s|sday|nesday|r|rs|rsday|urday)?(?![a-z])"
_WEEKDAY_NAME = rf"({'|'.join(_WEEKDAYS)}){_WEEKDAY_ENDS}"
#: ctime's year after the clock: "Mon Jul 08 23:00:02 2024" (IRC and syslog headers).
_CTIME_YEAR = re.compile(r"\s+\d{1,2}:\d{2}(?::\d{2})?\s+(\d{4})\b")


def _implied_year(text: str, start: int, end: int, value: date) -> int | None:
    """The year of a date written without one, when the text implies it: ctime's trailing
    year ("Jul 08 23:00:02 2024"), or the weekday before it ("Wednesday, June 12": the most
    recent year, up to next year, in which June 12 is a Wednesday)."""
    ctime = _CTIME_YEAR.match(text, end)
    if ctime:
        return int(ctime.group(1))
    before = text[max(0, start - 12) : start]
    day = re.search(rf"\b{_WEEKDAY_NAME}\.?,?\s*$", before, re.I)
    if day is None:
        return None
    wanted = _WEEKDAYS.index(day.group(1).lower())
    this_year = date.today().year
    for year in range(this_year + 1, this_year - 12, -1):
        try:
            if value.replace(year=year).weekday() == wanted:
                return year
        except ValueError:  # 29 February
            continue
    return None


def has_ampm(clock: str) -> bool:
    """True when a clock string says AM or PM."""
    return bool(_AMPM.search(clock))


def clock_time(clock: str) -> tuple[int, int, int] | None:
    """(hour, minute, second) of a clock string such as ``2:02 PM`` or ``03:26:41``."""
    m = re.match(r"\s*(\d{2})(\d{2})()[hH]\s*$", clock) or re.match(
        r"\s*(\d{1,2})(?:[:.](\d{2}))?(?::(\d{2}))?", clock
    )
    if not m:
        return None
    hour, minute, second = int(m.group(1)), int(m.group(2) or 0), int(m.group(3) or 0)
    ampm = _AMPM.search(clock)
    if ampm and hour > 12:  # "17:14pm": a 24-hour clock with a stray suffix
        ampm = None if ampm.group(0).lower().startswith("p") else ampm
        if ampm is not None:
            return None
    if ampm:
        pm = ampm.group(0).lower().startswith("p")
        hour = (hour % 12) + (12 if pm else 0)
    if hour > 23 or minute > 59 or second > 59:
        return None
    return hour, minute, second


def combine(
    day: date, hms: tuple[int, int, int], zone: tzinfo | None, written: str | None = None
) -> datetime:
    """A datetime from a day, a clock and a zone: aware UTC when the zone is known, else naive.

    A clock time that happens twice (the hour repeated when daylight saving ends) is the first
    one, unless the zone as ``written`` names the second ("02:06 AEST" after 03:00 AEDT).
    """
    local = datetime(day.year, day.month, day.day, *hms)
    if zone is None:
        return local
    first = local.replace(tzinfo=zone)
    name = written.strip("() ").upper() if written else None
    if name and first.tzname() != name:
        second = first.replace(fold=1)
        if second.tzname() == name:
            return second.astimezone(UTC)
        offset = _named_offset(zone, day.year, name)
        if offset is not None:  # "03:00 AEDT" at the switch to AEST: the offset it names
            return (local - offset).replace(tzinfo=UTC)
    return first.astimezone(UTC)


def _named_offset(zone: tzinfo, year: int, name: str) -> timedelta | None:
    """The UTC offset the zone has when its abbreviation is ``name`` (its winter or summer
    offset of that year), or None."""
    for month in (1, 7):
        probe = datetime(year, month, 1, 12, tzinfo=zone)
        if probe.tzname() == name:
            return probe.utcoffset()
    return None


def other_fold(stamp: datetime, zone: tzinfo | None) -> datetime | None:
    """The same local clock time in the zone's other offset when it happens twice (the repeated
    hour when daylight saving ends), as UTC; None when it happens once."""
    if zone is None or stamp.tzinfo is None:
        return None
    local = stamp.astimezone(zone).replace(tzinfo=None)
    times = {local.replace(tzinfo=zone, fold=f).astimezone(UTC) for f in (0, 1)}
    times.discard(stamp.astimezone(UTC))
    return times.pop() if times else None


def zone_name(zone: tzinfo | None) -> str | None:
    """A readable name for a tzinfo (IANA key when dateutil knows it)."""
    if zone is None:
        return None
    name = getattr(zone, "_filename", None) or str(zone)
    if isinstance(name, str) and "zoneinfo/" in name:
        name = name.split("zoneinfo/", 1)[1]
    return str(name)


def format_utc(stamp: datetime | None, with_date: bool = True) -> str:
    """``2024-03-05 14:02 UTC`` for aware times; naive times say the zone is unknown."""
    if stamp is None:
        return "unknown"
    fmt = "%Y-%m-%d %H:%M" if with_date else "%H:%M"
    if stamp.second:
        fmt += ":%S"
    if stamp.tzinfo is None:
        return f"{stamp.strftime(fmt)} (local time, zone not stated)"
    return f"{stamp.astimezone(UTC).strftime(fmt)} UTC"


def resolve_date(written: str) -> date | None:
    """A calendar date from text such as "2024-03-05", "Mar 5, 2024" or "07-30-2023"."""
    try:
        return dtparser.parse(written, default=datetime(2000, 1, 1), fuzzy=True).date()
    except (ValueError, OverflowError):
        return None


# --- Stamps that open or close a line of a timeline (used by ``notes``) ---

_WEEKDAY = rf"(?:{'|'.join(_WEEKDAYS)}){_WEEKDAY_ENDS}\.?,?\s+"
_ZONE_TAIL = rf"(?:\s*\(?(?:{_GMT_OFFSET}|{_OFFSET})\)?|\s*\(?(?:{_ZONE_ALT}|{_IANA})\b\)?)?"
_STAMP = (
    rf"(?:{_WEEKDAY})?(?:(?P<date>{_DATE})(?:(?:[T\s,]+|:\s+|\s+at\s+)~?(?P<clock>{_CLOCK}))?"
    rf"|~?(?P<lone>{_CLOCK})){_ZONE_TAIL}"
    rf"(?:\s*(?:-|–|—|to)\s*~?{_CLOCK}{_ZONE_TAIL})?"  # a range: the start is the stamp
)
#: A stamp at the start of a line, after a bullet and markup: "- **14:05**", "| 2024-03-05 16:06 |".
LEADING_STAMP = re.compile(
    rf"^\s*(?:[-*+•]\s+|\d{{1,3}}[.)]\s+)?(?:\*\*|__|`|\[)?\s*(?P<stamp>{_STAMP})(?![\w/]|:\d)"
    r"(?:,\s*\d{1,2}/\d{1,2}/\d{2,4}(?=\]))?"  # WhatsApp's copy: "[23:40, 13/11/2025] Marco: .."
    r"\s*(?:\*\*|__|`|\])?\s*:?\s*(?:\*\*|__|`|\])?\s*(?:[-–—|:]\s*)?(?P<rest>.*)$",
    re.I,
)
#: A stamp closing a short ``key: value`` line: "First detected 2023-11-02 15:31",
#: "**Resolved:** 14:20 UTC", "Rollback done (4 May ~09:10 UTC)".
TRAILING_STAMP = re.compile(
    rf"^(?P<rest>(?:\S+\s+){{0,5}}?\S*[A-Za-z*_`:)]+?(?<!\bat)(?<!\bby)(?<!\buntil)(?<!\baround)"
    rf"(?<!\bsince)(?<!\bbefore)(?<!\bafter)(?<!\bfrom)(?<!\bto)(?<!\babout))"
    rf"[\s:*_(`~-]+(?P<stamp>{_STAMP})[\s)*_`.]*$",
    re.I,
)


def stamp_text(match: re.Match[str]) -> str:
    """The stamp of a LEADING/TRAILING_STAMP match as written, without a range end or '~'."""
    stamp = match.group("stamp")
    cut = re.search(rf"\s*(?:-|–|—|to)\s*~?{_CLOCK}(?P<z>{_ZONE_TAIL})$", stamp, re.I)
    if cut and (match.group("clock") or match.group("lone")):
        head = stamp[: cut.start()]
        own = find_times(head)
        stamp = head if own and own[0].zone else f"{head} {cut.group('z').strip()}"
    stamp = stamp.replace("~", "").strip()
    if stamp.endswith(")") and "(" not in stamp:
        stamp = stamp[:-1].strip()
    return stamp


def stamp_has_clock(match: re.Match[str]) -> bool:
    return bool(match.group("clock") or match.group("lone")) and bool(find_times(stamp_text(match)))


def zone_key(name: str) -> str:
    """One key per zone however it is written ("PT", "PDT" -> America/Los_Angeles)."""
    gmt = _gmt_offset(name)
    if gmt is not None:
        return str(gmt)
    key = name.strip("() ").upper()
    if key in ZONES:
        return ZONES[key]
    if re.fullmatch(_OFFSET, name.strip(), re.I):
        return "UTC" if key == "Z" else key.replace(":", "")
    return name.strip("() ")


def written_zones(text: str) -> list[str]:
    """Zones written next to clock times in the text, in order (as written)."""
    return [m.zone for m in find_times(text) if m.zone]
