"""Validate the hand-written evaluation gold in eval/gold/.

These tests check the gold data only (formats, quotes, counts, time arithmetic);
they do not import or run the tool.
"""

from __future__ import annotations

import datetime as dt
import json
import re
import zipfile
from collections import Counter
from pathlib import Path
from zoneinfo import ZoneInfo

import pytest
import yaml

GOLD = Path(__file__).resolve().parent.parent / "eval" / "gold"

REVIEW_KINDS = {
    "blame": {"named-person", "human-error", "hindsight", "character", "attribution"},
    "clarity": {"vague-quantity", "hedge", "relative-time", "undefined-acronym", "long-sentence"},
    "actions": {"vague", "no-owner", "no-due-date", "not-an-action"},
}
# Kinds whose quote is the whole item text (the problem is an absence or the whole line).
WHOLE_LINE_KINDS = {"no-owner", "no-due-date", "not-an-action"}
MIN_ITEMS_PER_FAMILY = 45
MIN_TRICKY_SHARE = 0.40

STRUCTURE_KINDS = {
    "missing-section",
    "empty-section",
    "summary-no-duration",
    "summary-no-impact",
    "summary-no-cause",
    "timeline-no-timestamp",
    "timeline-out-of-order",
    "timeline-no-timezone",
    "timeline-no-detection",
    "timeline-no-resolution",
    "placeholder",
}
SECTIONS = {"summary", "timeline", "root-cause", "actions"}
# Kinds whose detail must be an exact substring of the draft.
QUOTED_DETAIL_KINDS = {"placeholder", "timeline-out-of-order"}

EXPECTED_KEYS = {
    "timezone_given",
    "start",
    "detected",
    "mitigated",
    "resolved",
    "duration_minutes",
    "impact_numbers",
    "affected_services",
    "cause_quote",
    "resolution_quote",
    "action_items",
    "misleading_paths",
    "must_not_appear",
}
TIME_KEYS = ("start", "detected", "mitigated", "resolved")


# --------------------------------------------------------------------------- helpers


def _spans(text: str, quote: str) -> list[tuple[int, int]]:
    out, i = [], text.find(quote)
    while i != -1:
        out.append((i, i + len(quote)))
        i = text.find(quote, i + 1)
    return out


def _load_jsonl(path: Path) -> list[dict]:
    rows = []
    for n, line in enumerate(path.read_text(encoding="utf-8").splitlines(), 1):
        if not line.strip():
            continue
        try:
            rows.append(json.loads(line))
        except json.JSONDecodeError as exc:  # pragma: no cover - message only
            pytest.fail(f"{path.name}:{n}: invalid JSON: {exc}")
    return rows


def _is_tricky(item: dict) -> bool:
    """A tricky negative (no flags) or partial (flags plus decoys that must not be flagged)."""
    return not item["flags"] or bool(item.get("decoys"))


REVIEW = _load_jsonl(GOLD / "review.jsonl")
DRAFTS = _load_jsonl(GOLD / "drafts.jsonl")
NOTE_SETS = sorted((GOLD / "notes").glob("*.expected.yml"))
# Development note sets (written blind, not gold): same format, validated by the same checks.
DEV_NOTES = GOLD.parent / "dev-notes"
DEV_NOTE_SETS = sorted(DEV_NOTES.glob("*.expected.yml"))


def _notes_file(expected: Path) -> Path:
    stem = expected.name[: -len(".expected.yml")]
    cands = [p for p in expected.parent.glob(stem + ".*") if not p.name.endswith(".expected.yml")]
    assert len(cands) == 1, f"{expected.name}: expected exactly one notes file, found {cands}"
    return cands[0]


def _slack_zip_messages(path: Path) -> list[dict]:
    """Messages of a Slack workspace export zip: every channel in ``channels.json``, one
    ``<channel>/<YYYY-MM-DD>.json`` list per day, joined in ``ts`` order."""
    with zipfile.ZipFile(path) as zf:
        names = set(zf.namelist())
        assert {"users.json", "channels.json"} <= names, f"{path.name}: not a Slack export"
        out = []
        for ch in json.loads(zf.read("channels.json")):
            day_file = re.compile(re.escape(ch["name"]) + r"/\d{4}-\d\d-\d\d\.json")
            days = sorted(n for n in names if day_file.fullmatch(n))
            assert days, f"{path.name}: no day files for channel {ch['name']}"
            for day in days:
                out += json.loads(zf.read(day))
    assert out, f"{path.name}: no messages"
    return sorted(out, key=lambda m: float(m["ts"]))


