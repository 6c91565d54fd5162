"""Facts from the notes: impact numbers, affected services, cause, resolution, actions."""

from __future__ import annotations

import re
from collections import Counter
from functools import cache

from ..notes import Message
from ..times import find_times
from . import cues
from .model import ActionItem, Fact

IMPACT_SECTION = re.compile(r"impact|what we saw|symptom|customer|user", re.I)
CAUSE_SECTION = re.compile(r"cause|why|what (?:actually )?happened|what went wrong|trigger", re.I)
FIX_SECTION = re.compile(r"fix|resolution|recovery|mitigation|what we did", re.I)
IMPACT_WORDS = re.compile(
    r"%|\b(?:customers?|users?|requests?|orders?|bookings?|logins?|sessions?|checkouts?|"
    r"tickets?|payments?|invoices?|people|accounts?|transactions?|calls?|products?|listings?|"
    r"dashboards?|errors?|5xx|failed|failures?|affected|delayed|lost|dropped|refund\w*|"
    r"revenue|EUR|USD|outage|charged twice|double[- ]charged|duplicate charges?)\b|"
    r"[$€£¥₹₩]\s?\d",  # an amount: "$441,636 in duplicate charges"
    re.I,
)
#: A currency sign or code before an amount.
MONEY = r"[$€£₹¥₩]|\b(?:USD|EUR|GBP|INR|CHF|JPY|KRW)\b"
_TENS = r"(?:twenty|thirty|forty|fifty|sixty|seventy|eighty|ninety)"
_UNITS = r"(?:one|two|three|four|five|six|seven|eight|nine)"
_TEENS = r"(?:eleven|twelve|thirteen|fourteen|fifteen|sixteen|seventeen|eighteen|nineteen)"
#: A count written in words ("sixty-three", "two hundred and six", "nineteen"); "one" to "ten"
#: alone are left out: "one of the nodes" is not an impact figure.
_WORD_NUMBER = (
    rf"(?i:{_UNITS}\s+hundred(?:\s+and\s+(?:{_TENS}(?:-{_UNITS})?|{_TEENS}|{_UNITS}|ten))?"
    rf"|{_TENS}(?:-{_UNITS})?|{_TEENS})(?![\w-])"
)
_QTY = (
    r"(?:(?i:about|around|roughly|approximately|approx\.?|ca\.|circa|nearly|almost|over|up to|"
    r"more than|less than|all)\s*|~\s*)?"
    r"(?:\d+\s+(?:in|out\s+of)\s+)?"  # "1 in 5 orders", "3 out of 10 nodes"
    r"(?:(?:(?:[$€£₹¥₩]|(?:USD|EUR|GBP|INR|CHF|CAD|AUD|JPY|KRW)\b)\s?)?\d[\d,]*(?:\.\d+)?"
    r"(?:\s*(?:%|percent\b|x\b|k\b|m\b|million\b|billion\b|thousand\b|lakh\b|crore\b)"
    r"|(?:[KMB]|bn)\b)?"  # "¥1.1M", "$2.4bn"
    rf"(?:\s*(?:EUR|USD|GBP)\b)?|{_WORD_NUMBER})"
)
_STOP = {
    "were",
    "was",
    "had",
    "has",
    "have",
    "got",
    "get",
    "are",
    "is",
    "be",
    "between",
    "from",
    "during",
    "in",
    "on",
    "at",
    "to",
    "for",
    "and",
    "or",
    "with",
    "by",
    "because",
    "that",
    "which",
    "opened",
    "saw",
    "retried",
    "went",
    "showed",
    "placed",
    "did",
    "the",
    "a",
    "an",
    "while",
    "before",
    "after",
    "since",
    "until",
    "than",
    "per",
    "of",
    "now",
    "then",
    "so",
    "but",
    "all",
    "would",
    "could",
    "will",
    "can",
    "not",
    "no",
    "it",
    "they",
    "we",
    "this",
    "these",
    "as",
}
#: Words ending in "-ed" that name things, not past-tense verbs ("42 requests queued" stops).
_ED_NOUNS = {"feed", "feeds", "seed", "speed", "need", "bed", "shed", "red"}
QUANTITY = re.compile(
    rf"(?<![\w.:/-])(?P<q>{_QTY})(?P<rest>(?:\s+of\s+(?:the\s+|those\s+|these\s+|all\s+|our\s+)?"
    rf"(?:\d[\d,]*\s+)?[A-Za-z][\w.-]*(?:\s+[A-Za-z][\w.-]*){{0,3}})|(?:\s+[A-Za-z][\w.-]*){{0,3}})"
)
#: What a figure right after it measures, written before it: "longest wait 71 min", "reg paused
#: 25 min", "peaked at 38%". The words are kept with the figure (the Issue Summary quotes them).
MEASURE_LEAD = re.compile(
    r"(?<![\w-])(?:"
    r"(?:(?:longest|average|avg|mean|median|max(?:imum)?|typical|worst|total)\s+)?"
    r"(?:wait(?:ing)?(?:\s+times?)?|delay|hold\s+times?|queue\s+times?)"
    r"|(?:(?!(?:was|were|is|are|been|be|had|has|it|we|they|the)\s)[A-Za-z][\w-]*\s+)?"
    r"(?:paused|offline|stalled)"
    r"|peaked\s+at|dropped\s+by|fell\s+by|rose\s+by|spiked\s+to|re-?queued|re-?sent|refunded"
    r")\s+$",
    re.I,
)


