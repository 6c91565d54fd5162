"""Speed of ``assist audit`` (run with ``make bench``; plain pytest runs each once).

Target (issue 14): 1,000 postmortems on 2 cores in a few minutes, i.e. well under 0.3 s of
wall time per document with ``--jobs 2``. Measured here on 60 documents (the test archive,
ten copies with varied names and dates), models loaded beforehand.
"""

from __future__ import annotations

from pathlib import Path

import pytest

from audit_archive import write_archive
from postmortem_assist.audit import audit_sources
from postmortem_assist.reading import Source, read_sources


@pytest.fixture(scope="module")
def sources(tmp_path_factory: pytest.TempPathFactory) -> list[Source]:
    one = read_sources([str(write_archive(tmp_path_factory.mktemp("a") / "pm")["dns"].parent)])
    return [
        Source(f"{2015 + k}-0{1 + k % 9}-1{k % 10}-{Path(s.name).name}", s.text)
        for k in range(10)
        for s in one
    ]


@pytest.mark.slow
def test_bench_audit_60_documents(benchmark, sources: list[Source]) -> None:
    audit_sources(sources[:6], jobs=1)  # load spaCy, the classifier and the encoder
    archive = benchmark.pedantic(audit_sources, args=(sources,), kwargs={"jobs": 2}, rounds=1)
    assert archive.documents == 60
    assert archive.recurring  # the copies of each incident recur
