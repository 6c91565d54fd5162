"""Bad input is refused with one clear line; good input is read unchanged."""

from __future__ import annotations

import io
import sys
from pathlib import Path

import pytest

from postmortem_assist.reading import InputError, decode, expand, read_source, read_sources


def test_reads_utf8_with_bom_and_crlf(tmp_path: Path) -> None:
    f = tmp_path / "draft.md"
    f.write_bytes("\ufeff## Summary\r\nDNS failed for 12 minutes.\r\n".encode())
    src = read_source(str(f))
    assert src.text == "## Summary\nDNS failed for 12 minutes.\n"


@pytest.mark.parametrize(
    ("data", "message"),
    [
        (b"", "input is empty"),
        (b"   \n\t\n", "input is empty"),
        (b"\x00\x01\x02binary\x00", "binary"),
        ("caf\u00e9 down".encode("latin-1"), "not valid UTF-8 (byte 0xe9 at line 1)"),
        (bytes(range(1, 32)) * 50, "binary"),
    ],
)
def test_bad_bytes_are_refused(data: bytes, message: str) -> None:
    with pytest.raises(InputError, match=message.replace("(", r"\(").replace(")", r"\)")):
        decode(data, "x.md")


def test_missing_file_and_directory(tmp_path: Path) -> None:
    with pytest.raises(InputError, match="no such file"):
        read_source(str(tmp_path / "nope.md"))
    with pytest.raises(InputError, match="holds no text files"):
        list(expand([str(tmp_path)]))


def test_huge_file_is_refused_before_reading(tmp_path: Path) -> None:
    big = tmp_path / "big.md"
    with big.open("wb") as fh:
        fh.truncate(50 * 1024 * 1024)  # sparse 50 MB file
    with pytest.raises(InputError, match=r"50\.0 MiB, over the 5 MiB limit"):
        read_source(str(big))


def test_directories_and_globs_expand(tmp_path: Path) -> None:
    (tmp_path / "a.md").write_text("## Summary\nok\n")
    (tmp_path / "sub").mkdir()
    (tmp_path / "sub" / "b.txt").write_text("notes\n")
    (tmp_path / "sub" / "c.mbox").write_text("From ops@example.com Thu Dec  3 14:05:00 2026\n")
    (tmp_path / "image.png").write_bytes(b"\x89PNG")
    assert [Path(p).name for p in expand([str(tmp_path)])] == ["a.md", "b.txt", "c.mbox"]
    assert [Path(p).name for p in expand([str(tmp_path / "*.md")])] == ["a.md"]
    with pytest.raises(InputError, match="matches no files"):
        list(expand([str(tmp_path / "*.rst")]))


def test_stdin(monkeypatch: pytest.MonkeyPatch) -> None:
    fake = io.TextIOWrapper(io.BytesIO(b"## Timeline\n- 14:02 UTC alert\n"))
    monkeypatch.setattr(sys, "stdin", fake)
    [src] = read_sources(["-"])
    assert src.name == "<stdin>" and src.text.startswith("## Timeline")
