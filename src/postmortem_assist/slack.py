"""Slack as Slack writes it: channel JSON, API ``{"messages": [...]}`` and whole exports.

An export is a folder or a zip with ``users.json``, ``channels.json`` and one folder per
channel holding one JSON file per day. User IDs become names (``users.json``), mrkdwn becomes
plain text, joins and other housekeeping subtypes are skipped, bot messages and the text of
their ``attachments`` are kept (alerts often live only there), and thread replies follow their
parent. Every message keeps the file and line it was read from. A malformed message is skipped
with a warning naming it; a malformed file is an :class:`InputError`. Linear in the input.
"""

from __future__ import annotations

import html
import json
import re
import zipfile
from datetime import UTC, datetime, timedelta, timezone, tzinfo
from pathlib import Path
from typing import Any

from .reading import InputError, Source, decode
from .times import zone_info

#: Files at the root of a Slack export that describe it rather than hold messages.
METADATA = {
    "users.json",
    "channels.json",
    "groups.json",
    "dms.json",
    "mpims.json",
    "integration_logs.json",
    "canvases.json",
    "org_users.json",
    "huddle_transcripts.json",
}
#: Housekeeping subtypes that are not part of the conversation.
SKIPPED = {
    "channel_join",
    "channel_leave",
    "group_join",
    "group_leave",
    "channel_topic",
    "channel_purpose",
    "channel_name",
    "channel_archive",
    "channel_unarchive",
    "pinned_item",
    "unpinned_item",
    "bot_add",
    "bot_remove",
}
_DAY_FILE = re.compile(r"(?:^|[/\\:])(?P<channel>[^/\\:]+)[/\\](?P<day>\d{4}-\d{2}-\d{2})\.json$")


def _base(name: str) -> str:
    return re.split(r"[/\\:]", name)[-1].lower()


def is_metadata(source: Source) -> bool:
    """An export's ``users.json`` / ``channels.json`` ...: its ``tz`` fields are where the
    people live, not a statement about the notes' times."""
    return _base(source.name) in METADATA


def split_export(sources: list[Source]) -> tuple[list[Source], list[Source]]:
    """(sources of a Slack export, the other sources): an export has ``users.json`` or
    ``channels.json``, and its day files are ``<channel>/<YYYY-MM-DD>.json``."""
    if not any(_base(s.name) in METADATA for s in sources):
        return [], sources
    export = [s for s in sources if _base(s.name) in METADATA or _DAY_FILE.search(s.name)]
    return export, [s for s in sources if s not in export]


def read_zip(path: Path, max_bytes: int) -> list[Source]:
    """The JSON files of a zipped Slack export as sources named ``export.zip:dir/file.json``."""
    try:
        with zipfile.ZipFile(path) as archive:
            members = [
                i for i in archive.infolist() if not i.is_dir() and i.filename.endswith(".json")
            ]
            if not members:
                raise InputError(f"{path}: the zip holds no .json files (not a Slack export)")
            total = sum(i.file_size for i in members)
            if total > max_bytes:
                raise InputError(
                    f"{path}: the export unpacks to {total / 2**20:.1f} MiB, over the "
                    f"{max_bytes / 2**20:.0f} MiB limit (use --max-bytes to raise it)"
                )
            out = []
            for info in sorted(members, key=lambda i: i.filename):
                with archive.open(info) as fh:
                    data = fh.read(max_bytes + 1)
                name = f"{path}:{info.filename}"
                out.append(Source(name, decode(data, name)))
            return out
    except (zipfile.BadZipFile, OSError, RuntimeError) as err:
        raise InputError(f"{path}: cannot read the zip ({err})") from None


def _load(source: Source) -> Any:
    try:
        return json.loads(source.text)
    except json.JSONDecodeError as err:
        raise InputError(
            f"{source.name}: malformed Slack JSON at line {err.lineno}, column {err.colno}: "
            f"{err.msg}"
        ) from None


