"""Real timeline shapes, email threads, zones and daylight-saving changes in notes.

Every fixture here is written for these tests (no corpus text)."""

from __future__ import annotations

import json
from datetime import UTC, date, datetime

import pytest

from postmortem_assist.notes import Message, parse_notes
from postmortem_assist.reading import InputError, Source


def _read(text: str, name: str = "n.md", **kw: str) -> tuple[list[Message], list[str]]:
    notes = parse_notes([Source(name, text)], **kw)
    return notes.messages, notes.warnings


def _at(msgs: list[Message], line: int) -> Message:
    return next(m for m in msgs if m.line == line)


WIKI = """# INC-2231 checkout latency

## Timeline

| Time (PDT) | Event | Owner |
|------------|-------|-------|
| 2025-03-24 16:06 | Deploy of pricing-svc v2.14 starts | release bot |
| 2025-03-24 16:11 | p99 latency on /checkout climbs above 3 s | |
| | EU region only at first | |
| 2025-03-24 16:19:30 | PagerDuty pages the payments on-call | |
| 2025-03-24 17:02 | Rolled back to v2.13; latency back to normal | Dana |
"""


def test_table_rows_become_entries_with_zone_from_the_header() -> None:
    msgs, warnings = _read(WIKI)
    assert not any(m.line in (5, 6) for m in msgs)  # header row and separator row
    deploy = _at(msgs, 7)
    assert deploy.time == datetime(2025, 3, 24, 23, 6, tzinfo=UTC)  # PDT is UTC-7 in March
    assert deploy.text.startswith("Deploy of pricing-svc v2.14 starts")
    wrapped = _at(msgs, 8)
    assert wrapped.text.endswith("EU region only at first") and wrapped.last_line == 9
    assert _at(msgs, 10).time == datetime(2025, 3, 24, 23, 19, 30, tzinfo=UTC)
    assert _at(msgs, 11).time == datetime(2025, 3, 25, 0, 2, tzinfo=UTC)
    assert not warnings


def test_separate_date_and_time_columns_and_broken_rows() -> None:
    text = (
        "All times UTC\n\n| Date | Time | What |\n|---|---|---|\n"
        "| 2024-02-01 | 10:05 | cron job deletes the wrong bucket prefix |\n"
        "| 2024-02-01 | 10:40 | restore from versioned objects begins\n"
        "| garbage row with | no time |\n"
    )
    msgs, _ = _read(text)
    assert _at(msgs, 5).time == datetime(2024, 2, 1, 10, 5, tzinfo=UTC)
    assert _at(msgs, 6).time == datetime(2024, 2, 1, 10, 40, tzinfo=UTC)  # no closing pipe
    assert _at(msgs, 7).time is None and "garbage row" in _at(msgs, 7).text


def test_time_headers_carry_their_time_to_the_prose_under_them() -> None:
    text = (
        "All times in CET\n\n### 2024-11-05 08:52 PM\n\n"
        "Support reports that many customers cannot log in; the login page\n"
        "spins forever on the mobile app.\n\n### 09:02 PM\n\nRestarting the auth pods does "
        "not help.\n\n### 09:21 PM - Cause found\n\nThe session store ran out of memory.\n"
    )
    msgs, _ = _read(text)
    header = _at(msgs, 3)
    assert header.time == datetime(2024, 11, 5, 19, 52, tzinfo=UTC)
    prose = _at(msgs, 5)
    assert prose.time == header.time and prose.time_line == 3 and prose.last_line == 6
    assert _at(msgs, 10).time == datetime(2024, 11, 5, 20, 2, tzinfo=UTC)
    assert _at(msgs, 12).text == "Cause found"
    assert _at(msgs, 14).time == datetime(2024, 11, 5, 20, 21, tzinfo=UTC)


def test_key_value_lines_and_nested_bullets() -> None:
    text = (
        "All times UTC.\n- First detected 2023-11-02 15:31\n"
        "  - Incident declared 2023-11-02 15:40\n"
        "  - Resolved: 2023-11-02 17:20\nWe fixed it at 17:20 after the rollback.\n"
    )
    msgs, _ = _read(text)
    assert [(m.line, m.text) for m in msgs if m.time][:3] == [
        (2, "First detected"),
        (3, "Incident declared"),
        (4, "Resolved"),
    ]
    assert _at(msgs, 4).time == datetime(2023, 11, 2, 17, 20, tzinfo=UTC)
    assert _at(msgs, 5).time is None  # prose ending in a time is not a key: value line


def test_bold_and_backtick_stamps_dates_carried_forward_and_wrapped_bullets() -> None:
    text = (
        "Timeline (all times UTC)\n\n**Monday 3 June 2024**\n"
        "- 23:50 nightly batch starts on the ledger cluster\n"
        "- 23:58 disk on ledger-3 hits 95%, writes slow down and the\n"
        "  reconciliation job starts timing out\n**Tuesday 4 June 2024**\n"
        "- `00:12` on-call paged by the disk alert\n"
        "- **00:40:15**: old snapshots deleted, writes recover\n"
    )
    msgs, _ = _read(text)
    assert _at(msgs, 3).day == date(2024, 6, 3) and _at(msgs, 3).time is None
    wrapped = _at(msgs, 5)
    assert wrapped.text.endswith("reconciliation job starts timing out") and wrapped.last_line == 6
    assert _at(msgs, 8).time == datetime(2024, 6, 4, 0, 12, tzinfo=UTC)
    assert _at(msgs, 9).time == datetime(2024, 6, 4, 0, 40, 15, tzinfo=UTC)
    assert _at(msgs, 9).text == "old snapshots deleted, writes recover"


def test_twelve_hour_chat_with_seconds_and_zone_stated_once() -> None:
    text = (
        "#inc-payments export, Mar 5 2024, times in ET\n"
        "[11:58:02 PM] ana: card declines at 30%\n[12:01:40 AM] raj: rolling back gateway\n"
    )
    msgs, _ = _read(text, "chat.txt")
    assert _at(msgs, 2).time == datetime(2024, 3, 6, 4, 58, 2, tzinfo=UTC)
    assert _at(msgs, 3).time == datetime(2024, 3, 6, 5, 1, 40, tzinfo=UTC)  # past midnight


def test_iso_log_with_offsets() -> None:
    text = (
        "2024-07-02T03:26:41+02:00 alertmanager: KubePodCrashLooping api-7f9\n"
        "2024-07-02T03:31:05+02:00 sre-bot: rollout undo deployment/api\n"
    )
    msgs, _ = _read(text, "x.log")
    assert msgs[0].time == datetime(2024, 7, 2, 1, 26, 41, tzinfo=UTC)


EMAIL = """From: Priya Raman <priya@example.com>
Sent: Wednesday, March 6, 2024 9:40 AM -0800
To: infra-team
Subject: RE: search outage yesterday

Closing this out: the index rebuild finished at 08:55 and search is fully back.

> From: Tom
> we are still rebuilding

From: Tom Becker <tom@example.com>
Sent: Tuesday, March 5, 2024 4:12 PM -0800
Subject: search outage

Search started returning empty results at 15:20 after the shard rebalance.
"""


def test_email_thread_is_read_oldest_first_without_quoted_replies() -> None:
    msgs, _ = _read(EMAIL, "mail.txt")
    assert not any("still rebuilding" in m.text for m in msgs)
    lines = [m.line for m in msgs]
    assert lines.index(15) < lines.index(6)  # Tom's first mail comes before Priya's reply
    assert _at(msgs, 15).author == "Tom Becker"
    assert _at(msgs, 12).time == datetime(2024, 3, 6, 0, 12, tzinfo=UTC)
    start = _at(msgs, 15).inline[0][2]
    assert start == datetime(2024, 3, 5, 23, 20, tzinfo=UTC)  # the mail's own -0800


def test_zone_written_once_applies_to_zoneless_times_with_a_warning() -> None:
    text = (
        "cart incident, 2024-05-14\n\n- 8:50 deploy of cart-svc 5.2\n- 8:53 errors at 12%\n"
        "- 9:12am PT rolled back to 5.1\n"
    )
    msgs, warnings = _read(text)
    assert _at(msgs, 3).time == datetime(2024, 5, 14, 15, 50, tzinfo=UTC)
    assert _at(msgs, 5).time - _at(msgs, 3).time == datetime(1, 1, 1, 0, 22) - datetime(1, 1, 1)
    assert any("read as PT" in w for w in warnings)
    msgs, _ = _read(text, timezone="UTC")  # --timezone says otherwise
    assert _at(msgs, 3).time == datetime(2024, 5, 14, 8, 50, tzinfo=UTC)


def test_mixed_zones_warn_and_each_time_keeps_its_own_zone() -> None:
    text = "All times UTC, 2024-05-14\n\n- 16:05 deploy\n- 9:12am PT rolled back\n"
    msgs, warnings = _read(text)
    assert _at(msgs, 4).time == datetime(2024, 5, 14, 16, 12, tzinfo=UTC)
    assert any("mix time zones" in w for w in warnings)


def test_zoneless_times_are_never_made_utc() -> None:
    msgs, warnings = _read("incident 2024-05-14\n\n- 16:05 deploy\n- 16:20 rollback\n")
    assert _at(msgs, 3).time == datetime(2024, 5, 14, 16, 5)  # naive: zone unknown
    assert any("no time zone" in w for w in warnings)


@pytest.mark.parametrize(
    ("text", "minutes"),
    [
        # Berlin springs forward 02:00 -> 03:00 on 2024-03-31: 01:50 to 03:10 is 20 minutes
        ("Notes, 2024-03-31 (Europe/Berlin)\n\n[01:50] jo: lag alert\n[03:10] mi: failover done\n",
         20),
        # US Pacific falls back 02:00 -> 01:00 on 2024-11-03: 00:40 PDT to 02:10 PST is 150
        ("times in US/Pacific, 2024-11-03\n\n[00:40] jo: lag alert\n[02:10] mi: failover done\n",
         150),
    ],
)  # fmt: skip
def test_daylight_saving_changes(text: str, minutes: int) -> None:
    msgs, _ = _read(text, "chat.txt")
    first, last = (m for m in msgs if m.time)
    assert last.time is not None and first.time is not None
    assert (last.time - first.time).total_seconds() == minutes * 60


def test_a_timeline_without_times_still_reads() -> None:
    msgs, warnings = _read("## Timeline\n\n- deploy went out\n- errors rose\n- rolled back\n")
    assert [m.text for m in msgs if m.bullet] == ["deploy went out", "errors rose", "rolled back"]
    assert all(m.time is None for m in msgs) and not warnings


def test_unknown_timezone_is_an_input_error() -> None:
    with pytest.raises(InputError, match="unknown time zone"):
        _read("- 10:00 x\n", timezone="Mars/Olympus")


