"""Sections are found under the headings people really use, with exact offsets."""

from __future__ import annotations

import pytest

from postmortem_assist.document import classify_heading, parse

DRAFT = """# Payments outage 2024-05-02

## TL;DR
Card payments failed for 31 minutes.

## Timeline (UTC)
| Time | Event |
|------|-------|
| 09:14 | Alert fired |
| 09:45 | Resolved |

### Details
More detail under a sub-heading.

Contributing factors
--------------------
The token cache expired.

**Follow-ups:**
- Add a cache TTL alert (owner: @ana, due 2024-06-01)
"""


@pytest.mark.parametrize(
    ("heading", "kind"),
    [
        ("Issue Summary", "summary"),
        ("TL;DR", "summary"),
        ("Customer Impact", "summary"),
        ("2. Root Cause Analysis", "root_cause"),
        ("Contributing Factors", "root_cause"),
        (":warning: Leadup", "root_cause"),
        ("Action Items", "corrective_actions"),
        ("Follow-ups", "corrective_actions"),
        ("Lessons Learned", "corrective_actions"),
        ("Remediation", "corrective_actions"),
        ("Timeline (all times PDT)", "timeline"),
        ("Attendees", None),
        ("References", None),
    ],
)
def test_heading_synonyms(heading: str, kind: str | None) -> None:
    assert classify_heading(heading) == kind


def test_sections_offsets_and_items() -> None:
    doc = parse(DRAFT, "d.md")
    kinds = [s.kind for s in doc.sections]
    assert kinds == ["other", "summary", "timeline", "root_cause", "corrective_actions"]
    timeline = doc.of_kind("timeline")[0]
    assert "sub-heading" in doc.section_text(timeline)  # ### Details stays in the timeline
    items = doc.items(timeline)
    assert [" ".join(i.text.split()) for i in items[:3]] == [
        "Time Event",
        "09:14 Alert fired",
        "09:45 Resolved",
    ]
    assert DRAFT[items[1].start : items[1].start + 5] == "09:14"  # table rows keep offsets
    action = doc.items(doc.of_kind("corrective_actions")[0])[0]
    assert action.bullet and action.text.startswith("Add a cache TTL alert")
    assert DRAFT[action.start : action.start + 3] == "Add"
    line, col = doc.position(action.start)
    assert DRAFT.splitlines()[line - 1][col - 1 :].startswith("Add a cache")


def test_text_without_headings_is_one_body_section() -> None:
    doc = parse("The database failed over at 14:02 UTC.\nService recovered.", "n.txt")
    assert [s.kind for s in doc.sections] == ["body"]
    assert not doc.structured