def split_lead(phrase: str) -> tuple[str, str]:
    """A quantity phrase's measure words (``MEASURE_LEAD``) and the figure with its noun."""
    head = re.match(r"\D*?(?=[\d~$€£₹¥₩])", phrase)
    if head and head.group(0) and MEASURE_LEAD.fullmatch(head.group(0)):
        return head.group(0), phrase[head.end() :]
    return "", phrase


#: A span in hours and minutes as written: "2 h 28 min", "4 hrs 21 min", "1 hour and 7 minutes".
HOURS_MINUTES = re.compile(
    r"\b\d+\s*(?:h|hrs?|hours?)\s*(?:and\s+)?\d+\s*(?:m|mins?|minutes?)\b", re.I
)
VERSION = re.compile(r"^v?\d+\.\d+(?:\.\d+)+$|^v\d")
SERVICE_ID = re.compile(r"(?<![\w./@#-])[a-z][a-z0-9]*(?:[-.][a-z0-9]+)+(?![\w@-])")
SERVICE_NOUNS = {
    "service",
    "api",
    "app",
    "application",
    "load",
    "job",
    "dashboard",
    "dashboards",
    "email",
    "importer",
    "marketplace",
    "edge",
    "gateway",
    "database",
    "cluster",
    "pipeline",
    "frontend",
    "backend",
    "consumer",
    "consumers",
    "website",
    "site",
    "queue",
    "feed",
    "endpoint",
    "server",
    "proxy",
    "cache",
    "ingress",
    "portal",
    "sync",
    "checkout",
    "storage",
    "search",
    "cdn",
}
PLATFORM_VERSION = re.compile(r"\b(?:iOS|Android|macOS|Windows|web|Chrome)\s+\d+(?:\.\d+)+\b")
PERSON_AS_CAUSE = re.compile(
    r"(?:^|[.!?]\s+|^\w+\.\s+)(?P<name>[A-Z][a-z]+)(?:\s+from\s+[\w-]+)?\s+(?:deployed|changed|"
    r"pushed|forgot|broke|ran|merged|applied|deleted|typed|removed|misconfigured|made|did|"
    r"dropped|disabled|missed|caused|set|edited|updated)\b"
)

#: Fault laid on a named person: "this is Marco's fault", "Desmond's cost-cutting PR again".
PERSON_AT_FAULT = re.compile(
    r"\b(?P<name>[A-Z][a-z]+)'s (?:(?:fault|mistake|doing|screw-?up|mess|blunder)\b|"
    r"(?:[\w-]+ ){0,2}(?:\w+-)?(?:PR|change|push|deploy|script|commit|config|job|MR|sync|cron|"
    r"migration|rotation|import|release|rollout|upgrade)s? again\b)"
)


