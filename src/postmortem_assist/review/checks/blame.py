"""Blame checks: a person (name or @handle) as the agent of a failure.

spaCy's small model tags tool names as people (PagerDuty, Jenkins), so a PERSON entity
alone is never enough: the person must be the grammatical subject (or the "by" agent) of
a verb in the failure lexicon, or of a verb whose object or modifier marks it as a
mistake ("the wrong config", "accidentally"), and must not be a known tool or an allowed
name. The suggestion rewrites the clause around the system instead of the person.
"""

from __future__ import annotations

import re
from collections.abc import Iterator
from typing import TYPE_CHECKING

from ...nlp import ensure_entities
from ..base import Hit, check, picked

if TYPE_CHECKING:
    from spacy.tokens import Doc, Span, Token

    from ..analysis import Analysis
    from ..base import Context
    from ..spec import Rule

HANDLE = re.compile(r"^@[\w.-]+$")
IRREGULAR = {
    "run": "run",
    "break": "broken",
    "take": "taken",
    "forget": "forgotten",
    "write": "written",
    "give": "given",
    "set": "set",
    "put": "put",
    "cut": "cut",
    "shut": "shut",
    "do": "done",
    "make": "made",
    "send": "sent",
    "miss": "missed",
}


PAST_FORMS = {"forgot": "forget", "forgotten": "forget", "broke": "break", "mistook": "mistake"}


def _participle(verb: Token) -> str:
    lemma = PAST_FORMS.get(verb.lower_, verb.lemma_.lower())
    if lemma in IRREGULAR:
        return IRREGULAR[lemma]
    if verb.tag_ in {"VBD", "VBN"} and verb.text.lower().endswith("ed"):
        return verb.text.lower()
    if lemma.endswith("e"):
        return lemma + "d"
    return lemma + "ed"


def _is_person(tok: Token, ctx: Context, tools: set[str], loose: bool = False) -> bool:
    """A name or handle that refers to a person (not a tool, team or allowed name).

    ``loose`` also accepts a capitalised proper noun without an entity type: the small
    NER misses many first names ("Mark forgot..."), but this also admits "Pipeline
    failed", so it is used only with verbs that only people do (forget, overlook...).
    """
    text = tok.text
    allowed = {n.lower() for n in ctx.settings.allowed_names} | tools
    if text.lower().lstrip("@") in allowed:
        return False
    if HANDLE.match(text) or (text == "@" and tok.i + 1 < len(tok.doc)):
        return True
    if tok.pos_ != "PROPN":
        return False
    ensure_entities(tok.doc)
    if tok.ent_type_ == "PERSON":
        return True
    return loose and tok.is_title and tok.ent_type_ in {"", "NORP"}


CREATE = frozenset({"create", "introduce"})
CONTAIN = frozenset({"contain", "have", "include", "carry", "introduce"})


def _clause_words(verb: Token) -> set[str]:
    """Words that qualify the verb itself: its modifiers, its object and the object's
    modifiers, and "without ..." phrases; not words of other clauses in the sentence.
    Also ``introduced-<object>`` for "create/introduce <object>" and ``contains-<noun>``
    for an object "that contained <noun>"."""
    words: set[str] = set()
    for child in verb.children:
        if child.dep_ in {"dobj", "obj"}:
            if verb.lemma_.lower() in CREATE:  # "we introduced a regression"
                words.add(f"introduced-{child.lemma_.lower()}")
            for rel in child.children:  # "a config that contained errors"
                if rel.dep_ == "relcl" and rel.lemma_.lower() in CONTAIN:
                    words |= {
                        f"contains-{g.lemma_.lower()}" for g in rel.children if g.dep_ == "dobj"
                    }
        if child.dep_ in {"advmod", "dobj", "obj", "prep", "npadvmod", "acomp", "oprd", "dative"}:
            words |= {child.lower_, child.lemma_.lower()}
            for grand in child.children:
                if grand.dep_ in {"amod", "compound", "pobj", "advmod", "det"}:
                    words |= {grand.lower_, grand.lemma_.lower()}
                    if grand.dep_ == "pobj":  # "against the live table"
                        words |= {
                            g.lower_ for g in grand.children if g.dep_ in {"amod", "compound"}
                        }
                if child.lower_ == "without" and grand.dep_ in {"pobj", "pcomp"}:
                    words.add(f"without-{grand.lemma_.lower()}")  # "without review/waiting"
    return words


