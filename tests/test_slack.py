"""Slack as Slack writes it: export folders and zips, mrkdwn, threads, attachments, --each.

The exports are built in the tests (written for them, no corpus text)."""

from __future__ import annotations

import json
import shutil
import zipfile
from datetime import UTC, datetime
from pathlib import Path

import pytest

from postmortem_assist.notes import parse_notes
from postmortem_assist.reading import InputError, Source
from postmortem_assist.slack import People, render_mrkdwn

T0 = datetime(2024, 9, 17, 18, 20, tzinfo=UTC).timestamp()

USERS = [
    {"id": "U024BE7LH", "name": "kt", "tz": "Europe/Berlin",
     "profile": {"display_name": "Kenji", "real_name": "Kenji Tanaka"}},
    {"id": "U0G9QF9C6", "name": "rbell", "profile": {"display_name": "", "real_name": "Rosa Bell"}},
    {"id": "B01PAGER", "name": "pagerduty", "is_bot": True, "profile": {"real_name": "PagerDuty"}},
]  # fmt: skip


def _msg(offset: float, user: str, text: str, **extra: object) -> dict:
    return {"type": "message", "user": user, "text": text, "ts": f"{T0 + offset:.6f}", **extra}


INCIDENT_DAY1 = [
    {"type": "message", "subtype": "channel_join", "user": "U0G9QF9C6", "ts": f"{T0 - 60:.6f}",
     "text": "<@U0G9QF9C6> has joined the channel"},
    {"type": "message", "subtype": "bot_message", "bot_id": "B01PAGER", "username": "PagerDuty",
     "ts": f"{T0:.6f}", "text": "",
     "attachments": [{"fallback": "Triggered #4411",
                      "title": "Triggered: web-frontend 502 rate above 5% (SEV2)",
                      "text": "Service: web-frontend &gt; ingress",
                      "fields": [{"title": "Urgency", "value": "high"}]}]},
    _msg(40, "U024BE7LH",
         "on it :eyes: <@U0G9QF9C6> can you check <https://graf.example/d/i|the ingress board>?",
         thread_ts=f"{T0:.6f}"),
    _msg(300, "U0G9QF9C6", "ingress pods OOMKilled after the config reload &amp; retries tripled"),
    _msg(90, "U0G9QF9C6", "5 of 6 pods restarting", thread_ts=f"{T0:.6f}"),
    {"type": "message", "user": "U024BE7LH", "text": "no ts on this one"},
    _msg(600, "U024BE7LH", "rolled back the redirect map at 20:28, 502s gone :tada:"),
]  # fmt: skip
INCIDENT_DAY2 = [
    _msg(86400, "U024BE7LH", "*postmortem* draft is up, ~closing~ closed the incident")
]
RANDOM = [_msg(5, "U0G9QF9C6", "lunch?")]


def _export(root: Path) -> Path:
    root.mkdir()
    (root / "users.json").write_text(json.dumps(USERS), encoding="utf-8")
    (root / "channels.json").write_text(
        json.dumps([{"id": "C1", "name": "inc-web"}, {"id": "C2", "name": "random"}]),
        encoding="utf-8",
    )
    for channel, day, items in [
        ("inc-web", "2024-09-17", INCIDENT_DAY1),
        ("inc-web", "2024-09-18", INCIDENT_DAY2),
        ("random", "2024-09-17", RANDOM),
    ]:
        (root / channel).mkdir(exist_ok=True)
        (root / channel / f"{day}.json").write_text(json.dumps(items, indent=2), encoding="utf-8")
    return root


def _sources(root: Path) -> list[Source]:
    return [Source(str(p), p.read_text(encoding="utf-8")) for p in sorted(root.rglob("*.json"))]


def test_export_folder_reads_one_channel_with_names_threads_and_alerts(tmp_path: Path) -> None:
    notes = parse_notes(_sources(_export(tmp_path / "export")), channel="inc-web")
    texts = [m.text for m in notes.messages]
    assert not any("has joined" in t for t in texts) and "lunch?" not in texts
    alert = notes.messages[0]
    assert alert.author == "PagerDuty" and alert.time == datetime.fromtimestamp(T0, UTC)
    assert "Triggered: web-frontend 502 rate above 5% (SEV2)" in alert.text
    assert "Service: web-frontend > ingress" in alert.text and "Urgency: high" in alert.text
    reply = notes.messages[1]
    assert reply.author == "Kenji" and reply.block == alert.block
    assert reply.text == "on it @Rosa Bell can you check the ingress board?"
    assert notes.messages[2].text == "5 of 6 pods restarting"  # thread replies before 18:25
    assert "& retries tripled" in notes.messages[3].text and notes.messages[3].author == "Rosa Bell"
    last = notes.messages[-1]
    assert last.text == "postmortem draft is up, closing closed the incident"
    assert last.day == datetime(2024, 9, 18).date()
    assert last.source.endswith("inc-web/2024-09-18.json") and last.line == 2
    assert any("Slack message 6 skipped" in w and "'ts'" in w for w in notes.warnings)


