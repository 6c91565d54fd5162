"""Review measured three ways: gold spans (with a proselint baseline), whole gold drafts,
and on the real corpus (flag rate per 1,000 words; coded vague action items).
"""

from __future__ import annotations

import os
from collections import Counter, defaultdict
from collections.abc import Callable, Iterable, Sequence
from concurrent.futures import ProcessPoolExecutor
from dataclasses import dataclass
from multiprocessing import get_context
from pathlib import Path
from typing import Any

from .gold import Draft, GoldItem, Skips
from .metrics import PRF, Span, binary_prf, overlaps, span_prf

#: Which gold ``family/kind`` each rule addresses. Data, not code: edit it when a rule
#: is added or re-scoped. A rule absent here has no gold and gets precision only.
RULE_KINDS: dict[str, tuple[str, ...]] = {
    "blame/person-as-cause": ("blame/named-person",),
    # "the engineer failed to ..." is hindsight; "Tom failed to ..." is named-person.
    "blame/person-failed-to": ("blame/hindsight", "blame/named-person"),
    "blame/hindsight": ("blame/hindsight",),
    "blame/human-error": ("blame/human-error",),
    "blame/character": ("blame/character",),
    "blame/attribution": ("blame/attribution",),
    "clarity/vague-quantity": ("clarity/vague-quantity",),
    "clarity/hedge": ("clarity/hedge",),
    "clarity/relative-time": ("clarity/relative-time",),
    # gold calls a clock time with no zone in the snippet a relative time
    "clarity/time-without-zone": ("clarity/relative-time",),
    "clarity/undefined-acronym": ("clarity/undefined-acronym",),
    "clarity/long-sentence": ("clarity/long-sentence",),
    "actions/vague": ("actions/vague",),
    "actions/no-owner": ("actions/no-owner",),
    "actions/no-due-date": ("actions/no-due-date",),
    "actions/not-an-action": ("actions/not-an-action",),
}
#: Gold action items are single lines written without a bullet; the action rules only
#: read items under a corrective-actions heading, so each is reviewed inside this frame.
ACTION_FRAME = "## Action items\n\n- "
FAMILIES = ("blame", "clarity", "actions")

Hit = tuple[str, int, int]  # rule id, start, end (in the gold item's own text)


def frame(item_family: str, text: str) -> tuple[str, int]:
    """The document reviewed for a gold snippet and the snippet's offset in it."""
    if item_family == "actions":
        return ACTION_FRAME + text + "\n", len(ACTION_FRAME)
    return text, 0


def review_hits(text: str, name: str) -> list[Hit]:
    """Findings of every rule on one text (raises InputError for non-English text)."""
    from ..reading import Source
    from ..review import analyse, engine_for

    return [(f.rule, f.start, f.end) for f in engine_for().review(analyse(Source(name, text)))]


def gold_hits(items: Sequence[GoldItem], skips: Skips) -> dict[str, list[Hit]]:
    """Review every gold snippet; hits shifted back into snippet coordinates."""
    from ..reading import InputError

    out: dict[str, list[Hit]] = {}
    for item in items:
        text, off = frame(item.family, item.text)
        try:
            hits = review_hits(text, item.id)
        except InputError as exc:
            skips.add("eval/gold/review.jsonl", None, f"{item.id}: {exc}")
            continue
        n = len(item.text)
        out[item.id] = [
            (r, max(s - off, 0), min(e - off, n))
            for r, s, e in hits
            if not r.startswith("structure/") and e > off and s < off + n
        ]
    return out


def proselint_hits(items: Sequence[GoldItem]) -> dict[str, list[Hit]]:
    """proselint 0.16 (default checks) on each snippet; spans in snippet coordinates."""
    from proselint.checks import __register__
    from proselint.registry import CheckRegistry
    from proselint.tools import LintFile

    registry = CheckRegistry()
    if not registry.checks:  # a process-wide singleton: register once
        registry.register_many(__register__)
    out: dict[str, list[Hit]] = {}
    for item in items:
        results = LintFile(item.id, item.text).lint()
        # LintFile pads the content with one leading newline
        out[item.id] = [
            (
                f"proselint/{r.check_result.check_path}",
                r.check_result.span[0] - 1,
                r.check_result.span[1] - 1,
            )
            for r in results
        ]
    return out