def _subject_person(
    verb: Token, ctx: Context, tools: set[str], loose: bool = False
) -> Token | None:
    """The person (name or handle) acting as the verb's subject or "by" agent."""
    for child in verb.children:
        if child.dep_ == "nsubj" and _is_person(child, ctx, tools, loose):
            return child
        if child.dep_ == "agent":
            for pobj in child.children:
                if _is_person(pobj, ctx, tools, loose):
                    return pobj
    if verb.dep_ in {"xcomp", "conj"} and verb.head is not verb:
        return _subject_person(verb.head, ctx, tools, loose)
    return None


def _subject_agent(verb: Token, agents: set[str]) -> Token | None:
    """A pronoun or role ("we", "the engineer") as the verb's subject."""
    for child in verb.children:
        if child.dep_ == "nsubj" and child.lower_ in agents:
            return child
    if verb.dep_ in {"xcomp", "conj"} and verb.head is not verb:
        return _subject_agent(verb.head, agents)
    return None


def _rewrite(verb: Token, person: Token) -> str:
    """A blameless rewrite of the clause: the object and what happened to it."""
    target = verb
    lemma = PAST_FORMS.get(verb.lower_, verb.lemma_.lower())
    negate = lemma in {"forget", "neglect", "fail", "omit", "skip", "miss"}
    for child in verb.children:
        if child.dep_ == "xcomp" and child.pos_ == "VERB":
            target = child
    obj = next((c for c in target.children if c.dep_ in {"dobj", "obj"}), None)
    words: list[Token] = list(obj.subtree) if obj is not None else []
    if target.dep_ == "relcl" and (obj is None or obj.tag_ in {"WDT", "WP"}):
        # "the change (that) Bob pushed": the object is the head noun, without the person
        who = {t.i for t in person.subtree}
        skip = who | ({obj.i} if obj is not None else set())
        words = [t for t in target.head.subtree if t.i < target.i and t.i not in skip]
    if not words:
        return (
            f"Describe the system condition instead of '{person.text}': which step, check "
            "or safeguard allowed this, and name a role (the on-call engineer) if needed."
        )
    phrase = "".join(t.text_with_ws for t in words).strip()
    phrase = phrase[0].upper() + phrase[1:]
    verb_part = ("was not " if negate else "was ") + _participle(target)
    return (
        f"Rewrite around the system, e.g. '{phrase} {verb_part}' and say what made that "
        "possible (a manual step, a missing check), instead of naming the person."
    )


NEGATIONS = frozenset({"n't", "not", "never"})
#: Past forms the "-ed" rule does not give (lemmas of the rule's verb lists).
_IRREGULAR_FORMS = {
    "forget": ("forgot", "forgotten"),
    "break": ("broke", "broken"),
    "run": ("ran",),
    "tell": ("told",),
    "mistake": ("mistook", "mistaken"),
}


def _forms(lemmas: set[str]) -> set[str]:
    """Surface forms a verb lemma can take (base, -s, -ed, -ing, irregular pasts)."""
    out: set[str] = set()
    for lemma in lemmas:
        stem = lemma[:-1] if lemma.endswith("e") else lemma
        out |= {lemma, lemma + "s", lemma + "es", stem + "ed", stem + "ing"}
        out |= {lemma + lemma[-1] + "ed", lemma + lemma[-1] + "ing"}  # skip -> skipped
        out |= set(_IRREGULAR_FORMS.get(lemma, ()))
    return out


def _plurals(words: set[str]) -> set[str]:
    return words | {w + "s" for w in words}


def name_like(tok: Token, sent_start: int) -> bool:
    """A word that could be a person's name or handle: an @handle, or a capitalised word
    other than a sentence-initial function word ("The", "We", "After")."""
    if tok.text.startswith("@"):
        return True
    return tok.is_title and tok.is_alpha and not (tok.i == sent_start and tok.is_stop)


#: Stop words that are also first names: a capitalised "Will" or "May" may be a person.
_NAME_STOP_WORDS = frozenset({"will", "may"})