class People:
    """User IDs to display names and zones, from ``users.json`` (empty without one)."""

    def __init__(self, users: Any = None) -> None:
        self.names: dict[str, str] = {}
        self.zones: dict[str, str] = {}
        for user in users if isinstance(users, list) else []:
            if not isinstance(user, dict) or not isinstance(user.get("id"), str):
                continue
            profile: dict[str, Any] = (
                user["profile"] if isinstance(user.get("profile"), dict) else {}
            )
            name = (
                profile.get("display_name")
                or profile.get("real_name")
                or user.get("real_name")
                or user.get("name")
            )
            if isinstance(name, str) and name.strip():
                self.names[user["id"]] = name.strip()
            if isinstance(user.get("tz"), str):
                self.zones[user["id"]] = user["tz"]

    def name(self, user_id: str) -> str:
        return self.names.get(user_id, user_id)

    def learn(self, items: list[Any]) -> None:
        """Names from the ``user_profile`` Slack puts on messages (when there is no users.json)."""
        for item in items:
            if not isinstance(item, dict) or not isinstance(item.get("user"), str):
                continue
            profile = item.get("user_profile")
            if item["user"] in self.names or not isinstance(profile, dict):
                continue
            name = profile.get("display_name") or profile.get("real_name") or profile.get("name")
            if isinstance(name, str) and name.strip():
                self.names[item["user"]] = name.strip()


_MENTION = re.compile(r"<([@#!])([^>|]*)(?:\|([^>]*))?>")
_LINK = re.compile(r"<([^<>@#!][^<>|]*)(?:\|([^<>]*))?>")
_EMOJI = re.compile(r"(?<![\w:]):[a-z0-9_+'-]{1,40}:(?![\w:])")
_MARKUP = re.compile(r"(?<![\w*~`])([*_~])(?=\S)([^\n]*?\S)\1(?![\w*~`])")


def render_mrkdwn(text: str, people: People) -> str:
    """Slack mrkdwn as plain text: mentions named, links by label, entities and emoji gone."""

    def mention(m: re.Match[str]) -> str:
        kind, ref, label = m.group(1), m.group(2), m.group(3)
        if kind == "@":
            return "@" + (label or people.name(ref))
        if kind == "#":
            return "#" + (label or ref)
        if label:
            return label
        return "@" + ref.split("^")[0]

    out = _MENTION.sub(mention, text)
    out = _LINK.sub(lambda m: m.group(2) or m.group(1).removeprefix("mailto:"), out)
    out = _EMOJI.sub("", out)
    out = _MARKUP.sub(r"\2", out)
    out = html.unescape(out)
    return re.sub(r"[ \t]+", " ", out).strip()


def _attachment_text(item: dict[str, Any], people: People) -> list[str]:
    """Readable text of a message's ``attachments`` (alerts) and, without text, its blocks."""
    parts: list[str] = []
    for att in item.get("attachments") or []:
        if not isinstance(att, dict):
            continue
        own = [
            str(att[k]) for k in ("pretext", "title", "text") if isinstance(att.get(k), str | int)
        ]
        for fld in att.get("fields") or []:
            if isinstance(fld, dict) and fld.get("value"):
                own.append(f"{fld.get('title') or ''}: {fld['value']}".strip(": "))
        if not own and isinstance(att.get("fallback"), str):
            own.append(att["fallback"])
        parts.extend(render_mrkdwn(p, people) for p in own if str(p).strip())
    return [p for p in parts if p]


def _block_text(node: Any, out: list[str]) -> None:
    if isinstance(node, dict):
        if isinstance(node.get("text"), str):
            out.append(node["text"])
        elif isinstance(node.get("text"), dict):
            _block_text(node["text"], out)
        for key in ("elements", "fields"):
            _block_text(node.get(key), out)
    elif isinstance(node, list):
        for child in node:
            _block_text(child, out)


def _messages_span(text: str, data: Any) -> tuple[list[Any], int] | None:
    """The message list of a channel file and the offset where its ``[`` starts."""
    if isinstance(data, list):
        return data, text.index("[")
    if isinstance(data, dict):
        for key in ("messages", "items"):
            if isinstance(data.get(key), list):
                m = re.search(rf'"{key}"\s*:\s*\[', text)
                return data[key], (m.end() - 1) if m else -1
    return None


def _offsets(text: str, start: int, count: int) -> list[int]:
    """Start offsets of the ``count`` elements of the JSON array opening at ``start``."""
    if start < 0:
        return []
    decoder = json.JSONDecoder()
    out = []
    pos = start + 1
    ws = re.compile(r"[\s,]*")
    for _ in range(count):
        pos = ws.match(text, pos).end()  # type: ignore[union-attr]
        out.append(pos)
        try:
            _, pos = decoder.raw_decode(text, pos)
        except json.JSONDecodeError:
            return out
    return out


