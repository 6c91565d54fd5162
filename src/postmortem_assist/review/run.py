"""The ``assist review`` job: read inputs, review each, render, decide the exit code."""

from __future__ import annotations

import gc
import io
import multiprocessing
from collections import Counter
from concurrent.futures import ProcessPoolExecutor
from pathlib import Path
from typing import TYPE_CHECKING, Any

from rich.console import Console
from rich.markup import escape

from ..config import Settings, load_settings
from ..findings import Finding, Severity
from ..nlp import check_language, full
from ..reading import InputError, Source, check_output, expand, read_source, write_output
from ..render import FileReport
from . import analyse_many, engine_for
from .analysis import Analysis
from .spec import load_rules

if TYPE_CHECKING:
    from spacy.language import Language

err = Console(stderr=True, highlight=False)
#: Documents tokenized together (one ``nlp.pipe`` batch) and held in memory at once.
BATCH = 32


def run_review(
    paths: list[str],
    fmt: str,
    fail_on: Severity | None,
    config: Path | None,
    select: list[str],
    ignore: list[str],
    categories: bool,
    max_bytes: int,
    output: Path | None,
    jobs: int = 1,
) -> int:
    """Review every input; a bad file is reported and the others still reviewed.

    ``jobs`` > 1 reviews in that many processes; the output is the same, in input order.
    """
    if jobs < 1:
        raise InputError("--jobs must be at least 1")
    settings = load_settings(config)
    rules = load_rules()
    settings.check_rule_ids({r.id for r in rules} | {r.family for r in rules}, ignore, select)
    if select:
        settings.disable = sorted({r.family for r in rules})
        settings.enable = list(select)
    settings.disable = [*settings.disable, *ignore]
    reports: list[FileReport] = []
    names = _names(paths, reports)
    check_output(output, names)
    read: list[tuple[int, Source]] = []  # position in ``reports`` (filled below), source
    for name in names:
        try:
            source = read_source(name, max_bytes)
        except InputError as exc:
            reports.append(FileReport(path=name, error=str(exc)))
            continue
        read.append((len(reports), source))
        reports.append(FileReport(path=name))
    # Languages are checked here up to the first English source, so that spaCy and the rules
    # load only when there is something to review; the reviewing processes check the rest.
    first = 0
    while first < len(read):
        pos, source = read[first]
        refusal = _refusal(source)
        if refusal is None:
            break
        reports[pos] = FileReport(path=source.name, error=refusal)
        first += 1
    if first < len(read):
        _map_large_blocks()
        todo = read[first:]
        results = _review_all([s for _, s in todo], settings, categories, jobs)
        for (pos, source), result in zip(todo, results, strict=True):
            if isinstance(result, str):
                reports[pos] = FileReport(path=source.name, error=result)
                continue
            report = reports[pos] = FileReport(path=source.name, crlf=source.crlf)
            report.findings = result[0]
            if categories:
                report.categories = result[1]
    _emit(reports, fmt, output)
    for report in reports:  # per-file errors go to stderr, like the other commands
        if report.error:
            err.print(f"[bold red]assist: error:[/] {escape(report.error)}", soft_wrap=True)
    threshold = (fail_on or settings.fail_on).rank
    if any(r.error for r in reports):
        return 2
    return 1 if any(f.severity.rank >= threshold for r in reports for f in r.findings) else 0


#: glibc's ``mallopt`` parameter for the size from which a block gets its own mapping.
_M_MMAP_THRESHOLD = -3


def _map_large_blocks() -> None:
    """Have the C allocator give every block of 1 MiB or more its own mapping, returned to the
    system when freed (glibc; elsewhere nothing changes).

    glibc raises that threshold each time such a block is freed, up to 32 MiB, so the
    pipeline's large temporary arrays (a batch's tok2vec and parser matrices) then come from
    the heap, which keeps what is freed and fragments: a fixed threshold lowered the peak of
    one process over all 931 corpus postmortems by about 15 MB.
    """
    import ctypes

    try:
        mallopt = ctypes.CDLL(None).mallopt
    except (AttributeError, OSError, TypeError):  # pragma: no cover - not glibc
        return
    mallopt(_M_MMAP_THRESHOLD, 1 << 20)


#: A source's review: its findings and categories (empty unless asked), or why its language
#: was refused.
Result = tuple[list[Finding], list[dict[str, Any]]] | str


def _refusal(source: Source) -> str | None:
    """The error for a source whose text is confidently not English, else None."""
    try:
        check_language(source)
    except InputError as exc:
        return str(exc)
    return None


def _review_chunk(sources: list[Source], settings: Settings, categories: bool) -> list[Result]:
    """Each source's review (see ``Result``), in input order; languages are checked here.

    Sources are analysed ``BATCH`` at a time, so only one batch of spaCy Docs and parses is
    held in memory however many files are reviewed.
    """
    engine = engine_for(settings)
    nlp = full()
    out: list[Result] = [""] * len(sources)
    english = []
    for i, source in enumerate(sources):
        refusal = _refusal(source)
        if refusal is None:
            english.append(i)
        else:
            out[i] = refusal
    for b in range(0, len(english), BATCH):
        ids = english[b : b + BATCH]
        _keep_recurring(nlp, [sources[i].text for i in ids])
        # strings and lexemes the batch adds to the vocabulary are freed after it, so memory
        # stays flat over thousands of files (findings are plain data by then)
        with nlp.memory_zone():
            batch = analyse_many([sources[i] for i in ids], checked=True)
            for i, a, found in zip(ids, batch, engine.review_many(batch), strict=True):
                out[i] = (found, _categories(a) if categories else [])
    return out