def test_each_email_reads_its_own_offset() -> None:
    text = (
        "From: Lena Vogt <lena@example.com>\nSent: Thursday, 7 November 2024 10:02 +0100\n"
        "Subject: RE: VPN outage\n\nThe new certificate went live at 09:40, tunnels are back.\n\n"
        "From: Sam Ortiz <sam@example.com>\nSent: Wednesday, November 6, 2024 11:15 PM -0800\n"
        "Subject: VPN outage\n\nTunnels started dropping at 22:50 after the certificate expired.\n"
    )
    msgs, warnings = _read(text, "mail.txt")
    assert [m.line for m in msgs if m.author != "#heading"] == [11, 5]  # oldest first
    assert warnings == [
        "mail.txt: times in each email's text are read in the zone of its Sent:/Date: line; "
        "pass --timezone to change"
    ]
    assert _at(msgs, 11).inline[0][2] == datetime(2024, 11, 7, 6, 50, tzinfo=UTC)  # PST
    assert _at(msgs, 5).inline[0][2] == datetime(2024, 11, 7, 8, 40, tzinfo=UTC)  # CET


def test_issue_tracker_thread_as_incident_log() -> None:
    text = (
        "# INC-4821: Orders stuck in pending after payment\n\n"
        "**maria-ops** opened this issue on Apr 8, 2025, 10:14 AM GMT+2\n\n"
        "Customers report orders stuck in pending after a card payment. 37 tickets so far.\n\n"
        "**dkowalski** commented on Apr 8, 2025, 10:31 AM GMT+2\n\n"
        "The payment-events consumer has zero throughput since 09:52.\n\n"
        "**maria-ops** closed this as completed on Apr 8, 2025, 11:40 AM GMT+2\n"
    )
    msgs, _ = _read(text, "issue.md")
    assert (_at(msgs, 3).text, _at(msgs, 3).author) == ("opened the issue", "maria-ops")
    report = _at(msgs, 5)
    assert report.time == datetime(2025, 4, 8, 8, 14, tzinfo=UTC) and report.time_line == 3
    comment = _at(msgs, 9)
    assert comment.author == "dkowalski" and comment.time == datetime(2025, 4, 8, 8, 31, tzinfo=UTC)
    assert comment.inline[0][2] == datetime(2025, 4, 8, 7, 52, tzinfo=UTC)  # 09:52 at GMT+2
    assert _at(msgs, 11).text == "closed the issue as completed"


def test_jira_comments_with_day_month_name_dates() -> None:
    text = (
        "OPS-311 Disk full on build agents (all times UTC)\n\n"
        "Anna Weber added a comment - 12/Feb/24 9:05 AM\nAgents 3 to 7 fail: no space left.\n\n"
        "Tom Riedel added a comment - 12/Feb/24 9:48 AM\nImage cache pruned, all agents green.\n"
    )
    msgs, _ = _read(text, "jira.txt")
    assert _at(msgs, 4).author == "Anna Weber"
    assert _at(msgs, 4).time == datetime(2024, 2, 12, 9, 5, tzinfo=UTC)
    assert _at(msgs, 7).time == datetime(2024, 2, 12, 9, 48, tzinfo=UTC)


def test_chat_with_dates_in_brackets_twelve_hour_seconds_across_us_dst() -> None:
    text = (
        "#inc-search (times are Pacific)\n[Mar 10, 2024 1:52:10 AM] ana: indexer lag alert\n"
        "[Mar 10, 2024 3:05:44 AM] raj: reindex done, lag back to zero\n"
    )
    msgs, _ = _read(text, "chat.txt")
    assert (_at(msgs, 2).author, _at(msgs, 2).text) == ("ana", "indexer lag alert")
    assert _at(msgs, 2).time == datetime(2024, 3, 10, 9, 52, 10, tzinfo=UTC)  # PST
    assert _at(msgs, 3).time == datetime(2024, 3, 10, 10, 5, 44, tzinfo=UTC)  # PDT


def test_summary_of_notes_mixing_pt_with_zoneless_times_keeps_order_and_minutes() -> None:
    from postmortem_assist.summarize import summarize_sources

    text = (
        "Checkout incident, 2024-05-14\n\n"
        "- 8:50 cart-svc 5.2 deployed to prod; checkout errors start for customers\n"
        "- 8:53 PagerDuty alert: checkout 5xx above 5%, on-call paged\n"
        "- 9:12am PT rolled back cart-svc to 5.1; 5xx back under 0.1%, declaring mitigated\n"
        "- 9:40 incident resolved after monitoring\n"
    )
    summary = summarize_sources([Source("mixed.md", text)])
    times = {e.line: e.time for e in summary.timeline}
    assert [e.line for e in summary.timeline] == sorted(times)  # the PT line is in its place
    assert times[5] - times[3] == datetime(1, 1, 1, 0, 22) - datetime(1, 1, 1)  # not 502 min
    assert summary.mitigated is not None and summary.mitigated.line == 5
    assert summary.mitigated.time == datetime(2024, 5, 14, 16, 12, tzinfo=UTC)
    assert summary.timezone == "PT" and "read as PT" in " ".join(summary.warnings)


# --- sixth blind batch: WhatsApp, CSV, incident.io, log comments, repeated DST hour ---

WHATSAPP = """11/03/2024, 18:21 - Nuria Vidal: times here are Madrid time (Europe/Madrid)
12/03/2024, 20:40 - Nuria Vidal: the bakery in Gracia called, orders won't save
12/03/2024, 20:44 - Oriol Puig: here, opening laptop
"""


def test_day_first_dates_follow_the_notes_zone_with_one_warning() -> None:
    msgs, warnings = _read(WHATSAPP, "chat.txt")
    assert _at(msgs, 2).time == datetime(2024, 3, 12, 19, 40, tzinfo=UTC)  # 12 March, CET
    order = [w for w in warnings if "day/month" in w]
    assert len(order) == 1 and "Europe/Madrid" in order[0]  # one line, not one per message


def test_an_unambiguous_date_decides_the_order_for_the_whole_file() -> None:
    text = "03/14/2024 09:10 UTC ops: disk alert\n03/04/2024 09:15 UTC ops: earlier note\n"
    msgs, warnings = _read(text, "log.txt")
    assert msgs[1].time is not None and msgs[1].time.date() == date(2024, 3, 4)
    assert not any("day/month" in w for w in warnings)


def test_month_first_is_kept_for_us_zones() -> None:
    text = "times are US Eastern (EDT)\n[04/05/2024 9:10 PM] dee: checkout down\n"
    msgs, _ = _read(text, "chat.txt")
    assert msgs[-1].time == datetime(2024, 4, 6, 1, 10, tzinfo=UTC)  # 5 April, 21:10 EDT


CSV_TIMELINE = """time (AEST),who,what
2024-06-03 09:15,grafana,"queue depth 40k, normal is under 1k"
2024-06-03 09:21,Kai Rowe,"acked, looking"
2024-06-03 09:40,Kai Rowe,"restarted the consumer pods; lag draining, ""all good"" by 09:58"
"""


def test_csv_timeline_rows_keep_their_lines_author_and_header_zone() -> None:
    notes = parse_notes([Source("timeline.csv", CSV_TIMELINE)])
    assert notes.shape == "csv"
    first, _, last = notes.messages
    assert (first.line, first.author, first.time) == (
        2,
        "grafana",
        datetime(2024, 6, 2, 23, 15, tzinfo=UTC),  # AEST is UTC+10
    )
    assert first.text == "queue depth 40k, normal is under 1k"  # quoted comma kept
    assert last.text.endswith('"all good" by 09:58')  # doubled quotes read once


def test_a_repeated_hour_after_daylight_saving_ends_is_the_second_one() -> None:
    text = (
        "Notes 2024-11-03, times US Central\n"
        "01:40 batch job starts\n"
        "01:55 queue lag alert fires\n"
        "01:05 still lagging (clocks went back at 02:00)\n"
        "01:20 lag cleared\n"
    )
    msgs, warnings = _read(text, "n.txt")
    assert _at(msgs, 3).time == datetime(2024, 11, 3, 6, 55, tzinfo=UTC)  # CDT, first 01:55
    assert _at(msgs, 4).time == datetime(2024, 11, 3, 7, 5, tzinfo=UTC)  # CST, second 01:05
    assert _at(msgs, 5).time == datetime(2024, 11, 3, 7, 20, tzinfo=UTC)
    assert not any("earlier than" in w for w in warnings)


def test_quoted_lines_under_a_stamped_entry_are_its_content() -> None:
    text = (
        "## Timeline\n\n"
        "**10:02:11** · Message pinned · Ana Ruiz\n"
        "> Checkout requests succeeding again, error rate 0.2%\n\n"
        "**10:05:00** · Status changed to Monitoring\n"
    )
    msgs, _ = _read("All timestamps are UTC, 2024-07-01.\n\n" + text)
    pinned = next(m for m in msgs if "pinned" in m.text)
    assert pinned.text.endswith("Checkout requests succeeding again, error rate 0.2%")
    assert pinned.time == datetime(2024, 7, 1, 10, 2, 11, tzinfo=UTC)


def test_hash_comments_in_a_log_are_remarks_not_headings() -> None:
    text = (
        "# api syslog, year 2024, all times UTC\n"
        "Jun  4 10:01:02 api-1 app[9]: upstream timed out\n"
        "# oncall: 10:06 paged for api latency\n"
        "# oncall: 10:40 incident closed\n"
    )
    msgs, _ = _read(text, "api.log")
    remarks = [m for m in msgs if m.author == "oncall"]
    assert [m.text for m in remarks] == ["paged for api latency", "incident closed"]
    assert remarks[0].time == datetime(2024, 6, 4, 10, 6, tzinfo=UTC)
    assert remarks[0].section == _at(msgs, 2).section  # the remark opened no section


def test_a_heading_with_a_bracketed_source_is_a_section() -> None:
    text = "10:02 alert fired\n\nimpact (support + logs):\n- 212 failed uploads\n"
    msgs, _ = _read(text, "n.txt")
    assert _at(msgs, 4).section == "impact"


# --- seventh blind batch: Zoom chat, ServiceNow stream, Slack desktop, terminals, prose ---


def test_zoom_chat_export_lines_with_tab_indented_messages() -> None:
    text = (
        "Bridge chat, 2024-09-19, times IST (UTC+5:30)\n"
        "14:38:40 From Vikram Shah to Everyone:\n"
        "\tPagerDuty fired at 14:24 for dispatch p99 > 5s\n"
    )
    notes = parse_notes([Source("zoom.txt", text)])
    msg = next(m for m in notes.messages if m.author == "Vikram Shah")
    assert notes.shape == "zoom-chat"
    assert "PagerDuty fired" in msg.text
    assert msg.time == datetime(2024, 9, 19, 9, 8, 40, tzinfo=UTC)


