"""Review time grows linearly with the number of headings (issue 13; ``make bench``).

Before the fix, 10,000 headings took 36 s and 20,000 over 90 s (quadratic: one sentence-start
flag per line re-scanned the whole Doc, every finding rebuilt the list of sections, and the
clarity checks scanned every section for each sentence).
Measured after it (CPU time, shared 2-core machine): 5,000 headings 2.6 s, 20,000 headings 8.9 s
(ratio 3.4 for 4x the headings).
The bound below allows noise, not a quadratic step (which would give a ratio near 16).
"""

from __future__ import annotations

import time

import pytest

from postmortem_assist.reading import Source
from postmortem_assist.review import analyse, engine_for

KINDS = [
    "### {h:02d}:{m:02d} replica {i} lag alert",
    "### Shard {i}: connection pool",
    "#### Follow-up {i}",
    "### Step {i}",
]


def headings_draft(n: int) -> str:
    """A postmortem whose timeline is split into ``n`` small sub-sections."""
    parts = [
        "# Checkout outage\n\n## Issue Summary\n\nFrom 14:02 to 14:49 UTC checkout failed for "
        "1,204 users because the pool was reduced from 50 to 5.\n\n## Timeline\n\n"
    ]
    for i in range(n):
        h, m = 14 + (i // 60) % 10, i % 60
        parts.append(KINDS[i % 4].format(h=h, m=m, i=i) + "\n\n")
        parts.append(f"- {h:02d}:{m:02d} UTC replica {i} lag reached {i % 90} s\n\n")
    return "".join(parts)


def _cpu_seconds(text: str) -> float:
    engine = engine_for()
    start = time.process_time()
    engine.review(analyse(Source("h.md", text)))
    return time.process_time() - start


@pytest.fixture(scope="module")
def loaded() -> None:
    engine_for()
    analyse(Source("warm.md", headings_draft(20)))


def test_review_time_is_linear_in_headings(benchmark, loaded: None) -> None:  # type: ignore[no-untyped-def]
    small = _cpu_seconds(headings_draft(5000))
    text = headings_draft(20000)
    start = time.process_time()
    findings = benchmark.pedantic(
        lambda: engine_for().review(analyse(Source("h.md", text))), rounds=1, iterations=1
    )
    large = time.process_time() - start
    assert findings is not None
    assert large / small < 7, f"5k headings {small:.1f} s, 20k headings {large:.1f} s"