#: Most words :func:`_keep_recurring` adds to the vocabulary and the tokenizer's cache
#: (about 200 bytes each; all 931 corpus postmortems keep 14,000).
KEEP_WORDS = 20_000


#: The words :func:`_keep_recurring` has kept in this process.
_KEPT: set[str] = set()


def _keep_recurring(nlp: Language, texts: list[str]) -> None:
    """Tokenize, outside any memory zone, the words (space-separated chunks) that occur more
    than once in a batch's texts, so the batch, and the later ones, find their lexemes in
    the vocabulary and their splits in the tokenizer's cache.

    Inside a memory zone spaCy caches no tokenization and a lexeme lives only until the
    zone ends: every occurrence of a word was split into affixes again, and each batch made
    its lexemes anew (every lexical attribute and lexeme flag computed in Python). Up to
    ``KEEP_WORDS`` words are kept; tokens, and so findings, are the same (the cache holds the
    split the tokenizer computes).
    """
    room = KEEP_WORDS - len(_KEPT)
    if room <= 0:
        return
    counts = Counter(w for text in texts for w in text.split())
    new = [w for w, n in counts.most_common() if n > 1 and w not in _KEPT][:room]
    if new:
        _KEPT.update(new)
        tokenizer: Any = nlp.tokenizer
        # room in spaCy's cache (10,000 chunks by default) for the kept words and the others
        tokenizer.max_cache_size = max(tokenizer.max_cache_size, 10_000 + KEEP_WORDS)
        for word in new:  # one call each: spaCy caches none of a text's words after its
            tokenizer(word)  # first special case (a line break, "it's")


def _review_all(
    sources: list[Source], settings: Settings, categories: bool, jobs: int
) -> list[Result]:
    """Review in ``jobs`` worker processes (results in input order).

    The engine is compiled (spaCy loaded) before the workers fork, so they share it. Chunks
    shrink towards the end (see :func:`_chunk_sizes`), so the workers finish together.
    """
    engine_for(settings)
    # What is loaded by now (spaCy, the model, the rules) lives until the end: the garbage
    # collector skips it from here on (0.81 -> 0.57 s of collections in one process over
    # the corpus), and forked workers do not copy its pages by walking it.
    gc.freeze()
    try:
        return _review_in(sources, settings, categories, jobs)
    finally:
        gc.unfreeze()


def _review_in(
    sources: list[Source], settings: Settings, categories: bool, jobs: int
) -> list[Result]:
    """:func:`_review_all` once the engine is compiled."""
    workers = min(jobs, len(sources))
    if workers <= 1:
        return _review_chunk(sources, settings, categories)
    chunks = []
    start = 0
    for size in _chunk_sizes(len(sources), workers):
        chunks.append(sources[start : start + size])
        start += size
    methods = multiprocessing.get_all_start_methods()
    context = multiprocessing.get_context("fork" if "fork" in methods else None)
    with ProcessPoolExecutor(workers, mp_context=context) as pool:
        done = pool.map(
            _review_chunk, chunks, [settings] * len(chunks), [categories] * len(chunks)
        )
        return [result for chunk in done for result in chunk]


def _chunk_sizes(n: int, workers: int) -> list[int]:
    """Sizes of the consecutive chunks ``n`` sources are reviewed in: a quarter of what is
    left per worker, in whole batches, down to one batch at the end, so that a worker that
    finishes early waits at most for one batch of another's, not for a quarter of its share
    (fewer sources than a batch per worker are shared out evenly)."""
    least = min(BATCH, -(-n // (2 * workers)))
    sizes = []
    while n > 0:
        size = max(least, -(-n // (2 * workers)))
        if size > BATCH:
            size = -(-size // BATCH) * BATCH
        sizes.append(min(n, size))
        n -= sizes[-1]
    return sizes


def _names(paths: list[str], reports: list[FileReport]) -> list[str]:
    """Expand each argument; an argument that names nothing becomes an error report."""
    names: list[str] = []
    for arg in paths:
        try:
            names.extend(expand([arg]))
        except InputError as exc:
            reports.append(FileReport(path=arg, error=str(exc)))
    return names


def _categories(analysis: Analysis) -> list[dict[str, Any]]:
    """Root-cause categories for a reviewed draft (root-cause section as focus)."""
    from ..classify import classify

    doc = analysis.document
    focus = "\n".join(doc.section_text(s) for s in doc.of_kind("root_cause")) or None
    result = classify(doc.text, focus=focus)
    return [c.model_dump() for c in result.categories]


def _emit(reports: list[FileReport], fmt: str, output: Path | None) -> None:
    if fmt == "text":
        from ..render.text import render_text

        if output is None:
            render_text(reports, Console(highlight=False))
            return
        buffer = io.StringIO()  # written only when complete, so a failure leaves no stub
        render_text(reports, Console(file=buffer, highlight=False))
        write_output(output, buffer.getvalue())
        return
    if fmt == "json":
        from ..render.json_out import render_json

        text = render_json(reports)
    else:
        from ..render.sarif import render_sarif

        text = render_sarif(reports, list(load_rules()))
    if output:
        write_output(output, text + "\n")
    else:
        print(text)
