"""``assist summarize``: raw incident notes to a faithful first postmortem draft.

>>> from postmortem_assist.summarize import summarize
>>> result = summarize(["notes.txt"], timezone="UTC")
>>> print(result.draft)

Every fact in the result carries the ``file:line`` it was read from; the Issue Summary is
built from those facts only (an optional local seq2seq model may add a rewrite).
"""

from __future__ import annotations

from collections.abc import Sequence
from pathlib import Path

from ..reading import MAX_BYTES, InputError, Source
from .model import ActionItem, CategoryGuess, Event, Fact, KeyTime, Summary

__all__ = [
    "ActionItem",
    "Event",
    "Fact",
    "KeyTime",
    "Summary",
    "summarize",
    "summarize_sources",
]

MIN_WORDS = 3


NO_CATEGORY = "no category stands out"


def _categories(summary: Summary) -> None:
    """The classifier's likely root-cause categories of the cause and trigger lines only
    (``classify_sentences``: never the whole chat), each with its evidence line.

    Only categories the classifier predicts are kept; when none is, ``category_note`` says
    "no category stands out" instead of a confident guess.
    """
    cause = [c.text for c in summary.cause if c.text.strip()]
    trigger = [t.text for t in summary.trigger if t.text.strip()]
    if not cause and not trigger:
        return
    try:
        from ..classify import classify_sentences

        result = classify_sentences(cause, trigger)
    except (ImportError, FileNotFoundError, OSError) as err:
        summary.notes.append(f"root-cause category omitted: classifier unavailable ({err})")
        return
    predicted = set(result.predicted)
    for cat in result.categories:
        if cat.label in predicted and len(summary.categories) < 2:
            summary.categories.append(
                CategoryGuess(
                    label=cat.label,
                    name=cat.name,
                    probability=float(cat.probability),
                    evidence=cat.evidence,
                )
            )
    if not summary.categories:
        summary.category_note = NO_CATEGORY


def summarize_sources(
    sources: list[Source],
    *,
    timezone: str | None = None,
    input_format: str | None = None,
    model: str | Path | None = None,
    categories: bool = True,
    check: bool = True,
    channel: str | None = None,
) -> Summary:
    """Summarize already-read sources (see :func:`summarize`)."""
    from ..notes import parse_notes
    from .compose import issue_summary
    from .draft import open_questions, render
    from .extract import extract, people

    if not sources:
        raise InputError("no input given")
    total_words = sum(len(s.text.split()) for s in sources)
    if total_words < MIN_WORDS:
        raise InputError(
            f"{sources[0].name}: notes are too short to summarize ({total_words} words)"
        )
    if input_format != "slack":
        from ..nlp import check_language

        for source in sources:
            if not source.text.lstrip().startswith(("[", "{")):
                check_language(source)
    notes = parse_notes(sources, timezone=timezone, input_format=input_format, channel=channel)
    if not any(m.text.strip() for m in notes.messages):
        raise InputError(f"{sources[0].name}: no text to summarize")
    from .check import blameful_or_none

    summary, cands = extract(
        notes, [s.name for s in sources], screen=blameful_or_none if check else None
    )
    if check:
        from .check import screen_blame

        screen_blame(summary)
    if categories:
        _categories(summary)
    summary.issue_summary, summary.issue_summary_sources = issue_summary(summary, cands)
    if model is not None:
        from .abstractive import rewrite

        summary.abstractive_summary = rewrite(summary, model)
    summary.open_questions = open_questions(summary)
    from .facts import PERSON_AS_CAUSE, PERSON_AT_FAULT

    blamed = {
        m.group("name")
        for msg in notes.messages
        for m in [PERSON_AS_CAUSE.search(msg.text) or PERSON_AT_FAULT.search(msg.text)]
        if m
        and m.group("name").lower()
        in people(notes) | _entity_people(msg.text[max(0, m.start() - 300) : m.end() + 300])
    }
    from .draft import depersonalise, depersonalise_facts

    summary.issue_summary = depersonalise(summary.issue_summary, blamed)
    depersonalise_facts(summary, blamed)
    summary.draft = render(summary, blamed)
    if check:
        from .check import drop_blame

        summary.draft = drop_blame(summary.draft, summary)
    return summary


def _entity_people(text: str) -> set[str]:
    """Lower-cased PERSON names spaCy finds in one sentence."""
    from ..nlp import full

    return {e.text.split()[0].lower() for e in full()(text).ents if e.label_ == "PERSON"}


def summarize(
    sources: Sequence[str | Path] | str | Path,
    *,
    timezone: str | None = None,
    input_format: str | None = None,
    model: str | Path | None = None,
    max_bytes: int = MAX_BYTES,
    channel: str | None = None,
) -> Summary:
    """Summarize notes from files, directories, globs, Slack exports or ``-`` (stdin),
    merged into one incident."""
    from .run import read_inputs

    names = [str(sources)] if isinstance(sources, str | Path) else [str(p) for p in sources]
    return summarize_sources(
        read_inputs(names, max_bytes), timezone=timezone, input_format=input_format, model=model,
        channel=channel,
    )  # fmt: skip
