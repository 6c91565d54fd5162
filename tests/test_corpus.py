"""Corpus reader: label combination, split filter, malformed lines, absence."""

from __future__ import annotations

import json
from pathlib import Path

import pytest

from postmortem_assist import corpus


def _write(path: Path, rows: list[object]) -> None:
    path.write_text(
        "\n".join(r if isinstance(r, str) else json.dumps(r) for r in rows) + "\n",
        encoding="utf-8",
    )


@pytest.fixture()
def tiny(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> Path:
    _write(
        tmp_path / "summaries.jsonl",
        [
            {
                "id": "s1",
                "text": "A flag flip broke logins.",
                "labels": ["config-change"],
                "split": "dev",
                "split_group": "acme",
            },
            {"id": "s2", "text": "Disk full on the queue.", "labels": [], "split": "dev"},
            "{not json",
            {"id": "s3", "text": "Nobody knows.", "labels": [], "split": "test"},
            {"id": "s4", "text": "No annotation at all.", "labels": [], "split": "dev"},
        ],
    )
    (tmp_path / "postmortems").mkdir()
    md = "# Outage\n\n## Root cause\n\nThe cache ran out of memory.\n"
    (tmp_path / "postmortems" / "p1.md").write_text(md, encoding="utf-8")
    _write(
        tmp_path / "postmortems.jsonl",
        [
            {
                "id": "p1",
                "file": "postmortems/p1.md",
                "labels": [],
                "split": "test",
                "sections": {"root_cause": "The cache ran out of memory.", "summary": None},
            },
        ],
    )
    _write(
        tmp_path / "annotations.jsonl",
        [
            {
                "file": "summaries",
                "id": "s2",
                "agreed": ["capacity-load", "unknown"],
                "split": "dev",
            },
            {"file": "summaries", "id": "s3", "agreed": ["unknown"], "split": "test"},
            {"file": "postmortems", "id": "p1", "agreed": ["capacity-load"], "split": "test"},
        ],
    )
    monkeypatch.setenv(corpus.ENV_VAR, str(tmp_path))
    return tmp_path


def test_env_var_locates_corpus(tiny: Path) -> None:
    assert corpus.corpus_dir() == tiny


def test_labels_source_then_agreed_without_unknown(tiny: Path) -> None:
    stats = corpus.ReadStats()
    recs = {r.id: r for r in corpus.iter_records("summaries", stats=stats)}
    assert recs["s1"].labels == ["config-change"]
    assert recs["s2"].labels == ["capacity-load"]
    assert recs["s3"].labels == [] and recs["s3"].unknown_cause
    assert recs["s4"].labels == [] and not recs["s4"].unknown_cause
    assert stats.read == 4
    assert stats.skipped == [f"{tiny / 'summaries.jsonl'}:3"]


def test_split_filter(tiny: Path) -> None:
    assert [r.id for r in corpus.iter_records("summaries", "test")] == ["s3"]
    assert {r.id for r in corpus.iter_records("summaries", "dev")} == {"s1", "s2", "s4"}


def test_postmortem_text_and_sections(tiny: Path) -> None:
    (pm,) = list(corpus.iter_postmortems("test"))
    assert pm.text.startswith("# Outage")
    assert pm.root_cause == "The cache ran out of memory."
    assert pm.labels == ["capacity-load"]
    assert corpus.label_counts([pm])["capacity-load"] == 1


def test_absent_corpus_gives_nothing(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv(corpus.ENV_VAR, str(tmp_path / "missing"))
    assert corpus.corpus_dir() is None
    assert list(corpus.iter_records("summaries")) == []
    assert list(corpus.iter_postmortems()) == []
    assert corpus.load_annotations() == {}


@pytest.mark.corpus
@pytest.mark.skipif(corpus.corpus_dir() is None, reason="../shared/corpus is not present")
def test_real_corpus_labelled_counts() -> None:
    dev = [r for r in corpus.iter_records("summaries", "dev") if r.labels]
    test = [r for r in corpus.iter_records("summaries", "test") if r.labels]
    assert (len(dev), len(test)) == (367, 167)  # stated in the project issue
    assert "unknown" not in corpus.label_counts(dev)