def fact(msg: Message, text: str | None = None) -> Fact:
    """A fact quoting a message (or part of it) with its source line."""
    return Fact(
        text=(text if text is not None else msg.text).strip(), source=msg.ref, line=msg.line
    )


def merge_lines(msgs: list[Message]) -> list[Fact]:
    """Facts from messages, joining sentences that came from the same line."""
    out: list[Fact] = []
    for msg in msgs:
        if out and out[-1].source == msg.ref:
            out[-1].text += " " + msg.text
        else:
            out.append(fact(msg))
    return out


def _time_spans(text: str) -> list[tuple[int, int]]:
    return [(t.start, t.end) for t in find_times(text)]


def quantities(text: str) -> list[str]:
    """Numbers with what they count, as written ("1,204 customers", "18% of API traffic")."""
    spans = _time_spans(text)
    out = []
    for m in QUANTITY.finditer(text):
        if any(s <= m.start() < e for s, e in spans):
            continue
        q = m.group("q").strip()
        if VERSION.match(q) or re.fullmatch(r"\d{4}", q):
            continue
        words: list[str] = []
        rest = m.group("rest")
        # "38 of 61 depots", "17% of requests to checkout-api": up to the counted noun and
        # what qualifies it; otherwise the words after the number up to a function word or a
        # past-tense verb after the noun ("1,115 parcels missed ..." -> "1,115 parcels").
        head = 0
        if m_of := re.match(r"\s+of\s+(?:(?:the|those|these|all|our)\s+)?(?:\d[\d,]*\s+)?", rest):
            head = len(m_of.group(0).split())
        for k, w in enumerate(rest.split()):
            bare = w.lower().strip(".,;:")
            if k >= head and (
                (bare in _STOP and not (k == 0 and bare == "of"))
                or not re.match(r"^[\w-]", w)
                or (k > head and re.fullmatch(r"[a-z]+ed", bare) and bare not in _ED_NOUNS)
            ):
                break
            words.append(w)
            if re.search(r"[.,;:)]$", w):
                break
        phrase = (q + " " + " ".join(words)).strip().rstrip(".,;:)")
        prefix = text[max(0, m.start() - 5) : m.start()]
        if re.search(r"(?:rev|v|#|PR|max|=)\s*$", prefix, re.I):
            continue
        out.append(_lead_before(text, m.start()) + phrase)
    for m in HOURS_MINUTES.finditer(text):  # "2 h 28 min" whole, not "2 h" and "28 min"
        out = [q for q in out if split_lead(q)[1] not in m.group(0)]
        out.append(_lead_before(text, m.start()) + m.group(0))
    return out


def _lead_before(text: str, start: int) -> str:
    """The ``MEASURE_LEAD`` words written just before ``start`` ("longest wait "), or ""."""
    lead = MEASURE_LEAD.search(text[max(0, start - 40) : start])
    return lead.group(0) if lead else ""


PEOPLE_UNITS = re.compile(
    r"\b(?:customers?|users?|requests?|orders?|bookings?|logins?|sessions?|checkouts?|tickets?|"
    r"payments?|invoices?|people|accounts?|transactions?|calls?|products?|listings?|traffic|"
    r"dashboards?|merchants?|buyers?|devices?|messages?|jobs?|builds?|emails?)\b",
    re.I,
)
INFRA_UNITS = re.compile(
    r"\b(?:pods?|nodes?|servers?|hosts?|brokers?|replicas?|workers?|connections?|rules?|"
    r"records?|MB|GB|Mi|Gi|ms|s|min|minutes?|hours?|locations?|regions?|of \d|disks?|"
    r"cpu|memory|io|iops|heap|utili[sz]ation)\b",
    re.I,
)


#: A line labelled as impact ("Impact: ...", "**Customer impact:** ...") is an impact section.
IMPACT_LABEL = re.compile(r"^\W{0,3}(?:customer |user |business )?impact\b[^:\n]{0,30}:", re.I)


