"""Rendering review results: terminal text, JSON and SARIF 2.1.0."""

from .report import FileReport

__all__ = ["FileReport"]
