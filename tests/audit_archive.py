"""A small, realistic archive of postmortems for the audit tests (written for these tests).

Three certificate expiries (Markdown, plain text and a Confluence-style HTML export), a
disk-full incident told with blame, a DNS change in a Word document, and a queue backlog.
"""

from __future__ import annotations

import io
import zipfile
from pathlib import Path
from xml.sax.saxutils import escape

CERT_API = """\
---
title: Public API TLS certificate expired
date: 2023-03-14
---
# Public API TLS certificate expired

## Issue Summary

From 09:12 to 10:04 UTC on 14 March 2023 (52 minutes) every client calling api.example.com
failed the TLS handshake, so about 40% of checkout requests failed. The root cause was an
expired TLS certificate on the public load balancer, because the renewal job had been
failing silently.

## Timeline (UTC)

- 09:12 First TLS handshake errors in the edge logs.
- 09:15 Alert fired for the checkout error rate; on-call engineer paged and acknowledged.
- 09:40 Expired certificate identified on the public load balancer.
- 09:58 Renewed certificate deployed to the load balancer.
- 10:04 Error rate back to normal; incident resolved.

## Root Cause

The TLS certificate on the public load balancer expired. Its automatic renewal had been
failing since the DNS credentials were revoked, and nothing alerted on the failures, so
nobody knew the certificate was about to expire.

## Corrective Actions

- Alert when any certificate expires in less than 14 days (owner: @sre-team, due 2023-03-31)
- Page on renewal job failures (owner: @platform, due 2023-04-07)
"""

CERT_PAYMENTS = """\
Payments gateway outage: expired certificate
Date: 2 November 2022

Summary:
Between 14:00 and 14:35 UTC card payments failed for all merchants for 35 minutes. The
cause was an expired TLS certificate on the payments gateway.

Root cause:
The TLS certificate on the payments gateway expired. Its automatic renewal had been
switched off during the data-centre migration, and nothing alerted on it, so nobody knew
the certificate was about to expire.

Follow-up:
- Turn certificate auto-renewal back on and alert on certificates that expire within 14 days
"""

CERT_SSO_HTML = """\
<!DOCTYPE html>
<html><head><title>SSO outage</title><meta charset="utf-8">
<style>.confluence-information-macro{border:1px solid #ccc}</style>
<script>var AJS = {};</script></head>
<body><div id="main-content" class="wiki-content">
<h1 id="SSO-outage">2024-06-20 Single sign-on outage: expired signing certificate</h1>
<h2 id="Summary">Summary</h2>
<p>On 20 June 2024 staff could not log in to internal tools for 80 minutes, from 08:05 to
09:25 UTC, because the certificate used to sign single sign-on responses had expired.</p>
<h2 id="Timeline">Timeline</h2>
<table><tbody>
<tr><th>Time (UTC)</th><th>Event</th></tr>
<tr><td>08:05</td><td>Login failures reported in the help-desk channel; alert fired.</td></tr>
<tr><td>08:50</td><td>Expired signing certificate found in the identity provider.</td></tr>
<tr><td>09:25</td><td>New certificate uploaded; logins work again, incident resolved.</td></tr>
</tbody></table>
<h2 id="RootCause">Root cause</h2>
<p>The TLS certificate of the identity provider expired. Its automatic renewal had been
failing since its service account was removed, and nothing alerted on the failures, so
nobody knew the certificate was about to expire.</p>
<h2 id="Actions">Action items</h2>
<ul><li>Automate renewal of the signing certificate (owner: @identity-team, due 2024-07-15)</li>
<li>Alert 30 days before the certificate expires (owner: @identity-team, due 2024-07-01)</li>
</ul></div></body></html>
"""

DISK_FULL = """\
Database outage 2023-08-09

Summary
The main database stopped accepting writes for two hours because its disk was full.

What happened
John failed to check the disk alerts over the weekend. This was human error: he should have
noticed the warnings on Friday. The write-ahead log archive kept growing because the archive
upload to object storage was broken, and the disk filled up on Sunday night.

Next steps
- Fix the archive upload
- Remind on-call staff to read the alerts
"""

