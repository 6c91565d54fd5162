"""``assist classify`` and ``assist categories``: root-cause categories for incident texts."""

from __future__ import annotations

import io
import json
from pathlib import Path

from rich.console import Console
from rich.markup import escape
from rich.table import Table

from ..document import parse
from ..nlp import ModelError, check_language
from ..reading import (
    MAX_BYTES,
    InputError,
    Source,
    check_output,
    expand,
    read_source,
    write_output,
)


def run_classify(
    paths: list[str],
    fmt: str,
    top: int,
    max_bytes: int = MAX_BYTES,
    output: Path | None = None,
) -> int:
    """Classify each input (its root-cause section when it has one); 2 if any input failed."""
    from . import classify_batch

    errors: list[str] = []
    sources: list[Source] = []
    names: list[list[str]] = []
    for arg in paths:
        try:
            names.append(list(expand([arg])))
        except InputError as exc:
            errors.append(str(exc))
    check_output(output, [n for group in names for n in group])
    for group in names:
        try:
            for name in group:
                source = read_source(name, max_bytes)
                check_language(source)
                sources.append(source)
        except InputError as exc:
            errors.append(str(exc))
    focuses = []
    for source in sources:
        doc = parse(source.text, source.name)
        focus = "\n".join(doc.section_text(s) for s in doc.of_kind("root_cause"))
        focuses.append(focus or None)
    try:
        results = classify_batch([s.text for s in sources], focuses=focuses)
    except FileNotFoundError as exc:
        raise ModelError(f"root-cause model missing ({exc.filename}); run `make model`") from None
    buffer = io.StringIO()
    console = Console(file=buffer if output else None, highlight=False)
    err = Console(stderr=True, highlight=False)
    for message in errors:
        err.print(f"[bold red]assist: error:[/] {escape(message)}", soft_wrap=True)
    if fmt == "json":
        payload = [
            {
                "path": s.name,
                **r.model_dump(mode="json"),
                "categories": [c.model_dump(mode="json") for c in r.categories[:top]],
            }
            for s, r in zip(sources, results, strict=True)
        ]
        console.out(
            json.dumps({"version": 1, "files": payload}, indent=2, ensure_ascii=False),
            highlight=False,
        )
    else:
        for source, result in zip(sources, results, strict=True):
            console.print(f"[bold]{escape(source.name)}[/]")
            if result.note:
                console.print(f"  [dim]{escape(result.note)}[/]")
            for c in result.categories[:top]:
                mark = "[green]●[/]" if c.label in result.predicted else "[dim]○[/]"
                console.print(f"  {mark} {c.name} ({c.label}) {c.probability:.0%}", soft_wrap=True)
                if c.evidence and c.label in result.predicted:
                    console.print(
                        f"      [dim]evidence:[/] {escape(c.evidence[:200])}", soft_wrap=True
                    )
    if output is not None:
        write_output(output, buffer.getvalue())
    return 2 if errors else 0


def show_categories() -> int:
    """Print the root-cause taxonomy: id, display name, definition, examples."""
    from . import load_taxonomy

    table = Table("id", "name", "definition", box=None, pad_edge=False)
    for cat in load_taxonomy():
        table.add_row(cat.id, cat.name, cat.definition)
    Console(highlight=False).print(table)
    return 0