def is_threshold(phrase: str, context: str) -> bool:
    """An alert threshold ("5xx > 5% for 10 min"), not an impact."""
    q = re.escape(split_lead(phrase)[1].split()[0])
    return bool(re.search(rf"(?:>|<|>=|<=|above|below|threshold)\s*{q}", context))


#: A sentence about what was spared: its numbers are not impact.
NOT_AFFECTED = re.compile(
    r"\b(?:(?:were|was|are|is)(?:n'?t| not)|not) (?:\w+ )?(?:affected|impacted)\b|\bunaffected\b",
    re.I,
)
#: A bare small number naming a thing ("Units 3, 5 and 7", "shard 12"), not counting one.
_LABEL_NUMBER = re.compile(r"\d{1,2}")


def impact_score(phrase: str, context: str, in_section: bool) -> float:
    """How much a quantity reads as customer impact (ranking for the summary)."""
    lead, phrase = split_lead(phrase)
    score = 2.0 if PEOPLE_UNITS.search(phrase) or lead else 0.0  # "longest wait 71 min"
    score += 1.0 if "%" in phrase else 0.0
    score += 3.0 if in_section else 0.0  # the notes' own impact list comes first
    score += 0.5 if re.search(r"\b(?:failed|affected|delayed|lost|errors?)\b", context, re.I) else 0
    score -= 2.0 if INFRA_UNITS.search(phrase.split(" ", 1)[-1]) else 0.0
    score += 2.0 if re.match(MONEY, phrase) else 0.0  # money lost
    q = re.escape(phrase.split()[0])
    score -= 2.0 if re.search(rf"back (?:to|under|below|at)\s*{q}", context) else 0.0  # a level
    score -= 3.0 if _LABEL_NUMBER.fullmatch(phrase) else 0.0
    return score


def extract_impact(msgs: list[Message], exclude: set[str]) -> list[Fact]:
    """Impact numbers from impact sections and messages that talk about impact, best first."""
    out: list[Fact] = []
    scores: list[float] = []
    seen: dict[str, int] = {}  # phrase -> its index in out
    for msg in msgs:
        if msg.ref + msg.text in exclude:
            continue
        in_section = bool(msg.section and IMPACT_SECTION.search(msg.section)) or bool(
            IMPACT_LABEL.match(msg.text)
        )
        if not in_section and not IMPACT_WORDS.search(msg.text):
            continue
        if NOT_AFFECTED.search(msg.text):  # "Units 2 and 9 ... were not affected"
            continue
        for phrase in quantities(msg.text):
            has_unit = (
                bool(PEOPLE_UNITS.search(phrase))
                or "%" in phrase
                or re.search(rf"\d+x\b|(?:{MONEY})\s?\d|percent", phrase)
                or split_lead(phrase)[0]
            )
            if not (has_unit or in_section or re.search(r"\d+h\d+m", phrase)):
                continue
            if is_threshold(phrase, msg.text):
                continue
            score = impact_score(phrase, msg.text, in_section)
            if phrase.lower() in seen:  # told twice: the impact section's telling wins
                k = seen[phrase.lower()]
                if score > scores[k]:
                    out[k], scores[k] = fact(msg, phrase), score
                continue
            seen[phrase.lower()] = len(out)
            out.append(fact(msg, phrase))
            scores.append(score)
    order = sorted(range(len(out)), key=lambda i: (-scores[i], i))
    return [out[i] for i in order]