def test_servicenow_activity_stream_newest_first_is_put_in_order() -> None:
    text = (
        "(All times in America/Denver.)\n\n"
        "2024-02-13 10:57:40 - Priya Raman (Work notes)\n"
        "Orders are going through again.\n\n"
        "2024-02-13 10:31:40 - Event Management\n"
        "Alert ALT0098812 cleared automatically\n\n"
        "2024-02-13 10:22:05 - Priya Raman (Work notes)\n"
        "First checkout timeout in the order-svc logs is 10:04.\n"
    )
    msgs, _ = _read(text, "inc.txt")
    timed = [(m.text, m.time) for m in msgs if m.time is not None and m.author != "#heading"]
    assert [t for _, t in timed] == sorted(t for _, t in timed)
    going = next(m for m in msgs if m.text.startswith("Orders are going"))
    assert going.author == "Priya Raman"
    assert going.time == datetime(2024, 2, 13, 17, 57, 40, tzinfo=UTC)  # MST is UTC-7


def test_slack_desktop_copy_with_app_labels_and_bare_times() -> None:
    text = (
        "fwiw all times ET\n"
        "Datadog  APP  10:38 AM\n"
        "[Triggered] booking-api 5xx rate > 2% on env:prod\n"
        "Dana Wu  10:42 AM\n"
        "looking\n"
    )
    msgs, _ = _read(text, "slack.txt")
    alert = next(m for m in msgs if "[Triggered]" in m.text)
    assert (alert.author, alert.time_text) == ("Datadog", "10:38 AM")
    assert next(m for m in msgs if m.text == "looking").author == "Dana Wu"


def test_terminal_commands_and_their_output_are_not_events() -> None:
    text = (
        "# on-call log 2024-06-20, times UTC\n"
        "# 13:49 paged at 13:47: SigningLatencyHigh. acked\n"
        "$ kubectl -n signing get pods\n"
        "NAME                         READY   STATUS    RESTARTS   AGE\n"
        "signing-api-7c9d8b6f5-2kqlx  1/1     Running   0          2d4h\n"
        "# 13:53 api pods healthy, no restarts\n"
    )
    msgs, _ = _read(text, "term.log")
    assert not any("kubectl" in m.text or "Running" in m.text for m in msgs)
    paged = next(m for m in msgs if m.text.startswith("paged"))
    assert [raw for _, raw, _ in paged.inline] == ["13:47"]  # the colon after it is not a clock


def test_bare_times_in_prose_after_a_pm_time_are_afternoon() -> None:
    text = (
        "Date: Thu, 7 Nov 2024 17:10:02 -0800\n\n"
        "At around 2:15pm PT we started seeing course pages fail. Tomás spotted it at about "
        "3:05 when the hit rate had dropped.\n"
    )
    msgs, _ = _read(text, "mail.txt")
    spotted = next(m for m in msgs if "spotted" in m.text)
    assert spotted.inline[0][2] == datetime(2024, 11, 7, 23, 5, tzinfo=UTC)


# --- eighth blind batch: Google Chat Takeout, tab-separated IRC logs ---


def test_google_chat_takeout_json_is_read_as_a_chat() -> None:
    text = (
        '{"messages": [{"creator": {"name": "Omar Siddiqui", "user_type": "Human"}, '
        '"created_date": "Tuesday, March 5, 2024 at 2:03:40 PM UTC", '
        '"text": "warehouse just called, label printing is down"}, '
        '{"creator": {"name": "Grafana Alerts", "user_type": "Bot"}, '
        '"created_date": "Tuesday, March 5, 2024 at 2:05:11 PM UTC", '
        '"text": "[FIRING:1] LabelApiErrorRate"}]}'
    )
    notes = parse_notes([Source("messages.json", text)])
    first, second = notes.messages
    assert (first.author, first.time) == (
        "Omar Siddiqui",
        datetime(2024, 3, 5, 14, 3, 40, tzinfo=UTC),
    )
    assert second.author == "Grafana Alerts" and second.text.startswith("[FIRING:1]")


def test_weechat_tab_log_skips_joins_and_notices() -> None:
    text = (
        '2024-07-09 23:30:02\t--\tTopic for #ops is "incident channel"\n'
        "2024-07-09 23:35:12\t-->\tsbecker (~sb@10.0.0.1) has joined #ops\n"
        "2024-07-09 23:46:22\telif\tall times CEST here, customers are calling about tracking\n"
    )
    notes = parse_notes([Source("irc.log", text)])
    assert notes.shape == "tab-log"
    assert [(m.author, m.time) for m in notes.messages] == [
        ("elif", datetime(2024, 7, 9, 21, 46, 22, tzinfo=UTC))
    ]


TEAMS = """Payments > Incidents

Yesterday

[4:47 PM] Brennan, Shauna
Heads up: Network has CHG0099 tomorrow (Thursday 3/21/2024) 7:30-8:00 AM, firewall cleanup.

Today

[8:02 AM] Azure Monitor
Fired: Sev2 alert queue-age-high on ai-intake-prod
Fired time (UTC): 2024-03-21T12:02:08Z

[8:04 AM] Okafor, Chidi
ack, on call. we're all on Eastern so I'll keep times that way in here

[9:34 AM] Kowalski, Adam (Network)
rule restored, checks answering in under a second again
"""


def test_teams_copy_yesterday_today_and_last_first_speakers() -> None:
    msgs, warnings = _read(TEAMS, "teams.txt")
    heads_up = next(m for m in msgs if m.text.startswith("Heads up"))
    assert heads_up.author == "Shauna Brennan" and heads_up.day == date(2024, 3, 20)
    assert not any(m.text in ("Yesterday", "Today") for m in msgs)
    ack = next(m for m in msgs if m.text.startswith("ack"))
    # "we're all on Eastern" is the notes' zone; the alert's "Fired time (UTC): ..." is not
    assert ack.author == "Chidi Okafor" and ack.time == datetime(2024, 3, 21, 12, 4, tzinfo=UTC)
    fired = next(m for m in msgs if m.text.startswith("Fired"))
    assert fired.author == "Azure Monitor"
    restored = next(m for m in msgs if m.text.startswith("rule restored"))
    assert restored.author == "Adam Kowalski"
    assert not any("time 8:02 AM is earlier" in w for w in warnings)


GITLAB = """Realtime feed gaps (#118)

## Activity

Sami Korpela @skorpela · Jun 18, 2024 9:24am UTC
Found it. Firmware 4.12 stamps positions with local time, feed-ingest drops them.

Heidi Lainela @hlaine · 2 hours ago
Posted the service notice on the website.

Sami Korpela @skorpela mentioned in merge request !1823 · Jun 18, 2024 9:44am UTC

Tuomas Virtanen @tvirtanen changed the incident status to Resolved · Jun 18, 2024 11:21am UTC
"""


def test_gitlab_notes_give_author_and_time_and_system_notes_are_events() -> None:
    msgs, _ = _read(GITLAB, "issue.md")
    found = next(m for m in msgs if m.text.startswith("Found it"))
    assert found.author == "Sami Korpela"
    assert found.time == datetime(2024, 6, 18, 9, 24, tzinfo=UTC)
    notice = next(m for m in msgs if m.text.startswith("Posted the service notice"))
    assert notice.author == "Heidi Lainela" and notice.time is None  # "2 hours ago" is no time
    status = next(m for m in msgs if "status to resolved" in m.text.lower())
    assert status.time == datetime(2024, 6, 18, 11, 21, tzinfo=UTC)
    assert not any("@skorpela" in m.text for m in msgs if m.author != "#heading")


def test_a_fenced_terminal_paste_ends_at_its_fence() -> None:
    text = (
        "# lockers down, notes (UTC), 2024-10-08\n\n"
        "- 10:58 looking. gateway pods restarting\n\n"
        "```\n$ kubectl -n lockers get pods\nNAME  READY  STATUS\ngw-1  0/1  OOMKilled\n```\n\n"
        "- 11:38 lockers opening again\n"
        "- 12:25 closing the incident\n"
    )
    msgs, _ = _read(text)
    assert [m.text for m in msgs if m.time] == [
        "looking. gateway pods restarting",
        "lockers opening again",
        "closing the incident",
    ]


def test_telegram_export_is_read_as_a_chat_with_epoch_times() -> None:
    import json

    export = {
        "name": "video consults",
        "type": "private_supergroup",
        "messages": [
            {"id": 1, "type": "service", "date": "2024-05-14T07:44:02",
             "date_unixtime": "1715643842", "actor": "Farah", "action": "create_group", "text": ""},
            {"id": 2, "type": "message", "date": "2024-05-14T07:45:10",
             "date_unixtime": "1715643910", "from": "Farah Iskandar",
             "text": ["on it ", {"type": "mention", "text": "@hafiz"}, ", times here are SGT"]},
        ],
    }  # fmt: skip
    msgs, warnings = _read(json.dumps(export), "result.json")
    assert len(msgs) == 1 and not warnings  # the service message is a join
    assert msgs[0].author == "Farah Iskandar" and msgs[0].text == "on it @hafiz, times here are SGT"
    assert msgs[0].time == datetime(2024, 5, 13, 23, 45, 10, tzinfo=UTC)  # the epoch, not "date"


def test_page_metadata_lines_neither_date_the_notes_nor_become_events() -> None:
    text = (
        "# INC-0412 subscribers see the paywall\n\n"
        "Incident date: October 8, 2024 1:02 PM (GMT+2)\n"
        "Created time: October 8, 2024 1:31 PM\n"
        "Last edited time: October 9, 2024 10:12 AM\n\n"
        "All times below are CEST.\n\n"
        "## Timeline\n\n"
        "- **13:04** first entitlement denial for a paying subscriber\n"
    )
    msgs, _ = _read(text)
    assert not any("edited" in m.text.lower() or "created" in m.text.lower() for m in msgs)
    denial = next(m for m in msgs if "denial" in m.text)
    assert denial.time == datetime(2024, 10, 8, 11, 4, tzinfo=UTC)


def test_a_night_named_in_the_header_dates_after_midnight_messages() -> None:
    text = (
        "war room | night of Sat Nov 2 -> Sun Nov 3 2024 | times are US Pacific\n\n"
        "[12:56 AM] priya: discord is blowing up, players stuck\n"
        "[1:58 AM] jun: still broken\n"
        "[1:01 AM] jun: my clock just went from 1:59 back to 1:01\n"
        "[1:29 AM] priya: players matching again\n"
    )
    msgs, warnings = _read(text, "chat.txt")
    first = next(m for m in msgs if "blowing up" in m.text)
    assert first.time == datetime(2024, 11, 3, 7, 56, tzinfo=UTC)  # Sunday, PDT
    assert msgs[-1].time == datetime(2024, 11, 3, 9, 29, tzinfo=UTC)  # the repeated hour, PST
    assert not any("earlier than the message before" in w for w in warnings)


