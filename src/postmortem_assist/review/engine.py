"""Running rules over analysed documents: matchers, checks, scopes, inline directives."""

from __future__ import annotations

import itertools
import json
import math
import re
from collections.abc import Iterable, Iterator, Sequence
from typing import TYPE_CHECKING, Any

from .. import nlp
from ..config import Settings
from ..findings import Finding
from . import rewrite
from .analysis import parse_batch, pretag_batch
from .base import CANDIDATES, REFINE, Context, Hit, picked, word_picked
from .checks import load_checks
from .checks.blame import name_like
from .learned import learned_pass
from .spec import Rule

if TYPE_CHECKING:
    from spacy.tokens import Doc, Span
    from spacy.vocab import Vocab

    from .analysis import Analysis

_DIRECTIVE = re.compile(
    r"<!--\s*assist:\s*(disable|enable|disable-next-line)(?:\s*=\s*([\w/,\s-]+))?\s*-->"
)
_QUOTED = re.compile(r"\"[^\"\n]*\"|“[^”\n]*”|'[^'\n]{3,}'(?!\w)")


def _sentence_has(sent_lower: str, phrases: Iterable[str]) -> bool:
    return any(re.search(rf"(?<!\w){re.escape(p)}(?!\w)", sent_lower) for p in phrases)