def _kinds_of(rule: str) -> tuple[str, ...]:
    return RULE_KINDS.get(rule, ())


def _attributed(rule: str, span: Span, item: GoldItem) -> str | None:
    """The gold kind a hit counts for: the first of its rule's kinds whose gold span it
    overlaps; an unmatched hit is a false positive of the rule's first kind."""
    kinds = _kinds_of(rule)
    for k in kinds:
        if any(f.key == k and overlaps(span, (f.start, f.end)) for f in item.flags):
            return k
    return kinds[0] if kinds else None


def score_gold(items: Sequence[GoldItem], hits: dict[str, list[Hit]]) -> dict[str, Any]:
    """Per-rule, per-kind and per-family span-overlap P/R/F1 plus decoy hits."""
    rules = sorted({r for hs in hits.values() for r, _, _ in hs} | set(RULE_KINDS))
    kinds = sorted({f.key for it in items for f in it.flags})
    per_rule = {r: PRF() for r in rules}
    per_kind = {k: PRF() for k in kinds}
    per_family = {f: PRF() for f in FAMILIES}
    decoy_hits: Counter[str] = Counter()
    for it in items:
        if it.id not in hits:
            continue
        hs = hits[it.id]
        for r in rules:
            pred = [(s, e) for rr, s, e in hs if rr == r]
            gold = [(f.start, f.end) for f in it.flags if f.key in _kinds_of(r)]
            per_rule[r].add(span_prf(pred, gold))
        for k in kinds:
            pred = [(s, e) for rr, s, e in hs if _attributed(rr, (s, e), it) == k]
            gold = [(f.start, f.end) for f in it.flags if f.key == k]
            per_kind[k].add(span_prf(pred, gold))
        for fam in FAMILIES:
            pred = [(s, e) for rr, s, e in hs if rr.split("/")[0] == fam]
            gold = [(f.start, f.end) for f in it.flags if f.family == fam]
            per_family[fam].add(span_prf(pred, gold))
        flagged = [(f.start, f.end) for f in it.flags]
        for rr, s, e in hs:
            if any(overlaps((s, e), d) for d in it.decoys) and not any(
                overlaps((s, e), g) for g in flagged
            ):
                decoy_hits[rr] += 1
    return {
        "items": sum(it.id in hits for it in items),
        "per_rule": {r: c.as_dict() for r, c in per_rule.items() if c.n_pred or c.n_gold},
        "per_kind": {k: c.as_dict() for k, c in per_kind.items()},
        "per_family": {f: c.as_dict() for f, c in per_family.items()},
        "decoy_hits": dict(sorted(decoy_hits.items())),
        "rule_kinds": {r: list(k) for r, k in RULE_KINDS.items()},
    }


def score_any_span(items: Sequence[GoldItem], hits: dict[str, list[Hit]]) -> dict[str, Any]:
    """Family-agnostic detector scores, by the family each item was written to test.

    A flag counts when it overlaps any gold span of the item, whatever its kind. This
    is the only fair comparison with proselint, which has no blame or action families.
    """
    fams: dict[str, PRF] = {f: PRF() for f in FAMILIES}
    total = PRF()
    decoys = 0
    for it in items:
        if it.id not in hits:
            continue
        pred = [(s, e) for _, s, e in hits[it.id]]
        gold = [(f.start, f.end) for f in it.flags]
        c = span_prf(pred, gold)
        fams[it.family].add(c)
        total.add(c)
        decoys += sum(
            any(overlaps(p, d) for d in it.decoys) and not any(overlaps(p, g) for g in gold)
            for p in pred
        )
    return {
        "per_family": {f: c.as_dict() for f, c in fams.items()},
        "overall": total.as_dict(),
        "decoy_hits": decoys,
    }


