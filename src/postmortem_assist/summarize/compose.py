"""The Issue Summary paragraph: 2-4 sentences built only from extracted facts."""

from __future__ import annotations

import re

import numpy as np

from . import cues, roles
from .extract import Candidates
from .facts import IMPACT_LABEL, IMPACT_SECTION
from .model import Fact, Summary


def _clock(summary: Summary, which: str) -> str:
    key = getattr(summary, which)
    return key.display if key is not None else ""


def _sentence(text: str, capital: bool = True) -> str:
    text = text.strip().rstrip(",;:")
    if not text:
        return ""
    first = text.split()[0]
    if capital and first.isalpha() and first.islower():  # leave iOS, v3.8.0 as written
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
    text = _unlabel(cause[0].text)
    text = re.sub(
        r"^(?:the\s+)?(?:real|root)\s+cause\s*(?:was|is)?\s*[:-]?\s*", "", text, flags=re.I
    )
    return f"Root cause: {_sentence(text)}", [cause[0].source]


def resolution_sentence(resolution: list[Fact]) -> tuple[str, list[str]]:
    """How it was fixed, quoted from the notes."""
    if not resolution:
        return "", []
    tentative = re.compile(r"\b(?:we can|can we|will|going to|doing that|let'?s|should)\b", re.I)
    best = next((r for r in resolution if not tentative.search(r.text)), resolution[0])
    return f"Resolution: {_sentence(_unlabel(best.text))}", [best.source]


#: Weights of the sentence ranker, tuned on the dev split (ROUGE-L against authors' summaries).
WEIGHTS = {
    "centrality": 2.0,
    "position": 1.0,
    "impact": 1.0,
    "cause": 0.0,
    "event": -0.5,
    "action": -1.0,
    "noise": -2.0,
    "number": 0.3,
    "redundancy": 0.3,
    "impact_section": 0.0,
    "impact_lead": 2.0,  # first sentence under an "Impact" heading; neutral on dev (0.140 vs 0.142)
}
MAX_SENTENCES = 4


def features(cands: Candidates) -> dict[str, np.ndarray]:
    """Per-candidate features: role probabilities, centrality, position, numbers."""
    n = len(cands.msgs)
    probs = cands.probs
    feats = {role: probs[:, i] for i, role in enumerate(roles.ROLES)} if n else {}
    if cands.embeddings is not None and n:
        centroid = cands.embeddings.mean(axis=0)
        norm = float(np.linalg.norm(centroid)) or 1.0
        feats["centrality"] = cands.embeddings @ (centroid / norm)
    else:
        feats["centrality"] = np.zeros(n)
    feats["position"] = 1.0 / (1.0 + np.arange(n) / 5.0)
    feats["number"] = np.array([1.0 if re.search(r"\d", m.text) else 0.0 for m in cands.msgs])
    in_impact = np.zeros(n)
    lead_impact = np.zeros(n)
    seen: set[tuple[str, str | None]] = set()
    for i, m in enumerate(cands.msgs):
        if IMPACT_LABEL.match(m.text):  # "Impact: 1,140 lab results held ..." on its own line
            in_impact[i] = lead_impact[i] = 1.0
        elif m.section and IMPACT_SECTION.search(m.section) and m.author != "#heading":
            in_impact[i] = 1.0
            key = (m.source, m.section)
            if key not in seen:
                lead_impact[i] = 1.0
                seen.add(key)
    feats["impact_section"] = in_impact
    feats["impact_lead"] = lead_impact
    return feats


def rank(cands: Candidates, slot: str, weights: dict[str, float] | None = None) -> np.ndarray:
    """Scores of every candidate for one slot (``impact``, ``cause`` or ``general``)."""
    w = weights or WEIGHTS
    f = features(cands)
    n = len(cands.msgs)
    score = np.zeros(n)
    for key in ("centrality", "position", "event", "action", "noise", "number"):
        score += w[key] * f[key]
    if slot in ("impact", "cause"):
        score += w[slot] * 2.0 * f[slot]
    if slot == "impact":
        score += w["impact_section"] * f["impact_section"] + w["impact_lead"] * f["impact_lead"]
    else:
        score += w["impact"] * f["impact"] + w["cause"] * f["cause"]
    for i, msg in enumerate(cands.msgs):
        words = len(msg.text.split())
        if i in cands.excluded or words < 5 or words > 60 or msg.author == "#heading":
            score[i] = -np.inf
        elif slot == "impact" and cues.RULED_OUT.search(msg.text):
            score[i] = -np.inf  # "nodes are fine, CPU under 50% ... ruling out the upgrade"
    return score


def _pick(score: np.ndarray, chosen: list[int], cands: Candidates, w: dict[str, float]) -> int:
    """Best candidate not yet chosen, penalised by similarity to chosen ones (MMR)."""
    adjusted = score.copy()
    if cands.embeddings is not None and chosen:
        sim = cands.embeddings @ cands.embeddings[chosen].T
        adjusted -= w["redundancy"] * sim.max(axis=1)
    adjusted[chosen] = -np.inf
    best = int(np.argmax(adjusted)) if len(adjusted) else -1
    return best if best >= 0 and np.isfinite(adjusted[best]) else -1