class Engine:
    """Compiled rules: one PhraseMatcher and one Matcher for all pattern rules."""

    def __init__(self, rules: Sequence[Rule], settings: Settings | None = None) -> None:
        nlp.import_spacy()  # first spaCy import of the process: without torch
        from spacy.lang.en.stop_words import STOP_WORDS
        from spacy.matcher import DependencyMatcher, Matcher, PhraseMatcher
        from spacy.tokens import Doc

        self.settings = settings or Settings()
        self.rules = {
            r.id: r
            for r in rules
            if self.settings.is_enabled(r.id) and (not r.quiet or r.id in self.settings.enable)
        }
        self.context = Context(self.settings)
        self.checks = load_checks()
        vocab = nlp.full().vocab
        self.phrases = PhraseMatcher(vocab, attr="LOWER")
        #: Token patterns that are only exact words, run as phrase lists (see _word_sequences).
        self.words = {attr: PhraseMatcher(vocab, attr=attr) for attr in ("LOWER", "ORTH")}
        # validate=False: leading predicates become lexeme-flag keys (see _flag_leads)
        self.shallow = Matcher(vocab, validate=False)
        #: Per token pattern, the word sets a sentence must all meet for it to match (see
        #: _shallow_matches); an empty list (no exact-word token) means any sentence.
        self._needs: list[list[frozenset[str]]] = []
        self.deep_tokens = Matcher(vocab)
        self.deep_deps = DependencyMatcher(vocab)
        for rule in self.rules.values():
            m = rule.match
            if m.kind == "phrase":
                self.phrases.add(rule.id, [nlp.light().make_doc(p) for p in m.phrases])
            elif m.kind == "tokens" and rule.deep:
                self.deep_tokens.add(rule.id, m.patterns)
            elif m.kind == "tokens":
                rest = []
                for pattern in m.patterns:
                    words = _word_sequences(pattern)
                    if words is None:
                        rest.append(pattern)
                        continue
                    attr, seqs = words
                    self.words[attr].add(rule.id, [Doc(vocab, words=list(w)) for w in seqs])
                if rest:
                    self.shallow.add(rule.id, [_flag_leads(p, vocab) for p in rest])
                    self._needs += [_needed_words(p) for p in rest]
            elif m.kind == "dependency":
                self.deep_deps.add(rule.id, m.patterns)
            elif m.check not in self.checks:
                raise ValueError(f"{rule.id}: unknown check {m.check!r}")
        self._everywhere = any(not ns for ns in self._needs)
        # the same sets as the LOWER hashes of the words, which is what a Doc stores, and for
        # each pattern its rarest set (fewest function words), which a window must meet first
        self._need_ids = [
            [frozenset(vocab.strings.add(w) for w in ws) for ws in ns] for ns in self._needs
        ]
        self._key_index: dict[int, list[int]] = {}
        for k, ns in enumerate(self._needs):
            if ns:
                rarest = min(
                    ns, key=lambda ws: (sum(w in STOP_WORDS or len(w) < 3 for w in ws), len(ws))
                )
                for w in rarest:
                    self._key_index.setdefault(vocab.strings.add(w), []).append(k)
        self._key_hashes = sorted(self._key_index)
        self.learned = learned_pass(self.rules, self.settings)
        #: Deep patterns that read entity types need NER on the parses (see nlp.parse_many).
        self.deep_wants_entities = any(
            "ENT_TYPE" in json.dumps(r.match.patterns) for r in self.rules.values() if r.deep
        )

    # -- matching -------------------------------------------------------------------
    def _pattern_hits(self, analysis: Analysis) -> Iterator[tuple[Rule, Hit]]:
        doc = analysis.doc
        vocab_str = doc.vocab.strings
        for match_id, start, end in self.phrases(doc) if len(self.phrases) else []:
            span = doc[start:end]
            yield self.rules[vocab_str[match_id]], Hit(span.start_char, span.end_char)
        # Word lists and the token Matcher, in the Matcher's own order (by end, then start),
        # so that overlapping matches of one rule are resolved as when all were patterns.
        every: list[Any] = [m for m in self.words.values() if len(m)]
        found = [m for matcher in every for m in matcher(doc)] + self._shallow_matches(analysis)
        shallow = sorted(found, key=lambda m: (m[2], m[1]))
        for match_id, start, end in shallow:
            span = doc[start:end]
            yield self.rules[vocab_str[match_id]], Hit(span.start_char, span.end_char)
        sents = self._deep_picked(analysis)
        for sent, parsed in zip(sents, analysis.parse(sents), strict=True):
            base = sent.start_char
            if self.deep_wants_entities and any(t.pos_ == "PROPN" for t in parsed):
                nlp.ensure_entities(parsed)  # ENT_TYPE is only ever asked of proper nouns
            for match_id, start, end in self.deep_tokens(parsed) if len(self.deep_tokens) else []:
                span = parsed[start:end]
                yield (
                    self.rules[vocab_str[match_id]],
                    Hit(base + span.start_char, base + span.end_char),
                )
            for match_id, token_ids in self.deep_deps(parsed) if len(self.deep_deps) else []:
                toks = [parsed[i] for i in token_ids]
                lo = min(t.idx for t in toks)
                hi = max(t.idx + len(t.text) for t in toks)
                yield self.rules[vocab_str[match_id]], Hit(base + lo, base + hi)

    def _shallow_matches(self, analysis: Analysis) -> list[tuple[int, int, int]]:
        """The token Matcher's matches, looked for only where they can be: from each sentence
        through the first ``REACH`` tokens after it (a match may run on past a sentence end:
        ", typical. Roughly", "[" + "TODO"), when that stretch holds, for some pattern, a word
        of each of its exact-word tokens ("what did we expect" needs all four words). That is
        about one sentence in ten; every Matcher call walks every token it is given, so the
        Matcher costs a fraction of a whole-text run. Matches starting in the sentence are
        kept, so each is found once, and they are the whole-text run's (checked on all 931
        corpus postmortems and in ``tests/test_speed_paths.py``)."""
        if not len(self.shallow):
            return []
        doc = analysis.doc
        if self._everywhere:
            return list(self.shallow(doc))
        import numpy as np

        lowers = doc.to_array("LOWER")
        # running count of needed words: a window without any is skipped at numpy speed
        seen = np.concatenate(([0], np.cumsum(np.isin(lowers, self._key_hashes))))
        sents = analysis.sentences()
        starts = np.fromiter((s.start for s in sents), dtype=np.int64, count=len(sents))
        ends = np.fromiter((s.end for s in sents), dtype=np.int64, count=len(sents))
        stops = np.minimum(ends + REACH, len(doc))
        chosen = [
            i
            for i in np.flatnonzero(seen[stops] > seen[starts]).tolist()
            if self._could_match(set(lowers[starts[i] : stops[i]].tolist()))
        ]
        out: list[tuple[int, int, int]] = []
        allowed = np.zeros(len(doc), dtype=bool)  # tokens a kept match may start at
        for i in chosen:
            allowed[starts[i] : ends[i]] = True
        # one Matcher call per run of chosen sentences (their windows overlap)
        run_start = run_stop = -1
        for i in [*chosen, -1]:
            if i >= 0 and starts[i] <= run_stop:
                run_stop = max(run_stop, int(stops[i]))
                continue
            if run_start >= 0:
                out += [
                    (m, run_start + a, run_start + b)
                    for m, a, b in self.shallow(doc[run_start:run_stop])
                    if allowed[run_start + a]
                ]
            if i >= 0:
                run_start, run_stop = int(starts[i]), int(stops[i])
        return out

    def _could_match(self, words: set[int]) -> bool:
        """Some pattern has each of its exact-word tokens among ``words`` (LOWER hashes);
        only patterns whose rarest word set is met are checked in full."""
        for h in words.intersection(self._key_index):
            for k in self._key_index[h]:
                if all(not words.isdisjoint(w) for w in self._need_ids[k]):
                    return True
        return False

    def _deep_picked(self, analysis: Analysis) -> list[Span]:
        """:meth:`_deep_sentences`, worked out once per document."""
        return analysis.picked("#deep", lambda: self._deep_sentences(analysis))

    def _deep_sentences(self, analysis: Analysis) -> list[Span]:
        """Sentences the deep (parsed) pattern rules want: those with their trigger words."""
        deep = [r for r in self.rules.values() if r.deep]
        if not deep:
            return []
        wanted: list[Span] = []
        for sent, lowers in zip(analysis.sentences(), analysis.sentence_words(), strict=True):
            words = set(lowers)
            for rule in deep:
                m = rule.match
                if m.trigger and not words & set(m.trigger):
                    continue
                # trigger_with: [..., "@name"]: "@name" stands for a name-like word
                if (
                    not m.trigger_with
                    or words & set(m.trigger_with)
                    or (
                        "@name" in m.trigger_with
                        and any(t.text != "I" and name_like(t, sent.start) for t in sent)
                    )
                ):
                    wanted.append(sent)
                    break
        return wanted

    def _prefetch(self, analyses: Sequence[Analysis]) -> None:
        """Parse every sentence that deep patterns and checks will ask for, across all the
        documents, in one batch (the rules then read the cached parses)."""
        checks = [
            r
            for r in self.rules.values()
            if r.match.kind == "check" and r.match.check in CANDIDATES
        ]
        refined = [r for r in checks if r.match.check in REFINE]
        pretag_batch([(a, word_picked(a, r, self.context)) for a in analyses for r in refined])
        wanted = []
        for analysis in analyses:
            sents = list(self._deep_picked(analysis))
            for rule in checks:
                sents += picked(analysis, rule, self.context)
            wanted.append((analysis, sents))
        parse_batch(wanted)
        if self.deep_wants_entities:  # as _pattern_hits asks, for all documents at once
            parsed = [a._deep[s.start_char] for a in analyses for s in self._deep_picked(a)]
            nlp.ensure_entities_many([d for d in parsed if any(t.pos_ == "PROPN" for t in d)])

    def _check_hits(self, analysis: Analysis) -> Iterator[tuple[Rule, Hit]]:
        for rule in self.rules.values():
            if rule.match.kind == "check" and rule.match.check:
                for hit in self.checks[rule.match.check](analysis, rule, self.context):
                    yield rule, hit

    # -- filtering ------------------------------------------------------------------
    def _keep(self, analysis: Analysis, rule: Rule, hit: Hit) -> bool:
        if rule.match.kind == "check":
            return True  # checks handle their own scope
        if analysis.is_masked(hit.start, hit.end):
            return False
        section = analysis.section_at(hit.start)
        if section is None or section.kind not in rule.scope:
            return False
        if rule.match.unless or rule.match.unless_regex or rule.match.skip_quoted:
            sent = analysis.doc.char_span(hit.start, hit.end, alignment_mode="expand")
            if sent is None:
                return True
            sentence = sent.sent
            lower = sentence.text.lower()
            if rule.match.unless and _sentence_has(lower, rule.match.unless):
                return False
            if rule.match.unless_regex and re.search(rule.match.unless_regex, sentence.text):
                return False
            if rule.match.skip_quoted:
                rel = hit.start - sentence.start_char
                if any(q.start() < rel < q.end() for q in _QUOTED.finditer(sentence.text)):
                    return False
        return True

    @staticmethod
    def _disabled_ranges(text: str) -> list[tuple[int, int, set[str] | None]]:
        """(start, end, rule ids or None=all) ranges switched off by inline comments."""
        ranges = []
        open_: dict[str, int] = {}
        for m in _DIRECTIVE.finditer(text):
            verb, names = m.group(1), m.group(2)
            ids = {n.strip() for n in names.split(",") if n.strip()} if names else {"*"}
            if verb == "disable-next-line":
                line_end = text.find("\n", m.end())
                nxt = text.find("\n", line_end + 1) if line_end >= 0 else -1
                end = nxt if nxt >= 0 else len(text)
                ranges.append((m.start(), end, None if "*" in ids else ids))
            elif verb == "disable":
                for i in ids:
                    open_.setdefault(i, m.start())
            else:
                for i in ids if "*" not in ids else list(open_):
                    if i in open_:
                        ranges.append((open_.pop(i), m.start(), None if i == "*" else {i}))
        for i, start in open_.items():
            ranges.append((start, len(text), None if i == "*" else {i}))
        return ranges

    # -- public ---------------------------------------------------------------------
    def review_many(self, analyses: Sequence[Analysis]) -> list[list[Finding]]:
        """Findings of each document (as :meth:`review`), with the parses of all of them
        made in one batch first."""
        self._prefetch(analyses)
        found = [self._findings(a) for a in analyses]
        parsed = rewrite.parse_sentences(zip(analyses, found, strict=True))
        return [self._finish(a, f, parsed) for a, f in zip(analyses, found, strict=True)]

    def review(self, analysis: Analysis) -> list[Finding]:
        """All findings for one document, sorted by position then rule id."""
        return self._finish(analysis, self._findings(analysis))

    def _finish(
        self, analysis: Analysis, found: list[Finding], parsed: dict[str, Doc] | None = None
    ) -> list[Finding]:
        """Findings with blameless rewrites attached (``parsed``: their sentences' parses,
        made beforehand), sorted by position then rule id."""
        out = rewrite.attach(analysis, found, parsed)  # blame findings get a blameless rewrite
        return sorted(out, key=lambda f: (f.start, f.rule))

    def _findings(self, analysis: Analysis) -> list[Finding]:
        """One document's findings, after the learned pass, before rewrites."""
        text = analysis.text
        off = self._disabled_ranges(text)
        findings: dict[tuple[str, int, int, str], Finding] = {}
        raw = list(self._pattern_hits(analysis)) + list(self._check_hits(analysis))
        for rule, hit in raw:
            if not self._keep(analysis, rule, hit):
                continue
            if any(
                s <= hit.start < e and (ids is None or rule.id in ids or rule.family in ids)
                for s, e, ids in off
            ):
                continue
            finding = self._finding(analysis, rule, hit)
            key = (rule.id, hit.start, hit.end, finding.message)
            if key in findings or (
                rule.match.kind != "check"
                and any(k[0] == rule.id and k[1] < hit.end and hit.start < k[2] for k in findings)
            ):
                continue  # overlapping duplicate of the same pattern rule
            findings[key] = finding
        out = list(findings.values())
        if self.learned is not None:  # the sentence scorer: learned findings and vetoes
            out = self.learned.apply(analysis, out, self._finding)
        return out

    def _finding(self, analysis: Analysis, rule: Rule, hit: Hit) -> Finding:
        doc = analysis.document
        match = doc.text[hit.start : hit.end]
        params = {"match": match.strip().replace("\n", " ")[:80], **hit.params}
        line, col = doc.position(hit.start)
        end_line, end_col = doc.position(max(hit.start, hit.end))
        return Finding(
            rule=rule.id,
            family=rule.family,
            severity=self.settings.severity_of(rule.id, rule.severity),
            message=_fill(rule.message, params),
            suggestion=hit.suggestion or _fill(rule.suggestion, params),
            path=doc.name,
            line=line,
            column=col,
            end_line=end_line,
            end_column=end_col,
            start=hit.start,
            end=hit.end,
            match=params["match"],
        )


