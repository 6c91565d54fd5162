"""Speed: reading a long Slack channel grows linearly with its size (`make bench`).

The issue's case is a 29k-message channel (4.5 MB) that did not finish in 5 minutes. The
channel is generated here (threads, bot attachments, mentions, links); the check compares
how the time grows from N to 4N messages instead of a fixed time limit.
"""

from __future__ import annotations

import json
import time
from datetime import UTC, datetime

import pytest

from postmortem_assist.notes import parse_notes
from postmortem_assist.reading import Source

T0 = datetime(2024, 9, 17, 18, 0, tzinfo=UTC).timestamp()


def channel(n: int) -> Source:
    """A channel file of ``n`` messages like an incident channel's."""
    items = []
    for i in range(n):
        ts = f"{T0 + i * 7:.6f}"
        if i % 25 == 0:
            items.append(
                {
                    "type": "message",
                    "subtype": "bot_message",
                    "username": "PagerDuty",
                    "ts": ts,
                    "text": "",
                    "attachments": [{"title": f"Triggered #{i}: api 5xx above 2%", "text": "sev2"}],
                }
            )
        elif i % 5 == 0:
            items.append(
                {
                    "type": "message",
                    "user": "U2",
                    "ts": ts,
                    "thread_ts": f"{T0 + (i - i % 25) * 7:.6f}",
                    "text": f"<@U1> see <https://ci.ex/r/{i}|run {i}> at 18:{i % 60:02d}",
                }
            )
        else:
            items.append(
                {
                    "type": "message",
                    "user": "U1",
                    "ts": ts,
                    "text": f"node-{i % 40} pods restart &amp; errors at {i % 9}% :eyes:",
                }
            )
    return Source("channel.json", json.dumps(items, indent=1))  # fmt: skip


def _seconds(source: Source) -> float:
    start = time.perf_counter()
    notes = parse_notes([source])
    assert len(notes.messages) > 0.9 * source.text.count('"ts"')
    return time.perf_counter() - start


@pytest.mark.slow
def test_slack_channel_reads_in_linear_time(benchmark) -> None:  # type: ignore[no-untyped-def]
    small, large = channel(3000), channel(12000)
    benchmark.pedantic(parse_notes, args=([large],), rounds=3, iterations=1)
    if not benchmark.disabled:  # plain pytest runs it once, without timing
        ratio = min(_seconds(large) for _ in range(3)) / min(_seconds(small) for _ in range(3))
        assert ratio < 8, f"4x the messages took {ratio:.1f}x the time (linear is about 4x)"
