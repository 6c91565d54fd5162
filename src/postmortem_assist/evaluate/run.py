"""The ``assist eval`` job: gold sets always, the corpus when present, baselines beside
each system, a rich progress bar, then Markdown/JSON/PNG reports.

Exit codes: 0 complete; 1 complete but some records were skipped (each reported with
file and line); 2 usage or input error (raised as :class:`InputError`).
"""

from __future__ import annotations

import importlib
import inspect
import logging
import os
import platform
import subprocess
import time
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from dataclasses import dataclass, field
from datetime import UTC, datetime
from pathlib import Path
from typing import Any

from rich.console import Console
from rich.progress import BarColumn, MofNCompleteColumn, Progress, TextColumn, TimeElapsedColumn

from .. import corpus as corpus_mod
from ..reading import InputError
from . import gold, review_eval
from .speed import Speed, StageTiming

STAGES = ("review", "summarize", "line-roles", "classify")
SPLITS = ("dev", "test", "all")
EXIT_OK, EXIT_SKIPPED, EXIT_USAGE = 0, 1, 2
err = Console(stderr=True, highlight=False)


@dataclass
class CorpusInput:
    """Where corpus documents come from and what kind of corpus it is."""

    kind: str  # "shared" (the shared-corpus layout), "jsonl" or "markdown"
    path: Path
    root: Path | None = None  # folder of the shared layout


@dataclass
class Options:
    """Parsed ``assist eval`` options."""

    corpus: Path | None = None
    split: str = "test"
    only: list[str] = field(default_factory=list)
    limit: int | None = None
    jobs: int = 1
    out: Path | None = None


def resolve_corpus(path: Path | None) -> CorpusInput | None:
    """The corpus to read: ``--corpus`` (a folder or a JSONL file) or the shared one."""
    if path is None:
        root = corpus_mod.corpus_dir()
        return CorpusInput("shared", root, root) if root else None
    if path.is_file():
        if path.suffix != ".jsonl":
            raise InputError(f"{path}: --corpus takes a folder or a .jsonl file")
        return CorpusInput("jsonl", path)
    if path.is_dir():
        if (path / "postmortems.jsonl").is_file():
            return CorpusInput("shared", path, path)
        if any(path.glob("*.md")):
            return CorpusInput("markdown", path)
        raise InputError(f"{path}: no postmortems.jsonl and no *.md files in it")
    raise InputError(f"{path}: no such file or folder")


def corpus_docs(
    src: CorpusInput, split: str | None, limit: int | None, skips: gold.Skips
) -> list[tuple[str, str]]:
    """(id, text) of the corpus documents to review, malformed records skipped."""
    docs: list[tuple[str, str]] = []
    if src.kind == "shared":
        stats = corpus_mod.ReadStats()
        for p in corpus_mod.iter_postmortems(split, root=src.root, stats=stats):
            docs.append((p.id, p.text))
            if limit is not None and len(docs) >= limit:
                break
        _stats_to_skips(stats, skips)
    elif src.kind == "jsonl":
        stats = corpus_mod.ReadStats()
        for obj in corpus_mod.iter_jsonl(src.path, split, stats):
            text = obj.get("text")
            if text is None and obj.get("file"):
                md = src.path.parent / str(obj["file"])
                text = md.read_text(encoding="utf-8") if md.is_file() else ""
            if not isinstance(text, str):
                skips.add(src.path, None, f"{obj['id']}: no 'text' or 'file'")
                continue
            docs.append((str(obj["id"]), text))
            if limit is not None and len(docs) >= limit:
                break
        _stats_to_skips(stats, skips)
    else:
        from ..reading import read_source

        for md in sorted(src.path.glob("*.md"))[:limit]:
            try:
                docs.append((md.name, read_source(str(md)).text))
            except InputError as exc:
                skips.add(md, None, str(exc))
    return docs


def _stats_to_skips(stats: corpus_mod.ReadStats, skips: gold.Skips) -> None:
    for where in stats.skipped:
        file, _, line = where.rpartition(":")
        skips.add(file, int(line) if line.isdigit() else None, "malformed JSON record")


def machine() -> dict[str, Any]:
    """CPU count, memory and platform of this run."""
    mem_gb = None
    try:
        for line in Path("/proc/meminfo").read_text().splitlines():
            if line.startswith("MemTotal:"):
                mem_gb = round(int(line.split()[1]) / 2**20, 1)
    except OSError:
        pass
    try:
        usable = len(os.sched_getaffinity(0))
    except AttributeError:
        usable = os.cpu_count() or 1
    return {
        "nproc": usable,
        "memory_gb": mem_gb,
        "platform": platform.platform(),
        "python": platform.python_version(),
        "cpu": platform.processor() or platform.machine(),
    }