#: Most phrases a word-list pattern may expand to before it stays a Matcher pattern.
MAX_SEQUENCES = 20_000


def _word_sequences(pattern: list[dict[str, Any]]) -> tuple[str, set[tuple[str, ...]]] | None:
    """The word sequences a token pattern of exact words matches, as ``(attr, sequences)``.

    A pattern qualifies when every token is one ``LOWER`` (or every token one ``ORTH``)
    value or ``IN`` list, required or ``OP: "?"``: it then matches exactly the sequences of
    the lists' product, which spaCy's PhraseMatcher finds in one hash lookup per token
    instead of the Matcher's per-token pattern states (3 s vs 0.01 s per 200 documents).
    Anything else (other attributes, ``*``/``+``, regexes) returns None and stays a pattern.
    """
    attr = None
    slots: list[list[str | None]] = []
    for tok in pattern:
        keys = set(tok) - {"OP"}
        op = tok.get("OP")
        if len(keys) != 1 or op not in (None, "?"):
            return None
        key = keys.pop()
        if key not in ("LOWER", "ORTH") or attr not in (None, key):
            return None
        attr, value = key, tok[key]
        words = [value] if isinstance(value, str) else None
        if isinstance(value, dict) and set(value) == {"IN"} and isinstance(value["IN"], list):
            words = value["IN"]
        if not words or not all(isinstance(w, str) and w for w in words):
            return None
        if key == "LOWER" and any(w != w.lower() for w in words):
            return None  # a capital never equals a LOWER value: keep the pattern's meaning
        slots.append([*words, None] if op == "?" else list(words))
    if attr is None or math.prod(len(s) for s in slots) > MAX_SEQUENCES:
        return None
    seqs = {tuple(w for w in combo if w is not None) for combo in itertools.product(*slots)}
    return attr, {s for s in seqs if s}