def _may_name(tok: Token) -> bool:
    """Not a capitalised function word ("The", "We", "This" after a bullet or a line break,
    which the sentence splitter does not start a sentence at): those are never people."""
    return not tok.is_stop or tok.lower_ in _NAME_STOP_WORDS


def _person_candidates(analysis: Analysis, rule: Rule, ctx: Context) -> list[Span]:
    """Cheap pre-filter (a parse costs ~3 ms a sentence): the sentences whose words could
    meet :func:`person_as_cause`'s conditions: a failure verb or mistake marker, or a negation
    with an omission verb; and a name-like word, or a pronoun/role with a human-only verb, a
    strong marker or a negated omission verb."""
    opts = rule.match.options
    cues = _plurals(set(opts.get("mistake_markers", []))) | set(opts.get("trigger_words", []))
    omission_forms = _forms(set(opts.get("omission_verbs", [])))
    agents = set(opts.get("pronoun_agents", []))
    strong = set(opts.get("strong_markers", []))
    agent_cues = _forms(set(opts.get("human_only_verbs", []))) | _plurals(strong)
    # composite markers of _clause_words: "contains-error", "introduced-regression"
    if any(m.startswith("contains-") for m in strong):
        agent_cues |= _forms(set(CONTAIN))
    if any(m.startswith("introduced-") for m in strong):
        agent_cues |= _forms(set(CREATE))
    candidates = []
    for sent, words in zip(analysis.sentences(), analysis.sentence_words(), strict=True):
        section = analysis.section_at(sent.start_char)
        if section is None or section.kind not in rule.scope:
            continue
        lowers = set(words)
        omission = bool(lowers & NEGATIONS and lowers & omission_forms)
        if not (lowers & cues or omission):
            continue
        if any(name_like(t, sent.start) and _may_name(t) for t in sent) or (
            lowers & agents and (omission or lowers & agent_cues)
        ):
            candidates.append(sent)
    return candidates


def _person_possible(rule: Rule, ctx: Context, tagged: Doc) -> bool:
    """Whether a tagged candidate holds someone who can be the agent: an @handle, a pronoun
    or role of ``pronoun_agents``, or a proper noun (POS PROPN comes only from the tags NNP
    and NNPS) that is not a tool or an allowed name; :func:`person_as_cause` finds no other
    agent, so the rest need no parse."""
    agents = set(rule.match.options.get("pronoun_agents", []))
    skip = {n.lower() for n in ctx.settings.allowed_names}
    skip |= {t.lower() for t in rule.match.options.get("tools", [])}
    return any(
        t.text.startswith("@")
        or t.lower_ in agents
        or (t.tag_ in {"NNP", "NNPS"} and t.text.lower().lstrip("@") not in skip)
        for t in tagged
    )


@check("person_as_cause", candidates=_person_candidates, refine=_person_possible)
def person_as_cause(analysis: Analysis, rule: Rule, ctx: Context) -> Iterator[Hit]:
    """Sentences where a named person or @handle is the agent of a failure."""
    opts = rule.match.options
    verbs = set(opts.get("failure_verbs", []))
    neutral = set(opts.get("neutral_verbs", []))
    omissions = set(opts.get("omission_verbs", []))
    human_only = set(opts.get("human_only_verbs", []))
    markers = set(opts.get("mistake_markers", []))
    tools = {t.lower() for t in opts.get("tools", [])}
    agents = set(opts.get("pronoun_agents", []))
    strong = set(opts.get("strong_markers", []))
    candidates = picked(analysis, rule, ctx)
    for sent, doc in zip(candidates, analysis.parse(candidates), strict=True):
        base = sent.start_char
        for verb in doc:
            if verb.pos_ not in {"VERB", "AUX"}:
                continue
            # the small model tags "we forgot" VBP and leaves the lemma "forgot"
            lemma = PAST_FORMS.get(verb.lower_, verb.lemma_.lower())
            if lemma in neutral:
                continue
            negated = any(c.dep_ == "neg" for c in verb.children)
            omission = negated and lemma in omissions  # "Lena didn't check the TTL"
            if lemma not in verbs and not omission and not (_clause_words(verb) & markers):
                continue
            if negated and lemma not in verbs and not omission:
                continue
            person = _subject_person(verb, ctx, tools, loose=lemma in human_only)
            if person is None and (lemma in human_only or _clause_words(verb) & strong):
                person = _subject_agent(verb, agents)  # "we inadvertently sent ..."
            if person is None and omission:  # "the operator did not drain the node"
                person = _subject_agent(verb, agents - {"we", "i"})
            if person is None:
                continue
            lo = min(person.idx, verb.idx)
            hi = max(person.idx + len(person.text), verb.idx + len(verb.text))
            yield Hit(base + lo, base + hi, {"person": person.text}, _rewrite(verb, person))
            break


