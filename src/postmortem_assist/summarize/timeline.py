"""Timeline events and the key times: start, detection, mitigation, resolution."""

from __future__ import annotations

import re
from collections import Counter
from dataclasses import dataclass
from datetime import UTC, datetime, timedelta
from typing import Any

from ..notes import Message, Notes
from ..times import format_utc
from . import cues
from .derive import KEY_ROLES, Roles, indices
from .facts import IMPACT_SECTION
from .line_roles import COARSE, ROLES, pick_keys
from .model import Event, KeyTime

ACTION_SECTIONS = re.compile(
    r"\bfollow|\btodo|\bto[- ]dos?\b|\baction|what we'?ll do\b|next steps|corrective|prevent|"
    r"lessons",
    re.I,
)


@dataclass
class Timed:
    """A message and the time it stands for (its own, or one written inside it)."""

    msg: Message
    time: datetime


def comparable(stamp: datetime) -> datetime:
    """Aware datetimes in UTC and naive ones as they are, made comparable for sorting."""
    return stamp.astimezone(UTC).replace(tzinfo=None) if stamp.tzinfo else stamp


def display(stamp: datetime | None, undated: bool = False) -> str:
    """A time for people: ``2024-03-05 14:02 UTC`` (date left out when the notes give none)."""
    return format_utc(stamp, with_date=not undated)


def in_actions(msg: Message) -> bool:
    """True for messages inside a follow-up / action list."""
    return bool(msg.section and ACTION_SECTIONS.search(msg.section))


def time_of(msg: Message, near: int = 0) -> datetime | None:
    """The message's own time, else the written time nearest to offset ``near``."""
    if msg.time is not None:
        return msg.time
    if not msg.inline:
        return None
    return min(msg.inline, key=lambda it: abs(it[0] - near))[2]


#: How far back a time written in a message may report a moment ("rolled back at 10:22",
#: posted at 10:24): further back it is history ("the deploy at 09:00 yesterday").
REPORTED_WITHIN = timedelta(hours=3)


_SENTENCE_END = re.compile(r"[.;!?](?:\s|$)")
#: Words that start another clause between a cue and a time further on: "noticed the hit rate
#: had fallen off a cliff at 2:15" (2:15 is when it fell, not when it was noticed).
_OTHER_CLAUSE = re.compile(r"\b(?:had|has|have|was|were|is|are|since|from|when|after)\b", re.I)


#: "since" right before a time: the time starts a period, it is not the cue's own moment.
_SINCE = re.compile(r"\b(?:since|from)\s+(?:about\s+|around\s+|~)?$", re.I)


def event_time(msg: Message, cue: int) -> datetime | None:
    """When the event a cue at offset ``cue`` names happened.

    A time written right after the cue belongs to it ("all clear at 15:40" in a line that
    also says "reverted at 14:31"); else the last time written before it, leaving out times
    in brackets, which restate a moment in another zone ("reverted at 14:31 CET (09:31
    here). 429s dropping"). A message stamped later
    than the moment it reports ("Rolled back to v41 at 10:22", posted 10:24:47) gives the
    written time; otherwise the message's own time.
    """
    after = [
        t
        for pos, _, t in msg.inline
        if _SINCE.search(msg.text, max(0, pos - 14), pos) is None  # "first booking since 07:02"
        and 0 <= pos - cue <= 80
        and not _SENTENCE_END.search(msg.text, cue, pos)
        and (pos - cue <= 40 or not _OTHER_CLAUSE.search(msg.text, cue, pos))
    ]
    main = [(pos, t) for pos, _, t in msg.inline if not _in_parens(msg.text, pos)]
    # a stamped message's earlier sentence tells another moment ("the 15:15 run was clean
    # too. all clear, INC-7734 resolved" posted 15:22: the close is 15:22)
    before = [
        t
        for pos, t in main
        if pos < cue and (msg.time is None or not _SENTENCE_END.search(msg.text, pos, cue))
    ]
    # a time written only further on, past the cue's sentence, is another moment; the
    # message's own stamp tells when the cue happened ("03:19 paged. first timeouts at 03:14")
    later = main[0][1] if main and msg.time is None else None
    written = after[0] if after else before[-1] if before else later
    if msg.time is None:
        return written
    if written is not None and timedelta(0) < (
        comparable(msg.time) - comparable(written)
    ) <= REPORTED_WITHIN:
        return written
    return msg.time


def _listed_after_header(msgs: list[Message]) -> set[int]:
    """Chat messages that list follow-ups one per message under their author's "follow-ups,
    will file them:" ("- a failed nightly publish pages the on-call (piet, INFRA-2292)")."""
    out: set[int] = set()
    author: str | None = None
    for msg in msgs:
        if cues.ACTION_HEADER.match(msg.text) and msg.author:
            author = msg.author
        elif author is not None and msg.author == author and cues.LIST_ITEM.match(msg.text):
            out.add(id(msg))
        elif msg.author == author:
            author = None
    return out


def candidates(notes: Notes) -> list[Message]:
    """Messages that can be events: not noise, not headings, not action-list lines."""
    listed = _listed_after_header(notes.messages)
    return [
        m
        for m in notes.messages
        if m.author != "#heading"
        and not cues.is_noise(m.text)
        and not in_actions(m)
        and not cues.ACTION_HEADER.match(m.text)
        and id(m) not in listed
    ]