VTT = """WEBVTT

NOTE
Recording started: 2024-08-27 18:41:30 -04:00 (Eastern, EDT). Cue times are time since the
recording started.

a1b2/12-0
00:00:40.610 --> 00:00:45.396
<v Aisha Karimi>For whoever writes this up: ScanRejectRateHigh paged me at 6:29 PM.</v>

a1b2/13-0
00:02:55.400 --> 00:03:03.400
<v Mateo Rinaldi>First invalid signature is at 18:22 at gate C,
before doors.</v>

a1b2/14-0
00:31:12.640 --> 00:31:19.120
<v Declan Byrne>Gates C and D are scanning green. We&amp;re back.</v>
"""


def test_webvtt_transcript_gets_speakers_wall_times_and_its_own_line_numbers() -> None:
    msgs, _ = _read(VTT, "bridge.vtt")
    assert not any("Recording started" in m.text for m in msgs)  # it dates the call only
    page = _at(msgs, 9)
    assert page.author == "Aisha Karimi" and page.text.startswith("For whoever writes this up")
    assert page.time == datetime(2024, 8, 27, 22, 42, 10, tzinfo=UTC)  # 18:41:30 + 40 s, EDT
    assert page.inline[0][2] == datetime(2024, 8, 27, 22, 29, tzinfo=UTC)  # "6:29 PM" that day
    first = _at(msgs, 13)
    assert first.text.endswith("before doors.")  # the cue's second line continues it
    assert first.inline[0][2] == datetime(2024, 8, 27, 22, 22, tzinfo=UTC)
    back = _at(msgs, 18)
    assert back.time == datetime(2024, 8, 27, 23, 12, 42, tzinfo=UTC)
    assert "<v" not in back.text and "We&re back." in back.text


def test_element_export_lines_have_authors_and_a_range_is_not_a_zone() -> None:
    text = (
        "Room: #stoerung (exported from Element)\n"
        "2024-01-23, 22:22:10 - Lena Hoffmann: opening this, times here are Berlin time, CET\n"
        "2024-01-23, 22:31:15 - Dominik Schreiber: is it the Hetzner maintenance? "
        "they announced work in FSN1 22:00-02:00\n"
        "2024-01-24, 00:04:27 - Jonas Weber: purchases working again\n"
    )
    msgs, warnings = _read(text, "room.txt")
    assert _at(msgs, 2).author == "Lena Hoffmann"
    assert _at(msgs, 4).time == datetime(2024, 1, 23, 23, 4, 27, tzinfo=UTC)
    assert not any("mix time zones" in w for w in warnings)  # "22:00-02:00" is not UTC-2


def test_a_night_shift_header_with_evening_entries_keeps_the_first_day() -> None:
    text = (
        "**Shift:** Night, Sat 3/9/2024 10:00 PM -> Sun 3/10/2024 6:30 AM.\n"
        "**Times:** Central. DST starts tonight: 2:00 AM CST becomes 3:00 AM CDT.\n\n"
        "- **10:02 PM CST** - Shift start.\n"
        "- **1:58 AM CST** - Quiet.\n"
        "- **3:01 AM CDT** - Clocks jumped fine.\n"
    )
    msgs, _ = _read(text, "shift.md")
    assert _at(msgs, 4).time == datetime(2024, 3, 10, 4, 2, tzinfo=UTC)  # Saturday evening
    assert _at(msgs, 6).time == datetime(2024, 3, 10, 8, 1, tzinfo=UTC)  # 3 min after 1:58 CST


SBV = """0:00:00.000,0:00:04.000
[Recording started: 2024-07-16 10:31:20 -06:00 (MDT, Denver). Times below are time since \
the recording started.]

0:00:12.900,0:00:20.500
Keiko Amari: For the write-up: support's first call was at 10:09.

0:44:50.200,0:45:00.000
Brynn Halvorsen: Unlock success is back at 98 percent. We're good.
"""


def test_subviewer_captions_read_like_a_transcript() -> None:
    msgs, _ = _read(SBV, "meet.sbv")
    assert not any("Recording started" in m.text for m in msgs)
    call = _at(msgs, 5)
    assert call.author == "Keiko Amari"
    assert call.time == datetime(2024, 7, 16, 16, 31, 32, tzinfo=UTC)  # 10:31:20 + 12 s, MDT
    assert call.inline[0][2] == datetime(2024, 7, 16, 16, 9, tzinfo=UTC)
    assert _at(msgs, 8).time == datetime(2024, 7, 16, 17, 16, 10, tzinfo=UTC)


def test_a_log_export_written_newest_first_is_read_oldest_first() -> None:
    text = (
        "@timestamp,@message,@logStream\n"
        "2024-07-02 15:22:00.000,all clear,note\n"
        "2024-07-02 15:01:12.000,checkout is working again,note\n"
        "2024-07-02 14:03:00.000,ALARM checkout-api-5xx-rate,alarms\n"
        "2024-07-02 13:45:02.771,PutItem failed ProvisionedThroughputExceeded,app\n"
    )
    msgs, _ = _read(text, "insights.csv")
    assert [m.line for m in msgs] == [5, 4, 3, 2]
    assert msgs[0].time == datetime(2024, 7, 2, 13, 45, 2)  # no zone given: naive


def test_military_and_dotted_clock_times_and_a_german_page_header() -> None:
    text = (
        "Erstellt von Jana Albrecht, zuletzt aktualisiert am 19.07.2024 um 16:42\n"
        "Mon 2 Dec 2024. All times SGT (UTC+8).\n\n"
        "2236h  PD: CardTopupFailureRate > 5% on topup-svc.\n"
        "2241h  almost every top-up failing since about 10.30pm.\n"
        "0012H  allow-list updated, top-ups working again.\n"
    )
    msgs, _ = _read(text, "warroom.txt")
    assert not any("Erstellt" in m.text for m in msgs)  # the page, not the incident
    assert _at(msgs, 4).time == datetime(2024, 12, 2, 14, 36, tzinfo=UTC)
    assert _at(msgs, 5).inline[0][2] == datetime(2024, 12, 2, 14, 30, tzinfo=UTC)
    assert _at(msgs, 6).time == datetime(2024, 12, 2, 16, 12, tzinfo=UTC)  # after midnight


def test_captions_without_a_recording_start_say_their_times_are_offsets() -> None:
    text = "0:00:01.000,0:00:02.000\nAna: deploy broke checkout\n\n0:00:03.000,0:00:04.000\n"
    text += "Ben: rolled back, working again\n\n0:00:05.000,0:00:06.000\nAna: ok\n"
    msgs, warnings = _read(text, "call.sbv")
    assert _at(msgs, 2).author == "Ana"
    assert any("count from the start of the recording" in w for w in warnings)
    _, warnings = _read(SBV, "meet.sbv")
    assert not any("count from the start of the recording" in w for w in warnings)


def test_irc_lines_with_bare_times_and_a_zone_in_the_first_line() -> None:
    """irssi-style "13:41:17 <nick> text" lines: author and time per line, in the stated zone."""
    text = (
        "*** #ops-bridge log, Wednesday 10 July 2024, all times SAST (UTC+2) ***\n"
        "13:51:58 <deploybot> kt-gateway 3.8.0 deployed to prod (6/6 pods)\n"
        "14:07:48 <thandiwe> support here: a customer says 60 trucks vanished from the map\n"
        "14:09:02 <@ruan> looking\n"
    )
    msgs, _ = _read(text, "bridge.txt")
    second = _at(msgs, 3)
    assert second.author == "thandiwe"
    assert second.time == datetime(2024, 7, 10, 12, 7, 48, tzinfo=UTC)
    assert _at(msgs, 4).author == "ruan"


def test_a_repeated_hour_said_after_the_clock_change_is_the_second_one() -> None:
    """In notes across the October change, "at 02:06" written at the second 02:31 is the
    second 02:06 (01:06Z), while "02:24 (the first one)" written at the second 02:13 stays
    the first (00:24Z)."""
    text = (
        "# On-call notes, night Sat 26 -> Sun 27 Oct 2024\n\n"
        "Vienna local time throughout (CEST until 03:00, then CET).\n\n"
        "- 02:24 r2 caught up, back in the read pool.\n"
        "- 02:55 still quiet.\n"
        "- 02:13 first thought: the replica, r2 came back at 02:24 (the first one).\n"
        "- 02:31 the hourly key was reused, so from 02:06 every app booking got a 429.\n"
    )
    msgs, _ = _read(text, "notes.md", timezone="Europe/Vienna")
    late = _at(msgs, 8)
    assert late.time == datetime(2024, 10, 27, 1, 31, tzinfo=UTC)
    assert [st for _, _, st in late.inline] == [datetime(2024, 10, 27, 1, 6, tzinfo=UTC)]
    early = _at(msgs, 7)
    assert [st for _, _, st in early.inline] == [datetime(2024, 10, 27, 0, 24, tzinfo=UTC)]


def test_a_last_edited_line_does_not_date_the_incident() -> None:
    """A page's "Last edited 05/03/2024 09:12 by" metadata is not the incident day; the
    header's "Monday 4 March 2024" is."""
    text = (
        "# INC-2024-011 Weighbridge tickets not issued\n\n"
        "Owner: Luciana (TI Infra) · Status: Draft · Last edited 05/03/2024 09:12 by Luciana\n\n"
        "> all times on this page are BRT. Monday 4 March 2024.\n\n"
        "| Time | Event |\n|---|---|\n"
        "| 10:12 | First failed ticket: No space left on device. |\n"
    )
    msgs, _ = _read(text, "wiki.md")
    row = next(m for m in msgs if "First failed" in m.text)
    assert row.time == datetime(2024, 3, 4, 13, 12, tzinfo=UTC)


def _jl(**fields: object) -> str:
    return json.dumps(fields, separators=(",", ":"))


JSON_LINES = "\n".join(
    [
        _jl(ts="2025-09-02T14:01:07.120+02:00", level="info", svc="pay-api",
            msg="deploy v3.2.0 finished", pods=6),
        _jl(ts="2025-09-02T14:04:55.900+02:00", level="error", svc="pay-api",
            msg="upstream timeout", upstream="ledger"),
        "not json: a pasted remark between the log lines",
        _jl(ts="2025-09-02T14:09:00+02:00", kind="note", author="ines",
            msg="paged, looking at ledger latency"),
        _jl(ts="2025-09-02T14:31:12+02:00", kind="note", author="ines",
            msg="rolled back to v3.1.9, timeouts gone"),
    ]
)  # fmt: skip


def test_json_lines_logs_become_timed_entries_line_for_line() -> None:
    msgs, _ = _read(JSON_LINES, "export.jsonl")
    first = _at(msgs, 1)
    assert first.time == datetime(2025, 9, 2, 12, 1, 7, tzinfo=UTC)  # whole seconds, as in logs
    assert first.author == "pay-api" and first.text.startswith("deploy v3.2.0 finished")
    assert "pods=6" in first.text  # other fields stay readable
    assert _at(msgs, 2).text.startswith("upstream timeout") and "level=error" in _at(msgs, 2).text
    note = _at(msgs, 5)
    assert note.author == "ines" and note.time == datetime(2025, 9, 2, 12, 31, 12, tzinfo=UTC)
    assert not any('"ts"' in m.text for m in msgs)  # no raw JSON left in any entry


