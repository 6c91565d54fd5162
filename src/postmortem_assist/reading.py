"""Reading input: files, directories, globs and stdin to text, with clear errors.

Every failure is an :class:`InputError` with a one-line message; the CLI turns it into
exit code 2. Nothing is decoded lossily: UTF-8 and BOM-marked UTF-16/32 are read, any other
encoding is refused (naming the likely one) rather than silently altered.
"""

from __future__ import annotations

import bisect
import codecs
import glob
import os
import re
import sys
from collections.abc import Iterable, Iterator
from dataclasses import dataclass, field
from pathlib import Path

from .convert import SUFFIXES as CONVERTED_SUFFIXES
from .convert import ConversionError, to_markdown

#: Largest input accepted by default (bytes). Postmortems and notes are far smaller;
#: anything above this is almost certainly a mistake (a log dump, a binary).
MAX_BYTES = 5 * 1024 * 1024
#: File endings picked up when a directory is given.
TEXT_SUFFIXES = (
    ".md", ".markdown", ".txt", ".text", ".log", ".json", ".jsonl", ".ndjson", ".rst", ".org",
    ".adoc", ".csv", ".tsv", ".vtt", ".sbv", ".mbox",
)  # fmt: skip


class InputError(Exception):
    """A problem with the user's input, reported as one line (exit code 2)."""


@dataclass(frozen=True)
class Source:
    """One input text and where it came from."""

    name: str
    text: str
    #: Offsets in ``text`` of the line breaks that were CRLF in the file (``text`` has LF
    #: only), so outputs that count the file's real characters (SARIF) can map back.
    crlf: tuple[int, ...] = field(default=(), repr=False, compare=False)

    def file_offset(self, offset: int) -> int:
        """The character offset in the file (before CRLF became LF) of a ``text`` offset."""
        return offset + bisect.bisect_left(self.crlf, offset) if self.crlf else offset


#: Byte-order marks, longest first (a UTF-32-LE BOM starts like a UTF-16-LE one).
BOMS = (
    (codecs.BOM_UTF32_LE, "utf-32-le"),
    (codecs.BOM_UTF32_BE, "utf-32-be"),
    (codecs.BOM_UTF8, "utf-8"),
    (codecs.BOM_UTF16_LE, "utf-16-le"),
    (codecs.BOM_UTF16_BE, "utf-16-be"),
)


def _unicode_with_bom(data: bytes, name: str) -> str | None:
    """Text of a UTF-8/16/32 file that starts with a byte-order mark, else None."""
    for bom, encoding in BOMS:
        if data.startswith(bom):
            try:
                return data[len(bom) :].decode(encoding)
            except UnicodeDecodeError as err:
                raise InputError(
                    f"{name}: starts with a {encoding.upper()} byte-order mark but is not valid "
                    f"{encoding.upper()} (at byte {err.start + len(bom)})"
                ) from None
    return None


def guess_encoding(data: bytes) -> str | None:
    """The likely (iconv) name of the encoding of text that is not UTF-8 (stdlib heuristics).

    UTF-16 without a BOM shows as NUL bytes in every other position of ASCII text;
    single-byte Western text is Windows-1252 when it uses 0x80-0x9F (curly quotes, dashes)
    and Latin-1 otherwise.
    """
    sample = data[:8192]
    even, odd = sample[0::2], sample[1::2]
    if len(sample) >= 4:
        if odd.count(0) > 0.4 * len(odd) and _mostly_text(even):
            return "UTF-16LE"
        if even.count(0) > 0.4 * len(even) and _mostly_text(odd):
            return "UTF-16BE"
    if b"\x00" in sample:
        return None
    if any(0x80 <= b <= 0x9F for b in sample):
        try:
            data.decode("cp1252")
            return "WINDOWS-1252"
        except UnicodeDecodeError:
            return None
    return "LATIN1"


def _mostly_text(half: bytes) -> bool:
    """Nine in ten bytes are printable ASCII, tabs or line ends (the other half of UTF-16)."""
    printable = sum(1 for b in half if 32 <= b < 127 or b in (9, 10, 13))
    return printable >= 0.9 * len(half)


def decode(data: bytes, name: str) -> str:
    """Bytes to text: UTF-8 (BOM optional) or UTF-16/32 with a BOM; binary and other
    encodings refused (naming the likely encoding), nothing dropped; line ends become LF."""
    return _normalise(decode_raw(data, name))


def _normalise(text: str) -> str:
    return text.replace("\r\n", "\n").replace("\r", "\n")


def _crlf_offsets(raw: str) -> tuple[int, ...]:
    """Offsets, in the LF-normalised text, of the line breaks written as CRLF in ``raw``."""
    if "\r\n" not in raw:
        return ()
    out = []
    shift = 0
    for m in _BREAK.finditer(raw):
        if m.group() == "\r\n":
            out.append(m.start() - shift)
            shift += 1
    return tuple(out)


_BREAK = re.compile(r"\r\n|\r|\n")
#: Control characters but tab, line feed, form feed and carriage return.
_CONTROL = re.compile(r"[\x00-\x08\x0b\x0e-\x1f]")