_NOUN_ALT = "|".join(sorted(SERVICE_NOUNS, key=len, reverse=True))
SERVICE_PHRASE = re.compile(
    rf"\b(?:the|our|a|an|their|its|\d+)\s+(?P<p>(?:(?!(?:the|a|an|and|or|of|to|in|on|is|was)\b)"
    rf"[A-Za-z][\w-]*\s+){{0,2}}(?:{_NOUN_ALT})s?)\b|"
    rf"(?:^|[.;:]\s+)(?P<q>(?:[A-Za-z][\w-]*\s+){{0,1}}(?:{_NOUN_ALT})):?\s",
    re.I,
)
PROPER_SERVICE = re.compile(
    rf"\b(?P<p>(?:[A-Z][\w-]*\s+){{0,2}}[A-Z][\w-]*\s+(?:{_NOUN_ALT}))\b", re.I
)
_NOT_SERVICE_PREFIX = {
    "re",
    "un",
    "multi",
    "on",
    "non",
    "pre",
    "co",
    "self",
    "follow",
    "sign",
    "log",
    "read",
    "write",
    "one",
    "two",
    "per",
    "cross",
    "well",
    "long",
    "short",
    "so",
    "off",
    "in",
    "out",
    "up",
    "user",
    "end",
    "real",
    "post",
    "de",
    "anti",
    "semi",
    "sub",
    "over",
    "under",
    "all",
    "high",
    "low",
    "third",
    "first",
    "last",
    "hand",
    "time",
    "day",
    "rate",
    "root",
    "rule",
}


def service_names(text: str) -> list[str]:
    """Service-like names in one text, exactly as written."""
    names = [s for s in SERVICE_ID.findall(text) if _service_like(s)]
    names += PLATFORM_VERSION.findall(text)
    for m in SERVICE_PHRASE.finditer(text):
        name = (m.group("p") or m.group("q") or "").strip()
        if (name and name.lower() not in SERVICE_NOUNS | {"an", "a"}) or name:
            names.append(name)
    for m in PROPER_SERVICE.finditer(text):
        if m.group("p")[0].isupper():
            names.append(m.group("p"))
    return names


def extract_services(msgs: list[Message], limit: int = 8) -> list[Fact]:
    """Affected systems as written: service ids, "<x> service/api/app" phrases, platforms."""
    counts: Counter[str] = Counter()
    first: dict[str, Fact] = {}
    for msg in msgs:
        weight = 2 if msg.section and IMPACT_SECTION.search(msg.section) else 1
        for name in service_names(msg.text):
            key = re.sub(r"[\s_-]+", "-", name.lower())
            counts[key] += weight
            first.setdefault(key, fact(msg, name))
    ranked = [k for k, _ in counts.most_common()]
    kept: list[str] = []
    for key in ranked:
        if any(key in other for other in kept):
            continue
        kept = (
            [k for k in kept if k not in key] + [key]
            if any(k in key for k in kept)
            else [*kept, key]
        )
    return [first[k] for k in kept[:limit]]


def _service_like(name: str) -> bool:
    if re.search(r"\.(?:md|txt|yml|yaml|json|log|py|sh|ms|conf)$", name) or VERSION.match(name):
        return False
    if name.count(".") >= 2 and not re.search(r"\.(?:io|com|net|org|dev|app|cloud)$", name):
        return False
    if re.search(r"\d", name) and not re.search(r"[a-z]{3}", name):
        return False
    if name.split("-")[0].split(".")[0] in _NOT_SERVICE_PREFIX:
        return False
    return "_" not in name and len(name) > 3


def blames_person(text: str, people: set[str]) -> bool:
    """True when a sentence makes a named person the agent of the failure (a tool or bot the
    blame rule knows, "Atlantis applied PR #2291", is not a person)."""
    m = PERSON_AS_CAUSE.search(text)
    if not m:
        return False
    name = m.group("name")
    if name.lower() in people:
        return True
    return name not in {"The", "This", "It", "We", "They", "That"} and (
        name.lower() not in known_tools()
    )


@cache
def known_tools() -> frozenset[str]:
    """Tool and bot names that never count as people: the ``tools`` option of the
    ``blame/person-as-cause`` rule, so review and summarize share one list."""
    from ..review.spec import load_rules

    for rule in load_rules():
        if rule.id == "blame/person-as-cause":
            return frozenset(t.lower() for t in rule.match.options.get("tools", []))
    return frozenset()


def sentences(text: str) -> list[str]:
    """The text split after each ".", "!" or "?" followed by white space."""
    return re.split(r"(?<=[.!?])\s+", text.strip())