def _before(a: datetime, b: datetime | None, slack_minutes: int = 0) -> bool:
    return b is None or comparable(a) <= comparable(b) + _minutes(slack_minutes)


def _minutes(n: int) -> timedelta:
    return timedelta(minutes=n)


def _key(msg: Message, stamp: datetime, undated: bool) -> KeyTime:
    return KeyTime(
        text=msg.text, source=msg.ref, line=msg.line, time=stamp, display=display(stamp, undated)
    )


def _retrospective(msg: Message) -> bool:
    """A message that reports an earlier moment ("rev 88 applied at 13:58")."""
    return msg.time is not None and any(
        comparable(t) < comparable(msg.time) - _minutes(2) for _, _, t in msg.inline
    )


#: A report whose own time is written with its verb: "phoned me at 14:03", "called at 20:38"
#: (the time of the contact, not of an earlier symptom as in "hangs since 21:09").
TOLD_CONTACT = re.compile(
    r"(?:\b(?:called|phoned|rang|emailed|messaged|pinged|flagged)\b"
    r"(?:\s+(?:me|us|in|it|the \w+ desk))?"
    r"|\bfirst (?:phone )?(?:call(?:er)?|ticket|chat)(?: was| came(?: in)?)?)"
    r"\s+(?:at|around)\s+~?\d{1,2}:\d{2}",
    re.I,
)
#: Someone telling the responders: "pings me", "messaged us", "called the desk", "Jerome on
#: the radio: lanes 5-8 printers ...".
TOLD_US = re.compile(
    r"\b(?:pings?|pinged|called|calls|phoned|rang|emailed|messaged|told|tells|DMed|DMs)\s+"
    r"(?:me|us|the (?:[\w-]+ ){0,2}(?:desk|on-?call|team|bridge))\b|\bin #[\w-]+\s*[:\"“]|"
    rf"{cues.POSTED_IN}|{cues.DESK_GETS}|"
    r"\b(?:calls?|called|phoned|rang|rings) (?:our|the) (?:[\w-]+ )?"
    r"(?:hotline|help ?(?:desk|line)|desk|support|on-?call)\b|"
    r"\bon the radio\s*:|\bradioed\b|"
    rf"\b{cues.FIRST_WHO}(?:call(?:er)?|ticket|complaint|chat|WhatsApp|DM|text|message)\b|"
    r"\b(?:rang|rings|phoned|called)(?=\s*[(:,]|\s*$)|"  # "Tonbridge depot rang (Gary): ..."
    + cues.CALL_FROM,
    re.I,
)
#: Someone outside telling support: "Wattle Creek PS phoned support at 9:19 AM", "CS chat: a
#: customer in Bundang writes that her address ...".
TOLD_BY = re.compile(
    r"\b(?:customers?|users?|members?|clients?|parents?|guests?|drivers?|"
    r"clinics?|schools?|PS|support|CS)\b[^.;\"“(]{0,40}?\b(?:writes|wrote|phoned|called|calling|rang|"
    r"emailed|messaged|says|said|complains?|complained)\b|"
    r"\b(?:support )?ticket [A-Z]+-\d+ from\b",  # "Support ticket SUP-20931 from Van Leeuwen"
    re.I,
)
#: A responder noticing it themselves: "seen on the dashboard, this issue opened".
NOTICED = re.compile(
    r"\b(?:noticed|notices|spotted|seen|saw|sees)\b|\bon the (?:[\w-]+ ){0,2}dashboards?\b|"
    r"\bopen(?:ed|s)? (?:an? |this |the )?(?:incident|issue|INC-?\d+)|"
    r"\b(?:issue|incident) (?:was )?opened\b|\b(?:e-?mail|mail|message) (?:reaches|reached) us\b",
    re.I,
)
#: An alert's start field right before a time: "Started: 2024-01-23 22:19:44 CET", "startsAt=".
ALERT_STARTED = re.compile(
    r"\b(?:started|starts ?at|fired at|triggered at|first seen|created)\s*[:=]?\s*"
    r"(?:\d{4}-\d{2}-\d{2}[ T]|\d{1,2}/\d{1,2}/\d{2,4},? )?\Z",
    re.I,
)
#: How soon after a first alert or report a message may still tell when it happened.
TOLD_WITHIN = timedelta(minutes=10)


#: A cue denied by its subject: "Nobody notices anything", "no one noticed".
_NOBODY = re.compile(r"\b(?:nobody|no one|no-one|none of us)\s+(?:\w+\s+)?\Z", re.I)
#: A line that sums up the impact ("Impact: ... 486 hotline calls"), not a report.
_IMPACT_LINE = re.compile(r"^\W{0,3}(?:total\s+)?impact\b", re.I)
#: A drill: "weekly PagerDuty test page", "test alert from the new rule".
_TEST_PAGE = re.compile(r"\btest (?:page|alert|alarm|notification|incident)s?\b", re.I)
#: A line that ends by saying all was well: a routine check, not a report of trouble.
_ALL_FINE = re.compile(
    r"\b(?:fine|all good|no issues?|nothing (?:unusual|wrong)|"
    r"not (?:ours|us|our (?:issue|problem)))\W*$",
    re.I,
)  # "all 214 buses reported. fine.", "2 accidents reported near km 187, not ours"


