"""Read the shared evaluation corpus (``../shared/corpus``) into typed records.

Only reads; never copies corpus text anywhere. Every function returns ``None`` or an
empty result when the corpus is absent, so callers (tests, eval) can skip cleanly.
Label rule: a record's source ``labels`` when present, else the ``agreed`` labels of
``annotations.jsonl`` without ``unknown``.
"""

from __future__ import annotations

import json
import logging
import os
from collections import Counter
from collections.abc import Iterator
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

log = logging.getLogger(__name__)

ENV_VAR = "ASSIST_CORPUS"
UNKNOWN = "unknown"
_ROOT = Path(__file__).resolve().parent.parent.parent


def corpus_dir() -> Path | None:
    """The corpus folder ($ASSIST_CORPUS, else ``../shared/corpus`` beside the repo), or None."""
    env = os.environ.get(ENV_VAR)
    path = Path(env) if env else _ROOT.parent / "shared" / "corpus"
    return path if (path / "README.md").is_file() or any(path.glob("*.jsonl")) else None


@dataclass
class ReadStats:
    """Counts of a file read: records yielded and malformed lines skipped (``file:line``)."""

    read: int = 0
    skipped: list[str] = field(default_factory=list)


@dataclass
class Record:
    """One corpus record; ``raw`` keeps every field of the JSON line."""

    id: str
    split: str
    text: str
    labels: list[str]
    source_labels: list[str]
    annotated: list[str] | None
    company: str | None
    split_group: str | None
    raw: dict[str, Any]

    @property
    def unknown_cause(self) -> bool:
        """True when annotators agreed the text states no cause."""
        return not self.source_labels and self.annotated is not None and not self.labels


@dataclass
class Postmortem(Record):
    """A full postmortem: ``text`` is the ``.md`` file; ``sections`` by key (or None)."""

    title: str | None = None
    sections: dict[str, str | None] = field(default_factory=dict)
    section_spans: dict[str, list[list[int]]] = field(default_factory=dict)

    @property
    def root_cause(self) -> str | None:
        """The root-cause section text, when the document has one."""
        rc = self.sections.get("root_cause")
        return rc if rc and rc.strip() else None


def iter_jsonl(
    path: Path, split: str | None = None, stats: ReadStats | None = None
) -> Iterator[dict[str, Any]]:
    """Yield JSON objects of a JSONL file, optionally only ``split``; skip malformed lines."""
    stats = stats if stats is not None else ReadStats()
    with open(path, encoding="utf-8") as fh:
        for lineno, line in enumerate(fh, 1):
            if not line.strip():
                continue
            try:
                obj = json.loads(line)
                if not isinstance(obj, dict) or "id" not in obj:
                    raise ValueError("not a record object")
            except ValueError as exc:
                where = f"{path}:{lineno}"
                stats.skipped.append(where)
                log.warning("skipping malformed line %s: %s", where, exc)
                continue
            if split is not None and obj.get("split") != split:
                continue
            stats.read += 1
            yield obj


def load_annotations(root: Path | None = None) -> dict[tuple[str, str], list[str]]:
    """``(file, id) -> agreed labels`` (``unknown`` kept) from annotations.jsonl."""
    root = root or corpus_dir()
    if root is None or not (root / "annotations.jsonl").is_file():
        return {}
    return {
        (a.get("file", ""), a["id"]): list(a.get("agreed") or [])
        for a in iter_jsonl(root / "annotations.jsonl")
    }


def combine_labels(source: list[str], agreed: list[str] | None) -> list[str]:
    """Source labels when present, else agreed labels without ``unknown``."""
    if source:
        return sorted(set(source))
    return sorted({lab for lab in (agreed or []) if lab != UNKNOWN})


def _record_fields(
    obj: dict[str, Any], file: str, ann: dict[tuple[str, str], list[str]]
) -> dict[str, Any]:
    source = list(obj.get("labels") or [])
    agreed = ann.get((file, obj["id"]))
    return {
        "id": obj["id"],
        "split": obj.get("split", ""),
        "labels": combine_labels(source, agreed),
        "source_labels": source,
        "annotated": agreed,
        "company": obj.get("company"),
        "split_group": obj.get("split_group"),
        "raw": obj,
    }


def iter_records(
    name: str,
    split: str | None = None,
    *,
    root: Path | None = None,
    stats: ReadStats | None = None,
) -> Iterator[Record]:
    """Records of ``summaries``, ``cos_headlines`` or ``action_items`` (text from ``text``)."""
    root = root or corpus_dir()
    if root is None or not (root / f"{name}.jsonl").is_file():
        return
    ann = load_annotations(root)
    for obj in iter_jsonl(root / f"{name}.jsonl", split, stats):
        text = obj.get("text") or obj.get("report_excerpt") or ""
        yield Record(text=str(text), **_record_fields(obj, name, ann))


def iter_postmortems(
    split: str | None = None,
    *,
    root: Path | None = None,
    stats: ReadStats | None = None,
) -> Iterator[Postmortem]:
    """Full postmortems with their ``.md`` text and sections."""
    root = root or corpus_dir()
    if root is None or not (root / "postmortems.jsonl").is_file():
        return
    ann = load_annotations(root)
    for obj in iter_jsonl(root / "postmortems.jsonl", split, stats):
        md = root / obj.get("file", f"postmortems/{obj['id']}.md")
        try:
            with open(md, encoding="utf-8", newline="") as fh:
                text = fh.read()
        except OSError:
            text = ""
        yield Postmortem(
            text=text,
            title=obj.get("title"),
            sections=dict(obj.get("sections") or {}),
            section_spans=dict(obj.get("section_spans") or {}),
            **_record_fields(obj, "postmortems", ann),
        )


def label_counts(records: list[Record] | list[Postmortem]) -> Counter[str]:
    """How many records carry each label."""
    return Counter(lab for r in records for lab in r.labels)
