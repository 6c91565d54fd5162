"""Blameless rewrites built from a sentence's own words.

The clause whose subject is a person ("we", "I", "the engineer", a name) is turned
around its object ("we inadvertently sent the traffic to the primary" -> "the traffic was
sent to the primary"); omissions and hindsight become plain negatives ("X should have
been caught" -> "X was not caught", "we forgot to add the flag" -> "the flag was not
added"); judgment words (inadvertently, carelessly, obviously...) are dropped and "human
error" becomes "a manual step". Nothing is added that the sentence does not say; a
clause with no object is left as written, less its judgment words.
"""

from __future__ import annotations

import re
from collections.abc import Callable, Iterable, Mapping, Sequence
from typing import TYPE_CHECKING

from .. import nlp

if TYPE_CHECKING:
    from spacy.tokens import Doc, Token

    from ..findings import Finding
    from .analysis import Analysis

AGENTS = {
    "we", "i", "he", "she", "they", "you", "someone", "somebody", "nobody", "anyone",
    "engineer", "engineers", "operator", "operators", "developer", "developers", "admin",
    "administrator", "deployer", "dba", "sre", "team", "reviewer", "reviewers", "author",
    "staff", "strategist", "performer", "contractor", "intern", "user", "people", "one",
}  # fmt: skip
JUDGMENT = {
    "inadvertently", "accidentally", "mistakenly", "erroneously", "carelessly", "wrongly",
    "unintentionally", "unknowingly", "obviously", "simply", "clearly", "just", "sloppily",
    "recklessly", "negligently", "unfortunately", "careless", "sloppy", "lazy", "reckless",
    "negligent", "half-baked", "easily", "probably", "perhaps", "badly", "terribly",
}  # fmt: skip
OMISSION = {"forget", "neglect", "fail", "omit", "skip", "overlook", "miss", "bother"}
OMISSION |= {"forgot", "forgotten", "failed", "neglected", "omitted", "skipped", "overlooked"}
HINDSIGHT_AUX = {"should", "could", "ought", "would"}
_HUMAN_ERROR = re.compile(
    r"\b(?:an?\s+)?(?:human|operator|user|operational|manual|engineer|personnel|pilot)\s+"
    r"(?:errors?|mistakes?|failures?)\b",
    re.I,
)


def _article(m: re.Match[str]) -> str:
    """The article before a dropped adjective, fitted to the next word ("an additional")."""
    if not m.group(1):
        return ""
    vowel = m.string[m.end() : m.end() + 1].lower() in set("aeiou")
    art = "an" if vowel else "a"
    return (art.capitalize() if m.group(1)[0].isupper() else art) + " "