def find_detection(msgs: list[Message], undated: bool) -> KeyTime | None:
    """The first alert/page; a human report wins when someone posts it in the channel
    before the alert fires ("support: twitter is filling up with 403 screenshots"), but not
    a symptom logged after the fact ("14:12 first app store review complaining")."""
    firsts: list[tuple[KeyTime, Message]] = []  # the first alert, then the first report
    for pattern in (cues.ALERT, cues.REPORT):
        first: tuple[KeyTime, Message] | None = None
        for msg in msgs:
            m = pattern.search(msg.text)
            if not m or cues.HYPOTHESIS.search(msg.text[: m.start()]):
                continue
            if _NOBODY.search(msg.text, max(0, m.start() - 20), m.start()):
                continue  # "Nobody notices anything": no one told us
            if _TEST_PAGE.search(msg.text):
                continue  # "weekly PagerDuty test page, acked": a drill, not the incident
            if pattern is cues.REPORT and _ALL_FINE.search(msg.text, m.end(), m.end() + 60):
                continue  # a routine check: "all 214 buses reported. fine." (not "... 23 more
                # since. All on the desktop app, the two web-classroom teachers are fine.")
            if pattern is cues.REPORT and _IMPACT_LINE.match(msg.text):
                continue  # "Impact: 3,118 mails bounced; 486 hotline calls": a count, later
            stamp = event_time(msg, m.start())
            if pattern is cues.ALERT:  # the alert's own field: "[FIRING:1] ... Started: 22:19:44"
                started = [
                    t
                    for pos, _, t in msg.inline
                    if ALERT_STARTED.search(msg.text, max(0, pos - 30), pos)
                    and (msg.time is None or comparable(t) <= comparable(msg.time))
                ]
                stamp = started[0] if started else stamp
            else:
                started = []
            if stamp is None:
                continue
            if first is None:
                first = (_key(msg, stamp, undated), msg)
                continue
            # a message posted just after the first that tells its moment ("Casa Telmo just
            # called me", then "they called at 20:38"): the time written with the cue wins
            posted, first_posted = msg.time, first[1].time or first[0].time
            if posted is None or first_posted is None:
                break
            if comparable(posted) - comparable(first_posted) > TOLD_WITHIN:
                break
            told = [t for pos, _, t in msg.inline if 0 < pos - m.end() <= 6] + started
            if told and comparable(told[0]) < comparable(first[0].time):  # type: ignore[arg-type]
                first = (_key(msg, told[0], undated), msg)
                break
        if first is not None:
            firsts.append(first)
    if len(firsts) == 2 and comparable(firsts[1][0].time) < comparable(firsts[0][0].time):  # type: ignore[arg-type]
        (alert, _), (report, report_msg) = firsts
        recap = alert.source == report.source  # one line telling both moments
        # a person's report counts when it was posted before the alert, not when it retells
        # an earlier symptom afterwards ("store says checkouts hang since 21:09")
        posted = report_msg.time or report.time
        person = bool(report_msg.author) and not cues.BOT_AUTHOR.search(report_msg.author or "")
        # a notes bullet with no author counts when someone told the team ("12:55 Svenja pings
        # me: hotline getting calls"), not when it logs a symptom ("first app store review")
        person = person or (
            not report_msg.author
            and bool(
                TOLD_US.search(report_msg.text)
                or NOTICED.search(report_msg.text)
                or TOLD_CONTACT.search(report_msg.text)  # "night supervisor rang at 22:31"
                or TOLD_BY.search(report_msg.text)  # "a customer in Bundang writes that ..."
            )
        )
        if recap or (person and comparable(posted) < comparable(alert.time)):  # type: ignore[arg-type]
            return report
        if person and TOLD_CONTACT.search(report_msg.text):
            return report  # "Leeds DC phoned me at 14:03", posted after the 14:05 alert
    return firsts[0][0] if firsts else None


#: A change or maintenance window announced ahead: its time range is a plan, not impact.
PLANNED_WINDOW = re.compile(
    r"\b(?:tomorrow|tonight|scheduled|planned|upcoming|maintenance window|change window)\b", re.I
)


#: A setting moved from one clock time to another just before a range: "moved the order
#: cutoff for the two regions from 23:00 to 23:30".
SETTING_MOVED = re.compile(
    r"\b(?:mov|chang|shift|push|extend|rais|lower|bump|adjust|delay|postpon)\w*\s+"
    r"(?:[\w-]+\s+){0,8}$",
    re.I,
)