def _stamp(ts: Any) -> datetime | None:
    try:
        return datetime.fromtimestamp(float(ts), UTC).replace(microsecond=0)
    except (TypeError, ValueError, OverflowError, OSError):
        return None


def _from_google_chat(item: Any) -> Any:
    """A Google Chat Takeout message (``creator``, ``created_date`` "Tuesday, March 5, 2024 at
    2:05:11 PM UTC", ``text``) as the Slack message it corresponds to; others unchanged."""
    if not isinstance(item, dict) or "ts" in item or not isinstance(item.get("created_date"), str):
        return item
    from dateutil import parser as dtparser

    try:
        when = dtparser.parse(item["created_date"].replace(" at ", " "))
    except (ValueError, OverflowError):
        return item
    if when.tzinfo is None:
        return item  # no zone: leave it to the "missing ts" warning
    found = item.get("creator")
    creator: dict[str, Any] = found if isinstance(found, dict) else {}
    name = str(creator.get("name") or creator.get("email") or "unknown")
    out = {
        "ts": f"{when.timestamp():.6f}",
        "text": item.get("text") or "",
        "user": name,
        "user_profile": {"real_name": name},
    }
    if creator.get("user_type") == "Bot":
        out["bot_id"] = name
    return out


def _from_telegram(item: Any) -> Any:
    """A Telegram Desktop export message (``date_unixtime``, ``from``, ``text`` as a string or a
    list of strings and entities) as the Slack message it corresponds to; service messages
    (group created, members invited) become joins, which are skipped; others unchanged."""
    if not isinstance(item, dict) or "ts" in item or "date_unixtime" not in item:
        return item
    try:
        ts = f"{float(item['date_unixtime']):.6f}"
    except (TypeError, ValueError):
        return item
    if item.get("type") == "service":
        return {"ts": ts, "subtype": "channel_join", "text": ""}
    raw = item.get("text")
    parts = raw if isinstance(raw, list) else [raw]
    text = "".join(
        p if isinstance(p, str) else str(p.get("text") or "") if isinstance(p, dict) else ""
        for p in parts
    )
    name = str(item.get("from") or item.get("actor") or "unknown")
    return {"ts": ts, "text": text, "user": name, "user_profile": {"real_name": name}}


def channel_items(
    source: Source, people: People, warnings: list[str]
) -> list[tuple[float, float, dict[str, Any], int, str]]:
    """(thread ts, ts, item, line, text) of each usable message of one channel file."""
    data = _load(source)
    found = _messages_span(source.text, data)
    if found is None:
        raise InputError(
            f"{source.name}: a Slack channel file must be a JSON list of messages "
            '(or {"messages": [...]})'
        )
    items, start = found
    items = [_from_telegram(_from_google_chat(it)) for it in items]
    people.learn(items)
    offsets = _offsets(source.text, start, len(items))
    out = []
    line, last = 1, 0
    for i, item in enumerate(items):
        if i < len(offsets):
            line += source.text.count("\n", last, offsets[i])
            last = offsets[i]
        where = f"{source.name}:{line}: Slack message {i + 1}"
        if not isinstance(item, dict):
            warnings.append(f"{where} skipped: not a JSON object")
            continue
        if item.get("subtype") in SKIPPED:
            continue
        stamp = _stamp(item.get("ts"))
        if stamp is None:
            warnings.append(f"{where} skipped: bad or missing 'ts' {item.get('ts')!r}")
            continue
        raw = item.get("text")
        if raw is not None and not isinstance(raw, str):
            warnings.append(f"{where} skipped: 'text' is not a string")
            continue
        parts = [render_mrkdwn(raw, people)] if raw else []
        if not parts and item.get("blocks"):
            found_text: list[str] = []
            _block_text(item.get("blocks"), found_text)
            parts = [render_mrkdwn(" ".join(found_text), people)]
        parts += _attachment_text(item, people)
        if not any(parts):  # a file or snippet shared without a message: its title
            titles = [f.get("title") or f.get("name") for f in item.get("files") or []
                      if isinstance(f, dict)]  # fmt: skip
            parts = [f"shared a file: {t}" for t in titles if isinstance(t, str) and t.strip()]
        text = " — ".join(p for p in parts if p)
        if not text:
            if "text" not in item and not item.get("attachments") and not item.get("files"):
                warnings.append(f"{where} skipped: no 'text' or attachments")
            continue
        ts = float(item["ts"])
        try:
            thread = float(item.get("thread_ts") or ts)
        except (TypeError, ValueError):
            thread = ts
        out.append((thread, ts, item, line, text))
    return out


