"""The ``assist`` command line: parse options, call the API, render, set the exit code.

Exit codes: 0 no findings at or above ``--fail-on``; 1 findings; 2 usage or input error;
3 internal error.
"""

from __future__ import annotations

import sys
from enum import StrEnum
from pathlib import Path
from typing import Annotated

import typer
from rich.console import Console

from .findings import Severity
from .reading import MAX_BYTES, InputError

app = typer.Typer(
    add_completion=False,
    no_args_is_help=True,
    help="Local NLP assistant for blameless, clear incident postmortems.",
    pretty_exceptions_enable=False,
)
err = Console(stderr=True, highlight=False)

EXIT_OK, EXIT_FINDINGS, EXIT_INPUT, EXIT_INTERNAL = 0, 1, 2, 3


class OutputFormat(StrEnum):
    text = "text"
    json = "json"
    sarif = "sarif"


def fail(message: str, code: int = EXIT_INPUT) -> typer.Exit:
    """Print one error line to stderr and return the Exit to raise."""
    err.print(f"[bold red]assist: error:[/] {message}", soft_wrap=True)
    return typer.Exit(code)


@app.command()
def review(
    paths: Annotated[
        list[str], typer.Argument(help="Draft files, directories, globs, or - for stdin.")
    ],
    fmt: Annotated[
        OutputFormat, typer.Option("--format", "-f", help="Output format.")
    ] = OutputFormat.text,
    fail_on: Annotated[
        Severity | None,
        typer.Option(
            help="Lowest severity that makes the exit code 1 (default from config: warning)."
        ),
    ] = None,
    config: Annotated[
        Path | None, typer.Option(help="Config file (.assist.toml or pyproject.toml).")
    ] = None,
    select: Annotated[list[str] | None, typer.Option(help="Only these rules or families.")] = None,
    ignore: Annotated[list[str] | None, typer.Option(help="Skip these rules or families.")] = None,
    categories: Annotated[
        bool, typer.Option(help="Add likely root-cause categories (loads the classifier).")
    ] = False,
    max_bytes: Annotated[int, typer.Option(help="Largest input accepted, in bytes.")] = MAX_BYTES,
    output: Annotated[
        Path | None, typer.Option("--output", "-o", help="Write the report here instead of stdout.")
    ] = None,
    jobs: Annotated[
        int, typer.Option("--jobs", "-j", help="Worker processes (output order is unchanged).")
    ] = 1,
) -> None:
    """Review postmortem drafts like a linter: structure, blame, clarity, actions."""
    from .review.run import run_review

    code = run_review(
        paths, fmt.value, fail_on, config, select or [], ignore or [], categories, max_bytes,
        output, jobs,
    )  # fmt: skip
    raise typer.Exit(code)


class DraftFormat(StrEnum):
    markdown = "markdown"
    json = "json"


class InputShape(StrEnum):
    slack = "slack"
    chat = "chat"
    ic_log = "ic-log"
    iso_log = "iso-log"
    month_chat = "month-chat"
    markdown = "markdown"
    plain = "plain"


@app.command()
def summarize(
    paths: Annotated[
        list[str] | None,
        typer.Argument(
            help="Notes, chat logs, Slack exports (folder or zip); - for stdin. Several inputs "
            "are merged into one incident unless --each is given."
        ),
    ] = None,
    fmt: Annotated[
        DraftFormat, typer.Option("--format", "-f", help="Output format.")
    ] = DraftFormat.markdown,
    input_format: Annotated[
        InputShape | None, typer.Option(help="Shape of the notes (detected when omitted).")
    ] = None,
    timezone: Annotated[
        str | None, typer.Option(help="Zone of times that state none (e.g. Europe/Berlin).")
    ] = None,
    model: Annotated[
        Path | None, typer.Option(help="Local seq2seq model folder for an abstractive rewrite.")
    ] = None,
    max_bytes: Annotated[int, typer.Option(help="Largest input accepted, in bytes.")] = MAX_BYTES,
    output: Annotated[
        Path | None,
        typer.Option(
            "--output", "-o", help="Write the draft here instead of stdout (a folder with --each)."
        ),
    ] = None,
    channel: Annotated[
        str | None,
        typer.Option(
            help="Slack export channel(s) to read, comma-separated (default: the incident "
            "channel, else all of up to four)."
        ),
    ] = None,
    each: Annotated[
        bool,
        typer.Option(
            "--each/--merge",
            help="--each: one draft per input, written to -o DIR. --merge (default): all inputs "
            "are one incident.",
        ),
    ] = False,
) -> None:
    """Draft a postmortem from raw incident notes: timeline, facts, open questions."""
    from .summarize.run import run_summarize

    code = run_summarize(
        paths or ["-"], fmt.value, timezone, input_format.value if input_format else None,
        model, max_bytes, output, channel, each,
    )  # fmt: skip
    raise typer.Exit(code)


@app.command("rules")
def rules_cmd(
    rule: Annotated[
        str | None, typer.Argument(help="A rule id (e.g. blame/human-error) or a family.")
    ] = None,
) -> None:
    """List every review rule, or show one rule's documentation and examples."""
    from .review.docs import show_rules

    raise typer.Exit(show_rules(rule))