_PHRASES: list[tuple[re.Pattern[str], str | Callable[[re.Match[str]], str]]] = [
    (re.compile(r"\bgood enough for now\b", re.I), "temporary"),
    # the missed step called easy, work judged as not good enough, procedures
    (
        re.compile(
            r"\b(?:(a|an)\s+)?(?:simple|basic|trivial|quick|little)\s+(?=(?:[\w-]+\s+){1,6}would)",
            re.I,
        ),
        _article,
    ),
    (re.compile(r"\b(was|were)\s+easy\s+to\s+(?:notice|spot|catch|see)\b", re.I), r"\1 visible"),
    (re.compile(r"\b(was|were)\s+easy\s+to\s+(avoid|prevent)\b", re.I), r"\1 \2able"),
    (
        re.compile(
            r"\bnot\s+(?:been\s+)?(?:properly|thoroughly|adequately|sufficiently|carefully)"
            r"\s+(\w+)",
            re.I,
        ),
        r"not fully \1",
    ),
    (
        re.compile(
            r"\bnot\s+(been\s+)?(tested|reviewed|checked|validated|verified|vetted|examined)"
            r"\s+(?:properly|thoroughly|adequately|sufficiently|carefully)\b",
            re.I,
        ),
        r"not \1fully \2",
    ),
    (
        re.compile(
            r"\bnot\s+(?:extensive|thorough|careful|rigorous|diligent|cautious)\s+enough\b", re.I
        ),
        "not broad enough",
    ),
    (
        re.compile(
            r"\b(taken|take|taking|took)\s+the\s+(?:appropriate|proper|necessary|sufficient|adequate)"
            r"\s+(time|care)\b",
            re.I,
        ),
        r"\1 the \2",
    ),
    (
        re.compile(r"\bit\s+would\s+(?:\w+\s+)?have\s+been\s+(useful|helpful|better)\s+to\b", re.I),
        r"a \1 step is to",
    ),
    (re.compile(r"\bhalf[- ]baked\s+", re.I), ""),
    (re.compile(r"\b(was|were)(n't|\s+not)\s+fully\s+aware\b", re.I), r"\1\2 aware"),
    (re.compile(r"\b(was|were)\s+obvious\s+(before|prior\s+to)\b", re.I), r"\1 visible \2"),
    (re.compile(r"\bobvious\s+in\s+(?:hindsight|retrospect)\b", re.I), "visible afterwards"),
    (re.compile(r"\bdid\s*(?:n't|not)\s+think\s+to\b", re.I), "did not"),
    (re.compile(r"\bwithout\s+(?:realizing|realising)\b", re.I), "while it was not known"),
    (re.compile(r"\bthrough\s+(the|our)\s+(?:proper|correct|right)\b", re.I), r"through \1 usual"),
    (
        re.compile(r"\b(?:his|her|my)\s+(errors?|oversights?|slip|mistakes|blunders)\b", re.I),
        r"the \1",
    ),
    (re.compile(r"\b(?:an?\s+)?(?:mistake|error)s?\s+(?:made\s+)?by\b", re.I), "a manual step by"),
    (re.compile(r"\b(an?\s+)?(mistake|error)\s+(?:that\s+)?was\s+made\b", re.I), r"\1\2 occurred"),
    (re.compile(r"\b(mistake|error)s\s+(?:that\s+)?were\s+made\b", re.I), r"\1s occurred"),
    (re.compile(r"\b(?:in\s+)?an act of laziness,?\s*", re.I), ""),
    (re.compile(r"\black of (?:focus|attention|care)\b", re.I), "a manual step"),
]
IRREGULAR = {
    "run": "run", "break": "broken", "take": "taken", "forget": "forgotten", "write": "written",
    "give": "given", "set": "set", "put": "put", "cut": "cut", "shut": "shut", "do": "done",
    "make": "made", "send": "sent", "miss": "missed", "catch": "caught", "see": "seen",
    "know": "known", "think": "thought", "build": "built", "begin": "begun", "find": "found",
    "choose": "chosen", "drive": "driven", "get": "gotten", "leave": "left", "hold": "held",
    "keep": "kept", "read": "read", "spend": "spent", "tell": "told", "understand": "understood",
    "deploy": "deployed", "apply": "applied", "copy": "copied", "stop": "stopped",
    "ship": "shipped", "drop": "dropped", "plan": "planned", "commit": "committed",
    "submit": "submitted", "rebuild": "rebuilt", "pay": "paid",
}  # fmt: skip


def participle(tok: Token) -> str:
    lemma = tok.lemma_.lower()
    if lemma in IRREGULAR:
        return IRREGULAR[lemma]
    if tok.tag_ in {"VBD", "VBN"} and tok.lower_.endswith("ed"):
        return tok.lower_
    if lemma.endswith("e"):
        return lemma + "d"
    if lemma.endswith("y") and len(lemma) > 2 and lemma[-2] not in "aeiou":
        return lemma[:-1] + "ied"
    return lemma + "ed"


def _is_agent(tok: Token) -> bool:
    return tok.lower_ in AGENTS or (tok.ent_type_ == "PERSON" and tok.pos_ == "PROPN")


def _of_people(tok: Token) -> bool:
    """ "each of the reviewers", "none of us": a quantifier over people."""
    return any(
        c.lower_ == "of" and any(_is_agent(g) or g.lower_ == "us" for g in c.children)
        for c in tok.children
    )