def _git_commit() -> str | None:
    try:
        out = subprocess.run(
            ["git", "rev-parse", "--short", "HEAD"],
            capture_output=True,
            text=True,
            timeout=5,
            cwd=Path(__file__).resolve().parent,
        )
        return out.stdout.strip() or None
    except (OSError, subprocess.SubprocessError):
        return None


class Bar:
    """A rich progress bar with one task per stage (quiet when stderr is not a TTY)."""

    def __init__(self) -> None:
        self.progress = Progress(
            TextColumn("[bold]{task.description:<34}"),
            BarColumn(),
            MofNCompleteColumn(),
            TimeElapsedColumn(),
            console=err,
            transient=False,
        )

    @contextmanager
    def task(self, name: str, total: int) -> Iterator[Callable[[int], None]]:
        tid = self.progress.add_task(name, total=max(total, 1))
        try:
            yield lambda n: self.progress.advance(tid, n)
        finally:
            self.progress.update(tid, completed=max(total, 1))


@contextmanager
def _step(
    speed: Speed, bar: Bar, name: str, total: int
) -> Iterator[tuple[StageTiming, Callable[[int], None]]]:
    """A timed stage with its own progress-bar line."""
    with speed.stage(name) as st, bar.task(name, total) as adv:
        yield st, adv


def run_review(
    opts: Options, src: CorpusInput | None, skips: gold.Skips, speed: Speed, bar: Bar
) -> dict[str, Any]:
    """Gold spans vs proselint, gold drafts, corpus flag rates, coded action items."""
    from ..review import engine_for

    out: dict[str, Any] = {}
    gdir = gold.gold_dir()
    items = gold.load_review_gold(gdir / "review.jsonl", skips)
    drafts = gold.load_drafts(gdir / "drafts.jsonl", skips)
    with speed.stage("review: load rules") as st:
        engine_for()
        st.note = "compile rules, load spaCy"
    with _step(speed, bar, "review: gold snippets", len(items)) as (st, adv):
        hits = review_eval.gold_hits(items, skips)
        adv(len(items))
        st.docs = len(items)
    with _step(speed, bar, "proselint: gold snippets", len(items)) as (st, adv):
        p_hits = review_eval.proselint_hits(items)
        adv(len(items))
        st.docs = len(items)
    out["gold"] = review_eval.score_gold(items, hits)
    out["gold_any_span"] = {
        "assist": review_eval.score_any_span(items, hits),
        "proselint": review_eval.score_any_span(items, p_hits),
        "proselint_top_checks": review_eval.top_checks(p_hits),
    }
    with _step(speed, bar, "review: gold drafts", len(drafts)) as (st, adv):
        out["drafts"] = review_eval.score_drafts(drafts, skips)
        adv(len(drafts))
        st.docs = len(drafts)
    if src is None:
        return out
    split = None if opts.split == "all" else opts.split
    docs = corpus_docs(src, split, opts.limit, skips)
    with _step(speed, bar, "review: corpus", len(docs)) as (st, adv):
        results = review_eval.review_corpus(docs, opts.jobs, adv)
        st.docs = len(docs)
        st.note = f"jobs={opts.jobs}"
    for r in results:
        if r.error:
            where = src.root / "postmortems" / f"{r.id}.md" if src.root else src.path / r.id
            skips.add(where, None, r.error)
    out["corpus"] = review_eval.flag_rates(results)
    if src.root and (src.root / "sentence_flags.jsonl").is_file():
        n = len((src.root / "sentence_flags.jsonl").read_text(encoding="utf-8").splitlines())
        with _step(speed, bar, "review: real sentences (dev CV)", n) as (st, adv):
            out["sentence_flags"] = review_eval.score_sentence_flags(src.root, adv)
            st.docs = out["sentence_flags"]["documents"]
            st.note = "rules vs rules+model, grouped 5-fold CV by company"
        with speed.stage("review: cost with and without the model") as st:
            out["cost"] = review_eval.review_cost(docs)
    if src.root and (src.root / "action_items.jsonl").is_file():
        stats = corpus_mod.ReadStats()
        # all splits: the file holds only 4 vague items in total (none tunes the rule)
        recs = list(corpus_mod.iter_jsonl(src.root / "action_items.jsonl", None, stats))
        _stats_to_skips(stats, skips)
        with _step(speed, bar, "review: action items", len(recs)) as (st, adv):
            out["action_items"] = review_eval.score_action_items(recs, skips)
            adv(len(recs))
            st.docs = 2 * out["action_items"]["coded"]
    return out