def _slack_messages(path: Path) -> list[dict]:
    """Messages of a chat JSON: a Slack channel list, a Google Chat Takeout
    ``{"messages": [...]}`` (given a Slack-style ``ts`` from its ``created_date``), or a
    Telegram export (``ts`` from ``date_unixtime``, ``text`` flattened from its entities), a
    PagerDuty ``{"log_entries": [...]}`` export (``ts`` from ``created_at``); or of a Slack
    workspace export zip."""
    if path.suffix == ".zip":
        return _slack_zip_messages(path)
    data = json.loads(path.read_text(encoding="utf-8"))
    if isinstance(data, dict) and isinstance(data.get("log_entries"), list):
        # PagerDuty incident log entries: `summary`, plus the note or event text in
        # `channel.summary`; `created_at` is ISO 8601 with Z or an offset.
        out = []
        for e in data["log_entries"]:
            text = "\n".join(s for s in (e["summary"], e.get("channel", {}).get("summary")) if s)
            when = dt.datetime.fromisoformat(e["created_at"].replace("Z", "+00:00"))
            out.append({**e, "text": text, "ts": f"{when.timestamp():.6f}"})
        assert out, f"{path.name}: no log entries"
        return out
    if isinstance(data, dict) and isinstance(data.get("messages"), list):
        out = []
        for m in data["messages"]:
            if "date_unixtime" in m:
                parts = m["text"] if isinstance(m["text"], list) else [m["text"]]
                text = "".join(x if isinstance(x, str) else x["text"] for x in parts)
                out.append({**m, "text": text, "ts": f"{float(m['date_unixtime']):.6f}"})
                continue
            when = dt.datetime.strptime(m["created_date"], "%A, %B %d, %Y at %I:%M:%S %p %Z")
            out.append({**m, "ts": f"{when.replace(tzinfo=dt.UTC).timestamp():.6f}"})
        assert out, f"{path.name}: no messages"
        return out
    assert isinstance(data, list) and data, f"{path.name}: Slack export must be a non-empty list"
    return data


VTT_CUE = re.compile(r"^(\d\d):(\d\d):(\d\d)\.\d{3} --> ", re.M)
# SubViewer (.sbv) caption timing line: "0:44:50.200,0:45:00.000" (start,end).
SBV_CUE = re.compile(r"^(\d+):(\d\d):(\d\d)\.\d{3},\d+:\d\d:\d\d\.\d{3}$", re.M)
RECORDING_START = re.compile(
    r"Recording started:? (\d{4}-\d\d-\d\d \d\d:\d\d:\d\d ?[+-]\d\d:?\d\d)"
)


def _cue_clocks(path: Path, cue: re.Pattern[str]) -> list[str]:
    """Wall-clock ``HH:MM`` (in the recording's own offset) of each caption start: the
    ``Recording started: 2024-08-27 18:41:30 -04:00`` stated once in the file (a WebVTT NOTE, or
    an SBV first caption) plus the caption's offset."""
    text = path.read_text(encoding="utf-8")
    start = RECORDING_START.search(text)
    assert start, f"{path.name}: no 'Recording started: <ISO time with offset>' line"
    t0 = dt.datetime.fromisoformat(start.group(1).replace(" +", "+").replace(" -", "-"))
    cues = [
        dt.timedelta(hours=int(h), minutes=int(m), seconds=int(s)) for h, m, s in cue.findall(text)
    ]
    assert cues, f"{path.name}: no cues"
    return [(t0 + c).strftime("%H:%M") for c in cues]


def _vtt_cue_clocks(path: Path) -> list[str]:
    """Cue wall clocks of a WebVTT file (recording start in its NOTE block)."""
    assert path.read_text(encoding="utf-8").startswith("WEBVTT"), f"{path.name}: not WebVTT"
    return _cue_clocks(path, VTT_CUE)


def _sbv_text(path: Path) -> str:
    """Caption text of a SubViewer file without the timing lines (``0:05:12.300,0:05:15.900``,
    whose ``05:12`` would pass for a clock time); every caption block must start with one."""
    out = []
    for block in path.read_text(encoding="utf-8").strip().split("\n\n"):
        timing, _, caption = block.strip().partition("\n")
        assert SBV_CUE.fullmatch(timing), f"{path.name}: caption without timing: {block[:60]!r}"
        out.append(caption)
    return "\n".join(out)


