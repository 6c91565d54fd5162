"""Diagnostic: how many timed lines of the real dev timelines does the notes reader time?

    PYTHONPATH=src .venv/bin/python eval/timeline_times.py [--show N]

For every dev postmortem with an annotated timeline (``timeline_roles.jsonl``), the timeline
section is read as notes (``parse_notes``, text only, no date or zone given), and each
annotated line that carries a ``time`` counts as read when a message starts on that line with a
parsed time. Prints the count, the rate, and (``--show``) some missed lines' shapes by
``doc_id:line`` only (no corpus text is written anywhere).
"""

from __future__ import annotations

import argparse
import json
import sys
from collections import defaultdict

from postmortem_assist.corpus import corpus_dir
from postmortem_assist.notes import parse_notes
from postmortem_assist.reading import InputError, Source


def measure(show: int = 0) -> tuple[int, int, int]:
    """(lines read with a time, lines read with a date or time, annotated lines with a time)."""
    root = corpus_dir()
    if root is None:
        sys.exit("corpus not found (set ASSIST_CORPUS)")
    timed: dict[str, set[int]] = defaultdict(set)
    with open(root / "timeline_roles.jsonl", encoding="utf-8") as fh:
        for raw in fh:
            rec = json.loads(raw)
            if rec["split"] == "dev" and rec.get("time"):
                timed[rec["doc_id"]].add(rec["line"])
    texts: dict[str, str] = {}
    with open(root / "postmortems.jsonl", encoding="utf-8") as fh:
        for raw in fh:
            rec = json.loads(raw)
            if rec["id"] in timed:
                texts[rec["id"]] = rec["sections"]["timeline"]
    hit = dated = total = 0
    missed: list[str] = []
    for doc, lines in sorted(timed.items()):
        try:
            notes = parse_notes([Source(doc, texts[doc])])
        except InputError as err:
            missed.append(f"{doc}: error {err}")
            total += len(lines)
            continue
        got = {m.line for m in notes.messages if m.time is not None}
        some = got | {m.line for m in notes.messages if getattr(m, "day", None) is not None}
        hit += len(lines & got)
        dated += len(lines & some)
        total += len(lines)
        missed += [f"{doc}:{n}" for n in sorted(lines - got)]
    for ref in missed[:show]:
        print("missed", ref)
    return hit, dated, total


def main() -> None:
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("--show", type=int, default=0, help="list this many missed lines")
    args = ap.parse_args()
    hit, dated, total = measure(args.show)
    print(f"timed lines read with a time: {hit}/{total} ({hit / max(total, 1):.1%})")
    print(f"timed lines read with a date or time: {dated}/{total} ({dated / max(total, 1):.1%})")


if __name__ == "__main__":
    main()
