"""Self-check of the draft with ``assist review``: no blameful line survives."""

from __future__ import annotations

from .model import Summary


def blame_lines(draft: str) -> set[int]:
    """1-based line numbers of the draft that the blame rules flag.

    Only the blame rules are compiled, and the draft (built from notes already checked to
    be English) is not language-checked again.
    """
    from ..config import Settings
    from ..reading import Source
    from ..review import analyse_many, engine_for, load_rules

    if not draft.strip():
        return set()
    others = sorted({r.family for r in load_rules()} - {"blame"})
    engine = engine_for(Settings(disable=others))
    [analysis] = analyse_many([Source("<draft>", draft)], checked=True)
    return {f.line for f in engine.review(analysis) if f.family == "blame"}


def drop_blame(draft: str, summary: Summary) -> str:
    """Remove draft lines with blame findings (quotes stay in the JSON with their source)."""
    try:
        flagged = blame_lines(draft)
    except Exception as err:  # the review engine is optional for summarize
        summary.notes.append(f"blame self-check skipped: {type(err).__name__}: {err}")
        return draft
    if not flagged:
        return draft
    lines = draft.split("\n")
    kept = [ln for i, ln in enumerate(lines, 1) if i not in flagged or ln.startswith("#")]
    summary.notes.append(
        f"left out {len(flagged)} line(s) of the draft that read as blaming a person"
    )
    return "\n".join(kept)


def blameful(texts: list[str]) -> set[int]:
    """Indexes of the texts (facts quoted from the notes) that the blame rules flag."""
    flat = [" ".join(t.split()) for t in texts]
    if not flat:
        return set()
    flagged = blame_lines("\n\n".join(flat))
    return {i for i in range(len(flat)) if 2 * i + 1 in flagged}


def blameful_or_none(texts: list[str]) -> set[int]:
    """:func:`blameful`, or nothing flagged when the review engine cannot load (it is optional
    for summarize)."""
    try:
        return blameful(texts)
    except Exception:
        return set()


def screen_blame(summary: Summary) -> None:
    """Leave blameful quotes out of the facts before anything is composed from them.

    Chat remarks such as "this is what happens when <name> ..." or "<name> merged it and
    didn't tell anyone" are not facts of the incident; quoted as the cause, a misleading path,
    a fix, a timeline event or an action item ("Can we agree <name> doesn't ship on a Wednesday
    ever again?") they would carry the blame into the Issue Summary and the JSON.
    """
    fields = ("cause", "trigger", "resolution", "misleading_paths", "timeline", "action_items")
    pool = [(name, fact) for name in fields for fact in getattr(summary, name)]
    try:
        bad = blameful([fact.text for _, fact in pool])
    except Exception as err:  # the review engine is optional for summarize
        summary.notes.append(f"blame screen skipped: {type(err).__name__}: {err}")
        return
    if not bad:
        return
    drop = {id(pool[i][1]) for i in bad}
    for name in fields:
        setattr(summary, name, [f for f in getattr(summary, name) if id(f) not in drop])
    summary.notes.append(f"left out {len(bad)} quoted line(s) that read as blaming a person")