def find_start(msgs: list[Message], detected: KeyTime | None, undated: bool) -> KeyTime | None:
    """First symptom or impact: the earliest impact window's start or onset cue."""
    limit = detected.time if detected else None
    ranged: list[KeyTime] = []
    onset: list[KeyTime] = []
    for msg in msgs:
        if (
            msg.time is not None
            and msg.time_text
            and msg.section
            and IMPACT_SECTION.search(msg.section)
            and re.search(r"\d\s*%|fail|error|zero|down|n't|cannot|\bno\b", msg.text, re.I)
            and _before(msg.time, limit)
        ):  # "impact: - 9:03p–9:53p: ~6,800 paying viewers couldn't start the stream"
            ranged.append(_key(msg, msg.time, undated))
        for m in cues.RANGE.finditer(msg.text):
            inside = [t for pos, _, t in msg.inline if m.start() <= pos < m.end()]
            impactish = re.search(
                r"\d\s*%|fail|error|impact|zero|5\d\d|4\d\d|down|block|n't|cannot",
                msg.text,
                re.I,
            ) or bool(msg.section and IMPACT_SECTION.search(msg.section))
            planned = PLANNED_WINDOW.search(msg.text)  # "CHG0031877 tomorrow 7:30-8:00 AM"
            # a setting moved "from 23:00 to 23:30" (an order cutoff) is not an impact window
            planned = planned or SETTING_MOVED.search(msg.text, 0, m.start())
            if inside and impactish and not planned and _before(inside[0], limit):
                ranged.append(_key(msg, inside[0], undated))
        for m in cues.ONSET.finditer(msg.text):
            after = [  # "first file rejected (8:12 AM in New York)": another zone's reading
                t
                for pos, _, t in msg.inline
                if 0 <= pos - m.end() <= 40
                and (not _in_parens(msg.text, pos) or _in_parens(msg.text, m.start()))
            ]
            if after:
                stamp = after[0]
            elif msg.time is not None and not cues.HYPOTHESIS.search(msg.text):
                stamp = msg.time
            else:
                continue
            if _before(stamp, limit):
                onset.append(_key(msg, stamp, undated))
    pool = ranged + onset  # the earliest: "first timeouts at 2:49" before "calls 3:00-4:30"
    if not pool:
        return None
    return min(pool, key=lambda k: comparable(k.time))  # type: ignore[arg-type]


def _in_parens(text: str, pos: int) -> bool:
    """True when offset ``pos`` is inside an open round bracket."""
    return text.rfind("(", 0, pos) > text.rfind(")", 0, pos)


def _alert_clearing(msg: Message) -> bool:
    """A monitor clearing its alert ("[RESOLVED] HighErrorRate") or any line of a bot."""
    return bool(cues.ALERT_CLEARED.search(msg.text)) or bool(
        msg.author and cues.BOT_AUTHOR.search(msg.author)
    )


_STATUS_PAGE = re.compile(r"\bstatus ?page\b", re.I)


def _closing(text: str) -> bool:
    """A line that closes the incident ("incident declared resolved", "all clear"), not one
    that only says service is back ("back to normal", "recovered")."""
    return bool(cues.RESOLVED.search(text)) and bool(cues.CLOSING.search(text))


#: A purpose clause just before a recovery cue: what a proposed fix is for, not a state.
_PURPOSE = re.compile(r"\b(?:so that|so|in order to|to make)\s+(?:[\w.'’-]+\s+){0,4}$", re.I)
#: The rest of the users just before a recovery cue: "everyone else is booking normally".
_OTHERS = re.compile(r"\b(?:everyone|everybody|everything|anyone|anybody) else\b", re.I)
#: A setting right before "back to": "idle timeout back to 3600 s", "max replicas back to 8".
_SETTING_BACK = re.compile(
    r"\b(?:timeouts?|limits?|ttl|thresholds?|settings?|config\w*|values?|intervals?|window|"
    r"size|max\w*|min\w*|quotas?|replicas?|capacity|cap)\s+(?:is\s+|are\s+|was\s+)?\Z",
    re.I,
)
#: A verb that moves something "back to" a version or setting, a few words before it.
_MOVED_BACK = re.compile(
    r"\b(?:roll\w*|revert\w*|scal\w*|set|dial\w*|mov\w*|pinn\w*|switch\w*|downgrad\w*)"
    r"\s+(?:[\w.@-]+\s+){1,3}$",
    re.I,
)


#: "since" right after a recovery cue: the time it names is when the recovery began.
_RIGHT_SINCE = re.compile(r"(?<=since )|\s*since\s+(?:about\s+|around\s+|~)?", re.I)


_COMPLAINT = re.compile(r"\b(?:n't|not|no|just|still|error|fail\w*|beeps?|stuck)\b", re.I)


def _quoted_complaint(text: str, start: int, end: int) -> bool:
    """True when a cue at ``start:end`` is inside a quoted complaint ('"it just beeps and
    shows PAY again"'), not a quoted all-clear ('"the website is working again"')."""
    before = text[:start]
    if before.count('"') % 2 == 1:
        opened = before.rfind('"')
    elif before.count("“") > before.count("”"):
        opened = before.rfind("“")
    else:
        return False
    return bool(_COMPLAINT.search(text, opened, end))


#: A failure still told before a "works fine" in the same message.
_FAILING = re.compile(
    r"\b(?:[45]\d\d|fail\w*|errors?|reject\w*|denied|refused|broken|insufficient\w*)\b", re.I
)