def source_of(data: bytes, name: str) -> Source:
    """A :class:`Source` from a file's bytes (decoded as :func:`decode` does)."""
    raw = decode_raw(data, name)
    return Source(name, _normalise(raw), _crlf_offsets(raw))


def decode_raw(data: bytes, name: str) -> str:
    """:func:`decode` without the line-end normalisation."""
    text = _unicode_with_bom(data, name)
    if text is None:
        sample = data[:8192]
        if b"\x00" in sample:
            guess = guess_encoding(data)
            if guess:
                raise InputError(
                    f"{name}: looks like {guess} text without a byte-order mark; "
                    f"convert it first, e.g. `iconv -f {guess} -t utf-8`"
                )
            raise InputError(f"{name}: looks like a binary file (NUL bytes), expected text")
        try:
            text = data.decode("utf-8")
        except UnicodeDecodeError as err:
            bad = data[err.start : err.start + 1].hex()
            line = data.count(b"\n", 0, err.start) + 1
            guess = guess_encoding(data) or "LATIN1"
            raise InputError(
                f"{name}: not valid UTF-8 (byte 0x{bad} at line {line}); likely {guess}: "
                f"convert it first, e.g. `iconv -f {guess} -t utf-8`"
            ) from None
    if not text.strip():
        raise InputError(f"{name}: input is empty")
    if "\x00" in text[:8192]:
        raise InputError(f"{name}: looks like a binary file (NUL bytes), expected text")
    controls = len(_CONTROL.findall(text, 0, 8192))
    if controls > 0.05 * min(len(text), 8192):
        raise InputError(f"{name}: looks like a binary file (control characters), expected text")
    return text


def _too_big(name: object, size: int | None, max_bytes: int) -> InputError:
    limit = f"{max_bytes / 2**20:.0f} MiB" if max_bytes >= 2**20 else f"{max_bytes} bytes"
    what = f"file is {size / 2**20:.1f} MiB, over" if size is not None else "over"
    return InputError(f"{name}: {what} the {limit} limit (use --max-bytes to raise it)")


def read_bytes(path: Path, max_bytes: int = MAX_BYTES) -> bytes:
    """Read a file's bytes, refusing missing, unreadable and oversized files.

    At most ``max_bytes + 1`` bytes are ever read, so devices and pipes that never end
    (``/dev/zero``) or lie about their size are refused instead of filling memory.
    """
    try:
        size = path.stat().st_size
    except FileNotFoundError:
        raise InputError(f"{path}: no such file") from None
    except OSError as err:
        raise InputError(f"{path}: cannot read ({err.strerror})") from None
    if path.is_dir():
        raise InputError(f"{path}: is a directory")
    if size > max_bytes:
        raise _too_big(path, size, max_bytes)
    try:
        with path.open("rb") as fh:
            data = fh.read(max_bytes + 1)
    except OSError as err:
        raise InputError(f"{path}: cannot read ({err.strerror})") from None
    if len(data) > max_bytes:
        raise _too_big(path, None, max_bytes)
    return data


def read_stdin(max_bytes: int = MAX_BYTES) -> Source:
    """Read standard input as one source named ``<stdin>``."""
    data = sys.stdin.buffer.read(max_bytes + 1)
    if len(data) > max_bytes:
        raise _too_big("<stdin>", None, max_bytes)
    return source_of(data, "<stdin>")


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
    return source_of(data, name)


def read_sources(args: Iterable[str], max_bytes: int = MAX_BYTES) -> list[Source]:
    """Read every named input (files, directories, globs, ``-``); the first error stops."""
    sources = [read_source(name, max_bytes) for name in expand(args)]
    if not sources:
        raise InputError("no input given")
    return sources


def check_output(output: Path | None, inputs: Iterable[str]) -> None:
    """Refuse an output path that would overwrite one of the inputs or whose folder is missing.

    ``inputs`` are the expanded input names (``-`` is ignored). Paths are compared after
    resolving symlinks and ``..``, and by inode when both exist (hard links).
    """
    if output is None:
        return
    target = output.expanduser()
    resolved = target.resolve()
    for name in inputs:
        if name == "-":
            continue
        path = Path(name).expanduser()
        same = path.resolve() == resolved
        if not same and target.exists() and path.exists():
            try:
                same = os.path.samefile(path, target)
            except OSError:
                same = False
        if same:
            raise InputError(f"{output}: is one of the inputs; refusing to overwrite it")
    parent = resolved.parent
    if not parent.is_dir():
        raise InputError(f"{output}: folder {parent} does not exist")
    if target.is_dir():
        raise InputError(f"{output}: is a directory; give a file name")


def write_output(output: Path, text: str) -> None:
    """Write text to ``output``, turning OS errors into a one-line :class:`InputError`."""
    try:
        output.expanduser().write_text(text, encoding="utf-8")
    except OSError as err:
        raise InputError(f"{output}: cannot write ({err.strerror})") from None
