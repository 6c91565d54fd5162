"""The ``assist audit`` and ``assist similar`` jobs: read inputs, run, write, exit code.

Exit codes: 0 every input audited; 1 done, but some inputs were skipped (each named on
stderr in one line); 2 nothing usable (no input, empty folder, every file unreadable) or a
usage error.
"""

from __future__ import annotations

import json
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path

from rich.console import Console
from rich.progress import BarColumn, MofNCompleteColumn, Progress, TextColumn, TimeElapsedColumn
from rich.text import Text

from ..reading import MAX_BYTES, InputError, Source, expand, read_source
from .causes import THRESHOLD
from .pipeline import Advance

err = Console(stderr=True, highlight=False)
STAGES = {"review": "reviewing", "classify": "classifying", "causes": "comparing causes"}


def _skip(message: str) -> None:
    err.print(Text.assemble(("assist: skipped: ", "yellow"), message), soft_wrap=True)


def read_inputs(
    paths: list[str], max_bytes: int, exclude: Path | None = None, task: str = "audit"
) -> tuple[list[Source], int]:
    """Read every input that can be read; name each one that cannot (sources, skipped).

    When nothing at all is readable the error is one line: the only problem, or a count.
    """
    sources: list[Source] = []
    problems: list[str] = []
    seen: set[str] = set()
    for arg in paths:
        try:
            names = list(expand([arg]))
        except InputError as exc:
            problems.append(str(exc))
            continue
        for name in names:
            if name in seen or (exclude and Path(name).resolve().is_relative_to(exclude)):
                continue  # the report folder of an earlier run inside the archive
            seen.add(name)
            try:
                sources.append(read_source(name, max_bytes))
            except InputError as exc:
                problems.append(str(exc))
    if not sources and len(problems) == 1:
        raise InputError(f"nothing to {task}: {problems[0]}")
    for problem in problems:
        _skip(problem)
    if not sources:
        raise InputError(f"nothing to {task}: none of the {len(problems)} inputs is readable")
    return sources, len(problems)


@contextmanager
def progress_bar(total: int) -> Iterator[Advance]:
    """A rich progress bar on stderr, one line per stage; silent when stderr is no terminal."""
    bar = Progress(
        TextColumn("{task.description:<18}"),
        BarColumn(),
        MofNCompleteColumn(),
        TimeElapsedColumn(),
        console=err,
        transient=False,
        disable=not err.is_terminal,
    )
    tasks = {s: bar.add_task(label, total=total, start=False) for s, label in STAGES.items()}

    def advance(stage: str, n: int) -> None:
        bar.start_task(tasks[stage])  # the clock of a stage starts with its first batch
        bar.advance(tasks[stage], n)

    with bar:
        yield advance


def run_audit(
    paths: list[str],
    out_dir: Path,
    jobs: int = 1,
    threshold: float | None = None,
    max_bytes: int = MAX_BYTES,
) -> int:
    """Audit every readable input and write the report files into ``out_dir``."""
    threshold = THRESHOLD if threshold is None else threshold
    from .pipeline import audit_sources
    from .report import write_report

    if jobs < 1:
        raise InputError("--jobs must be at least 1")
    if not 0 < threshold < 1:
        raise InputError("--threshold must be between 0 and 1")
    if out_dir.exists() and not out_dir.is_dir():
        raise InputError(f"{out_dir}: exists and is not a directory")
    sources, skipped = read_inputs(paths, max_bytes, exclude=out_dir.resolve())
    with progress_bar(len(sources)) as advance:
        archive = audit_sources(sources, jobs, threshold, advance)
    for s in archive.skipped:
        _skip(s["error"])
    if not archive.scorecards:
        raise InputError("nothing to audit: no input could be reviewed")
    written = write_report(archive, out_dir)
    t = archive.views.total
    print(
        f"{archive.documents} postmortems audited, mean score {t.mean_score:.0f}/100, "
        f"{len(archive.recurring)} recurring groups; wrote {', '.join(str(p) for p in written)}"
    )
    return 1 if skipped or archive.skipped else 0


def run_similar(
    path: str, pool: list[str], top: int = 5, fmt: str = "text", max_bytes: int = MAX_BYTES
) -> int:
    """Print the past postmortems most like ``path``, with the sentences that match."""
    from .similar import similar

    draft = read_source(path, max_bytes)
    past, skipped = read_inputs(pool, max_bytes, task="compare with")
    matches = similar(draft, past, top)
    if fmt == "json":
        print(json.dumps([m.model_dump() for m in matches], indent=1, ensure_ascii=False))
    else:
        out = Console(highlight=False, soft_wrap=True)
        if not matches:
            out.print("no similar postmortem found (the draft states no cause to compare)")
        for n, m in enumerate(matches, 1):
            head = f" ({m.date or 'undated'}) similarity {m.similarity:.2f}\n   {m.title}"
            out.print(Text.assemble((f"{n}. {m.path}", "bold"), head))
            out.print(f"   draft: {m.draft_sentence}", markup=False)
            out.print(f"   past:  {m.sentence}  ({m.sentence_similarity:.2f})", markup=False)
    return 1 if skipped else 0
