"""Speed: 500 corpus summaries classified in one batch in under 10 s, models loaded (`make bench`).

Uses the texts of ``../shared/corpus/summaries.jsonl`` (file order, cycled to 500); skips
when the corpus is absent. ``eval/bench_classify.py`` prints the same measure by hand.
"""

from __future__ import annotations

import itertools

import pytest

from postmortem_assist import corpus
from postmortem_assist.classify import classify, classify_batch

N = 500


@pytest.mark.slow
@pytest.mark.skipif(corpus.corpus_dir() is None, reason="../shared/corpus is not present")
def test_classify_500_summaries(benchmark) -> None:  # type: ignore[no-untyped-def]
    texts = [r.text for r in corpus.iter_records("summaries")]
    texts = list(itertools.islice(itertools.cycle(texts), N))
    classify("The configuration push broke routing in two regions.")  # load encoder and head
    out = benchmark.pedantic(classify_batch, args=(texts,), rounds=3, iterations=1)
    assert len(out) == N
    assert sum(bool(r.predicted) for r in out) > N // 2  # most summaries get a category
    if not benchmark.disabled:  # plain pytest runs it once, without timing
        assert benchmark.stats.stats.mean < 10.0
