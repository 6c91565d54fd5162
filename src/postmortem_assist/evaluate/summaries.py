"""ROUGE of the generated Issue Summary against authors' summaries, with baselines.

    .venv/bin/python -m postmortem_assist.evaluate.summaries --split test [--json out.json]

Each corpus postmortem with an author summary is cut into "notes" (the document without
its summary sections, via ``section_spans``) and a reference (the summary). On the notes
we run ``summarize`` and three baselines in the same pass: lead-3, LexRank and TextRank
(sumy, with a regex tokenizer because NLTK data cannot be downloaded), plus an oracle of
the 3 note sentences that maximise ROUGE-L against the reference. ROUGE-1/2/L F-measure
with stemming (rouge-score). Also: how often the Issue Summary states duration, impact and
cause (the ``assist review`` structure rules, applied to the summary alone).
"""

from __future__ import annotations

import argparse
import json
import re
import sys
import time
from collections.abc import Callable
from pathlib import Path
from typing import Any

MIN_NOTE_WORDS = 30
N_SENTENCES = 3
METRICS = ("rouge1", "rouge2", "rougeL")
_SENT = re.compile(r"(?<=[.!?])\s+(?=[A-Z0-9\"'(\[])|\n\s*\n|\n\s*(?=[-*•]\s)")
_WORD = re.compile(r"[A-Za-z0-9]+(?:['’.-][A-Za-z0-9]+)*")


class RegexTokenizer:
    """Sentence and word tokenizer for sumy (its default needs NLTK data)."""

    language = "english"

    def to_sentences(self, paragraph: str) -> tuple[str, ...]:
        return tuple(split_sentences(paragraph))

    def to_words(self, sentence: str) -> tuple[str, ...]:
        return tuple(_WORD.findall(sentence))


def split_sentences(text: str) -> list[str]:
    """Sentences of plain/markdown text, headings and markup removed, >= 4 words."""
    text = re.sub(r"^\s{0,3}#{1,6}\s.*$", "\n", text, flags=re.M)
    out = []
    for part in _SENT.split(text):
        part = re.sub(r"[*_`>|]+", " ", part)
        part = re.sub(r"^\s*[-*•]\s+", "", part)
        part = re.sub(r"\s+", " ", part).strip()
        if len(part.split()) >= 4:
            out.append(part)
    return out


def notes_and_reference(text: str, spans: dict[str, list[list[int]]]) -> tuple[str, str]:
    """The document without its summary sections, and the summary text."""
    cuts = sorted((int(a), int(b)) for a, b in spans.get("summary", []))
    reference = "\n\n".join(text[a:b] for a, b in cuts)
    notes, pos = [], 0
    for a, b in cuts:
        head = text.rfind("\n", 0, max(a - 1, 0))  # drop the summary heading line too
        start = head + 1 if head >= pos and re.match(r"\s*#", text[head + 1 : a]) else a
        notes.append(text[pos:start])
        pos = b
    notes.append(text[pos:])
    return "".join(notes), reference


def load_documents(split: str) -> list[dict[str, str]]:
    """Corpus documents with an author summary and >= 30 words of notes."""
    from ..corpus import iter_postmortems

    docs = []
    for pm in iter_postmortems(split):
        if not pm.section_spans.get("summary"):
            continue
        notes, reference = notes_and_reference(pm.text, pm.section_spans)
        if len(reference.split()) < 3 or len(notes.split()) < MIN_NOTE_WORDS:
            continue
        docs.append({"id": pm.id, "notes": notes, "reference": reference})
    return docs


def _sumy(kind: str) -> Callable[[str], str]:
    from sumy.parsers.plaintext import PlaintextParser
    from sumy.summarizers.lex_rank import LexRankSummarizer
    from sumy.summarizers.text_rank import TextRankSummarizer

    summarizer = LexRankSummarizer() if kind == "lexrank" else TextRankSummarizer()
    tokenizer = RegexTokenizer()

    def run(notes: str) -> str:
        sentences = split_sentences(notes)
        if not sentences:
            return ""
        parser = PlaintextParser.from_string("\n".join(sentences), tokenizer)
        return " ".join(str(s) for s in summarizer(parser.document, N_SENTENCES))

    return run


def lead3(notes: str) -> str:
    """The first three sentences of the notes."""
    return " ".join(split_sentences(notes)[:N_SENTENCES])