def test_a_few_json_lines_in_prose_notes_stay_as_written() -> None:
    text = 'Notes from the call.\nWe saw {"a": 1} in the payload.\nRolled back at 14:31 UTC.\n'
    msgs, _ = _read(text)
    assert any('{"a": 1}' in m.text for m in msgs)


OTTER = """Checkout bridge
Recorded Tue, Mar 4, 2025 at 9:40 PM PST  •  31:02

SPEAKERS
Ana Ruiz, Tom Berg

Ana Ruiz  0:00:04
Okay, recording. Checkout errors since about nine thirty.

Tom Berg  0:01:10
PagerDuty fired at 9:31pm, error rate 40 percent.

Ana Ruiz  2:15
Rolling back now.
And I'll post in the channel.

Tom Berg  0:20:40
Errors are back to zero.
"""


def test_an_otter_transcript_counts_its_stamps_from_the_recording_start() -> None:
    msgs, _ = _read(OTTER, "bridge.txt")
    first = _at(msgs, 8)
    assert first.author == "Ana Ruiz"
    assert first.time == datetime(2025, 3, 5, 5, 40, 4, tzinfo=UTC)  # 9:40:04 PM PST
    short = _at(msgs, 14)  # "2:15" is minutes and seconds
    assert short.time == datetime(2025, 3, 5, 5, 42, 15, tzinfo=UTC)
    assert "post in the channel" in short.text  # the speaker's second line continues it
    assert _at(msgs, 18).time == datetime(2025, 3, 5, 6, 0, 40, tzinfo=UTC)
    assert not any(m.text.startswith("Tom Berg") for m in msgs)  # header lines are not text


ORG = """#+TITLE: on-call log
# times are UTC

* Other
** TODO renew the parking permit <2025-04-09 Wed>
* Incident: exports failing
  :PROPERTIES:
  :OPENED:   <2025-04-08 Tue 10:02>
  :END:
** 10:01 support rang
   <2025-04-08 Tue 10:01>
   Exports from the admin page time out for every customer.
** 10:20 fix
   #+BEGIN_SRC sh
   $ kubectl rollout undo deploy/exporter
   #+END_SRC
   rolled back the exporter
** Follow-ups
*** TODO add a timeout alert on exports
"""


def test_an_org_file_reads_as_dated_entries_with_drawers_and_todos_left_out() -> None:
    msgs, _ = _read(ORG, "oncall.org")
    call = _at(msgs, 10)
    # the stamp under the heading dates it; the TODO's later date does not date the notes
    assert call.time == datetime(2025, 4, 8, 10, 1, tzinfo=UTC)
    assert "Exports from the admin page time out" in call.text  # the body joins its entry
    assert not any(":OPENED:" in m.text or "PROPERTIES" in m.text for m in msgs)
    assert any(m.text.startswith("TODO add a timeout alert") for m in msgs)
    assert not any("BEGIN_SRC" in m.text for m in msgs)


def test_bare_dotted_times_in_notes_that_write_dotted_pm_times() -> None:
    text = (
        "Times GMT. Tues 11th Feb 2025\n"
        "1.50pm  fare table v88 pushed\n"
        "2.24    ops dashboard: decline rate 38%\n"
        "2.31pm  decline alarm fired\n"
        "14.40   alarm cleared itself\n"
        "3.08    half the fleet back on v87\n"
    )
    msgs, _ = _read(text)
    assert _at(msgs, 3).time == datetime(2025, 2, 11, 14, 24, tzinfo=UTC)  # afternoon
    assert _at(msgs, 5).time == datetime(2025, 2, 11, 14, 40, tzinfo=UTC)
    assert _at(msgs, 6).time == datetime(2025, 2, 11, 15, 8, tzinfo=UTC)


def test_french_clock_times_open_their_lines() -> None:
    text = (
        "Notes du 6 March 2025, Paris time (CET)\n"
        "- 9h - config change merged, nothing visible\n"
        "- 13h50 - release train deploys gateway 3.12\n"
        "- 14h05 - first 429s for the school NAT range\n"
        "- 14h58 - submissions go through again (the 2h30 window was almost gone)\n"
    )
    msgs, _ = _read(text)
    assert _at(msgs, 2).time == datetime(2025, 3, 6, 8, 0, tzinfo=UTC)  # 9h CET
    assert _at(msgs, 4).time == datetime(2025, 3, 6, 13, 5, tzinfo=UTC)
    assert _at(msgs, 4).text.startswith("first 429s")
    assert "2h30 window" in _at(msgs, 5).text  # a duration inside the text stays as written


def test_hours_written_as_durations_are_not_clock_times() -> None:
    text = "Impact notes\n- 2h - total outage of the API\n- 3h - degraded search after that\n"
    msgs, _ = _read(text)
    assert all(m.time is None for m in msgs)  # no "HHhMM" anywhere: "2h" stays a duration


def test_german_uhr_times_a_night_header_with_an_arrow_and_whatsapp_copies() -> None:
    text = (
        "Night duty notes, Thu 13.11. → Fri 14.11.2025\n"
        "all times Berlin time\n\n"
        "21.30 Uhr – price list update went live (WWS-3318)\n"
        "23.40 Uhr – WhatsApp from Marco (night shift lead):\n"
        "    [23:40, 13/11/2025] Marco Backstube: dough plan looks wrong, can you check??\n"
        "23.55 Uhr – maybe 38 branches never got their upload through?\n"
        "00.02 Uhr – SFTP inbox: all 140 files arrived between 21.41 and 21.58 Uhr\n"
    )
    msgs, _ = _read(text)
    assert _at(msgs, 4).time == datetime(2025, 11, 13, 20, 30, tzinfo=UTC)  # the evening: Thu
    assert _at(msgs, 6).text.startswith("Marco Backstube: dough plan")  # the copy's stamp
    assert _at(msgs, 7).time == datetime(2025, 11, 13, 22, 55, tzinfo=UTC)  # not May 2038
    assert _at(msgs, 8).time == datetime(2025, 11, 13, 23, 2, tzinfo=UTC)  # past midnight


def test_a_night_header_in_words_dates_an_evening_start_on_the_first_day() -> None:
    text = (
        "# Vans not dispatching, Sat night Nov 1 → Sun Nov 2, 2025\n\n"
        "all times PT.\n\n"
        "- 11:45pm quiet so far, 9 vans out\n"
        "- 12:58am closure uploaded, geofence v42\n"
    )
    msgs, _ = _read(text)
    assert _at(msgs, 5).time == datetime(2025, 11, 2, 6, 45, tzinfo=UTC)  # Sat 23:45 PDT
    assert _at(msgs, 6).time == datetime(2025, 11, 2, 7, 58, tzinfo=UTC)


def test_remarks_typed_behind_hashes_in_a_pasted_log_are_notes_not_headings() -> None:
    text = (
        "# INC-0412 receipts rejected, pasted from loki, my remarks in EET\n"
        "2025-01-28T07:48:10Z INFO deploy-bot rolling update started\n"
        "2025-01-28T09:51:02+02:00 WARN einv receipt rejected code=E-417\n"
        "2025-01-28T09:51:04+02:00 WARN einv receipt rejected code=E-417\n"
        "## 10:02 support forwards a call: receipts print without the QR\n"
        "2025-01-28T08:06:00Z ALERT alertmanager [FIRING] EinvRejectRatioHigh\n"
        "## root cause: 3.8.0 writes the time without an offset\n"
        "## the next line is mine too\n"
        "2025-01-28T08:41:30Z INFO deploy-bot rollback complete 6/6\n"
        "## 10:47 receipts accepted again\n"
    )
    msgs, _ = _read(text, name="e.log")
    assert _at(msgs, 5).time == datetime(2025, 1, 28, 8, 2, tzinfo=UTC)
    cause = _at(msgs, 7)
    assert cause.text.startswith("root cause: 3.8.0") and cause.author != "#heading"
    assert _at(msgs, 8).text == "the next line is mine too"  # its own note, not wrapped
    assert _at(msgs, 1).author == "#heading"  # the single-hash title stays a heading


def test_teams_yesterday_and_today_stamp_lines_date_their_messages() -> None:
    text = (
        "(copied out of Teams on Monday 12/8/2025 for the review, we're on Central time)\n"
        "Marcus Oyelaran\n"
        "Yesterday 11:31 PM\n"
        "end of regulation 24-24, we're going to OT\n"
        "Kelsey Brandt\n"
        "Today 12:08 AM\n"
        "support is lighting up\n"
    )
    msgs, _ = _read(text)
    assert _at(msgs, 4).time == datetime(2025, 12, 8, 5, 31, tzinfo=UTC)  # Sun 23:31 CST
    assert _at(msgs, 7).time == datetime(2025, 12, 8, 6, 8, tzinfo=UTC)  # Mon 00:08 CST


def test_a_bot_stamp_under_yesterday_dates_yesterday_not_today() -> None:
    text = (
        "bookings war room (copied the next morning)\n"
        "\n"
        "Yesterday\n"
        "\n"
        "Grafana Alerts 11:41 PM\n"
        "[FIRING:1] BookingConfirmFailures\n"
        "Starts at: 2025-03-11 18:11:30 UTC\n"
        "Kavya Iyer 11:47 PM\n"
        "looking, all times IST\n"
        "Today\n"
        "Kavya Iyer 12:21 AM\n"
        "bookings confirming again\n"
    )
    msgs, _ = _read(text, timezone="Asia/Kolkata")
    assert _at(msgs, 6).time == datetime(2025, 3, 11, 18, 11, tzinfo=UTC)  # 11:41 PM IST, 11 Mar
    assert _at(msgs, 12).time == datetime(2025, 3, 11, 18, 51, tzinfo=UTC)  # 12:21 AM, 12 Mar


GMAIL = """Re: Checkout errors
Inbox

Ana Ruiz <ana@shop.example>\t4:10 PM (5 minutes ago)
to ops

All clear, closing this one.

On Tue, Mar 4, 2025 at 3:20 PM Tom Berg <tom@shop.example> wrote:
> Rolled back at 3:12 PM, checkout working again since 3:15 PM.
>
> On Tue, Mar 4, 2025 at 2:58 PM Ana Ruiz <ana@shop.example> wrote:
> > Support says card payments fail since 2:50 PM. All times Mountain (MST).
"""


def test_a_gmail_thread_with_older_mails_only_as_quotes_keeps_each_mail() -> None:
    msgs, _ = _read(GMAIL, "thread.txt")
    oldest = next(m for m in msgs if "card payments fail" in m.text)
    assert oldest.author == "Ana Ruiz" and not oldest.text.startswith(">")
    assert oldest.time == datetime(2025, 3, 4, 21, 58, tzinfo=UTC)  # 2:58 PM MST
    middle = next(m for m in msgs if m.text.startswith("Rolled back"))
    assert middle.author == "Tom Berg" and middle.time == datetime(2025, 3, 4, 22, 20, tzinfo=UTC)
    assert [m.line for m in msgs if m.text.startswith("All clear")] == [7]


