"""Labelled real sentences (``sentence_flags.jsonl``) placed back in their documents.

Each sentence is located in its postmortem's text (exactly, else with whitespace and
Markdown marks collapsed) so that rules run with the whole document as context (a zone
stated at the top, an acronym spelled out earlier) and their findings are attributed to
the sentence they start in. Used by the scorer's training and by ``assist eval``.
"""

from __future__ import annotations

import re
from collections.abc import Callable, Sequence
from dataclasses import dataclass, field
from pathlib import Path

from ..findings import Finding

FILE = "sentence_flags.jsonl"
#: Finding families that count as "a finding on this sentence".
SENTENCE_FAMILIES = ("blame", "clarity", "actions")
_FOLD = re.compile(r"[\s*_#>`|]+")


@dataclass
class Labelled:
    """One labelled sentence with its place in its document."""

    id: str
    doc_id: str
    group: str
    text: str
    blame: bool
    blame_kinds: list[str]
    unclear: bool
    unclear_kinds: list[str]
    rewrite: str
    start: int = -1
    end: int = -1
    findings: list[Finding] = field(default_factory=list)

    @property
    def clean(self) -> bool:
        return not self.blame and not self.unclear


def _folded(text: str) -> tuple[str, list[int]]:
    """``text`` with runs of blanks and Markdown marks as one space, and an index map."""
    out: list[str] = []
    where: list[int] = []
    last = 0
    for m in _FOLD.finditer(text):
        for i in range(last, m.start()):
            out.append(text[i])
            where.append(i)
        out.append(" ")
        where.append(m.start())
        last = m.end()
    for i in range(last, len(text)):
        out.append(text[i])
        where.append(i)
    where.append(len(text))
    return "".join(out), where


def locate(sentence: str, text: str) -> tuple[int, int] | None:
    """Character offsets of ``sentence`` in ``text`` (exact, else folded), or None."""
    i = text.find(sentence)
    if i >= 0:
        return i, i + len(sentence)
    folded, where = _folded(text)
    needle = _folded(sentence)[0].strip()
    j = folded.find(needle)
    if j < 0 or not needle:
        return None
    return where[j], where[j + len(needle) - 1] + 1


def load(root: Path) -> tuple[list[Labelled], dict[str, str]]:
    """Labelled dev sentences (located) and the texts of their documents by id."""
    from .. import corpus as corpus_mod

    rows = list(corpus_mod.iter_jsonl(root / FILE, "dev"))
    wanted = {r["doc_id"] for r in rows}
    docs: dict[str, str] = {}
    groups: dict[str, str] = {}
    for pm in corpus_mod.iter_postmortems(root=root):
        if pm.id in wanted:
            docs[pm.id] = pm.text
            groups[pm.id] = pm.split_group or pm.company or pm.id
    items: list[Labelled] = []
    for r in rows:
        doc_id = str(r["doc_id"])
        item = Labelled(
            id=str(r["id"]),
            doc_id=doc_id,
            group=groups.get(doc_id, doc_id),
            text=str(r["text"]),
            blame=bool(r.get("blame")),
            blame_kinds=list(r.get("blame_kinds") or []),
            unclear=bool(r.get("unclear")),
            unclear_kinds=list(r.get("unclear_kinds") or []),
            rewrite=str(r.get("rewrite") or ""),
        )
        span = locate(item.text, docs.get(doc_id, ""))
        if span:
            item.start, item.end = span
        items.append(item)
    return items, docs


def attach_findings(
    items: Sequence[Labelled],
    docs: dict[str, str],
    review: Callable[[str, str], list[Finding]],
    advance: Callable[[int], None] | None = None,
) -> None:
    """Review each document once with ``review(name, text)``; give every sentence the
    findings of the sentence families that start inside it. A sentence not found in its
    document is reviewed on its own."""
    by_doc: dict[str, list[Labelled]] = {}
    for it in items:
        by_doc.setdefault(it.doc_id, []).append(it)
    for doc_id, group in by_doc.items():
        text = docs.get(doc_id, "")
        try:
            found = review(doc_id, text) if text.strip() else []
        except Exception:
            found = []
        for it in group:
            if it.start < 0:
                try:
                    it.findings = [f for f in review(it.id, it.text) if _counted(f)]
                except Exception:
                    it.findings = []
                continue
            it.findings = [f for f in found if it.start <= f.start < it.end and _counted(f)]
        if advance:
            advance(len(group))


def _counted(f: Finding) -> bool:
    return f.family in SENTENCE_FAMILIES