def _author(item: dict[str, Any], people: People) -> str | None:
    profile: dict[str, Any] = (
        item["user_profile"] if isinstance(item.get("user_profile"), dict) else {}
    )
    user = item.get("user")
    if isinstance(user, str) and user in people.names:
        return people.names[user]
    for name in (
        item.get("user_name"),
        profile.get("display_name"),
        profile.get("real_name"),
        item.get("username"),
        (item.get("bot_profile") or {}).get("name")
        if isinstance(item.get("bot_profile"), dict)
        else None,
        user,
    ):
        if isinstance(name, str) and name.strip():
            return name.strip()
    return None


def to_messages(
    rows: list[tuple[float, float, dict[str, Any], int, str, str]],
    people: People,
    zone: tzinfo | None,
    warnings: list[str] | None = None,
) -> list[Any]:
    """Messages in conversation order: each thread's replies right after their parent."""
    from .notes import Message, inline_times

    first_of: dict[float, float] = {}
    for thread, ts, *_ in rows:
        first_of[thread] = min(first_of.get(thread, ts), ts)
    ordered = sorted(rows, key=lambda r: (first_of[r[0]], r[0], r[1]))
    thread_ids: dict[float, int] = {}

    def build(typed: tzinfo | None = None) -> list[Any]:
        """The messages with typed times read in ``zone``, else ``typed``, else each
        author's profile zone."""
        out = []
        for thread, ts, item, line, text, name in ordered:
            stamp = _stamp(ts)
            msg = Message(text, line, name, stamp, _author(item, people), str(item.get("ts")))
            msg.block = thread_ids.setdefault(thread, len(thread_ids) + 1)
            user = item.get("user")
            here = zone or typed or zone_info(
                people.zones.get(user, "") if isinstance(user, str) else ""
            )
            if stamp is not None:
                msg.day = (stamp.astimezone(here) if here else stamp).date()
                inline_times(msg, here, msg.day)
            out.append(msg)
        return out

    local = build()
    if zone is None and not people.zones:
        offset = typed_offset(local)
        if offset:  # no zone anywhere, but typed times sit a whole offset from their messages
            fixed = timezone(offset)
            if warnings is not None:
                warnings.append(
                    f"times typed in the messages are read as {_utc_offset_name(offset)}: the "
                    "offset at which they match their messages' timestamps (no zone is "
                    "stated); pass --timezone to change"
                )
            return build(fixed)
    if zone is not None or not people.zones:
        return local
    # A team that types UTC clock times (its profiles say Europe/Amsterdam): typed times read
    # in the profile zone land hours from the message that states them, read as UTC minutes.
    gap = _typed_gap(local)
    if gap <= 45 * 60:
        return local  # the usual case: no second reading needed
    utc = build(UTC)
    if _typed_gap(utc) * 3 < gap:
        if warnings is not None:
            warnings.append(
                "times typed in the messages are read as UTC: they sit minutes from their "
                "messages in UTC, hours away in the people's profile zones; pass --timezone "
                "to change"
            )
        return utc
    return local


