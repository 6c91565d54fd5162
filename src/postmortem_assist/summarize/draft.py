"""The markdown draft in the four postmortem sections, plus open questions."""

from __future__ import annotations

import re

from .model import Event, Fact, Summary

TYPE_LABEL = {
    "impact": "Impact starts",
    "detection": "Detection",
    "escalation": "Escalation",
    "investigation": "Investigation",
    "mitigation": "Mitigation",
    "resolution": "Resolution",
    "communication": "Communication",
}


MAX_TIMELINE = 40


def shown_events(summary: Summary) -> list[Event]:
    """Timeline entries for the draft: all key events, investigation up to ``MAX_TIMELINE``."""
    events = summary.timeline
    if len(events) <= MAX_TIMELINE:
        return events
    keep = [e.type != "investigation" or e.misleading for e in events]
    room = MAX_TIMELINE - sum(keep)
    for i in range(len(events)):
        if not keep[i] and room > 0:
            keep[i] = True
            room -= 1
    return [e for e, k in zip(events, keep, strict=True) if k]


def depersonalise(text: str, names: set[str]) -> str:
    """Replace named people who are described as a cause with a role."""
    for name in sorted(names, key=len, reverse=True):
        text = re.sub(rf"\b{re.escape(name)}\s+from\s+([A-Z][\w-]*)", r"a contact at \1", text)
        text = re.sub(rf"\b{re.escape(name)}\b", "an engineer", text)
    return re.sub(
        r"(^|[.!?]\s+)(an engineer|a contact)",
        lambda m: m.group(1) + m.group(2)[0].upper() + m.group(2)[1:],
        text,
    )


def depersonalise_facts(summary: Summary, names: set[str]) -> None:
    """Depersonalise every fact's text in place, so the JSON is as blameless as the draft
    (each fact's ``source`` still points at the original line)."""
    if not names:
        return
    facts: list[Fact] = [
        *summary.timeline, *summary.impact, *summary.affected_services, *summary.cause,
        *summary.resolution, *summary.misleading_paths, *summary.action_items,
    ]  # fmt: skip
    facts += [k for k in (summary.start, summary.detected, summary.mitigated) if k]
    facts += [summary.resolved] if summary.resolved else []
    for fact in facts:
        fact.text = depersonalise(fact.text, names)
    if summary.abstractive_summary:
        summary.abstractive_summary = depersonalise(summary.abstractive_summary, names)
    summary.open_questions = [depersonalise(q, names) for q in summary.open_questions]


#: Placeholder tokens that ``assist review`` reports (rules/structure/placeholder.yml).
PLACEHOLDER = re.compile(
    r"(?<![\w-])(?:TODO|TBD|TBA|FIXME|XXX|TKTK|todo|tbd|fixme)(?![\w-])[ \t]*[:–-]?[ \t]*"
)

#: A ticket reference left to fill in ("INC-XXX").
TICKET_PLACEHOLDER = re.compile(r"\b[A-Z][A-Z0-9]+-(?:XXX+|TBD|TODO|\?+)(?![\w-])")


def without_placeholders(text: str) -> str:
    """Notes' placeholder markers rewritten so the draft passes ``assist review``.

    A leading marker ("TODO: add a check") is dropped, leaving the open action; one between
    two statements becomes "; "; one standing for a missing fact ("impact TBD") becomes
    "not yet known"; "INC-XXX" becomes "a ticket not yet filed"; "???" becomes "?".
    """

    def repl(m: re.Match[str]) -> str:
        before, after = text[: m.start()].rstrip(), text[m.end() :].lstrip()
        if not after or after[0] in ".,;:)!?" or before.endswith("("):
            return "not yet known"
        if not before or before[-1] in ".;:!?":
            return ""
        if m.group().strip() == "todo":  # "the todo list"
            return "to-do "
        return "; "

    text = TICKET_PLACEHOLDER.sub("a ticket not yet filed", text)
    text = PLACEHOLDER.sub(repl, text)
    text = re.sub(r"\?{2,}", "?", text)
    return re.sub(r"\s+;", ";", text).strip()


def _ref(summary: Summary, source: str) -> str:
    if len(summary.sources) == 1:
        return f"[line {source.rsplit(':', 1)[-1]}]"
    return f"[{source}]"


def _inline(text: str) -> str:
    """One line of markdown: no line breaks, no headings, no stray emphasis markers."""
    text = re.sub(r"\s+", " ", text).strip()
    return re.sub(r"^#+\s*", "", text)


