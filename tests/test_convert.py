"""HTML (Confluence, Google Docs) and .docx exports read as Markdown with their headings."""

from __future__ import annotations

from pathlib import Path

import pytest

from audit_archive import CERT_SSO_HTML, DNS_CHANGE_PARAS, docx_bytes
from postmortem_assist.convert import html_to_markdown
from postmortem_assist.document import parse
from postmortem_assist.reading import InputError, expand, read_source

GOOGLE_DOCS = """<html><head><meta content="text/html; charset=UTF-8" http-equiv="content-type">
<style type="text/css">.c3{font-weight:700}.c1{color:#000000}ol{margin:0}</style></head>
<body class="c9 doc-content"><p class="c8 title"><span class="c3">Search latency incident</span></p>
<h1 class="c4"><span class="c3">Issue Summary</span></h1>
<p class="c2"><span class="c1">Search was slow for 90 minutes on 3 April 2025 for all users.
</span></p>
<h1 class="c4"><span class="c3">Root Cause and Resolution</span></h1>
<p class="c2"><span>An index rebuild ran during peak hours.&nbsp;We paused it.</span></p>
<h1 class="c4"><span class="c3">Corrective and Preventative Measures</span></h1>
<ol class="c6 lst-kix_list_1-0 start"><li class="c2 li-bullet-0"><span class="c1">Schedule
rebuilds off-peak (owner: @search, due 2025-05-01)</span></li></ol></body></html>"""


def test_confluence_export_keeps_headings_tables_and_lists(tmp_path: Path) -> None:
    path = tmp_path / "sso.html"
    path.write_text(CERT_SSO_HTML, encoding="utf-8")
    source = read_source(str(path))
    assert "AJS" not in source.text and "border:1px" not in source.text  # script, style gone
    assert "## Root cause" in source.text
    assert "| 08:05 | Login failures" in source.text
    assert "- Automate renewal of the signing certificate" in source.text
    kinds = [s.kind for s in parse(source.text, source.name).sections]
    assert {"summary", "timeline", "root_cause", "corrective_actions"} <= set(kinds)


def test_google_docs_export_maps_the_four_sections() -> None:
    text = html_to_markdown(GOOGLE_DOCS.encode("utf-8"))
    assert "\xa0" not in text and "font-weight" not in text
    doc = parse(text)
    assert [s.kind for s in doc.sections if s.kind != "preamble"] == [
        "summary", "root_cause", "corrective_actions",
    ]  # fmt: skip
    actions = doc.of_kind("corrective_actions")[0]
    assert [i.bullet for i in doc.items(actions)] == [True]


def test_docx_headings_become_sections(tmp_path: Path) -> None:
    path = tmp_path / "dns.docx"
    path.write_bytes(docx_bytes(DNS_CHANGE_PARAS))
    text = read_source(str(path)).text
    assert text.startswith("# DNS misconfiguration took down the website")
    assert "## Root cause" in text
    kinds = [s.kind for s in parse(text).sections]
    assert kinds == ["other", "summary", "root_cause", "corrective_actions"]


@pytest.mark.parametrize(
    ("name", "data", "message"),
    [
        ("broken.docx", b"plain text pretending", "not a .docx file"),
        ("empty.html", b"<html><body><script>x()</script></body></html>", "no text after"),
        ("bin.html", b"\x00\x01<html>", "binary"),
    ],
)
def test_unconvertible_files_are_one_line_errors(
    tmp_path: Path, name: str, data: bytes, message: str
) -> None:
    path = tmp_path / name
    path.write_bytes(data)
    with pytest.raises(InputError, match=message) as info:
        read_source(str(path))
    assert "\n" not in str(info.value) and name in str(info.value)


def test_a_folder_of_mixed_exports_is_expanded(tmp_path: Path) -> None:
    for name in ("a.md", "b.txt", "c.html", "d.docx", "e.pdf", "f.png"):
        (tmp_path / name).write_bytes(b"x")
    assert [Path(p).name for p in expand([str(tmp_path)])] == ["a.md", "b.txt", "c.html", "d.docx"]


def _saved_email() -> bytes:
    """An Outlook-style reply saved as .eml: encoded From, quoted-printable plain part, an HTML
    alternative, and the original report forwarded as an attached message (base64 body)."""
    from email.message import EmailMessage

    original = EmailMessage()
    original["From"] = "Support Desk <support@example.com>"
    original["Date"] = "Tue, 12 Mar 2024 09:55:30 +0100"
    original["Subject"] = "Customers cannot pay"
    original.set_content(
        "Three merchants called at 09:54: card payments fail with 503.\n", cte="base64"
    )
    reply = EmailMessage()
    reply["From"] = "Renée Lambert <renee@example.com>"
    reply["To"] = "ops@example.com"
    reply["Date"] = "Tue, 12 Mar 2024 10:41:07 +0100"
    reply["Subject"] = "RE: [INC-2231] payments API errors"
    reply.set_content(
        "The payments API started returning 503s at 09:52, the alert fired at 09:58 and we "
        "rolled back release 4.18 at 10:20. Payments are succeeding again since 10:26.\n— Renée\n",
        cte="quoted-printable",
    )
    reply.add_alternative("<p>The payments API started returning 503s</p>", subtype="html")
    reply.add_attachment(original)
    return bytes(reply)


def test_saved_email_reads_as_a_pasted_thread(tmp_path: Path) -> None:
    from postmortem_assist.summarize import summarize

    path = tmp_path / "inc-2231.eml"
    path.write_bytes(_saved_email())
    text = read_source(str(path)).text
    assert text.startswith(
        "From: Renée Lambert <renee@example.com>\nDate: Tue, 12 Mar 2024 10:41:07"
    )
    assert "rolled back release 4.18 at 10:20. Payments are succeeding again" in text  # decoded
    assert "<p>" not in text and "=\n" not in text
    assert "From: Support Desk" in text and "Three merchants called at 09:54" in text  # forward
    summary = summarize([str(path)])
    assert summary.mitigated is not None and summary.mitigated.time is not None
    assert summary.mitigated.time.isoformat() == "2024-03-12T09:26:00+00:00"  # 10:26 at +0100


def test_a_file_named_eml_that_is_not_an_email_is_one_line_error(tmp_path: Path) -> None:
    path = tmp_path / "notes.eml"
    path.write_text("just some notes\n", encoding="utf-8")
    with pytest.raises(InputError, match=r"notes\.eml: not an e-mail"):
        read_source(str(path))