def test_a_two_day_night_header_dates_the_evening_entries() -> None:
    text = (
        "ON-CALL LOG  Sa 29.03. / So 30.03.2025  night shift\n"
        "times = Berlin local, CET tonight\n"
        "23:40  handover, nothing open\n"
        "01:52  PAGE: \"assignment rate < 85%\" from Grafana. acked\n"
    )
    msgs, _ = _read(text)
    assert _at(msgs, 3).time == datetime(2025, 3, 29, 22, 40, tzinfo=UTC)
    assert _at(msgs, 4).time == datetime(2025, 3, 30, 0, 52, tzinfo=UTC)


def test_chat_lines_with_full_names_and_a_city_as_the_zone() -> None:
    text = (
        "[06/03/2025 14:09:51] Lauren Pryce: I'm IC. Scribing in here, all times London\n"
        "[06/03/2025 14:10:33] Deepa Sharma: first call got flagged to me at 14:02\n"
    )
    notes = parse_notes([Source("chat.txt", text)])
    assert [m.author for m in notes.messages] == ["Lauren Pryce", "Deepa Sharma"]
    assert notes.messages[1].text.startswith("first call")
    assert notes.zone is not None and "London" in str(notes.zone)


def test_rocket_chat_speaker_lines_with_handles_and_bots() -> None:
    text = (
        "March 18, 2025\n\n"
        "deploy-bot  Bot  09:40:12\n"
        "invoice-sender v2.19.0 rolled out to prod (3/3 pods)\n"
        "ewa.szymanska  10:02:11\n"
        "support here: an accounting office called, every invoice came back rejected\n"
    )
    msgs, _ = _read(text, "chat.txt", timezone="Europe/Warsaw")
    bot = _at(msgs, 4)
    assert bot.author == "deploy-bot" and bot.time == datetime(2025, 3, 18, 8, 40, 12, tzinfo=UTC)
    said = _at(msgs, 6)
    assert said.author == "ewa.szymanska"
    assert said.time == datetime(2025, 3, 18, 9, 2, 11, tzinfo=UTC)


def test_a_night_header_with_an_impossible_first_date_is_read_without_it() -> None:
    msgs, _ = _read("LOG  Sa 31.02. / So 30.03.2025 night\n23:40  handover, nothing open\n")
    assert _at(msgs, 2).time is not None and _at(msgs, 2).time.day == 30  # no such 31 February


def test_remarks_typed_into_a_log_lose_their_markers_and_keep_their_clock() -> None:
    from postmortem_assist.notes import hash_remarks

    log = "\n".join(
        [f"2026-10-25T01:{m:02d}:00+01:00 gw01 relay[22]: call delivered" for m in range(6)]
        + [
            ">> marco 02:17 Giulia rang me: handsets silent",
            ">> 02:20 first thought: the DECT master again",
            ">> marco: excerpt for the review",
        ]
    )
    out = hash_remarks(log)
    assert out is not None
    lines = out.split("\n")
    assert lines[6] == "02:17 marco: Giulia rang me: handsets silent"
    assert lines[7] == "02:20 first thought: the DECT master again"
    assert lines[8] == "- marco: excerpt for the review"
    assert len(lines) == len(log.split("\n"))  # line numbers stay the input's


def test_four_digit_clocks_opening_shift_log_lines_are_times() -> None:
    from postmortem_assist.notes import continental_clocks

    notes = (
        "SHIFT HANDOVER, all times local (Europe/Madrid), 2026-10-06\n"
        "0600  took over from Iker\n"
        "0731  Sergio (load control) phoned: captains asking for their loadsheet\n"
        "0858  first ACK, loadsheets reaching the cockpits again\n"
        "check /var/spool every 2 h (1300: 31% on 01)\n"
    )
    out = continental_clocks(notes)
    assert out is not None
    lines = out.split("\n")
    assert lines[1].startswith("06:00  took over")
    assert lines[3].startswith("08:58  first ACK")
    assert lines[4] == "check /var/spool every 2 h (1300: 31% on 01)"  # only line openings
    # two four-digit lines are not enough to read them as clocks
    assert continental_clocks("0600  took over\n0731  phoned\nnothing else\n") is None


def test_a_word_that_starts_like_a_weekday_is_not_part_of_the_stamp() -> None:
    # "monitoring" and "Sunny" once passed for Monday and Sunday, and the stamp ate the word
    msgs, _ = _read(
        "Notes, 4 Mar 2026, all times UTC\n"
        "Wed 4 Mar 2026 21:02 checkout 502s, paged\n"
        "monitoring 21:40 error rate back under 0.1%\n"
        "Sunny 22:05 says the retry queue is empty\n"
    )
    texts = [m.text for m in msgs]
    assert "checkout 502s, paged" in texts
    # with no stamp of their own, the two lines continue the one before
    assert texts[-1] == (
        "monitoring 21:40 error rate back under 0.1% Sunny 22:05 says the retry queue is empty"
    )
    first = next(m for m in msgs if m.text == "checkout 502s, paged")
    assert first.time == datetime(2026, 3, 4, 21, 2, tzinfo=UTC)


def test_ist_stated_in_an_israeli_chat_is_israel_time() -> None:
    msgs, _ = _read(
        "#ops-field, Sun 8 Mar 2026\n"
        "06:09  Rina: phone call from Moshav Ein Tal, valves did not open at 05:30\n"
        "06:24  Noa: fyi all times here are IST\n"
        "07:46  Dana: valves opening on schedule again\n",
        name="chat.txt",
    )
    again = next(m for m in msgs if "again" in m.text)
    assert again.time == datetime(2026, 3, 8, 5, 46, tzinfo=UTC)  # UTC+2, not India's +5:30


def test_a_day_column_beside_the_time_column_dates_each_row() -> None:
    # notes dated Sunday: the Saturday rows are the day before, not after midnight rollover
    msgs, _ = _read(
        "On Sun 25 Oct 2026 the clocks went back. Times are Berlin time.\n\n"
        "| Day | Time | What happened |\n"
        "|---|---|---|\n"
        "| Sat | 22:00 | Doors open |\n"
        "| Sun | 01:12 | Scanner app 5.8.1 rolled out |\n"
        "| **Sun** | 03:40 | All clear |\n"
    )
    rows = {m.text: m.time for m in msgs if m.time is not None}
    assert rows["Doors open"] == datetime(2026, 10, 24, 20, 0, tzinfo=UTC)
    assert rows["Scanner app 5.8.1 rolled out"] == datetime(2026, 10, 24, 23, 12, tzinfo=UTC)
    assert rows["All clear"] == datetime(2026, 10, 25, 2, 40, tzinfo=UTC)  # CET by then


def test_a_notes_column_typed_beside_exported_log_rows_is_read() -> None:
    # a log export with the on-call's remarks in an extra column (the header says "by hand")
    text = (
        '@timestamp,@logStream,@message,"notes (Ines, typed by hand, @timestamp is UTC)"\n'
        '2026-12-03 13:31:07.482,locker-gw,"{""event"":""pickup_code_rejected""}",'
        "first reject I can find\n"
        '2026-12-03 13:46:00.000,alarms,"{""alarm"":""RejectRate"",""state"":""ALARM""}",'
        '"paged, acked 13:48"\n'
        '2026-12-03 15:42:00.000,-,,"impact: 2,187 rejected pickup attempts at 1,340 lockers"\n'
    )
    msgs, _ = _read(text, name="insights.csv")
    assert [m.author for m in msgs] == [None, None, None]  # "by hand" names no author column
    assert msgs[0].text == '{"event":"pickup_code_rejected"} — first reject I can find'
    assert msgs[2].text == "impact: 2,187 rejected pickup attempts at 1,340 lockers"
    assert msgs[2].time == datetime(2026, 12, 3, 15, 42, tzinfo=UTC)


def test_text_typed_under_a_csv_export_is_read_with_its_lines() -> None:
    text = (
        '"@timestamp","host.name","message"\n'
        '"Dec 3, 2026 @ 14:40:02.118","rdc-api-03","GET /actuator/health 200"\n'
        '"Dec 3, 2026 @ 14:39:10.118","rdc-api-02","ClearItem submit ok"\n'
        '"Dec 3, 2026 @ 14:24:00.000","(note)","03 back in the target group"\n'
        '"Dec 3, 2026 @ 13:41:52.310","rdc-api-03","ClearItem submit failed: PKIX path"\n'
        "\n"
        "SUMMARY (Marcus, typed under the export)\n"
        "- impact: 412 members, 1,037 failed deposit attempts, $318,640 in checks delayed\n"
    )
    msgs, _ = _read(text, name="discover.csv")
    impact = next(m for m in msgs if "1,037 failed deposit attempts" in m.text)
    assert impact.line == 8 and impact.time is None
    assert sum("ClearItem submit" in m.text for m in msgs) == 2


def test_a_plain_chat_copy_with_full_names_has_authors() -> None:
    msgs, _ = _read(
        "#loyalty-ops, Thu 3 Dec 2026\n"
        "11:30 deploy-bot: loyalty-api 5.2.0 rolled out to prod\n"
        "12:24 Grace Liu: store ops: manager at Yonge & Eglinton called at 12:21\n"
        "12:26 Nadia Rahman: looking\n",
        name="chat.txt",
    )
    assert [m.author for m in msgs if m.time] == ["deploy-bot", "Grace Liu", "Nadia Rahman"]
    assert msgs[-1].text == "looking"


def test_slack_desktop_speaker_lines_with_the_time_beside_or_below_the_name() -> None:
    msgs, _ = _read(
        "Thursday, December 3rd, 2026\n"
        "deploybot  APP  [7:05 AM]\n"
        "elig-svc v3.8.0 deployed to prod\n"
        "Marcus Bell\n"
        "[8:22 AM]\n"
        "front desk at Tulsa called support at 8:19 AM\n"
        "Renee Whitfield  [8:36 AM]\n"
        "looking\n"
        "[8:39 AM]\n"
        "the 271s come back AAA*75 for Prairie\n",
        name="slack.txt",
    )
    said = [(m.author, m.text, m.line) for m in msgs if m.time]
    assert said == [
        ("deploybot", "elig-svc v3.8.0 deployed to prod", 2),
        ("Marcus Bell", "front desk at Tulsa called support at 8:19 AM", 5),
        ("Renee Whitfield", "looking", 7),
        ("Renee Whitfield", "the 271s come back AAA*75 for Prairie", 9),
    ]