def run_summarize(
    opts: Options,
    src: CorpusInput | None,
    skips: gold.Skips,
    speed: Speed,
    bar: Bar,
    notes: list[str],
) -> dict[str, Any]:
    """ROUGE vs baselines (the summarize team's ``evaluate.summaries``) and fact accuracy."""
    out: dict[str, Any] = {}
    try:
        mod = importlib.import_module("postmortem_assist.evaluate.summaries")
    except ImportError as exc:
        notes.append(f"summarize ROUGE skipped: evaluate.summaries is not available ({exc})")
        mod = None
    fn = None
    if mod is not None:
        names = ("evaluate_summaries", "evaluate", "run", "score")
        fn = next((getattr(mod, n) for n in names if callable(getattr(mod, n, None))), None)
        if fn is None:
            notes.append("summarize ROUGE skipped: evaluate.summaries has no evaluate function")
    if fn is not None and src is not None and src.kind == "shared":
        split = "test" if opts.split == "all" else opts.split
        if opts.split == "all":
            notes.append("summarize ROUGE is scored on test only (report on test, tune on dev)")
        offered = {"split": split, "limit": opts.limit, "jobs": opts.jobs, "root": src.root}
        params = inspect.signature(fn).parameters
        kwargs = {k: v for k, v in offered.items() if k in params}
        with _step(speed, bar, "summarize: corpus ROUGE", 1) as (st, adv):
            try:
                out["rouge"] = fn(**kwargs)
                st.docs = int(_find_count(out["rouge"]) or 0)
            except Exception as exc:  # another team's code in progress: report, go on
                notes.append(f"summarize ROUGE failed: {type(exc).__name__}: {exc}")
            adv(1)
    elif fn is not None:
        notes.append("summarize ROUGE skipped: needs the shared-corpus layout (author summaries)")
    try:
        from ..summarize import summarize  # type: ignore[attr-defined,unused-ignore]
    except ImportError as exc:
        notes.append(f"summarize fact accuracy skipped: postmortem_assist.summarize ({exc})")
        return out
    from .facts import score_note_set

    sets = gold.load_note_sets(gold.gold_dir() / "notes", skips)
    per: dict[str, Any] = {}
    with _step(speed, bar, "summarize: gold notes", len(sets)) as (st, adv):
        for ns in sets:
            try:
                result = _call_summarize(summarize, ns.path)
                per[ns.name] = score_note_set(ns, result)
            except InputError as exc:
                skips.add(ns.path, None, str(exc))
            except Exception as exc:  # in-progress code: one failure, not a crash
                per[ns.name] = {"error": f"{type(exc).__name__}: {exc}", "passed": 0, "total": 0}
            adv(1)
        st.docs = len(sets)
    passed = sum(v.get("passed", 0) for v in per.values())
    total = sum(v.get("total", 0) for v in per.values())
    out["facts"] = {
        "per_set": per,
        "passed": passed,
        "total": total,
        "accuracy": round(passed / total, 4) if total else None,
    }
    return out


def run_line_roles(
    src: CorpusInput | None, speed: Speed, bar: Bar, notes: list[str]
) -> dict[str, Any]:
    """Timeline line roles: grouped 5-fold CV on dev, the model and today's cues side by side.

    Dev only, whatever ``--split`` says: the test timelines are kept back for the product.
    """
    if src is None or src.kind != "shared" or src.root is None:
        notes.append("line roles skipped: needs the shared corpus with timeline_roles.jsonl")
        return {}
    from ..summarize.train_line_roles import embeddings, load_timelines, tuning_states
    from .line_roles_eval import evaluate, table

    timelines = load_timelines(src.root)
    if not timelines:
        notes.append("line roles skipped: no timeline_roles.jsonl in the corpus")
        return {}
    with _step(speed, bar, "line-roles: dev grouped CV", 1) as (st, adv):
        result = evaluate(timelines, embeddings(timelines), tuning_states(timelines))
        result["table"] = table(result)
        st.docs = len(timelines)
        adv(1)
    return result


def _call_summarize(summarize: Callable[..., Any], path: Path) -> Any:
    """``summarize`` takes paths (files, globs); older drafts of it took text."""
    params = list(inspect.signature(summarize).parameters)
    if params and params[0] in ("sources", "paths", "path"):
        return summarize([str(path)])
    from ..reading import read_source

    return summarize(read_source(str(path)).text)