def top_checks(hits: dict[str, list[Hit]], n: int = 8) -> dict[str, int]:
    """The most frequent checks of a baseline (what it flags on our gold)."""
    return dict(Counter(r for hs in hits.values() for r, _, _ in hs).most_common(n))


# --- whole drafts -----------------------------------------------------------------


#: Section names used as ``detail`` in drafts.jsonl -> words the finding's message uses.
SECTION_WORDS: dict[str, tuple[str, ...]] = {
    "summary": ("summary",),
    "timeline": ("timeline",),
    "root-cause": ("root cause",),
    "actions": ("corrective", "action"),
}


def _detail_matches(detail: str | None, match: str, message: str) -> bool:
    if detail is None:
        return True
    said = f"{match} {message}".lower()
    return any(w in said for w in SECTION_WORDS.get(detail, (detail.lower(),)))


def score_drafts(drafts: Sequence[Draft], skips: Skips) -> dict[str, Any]:
    """Structure rules against expected findings; findings in families marked clean."""
    from ..reading import InputError, Source
    from ..review import analyse, engine_for

    per_rule: dict[str, PRF] = defaultdict(PRF)
    clean_fp: Counter[str] = Counter()
    clean_words = 0
    misses: list[str] = []
    extras: list[str] = []
    for d in drafts:
        try:
            findings = engine_for().review(analyse(Source(str(d.file), d.text)))
        except InputError as exc:
            skips.add(d.file, None, str(exc))
            continue
        struct = [f for f in findings if f.family == "structure"]
        used: set[int] = set()
        for rule, detail in d.expected:
            per_rule[rule].n_gold += 1
            for i, f in enumerate(struct):
                if i not in used and f.rule == rule and _detail_matches(detail, f.match, f.message):
                    used.add(i)
                    per_rule[rule].tp_gold += 1
                    break
            else:
                misses.append(f"{d.id} {rule}" + (f" ({detail})" if detail else ""))
        for i, f in enumerate(struct):
            per_rule[f.rule].n_pred += 1
            if i in used:
                per_rule[f.rule].tp_pred += 1
            else:
                extras.append(f"{d.id} {f.rule} line {f.line}")
        for f in findings:
            if f.family in d.clean_families:
                clean_fp[f.rule] += 1
        if d.clean_families:
            clean_words += len(d.text.split())
    total = PRF()
    for c in per_rule.values():
        total.add(c)
    return {
        "drafts": len(drafts),
        "structure_per_rule": {r: c.as_dict() for r, c in sorted(per_rule.items())},
        "structure_overall": total.as_dict(),
        "missed": misses,
        "unexpected": extras,
        "clean_family_findings": dict(sorted(clean_fp.items())),
        "clean_family_findings_per_1k_words": round(
            1000 * sum(clean_fp.values()) / max(clean_words, 1), 3
        ),
    }


# --- the real corpus --------------------------------------------------------------


@dataclass
class DocResult:
    """What reviewing one corpus document produced."""

    id: str
    words: int
    rules: Counter[str]
    error: str | None = None


def _review_batch(batch: list[tuple[str, str]]) -> list[DocResult]:
    """Review documents in one light-pipeline batch (runs in worker processes too)."""
    from .. import nlp
    from ..document import parse
    from ..review import engine_for
    from ..review.analysis import Analysis

    engine = engine_for()
    out: list[DocResult] = []
    ok: list[tuple[str, str]] = []
    for ident, text in batch:
        if not text.strip():
            out.append(DocResult(ident, 0, Counter(), "empty text"))
            continue
        reason = nlp.non_english_reason(text)
        if reason:
            out.append(DocResult(ident, 0, Counter(), reason))
        else:
            ok.append((ident, text))
    for (ident, text), light in zip(ok, nlp.light().pipe(t for _, t in ok), strict=True):
        findings = engine.review(Analysis.of(parse(text, ident), light))
        out.append(DocResult(ident, len(text.split()), Counter(f.rule for f in findings)))
    return out