def test_a_log_file_name_on_the_first_line_dates_the_log() -> None:
    msgs, _ = _read(
        "#ops_20261203.log\n"
        "[00:00:05] <mirrormon> WARN InRelease is 6d old, last publish Thu 26 Nov\n"
        "[07:12:31] <ciel> apt update fails: Release file is expired\n",
        name="ops.log",
    )
    assert msgs[-1].time is not None and msgs[-1].time.date() == date(2026, 12, 3)


def test_a_follow_up_list_inside_a_chat_message_ends_with_that_message() -> None:
    msgs, _ = _read(
        "#sync-oncall\n"
        "December 3, 2026\n"
        "ola.wrona — 16:04\n"
        "follow-ups:\n"
        "1. body size limits per route (Ola, SYNC-771)\n"
        "ola.wrona — 16:10\n"
        "no rejects since 14:44. all clear, closing INC-0932\n",
        name="discord.txt",
    )
    closing = next(m for m in msgs if "all clear" in m.text)
    assert closing.section is None


def test_a_notion_name_column_holding_page_titles_is_the_text_not_the_author() -> None:
    text = (
        "Name,Time,Type,Owner\n"
        '"Team is in Madrid, every Time here is Madrid time","December 3, 2026 11:12 PM (GMT+1)",'
        "Note,Lucía Ferrer\n"
        '"Forced re-sync on all 22 scanners. Working again","December 3, 2026 8:22 PM (GMT+1)",'
        "Recovery,Lucía Ferrer\n"
        '"taquilla-api 4.19 deployed (cursor paging)","December 3, 2026 5:55 PM (GMT+1)",'
        "Change,deploy-bot\n"
    )
    msgs, _ = _read(text, name="notion.csv")
    fix = next(m for m in msgs if m.text.startswith("Forced re-sync"))
    assert fix.author == "Lucía Ferrer"
    assert fix.time == datetime(2026, 12, 3, 19, 22, tzinfo=UTC)


def test_a_weekday_dates_its_own_recap_line_only() -> None:
    msgs, _ = _read(
        "From: Helmi <helmi@example.fi>\n"
        "Sent: Wednesday, 4 June 2025 11:20\n"
        "Subject: RE: shelf prices\n\n"
        "All times below are Finnish time (EEST).\n\n"
        "- Tue 20:00 price-exp-02 rebuilt on the new image\n"
        "- 05:30 weekly price export runs, the import rejects it\n",
        name="mail.txt",
    )
    rebuilt = next(m for m in msgs if "rebuilt" in m.text)
    export = next(m for m in msgs if "export runs" in m.text)
    assert rebuilt.time == datetime(2025, 6, 3, 17, 0, tzinfo=UTC)
    assert export.time == datetime(2025, 6, 4, 2, 30, tzinfo=UTC)


def test_journald_json_with_epoch_microseconds_and_typed_remarks() -> None:
    text = (
        "# note depot chargers, all times in my notes are Sydney time (AEDT)\n"
        '{"__REALTIME_TIMESTAMP":"1796292760553000","_HOSTNAME":"chg-ctl-01",'
        '"SYSLOG_IDENTIFIER":"csms","MESSAGE":"StatusNotification cp=WPK-CH07 status=Preparing"}\n'
        '{"__REALTIME_TIMESTAMP":"1796292761000000","_HOSTNAME":"chg-ctl-01",'
        '"SYSLOG_IDENTIFIER":"csms","MESSAGE":"SetChargingProfile limit=0W"}\n'
        '{"__REALTIME_TIMESTAMP":"1796292762000000","_HOSTNAME":"chg-ctl-01",'
        '"SYSLOG_IDENTIFIER":"csms","MESSAGE":"MeterValues power=0kW"}\n'
        '{"__REALTIME_TIMESTAMP":"1796292763000000","_HOSTNAME":"chg-ctl-01",'
        '"SYSLOG_IDENTIFIER":"csms","MESSAGE":"MeterValues power=0kW"}\n'
        "# note 22:34 night supervisor rang at 22:31: no bus is charging\n"
        "# note 22:46 paged, acked\n"
        '{"__REALTIME_TIMESTAMP":"1796298300207000","_HOSTNAME":"mon-01",'
        '"SYSLOG_IDENTIFIER":"alertmanager","MESSAGE":"Notify alert=DepotChargePowerLow[firing]"}\n'
    )
    msgs, _ = _read(text, name="journal.jsonl")
    first = next(m for m in msgs if "Preparing" in m.text)
    assert first.author == "csms" and first.time is not None
    assert first.time.replace(microsecond=0) == datetime(2026, 12, 3, 10, 12, 40, tzinfo=UTC)
    rang = next(m for m in msgs if "rang at" in m.text)
    assert rang.time == datetime(2026, 12, 3, 11, 34, tzinfo=UTC)  # 22:34 AEDT


def test_remarks_typed_at_a_shared_terminal_take_the_time_date_printed() -> None:
    msgs, _ = _read(
        "noc@jump-02:~$ # shared NOC terminal, we type `date` before every block\n"
        "noc@jump-02:~$ date\n"
        "Thu Dec  3 14:26:40 CET 2026\n"
        "noc@jump-02:~$ # (karim) hotline transfers a call taken at 14:22: terminal offline\n"
        "noc@jump-02:~$ swanctl --list-sas | grep -c ESTABLISHED\n"
        "1957\n",
        name="terminal.txt",
    )
    remark = next(m for m in msgs if "hotline" in m.text)
    assert remark.author == "karim"
    assert remark.text.startswith("hotline transfers a call taken at 14:22")
    assert remark.time == datetime(2026, 12, 3, 13, 26, 40, tzinfo=UTC)
    assert not any(m.text.startswith("1957") for m in msgs)


def test_log_remarks_with_am_pm_clocks_are_notes_in_the_stated_zone() -> None:
    lines = [
        ">> heroku stamps are UTC (+00:00), my >> notes are Pacific time (PST)",
        "2026-12-03T17:01:37.120044+00:00 heroku[router]: at=error code=H12 path=/checkout",
        "2026-12-03T17:02:10.120044+00:00 heroku[router]: at=error code=H12 path=/checkout",
        "2026-12-03T17:03:10.120044+00:00 heroku[router]: at=error code=H12 path=/checkout",
        "2026-12-03T17:04:10.120044+00:00 heroku[router]: at=error code=H12 path=/checkout",
        "2026-12-03T17:05:10.120044+00:00 heroku[router]: at=error code=H12 path=/checkout",
        ">> 9:06am paged: web p95 response time 29,870 ms",
        ">> 9:09am H12s are all POST .../checkout",
    ]
    msgs, _ = _read("\n".join(lines) + "\n", name="heroku.log")
    paged = next(m for m in msgs if m.text.startswith("paged"))
    assert paged.time == datetime(2026, 12, 3, 17, 6, tzinfo=UTC)


def test_jira_server_change_entries_and_br_in_table_cells() -> None:
    msgs, _ = _read(
        "Jira export, all Jira times here are Berlin time, CET.\n\n"
        "Jonas Richter made changes - 03/Dec/26 2:38 PM\n"
        "Status\tIn Progress [ 3 ]\tMitigated [ 10102 ]\n\n"
        "Jonas Richter added a comment - 03/Dec/26 3:52 PM\n"
        "All clear.\n",
        name="jira.txt",
    )
    change = next(m for m in msgs if m.line == 3)
    assert change.author == "Jonas Richter"
    assert change.time == datetime(2026, 12, 3, 13, 38, tzinfo=UTC)
    rows, _ = _read(
        "| Time (UTC) | Event |\n|---|---|\n"
        "| 2026-12-07 21:58 | First paid start with no ack<br>(found later in the log) |\n"
    )
    assert rows[0].text == "First paid start with no ack (found later in the log)"


def test_day_lines_in_a_chat_log_date_the_messages_under_them() -> None:
    msgs, _ = _read(
        "#puzzle-ops export, times UTC\n"
        "--- Thu 3 Dec 2026 ---\n"
        "23:50 cronbot: publish-next-day OK: 2026-12-04 written\n"
        "23:58 sanna: midnight race in 2 min\n"
        "--- Fri 4 Dec 2026 ---\n"
        "00:06 alertbot: [FIRING] PuzzleFetchErrors\n",
        name="chat.txt",
    )
    times = [m.time for m in msgs if m.time]
    assert times == [
        datetime(2026, 12, 3, 23, 50, tzinfo=UTC),
        datetime(2026, 12, 3, 23, 58, tzinfo=UTC),
        datetime(2026, 12, 4, 0, 6, tzinfo=UTC),  # not the 5th: the day line already moved on
    ]


def test_an_iana_zone_named_anywhere_in_the_notes_is_their_zone() -> None:
    filler = "".join(  # the zone is said past the first 1,000 characters
        f"{i // 4:02d}:{i % 4 * 10 + 5:02d} <tobi> stream check {i}, all fine\n" for i in range(32)
    )
    msgs, _ = _read(
        "--- Log opened Sun Mar 29 00:02:07 2026\n"
        + filler
        + "09:30 <jule> the stream box is on Europe/Berlin too, so the log skips the hour\n",
        name="irc.log",
    )
    assert msgs[-1].time == datetime(2026, 3, 29, 7, 30, tzinfo=UTC)  # CEST by then


def test_raw_html_table_rows_in_text_notes_are_entries_on_their_own_lines() -> None:
    msgs, _ = _read(
        "== Timeline ==\n"
        '<table class="wikitable">\n'
        "<caption>Timeline, 5 December 2026 (all times UTC)</caption>\n"
        "<tr><th>Time</th><th>Who</th><th>What</th></tr>\n"
        "<tr><td>08:03</td><td>watchdesk</td><td>First candidate stuck &amp; waiting</td></tr>\n"
        "<tr><td>08:19</td><td>Helpline</td><td>Accra calls in.<br>Ticket opened.</td></tr>\n"
        "<tr>\n<td>08:34</td>\n<td>Alertmanager</td>\n<td>alert firing</td>\n</tr>\n"
        "</table>\n",
        name="wiki.txt",
    )
    timed = [(m.line, m.time, m.text) for m in msgs if m.time is not None]
    assert [(line, t.strftime("%H:%M")) for line, t, _ in timed] == [
        (5, "08:03"),
        (6, "08:19"),
        (7, "08:34"),  # a row written over five lines keeps the line its <tr> opens
    ]
    assert all(t.date() == date(2026, 12, 5) for _, t, _ in timed)
    assert "stuck & waiting" in timed[0][2] and "<" not in timed[1][2]