DNS_CHANGE_PARAS = [
    ("Heading1", "DNS misconfiguration took down the website"),
    ("Heading2", "Summary"),
    (
        None,
        "On 15 January 2024 the website was unreachable for 25 minutes, from 16:10 to 16:35 "
        "UTC, for all visitors. A configuration change removed the apex DNS record.",
    ),
    ("Heading2", "Root cause"),
    (
        None,
        "A change to the DNS zone file, applied by the deploy pipeline, deleted the apex A "
        "record because the new template did not include it. The change had no review step "
        "for DNS records.",
    ),
    ("Heading2", "Corrective actions"),
    (None, "Require review for DNS zone changes (owner: @netops, due 2024-02-01)"),
]

QUEUE_BACKLOG = """\
# 2023-05-02 Order queue backlog

## Summary

For three hours on 2 May 2023 orders were confirmed late (up to 40 minutes) because the
order queue backlog grew faster than the consumers could process it during a marketing
campaign.

## Root cause

Traffic from the campaign was five times the usual peak. The queue consumers were capped
at four instances by an autoscaling limit set last year, so the backlog kept growing until
the limit was raised.

## Action items

- Raise the autoscaling limit and load-test at 10x peak (owner: @orders-team, due 2023-06-01)
"""

W = "http://schemas.openxmlformats.org/wordprocessingml/2006/main"


def docx_bytes(paragraphs: list[tuple[str | None, str]]) -> bytes:
    """A minimal but valid .docx (document, styles with Word's heading names, relations)."""

    def para(style: str | None, text: str) -> str:
        props = f'<w:pPr><w:pStyle w:val="{style}"/></w:pPr>' if style else ""
        return f'<w:p>{props}<w:r><w:t xml:space="preserve">{escape(text)}</w:t></w:r></w:p>'

    body = "".join(para(s, t) for s, t in paragraphs)
    head = '<?xml version="1.0" encoding="UTF-8" standalone="yes"?>'
    document = f'{head}<w:document xmlns:w="{W}"><w:body>{body}</w:body></w:document>'
    styles = (
        f'{head}<w:styles xmlns:w="{W}">'
        + "".join(
            f'<w:style w:type="paragraph" w:styleId="Heading{i}"><w:name w:val="heading {i}"/>'
            "</w:style>"
            for i in (1, 2, 3)
        )
        + "</w:styles>"
    )
    pkg = "http://schemas.openxmlformats.org/package/2006"
    office = "http://schemas.openxmlformats.org/officeDocument/2006/relationships"
    main = "application/vnd.openxmlformats-officedocument.wordprocessingml"
    types = (
        f'{head}<Types xmlns="{pkg}/content-types">'
        f'<Default Extension="rels" ContentType="application/vnd.openxmlformats-package.'
        'relationships+xml"/><Default Extension="xml" ContentType="application/xml"/>'
        f'<Override PartName="/word/document.xml" ContentType="{main}.document.main+xml"/>'
        f'<Override PartName="/word/styles.xml" ContentType="{main}.styles+xml"/></Types>'
    )
    rels = (
        f'{head}<Relationships xmlns="{pkg}/relationships"><Relationship Id="rId1" '
        f'Type="{office}/officeDocument" Target="word/document.xml"/></Relationships>'
    )
    doc_rels = (
        f'{head}<Relationships xmlns="{pkg}/relationships"><Relationship Id="rId1" '
        f'Type="{office}/styles" Target="styles.xml"/></Relationships>'
    )
    buf = io.BytesIO()
    with zipfile.ZipFile(buf, "w", zipfile.ZIP_DEFLATED) as z:
        z.writestr("[Content_Types].xml", types)
        z.writestr("_rels/.rels", rels)
        z.writestr("word/document.xml", document)
        z.writestr("word/styles.xml", styles)
        z.writestr("word/_rels/document.xml.rels", doc_rels)
    return buf.getvalue()


def write_archive(folder: Path) -> dict[str, Path]:
    """Write the six postmortems (four formats) into ``folder``; name -> path."""
    folder.mkdir(parents=True, exist_ok=True)
    files = {
        "cert_api": (folder / "2023-03-14-api-cert.md", CERT_API),
        "cert_payments": (folder / "payments-gateway-outage.txt", CERT_PAYMENTS),
        "cert_sso": (folder / "sso-outage.html", CERT_SSO_HTML),
        "disk_full": (folder / "db-disk-full.md", DISK_FULL),
        "queue": (folder / "order-queue-backlog.md", QUEUE_BACKLOG),
    }
    out = {}
    for key, (path, text) in files.items():
        path.write_text(text, encoding="utf-8")
        out[key] = path
    out["dns"] = folder / "dns-outage.docx"
    out["dns"].write_bytes(docx_bytes(DNS_CHANGE_PARAS))
    return out
