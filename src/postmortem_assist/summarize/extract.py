"""From parsed notes to a :class:`Summary` of facts (no prose yet)."""

from __future__ import annotations

import re
from collections.abc import Callable
from dataclasses import dataclass, field, replace
from itertools import pairwise

import numpy as np

from ..notes import Message, Notes
from . import cues, facts, roles
from .derive import Roles, assign, indices
from .line_roles import COARSE, LineRoleModel
from .model import Durations, Fact, KeyTime, Summary
from .timeline import (
    build_timeline,
    candidates,
    comparable,
    in_actions,
    moments_at,
    time_of,
)

CONFIRM = re.compile(
    r"^(?:ok(?:ay)?,?\s*)?(?:that'?s it|got it|bingo|found it|confirmed)\b|"
    r"^(?:status:\s*)?(?:root )?cause (?:identified|found|confirmed)\b",
    re.I,
)
#: A line labelled as the cause ("Cause: ...", "**Root cause:** ...") counts as a cause section.
CAUSE_LABEL = re.compile(r"^\W{0,3}(?:root |probable |likely )?cause\b[^:\n]{0,20}:", re.I)
#: Weight of a sentence under a cause heading or after a "Cause:" label.
SECTION_WEIGHT = 2.5
#: Weight of a line saying the cause was found (``cues.FOUND``) in the cause score.
FOUND_WEIGHT = 2.0
BOTS = re.compile(r"bot|alert|pager|monitor|^U0[0-9A-Z]+$", re.I)


def people(notes: Notes) -> set[str]:
    """Lower-cased first names of chat authors (bots left out)."""
    out = set()
    for m in notes.messages:
        if m.author and m.author != "#heading" and not BOTS.search(m.author):
            out.add(m.author.split()[0].lower())
    return out