def test_inline_times_use_the_authors_zone_from_users_json(tmp_path: Path) -> None:
    notes = parse_notes(_sources(_export(tmp_path / "export")), channel="inc-web")
    rollback = next(m for m in notes.messages if m.text.startswith("rolled back"))
    assert rollback.inline[0][2] == datetime(2024, 9, 17, 18, 28, tzinfo=UTC)  # 20:28 Berlin
    assert notes.day == datetime(2024, 9, 17).date()


def test_slack_draft_keeps_dates(tmp_path: Path) -> None:
    from postmortem_assist.summarize import summarize_sources

    summary = summarize_sources(_sources(_export(tmp_path / "export")), channel="inc-web")
    assert "2024-09-18 18:20 UTC" in summary.draft  # the next day's message says so


def test_a_day_file_given_alone_still_gets_names(tmp_path: Path) -> None:
    from postmortem_assist.summarize.run import read_inputs

    root = _export(tmp_path / "export")
    notes = parse_notes(read_inputs([str(root / "inc-web" / "2024-09-17.json")], 10_000_000))
    assert notes.messages[1].author == "Kenji" and "@Rosa Bell" in notes.messages[1].text


def test_export_with_several_channels_reads_the_incident_channel(tmp_path: Path) -> None:
    sources = _sources(_export(tmp_path / "export"))
    notes = parse_notes(sources)  # inc-web and random: the incident channel is read, with a warning
    assert all(m.source.split("/")[-2] == "inc-web" for m in notes.messages)
    assert any("2 channels: reading #inc-web" in w and "--channel" in w for w in notes.warnings)
    assert parse_notes(sources, channel="random").messages[0].source.split("/")[-2] == "random"
    with pytest.raises(InputError, match="no channel 'ops'"):
        parse_notes(sources, channel="ops")


def test_export_with_a_few_ordinary_channels_reads_them_together(tmp_path: Path) -> None:
    root = _export(tmp_path / "export")
    (root / "inc-web").rename(root / "web-team")
    notes = parse_notes(_sources(root))  # no incident channel: both, in time order, with a warning
    assert {m.source.split("/")[-2] for m in notes.messages} == {"random", "web-team"}
    stamps = [m.time for m in notes.messages if m.time is not None]
    assert stamps[0] == min(stamps)  # threads keep their replies under the parent
    assert any("2 channels (random, web-team): reading them together" in w for w in notes.warnings)
    picked = parse_notes(_sources(root), channel="web-team,#random")
    assert len(picked.messages) == len(notes.messages)
    for extra in ("a", "b", "c"):
        shutil.copytree(root / "random", root / f"team-{extra}")
    with pytest.raises(InputError, match=r"5 channels \(random, team-a, .*--channel"):
        parse_notes(_sources(root))  # a whole workspace: pick one