class ClassifyFormat(StrEnum):
    text = "text"
    json = "json"


@app.command()
def classify(
    paths: Annotated[list[str], typer.Argument(help="Postmortems or notes, or - for stdin.")],
    fmt: Annotated[
        ClassifyFormat, typer.Option("--format", "-f", help="Output format.")
    ] = ClassifyFormat.text,
    top: Annotated[int, typer.Option(min=1, max=11, help="Categories to show.")] = 3,
    max_bytes: Annotated[int, typer.Option(help="Largest input accepted, in bytes.")] = MAX_BYTES,
    output: Annotated[
        Path | None, typer.Option("--output", "-o", help="Write the result here instead of stdout.")
    ] = None,
) -> None:
    """Name the likely root-cause categories of incidents, with probabilities."""
    from .classify.run import run_classify

    raise typer.Exit(run_classify(paths, fmt.value, top, max_bytes, output))


@app.command()
def categories() -> None:
    """List the root-cause categories (the taxonomy the classifier uses)."""
    from .classify.run import show_categories

    raise typer.Exit(show_categories())


@app.command("eval")
def eval_cmd(
    corpus: Annotated[
        Path | None, typer.Option(help="Corpus folder or JSONL (default: ../shared/corpus).")
    ] = None,
    split: Annotated[str, typer.Option(help="Corpus split: dev, test or all.")] = "test",
    only: Annotated[
        list[str] | None,
        typer.Option(help="Only these stages: review, summarize, line-roles, classify."),
    ] = None,
    limit: Annotated[int | None, typer.Option(help="At most N corpus documents.")] = None,
    jobs: Annotated[int, typer.Option(help="Worker processes for reviewing the corpus.")] = 1,
    out: Annotated[
        Path | None, typer.Option(help="Write report.md, report.json and plots here.")
    ] = None,
    compare: Annotated[
        tuple[Path, Path] | None,
        typer.Option(help="Show what changed between two report.json files (OLD NEW)."),
    ] = None,
) -> None:
    """Measure review, summarize and classify on gold sets and the corpus, with baselines.

    Exit codes: 0 complete, 1 complete but records were skipped, 2 usage or input error.
    """
    from .evaluate.run import Options, run_cli

    raise typer.Exit(run_cli(Options(corpus, split, only or [], limit, jobs, out), compare))


@app.command()
def audit(
    paths: Annotated[
        list[str], typer.Argument(help="Postmortems: folders, files, globs (md, txt, html, docx).")
    ],
    output: Annotated[
        Path, typer.Option("--output", "-o", help="Folder for report.html, scorecard.csv, ...")
    ] = Path("audit-report"),
    jobs: Annotated[int, typer.Option(help="Worker processes for reviewing.")] = 1,
    threshold: Annotated[
        float | None,
        typer.Option(help="Cause similarity (cosine) for recurring groups [default: 0.75]."),
    ] = None,
    max_bytes: Annotated[int, typer.Option(help="Largest input accepted, in bytes.")] = MAX_BYTES,
) -> None:
    """Audit a folder of past postmortems: scorecards, trends, recurring incidents, HTML report.

    Exit codes: 0 all audited, 1 audited but some files skipped, 2 nothing usable.
    """
    from .audit.run import run_audit

    raise typer.Exit(run_audit(paths, output, jobs, threshold, max_bytes))


@app.command()
def similar(
    path: Annotated[str, typer.Argument(help="A draft postmortem (or - for stdin).")],
    pool: Annotated[
        list[str], typer.Option("--in", help="Past postmortems: folders, files or globs.")
    ],
    top: Annotated[int, typer.Option(min=1, help="How many to show.")] = 5,
    fmt: Annotated[OutputFormat, typer.Option("--format", "-f", help="text or json.")] = (
        OutputFormat.text
    ),
    max_bytes: Annotated[int, typer.Option(help="Largest input accepted, in bytes.")] = MAX_BYTES,
) -> None:
    """Find past postmortems whose causes are most like a draft's, with the matching sentence."""
    from .audit.run import run_similar

    if fmt == OutputFormat.sarif:
        raise fail("similar supports --format text or json")
    raise typer.Exit(run_similar(path, pool, top, fmt.value, max_bytes))


def main() -> None:
    """Console entry point: turn every failure into one line and an exit code."""
    from .nlp import ModelError
    from .review.spec import RuleError

    try:
        code = app(standalone_mode=False)
        sys.exit(code if isinstance(code, int) else 0)
    except typer.Exit as exc:
        sys.exit(exc.exit_code)
    except (InputError, RuleError, ModelError) as exc:
        err.print(f"[bold red]assist: error:[/] {exc}", soft_wrap=True)
        sys.exit(EXIT_INPUT)
    except KeyboardInterrupt:
        sys.exit(130)
    except Exception as exc:  # usage errors and anything unexpected
        from typer._click import exceptions as click_exc  # typer 0.29 ships its own click

        if isinstance(exc, click_exc.ClickException):
            exc.show()
            sys.exit(EXIT_INPUT)
        err.print(
            f"[bold red]assist: internal error:[/] {type(exc).__name__}: {exc}", soft_wrap=True
        )
        sys.exit(EXIT_INTERNAL)


if __name__ == "__main__":
    main()
