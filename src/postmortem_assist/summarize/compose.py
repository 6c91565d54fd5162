"""The Issue Summary paragraph: 2-4 sentences built only from extracted facts."""

from __future__ import annotations

import re

from .model import Fact, Summary


def _clock(summary: Summary, which: str) -> str:
    key = getattr(summary, which)
    return key.display if key is not None else ""


def _sentence(text: str) -> str:
    text = text.strip().rstrip(",;:")
    if not text:
        return ""
    text = text[0].upper() + text[1:]
    return text if text[-1] in ".!?" else text + "."


def duration_sentence(summary: Summary) -> tuple[str, list[str]]:
    """ "The incident lasted 47 minutes, from ... to ..." (or what the notes do give)."""
    start, end = summary.start, summary.resolved
    total = summary.durations.total
    if start and end and total is not None:
        a, b = start.display, end.display
        same_day = start.time and end.time and start.time.date() == end.time.date()
        if same_day and a[:10] == b[:10] and re.match(r"\d{4}-\d{2}-\d{2} ", a):
            day, a, b = a[:10], a[11:], b[11:]
            a = a.replace(" UTC", "")
            b = b.replace(" (local time, zone not stated)", ", local time, zone not stated")
            return (
                f"The incident lasted {total} minutes, from {a} to {b} on {day}.",
                [start.source, end.source],
            )
        return (
            f"The incident lasted {total} minutes, from {a} to {b}.",
            [start.source, end.source],
        )
    if start:
        return f"The incident started at {start.display}; the notes give no end time.", [
            start.source
        ]
    if end:
        return f"The incident was resolved at {end.display}; the notes give no start time.", [
            end.source
        ]
    return "", []


def impact_sentence(summary: Summary, limit: int = 3) -> tuple[str, list[str]]:
    """Affected services and the impact numbers exactly as written."""
    services = [s.text for s in summary.affected_services[:3]]
    numbers = [f.text for f in summary.impact[:limit]]
    refs = [f.source for f in summary.impact[:limit]] + [
        s.source for s in summary.affected_services[:3]
    ]
    if services and numbers:
        return f"It affected {', '.join(services)}; impact recorded: {'; '.join(numbers)}.", refs
    if numbers:
        return f"Impact recorded: {'; '.join(numbers)}.", refs
    if services:
        return f"It affected {', '.join(services)}; the impact is not quantified.", refs
    return "", []


def cause_sentence(cause: list[Fact]) -> tuple[str, list[str]]:
    """The root cause, quoted from the notes."""
    if not cause:
        return "", []
    text = cause[0].text
    text = re.sub(
        r"^(?:the\s+)?(?:real|root)\s+cause\s*(?:was|is)?\s*[:-]?\s*", "", text, flags=re.I
    )
    return f"Root cause: {_sentence(text)}", [cause[0].source]


def resolution_sentence(resolution: list[Fact]) -> tuple[str, list[str]]:
    """How it was fixed, quoted from the notes."""
    if not resolution:
        return "", []
    return f"Resolution: {_sentence(resolution[0].text)}", [resolution[0].source]


def issue_summary(summary: Summary) -> tuple[str, list[str]]:
    """The Issue Summary paragraph and the source lines it quotes."""
    parts = [
        duration_sentence(summary),
        impact_sentence(summary),
        cause_sentence(summary.cause),
        resolution_sentence(summary.resolution),
    ]
    text = " ".join(p for p, _ in parts if p)
    refs = [r for _, rs in parts for r in rs]
    return text, list(dict.fromkeys(refs))