#: Tokens past a sentence's end that a token pattern match starting in it may reach (the
#: longest pattern has 7 tokens; one has an IS_ALPHA ``*`` run, which stops at punctuation).
REACH = 12
#: Lexeme flag bits free for word predicates (spaCy names bits 1-18; 19-63 are FLAG19...).
_FLAG_BITS = range(19, 64)
#: The flag bit of each ``(attr, predicate, value)`` already registered on the vocabulary.
_FLAGS: dict[tuple[int, str, str, str], int] = {}


def _needed_words(pattern: list[dict[str, Any]]) -> list[frozenset[str]]:
    """For each required token of exact words (``LOWER``/``ORTH``/``TEXT`` value or ``IN``
    list), its words lower-cased: a sentence without one of each cannot match."""
    out = []
    for tok in pattern:
        if tok.get("OP") not in (None, "+"):
            continue
        for key in ("LOWER", "ORTH", "TEXT"):
            value = tok.get(key)
            if isinstance(value, str):
                out.append(frozenset({value.lower()}))
            elif isinstance(value, dict) and isinstance(value.get("IN"), list):
                out.append(frozenset(str(w).lower() for w in value["IN"]))
    return out


def _flag_leads(pattern: list[dict[str, Any]], vocab: Vocab) -> list[dict[str, Any]]:
    """The pattern with the word predicates of its leading tokens turned into lexeme flags.

    The Matcher tries every pattern's first token (and any optional tokens before the first
    required one) at every token of the text. A ``LOWER``/``ORTH`` ``IN``, ``NOT_IN`` or
    ``REGEX`` predicate there is a Python call per token; the same test registered once as a
    lexeme flag (``Vocab.add_flag``: computed once per distinct word, for old and new words)
    is a bit test in C. Same matches, half the Matcher's time on the corpus. Tokens after the
    lead keep their predicates (they run only where a match is under way), as do all tokens
    once the 45 free flag bits are used up.
    """
    out = []
    lead = True
    for tok in pattern:
        if not lead:
            out.append(tok)
            continue
        lead = tok.get("OP") in ("?", "*")
        new: dict[Any, Any] = {}
        for key, value in tok.items():
            flag = _flag_of(key, value, vocab)
            if flag is None:
                new[key] = value
            else:
                new[flag] = True
        out.append(new)
    return out