def find_mitigation(msgs: list[Message], after: datetime | None, undated: bool) -> KeyTime | None:
    """When impact ended: the first recovery after detection ("unlocks succeeding again",
    "error rate back to 0.1%"); else the first completed fix ("rev 87 live", "revert
    applied")."""
    for pattern in (cues.RECOVERY, cues.MITIGATED):
        for msg in msgs:
            m = pattern.search(msg.text)
            if not m or cues.IN_PROGRESS.search(msg.text):
                continue
            if cues.HYPOTHESIS.search(msg.text) or msg.text.rstrip().endswith("?"):
                continue
            if cues.NOT_RECOVERED.search(msg.text):
                continue  # "relay still saturated, not fixed"
            if pattern is cues.RECOVERY and _STATUS_PAGE.search(msg.text[: m.start()]):
                continue  # 'Corvane status page: "All Systems Operational"': a page, not us
            since = _RIGHT_SINCE.match(msg.text, m.end())
            if pattern is cues.RECOVERY and _closing(msg.text) and since is None:
                continue  # a closing line ("back to baseline, incident closed") is the end,
                # unless it tells when things worked again ("all clear. saves ok since 21:05")
            if cues.NO_EFFECT.search(msg.text) or cues.FAKE_RECOVERY.search(msg.text):
                continue  # "rolled back anyway, 403s unchanged": a fix that did not help
            if _alert_clearing(msg):
                continue  # a monitor clearing its own alert is not people seeing it work
            if pattern is cues.RECOVERY and cues.RULED_OUT.search(msg.text[: m.start()]):
                continue  # "ruled that out ... a trial key works fine": a test, not recovery
            if pattern is cues.RECOVERY and _MOVED_BACK.search(msg.text[: m.start()]):
                continue  # "roll keysvc back to 4.11.3": a version, not a level
            if (
                pattern is cues.RECOVERY
                and m.group(0).lower().startswith("back")
                and _SETTING_BACK.search(msg.text[: m.start()])
            ):
                continue  # "idle timeout back to 3600 s": a setting restored, not service
            if pattern is cues.RECOVERY and _PURPOSE.search(msg.text[: m.start()]):
                continue  # "give the column a default so 4.9's inserts work again": a plan
            if pattern is cues.RECOVERY and _OTHERS.search(msg.text[: m.start()]):
                continue  # "everyone else is booking normally": the contrast, not recovery
            if (
                pattern is cues.RECOVERY
                and "fine" in m.group(0).lower()
                and _FAILING.search(msg.text, 0, m.start())
            ):
                continue  # "every push comes back 403. reads work fine": the part that works
            if pattern is cues.RECOVERY and _quoted_complaint(msg.text, m.start(), m.end()):
                continue  # a complaint quoted: '"machine just beeps and shows PAY again"'
            stamp = event_time(msg, m.start())
            if since is not None:  # "serving fresh content since 09:53", "running again since"
                stamp = next((t for pos, _, t in msg.inline if pos == since.end()), stamp)
            if stamp is not None and (after is None or comparable(stamp) >= comparable(after)):
                return _key(msg, stamp, undated)
    return None


#: "Resolving." announces the close; the tracker's "status to Resolved" soon after records it.
ANNOUNCED_CLOSE = re.compile(r"\bresolving\b(?!.*\b(?:resolved|closed|all[- ]clear)\b)", re.I)
#: A weak end ("recovered", "back to normal") gives way to an explicit close this soon after.
CLOSED_WITHIN = timedelta(hours=3)


def _within(a: KeyTime, b: KeyTime, span: timedelta) -> bool:
    if a.time is None or b.time is None:
        return False
    return timedelta(0) <= comparable(b.time) - comparable(a.time) <= span


def find_resolution(msgs: list[Message], after: datetime | None, undated: bool) -> KeyTime | None:
    """The first "resolved" / "back to baseline" after mitigation (or detection)."""
    previous: dict[tuple[str, int], datetime] = {}
    found: list[tuple[KeyTime, bool, bool]] = []  # (key time, alert clearing, weak cue)
    cleared: dict[tuple[str, int], datetime | None] = {}
    # "All clear, closing INC-4470." in a mail with no time of its own: the mail's time, unless
    # the same mail times the close ("Closing this out. We closed the incident at 11:45 PM")
    timed_mails = {
        (msg.source, msg.block)
        for msg in msgs
        if msg.sent is not None
        and (m := cues.CLOSING.search(msg.text))
        and event_time(msg, m.start())
    }
    for msg in msgs:
        m = cues.RESOLVED.search(msg.text)
        stamp = event_time(msg, m.start()) if m else time_of(msg, len(msg.text))
        key = (msg.source, msg.paragraph)
        if m and stamp is None and (msg.source, msg.block) not in timed_mails:
            stamp = msg.sent  # before a time told in the sentence before ("received at 22:40")
        if m and stamp is None and msg.time_text is None:
            stamp = previous.get(key)  # "That was the end of the incident." after a time
        if stamp is not None:
            previous[key] = stamp
        if not m or stamp is None or msg.text.rstrip().endswith("?"):
            continue
        if msg.text[m.end() : m.end() + 2].startswith("?"):
            continue  # "resolved?? did someone fix something"
        if cues.FAKE_RECOVERY.search(msg.text):
            continue  # "that resolved is fake, ... buffering to disk"
        if _IMPACT_LINE.match(msg.text):
            continue  # "Impact: 1,847 failed logins ... between 4:52 and 8:52": a tally
        if after is None or comparable(stamp) >= comparable(after):
            alert = _alert_clearing(msg)
            if alert:
                cleared[key] = msg.time
            elif key in cleared and (None in (msg.time, cleared[key]) or cleared[key] == msg.time):
                alert = True  # the alert's own lines ("Resolved at: ..."), same post
            weak = (
                not cues.CLOSING.search(msg.text)
                or bool(cues.PROVIDER_STATUS.search(msg.text))
                or bool(ANNOUNCED_CLOSE.search(msg.text))
            )
            found.append((_key(msg, stamp, undated), alert, weak))
    # An alert clearing on its own ("[RESOLVED] SearchZeroResultRateHigh") is not the end of the
    # incident when people declare the end later, nor is the recovery moment itself ("rolled
    # back at 10:22, latency back to normal") when a later line closes the incident.
    people = [(k, weak) for k, alert, weak in found if not alert]
    for n, (k, weak) in enumerate(people):
        recovery = after is not None and comparable(k.time) == comparable(after)  # type: ignore[arg-type]
        closing = [c for c, w in people[n + 1 :] if not w]
        if weak and (recovery or (closing and _within(k, closing[0], CLOSED_WITHIN))):
            continue  # "monitor recovered" at 3:21, "incident over" at 3:47: the close
        return k
    return found[-1][0] if found else None


