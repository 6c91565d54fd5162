"""Speed: a 3,000-word notes file summarized in under 2 s with models loaded (`make bench`)."""

from __future__ import annotations

from datetime import datetime, timedelta

import pytest

from postmortem_assist.reading import Source
from postmortem_assist.summarize import summarize_sources

LINES = [
    "grafana-bot: FIRING: orders-api p99 latency above 2 s for 5 minutes (SEV2)",
    "mira: orders-api error rate at 4.1% and climbing, timeouts on the inventory call",
    "jonas: could it be the new cache layer? it shipped this morning",
    "mira: cache hit rate is normal at 93%, not the cache",
    "li: inventory-db connections at the limit, 500 of 500, queries waiting on locks",
    "mira: the nightly stock sync is still running and holds row locks on the stock table",
    "jonas: pausing the stock sync and killing the long transaction",
    "li: finance says 2,310 orders failed between the first alert and now",
    "mira: latency recovering, p99 at 600 ms",
    "kai: status page updated, customers informed about delayed orders",
]


def _notes(words: int = 3000) -> str:
    start = datetime(2024, 6, 3, 8, 0)
    out = ["#inc-900-orders (exported 2024-06-03, all times UTC)", ""]
    count, i = 0, 0
    while count < words:
        stamp = (start + timedelta(minutes=i)).strftime("%H:%M")
        line = f"[{stamp}] {LINES[i % len(LINES)]} (check {i})"
        out.append(line)
        count += len(line.split())
        i += 1
    out.append(f"[{(start + timedelta(minutes=i)).strftime('%H:%M')}] mira: resolved, thanks all")
    return "\n".join(out) + "\n"


@pytest.mark.slow
def test_summarize_3000_words(benchmark) -> None:  # type: ignore[no-untyped-def]
    source = Source("bench.txt", _notes())
    summarize_sources([source])  # load spaCy, the encoder, the role head and the rules
    result = benchmark.pedantic(summarize_sources, args=([source],), rounds=5, iterations=1)
    assert result.issue_summary
    if not benchmark.disabled:  # plain pytest runs it once, without timing
        assert benchmark.stats.stats.mean < 2.0