def _flag_of(key: str, value: Any, vocab: Vocab) -> int | None:
    """The flag bit testing ``{key: value}`` (registered on first use), or None."""
    attr = {"LOWER": "LOWER", "ORTH": "ORTH", "TEXT": "ORTH"}.get(key)
    if attr is None or not isinstance(value, dict) or len(value) != 1:
        return None
    ((op, arg),) = value.items()
    if op in ("IN", "NOT_IN"):
        if not isinstance(arg, list) or not all(isinstance(w, str) for w in arg):
            return None
        canon = json.dumps(sorted(set(arg)))
    elif op == "REGEX" and isinstance(arg, str):
        canon = arg
    else:
        return None
    ident = (id(vocab), attr, op, canon)
    if ident in _FLAGS:
        return _FLAGS[ident]
    taken = getattr(vocab, "lex_attr_getters")  # noqa: B009 (not in spaCy's stubs)
    bit = next((b for b in _FLAG_BITS if b not in taken), None)
    if bit is None:
        return None
    lower = attr == "LOWER"
    if op == "REGEX":
        regex = re.compile(arg)

        def test(word: str) -> bool:
            return bool(regex.search(word.lower() if lower else word))
    else:
        words, inside = frozenset(arg), op == "IN"

        def test(word: str) -> bool:
            return ((word.lower() if lower else word) in words) == inside

    _FLAGS[ident] = vocab.add_flag(test, bit)
    return _FLAGS[ident]


def _fill(template: str, params: dict) -> str:
    """Fill ``{name}`` placeholders; unknown ones are left as written."""
    return re.sub(r"\{(\w+)\}", lambda m: str(params.get(m.group(1), m.group(0))), template).strip()