#: A negation right before a cue: "Nothing is fixed", "not restored yet".
_NEGATED = re.compile(r"\b(?:not|nothing(?: is| was|'s)?|never|n't)\s+(?:yet\s+)?\Z", re.I)


def classify_event(msg: Message) -> tuple[str, bool]:
    """(type, misleading) of one message from its cues."""
    text = msg.text
    if cues.RESOLVED.search(text) and not text.rstrip().endswith("?"):
        return "resolution", False
    if cues.ALERT.search(text):
        return "detection", False
    done = cues.MITIGATED.search(text)
    if (
        done
        and not _NEGATED.search(text[max(0, done.start() - 20) : done.start()])
        and not _retrospective(msg)
        and not cues.HYPOTHESIS.search(text)
    ):
        return "mitigation", False
    if cues.FIX_ACTION.search(text) and not _retrospective(msg) and not text.rstrip().endswith("?"):
        return "mitigation", False
    if cues.RECOVERY.search(text) and not cues.NOT_RECOVERED.search(text):
        return "mitigation", False  # impact ended ("p99 back under 400 ms")
    if cues.IN_PROGRESS.search(text) and re.search(
        r"\b(?:roll|revert|restart|disable|scale|fail ?over|sign|setting|drain|paus|throttl)",
        text,
        re.I,
    ):
        return "mitigation", False
    if cues.COMMUNICATION.search(text):
        return "communication", False
    if cues.ESCALATION.search(text):
        return "escalation", False
    if cues.REPORT.search(text) and not cues.HYPOTHESIS.search(text):
        return "detection", False
    return "investigation", False


def _later(a: Message, b: Message) -> bool:
    """True when both messages carry a time and ``a`` was written after ``b``."""
    ta, tb = time_of(a), time_of(b)
    return ta is not None and tb is not None and comparable(ta) > comparable(tb)


#: A line that reports an outcome of the line before it: "This does not resolve the issue",
#: "(it does not)", "This restarts the hub, ..., error persists".
_ANAPHOR = re.compile(r"^\W*(?:this|that|these|those|it|which)\b", re.I)


#: A no-effect clause about an earlier action: "turned off, since resizing did not solve it".
_EARLIER = re.compile(r"\b(?:since|as|because)\b[^.;]{0,60}$", re.I)


def _no_effect_here(text: str) -> bool:
    """The text says an action had no effect, and not of an earlier one (``_EARLIER``)."""
    m = cues.NO_EFFECT.search(text)
    return m is not None and not _EARLIER.search(text[: m.start()])


def no_effect(msgs: list[Message], i: int) -> bool:
    """An action that had no effect or a path ruled out: the line says so
    (``cues.NO_EFFECT``, ``cues.DISPROVED``), an attempt is followed by an entry saying the
    failure goes on (``failed_attempt``), or the next line of the same paragraph says it
    of this one ("the proxy pod is restarted." / "This does not resolve the issue";
    "... suggests the ssh access broke." / "This is verified not to be the case")."""
    text = msgs[i].text
    if not text.rstrip().endswith("?") and (_no_effect_here(text) or cues.DISPROVED.search(text)):
        return True
    nxt = msgs[i + 1] if i + 1 < len(msgs) else None
    if nxt is None or nxt.source != msgs[i].source:
        return False
    if failed_attempt(msgs[i], nxt):
        return True
    if nxt.paragraph != msgs[i].paragraph:
        return False
    if _ANAPHOR.match(nxt.text):
        return _no_effect_here(nxt.text) or bool(cues.DISPROVED.search(nxt.text))
    m = cues.NO_EFFECT.search(nxt.text)  # "cache turned off, since resizing did not solve it"
    return m is not None and bool(_EARLIER.search(nxt.text[: m.start()]))


#: How many input lines after an attempt the entry saying it failed may start (a blank line,
#: a time header such as "### 15:20" and another blank line may stand between them).
ATTEMPT_GAP = 4


def failed_attempt(msg: Message, nxt: Message) -> bool:
    """An attempted fix (``cues.ATTEMPT``) whose next entry says the failure goes on
    (``cues.STILL_FAILING``, ``cues.NO_EFFECT``): "The travis deployment is restarted." /
    "Travis deployment fails again"."""
    end = msg.last_line or msg.line
    return (
        bool(cues.ATTEMPT.search(msg.text))
        and not msg.text.rstrip().endswith("?")
        and 0 < nxt.line - end <= ATTEMPT_GAP
        and bool(cues.STILL_FAILING.search(nxt.text) or _no_effect_here(nxt.text))
    )


def cue_backed(msgs: list[Message], i: int) -> bool:
    """A line-role ``misleading`` line that a cue backs: it (or the next line, of it) says an
    action had no effect, or it names a hypothesis or rules one out. Without one the role
    alone was wrong on 25 of the 26 lines it added on dev CV."""
    text = msgs[i].text
    return no_effect(msgs, i) or any(
        p.search(text) for p in (cues.HYPOTHESIS, cues.RULED_OUT, cues.NOT_RECOVERED)
    )