def issue_summary(
    summary: Summary, cands: Candidates, weights: dict[str, float] | None = None
) -> tuple[str, list[str]]:
    """The Issue Summary paragraph (2-4 sentences) and the source lines it quotes.

    A duration sentence from the key times, then the best impact sentence, the cause and,
    when there is room, one more central sentence; every sentence is quoted from the notes.
    """
    w = weights or WEIGHTS
    parts: list[tuple[str, list[str]]] = []
    duration = duration_sentence(summary)
    if duration[0]:
        parts.append(duration)
    n = len(cands.msgs)
    cause_idx = []
    if summary.cause:
        first = summary.cause[0].text
        cause_idx = [i for i, m in enumerate(cands.msgs) if facts_text(m.text) in first][:2]
    chosen: list[int] = list(cause_idx)
    impact_refs = {f.source for f in summary.impact[:2]}
    if n:
        imp = rank(cands, "impact", w)
        for i, msg in enumerate(cands.msgs):
            if msg.ref in impact_refs and np.isfinite(imp[i]):
                imp[i] += 1.0
        i = _pick(imp, chosen, cands, w)
        if i >= 0:
            chosen.append(i)
    chosen = [i for i in chosen if i not in cause_idx]
    body: list[tuple[int, str, str]] = [
        # after "Impact:" the line keeps its case: "about 1,800 POD photos" stays as written
        (
            i,
            "Impact: " + _sentence(_unlabel(facts_text(cands.msgs[i].text)), capital=False),
            cands.msgs[i].ref,
        )
        for i in chosen
    ]
    more = _more_numbers(summary, " ".join(t for _, t, _ in body), cands)
    if more and body:
        i, text, ref = body[0]
        body[0] = (i, f"{text[:-1]} (also recorded: {'; '.join(more)}).", ref)
    elif more:
        body.append((n, f"Impact recorded: {'; '.join(more)}.", summary.impact[0].source))
    if summary.cause:
        text, refs = cause_sentence(summary.cause)
        body.append((cause_idx[0] if cause_idx else n, text, refs[0]))
        chosen += cause_idx
    if n and len(parts) + len(body) < 3:
        gen = rank(cands, "general", w)
        i = _pick(gen, chosen, cands, w)
        if i >= 0:
            chosen.append(i)
            body.append((i, _sentence(facts_text(cands.msgs[i].text)), cands.msgs[i].ref))
    if len(parts) + len(body) < MAX_SENTENCES and summary.resolution:
        res = resolution_sentence(summary.resolution)
        if res[0] and all(res[1][0] != ref for _, _, ref in body):
            body.append((n + 1, *res[0:1], res[1][0]))
    body.sort(key=lambda b: b[0])
    parts += [(text, [ref]) for _, text, ref in body]
    parts = parts[:MAX_SENTENCES]
    text = " ".join(p for p, _ in parts if p)
    refs = [r for _, rs in parts for r in rs]
    return text, list(dict.fromkeys(refs))


def _more_numbers(
    summary: Summary, shown: str, cands: Candidates | None = None, limit: int = 5
) -> list[str]:
    """Impact numbers (best first) that the quoted impact sentence does not already give, each
    with the rest of its clause as written ("3,904 orders stuck in PAYMENT_PENDING"), so the
    Issue Summary states every headline number in the notes' own words."""
    from .facts import HOURS_MINUTES, impact_score

    texts: dict[str, str] = {}  # a line's sentences may be several messages: join them
    for m in cands.msgs if cands is not None else []:
        texts[m.ref] = f"{texts[m.ref]} {m.text}" if m.ref in texts else m.text
    out: list[str] = []
    for fact in summary.impact[: limit + 3]:
        if fact.text in shown or any(fact.text in o for o in out) or _is_date(fact.text):
            continue
        spell = HOURS_MINUTES.fullmatch(fact.text)  # how long impact lasted: "1 h 7 min"
        if spell or impact_score(fact.text, fact.text, False) >= 0:  # not "100% disk IO"
            out.append(_clause(texts.get(fact.source, ""), fact.text))
    return out[:limit]


def _is_date(text: str) -> bool:
    """A calendar date ("20 May", "2025-03-17"), not an impact figure."""
    from ..times import find_dates

    return any(d.start == 0 and d.end >= len(text.strip()) for d in find_dates(text))


def _clause(text: str, phrase: str, max_words: int = 10) -> str:
    """``phrase`` and the rest of its clause in ``text`` (up to a comma, semicolon, opening or
    closing bracket or full stop; at most ``max_words`` words), or the phrase alone when it is
    not there."""
    at = text.find(phrase)
    if at < 0:
        return phrase
    tail = text[at + len(phrase) :]
    end = re.search(r"[,;()|]|[.:](?:\s|$)|\s[-–—]\s|\sand\s+(?=\w+ed\b|went\b|was\b)|$", tail)
    clause = (phrase + tail[: end.start() if end else len(tail)]).strip()
    words = clause.split()
    return " ".join(words[: max(max_words, len(phrase.split()))])


def _unlabel(text: str) -> str:
    """Drop a leading "impact:" / "numbers:" label from a quoted line."""
    return re.sub(r"^(?:[A-Za-z][\w-]*(?: [\w-]+){0,3})\s*:\s+", "", text)


def facts_text(text: str) -> str:
    """A quoted sentence without chat fillers."""
    from .facts import clean_quote

    return clean_quote(text)
