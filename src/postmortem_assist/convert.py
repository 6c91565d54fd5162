"""HTML and .docx postmortems to Markdown text, headings kept, for the shared Document model;
saved e-mails (``.eml``) to the header-and-body text people paste.

Confluence and Google Docs export HTML; Word and Google Docs export ``.docx``. Both become
Markdown with ATX headings (``# Root cause``), lists and tables, so ``document.parse`` maps
their sections like any draft. Well-kept libraries do the work instead of hand-written
parsing: ``mammoth`` (docx -> semantic HTML, Word heading styles -> ``<h1>``..) and
``markdownify`` over BeautifulSoup (HTML -> Markdown), both imported lazily; the standard
library's ``email`` package decodes MIME, quoted-printable and base64 bodies and encoded headers.
"""

from __future__ import annotations

import io
import re
import zipfile
from pathlib import Path

#: Endings converted here rather than decoded as text.
HTML_SUFFIXES = (".html", ".htm", ".xhtml")
DOCX_SUFFIXES = (".docx",)
EMAIL_SUFFIXES = (".eml",)
SUFFIXES = HTML_SUFFIXES + DOCX_SUFFIXES + EMAIL_SUFFIXES
#: Headers kept from a saved e-mail, in this order (what a pasted thread shows).
EMAIL_HEADERS = ("From", "Date", "To", "Cc", "Subject")


class ConversionError(ValueError):
    """The file could not be converted (corrupt docx, HTML without text)."""


def html_to_markdown(html: str | bytes) -> str:
    """HTML (a whole exported page or a fragment) to Markdown; head, scripts, styles dropped.

    Bytes are decoded by BeautifulSoup from the page's declared charset (or detected).
    """
    from bs4 import BeautifulSoup
    from markdownify import MarkdownConverter

    soup = BeautifulSoup(html, "html.parser")
    for tag in soup(["head", "script", "style", "noscript", "template", "svg"]):
        tag.decompose()
    root = soup.body or soup
    text = MarkdownConverter(
        heading_style="ATX", bullets="-", strip=["img"], wrap=True, wrap_width=None
    ).convert_soup(root)
    text = re.sub(r"[ \t]+\n", "\n", text.replace("\xa0", " "))
    return re.sub(r"\n{3,}", "\n\n", text).strip() + "\n"


def docx_to_markdown(data: bytes) -> str:
    """A .docx file's bytes to Markdown (via mammoth's HTML, then :func:`html_to_markdown`)."""
    import mammoth

    try:
        result = mammoth.convert_to_html(io.BytesIO(data))
    except (zipfile.BadZipFile, KeyError, ValueError) as err:
        raise ConversionError(f"not a readable .docx file ({err})") from None
    return html_to_markdown(result.value)


def email_to_text(data: bytes) -> str:
    """A saved e-mail (RFC 5322, MIME) as pasted text: its headers, then the plain body (or
    the HTML body as Markdown); attached e-mails (forwards) follow the same way."""
    from email import policy
    from email.message import EmailMessage
    from email.parser import BytesParser

    def render(msg: EmailMessage) -> list[str]:
        out = [f"{h}: {msg[h]}" for h in EMAIL_HEADERS if msg[h]]
        body = msg.get_body(preferencelist=("plain", "html"))
        if isinstance(body, EmailMessage):
            text = str(body.get_content())
            if body.get_content_type() == "text/html":
                text = html_to_markdown(text)
            out += ["", text.replace("\r\n", "\n").strip(), ""]
        for part in msg.walk():
            if part.get_content_type() == "message/rfc822":
                for inner in part.iter_parts():
                    if isinstance(inner, EmailMessage):
                        out += render(inner)
        return out

    msg = BytesParser(policy=policy.default).parsebytes(data)
    if not isinstance(msg, EmailMessage) or not (msg["From"] or msg["Date"]):
        raise ConversionError("not an e-mail (no From: or Date: header)")
    return "\n".join(render(msg)).strip() + "\n"


def to_markdown(name: str, data: bytes) -> str:
    """Convert one file's bytes by its ending; raise :class:`ConversionError` when unusable."""
    suffix = Path(name).suffix.lower()
    if suffix in DOCX_SUFFIXES:
        if not zipfile.is_zipfile(io.BytesIO(data)):
            raise ConversionError("not a .docx file (not a zip archive)")
        text = docx_to_markdown(data)
    elif suffix in EMAIL_SUFFIXES:
        text = email_to_text(data)
    else:
        if b"\x00" in data[:8192]:
            raise ConversionError("looks like a binary file (NUL bytes), expected HTML")
        text = html_to_markdown(data)
    if not text.strip():
        raise ConversionError("no text after conversion")
    return text