def minutes(a: KeyTime | None, b: KeyTime | None) -> int | None:
    """Whole minutes from a to b (seconds truncated); None when either is missing."""
    if a is None or b is None or a.time is None or b.time is None:
        return None
    delta = comparable(b.time) - comparable(a.time)
    return int(delta.total_seconds() // 60)


@dataclass
class Candidates:
    """The candidate messages with their embeddings (None without encoder) and role probs."""

    msgs: list[Message]
    embeddings: np.ndarray | None
    probs: np.ndarray
    excluded: set[int] = field(default_factory=set)  # misleading, blamed, action lines


#: Most messages embedded per run; longer notes embed the ones with the most cues first.
MAX_ENCODE = 64
_SIGNAL = re.compile(
    r"\d|%|\b(?:because|cause|due to|root|fail\w*|error\w*|customers?|users?|impact\w*|"
    r"revert\w*|roll\w*|fix\w*|resolv\w*|mitigat\w*|outage|down|broke\w*)\b",
    re.I,
)


def _encode_order(msgs: list[Message], limit: int = MAX_ENCODE) -> list[int]:
    """Message indices to embed: all when few, else the ones richest in cues (and early)."""
    if len(msgs) <= limit:
        return list(range(len(msgs)))
    scored = []
    for i, m in enumerate(msgs):
        hits = len(_SIGNAL.findall(m.text))
        section = 2 if m.section and (facts.IMPACT_SECTION.search(m.section) or
                                      facts.CAUSE_SECTION.search(m.section)) else 0  # fmt: skip
        scored.append((hits + section + (1.0 if i < 10 else 0.0), -i))
    return sorted(-j for _, j in sorted(scored, reverse=True)[:limit])


def _scores(
    msgs: list[Message], known: np.ndarray | None = None
) -> tuple[np.ndarray | None, np.ndarray]:
    """Embeddings and role probabilities (one encoder batch; cues for messages not embedded).

    ``known``: embeddings of every message already computed (by the line-role step).
    """
    texts = [m.text for m in msgs]
    if not (roles.available() and texts):
        return None, roles.role_probs(texts, None) if texts else roles.keyword_scores([])
    if known is not None and len(known) == len(texts):
        done = np.flatnonzero(np.abs(known).sum(axis=1) > 0)
        probs = roles.keyword_scores(texts)
        if len(done):
            probs[done] = roles.role_probs([texts[i] for i in done], known[done])
        return known, probs
    try:
        from ..embeddings import encode

        order = _encode_order(msgs)
        unique = list(dict.fromkeys(texts[i] for i in order))  # chat logs repeat lines
        vectors = encode(unique)
    except (ImportError, FileNotFoundError, OSError):
        return None, roles.keyword_scores(texts)
    row = {t: k for k, t in enumerate(unique)}
    emb = np.zeros((len(texts), vectors.shape[1]), dtype=np.float32)
    probs = roles.keyword_scores(texts)
    idx = np.array(order)
    emb[idx] = vectors[[row[texts[i]] for i in order]]
    probs[idx] = roles.role_probs([texts[i] for i in order], emb[idx])
    return emb, probs


#: Score taken from a sentence that reports all is well (``cues.ALL_WELL``) and names no
#: cause; score given to the sentences after a cause lead-in (``cues.CAUSE_LEAD_IN``).
ALL_WELL_PENALTY = 2.0
LEAD_IN_WEIGHT = 2.0
#: How many sentences after a lead-in, in its paragraph, it announces.
LEAD_IN_SPAN = 3


def _after_lead_in(msgs: list[Message], i: int) -> bool:
    """True when one of the ``LEAD_IN_SPAN`` sentences before ``msgs[i]`` in its paragraph
    announces the cause without naming it."""
    for j in range(i - 1, max(-1, i - 1 - LEAD_IN_SPAN), -1):
        prev = msgs[j]
        if prev.paragraph != msgs[i].paragraph or prev.source != msgs[i].source:
            return False
        if cues.CAUSE_LEAD_IN.match(prev.text):
            return True
    return False


#: Taken off the cause score of a line under an Impact heading or labelled "Impact:".
IMPACT_PENALTY = 2.0


def _under_impact(msg: Message) -> bool:
    """A line under an Impact heading or labelled "Impact:" (what the incident cost); a line
    with a label of its own ("Cause: ...") after an impact list is not."""
    if facts.IMPACT_LABEL.match(msg.text):
        return True
    if CAUSE_LABEL.match(msg.text) or _OWN_LABEL.match(msg.text):
        return False
    return bool(msg.section and facts.IMPACT_SECTION.search(msg.section))


#: A line that opens with a label of its own: "Cause: ...", "**Resolution:** ...".
_OWN_LABEL = re.compile(r"^\W{0,3}[A-Z][\w ]{2,30}\W{0,3}:\s")


def cause_scores(
    msgs: list[Message], probs: np.ndarray, skip: set[int], blamed: set[int]
) -> list[tuple[float, int]]:
    """(score, index) of each message that may state the cause: section, cue words and the
    sentence-role head together (questions, short, skipped and blamed messages left out)."""
    ci = roles.ROLES.index("cause")
    first_seen: dict[str, int] = {}
    for i, msg in enumerate(msgs):
        first_seen.setdefault(msg.text.strip().lower(), i)
    scored = []
    for i, msg in enumerate(msgs):
        if i in skip or i in blamed or len(_statement(msg.text).split()) < 5:
            continue  # questions ("is it the RDS maintenance?") state nothing
        score = 2.0 * float(probs[i, ci])
        if (msg.section and facts.CAUSE_SECTION.search(msg.section)) or CAUSE_LABEL.match(
            msg.text
        ):
            score += SECTION_WEIGHT
        if cues.CAUSE.search(msg.text):
            score += 1.5
        if cues.MECHANISM.search(msg.text):  # a change and what it led to
            score += 2.0
        if cues.FOUND.search(msg.text):  # "Identified that the issue was ...", "We discover"
            score += FOUND_WEIGHT
        if cues.HYPOTHESIS.search(msg.text):
            score -= 1.0
        if _under_impact(msg):
            score -= IMPACT_PENALTY  # "- longest wait 71 min" under Impact: what it cost
        if cues.NOT_CAUSE.search(msg.text) or cues.AFTERMATH.search(msg.text):
            score -= 2.5
        if cues.NOT_RECOVERED.search(msg.text):  # a status: "that's because ... Nothing is fixed"
            score -= 2.0
        if cues.ALL_WELL.search(msg.text) and not cues.CAUSE_NAMED.search(msg.text):
            score -= ALL_WELL_PENALTY  # "Verified that ... up and running again"
        if cues.CAUSE_LEAD_IN.match(msg.text):
            score -= LEAD_IN_WEIGHT  # the lead-in itself names nothing
        if _after_lead_in(msgs, i):
            score += LEAD_IN_WEIGHT  # "The actual cause took us a while to see. <cause>"
        nxt = msgs[i + 1].text if i + 1 < len(msgs) else ""
        if (
            CONFIRM.match(nxt)
            and len(facts.clean_quote(nxt).split()) < 12
            and first_seen[nxt.strip().lower()] == i + 1
            and not _leads_its_line(msgs, i + 1)
        ):  # a bare "that's it" confirms the message before it; a status line repeated
            # under a later log entry ("Status: Cause identified") confirms nothing, and
            # "Confirmed on our side. <cause>" confirms what follows it on its line
            score += 2.0
        if CONFIRM.match(msg.text) and len(facts.clean_quote(msg.text).split()) < 12:
            score -= 1.0
        prev = msgs[i - 1] if i else None
        if prev is not None and prev.line == msg.line and CONFIRM.match(prev.text) and (
            len(facts.clean_quote(prev.text).split()) < 6
        ):
            score += 2.0  # "Confirmed. #477 deleted the CNAME ...": what was confirmed
        scored.append((score, i))
    return scored


def pick_cause(
    msgs: list[Message],
    probs: np.ndarray,
    skip: set[int],
    blamed: set[int],
    limit: int = 2,
    screen: Callable[[list[str]], set[int]] | None = None,
) -> list[Fact]:
    """The sentences that state the cause: the best ``cause_scores`` (up to ``limit``, each
    at least 1.0 and 3/4 of the best)."""
    scored = cause_scores(msgs, probs, skip, blamed)
    if not scored:
        return []
    scored.sort(reverse=True)
    kept: dict[int, str] = {}  # a flagged message's sentences that blame no one
    if screen is not None:  # blameful remarks are not the cause ("of course it's X's script")
        top = scored[:6]
        bad = screen([msgs[i].text for _, i in top])
        for k in bad:  # "<cause>. Mark in Fares again." keeps its first sentence
            parts = facts.sentences(msgs[top[k][1]].text)
            if len(parts) > 1:
                flagged = screen(parts)
                rest = " ".join(p for j, p in enumerate(parts) if j not in flagged)
                if rest and len(_statement(rest).split()) >= 5 and len(flagged) < len(parts):
                    kept[top[k][1]] = rest
        scored = [x for k, x in enumerate(top) if k not in bad or x[1] in kept] + scored[6:]
        if not scored:
            return []
    best = scored[0][0]
    chosen = [i for s, i in scored[:limit] if s >= max(1.0, 0.75 * best)]
    out: list[Fact] = []
    for i in chosen:  # best first; sentences of one line are joined in their order
        if any(f.source == msgs[i].ref for f in out):
            continue
        same = sorted(j for j in chosen if msgs[j].ref == msgs[i].ref)
        out += facts.merge_lines([_cleaned(_without(msgs[j], kept.get(j))) for j in same])
    return out


def _without(msg: Message, text: str | None) -> Message:
    """The message with only ``text`` (its sentences that blame no one), when given."""
    return msg if text is None else replace(msg, text=text)


def _leads_its_line(msgs: list[Message], i: int) -> bool:
    """True when the sentence after ``msgs[i]`` continues the same line."""
    return i + 1 < len(msgs) and (msgs[i + 1].ref, msgs[i + 1].line) == (msgs[i].ref, msgs[i].line)


def _statement(text: str) -> str:
    """The text without the questions it ends with: a chat message that explains the cause
    and then asks for a go ("... so the pool stayed full. @sam go?") still states it."""
    parts = facts.sentences(text)
    while parts and parts[-1].endswith("?"):
        parts.pop()
    return " ".join(parts)


def _cleaned(msg: Message) -> Message:
    text = facts.clean_quote(_statement(msg.text) or msg.text)
    return Message(text, msg.line, msg.source, msg.time, section=msg.section)


def role_cause(msgs: list[Message], found: Roles, skip: set[int], blamed: set[int]) -> list[Fact]:
    """The ``cause-found`` lines (no questions, no blame); sentences of one line joined."""
    picked = [
        _cleaned(msgs[i])
        for i in indices(found.roles, "cause-found")
        if i not in skip | blamed and _statement(msgs[i].text) and not _under_impact(msgs[i])
    ]
    return facts.merge_lines(picked)


def _fixes_at_keys(
    msgs: list[Message], found: Roles | None, keyed: dict[str, KeyTime | None]
) -> list[Message]:
    """Key-moment lines that read as a fix applied ("replication throttled, export paused"):
    their events are typed as the moment they mark, but they are resolution steps too when the
    line roles call them mitigation (or, for the mitigated moment, nothing more specific)."""
    at = moments_at(keyed)
    out = []
    for i, m in enumerate(msgs):
        name = at.get((m.ref, m.line, m.text))
        kind = COARSE.get(found.roles[i]) if found else None
        if name is not None and (kind == "mitigation" or (kind is None and name == "mitigated")):
            out.append(m)
    return out


#: Most resolution steps shown.
MAX_STEPS = 4


def _last_steps(fixes: list[Message], end: KeyTime | None) -> list[Message]:
    """The resolution steps: when there are more lines than ``MAX_STEPS``, the ones written
    under a fix heading, then the fixes nearest before the end of the incident (early actions
    are often attempts that did not help), kept in note order."""
    refs = list(dict.fromkeys(m.ref for m in fixes))
    if len(refs) <= MAX_STEPS or end is None or end.time is None:
        return fixes
    last = comparable(end.time)

    def rank(ref: str) -> tuple[int, float]:
        times = [comparable(t) for m in fixes if m.ref == ref and (t := time_of(m)) is not None]
        if not times:
            return (0, 0.0)  # written under a fix heading, no time
        gap = (last - min(times)).total_seconds()
        return (1, gap) if gap >= 0 else (2, -gap)

    keep = set(sorted(refs, key=rank)[:MAX_STEPS])
    return [m for m in fixes if m.ref in keep]


def extract(
    notes: Notes,
    sources: list[str],
    line_model: LineRoleModel | None = None,
    *,
    use_roles: bool = True,
    screen: Callable[[list[str]], set[int]] | None = None,
) -> tuple[Summary, Candidates]:
    """All facts of the notes, each with its source line.

    Line roles (``line_roles``, when the model and encoder load) give each event its role and
    type, the trigger lines and extra misleading paths, and fill the key times, cause and
    resolution steps that the cue finders leave open (see ``timeline.role_keys``).
    """
    msgs = candidates(notes)
    found = assign(msgs, line_model) if use_roles else None
    events, keyed, misleading = build_timeline(notes, found)
    who = people(notes)
    emb, probs = _scores(msgs, found.embeddings if found else None)
    blamed = {i for i, m in enumerate(msgs) if facts.blames_person(m.text, who)}
    mis_ids = {id(m) for m in misleading}
    skip = {i for i, m in enumerate(msgs) if id(m) in mis_ids}
    cause = pick_cause(msgs, probs, skip, blamed, screen=screen)
    if not cause and found:  # the roles fill the gap (cause-first lost 2 gold cause quotes)
        cause = role_cause(msgs, found, skip, blamed)
    trigger = (
        facts.merge_lines([msgs[i] for i in indices(found.roles, "trigger") if i not in blamed])
        if found
        else []
    )
    cause_keys = {c.source for c in cause}
    steps = {id(msgs[i]) for i in indices(found.roles, "mitigation")} if found else set()
    applied = {m.ref for m in _fixes_at_keys(msgs, found, keyed)}
    fix_msgs = [
        m
        for m in msgs
        if (m.section and facts.FIX_SECTION.search(m.section) and m.time is None)
        or any(e.source == m.ref and e.type == "mitigation" for e in events)
        or m.ref in applied
    ]
    if not fix_msgs:  # the roles' mitigation lines fill the gap
        fix_msgs = [m for m in msgs if id(m) in steps]
    blamed_ids = {id(msgs[i]) for i in blamed}
    resolution = facts.merge_lines(
        _last_steps(
            [m for m in fix_msgs if not m.text.rstrip().endswith("?") and id(m) not in blamed_ids],
            keyed["mitigated"] or keyed["resolved"],
        )
    )[:MAX_STEPS]
    exclude = {m.ref + m.text for m in msgs if m.ref in cause_keys}
    impact = facts.extract_impact(msgs, exclude)
    services = facts.extract_services([m for m in msgs if id(m) not in mis_ids])
    flags = [in_actions(m) for m in notes.messages]
    actions = facts.extract_actions(notes.messages, flags)
    action_refs = {a.source for a in actions}
    header_refs = {m.ref for m in notes.messages if cues.ACTION_HEADER.match(m.text)}
    events = [e for e in events if e.source not in action_refs | header_refs]
    # follow-ups are what will be done, not how the incident was resolved
    resolution = [r for r in resolution if r.source not in action_refs | header_refs]
    summary = Summary(
        sources=sources,
        shape=notes.shape,
        timezone=notes.zone if notes.zone_known else None,
        start=keyed["start"],
        detected=keyed["detected"],
        mitigated=keyed["mitigated"],
        resolved=keyed["resolved"],
        durations=Durations(
            time_to_detect=minutes(keyed["start"], keyed["detected"]),
            time_to_mitigate=minutes(keyed["start"], keyed["mitigated"]),
            total=minutes(keyed["start"], keyed["resolved"]),
        ),
        timeline=events,
        impact=impact,
        affected_services=services,
        cause=cause,
        trigger=trigger,
        resolution=resolution,
        misleading_paths=misleading_facts(msgs, misleading),
        action_items=actions,
        warnings=list(notes.warnings),
    )
    summary.notes.append(
        "line roles: "
        + (found.source if found else "cue patterns only (no line-role model or encoder)")
    )
    summary.notes.append(
        "sentence roles: "
        + ("trained MiniLM head" if roles.available() else "keyword cues (no trained head found)")
    )
    _check_order(summary)
    excluded = skip | blamed | {i for i, m in enumerate(msgs) if m.ref in action_refs}
    return summary, Candidates(msgs, emb, probs, excluded)


#: Sentences after a question that a misleading path quotes with it, from the same line:
#: "Could this be the Okta outage? Their status page shows degraded in EU right now."
QUESTION_CONTEXT = 2


def misleading_facts(msgs: list[Message], misleading: list[Message]) -> list[Fact]:
    """The misleading paths as facts; a question keeps the sentences that follow it on its
    line (what made it a hypothesis), up to ``QUESTION_CONTEXT``."""
    at = {id(m): i for i, m in enumerate(msgs)}
    flagged = {id(m) for m in misleading}
    out = []
    for msg in misleading:
        text = msg.text
        i = at.get(id(msg))
        if i is not None and text.rstrip().endswith("?"):
            for nxt in msgs[i + 1 : i + 1 + QUESTION_CONTEXT]:
                if nxt.ref != msg.ref or id(nxt) in flagged:
                    break
                text += " " + nxt.text
        out.append(facts.fact(msg, text))
    return out


def _check_order(summary: Summary) -> None:
    """Warn about contradictory key times (resolved before start, detection after mitigation)."""
    order = [
        ("start", summary.start),
        ("detected", summary.detected),
        ("mitigated", summary.mitigated),
        ("resolved", summary.resolved),
    ]
    known = [(n, k) for n, k in order if k is not None and k.time is not None]
    for (n1, k1), (n2, k2) in pairwise(known):
        if comparable(k2.time) < comparable(k1.time):  # type: ignore[arg-type]
            summary.warnings.append(
                f"contradictory times: {n2} ({k2.display}, {k2.source}) is before "
                f"{n1} ({k1.display}, {k1.source})"
            )
