"""Shared fixtures: the corpus location (tests needing it skip when it is absent)."""

from __future__ import annotations

import os
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parent.parent
CORPUS = Path(os.environ.get("ASSIST_CORPUS", ROOT.parent / "shared" / "corpus"))

needs_corpus = pytest.mark.skipif(
    not (CORPUS / "postmortems").is_dir(), reason="../shared/corpus is not present"
)


@pytest.fixture(scope="session")
def corpus_dir() -> Path:
    if not (CORPUS / "postmortems").is_dir():
        pytest.skip("../shared/corpus is not present")
    return CORPUS
