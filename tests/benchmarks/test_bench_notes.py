"""Speed: reading notes grows linearly with their size, for every timeline shape (`make bench`).

Each case is generated and read at N and 4N; the check compares the growth of the time (linear
is about 4x) instead of a fixed limit. A hostile single line of N characters is one of the cases
(the ``key: time`` and comment-header patterns are only tried on short lines for that reason).
"""

from __future__ import annotations

import time

import pytest

from postmortem_assist.notes import parse_notes
from postmortem_assist.reading import Source

HEAD = "All times UTC, 2024-03-05\n- 10:00 deploy starts\n"
CASES = {
    "table rows": lambda n: HEAD + "| 2024-03-05 10:00 | pods restarting |\n" * n,
    "time headers": lambda n: HEAD + "### 14:29\n\nerrors rising on the api\n\n" * n,
    "key: time lines": lambda n: HEAD + "- First detected 2024-03-05 15:31\n" * n,
    "wrapped lines": lambda n: HEAD + "  the entry goes on over another line\n" * n,
    "tracker comments": lambda n: HEAD + "**dana** commented on Mar 5, 2024, 10:31 AM\nok\n" * n,
    "one long line": lambda n: "a" * (40 * n) + "\n",
}


def _seconds(text: str) -> float:
    best = float("inf")
    for _ in range(2):
        start = time.perf_counter()
        parse_notes([Source("notes.md", text)])
        best = min(best, time.perf_counter() - start)
    return best


@pytest.mark.slow
@pytest.mark.parametrize("case", sorted(CASES))
def test_notes_read_in_linear_time(benchmark, case: str) -> None:  # type: ignore[no-untyped-def]
    make = CASES[case]
    benchmark.pedantic(parse_notes, args=([Source("n.md", make(4000))],), rounds=2, iterations=1)
    if not benchmark.disabled:  # plain pytest runs it once, without timing
        ratio = _seconds(make(4000)) / max(_seconds(make(1000)), 1e-4)
        assert ratio < 8, f"{case}: 4x the input took {ratio:.1f}x the time (linear is about 4x)"