def review_corpus(
    docs: Sequence[tuple[str, str]],
    jobs: int = 1,
    advance: Callable[[int], None] | None = None,
    batch: int = 8,
) -> list[DocResult]:
    """Review every document, in ``jobs`` processes; ``advance(n)`` after each batch."""
    from ..review import engine_for

    engine_for()  # compile once before forking; workers inherit it
    chunks = [list(docs[i : i + batch]) for i in range(0, len(docs), batch)]
    results: list[DocResult] = []
    if jobs <= 1 or len(chunks) < 2:
        for c in chunks:
            results.extend(_review_batch(c))
            if advance:
                advance(len(c))
        return results
    workers = min(jobs, os.cpu_count() or 1, len(chunks))
    with ProcessPoolExecutor(workers, mp_context=get_context("fork")) as pool:
        for c, res in zip(chunks, pool.map(_review_batch, chunks), strict=True):
            results.extend(res)
            if advance:
                advance(len(c))
    return results


def flag_rates(results: Iterable[DocResult]) -> dict[str, Any]:
    """Findings per 1,000 words per rule and per family over reviewed documents."""
    rules: Counter[str] = Counter()
    words = docs = 0
    flagged_docs: Counter[str] = Counter()
    for r in results:
        if r.error:
            continue
        docs += 1
        words += r.words
        rules.update(r.rules)
        flagged_docs.update(set(r.rules))
    fams: Counter[str] = Counter()
    for rule, n in rules.items():
        fams[rule.split("/")[0]] += n
    k = 1000 / max(words, 1)
    return {
        "documents": docs,
        "words": words,
        "per_rule": {
            r: {
                "findings": n,
                "per_1k_words": round(n * k, 3),
                "docs_flagged_share": round(flagged_docs[r] / max(docs, 1), 3),
            }
            for r, n in sorted(rules.items())
        },
        "per_family": {f: round(n * k, 3) for f, n in sorted(fams.items())},
        "per_family_per_document": {f: round(n / max(docs, 1), 3) for f, n in sorted(fams.items())},
        "all_rules_per_1k_words": round(sum(rules.values()) * k, 3),
    }


def is_vague(obj: dict[str, Any]) -> bool | None:
    """Coders' verdict on an action item: True vague, False specific, None uncoded."""
    action, target = obj.get("Action"), obj.get("Target")
    if action is None and target is None:
        return None
    return action == "UNKNOWN" or target == "UNCLEAR"


def score_action_items(records: Sequence[dict[str, Any]], skips: Skips) -> dict[str, Any]:
    """actions/vague against the coders' UNKNOWN/UNCLEAR marks, on two texts per item:
    the report's own excerpt and the coders' one-line ``action`` paraphrase.

    Items with neither ``Action`` nor ``Target`` coded are left out (counted)."""
    from ..reading import InputError

    coded = [(r, v) for r in records if (v := is_vague(r)) is not None]
    out: dict[str, Any] = {
        "records": len(records),
        "coded": len(coded),
        "uncoded_skipped": len(records) - len(coded),
        "vague": sum(v for _, v in coded),
    }
    for field in ("report_excerpt", "action"):
        pred, gold = [], []
        for r, v in coded:
            text = str(r.get(field) or "").strip()
            if not text:
                continue
            doc, _ = frame("actions", text)
            try:
                hits = review_hits(doc, str(r.get("id")))
            except InputError as exc:
                skips.add("action_items.jsonl", None, f"{r.get('id')}: {exc}")
                continue
            pred.append(any(rule == "actions/vague" for rule, _, _ in hits))
            gold.append(v)
        out[field] = binary_prf(pred, gold)
    return out


def spans_of(hits: Iterable[Hit]) -> list[Span]:
    """Just the spans of hits."""
    return [(s, e) for _, s, e in hits]


# --- real sentences (sentence_flags.jsonl, dev) -------------------------------------------


def score_sentence_flags(
    root: Path, advance: Callable[[int], None] | None = None
) -> dict[str, Any]:
    """Rules alone vs rules + learned scorer on the labelled dev sentences, grouped 5-fold
    CV by company, in one run; plus the blame rewrites' checks."""
    from ..review import flags, train

    items, docs = flags.load(root)
    flags.attach_findings(items, docs, train.rules_only_review(), advance)
    cv = train.cross_validate(items)
    cv.pop("table")
    cv.pop("oof")
    cv["rewrites"] = score_rewrites(items)
    return cv