def _vtt_text(path: Path) -> str:
    """NOTE and cue text of a WebVTT file, without cue ids and timing lines (whose ``MM:SS`` would
    pass for clock times); ``<v Name>text</v>`` becomes ``Name: text``."""
    blocks = path.read_text(encoding="utf-8").split("\n\n")
    out = []
    for block in blocks[1:]:
        lines = block.strip().splitlines()
        if lines and lines[0].startswith("NOTE"):
            out += lines[1:]
            continue
        timing = next((i for i, line in enumerate(lines) if VTT_CUE.match(line)), None)
        assert timing is not None, f"{path.name}: block without a cue timing: {block[:60]!r}"
        for line in lines[timing + 1 :]:
            out.append(re.sub(r"^<v ([^>]+)>(.*?)(?:</v>)?$", r"\1: \2", line))
    return "\n".join(out)


def _searchable_text(path: Path) -> str:
    """Text that expected quotes must be substrings of (message texts for Slack JSON)."""
    if path.suffix in {".json", ".zip"}:
        return "\n".join(m["text"] for m in _slack_messages(path))
    if path.suffix == ".vtt":
        return _vtt_text(path)
    if path.suffix == ".sbv":
        return _sbv_text(path)
    return path.read_text(encoding="utf-8")


# --------------------------------------------------------------------------- review.jsonl


def test_review_ids_unique_and_fields_present():
    ids = [r["id"] for r in REVIEW]
    assert len(ids) == len(set(ids)), [i for i, c in Counter(ids).items() if c > 1]
    for r in REVIEW:
        assert {"id", "family", "text", "flags"} <= r.keys(), r["id"]
        assert set(r) <= {"id", "family", "text", "flags", "decoys", "note"}, r["id"]
        assert r["family"] in REVIEW_KINDS, r["id"]
        assert r["id"].startswith(r["family"] + "-"), r["id"]
        assert isinstance(r["text"], str) and r["text"].strip(), r["id"]


@pytest.mark.parametrize("item", REVIEW, ids=[r["id"] for r in REVIEW])
def test_review_flags_are_valid_quotes(item):
    text = item["text"]
    seen = set()
    for fl in item["flags"]:
        assert set(fl) <= {"family", "kind", "quote", "occurrence"}, fl
        assert fl["family"] in REVIEW_KINDS, fl
        assert fl["kind"] in REVIEW_KINDS[fl["family"]], fl
        spans = _spans(text, fl["quote"])
        assert spans, f"quote not in text: {fl['quote']!r}"
        occ = fl.get("occurrence", 1)
        assert 1 <= occ <= len(spans), fl
        if len(spans) > 1:
            assert "occurrence" in fl, f"ambiguous quote needs occurrence: {fl['quote']!r}"
        if fl["kind"] in WHOLE_LINE_KINDS:
            assert fl["quote"] == text, f"{fl['kind']} quotes the whole item text"
        if fl["kind"] == "long-sentence":
            assert len(fl["quote"].split()) > 40, "long-sentence quote must exceed 40 words"
        key = (fl["family"], fl["kind"], spans[occ - 1])
        assert key not in seen, f"duplicate flag {key}"
        seen.add(key)


@pytest.mark.parametrize("item", REVIEW, ids=[r["id"] for r in REVIEW])
def test_review_decoys_are_substrings_and_not_flagged(item):
    text = item["text"]
    flagged = [
        s
        for fl in item["flags"]
        if fl["kind"] not in WHOLE_LINE_KINDS and fl["kind"] != "long-sentence"
        for s in [_spans(text, fl["quote"])[fl.get("occurrence", 1) - 1]]
    ]
    for d in item.get("decoys", []):
        spans = _spans(text, d)
        assert spans, f"decoy not in text: {d!r}"
        for a, b in spans:
            for fa, fb in flagged:
                assert b <= fa or a >= fb, f"decoy {d!r} overlaps a flagged span"


def test_review_family_sizes_and_tricky_share():
    by_family: dict[str, list[dict]] = {f: [] for f in REVIEW_KINDS}
    for r in REVIEW:
        by_family[r["family"]].append(r)
    for fam, items in by_family.items():
        assert len(items) >= MIN_ITEMS_PER_FAMILY, f"{fam}: {len(items)} items"
        tricky = sum(_is_tricky(r) for r in items)
        assert tricky / len(items) >= MIN_TRICKY_SHARE, f"{fam}: {tricky}/{len(items)} tricky"
        negatives = sum(not r["flags"] for r in items)
        assert negatives >= 15, f"{fam}: only {negatives} fully negative items"