def oracle(notes: str, reference: str, scorer: Any) -> str:
    """Greedy choice of up to 3 note sentences maximising ROUGE-L F against the reference."""
    sentences = split_sentences(notes)[:200]
    chosen: list[int] = []
    best = 0.0
    for _ in range(N_SENTENCES):
        gains = []
        for i in range(len(sentences)):
            if i in chosen:
                continue
            text = " ".join(sentences[j] for j in sorted([*chosen, i]))
            gains.append((scorer.score(reference, text)["rougeL"].fmeasure, i))
        if not gains:
            break
        score, i = max(gains)
        if score <= best:
            break
        best, chosen = score, [*chosen, i]
    return " ".join(sentences[j] for j in sorted(chosen))


def ours(notes: str, name: str) -> tuple[str, dict[str, bool]]:
    """The Issue Summary ``summarize`` writes for the notes ("" when it refuses them)."""
    from ..reading import InputError, Source
    from ..summarize import summarize_sources

    try:
        summary = summarize_sources(
            [Source(name, notes)], input_format="markdown", categories=False, check=False
        )
    except InputError:
        return "", {}
    return summary.issue_summary, {
        "duration": summary.durations.total is not None,
        "impact": bool(summary.impact),
        "cause": bool(summary.cause),
    }


def presence(texts: list[str]) -> dict[str, float]:
    """Share of summaries that state duration, impact and cause (review structure rules)."""
    from ..config import Settings
    from ..review import review_text

    settings = Settings(disable=["blame", "clarity", "actions"])
    counts = {"duration": 0, "impact": 0, "cause": 0}
    for text in texts:
        if not text.strip():
            continue
        rules = {
            f.rule
            for f in review_text(f"## Issue Summary\n\n{text}\n", "<summary>", settings)
            if f.rule.startswith("structure/summary-no-")
        }
        for fact in counts:
            counts[fact] += f"structure/summary-no-{fact}" not in rules
    n = max(len(texts), 1)
    return {k: round(v / n, 3) for k, v in counts.items()}


def evaluate(split: str = "test", limit: int | None = None) -> dict[str, Any]:
    """ROUGE-1/2/L F of ours and each baseline on one split; presence rates; timing."""
    from rouge_score import rouge_scorer

    docs = load_documents(split)[:limit]
    if not docs:
        return {"split": split, "n": 0, "note": "corpus not present or no documents"}
    scorer = rouge_scorer.RougeScorer(list(METRICS), use_stemmer=True)
    lexrank, textrank = _sumy("lexrank"), _sumy("textrank")
    systems: dict[str, Callable[[dict[str, str]], str]] = {
        "lead-3": lambda d: lead3(d["notes"]),
        "lexrank": lambda d: lexrank(d["notes"]),
        "textrank": lambda d: textrank(d["notes"]),
        "oracle-3": lambda d: oracle(d["notes"], d["reference"], scorer),
    }
    outputs: dict[str, list[str]] = {name: [] for name in ["assist", *systems]}
    started = time.perf_counter()
    found = {"duration": 0, "impact": 0, "cause": 0}
    for doc in docs:
        text, flags = ours(doc["notes"], doc["id"])
        outputs["assist"].append(text)
        for key, value in flags.items():
            found[key] += int(value)
    ours_seconds = time.perf_counter() - started
    for name, run in systems.items():
        outputs[name] = [run(doc) for doc in docs]
    table: dict[str, dict[str, float]] = {}
    for name, texts in outputs.items():
        sums = dict.fromkeys(METRICS, 0.0)
        for doc, text in zip(docs, texts, strict=True):
            scores = scorer.score(doc["reference"], text)
            for m in METRICS:
                sums[m] += scores[m].fmeasure
        table[name] = {m: round(v / len(docs), 4) for m, v in sums.items()}
    return {
        "split": split,
        "n": len(docs),
        "rouge_f": table,
        "presence": {
            "assist": presence(outputs["assist"]),
            "reference": presence([d["reference"] for d in docs]),
        },
        "facts_extracted": {k: round(v / len(docs), 3) for k, v in found.items()},
        "empty_summaries": sum(1 for t in outputs["assist"] if not t.strip()),
        "seconds_per_document": round(ours_seconds / len(docs), 3),
    }


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description="ROUGE of assist summarize vs baselines")
    parser.add_argument("--split", default="test", choices=["dev", "test"])
    parser.add_argument("--limit", type=int, default=None)
    parser.add_argument("--json", type=Path, default=None, help="Also write the results here.")
    args = parser.parse_args(argv)
    result = evaluate(args.split, args.limit)
    text = json.dumps(result, indent=2)
    print(text)
    if args.json:
        args.json.write_text(text + "\n", encoding="utf-8")
    return 0 if result.get("n") else 1


if __name__ == "__main__":
    sys.exit(main())