def score_rewrites(items: Sequence[Any]) -> dict[str, Any]:
    """For every blame sentence: a rewrite exists, no blame rule flags it, the scorer does
    not flag it (a scorer trained without the sentence's company, grouped 5-fold, at the
    shipped ``add`` threshold), and it keeps the sentence's numbers, times and nouns."""
    from sklearn.model_selection import GroupKFold

    from ..review import train
    from ..review.rewrite import blameless_rewrite, kept_facts
    from ..review.scorer import default_scorer

    review = train.rules_only_review()
    shipped = default_scorer()
    add = shipped.thresholds["blame"].add if shipped else 1.01
    X, columns = train.matrix(items)
    groups = [it.group for it in items]
    n = made = clean_rules = clean_model = facts = passed = 0
    for tr, te in GroupKFold(n_splits=train.FOLDS).split(X, groups=groups):
        models = train.fit([items[i] for i in tr], X[tr], kinds=False)
        scorer = train.to_scorer(models, columns, {}, {})
        for i in te:
            it = items[i]
            if not it.blame:
                continue
            n += 1
            rewrite = blameless_rewrite(it.text)
            if not rewrite:
                continue
            made += 1
            rules = [f.rule for f in review(it.id, rewrite)]
            ok_rules = not any(r.startswith("blame/") for r in rules)
            ok_model = scorer.score(rewrite, rules)["blame"] < add
            ok_facts = kept_facts(it.text, rewrite)[0]
            clean_rules += ok_rules
            clean_model += ok_model
            facts += ok_facts
            passed += ok_rules and ok_model and ok_facts
    share = lambda k: round(k / max(n, 1), 3)  # noqa: E731
    return {
        "blame_sentences": n,
        "rewritten": made,
        "not_flagged_by_rules": share(clean_rules),
        "not_flagged_by_model": share(clean_model),
        "keeps_numbers_times_nouns": share(facts),
        "pass_all": share(passed),
        "model_add_threshold": add,
    }


def review_cost(docs: Sequence[tuple[str, str]], limit: int = 60) -> dict[str, Any]:
    """Seconds per 1,000 words reviewing the same documents with the rules alone and with
    the learned rules enabled (one process; each engine warmed on the first document)."""
    import time

    from ..config import Settings
    from ..reading import Source
    from ..review import analyse, engine_for
    from ..review.learned import LEARNED

    sample = [(i, t) for i, t in docs if t.strip()][:limit]
    words = sum(len(t.split()) for _, t in sample)
    out: dict[str, Any] = {"documents": len(sample), "words": words}
    systems = (("rules", Settings()), ("rules+model", Settings(enable=sorted(LEARNED))))
    for name, settings in systems:
        engine = engine_for(settings)
        if sample:
            engine.review(analyse(Source(*sample[0])))
        t0 = time.perf_counter()
        for ident, text in sample:
            try:
                engine.review(analyse(Source(ident, text)))
            except Exception:
                continue
        out[name] = round(1000 * (time.perf_counter() - t0) / max(words, 1), 4)
    out["unit"] = "seconds per 1,000 words"
    return out


def main(argv: list[str] | None = None) -> int:
    """``python -m postmortem_assist.evaluate.review_eval``: the sentence-flags figures."""
    import argparse
    import json
    import sys

    from ..corpus import corpus_dir

    ap = argparse.ArgumentParser(description="rules vs rules+model on sentence_flags (dev)")
    ap.add_argument("--corpus", type=Path, default=None)
    args = ap.parse_args(argv)
    root = args.corpus or corpus_dir()
    if root is None or not (root / "sentence_flags.jsonl").is_file():
        print("error: no corpus with sentence_flags.jsonl (set ASSIST_CORPUS)", file=sys.stderr)
        return 2
    print(json.dumps(score_sentence_flags(root), indent=2))
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