def test_review_every_kind_is_exercised():
    used = Counter((fl["family"], fl["kind"]) for r in REVIEW for fl in r["flags"])
    for fam, kinds in REVIEW_KINDS.items():
        for kind in kinds:
            assert used[(fam, kind)] >= 2, f"{fam}/{kind} used {used[(fam, kind)]} times"


def test_review_item_family_is_flagged_when_positive():
    """A positive item must carry at least one flag of the family it was written for."""
    for r in REVIEW:
        if r["flags"] and not r.get("decoys"):
            fams = {fl["family"] for fl in r["flags"]}
            assert r["family"] in fams, r["id"]


def test_actions_items_are_single_lines_without_bullets():
    for r in REVIEW:
        if r["family"] == "actions":
            assert "\n" not in r["text"], r["id"]
            assert not re.match(r"^\s*([-*•]|\d+[.)])\s", r["text"]), r["id"]


# --------------------------------------------------------------------------- drafts


def test_drafts_manifest():
    assert len(DRAFTS) >= 12
    ids = [d["id"] for d in DRAFTS]
    assert len(ids) == len(set(ids))
    files = {d["file"] for d in DRAFTS}
    on_disk = {f"drafts/{p.name}" for p in (GOLD / "drafts").glob("*.md")}
    assert files == on_disk, f"manifest/disk mismatch: {files ^ on_disk}"
    kinds_used = {e["rule"].split("/", 1)[1] for d in DRAFTS for e in d["expected"]}
    assert kinds_used == STRUCTURE_KINDS, f"kinds not exercised: {STRUCTURE_KINDS - kinds_used}"
    assert sum(1 for d in DRAFTS if not d["expected"]) >= 2, "need clean drafts"


@pytest.mark.parametrize("draft", DRAFTS, ids=[d["id"] for d in DRAFTS])
def test_draft_entry(draft):
    assert set(draft) <= {"id", "file", "expected", "clean_families", "note"}
    path = GOLD / draft["file"]
    text = path.read_text(encoding="utf-8")
    words = len(text.split())
    assert 200 <= words <= 700, f"{path.name}: {words} words"
    assert text.lstrip().startswith("#"), "draft should be markdown with a heading"
    for e in draft["expected"]:
        assert set(e) <= {"rule", "detail"}
        prefix, _, kind = e["rule"].partition("/")
        assert prefix == "structure" and kind in STRUCTURE_KINDS, e
        if kind in {"missing-section", "empty-section"}:
            assert e.get("detail") in SECTIONS, e
        if kind in QUOTED_DETAIL_KINDS:
            assert e.get("detail") and e["detail"] in text, e
    assert set(draft["clean_families"]) <= set(REVIEW_KINDS)
    assert len(draft["clean_families"]) == len(set(draft["clean_families"]))


# --------------------------------------------------------------------------- notes


def test_note_set_inventory():
    assert len(NOTE_SETS) >= 8
    suffixes = Counter(_notes_file(p).suffix for p in NOTE_SETS)
    assert suffixes[".json"] >= 1 and suffixes[".md"] >= 1 and suffixes[".txt"] >= 1
    loaded = [yaml.safe_load(p.read_text(encoding="utf-8")) for p in NOTE_SETS]
    assert any(all(d[k] is None for k in TIME_KEYS) for d in loaded), "need a set without times"
    assert any(d["timezone_given"] is None and d["start"] is not None for d in loaded), (
        "need a set with times but no zone"
    )
    assert any(d["must_not_appear"] for d in loaded), "need a person-as-cause set"
    assert all(d["misleading_paths"] for d in loaded if d["start"] is not None)


def _local_clock_strings(value: dt.datetime, zone: str | None) -> set[str]:
    local = value if zone is None else value.astimezone(ZoneInfo(zone))
    h12 = local.hour % 12 or 12
    ampm = "AM" if local.hour < 12 else "PM"
    return {
        local.strftime("%H:%M"),
        f"{h12}:{local.minute:02d} {ampm}",
        f"{h12}:{local.minute:02d}{ampm.lower()}",  # "9:07pm"
        f"{h12}:{local.minute:02d}{ampm[0].lower()}",  # terse "9:07p", "12:03a"
        f"{h12}:{local.minute:02d}:{local.second:02d} {ampm}",  # chat stamp "[1:18:44 PM]"
        f"{h12}.{local.minute:02d}{ampm.lower()}",  # "2.05pm"
        local.strftime("%H%Mh"),  # military "1405h"
        local.strftime("%H%MH"),  # "0930H"
        f"{local.hour}h{local.minute:02d}",  # French "14h05", "9h05"
        local.strftime("%Hh%M"),  # "09h05"
    }


