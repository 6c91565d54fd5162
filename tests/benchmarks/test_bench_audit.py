"""Speed of ``assist audit`` (run with ``make bench``; plain pytest runs it once).

Target (issue 14): 1,000 postmortems on 2 cores in a few minutes, i.e. well under 0.3 s of
wall time per document with ``--jobs 2``. Measured on the first 100 corpus postmortems
(file order), models loaded beforehand; skips when the corpus is absent.
"""

from __future__ import annotations

import pytest

from postmortem_assist import corpus
from postmortem_assist.audit import audit_sources
from postmortem_assist.reading import Source

N = 100


@pytest.mark.slow
@pytest.mark.skipif(corpus.corpus_dir() is None, reason="../shared/corpus is not present")
def test_bench_audit_100_postmortems(benchmark) -> None:  # type: ignore[no-untyped-def]
    docs = [p for p in corpus.iter_postmortems() if p.text.strip()][:N]
    sources = [Source(f"{p.id}.md", p.text) for p in docs]
    audit_sources(sources[:4], jobs=1)  # load spaCy, the classifier and the encoder
    archive = benchmark.pedantic(audit_sources, args=(sources,), kwargs={"jobs": 2}, rounds=1)
    assert archive.documents + len(archive.skipped) == N
    assert archive.documents > N * 0.9
    if not benchmark.disabled:
        assert benchmark.stats.stats.mean < 0.3 * N