def typed_offset(msgs: list[Any]) -> timedelta | None:
    """The UTC offset people typed their clock times in, when the notes state no zone:
    the local-minus-UTC difference (to the half hour) between a message's timestamp and a
    time typed in it ("ack, paged 1:31 PM" posted at 20:32 UTC: -7 h), agreed on by at
    least two messages and by at least half of those that type a time. None otherwise."""
    votes: dict[int, int] = {}
    voters = 0
    for m in msgs:
        if m.time is None:
            continue
        ref = m.time.astimezone(UTC).replace(tzinfo=None)
        halves = set()
        for _, _, st in m.inline:
            if st.tzinfo is not None:
                continue
            minutes = ((st - ref).total_seconds() / 60 + 720) % 1440 - 720
            half = round(minutes / 30)
            if abs(minutes - 30 * half) <= 10:  # typed within minutes of the message
                halves.add(half)
        if halves:
            voters += 1
            for half in halves:
                votes[half] = votes.get(half, 0) + 1
    if not votes:
        return None
    best = max(votes, key=lambda h: (votes[h], -abs(h)))
    if votes[best] < 2 or 2 * votes[best] < voters or not -24 <= best <= 28:
        return None
    return timedelta(minutes=30 * best)


def _utc_offset_name(offset: timedelta) -> str:
    minutes = int(offset.total_seconds() // 60)
    sign = "-" if minutes < 0 else "+"
    return f"UTC{sign}{abs(minutes) // 60:02d}:{abs(minutes) % 60:02d}"


def _typed_gap(msgs: list[Any]) -> float:
    """Median seconds between a message and the nearest clock time typed in it."""
    gaps = sorted(
        min(abs((st - m.time).total_seconds()) for _, _, st in m.inline if st.tzinfo)
        for m in msgs
        if m.time is not None and any(st.tzinfo for _, _, st in m.inline)
    )
    return gaps[len(gaps) // 2] if gaps else 0.0


def channel_messages(source: Source, zone: tzinfo | None, warnings: list[str]) -> list[Any]:
    """Messages of one channel file (a list of messages or ``{"messages": [...]}``)."""
    people = People()
    rows = [(*r, source.name) for r in channel_items(source, people, warnings)]
    return to_messages(rows, people, zone, warnings)


#: Channel names of an incident ("inc-web", "incident-2024-03-05", "sev1-payments", "war-room").
INCIDENT_CHANNEL = re.compile(
    r"(?:^|[-_])(?:inc|incidents?|sev\d?|outage|war-?room|ir|postmortem)(?:$|[-_\d])", re.I
)


#: Most channels of an export read together when none is picked (more: ``--channel`` needed).
MERGED_CHANNELS = 4


def read_export(
    sources: list[Source], channel: str | None, zone: tzinfo | None, warnings: list[str]
) -> list[Any]:
    """Messages of a Slack export's channel: ``channel`` (one name or several, comma-separated),
    else the one named like an incident channel, else all of them (at most
    ``MERGED_CHANNELS``) together in time order."""
    users = next((s for s in sources if _base(s.name) == "users.json"), None)
    people = People(_load(users) if users else None)
    by_channel: dict[str, list[Source]] = {}
    for src in sources:
        m = _DAY_FILE.search(src.name)
        if m:
            by_channel.setdefault(m.group("channel"), []).append(src)
    if not by_channel:
        raise InputError(f"{sources[0].name}: the Slack export has no channel folders")
    names = sorted(by_channel)
    if channel is None and len(names) > 1:
        incident = [n for n in names if INCIDENT_CHANNEL.search(n)]
        if len(incident) == 1:
            channel = incident[0]
            warnings.append(
                f"the Slack export has {len(names)} channels: reading #{channel}, the one named "
                "like an incident channel; pass --channel NAME to pick another"
            )
    if channel is None and len(names) > MERGED_CHANNELS:
        raise InputError(
            f"the Slack export has {len(names)} channels ({', '.join(names[:8])}"
            f"{', ...' if len(names) > 8 else ''}): pick one with --channel NAME"
        )
    if channel is None:
        chosen = names
        if len(names) > 1:
            # an incident spread over a few channels (the team's and the depot's): read together
            warnings.append(
                f"the Slack export has {len(names)} channels ({', '.join(names)}): reading them "
                "together in time order; pass --channel NAME to read one"
            )
    else:
        chosen = [c.strip().lstrip("#") for c in channel.split(",") if c.strip()]
    for name in chosen:
        if name not in by_channel:
            raise InputError(
                f"the Slack export has no channel {name!r} (it has {', '.join(names[:8])})"
            )
    rows = []
    for name in chosen:
        for src in sorted(by_channel[name], key=lambda s: s.name):
            rows += [(*r, src.name) for r in channel_items(src, people, warnings)]
    return to_messages(rows, people, zone, warnings)