def test_dev_note_set_inventory():
    assert (DEV_NOTES / "README.md").is_file()
    assert len(DEV_NOTE_SETS) >= 5
    readme = (DEV_NOTES / "README.md").read_text(encoding="utf-8")
    for p in DEV_NOTE_SETS:
        assert _notes_file(p).name in readme, f"{p.name}: notes file not described in README"


@pytest.mark.parametrize(
    "expected",
    NOTE_SETS + DEV_NOTE_SETS,
    ids=[p.name for p in NOTE_SETS] + [f"dev-notes/{p.name}" for p in DEV_NOTE_SETS],
)
def test_note_set_expected(expected):
    exp = yaml.safe_load(expected.read_text(encoding="utf-8"))
    assert set(exp) == EXPECTED_KEYS, set(exp) ^ EXPECTED_KEYS
    notes = _notes_file(expected)
    text = _searchable_text(notes)

    # quotes
    for key in ("cause_quote", "resolution_quote"):
        assert isinstance(exp[key], str) and exp[key] in text, f"{key} not in notes"
    for key in ("impact_numbers", "action_items", "misleading_paths"):
        assert isinstance(exp[key], list)
        for q in exp[key]:
            assert isinstance(q, str) and q in text, f"{key}: {q!r} not in notes"
    for s in exp["affected_services"]:
        assert s.lower() in text.lower(), f"affected service {s!r} not in notes"
    assert isinstance(exp["must_not_appear"], list)
    assert all(isinstance(s, str) and s for s in exp["must_not_appear"])
    assert exp["impact_numbers"] and exp["affected_services"] and exp["action_items"]

    # zone and times
    zone = exp["timezone_given"]
    if zone is not None:
        ZoneInfo(zone)  # must be a valid IANA name or "UTC"
    times = {}
    for key in TIME_KEYS:
        v = exp[key]
        if v is None:
            continue
        assert isinstance(v, dt.datetime), f"{key}: not an ISO 8601 datetime: {v!r}"
        if zone is None:
            assert v.tzinfo is None, f"{key}: zone unknown, time must be naive (no Z)"
        else:
            assert v.utcoffset() == dt.timedelta(0), f"{key}: must be UTC with Z"
        times[key] = v

    # every stated time must be visible in the notes as a local clock time
    clock_text = text
    if notes.suffix in {".json", ".zip"}:
        clock_text += "\n" + "\n".join(
            dt.datetime.fromtimestamp(float(m["ts"]), dt.UTC).strftime("%H:%M")
            for m in _slack_messages(notes)
        )
    if notes.suffix == ".vtt":
        clock_text += "\n" + "\n".join(_vtt_cue_clocks(notes))
    if notes.suffix == ".sbv":
        clock_text += "\n" + "\n".join(_cue_clocks(notes, SBV_CUE))
    for key, v in times.items():
        cands = _local_clock_strings(v, zone)
        # not preceded by a digit: "4h05" must not pass inside "14h05", "2:05 PM" inside "12:05 PM"
        found = any(re.search(r"(?<!\d)" + re.escape(c), clock_text) for c in cands)
        assert found, f"{key}: none of {cands} in notes"

    # ordering
    if "start" in times:
        for key in ("detected", "mitigated", "resolved"):
            if key in times:
                assert times["start"] <= times[key], f"start after {key}"
    if "mitigated" in times and "resolved" in times:
        assert times["mitigated"] <= times["resolved"]
    if "detected" in times and "resolved" in times:
        assert times["detected"] <= times["resolved"]

    # duration
    if "start" in times and "resolved" in times:
        minutes = (times["resolved"] - times["start"]).total_seconds() / 60
        assert exp["duration_minutes"] == int(minutes), (exp["duration_minutes"], minutes)
    else:
        assert exp["duration_minutes"] is None


def test_slack_exports_are_well_formed():
    for p in (GOLD / "notes").glob("*.json"):
        msgs = _slack_messages(p)
        prev = 0.0
        for m in msgs:
            assert {"ts", "user", "text"} <= m.keys(), m
            assert isinstance(m["ts"], str) and re.fullmatch(r"\d{10}\.\d{6}", m["ts"]), m["ts"]
            assert float(m["ts"]) > prev, "messages must be in ts order"
            prev = float(m["ts"])


def test_readme_documents_kinds():
    readme = (GOLD / "README.md").read_text(encoding="utf-8")
    for kinds in REVIEW_KINDS.values():
        for k in kinds:
            assert f"`{k}`" in readme, k
    for k in STRUCTURE_KINDS:
        assert f"`{k}`" in readme, k
