"""Speed of ``assist review`` (run with ``make bench``; plain pytest runs each once).

Target (issue 2): a 2,000-word draft reviewed in under 0.3 s with the spaCy model loaded.
"""

from __future__ import annotations

from pathlib import Path

import pytest

from postmortem_assist.reading import Source
from postmortem_assist.review import analyse, analyse_many, engine_for

EXAMPLE = Path(__file__).resolve().parents[2] / "examples" / "drafts" / "checkout-outage.md"


def draft_of(words: int) -> str:
    """A realistic draft of at least ``words`` words: the example's sections, with the
    timeline, root cause and actions extended by varied entries."""
    base = EXAMPLE.read_text(encoding="utf-8")
    head, _, rest = base.partition("## Timeline")
    timeline, _, tail = rest.partition("## Root cause")
    cause, _, actions = tail.partition("## Action items")
    extra_t, extra_c, extra_a = [], [], []
    i = 0
    while (
        len((head + timeline + cause + actions).split())
        + sum(len(x.split()) for x in extra_t + extra_c + extra_a)
        < words
    ):
        h, m = 15 + i // 60, i % 60
        extra_t.append(
            [
                f"- {h:02d}:{m:02d} replica {i} lag reached {i * 3} s on the dashboard\n",
                f"- {h:02d}:{m:02d} Priya restarted the pool on shard {i}; no change\n",
                f"- {h:02d}:{m:02d} {i * 7} checkout requests failed with HTTP 503\n",
                f"- {h:02d}:{m:02d} the incident channel was updated with shard {i} status\n",
            ][i % 4]
        )
        extra_c.append(
            f"Shard {i} kept {i + 2} idle connections while checkout requests waited "
            f"for a free one, so p99 latency on shard {i} reached {i * 40} ms. "
            "Some users retried, which added load to the pool.\n"
        )
        extra_a.append(
            f"- Add a pool saturation alert for shard {i} (owner: @db-team, "
            f"due 2024-0{1 + i % 9}-15)\n"
        )
        i += 1
    return (
        head
        + "## Timeline"
        + timeline
        + "".join(extra_t)
        + "## Root cause"
        + cause
        + "".join(extra_c)
        + "## Action items"
        + actions
        + "".join(extra_a)
    )


@pytest.fixture(scope="module")
def loaded() -> None:
    engine_for()  # compile rules and load spaCy once, outside the timing
    analyse(Source("warm.md", draft_of(200)))


def test_review_2000_words(benchmark, loaded: None) -> None:  # type: ignore[no-untyped-def]
    text = draft_of(2000)
    assert len(text.split()) >= 2000
    engine = engine_for()
    findings = benchmark(lambda: engine.review(analyse(Source("long.md", text))))
    assert {"clarity/vague-quantity", "blame/hindsight"} <= {f.rule for f in findings}


def test_review_batch_of_20(benchmark, loaded: None) -> None:  # type: ignore[no-untyped-def]
    sources = [Source(f"d{i}.md", draft_of(500 + 50 * i)) for i in range(20)]
    engine = engine_for()
    result = benchmark(lambda: [engine.review(a) for a in analyse_many(sources)])
    assert len(result) == 20 and all(result)