def _agent_clauses(doc: Doc) -> list[tuple[Token, Token]]:
    """(verb, subject) of every clause whose subject is a person, role or pronoun."""
    verbs = {"VERB", "AUX"}
    return [
        (tok.head, tok)
        for tok in doc
        if tok.dep_ in {"nsubj", "nsubjpass"}
        and (_is_agent(tok) or _of_people(tok))
        and tok.head.pos_ in verbs
    ]


def _join(tokens: Iterable[Token]) -> str:
    text = "".join(t.text_with_ws for t in tokens)
    return re.sub(r"\s+([,.;:!?)])", r"\1", re.sub(r"\s{2,}", " ", text)).strip()


def _passive(doc: Doc, verb: Token, subj: Token) -> str | None:
    """The clause of ``verb`` turned around its object, the person left out."""
    target, negate = verb, any(c.dep_ == "neg" for c in verb.children)
    hindsight = any(c.lower_ in HINDSIGHT_AUX and c.dep_ == "aux" for c in verb.children)
    negate = negate or subj.lower_ in {"nobody", "noone"}
    negate = negate or any(c.lower_ == "no" for c in subj.children)  # "no one checked"
    if verb.lemma_.lower() in OMISSION or verb.lower_ in OMISSION:
        comp = next((c for c in verb.children if c.dep_ == "xcomp" and c.pos_ == "VERB"), None)
        negate = True
        if comp is not None:
            target = comp
    negate = negate or hindsight
    obj = next((c for c in target.children if c.dep_ in {"dobj", "obj"}), None)
    if obj is None and subj.dep_ == "nsubjpass":
        return None
    drop = {t.i for t in subj.subtree} | {target.i, verb.i}
    drop |= {c.i for c in verb.children if c.dep_ in {"aux", "neg", "auxpass"}}
    drop |= {c.i for c in target.children if c.dep_ in {"aux", "neg", "mark"} and c.i > verb.i}
    drop |= {t.i for t in doc if t.lower_ in JUDGMENT}
    if obj is not None:
        drop |= {t.i for t in obj.subtree}
        words = [t for t in obj.subtree if t.lower_ not in JUDGMENT]
        plural = obj.tag_ in {"NNS", "NNPS"}
        head = _join(words)
    elif any(c.dep_ == "ccomp" for c in target.children):
        head, plural = "it", False  # "nobody noticed that X" -> "it was not noticed that X"
    else:
        return None  # no object to centre on: leave the clause (judgment words still go)
    first = min(t.i for t in subj.subtree)
    lo = min(first, verb.i)
    before = [t for t in doc if t.i < lo and t.i not in drop]
    clause_end = max(t.i for t in verb.subtree)
    after = [t for t in doc if t.i > lo and t.i not in drop and t.i <= clause_end]
    tail = [t for t in doc if t.i > clause_end and t.i not in drop]
    be = "were" if plural else "was"
    middle = f"{head} {be} {'not ' if negate else ''}{participle(target)}"
    parts = [_join(before), middle, _join(after), _join(tail)]
    return " ".join(p for p in parts if p)


def _clean(text: str) -> str:
    text = _HUMAN_ERROR.sub("a manual step", text)
    for pattern, repl in _PHRASES:
        text = pattern.sub(repl, text)
    return text


def _finish(text: str) -> str:
    text = re.sub(r"\s+([,.;:!?)])", r"\1", re.sub(r"\s{2,}", " ", text)).strip(" ,;")
    text = re.sub(r"^(?:and|but|so)\s+", "", text, flags=re.I)
    return text[:1].upper() + text[1:] if text else text


