"""The ``assist summarize`` job: read notes, summarize, write markdown or JSON.

Several inputs are merged into one incident by default; ``each=True`` (``--each``) writes
one draft per input into the folder ``output``. A Slack export (folder or zip) is one input.

Exit codes: 0 a draft was written; 2 usage or input error (raised as ``InputError``).
"""

from __future__ import annotations

import json
import re
import sys
import zipfile
from pathlib import Path

from ..reading import InputError, Source, check_output, expand, read_source, write_output

EXIT_OK = 0


def read_inputs(paths: list[str], max_bytes: int) -> list[Source]:
    """Sources of the inputs (files, folders, globs, zipped Slack exports or ``-``); a Slack
    export's day file given alone brings its export's ``users.json`` along (for names)."""
    from ..slack import read_zip

    out: list[Source] = []
    names = list(expand(paths))
    for name in names:
        path = Path(name)
        if name != "-" and path.is_file() and zipfile.is_zipfile(path):
            out.extend(read_zip(path, max_bytes))
        else:
            out.append(read_source(name, max_bytes))
    users = {  # a day file of an export given alone: its users.json names the people
        str(p.parent.parent / "users.json")
        for p in map(Path, names)
        if re.fullmatch(r"\d{4}-\d{2}-\d{2}\.json", p.name)
        and (p.parent.parent / "users.json").is_file()
    }
    known = {str(Path(s.name)) for s in out}
    out += [read_source(u, max_bytes) for u in sorted(users - known)]
    if not out:
        raise InputError("no input given")
    return out


def _render(summary: object, fmt: str) -> str:
    if fmt == "json":
        dump = summary.model_dump(mode="json")  # type: ignore[attr-defined]
        return json.dumps(dump, indent=2, ensure_ascii=False) + "\n"
    return str(summary.draft)  # type: ignore[attr-defined]


def _draft_names(paths: list[str], folder: Path, suffix: str) -> list[Path]:
    """One output file per input, named after it, never twice the same."""
    taken: set[str] = set()
    out = []
    for arg in paths:
        stem = "stdin" if arg == "-" else Path(arg.rstrip("/\\")).name
        stem = re.sub(r"\.(?:txt|md|markdown|log|json|zip|rst)$", "", stem, flags=re.I) or "notes"
        name, n = f"{stem}{suffix}", 2
        while name in taken:
            name, n = f"{stem}-{n}{suffix}", n + 1
        taken.add(name)
        out.append(folder / name)
    return out


def run_summarize(
    paths: list[str],
    fmt: str = "markdown",
    timezone: str | None = None,
    input_format: str | None = None,
    model: Path | None = None,
    max_bytes: int | None = None,
    output: Path | None = None,
    channel: str | None = None,
    each: bool = False,
) -> int:
    """Summarize the notes and write the draft (markdown) or every fact (JSON)."""
    from ..reading import MAX_BYTES
    from . import summarize_sources

    if fmt not in {"markdown", "json"}:
        raise InputError(f"unknown output format {fmt!r} (markdown or json)")
    if model is not None and not (Path(model) / "config.json").is_file():
        raise InputError(f"{model}: not a local model folder (no config.json)")
    limit = max_bytes or MAX_BYTES
    paths = paths or ["-"]
    if each:
        if output is None:
            raise InputError("--each writes one draft per input: give a folder with -o DIR")
        if output.exists() and not output.is_dir():
            raise InputError(f"{output}: --each needs a folder for -o, not a file")
        groups = [read_inputs([p], limit) for p in paths]  # read all first: fail before writing
        try:
            output.mkdir(exist_ok=True)
        except OSError as err:
            raise InputError(f"{output}: cannot create the folder ({err.strerror})") from None
        inputs = {Path(s.name).resolve() for g in groups for s in g if s.name != "<stdin>"}
        targets = _draft_names(paths, output, ".json" if fmt == "json" else ".md")
        for target in targets:
            if target.resolve() in inputs:
                raise InputError(f"{target}: would overwrite an input; pick another -o folder")
        for arg, sources, target in zip(paths, groups, targets, strict=True):
            summary = summarize_sources(
                sources, timezone=timezone, input_format=input_format, model=model,
                channel=channel,
            )  # fmt: skip
            write_output(target, _render(summary, fmt))
            print(f"assist: {arg} -> {target}", file=sys.stderr)
            for warning in summary.warnings:
                print(f"assist: warning: {warning}", file=sys.stderr)
        return EXIT_OK
    check_output(output, expand(paths))
    sources = read_inputs(paths, limit)
    summary = summarize_sources(
        sources, timezone=timezone, input_format=input_format, model=model, channel=channel
    )
    text = _render(summary, fmt)
    if output is not None:
        write_output(output, text)
    else:
        sys.stdout.write(text)
    for warning in summary.warnings:
        print(f"assist: warning: {warning}", file=sys.stderr)
    return EXIT_OK
