"""``assist rules``: the rule list and each rule's documentation, like ruff's rule docs."""

from __future__ import annotations

from rich.console import Console
from rich.markup import escape
from rich.table import Table

from ..reading import InputError
from .spec import load_rules


def show_rules(rule_id: str | None) -> int:
    """Print all rules (or one family) as a table, or one rule's full documentation."""
    console = Console(highlight=False)
    rules = load_rules()
    if rule_id is None or rule_id in {r.family for r in rules}:
        table = Table("rule", "severity", "what it flags", box=None, pad_edge=False)
        for r in rules:
            if rule_id is None or r.family == rule_id:
                table.add_row(r.id, r.severity.value, _first_sentence(r.description))
        console.print(table)
        return 0
    match = [r for r in rules if r.id == rule_id]
    if not match:
        raise InputError(f"unknown rule {rule_id!r} (see `assist rules`)")
    r = match[0]
    console.print(f"[bold]{r.id}[/] ({r.severity.value})\n")
    console.print("[bold]What it does[/]\n" + escape(r.description.strip()) + "\n")
    console.print("[bold]Why is this bad?[/]\n" + escape(r.why.strip()) + "\n")
    console.print("[bold]Use instead[/]\n" + escape(r.suggestion.strip()) + "\n")
    console.print("[bold]Examples that fire[/]")
    for ex in r.examples.bad:
        console.print("  [red]✗[/] " + escape(ex.strip()).replace("\n", "\n    "))
    console.print("[bold]Examples that do not[/]")
    for ex in r.examples.good:
        console.print("  [green]✓[/] " + escape(ex.strip()).replace("\n", "\n    "))
    return 0


def _first_sentence(text: str) -> str:
    """The first sentence of a rule's description, for the rule table."""
    first = " ".join(text.split()).split(". ")[0]
    return first if first.endswith(".") else first + "."
