"""Reading input: files, directories, globs and stdin to text, with clear errors.

Every failure is an :class:`InputError` with a one-line message; the CLI turns it into
exit code 2. Nothing is decoded lossily: a file that is not valid UTF-8 is refused
rather than silently altered.
"""

from __future__ import annotations

import glob
import sys
from collections.abc import Iterable, Iterator
from dataclasses import dataclass
from pathlib import Path

from .convert import SUFFIXES as CONVERTED_SUFFIXES
from .convert import ConversionError, to_markdown

#: Largest input accepted by default (bytes). Postmortems and notes are far smaller;
#: anything above this is almost certainly a mistake (a log dump, a binary).
MAX_BYTES = 5 * 1024 * 1024
#: File endings picked up when a directory is given.
TEXT_SUFFIXES = (".md", ".markdown", ".txt", ".log", ".json", ".rst")


class InputError(Exception):
    """A problem with the user's input, reported as one line (exit code 2)."""


@dataclass(frozen=True)
class Source:
    """One input text and where it came from."""

    name: str
    text: str


def decode(data: bytes, name: str) -> str:
    """Bytes to text: UTF-8 (with or without BOM) only, binary refused, nothing dropped."""
    if not data.strip():
        raise InputError(f"{name}: input is empty")
    sample = data[:8192]
    if b"\x00" in sample:
        raise InputError(f"{name}: looks like a binary file (NUL bytes), expected text")
    try:
        text = data.decode("utf-8-sig")
    except UnicodeDecodeError as err:
        bad = data[err.start : err.start + 1].hex()
        line = data.count(b"\n", 0, err.start) + 1
        raise InputError(
            f"{name}: not valid UTF-8 (byte 0x{bad} at line {line}); "
            "convert it first, e.g. `iconv -f latin1 -t utf-8`"
        ) from None
    controls = sum(1 for ch in text[:8192] if ord(ch) < 32 and ch not in "\n\r\t\f")
    if controls > 0.05 * min(len(text), 8192):
        raise InputError(f"{name}: looks like a binary file (control characters), expected text")
    return text.replace("\r\n", "\n").replace("\r", "\n")


def read_bytes(path: Path, max_bytes: int = MAX_BYTES) -> bytes:
    """Read a file's bytes, refusing missing, unreadable and oversized files."""
    try:
        size = path.stat().st_size
    except FileNotFoundError:
        raise InputError(f"{path}: no such file") from None
    except OSError as err:
        raise InputError(f"{path}: cannot read ({err.strerror})") from None
    if path.is_dir():
        raise InputError(f"{path}: is a directory")
    if size > max_bytes:
        raise InputError(
            f"{path}: file is {size / 2**20:.1f} MiB, over the {max_bytes / 2**20:.0f} MiB limit "
            "(use --max-bytes to raise it)"
        )
    try:
        return path.read_bytes()
    except OSError as err:
        raise InputError(f"{path}: cannot read ({err.strerror})") from None


def read_stdin(max_bytes: int = MAX_BYTES) -> Source:
    """Read standard input as one source named ``<stdin>``."""
    data = sys.stdin.buffer.read(max_bytes + 1)
    if len(data) > max_bytes:
        raise InputError(f"<stdin>: over the {max_bytes / 2**20:.0f} MiB limit")
    return Source("<stdin>", decode(data, "<stdin>"))


def expand(args: Iterable[str]) -> Iterator[str]:
    """Expand directories and glob patterns into file paths; ``-`` stands for stdin."""
    for arg in args:
        if arg == "-":
            yield arg
            continue
        path = Path(arg)
        if path.is_dir():
            ends = TEXT_SUFFIXES + CONVERTED_SUFFIXES
            found = sorted(p for p in path.rglob("*") if p.is_file() and p.suffix.lower() in ends)
            if not found:
                raise InputError(
                    f"{arg}: directory holds no text files "
                    f"({', '.join(TEXT_SUFFIXES + CONVERTED_SUFFIXES)})"
                )
            yield from (str(p) for p in found)
        elif any(ch in arg for ch in "*?[") and not path.exists():
            matches = sorted(glob.glob(arg, recursive=True))
            if not matches:
                raise InputError(f"{arg}: pattern matches no files")
            yield from matches
        else:
            yield arg


def read_source(name: str, max_bytes: int = MAX_BYTES) -> Source:
    """Read one named input (a file path, or ``-`` for stdin)."""
    if name == "-":
        return read_stdin(max_bytes)
    data = read_bytes(Path(name), max_bytes)
    if Path(name).suffix.lower() in CONVERTED_SUFFIXES:  # HTML / .docx exports: convert.py
        try:
            return Source(name, to_markdown(name, data))
        except ConversionError as err:
            raise InputError(f"{name}: {err}") from None
    return Source(name, decode(data, name))


def read_sources(args: Iterable[str], max_bytes: int = MAX_BYTES) -> list[Source]:
    """Read every named input (files, directories, globs, ``-``); the first error stops."""
    sources = [read_source(name, max_bytes) for name in expand(args)]
    if not sources:
        raise InputError("no input given")
    return sources
