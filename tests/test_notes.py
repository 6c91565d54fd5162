"""Reading notes: shape detection, chat lines, Slack JSON, times and warnings."""

from __future__ import annotations

import json
from datetime import UTC, datetime

import pytest

from postmortem_assist.notes import detect_shape, parse_notes
from postmortem_assist.reading import InputError, Source


def _parse(text: str, **kw: str) -> list:
    return parse_notes([Source("n.txt", text)], **kw).messages


@pytest.mark.parametrize(
    ("text", "shape"),
    [
        ("x 2024-03-05 UTC\n[14:02] a: one\n[14:03] b: two\n[14:04] a: three\n", "chat"),
        ("09:41 UTC - probes fail\n09:44 UTC - alert\n09:45 UTC - ack\n", "ic-log"),
        ("2024-07-02T03:26:41Z a: x\n2024-07-02T03:27:05Z b: y\n2024-07-02T03:28Z c: z\n",
         "iso-log"),
        ("Mar 5, 2:02 PM PST jo: a\nMar 5, 2:03 PM PST jo: b\nMar 5, 2:05 PM PST wei: c\n",
         "month-chat"),
        ("# Notes\n\n- one thing\n- another\n", "markdown"),
        ("We saw errors. Then it recovered.\n", "plain"),
        ('[{"ts": "1726597410.0001", "user": "U1", "text": "hi"}]', "slack"),
    ],
)  # fmt: skip
def test_shape_detection(text: str, shape: str) -> None:
    assert detect_shape(text) == shape


def test_chat_lines_carry_date_zone_author_and_line() -> None:
    msgs = _parse("#inc (2024-03-05, all times UTC)\n\n[14:09] bot: TRIGGERED\n[14:11] al: 3.2%\n")
    timed = [m for m in msgs if m.time]
    assert timed[0].time == datetime(2024, 3, 5, 14, 9, tzinfo=UTC)
    assert (timed[0].author, timed[0].line) == ("bot", 3)


def test_dates_roll_over_midnight() -> None:
    msgs = _parse(
        "log 2024-03-05, all times UTC\n[23:58] a: one\n[00:03] b: two\n[00:05] a: three\n"
    )
    timed = [m for m in msgs if m.time]
    assert timed[1].time == datetime(2024, 3, 6, 0, 3, tzinfo=UTC)


def test_times_going_backwards_are_reported() -> None:
    notes = parse_notes(
        [Source("n.txt", "2024-03-05 UTC\n[14:30] a: x\n[14:10] b: y\n[14:40] a: z\n")]
    )
    assert any("earlier than the message before" in w for w in notes.warnings)


def test_timezone_option_applies_to_zoneless_notes() -> None:
    text = "notes 2024-01-16\n\n- 07:15 finance noticed zero revenue\n- 08:30 dashboards hidden\n"
    naive = parse_notes([Source("n.md", text)])
    assert not naive.zone_known and any("no time zone" in w for w in naive.warnings)
    berlin = parse_notes([Source("n.md", text)], timezone="Europe/Berlin")
    first = next(m for m in berlin.messages if m.time)
    assert first.time == datetime(2024, 1, 16, 6, 15, tzinfo=UTC)


def test_unknown_timezone_is_an_input_error() -> None:
    with pytest.raises(InputError, match="unknown time zone"):
        parse_notes([Source("n.md", "x")], timezone="Mars/Olympus")


def test_slack_export_times_are_epoch_utc() -> None:
    data = [{"ts": "1726597410.000100", "user": "U1", "text": "Uptime check FAILING"}]
    msgs = parse_notes([Source("s.json", json.dumps(data))]).messages
    assert msgs[0].time == datetime(2024, 9, 17, 18, 23, 30, tzinfo=UTC)


def test_malformed_slack_json_names_line_and_column() -> None:
    text = '[\n  {"ts": "1", "user": "U1", "text": "x"},\n  {"ts": "2" "user": "U2"}\n]'
    with pytest.raises(InputError, match=r"s\.json: malformed Slack JSON at line 3, column"):
        parse_notes([Source("s.json", text)], input_format="slack")


def test_input_format_overrides_detection() -> None:
    with pytest.raises(InputError, match="no line has the 'chat' shape"):
        parse_notes([Source("n.txt", "just prose here.\n")], input_format="chat")


def test_inline_pm_times_follow_the_message() -> None:
    text = (
        "#x Tuesday March 5 2024\nMar 5, 3:25 PM PST wei: 9,840 failed between 1:47 and 2:38 PM\n"
    )
    msg = next(m for m in _parse(text) if m.time)
    assert [t.strftime("%H:%M") for _, _, t in msg.inline] == ["21:47", "22:38"]


def test_notes_without_dates_warn_and_still_order_times() -> None:
    notes = parse_notes([Source("n.md", "# notes\n\n- 14:05 UTC alert fired\n- 14:30 UTC fixed\n")])
    assert any("no date" in w for w in notes.warnings)
    assert [m.time.strftime("%H:%M") for m in notes.messages if m.time] == ["14:05", "14:30"]


def test_malformed_json_file_is_an_error_without_input_format() -> None:
    text = '[{"ts": "1726597410.0001", "user": "U1", "text": "deploy started"},\n{"ts": '
    with pytest.raises(InputError, match=r"bad\.json: malformed Slack JSON at line 2"):
        parse_notes([Source("bad.json", text)])
    with pytest.raises(InputError, match="must be a JSON list of messages"):
        parse_notes([Source("other.json", '"just a string"')])


def test_sentences_of_a_wrapped_paragraph_keep_their_own_lines() -> None:
    """A prose paragraph under a time header, wrapped over lines: each sentence reports the
    input line it starts on, not the paragraph's first line."""
    text = (
        "### 14:29\n"
        "\n"
        "JupyterHub is determined to be inaccessible. Suspecting network issues, the proxy\n"
        "pod is restarted.\n"
        "This does not resolve the issue, so the ingress pods are restarted.\n"
        "This also does not resolve the issue.\n"
    )
    msgs = [m for m in parse_notes([Source("t.md", text)]).messages if "issue" in m.text]
    assert [(m.line, m.last_line) for m in msgs] == [(3, 4), (5, None), (6, None)]