def blameless_rewrite(sentence: str, parsed: Mapping[str, Doc] | None = None) -> str | None:
    """A blameless version of one sentence from its own words, or None if none is needed
    (``parsed``: parses made beforehand, by cleaned text; others are parsed here)."""
    text = _clean(sentence.strip())
    doc = parsed.get(text) if parsed else None
    if doc is None:
        doc = nlp.parse_many([text])[0]
    cf = _counterfactual(doc)
    if cf is not None:
        return _finish(cf)
    for verb, subj in _agent_clauses(doc):
        out = _passive(doc, verb, subj)
        if out:
            return _finish(out)
    # no person as subject: drop judgment words and hindsight modals only
    words = [t for t in doc if t.lower_ not in JUDGMENT]
    out = _join(words)
    out = re.sub(r"\b(?:should|could|ought to)\s+(?:not\s+)?have\s+been\b", "was not", out)
    out = re.sub(r"\b(?:should|could)(?:n't| not)\s+have\s+been\b", "was", out)
    return _finish(out)


def _counterfactual(doc: Doc) -> str | None:
    """ "If we had rolled X first, we would have ..." -> "X was not rolled first." """
    for tok in doc:
        if tok.lower_ == "if" and tok.dep_ == "mark":
            verb = tok.head
            subj = next((c for c in verb.children if c.dep_ == "nsubj"), None)
            has_had = any(c.lower_ == "had" for c in verb.children)
            if subj is None or not has_had or not _is_agent(subj):
                continue
            sub = [t for t in verb.subtree if t.lower_ != "if"]
            span = nlp.parse_many([_join(sub)])[0]
            for v, s in _agent_clauses(span):
                out = _passive(span, v, s)
                if out:
                    return re.sub(r"\b(was|were) (?!not)", r"\1 not ", out, count=1)
    return None


def _needs_rewrite(finding: Finding) -> bool:
    return finding.family == "blame" and finding.rewrite is None


def _sentence_of(analysis: Analysis, finding: Finding) -> str:
    """The sentence a finding sits in (its own text when it has no sentence)."""
    f = finding
    span = analysis.doc.char_span(f.start, max(f.end, f.start + 1), alignment_mode="expand")
    return span.sent.text if span is not None else analysis.text[f.start : f.end]


def parse_sentences(found: Iterable[tuple[Analysis, Sequence[Finding]]]) -> dict[str, Doc]:
    """The parses :func:`attach` will ask for, for many documents, made in one batch (one
    parse per call costs ~4x more); keyed by the cleaned sentence text."""
    texts = {
        _clean(_sentence_of(a, f).strip()): None
        for a, findings in found
        for f in findings
        if _needs_rewrite(f)
    }
    return dict(zip(texts, nlp.parse_many(list(texts)), strict=True))


def attach(
    analysis: Analysis, findings: Sequence[Finding], parsed: Mapping[str, Doc] | None = None
) -> list[Finding]:
    """Blame findings with a rewrite of the sentence they sit in (others unchanged);
    ``parsed`` holds parses made beforehand (:func:`parse_sentences`)."""
    out: list[Finding] = []
    for f in findings:
        if not _needs_rewrite(f):
            out.append(f)
            continue
        rewrite = blameless_rewrite(_sentence_of(analysis, f), parsed)
        if not rewrite:
            out.append(f)
            continue
        suggestion = f.suggestion
        if rewrite not in suggestion:
            suggestion = f"{suggestion} Rewrite: '{rewrite}'"
        out.append(f.model_copy(update={"rewrite": rewrite, "suggestion": suggestion}))
    return out


TECHNICAL_SKIP = AGENTS | JUDGMENT | {"error", "mistake", "errors", "mistakes", "laziness"}


def kept_facts(original: str, rewrite: str) -> tuple[bool, list[str]]:
    """Whether the rewrite keeps the original's numbers, times and technical nouns."""
    doc = nlp.parse_many([original])[0]
    missing = []
    low = rewrite.lower()
    for t in doc:
        keep = any(c.isdigit() for c in t.text) or (
            t.pos_ in {"NOUN", "PROPN"}
            and t.lower_ not in TECHNICAL_SKIP
            and t.ent_type_ != "PERSON"
            and len(t.text) > 1
        )
        if keep and t.lower_ not in low:
            missing.append(t.text)
    return not missing, missing