def _in_scope(analysis: Analysis, rule: Rule, offset: int) -> bool:
    section = analysis.section_at(offset)
    return section is not None and section.kind in rule.scope


def _counterfactual(sent: Span, lowers: list[str], people: set[str]) -> Hit | None:
    """ "if <person> had <done> ..., <...> would/could have ..." (or the main clause
    first: "it would have helped if we had ..."): from the first to the last of the two."""
    for i, w in enumerate(lowers):
        if w != "if" or "had" not in lowers[i + 1 : i + 5]:
            continue
        had = i + 1 + lowers[i + 1 :].index("had")
        if not people & set(lowers[i + 1 : had]):
            continue
        for j in [*range(i + 2, len(lowers) - 1), *range(i - 1, -1, -1)]:
            if lowers[j] in {"would", "could", "might"} and j + 1 < len(lowers):
                k = j + 1 + (lowers[j + 1] in FILLERS and j + 2 < len(lowers))
                if lowers[k] in {"have", "'ve"}:
                    lo, hi = (sent[i], sent[k]) if j > i else (sent[j], sent[had])
                    return Hit(lo.idx, hi.idx + len(hi.text))
    return None


#: Adverbs that may sit inside a hindsight phrase ("should probably have known").
FILLERS = frozenset(
    {"probably", "certainly", "definitely", "surely", "really", "also", "likely", "maybe",
     "perhaps", "clearly", "obviously", "just", "all", "easily"}
)  # fmt: skip


def _phrase_at(lowers: list[str], i: int, phrase: list[str]) -> int | None:
    """The index of the last word of ``phrase`` read from ``i``, allowing one filler
    adverb between its words ("would probably have been useful"), or None."""
    j = i
    for n, word in enumerate(phrase):
        if j >= len(lowers):
            return None
        if lowers[j] != word:
            if n == 0 or lowers[j] not in FILLERS or j + 1 >= len(lowers):
                return None
            j += 1
            if lowers[j] != word:
                return None
        j += 1
    return j - 1


def _nobody(sent: Span, lowers: list[str], verbs: set[str]) -> Hit | None:
    """ "nobody/no one (had/has/ever...) checked/tested/...": people missing something."""
    for i, w in enumerate(lowers):
        start = i
        if w == "no" and i + 1 < len(lowers) and lowers[i + 1] == "one":
            i += 1
        elif w not in {"nobody", "noone"}:
            continue
        j = i + 1
        while j < len(lowers) and j <= i + 3 and lowers[j] in NOBODY_AUX:
            j += 1
        if j < len(lowers) and lowers[j] in verbs:
            return Hit(sent[start].idx, sent[j].idx + len(sent[j].text))
    return None


NOBODY_AUX = frozenset(
    {"has", "had", "have", "ever", "really", "actually", "even", "yet", "n't", "not"}
)


def _obvious_fix(sent: Span, lowers: list[str], words: set[str], verbs: set[str]) -> Hit | None:
    """ "a simple check would have avoided the outage": the missed step called easy."""
    for j in range(1, len(lowers) - 2):
        if lowers[j] not in {"would", "could"} or lowers[j + 1] not in {"have", "'ve"}:
            continue
        k = j + 2 + (lowers[j + 2] in FILLERS and j + 3 < len(lowers))
        if lowers[k] not in verbs:
            continue
        for a in range(max(0, j - 6), j):
            if lowers[a] in words:
                return Hit(sent[a].idx, sent[k].idx + len(sent[k].text))
    return None


def _hindsight_candidates(analysis: Analysis, rule: Rule, ctx: Context) -> list[Span]:
    """Sentences with "should/ought ... have": parsed to find who should have."""
    return [
        sent
        for sent, lowers in zip(analysis.sentences(), analysis.sentence_words(), strict=True)
        if _in_scope(analysis, rule, sent.start_char)
        and {"should", "ought"} & set(lowers)
        and {"have", "'ve"} & set(lowers)
    ]