def _common_words(msgs: list[Message]) -> set[str]:
    """Words in more than a quarter of the messages, plus function words: not a subject."""
    counts = Counter(w for m in msgs for w in {x.lower() for x in _WORD.findall(m.text)})
    many = {w for w, n in counts.items() if n > max(3, len(msgs) // 4)}
    return many | _FUNCTION_WORDS


_FUNCTION_WORDS = frozenset(
    re.findall(
        r"\w+",
        "the and for are was were not but has had have this that with from they them "
        "their its our you your all any can could would should will just still also then "
        "than there here what when which who why how about into out over after before "
        "again now yes one two been being did does doing done said says see saw look "
        "looks looked like maybe think thought first guess",
    )
)


def misleading_messages(msgs: list[Message]) -> list[Message]:
    """Hypotheses that the notes rule out (in the same message, the next six, or a later-
    written one among the four before it), and actions that had no effect (``no_effect``)."""
    out = []
    common = _common_words(msgs)
    for i, msg in enumerate(msgs):
        if no_effect(msgs, i):
            out.append(msg)
            continue
        if len(msg.text.split()) < 4 or not cues.HYPOTHESIS.search(msg.text):
            continue
        if cues.CAUSE.search(msg.text) and not re.search(
            r"\b(?:thought|guess|theory)\b", msg.text, re.I
        ):
            continue
        # later messages rule it out; in newest-first notes (email threads) they come first
        earlier = [m for m in msgs[max(0, i - 4) : i] if _later(m, msg)]
        window = [msg, *_next_posts(msgs, i, 6), *earlier]
        ruled_out = any(
            cues.RULED_OUT.search(m.text) or cues.DISPROVED.search(m.text) for m in window
        )
        if ruled_out or _dismissed(msg, window[1:], common):
            out.append(msg)
    return out


def _next_posts(msgs: list[Message], i: int, n: int) -> list[Message]:
    """The messages after ``msgs[i]``: the next ``n``, or all lines of the next ``n`` posts
    when a post (a mail, a chat message: one author and time) is split into sentences, at
    most 24."""
    out: list[Message] = []
    posts: set[tuple[str | None, datetime | None]] = {(msgs[i].author, msgs[i].time)}
    for m in msgs[i + 1 : i + 25]:
        key = (m.author, m.time)
        if key not in posts:
            if len(posts) > n:
                break
            posts.add(key)
        out.append(m)
    return out if len(out) > n else msgs[i + 1 : i + 1 + n]


#: A later line that answers a suspicion with evidence: "RIP has 412 GB free", "so the links
#: are fine", "forget telmex", "nope", "so it's not push".
DISMISSED = re.compile(
    r"\b(?:fine|healthy|nope|forget|dropping|not (?:it|that|this|the|push|them|us)|so not|"
    r"isn'?t|wasn'?t|(?:no|zero) (?:timeouts?|errors?|sign|change|problems?)|unchanged|"
    r"\d[\d,.]* ?[GMT]B free|looks? (?:ok|good|fine|normal)|all (?:good|green|online)|complete)\b",
    re.I,
)
_WORD = re.compile(r"[A-Za-z][\w-]{2,}")


def _subject_words(text: str, common: set[str]) -> set[str]:
    """The rarer words of a line (not among the notes' most common words)."""
    return {w.lower() for w in _WORD.findall(text)} - common


def _dismissed(msg: Message, later: list[Message], common: set[str]) -> bool:
    """A suspicion that a later line answers with evidence against it, naming the same thing
    ("first guess: the RIP disk is full" ... "RIP has 412 GB free")."""
    subject = _subject_words(msg.text, common)
    return any(
        DISMISSED.search(m.text) and subject & _subject_words(m.text, common) for m in later
    )


#: The key each line-role fact fills (the cue finders answer first: roles-first for every key
#: dropped the nine gold note sets from 63 to 44 of 68 facts, and a roles-first "resolved" at
#: posterior >= 0.3 undid cue fixes on 3 of 10 blind dev note sets).
_PICK = {
    "start": "start",
    "detected": "detection",
    "mitigated": "recovery",
    "resolved": "resolution",
}


#: A line that can be a key moment has a word ("Monitoring", not "🙌" or "+1").
_WORDS = re.compile(r"[^\W\d_]{3,}")


def _no_moment(text: str) -> bool:
    """A line that marks no key moment whatever its role: an alert clearing on its own, or a
    status that says the failure goes on ("resolved by itself ... nothing fixed")."""
    return bool(
        cues.ALERT_CLEARED.search(text)
        or cues.NOT_RECOVERED.search(text)
        or cues.STILL_FAILING.search(text)
    )


def role_keys(msgs: list[Message], roles: Roles, undated: bool) -> dict[str, KeyTime]:
    """Key times from the line roles; only lines that carry a time.

    With posteriors: ``line_roles.pick_keys`` (start = first line whose impact-start posterior
    reaches the model's impact threshold, else whose impact-start + trigger posterior reaches
    its start threshold; the other three chosen together in line order,
    with the model's order penalties). Without: the first line
    of each role on the Viterbi path (``derive.KEY_ROLES``).
    """
    out: dict[str, KeyTime] = {}
    timed = [
        time_of(m) is not None and _WORDS.search(m.text) is not None and not _no_moment(m.text)
        for m in msgs
    ]
    if roles.posteriors is not None and len(roles.posteriors) == len(msgs):
        picked = pick_keys(
            roles.posteriors,
            roles.start_threshold,
            timed,
            order=roles.order,
            impact_threshold=roles.impact_threshold,
        )
        for name, fact in _PICK.items():
            hit = picked.get(fact)
            if hit is None or (name == "start" and cues.RECOVERY.search(msgs[hit[0]].text)):
                continue  # a line telling the recovery is no start
            i = hit[0]
            out[name] = _key(msgs[i], time_of(msgs[i]), undated)  # type: ignore[arg-type]
        return out
    for name, prefs in KEY_ROLES.items():
        for role, which in prefs:
            found = [i for i in indices(roles.roles, role) if timed[i]]
            if found:
                i = found[0] if which == "first" else found[-1]
                out[name] = _key(msgs[i], time_of(msgs[i]), undated)  # type: ignore[arg-type]
                break
    return out


def _likely_type(post: Any) -> str | None:
    """The coarse type of the most likely role that has one (for a line the model calls other)."""
    if post is None:
        return None
    best = max((p, r) for p, r in zip(post, ROLES, strict=True) if COARSE[r] is not None)
    return COARSE[best[1]]


#: The role of the line each key moment is taken from (issue #9's definitions).
KEY_ROLE = {
    "start": "impact-start",
    "detected": "detection",
    "mitigated": "recovery",
    "resolved": "resolution",
}


def moments_at(keyed: dict[str, KeyTime | None]) -> dict[tuple[str, int, str], str]:
    """The key moment each message (``(ref, line, text)``) was taken for."""
    return {(k.source, k.line, k.text): name for name, k in keyed.items() if k is not None}


def build_timeline(
    notes: Notes, roles: Roles | None = None
) -> tuple[list[Event], dict[str, KeyTime | None], list[Message]]:
    """Events in time order, the key times, and the misleading-path messages.

    With ``roles`` (one per ``candidates(notes)`` message) the key times, event types and
    misleading paths come from the line roles; the cue finders fill what the roles leave open.
    """
    undated = notes.day is None or notes.day.year == 1970
    msgs = candidates(notes)
    detected = find_detection(msgs, undated)
    start = find_start(msgs, detected, undated)
    mitigated = find_mitigation(msgs, detected.time if detected else None, undated)
    after = mitigated.time if mitigated else (detected.time if detected else None)
    resolved = find_resolution(msgs, after, undated)
    misleading = misleading_messages(msgs)
    keyed = {"start": start, "detected": detected, "mitigated": mitigated, "resolved": resolved}
    role_of: dict[int, str] = {}
    post_of: dict[int, Any] = {}
    if roles is not None:
        role_of = {id(m): r for m, r in zip(msgs, roles.roles, strict=True)}
        if roles.posteriors is not None:
            post_of = {id(m): p for m, p in zip(msgs, roles.posteriors, strict=True)}
        for which, key in role_keys(msgs, roles, undated).items():
            if keyed[which] is None:  # the cues answer first; the roles fill the gaps
                keyed[which] = key
        end, fixed = keyed["resolved"], keyed["mitigated"]
        if mitigated is None and fixed and end and fixed.time and end.time and (
            comparable(end.time) < comparable(fixed.time)
        ):  # the resolution was looked for after detection only: look again after recovery
            keyed["resolved"] = find_resolution(msgs, fixed.time, undated) or end
        ruled_out = [msgs[i] for i in indices(roles.roles, "misleading") if cue_backed(msgs, i)]
        misleading = [m for m in msgs if m in ruled_out or m in misleading]
    events: list[Event] = []
    key_types = {
        "start": "impact",
        "detected": "detection",
        "mitigated": "mitigation",
        "resolved": "resolution",
    }
    key_at = moments_at(keyed)
    for msg in msgs:
        stamp = msg.time if msg.time is not None else (msg.inline[0][2] if msg.inline else None)
        name = key_at.get((msg.ref, msg.line, msg.text))
        if name is not None and keyed[name] is not None:
            stamp = keyed[name].time  # type: ignore[union-attr]
        if stamp is None or (
            name is None
            and msg.time is None
            and msg.section
            and re.search(r"impact|why|cause|fix|resolution", msg.section)
        ):
            continue
        role = role_of.get(id(msg))
        if name is not None and role is not None and COARSE.get(role) != COARSE[KEY_ROLE[name]]:
            role = KEY_ROLE[name]  # a key moment's line has that key's role
        elif name is None and role is not None and msg in misleading:
            role = "misleading"  # a path that did not help (issue #9: investigation)
        kind = (
            COARSE.get(role or "")
            or _likely_type(post_of.get(id(msg)))
            or classify_event(msg)[0]
        )
        if name is not None and COARSE.get(role or "") is None:
            kind = key_types[name]
        events.append(
            Event(
                text=msg.text,
                source=msg.ref,
                line=msg.line,
                time=stamp,
                display=display(stamp, undated),
                type=kind,
                role=role,
                misleading=msg in misleading,
            )
        )
    events.sort(key=lambda e: comparable(e.time) if e.time else datetime.min)
    return events, keyed, misleading