def test_a_spreadsheet_pasted_as_tab_separated_values_is_a_table() -> None:
    msgs, _ = _read(
        "Pharmacy group eScript outage 12/3/2026 incident log (all times Melbourne, AEDT)\t\t\t\n"
        "Timestamp\tOwner\tEvent\tNotes\n"
        "12/3/2026 08:31:40\tdispense-gw\tFirst ERR_EXCHANGE_UNAVAILABLE\tfound later\n"
        "12/3/2026 08:47:00\tJess (helpdesk)\tFootscray pharmacist rings: tokens fail\t\n"
        "12/3/2026 09:05:00\tPagerDuty\tTRIGGERED ExchangeLookupErrorRate > 20%\tpages Tariq\n",
        name="sheet.txt",
    )
    rows = [m for m in msgs if m.time is not None]
    assert [m.time for m in rows] == [
        datetime(2026, 3, 11, 21, 31, 40, tzinfo=UTC),
        datetime(2026, 3, 11, 21, 47, tzinfo=UTC),
        datetime(2026, 3, 11, 22, 5, tzinfo=UTC),
    ]
    assert "\t" not in rows[1].text and "Jess (helpdesk)" in rows[1].text


def test_a_review_meeting_date_on_the_page_does_not_date_the_incident() -> None:
    msgs, _ = _read(
        "# PIR-031 Top-ups not reaching tills\n\n"
        "Status: RESOLVED · Review: Fri 27 Nov, 14:00, Calder room\n\n"
        "## Timeline — Tuesday 24 November 2026, UK time (GMT)\n\n"
        "| Start | End | What happened |\n|---|---|---|\n"
        "| 06:58 | 09:05 | Top-ups land on the new, empty accounts |\n"
        "| 08:12 | 08:20 | A school office rings support |\n"
    )
    assert {m.time.date() for m in msgs if m.time is not None} == {date(2026, 11, 24)}


def test_a_timed_entry_wrapped_without_indent_goes_on_until_its_sentence_ends() -> None:
    msgs, _ = _read(
        "All times UTC, 13 Dec 2026.\n\n"
        "**14:12** — Support WhatsApp: 40 messages. Megha posts\n"
        "screenshots in #exam-live and calls Ravi.\n\n"
        "**15:34** — Working again: re-logins go back to the question with saved answers,\n"
        "71,200 students back in the test.\n"
        "Pinned the all-clear in the channel.\n"
    )
    assert [m.line for m in msgs] == [1, 3, 6, 8]
    assert _at(msgs, 3).text.endswith("#exam-live and calls Ravi.")
    assert _at(msgs, 6).text.endswith("71,200 students back in the test.")
    assert _at(msgs, 8).time is None  # a new sentence, capitalised, after a full stop


def test_a_german_outlook_thread_is_read_as_mail_with_its_subject_alert() -> None:
    msgs, _ = _read(
        "Von: Markus Leitner <m.leitner@example.at>\n"
        "Gesendet: Donnerstag, 3. Dezember 2026 16:20\n"
        "An: IT-Betrieb <it@example.at>\n"
        "Betreff: AW: eps-Zahlungen\n\n"
        "All clear from me, closing INC-3381.\n\n"
        "Von: Alertmanager <alerts@example.at>\n"
        "Gesendet: Donnerstag, 3. Dezember 2026 13:31\n"
        "An: IT-Betrieb <it@example.at>\n"
        "Betreff: [FIRING:1] CheckoutReturn404 shop-prod\n\n"
        "Von: Petra Wimmer <p.wimmer@example.at>\n"
        "Gesendet: Donnerstag, 3. Dezember 2026 12:50\n"
        "Betreff: eps\n\n"
        "First return without txn at 12:48 (alle Zeiten Wiener Zeit).\n",
        name="mail.txt",
    )
    alert = next(m for m in msgs if m.text.startswith("[FIRING:1]"))
    assert alert.time == datetime(2026, 12, 3, 12, 31, tzinfo=UTC)
    clear = next(m for m in msgs if m.text.startswith("All clear"))
    assert clear.sent == datetime(2026, 12, 3, 15, 20, tzinfo=UTC)
    first = next(m for m in msgs if m.text.startswith("First return"))
    assert first.inline[0][2] == datetime(2026, 12, 3, 11, 48, tzinfo=UTC)


def test_a_digest_post_is_one_mail_from_its_date_line() -> None:
    msgs, _ = _read(
        "Message: 2\n"
        "Date: Thu, 3 Dec 2026 13:47:29 +0900\n"
        "From: Ayaka Fujii <a.fujii@example.jp>\n"
        "Subject: ryokan calling about double bookings\n\n"
        "Since 13:41 partner ryokan are calling us.\n"
        "------------------------------\n"
        "Message: 3\n"
        "Date: Thu, 3 Dec 2026 17:10:44 +0900\n"
        "From: Haruto Kimura <h.kimura@example.jp>\n"
        "Subject: Re: ryokan calling about double bookings\n\n"
        "All clear, otsukaresama.\n",
        name="digest.txt",
    )
    calls = next(m for m in msgs if m.text.startswith("Since 13:41"))
    assert calls.inline[0][2] == datetime(2026, 12, 3, 4, 41, tzinfo=UTC)
    clear = next(m for m in msgs if m.text.startswith("All clear"))
    assert clear.sent == datetime(2026, 12, 3, 8, 10, 44, tzinfo=UTC)


def test_times_typed_in_the_stated_zone_under_utc_stamps() -> None:
    msgs, _ = _read(
        "We're in Berlin, times we type are CET, the stamps Linear shows are UTC.\n\n"
        "Activity\n"
        "2026-12-03T17:57:48.000Z  Lena Fischer commented\n"
        "  Joining works again since 18:57: test student got into the room in 3 s.\n",
        name="linear.txt",
    )
    [typed] = [m.inline[0][2] for m in msgs if m.inline]
    assert typed == datetime(2026, 12, 3, 17, 57, tzinfo=UTC)  # 18:57 UTC would follow its post


def test_chat_copies_with_bracketed_stamps_weekday_lines_and_name_particles() -> None:
    slack, _ = _read(
        "#inc-expo-badges\nTasha Green  [7:38 AM]\nkiosks in Hall B say not found\n"
        "Import Bot  APP  [7:44 AM]\nimport finished\nwe're Central, 12 Jan 2027\n",
        name="chat.txt",
    )
    assert [(m.author, m.time) for m in slack if m.time and m.author != "#heading"] == [
        ("Tasha Green", datetime(2027, 1, 12, 13, 38, tzinfo=UTC)),
        ("Import Bot", datetime(2027, 1, 12, 13, 44, tzinfo=UTC)),
    ]
    gchat, _ = _read(
        "Propane ops · ops-incidents\nKelsey Morgan\nWed 17:34\n"
        "turned on the cold-weather setting in the optimizer for the next 5 days\n"
        "Rosa Jimenez\nThu 06:09\ndrivers calling in: tablets stuck on syncing, 4 trucks\n\n"
        "Route build for 2026-12-17 complete. times Mountain\n",
        name="gchat.txt",
    )
    assert [m.time for m in gchat if m.time and m.author != "#heading"][:2] == [
        datetime(2026, 12, 17, 0, 34, tzinfo=UTC),  # Wed 16 Dec, 17:34 MST
        datetime(2026, 12, 17, 13, 9, tzinfo=UTC),  # Thu 17 Dec: no midnight rollover
    ]
    whatsapp, _ = _read(
        "[07/12/2026, 07:19:47] Marloes de Vries: Zonnebloem just called, all NL time\n"
        "[07/12/2026, 07:20:02] Femke Jansen: looking\n",
        name="chat.txt",
    )
    assert [(m.author, m.time) for m in whatsapp] == [
        ("Marloes de Vries", datetime(2026, 12, 7, 6, 19, 47, tzinfo=UTC)),
        ("Femke Jansen", datetime(2026, 12, 7, 6, 20, 2, tzinfo=UTC)),
    ]


def test_a_tracker_pasted_newest_first_is_read_oldest_first_when_entries_have_several_lines() -> (
    None
):
    entries = [
        ("04/Dec/26 10:05 AM", "Status Resolved [ 5 ] Closed [ 6 ]", "Closed the ticket."),
        ("03/Dec/26 4:45 PM", "All clear, closing.", "Matcher clean, replay done."),
        ("03/Dec/26 2:14 PM", "Test payment matched in 3 s.", "PayNow working again."),
        ("03/Dec/26 1:58 PM", "Deployed 3.4.1 to prod.", "Watching the matcher."),
        ("03/Dec/26 11:30 AM", "Looking at the matcher log.", "Every payment is NO_BOOKING_REF."),
    ]
    text = "Time zone: (GMT+08:00) Singapore\n\n" + "\n\n".join(
        f"Daniel Goh added a comment - {stamp}\n{a}\n{b}" for stamp, a, b in entries
    )
    msgs, _ = _read(text, name="jira.txt")
    stamps = [m.time for m in msgs if m.time is not None]
    assert stamps == sorted(stamps)
    assert stamps[0] == datetime(2026, 12, 3, 3, 30, tzinfo=UTC)


def test_a_pagerduty_log_export_is_read_entry_by_entry_on_its_own_lines() -> None:
    entries = [
        ("2026-12-10T04:05:13Z", "annotate_log_entry", "Note added", "Marcus Lee",
         "all clear 12:05, closing"),
        ("2026-12-10T02:55:18Z", "annotate_log_entry", "Note added", "Marcus Lee",
         "working again: first PH payout success at 10:53:40"),
        ("2026-12-10T01:47:12Z", "trigger_log_entry", "Triggered through the API.", None,
         "[Datadog] PH payout success rate < 90%"),
        ("2026-12-10T01:24:51Z", "annotate_log_entry", "Note added", "Rachel Tan",
         "first 403 in the payout logs at 09:24:51 SGT"),
    ]  # fmt: skip
    log = {
        "log_entries": [
            {
                "type": kind,
                "summary": summary,
                "created_at": stamp,
                "agent": {"summary": who} if who else None,
                "channel": {"summary": note},
            }
            for stamp, kind, summary, who, note in entries
        ]
    }
    text = json.dumps(log, indent=2)
    msgs, _ = _read(text, name="pagerduty.json")
    assert [m.time for m in msgs] == [  # newest first in the file, read oldest first
        datetime(2026, 12, 10, 1, 24, 51, tzinfo=UTC),
        datetime(2026, 12, 10, 1, 47, 12, tzinfo=UTC),
        datetime(2026, 12, 10, 2, 55, 18, tzinfo=UTC),
        datetime(2026, 12, 10, 4, 5, 13, tzinfo=UTC),
    ]
    lines = text.split("\n")
    assert all('"created_at"' in lines[m.line - 1] for m in msgs)  # the file's own line numbers
    assert "first 403 in the payout logs" in msgs[0].text


def test_a_speaker_named_like_a_weekday_is_a_speaker_and_a_weekday_stamp_is_not() -> None:
    from postmortem_assist.notes import SPEAKER_HEADER

    assert SPEAKER_HEADER.match("Monica  10:42 AM").group("author") == "Monica"  # type: ignore[union-attr]
    for stamp in ("Wed 17:34", "Thursday 06:09", "Thu, 06:09", "Tues 9:02 AM"):
        assert SPEAKER_HEADER.match(stamp) is None, stamp
