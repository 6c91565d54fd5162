"""Shared fixtures: the corpus location (tests needing it skip when it is absent) and a
blocked network with a cold encoder cache (for the offline-loading tests)."""

from __future__ import annotations

import os
import socket
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


@pytest.fixture
def offline(monkeypatch: pytest.MonkeyPatch) -> None:
    """Every socket raises, and the encoder must be loaded again from disk."""
    from postmortem_assist import embeddings

    def no_network(*args: object, **kwargs: object) -> None:
        raise OSError("network blocked in test")

    monkeypatch.setattr(socket, "socket", no_network)
    monkeypatch.setattr(socket, "create_connection", no_network)
    monkeypatch.setattr(embeddings, "_CACHE", {})