@check("hindsight", candidates=_hindsight_candidates)
def hindsight(analysis: Analysis, rule: Rule, ctx: Context) -> Iterator[Hit]:
    """Hindsight phrases, and "should have + participle" said of people.

    Phrases in ``always`` (neglected to, if only, could have easily...) are flagged as
    they stand. "X should have <done>" is parsed: flagged when X is a person, a pronoun, a
    role, missing (an imperative bullet) or a passive subject ("should have been caught");
    not when X is a system in the active voice ("Puppet should have run by then"), which
    states an expectation, nor for "there should have been" (a missing safeguard).
    """
    opts = rule.match.options
    always: dict[str, list[list[str]]] = {}  # phrases by their first word
    for phrase in opts.get("always", []):
        always.setdefault(phrase.split()[0], []).append(phrase.split())
    people = set(opts.get("person_subjects", []))
    expectation = set(opts.get("expectation_verbs", []))
    nobody_verbs = set(opts.get("nobody_verbs", []))
    possessed = set(opts.get("have_not_before", []))
    not_after = {tuple(k.split()): set(v) for k, v in opts.get("not_after", {}).items()}
    fix_words = set(opts.get("obvious_fix_words", []))
    for sent, lowers in zip(analysis.sentences(), analysis.sentence_words(), strict=True):
        if not _in_scope(analysis, rule, sent.start_char):
            continue
        for i, word in enumerate(lowers):
            for phrase in always.get(word, ()):  # a phrase's first word is never a filler
                end = _phrase_at(lowers, i, phrase)
                if end is None or (i > 0 and lowers[i - 1] in not_after.get(tuple(phrase), ())):
                    continue
                nxt = lowers[end + 1] if end + 1 < len(lowers) else ""
                if lowers[end] in {"have", "'ve"} and nxt in possessed:
                    continue  # "we could have alarms on the DB": owning, not a missed step
                yield Hit(sent[i].idx, sent[end].idx + len(sent[end].text))
        if nobody_verbs:
            hit = _nobody(sent, lowers, nobody_verbs)
            if hit is not None:
                yield hit
        if fix_words:
            hit = _obvious_fix(sent, lowers, fix_words, set(opts.get("obvious_fix_verbs", [])))
            if hit is not None:
                yield hit
        if len(lowers) > 2 and lowers[0] == "had" and lowers[1] in opts.get("had_subjects", []):
            yield Hit(sent[0].idx, sent[2].idx + len(sent[2].text))  # "Had the DBA checked..."
        if opts.get("counterfactual_subjects"):
            hit = _counterfactual(sent, lowers, set(opts["counterfactual_subjects"]))
            if hit is not None:
                yield hit
    candidates = picked(analysis, rule, ctx)
    for sent, doc in zip(candidates, analysis.parse(candidates), strict=True):
        for aux in doc:
            if aux.lower_ not in {"should", "ought"} or aux.dep_ != "aux":
                continue
            verb = aux.head
            has_have = any(c.lower_ in {"have", "'ve"} for c in verb.children)
            # "I should have been looking at ...": progressive, said of a person below
            progressive = verb.tag_ == "VBG" and any(
                c.lower_ == "been" and c.dep_ == "aux" for c in verb.children
            )
            if not has_have or (verb.tag_ not in {"VBN", "VBD"} and not progressive):
                continue
            subj = next(
                (c for c in verb.children if c.dep_ in {"nsubj", "nsubjpass", "expl"}), None
            )
            if subj is not None:
                if subj.dep_ == "expl" or subj.tag_ in {"WP", "WDT", "EX"}:
                    continue
                passive = subj.dep_ == "nsubjpass"
                if passive and verb.lemma_.lower() in expectation:
                    continue
                if not passive and not (  # NER (~5 ms a sentence) only when it decides
                    subj.lower_ in people
                    or subj.lower_.startswith("@")
                    or ensure_entities(subj.doc)[subj.i].ent_type_ == "PERSON"
                ):
                    continue
            elif progressive:
                continue
            lo, hi = sorted([aux, verb], key=lambda t: t.i)
            base = sent.start_char
            yield Hit(base + lo.idx, base + hi.idx + len(hi.text))