def _find_count(obj: Any) -> int | None:
    if isinstance(obj, dict):
        for k in ("documents", "n_documents", "docs", "n"):
            if isinstance(obj.get(k), int):
                return int(obj[k])
    return None


def run_classify(
    opts: Options, src: CorpusInput | None, speed: Speed, bar: Bar, notes: list[str]
) -> dict[str, Any]:
    """Root-cause model vs keyword, zero-shot and plain-LR baselines (needs the shared corpus)."""
    if src is None or src.kind != "shared":
        notes.append("classify skipped: needs the shared-corpus layout (labels and split)")
        return {}
    from .classify_eval import ClassifyUnavailable, evaluate_classifier

    os.environ[corpus_mod.ENV_VAR] = str(src.root)
    with _step(speed, bar, "classify: corpus", 1) as (st, adv):
        try:
            res = evaluate_classifier(opts.split, opts.limit)
        except ClassifyUnavailable as exc:
            notes.append(f"classify skipped: {exc}")
            st.note = "skipped (see notes)"
            return {}
        adv(1)
        st.docs = sum(b["model"]["n_records"] for b in res["groups"].values())
        st.note = f"zero-shot margin from {res['zero_shot_margin_source']}"
    notes.extend(res.pop("notes", []))
    return res


def run_eval(opts: Options) -> tuple[dict[str, Any], int]:
    """Run every selected stage; return the results and the exit code."""
    if opts.split not in SPLITS:
        raise InputError(f"--split must be one of {', '.join(SPLITS)}")
    bad = [s for s in opts.only if s not in STAGES]
    if bad:
        raise InputError(f"--only takes {', '.join(STAGES)} (got {', '.join(bad)})")
    if opts.limit is not None and opts.limit < 1:
        raise InputError("--limit must be at least 1")
    if opts.jobs < 1:
        raise InputError("--jobs must be at least 1")
    stages = opts.only or list(STAGES)
    t0 = time.perf_counter()
    src = resolve_corpus(opts.corpus)
    skips, speed, notes = gold.Skips(), Speed(), []
    if src is None:
        notes.append("shared corpus not found (../shared/corpus or $ASSIST_CORPUS): gold sets only")
    logging.getLogger("postmortem_assist.corpus").setLevel(logging.ERROR)  # reported below
    results: dict[str, Any] = {}
    bar = Bar()
    with bar.progress:
        if "review" in stages:
            results["review"] = run_review(opts, src, skips, speed, bar)
        if "summarize" in stages:
            results["summarize"] = run_summarize(opts, src, skips, speed, bar, notes)
        if "line-roles" in stages:
            results["line_roles"] = run_line_roles(src, speed, bar, notes)
        if "classify" in stages:
            results["classify"] = run_classify(opts, src, speed, bar, notes)
    wall = time.perf_counter() - t0
    report = {
        "meta": {
            "date": datetime.now(UTC).strftime("%Y-%m-%d %H:%M UTC"),
            "machine": machine(),
            "commit": _git_commit(),
            "corpus": None if src is None else {"kind": src.kind, "path": str(src.path)},
            "split": opts.split,
            "stages": stages,
            "limit": opts.limit,
            "jobs": opts.jobs,
            "wall_seconds": round(wall, 1),
        },
        "notes": notes,
        "skipped": {"count": len(skips), "records": skips.as_list()},
        **results,
        "speed": speed.as_dict(),
    }
    return report, EXIT_SKIPPED if len(skips) else EXIT_OK


def run_cli(opts: Options, compare: tuple[Path, Path] | None = None) -> int:
    """What the ``eval`` command does: compare two reports, or run and report."""
    if compare is not None:
        from .compare import compare_files

        print(compare_files(*compare))
        return EXIT_OK
    report, code = run_eval(opts)
    for s in report["skipped"]["records"]:
        where = f"{s['file']}:{s['line']}" if s["line"] else s["file"]
        err.print(f"[yellow]skipped[/] {where}: {s['reason']}", soft_wrap=True, markup=True)
    for note in report["notes"]:
        err.print(f"[cyan]note:[/] {note}", soft_wrap=True)
    from .report import markdown, write

    if opts.out is not None:
        written = write(report, opts.out)
        err.print(f"wrote {', '.join(str(p) for p in written)}", soft_wrap=True)
    else:
        print(markdown(report))
    err.print(
        f"done in {report['meta']['wall_seconds']} s; {report['skipped']['count']} record(s) "
        "skipped" + (" (exit 1)" if code else ""),
        soft_wrap=True,
    )
    return code