def open_questions(summary: Summary) -> list[str]:
    """Each required fact the notes do not give."""
    out = []
    if summary.start is None:
        out.append("When did the impact start? The notes give no time for the first symptom.")
    if summary.detected is None:
        out.append("How and when was the incident detected? No alert, page or report time found.")
    if summary.mitigated is None:
        out.append("When was the impact mitigated? No time found for the fix taking effect.")
    if summary.resolved is None:
        out.append("When was the incident resolved? No resolution time found.")
    if summary.timeline and summary.timezone is None:
        out.append("Which time zone are the times in? The notes do not say; rerun with --timezone.")
    if not summary.impact:
        out.append("How many users, requests or orders were affected? Impact is not quantified.")
    if not summary.affected_services:
        out.append("Which services or products were affected? None is named.")
    if not summary.cause:
        out.append("What was the root cause? No sentence in the notes states it.")
    if not summary.resolution:
        out.append("What fixed it? No fix or mitigation step found.")
    if not summary.action_items:
        out.append("What will prevent a recurrence? The notes list no follow-up actions.")
    for item in summary.action_items:
        if item.owner is None:
            out.append(f"Who owns the action '{_inline(item.text)[:80]}'? No owner is named.")
    out.extend(f"Check: {w}" for w in summary.warnings)
    return out


def render(summary: Summary, blamed: set[str]) -> str:
    """The draft as markdown; people described as a cause are replaced by roles."""

    def clean(text: str) -> str:
        return without_placeholders(depersonalise(_inline(text), blamed))

    lines = ["# Postmortem draft", ""]
    lines.append(
        f"_First draft generated by `assist summarize` from {', '.join(summary.sources)}. "
        "Statements quote the notes; references point at their lines._"
    )
    lines += [
        "",
        "## Issue Summary",
        "",
        clean(summary.issue_summary) or "The notes give no duration, impact or cause to summarise.",
        "",
    ]
    if summary.abstractive_summary:
        lines += [
            f"_Model rewrite (check against the notes):_ {clean(summary.abstractive_summary)}",
            "",
        ]
    lines += ["## Timeline", ""]
    if summary.timezone:
        lines += ["All times are in UTC.", ""]
    elif summary.timeline:
        lines += ["Times are local times as written; the notes do not state the time zone.", ""]
    if summary.timeline:
        shown = shown_events(summary)
        for ev in shown:
            label = TYPE_LABEL.get(ev.type, ev.type)
            if ev.misleading:
                label = "Investigation (ruled out)"
            when = ev.display
            lines.append(f"- {when}: **{label}.** {clean(ev.text)} {_ref(summary, ev.source)}")
        if len(shown) < len(summary.timeline):
            lines += ["", f"{len(summary.timeline) - len(shown)} more investigation messages "
                      "are in the JSON output (`--format json`)."]  # fmt: skip
    else:
        lines.append("The notes give no times, so the order of events below is as written.")
        for m in summary.misleading_paths:
            lines.append(
                f"- **Investigation (ruled out).** {clean(m.text)} {_ref(summary, m.source)}"
            )
    lines += ["", "## Root Cause and Resolution", ""]
    if summary.cause:
        lines.append(
            "**Root cause.** "
            + " ".join(f"{clean(c.text)} {_ref(summary, c.source)}" for c in summary.cause)
        )
    else:
        lines.append("**Root cause.** The notes do not state it.")
    if summary.categories:
        cats = ", ".join(f"{c.name} ({c.probability:.0%})" for c in summary.categories)
        lines += ["", f"Root-cause category suggested by the classifier: {cats}."]
    lines.append("")
    if summary.resolution:
        lines.append("**Resolution.**")
        lines.append("")
        lines += [f"- {clean(r.text)} {_ref(summary, r.source)}" for r in summary.resolution]
    else:
        lines.append("**Resolution.** The notes do not say how it was fixed.")
    if summary.misleading_paths:
        lines += ["", "**Ruled out during the investigation.**", ""]
        lines += [f"- {clean(m.text)} {_ref(summary, m.source)}" for m in summary.misleading_paths]
    lines += ["", "## Corrective and Preventative Measures", ""]
    if summary.action_items:
        for a in summary.action_items:
            extra = [] if a.owner and a.owner in a.text else [f"owner: {a.owner or 'not named'}"]
            if a.ticket and a.ticket not in a.text:
                extra.append(a.ticket)
            tail = f" ({', '.join(extra)})" if extra else ""
            text = without_placeholders(_inline(a.text))
            lines.append(f"- {text[:1].upper() + text[1:]}{tail} {_ref(summary, a.source)}")
    else:
        lines.append("The notes list no follow-up actions.")
    lines += ["", "## Open questions", ""]
    questions = summary.open_questions or ["None: every required fact was found in the notes."]
    lines += [f"- {without_placeholders(q)}" for q in questions]
    return "\n".join(lines) + "\n"
