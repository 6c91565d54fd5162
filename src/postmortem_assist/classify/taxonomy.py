"""Load the root-cause taxonomy from ``rules/categories.yml``."""

from __future__ import annotations

from functools import lru_cache
from pathlib import Path

from ..paths import load_yaml, rules_dir
from .types import Category


def taxonomy_path() -> Path:
    """Path of the taxonomy data file."""
    return rules_dir() / "categories.yml"


@lru_cache(maxsize=4)
def _load(path: str) -> tuple[Category, ...]:
    with open(path, encoding="utf-8") as fh:
        data = load_yaml(fh) or {}
    cats = tuple(Category(**c) for c in data.get("categories", []))
    ids = [c.id for c in cats]
    if len(set(ids)) != len(ids):
        raise ValueError(f"duplicate category ids in {path}")
    return cats


def load_taxonomy(path: str | Path | None = None) -> list[Category]:
    """All categories in file order."""
    return list(_load(str(path or taxonomy_path())))


def category_names() -> dict[str, str]:
    """``id -> display name``."""
    return {c.id: c.name for c in load_taxonomy()}