def clean_quote(text: str) -> str:
    """Drop chat fillers around a statement ("ok so", "that's our cause", "got it.")."""
    parts = sentences(text)
    filler = re.compile(
        r"^(?:ok(?:ay)?,?\s*|so\s+|ugh\.?\s*)*(?:that'?s (?:it|our cause|the cause|the root cause)"
        r"|got it|found it|bingo|yes|ok|ugh)\W*$",
        re.I,
    )
    kept = [p for p in parts if not filler.match(p)]
    joined = " ".join(kept) if kept else text.strip()
    return re.sub(r"^(?:ok(?:ay)?,?\s+so\s+|so\s+|ok(?:ay)?,?\s+)", "", joined, flags=re.I)


def split_actions(text: str) -> list[str]:
    """One follow-up message into items: "1. a 2. b", "a; b; c", or the whole text."""
    body = cues.ACTION_HEADER.sub("", text, count=1).strip()
    numbered = re.split(r"(?:^|\s)\d{1,2}[.)]\s+", body)
    items = [p.strip(" ;") for p in numbered if p.strip(" ;")]
    if len(items) > 1:
        return items
    if body.count(";") >= 1 and TICKET.search(body) and len(body.split(";")) >= 2:
        return [p.strip() for p in body.split(";") if p.strip()]
    return [re.sub(r"^(?:\d{1,2}[.)]|[-*•])\s+", "", body).strip()] if body else []


TICKET = cues.TICKET


def owner_of(text: str, author: str | None) -> str | None:
    """The owner named in an action item: "owner: x", @handle, "(DB-880, Petra)", a team."""
    m = re.search(r"\bowner:?\s*([@\w.-]+(?:\s+team)?)", text, re.I)
    if m and m.group(1).lower() not in {"tbd", "none", "unknown"}:
        return m.group(1)
    m = cues.HANDLE.search(text)
    if m:
        return m.group(0)
    m = re.search(r"\((?:[^()]*,\s*)?([A-Z][a-z]+(?:\s[A-Z][a-z]+)?)\)\s*$", text)
    if m:
        return m.group(1)
    m = re.search(r"\(([\w -]+ team(?:\s*\+\s*[\w -]+ team)?)[,)]", text)
    if m:
        return m.group(1)
    if author and re.search(r"\bI'?ll\b|\bI will\b", text):
        return author
    return None


def extract_actions(msgs: list[Message], in_actions: list[bool]) -> list[ActionItem]:
    """Follow-ups: lines under an action heading/header message, "AI:", "TODO:", "we should"."""
    out: list[ActionItem] = []
    header_author: str | None = None
    header_open = False
    bulleted = {m.section: True for m, f in zip(msgs, in_actions, strict=True) if f and m.bullet}
    for msg, listed in zip(msgs, in_actions, strict=True):
        text = msg.text
        if msg.author == "#heading":
            header_open = False
            continue
        is_header = bool(cues.ACTION_HEADER.match(text))
        items: list[str] = []
        if is_header:
            header_open, header_author = True, msg.author
            items = split_actions(text)
            items = [i for i in items if len(i.split()) >= 3]
        elif listed and (msg.bullet or msg.time_text is not None or not bulleted.get(msg.section)):
            items = split_actions(text) if len(text.split()) >= 3 else []
        elif (
            header_open
            and msg.author == header_author
            and cues.LIST_ITEM.match(text)
        ) or (header_open and msg.time_text is not None and re.match(r"^\d{1,2}[.)]\s", text)):
            items = split_actions(text)
        else:
            m = cues.ACTION_INLINE.search(text)
            if m and not text.rstrip().endswith("?"):
                items = [(m.group("text") or m.group("we") or "").strip()]
            if msg.time_text is not None and not cues.LIST_ITEM.match(text):
                header_open = header_open and msg.author != header_author
        for item in items:
            item = re.sub(r"^(?:\d{1,2}[.)]|[-*•])\s+", "", item).strip()
            if len(item.split()) < 3 or cues.is_noise(item):
                continue
            ticket = TICKET.search(item)
            out.append(
                ActionItem(
                    text=item,
                    source=msg.ref,
                    line=msg.line,
                    owner=owner_of(item, msg.author if msg.author != "#heading" else None),
                    ticket=ticket.group(0) if ticket else None,
                )
            )
    return out
