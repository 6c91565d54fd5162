"""Clarity checks: undefined acronyms, very long sentences, times without a zone."""

from __future__ import annotations

import bisect
import math
import re
from collections.abc import Iterator
from typing import TYPE_CHECKING

from spacy.lang.en.stop_words import STOP_WORDS

from ...times import find_times, zone_statement
from ..base import Hit, check

if TYPE_CHECKING:
    from spacy.tokens import Token

    from ..analysis import Analysis
    from ..base import Context
    from ..spec import Rule

#: 2-5 capitals (digits allowed): longer all-capital words are shouting or error codes.
ACRONYM = re.compile(r"^(?=(?:[A-Z0-9&]*[A-Z]){2})[A-Z][A-Z0-9&]{1,5}s?$")


def _prose_sections(analysis: Analysis, rule: Rule) -> list[tuple[int, int]]:
    return [(s.start, s.end) for s in analysis.document.sections if s.kind in rule.scope]


def _in(ranges: list[tuple[int, int]], offset: int) -> bool:
    """True when ``offset`` falls in one of the ranges (sorted and disjoint, as sections are:
    one bisect, so a draft with thousands of headings stays linear)."""
    i = bisect.bisect_right(ranges, (offset, math.inf)) - 1
    return i >= 0 and offset < ranges[i][1]


@check("undefined_acronym")
def undefined_acronym(analysis: Analysis, rule: Rule, ctx: Context) -> Iterator[Hit]:
    """The first use of an acronym that the draft never spells out.

    Defined means "Full Name (ACR)", "ACR (Full Name)" or "ACR stands for/means".
    """
    allow = {a.upper() for a in rule.match.options.get("allow", [])}
    allow |= {a.upper() for a in ctx.settings.allowed_acronyms}
    text = analysis.text
    ranges = _prose_sections(analysis, rule)
    seen: set[str] = set()
    for tok in analysis.doc:
        word = tok.text
        if len(word) < 2 or not ACRONYM.match(word):
            continue
        key = word[:-1] if word.endswith("s") and len(word) > 2 else word
        if key in seen or key in allow or key.lower() in STOP_WORDS:
            continue
        seen.add(key)
        if not _in(ranges, tok.idx) or analysis.is_masked(tok.idx, tok.idx + len(word)):
            continue
        if _quoted(tok):
            continue  # quoted output ("FAILED: 2 shards missing") is not the author's wording
        line_start = text.rfind("\n", 0, tok.idx) + 1
        line_end = text.find("\n", tok.idx)
        line = text[line_start : line_end if line_end >= 0 else len(text)]
        shouted = re.findall(r"\b[A-Z]{3,}\b", line)
        if len(shouted) >= 3 or sum(c.isupper() for c in line) > 0.6 * sum(
            c.isalpha() for c in line
        ):
            continue  # a shouted line ("USER-FACING TOOLFORGE OUTAGE ENDS"), not acronyms
        k = re.escape(key)
        defined = re.search(
            rf"\({k}s?\)|\b{k}s?\s*\([A-Za-z][^)]{{3,}}\)"
            rf"|\b{k}\s+(?:stands for|means|is short for)\b"
            rf"|\b{k}\s*[:=-]\s*[A-Z][a-z]+ [A-Za-z]",
            text,
        )
        if not defined:
            yield Hit(tok.idx, tok.idx + len(word), {"acronym": key})


@check("long_sentence")
def long_sentence(analysis: Analysis, rule: Rule, ctx: Context) -> Iterator[Hit]:
    """A sentence longer than ``max_words`` words (tables and code excluded)."""
    limit = int(rule.match.options.get("max_words", 40))
    ranges = _prose_sections(analysis, rule)
    for sent in analysis.sentences():
        if not _in(ranges, sent.start_char) or "|" in sent.text:
            continue
        words = [t for t in sent if t.is_alpha or t.like_num]
        if len(words) > limit and not analysis.is_masked(sent.start_char, sent.end_char):
            end = words[min(len(words) - 1, 8)]
            yield Hit(sent.start_char, end.idx + len(end.text), {"words": len(words)})


@check("time_without_zone")
def time_without_zone(analysis: Analysis, rule: Rule, ctx: Context) -> Iterator[Hit]:
    """A clock time outside the timeline with no zone, in a draft that states no zone."""
    if zone_statement(analysis.text):
        return
    mentions = find_times(analysis.text)
    if any(m.has_zone for m in mentions):
        return
    ranges = _prose_sections(analysis, rule)
    for mention in mentions:
        if _in(ranges, mention.start) and not analysis.is_masked(mention.start, mention.end):
            yield Hit(mention.start, mention.end, {"time": mention.text})
            return


def _quoted(tok: Token) -> bool:
    """True when the token sits between double quotes on its line."""
    line_start = tok.doc.text.rfind("\n", 0, tok.idx) + 1
    before = tok.doc.text[line_start : tok.idx]
    return before.count('"') % 2 == 1 or (before.count("“") > before.count("”"))