def test_zipped_export_and_cli_each(tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    from postmortem_assist.summarize.run import read_inputs

    root = _export(tmp_path / "export")
    archive = tmp_path / "slack.zip"
    with zipfile.ZipFile(archive, "w") as zf:
        for p in sorted(root.rglob("*.json")):
            zf.write(p, p.relative_to(root).as_posix())
    sources = read_inputs([str(archive)], 10_000_000)
    assert any(s.name.endswith("slack.zip:inc-web/2024-09-17.json") for s in sources)
    notes = parse_notes(sources, channel="#inc-web")
    assert notes.messages[0].author == "PagerDuty"
    with pytest.raises(InputError, match="over the"):
        read_inputs([str(archive)], 100)


def test_messages_wrapper_and_malformed_items() -> None:
    text = json.dumps(
        {"ok": True, "messages": [
            _msg(0, "U1", "db failover started"), "not an object",
            _msg(60, "U1", 42), _msg(120, "U1", "failover done")]},
        indent=1,
    )  # fmt: skip
    notes = parse_notes([Source("api.json", text)])
    assert [m.text for m in notes.messages] == ["db failover started", "failover done"]
    assert any("api.json" in w and "message 2 skipped" in w for w in notes.warnings)
    assert any("message 3 skipped" in w and "'text'" in w for w in notes.warnings)


def test_channel_file_without_users_json_names_people_from_user_profile() -> None:
    items = [
        _msg(0, "U7", "<@U8> can you look at the queue depth?",
             user_profile={"real_name": "Ines Duarte", "display_name": "ines"}),
        _msg(30, "U8", "on it", user_profile={"real_name": "Olu Bakare", "display_name": ""}),
    ]  # fmt: skip
    notes = parse_notes([Source("channel.json", json.dumps(items))])
    assert [m.author for m in notes.messages] == ["ines", "Olu Bakare"]
    assert notes.messages[0].text == "@Olu Bakare can you look at the queue depth?"


@pytest.mark.parametrize(
    ("raw", "plain"),
    [
        ("<@U024BE7LH|kenji> ping", "@kenji ping"),
        ("see <#C1|inc-web> and <!here>", "see #inc-web and @here"),
        ("<https://ci.example/r/882|run 882> failed", "run 882 failed"),
        ("<https://status.example>", "https://status.example"),
        ("p99 &lt; 2s &amp; 5xx &gt; 1% :scream:", "p99 < 2s & 5xx > 1%"),
        ("*bold* _it_ at 12:30:45 and 10:05", "bold it at 12:30:45 and 10:05"),
    ],
)
def test_mrkdwn_to_plain_text(raw: str, plain: str) -> None:
    assert render_mrkdwn(raw, People(USERS)) == plain


NOTES_A = (
    "INC-1 notes, 2024-05-14, all times UTC\n\n- 10:02 deploy of cart-svc 5.2 to prod\n"
    "- 10:05 checkout errors at 12%, alert fired\n- 10:20 rolled back to 5.1, errors back to 0\n"
)
NOTES_B = (
    "INC-2 notes, 2024-06-01, all times UTC\n\n- 08:00 certificate for api.example expired\n"
    "- 08:04 customers report TLS errors\n- 08:30 new certificate installed, errors gone\n"
)


def _cli(args: list[str]) -> int:
    from postmortem_assist.cli import main

    with pytest.raises(SystemExit) as exc:
        import sys

        sys.argv = ["assist", *args]
        main()
    return int(exc.value.code or 0)


def test_each_writes_one_draft_per_input(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    a, b = tmp_path / "a.md", tmp_path / "b.md"
    a.write_text(NOTES_A, encoding="utf-8")
    b.write_text(NOTES_B, encoding="utf-8")
    out = tmp_path / "drafts"
    assert _cli(["summarize", str(a), str(b), "--each", "-o", str(out), "-f", "json"]) == 0
    first = json.loads((out / "a.json").read_text(encoding="utf-8"))
    second = json.loads((out / "b.json").read_text(encoding="utf-8"))
    assert first["detected"]["time"].startswith("2024-05-14T10:05")
    assert first["detected"]["source"].endswith("a.md:4")
    times = [e["time"] for e in second["timeline"] if e["time"]]
    assert len(times) == 3 and all(t.startswith("2024-06-01") for t in times)  # no a.md lines
    assert _cli(["summarize", str(a), str(b), "--each"]) == 2
    assert "--each" in capsys.readouterr().err
    assert _cli(["summarize", str(a), "--each", "-o", str(tmp_path)]) == 2  # would overwrite a.md
    assert a.read_text(encoding="utf-8") == NOTES_A


def test_help_says_merging_is_the_default(capsys: pytest.CaptureFixture[str]) -> None:
    assert _cli(["summarize", "--help"]) == 0
    help_text = " ".join(capsys.readouterr().out.replace("│", " ").split())
    assert "--merge (default)" in help_text and "one draft per input" in help_text


@pytest.mark.parametrize(
    "text",
    [
        "| Time | Event |\n|---|---|\n| 10:00 | a |\n| broken | | | |\n|",
        "All times UTC\n- 9:12am PT rollback\n- 25:99 nonsense\n- 10:00 CEST x\n",
        '{"messages": 5}',
    ],
)
def test_bad_notes_give_a_result_or_one_line(
    tmp_path: Path, text: str, capsys: pytest.CaptureFixture[str]
) -> None:
    path = tmp_path / ("n.json" if text.startswith("{") else "n.md")
    path.write_text(text, encoding="utf-8")
    code = _cli(["summarize", str(path)])
    err = capsys.readouterr().err
    assert code in (0, 2) and "Traceback" not in err
    if code == 2:
        assert len(err.strip().splitlines()) == 1


def _one_channel(tmp_path: Path, zone: str, day_name: str, day: list[dict]) -> list[Source]:
    """An export of one channel "inc" with one day file and one person (U1) in ``zone``."""
    root = tmp_path / "export"
    root.mkdir()
    users = [{"id": "U1", "name": "u1", "tz": zone, "profile": {"display_name": "Una"}}]
    (root / "users.json").write_text(json.dumps(users), encoding="utf-8")
    (root / "channels.json").write_text(json.dumps([{"id": "C1", "name": "inc"}]), "utf-8")
    (root / "inc").mkdir()
    (root / "inc" / f"{day_name}.json").write_text(json.dumps(day), encoding="utf-8")
    return _sources(root)


def test_a_team_typing_utc_times_is_read_in_utc_whatever_its_profiles_say(tmp_path: Path) -> None:
    """Profiles in Europe/Amsterdam, but typed times sit minutes before their messages only
    when read as UTC: the team writes UTC (and users.json's tz is not the notes' zone)."""
    t0 = datetime(2024, 5, 13, 23, 47, 2, tzinfo=UTC).timestamp()
    day = [
        {"type": "message", "user": "U1", "ts": f"{t0:.6f}", "text": "PD paged me at 23:44"},
        {"type": "message", "user": "U1", "ts": f"{t0 + 1380:.6f}",
         "text": "first errors at 23:38 in Kibana, fix went out at 00:09"},
    ]  # fmt: skip
    notes = parse_notes(_one_channel(tmp_path, "Europe/Amsterdam", "2024-05-13", day))
    assert notes.zone != "Europe/Amsterdam"
    assert any("read as UTC" in w for w in notes.warnings)
    assert notes.messages[0].inline[0][2] == datetime(2024, 5, 13, 23, 44, tzinfo=UTC)
    assert notes.messages[1].inline[0][2] == datetime(2024, 5, 13, 23, 38, tzinfo=UTC)


def test_profile_zones_win_over_a_utc_stamp_written_in_an_alert(tmp_path: Path) -> None:
    """Profiles in Asia/Jakarta, people type WIB clock times, and the alert bot writes
    "Started: ... UTC": the typed times are still read in the authors' zone."""
    t0 = datetime(2025, 9, 8, 23, 58, tzinfo=UTC).timestamp()
    day = [
        {"type": "message", "subtype": "bot_message", "username": "Alertmanager",
         "ts": f"{t0:.6f}", "text": "[FIRING:1] TopupCreditLagHigh Started: 2025-09-08 23:48 UTC"},
        {"type": "message", "user": "U1", "ts": f"{t0 + 75:.6f}",
         "text": "paged, ack. CS flagged it at 06:52 and the alert came at 06:58 WIB"},
    ]  # fmt: skip
    notes = parse_notes(_one_channel(tmp_path, "Asia/Jakarta", "2025-09-08", day))
    said = notes.messages[1]
    assert said.inline[0][2] == datetime(2025, 9, 8, 23, 52, tzinfo=UTC)  # 06:52 WIB, not UTC


def test_typed_times_take_the_offset_they_match_their_timestamps_at() -> None:
    """No zone anywhere (no profiles, no statement), but people type Pacific clock times:
    "paged 1:31 PM" posted at 20:32 UTC is read at UTC-07:00, with a warning."""
    base = datetime(2024, 8, 30, 20, 31, 44, tzinfo=UTC).timestamp()
    said = [
        (0, "PagerDuty", "[Triggered] closingroom-api 5xx rate 14%"),
        (36, "haley", "ack, paged 1:31 PM. looking"),
        (600, "omar", "first failed signing was 1:15 PM per the logs"),
        (3094, "haley", "signers getting through as of 2:24 PM"),
    ]
    msgs = [
        {"type": "message", "ts": f"{base + dt:.6f}", "user": f"U{k}",
         "user_profile": {"real_name": who}, "text": text}
        for k, (dt, who, text) in enumerate(said)
    ]  # fmt: skip
    notes = parse_notes([Source("channel.json", json.dumps(msgs))])
    late = next(m for m in notes.messages if "getting through" in m.text)
    assert [st for _, _, st in late.inline] == [datetime(2024, 8, 30, 21, 24, tzinfo=UTC)]
    assert any("UTC-07:00" in w for w in notes.warnings)
