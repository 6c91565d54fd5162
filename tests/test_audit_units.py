"""Audit pieces that need no model: document dates, cause text, template sentences, score."""

from __future__ import annotations

from datetime import date

import pytest

from postmortem_assist.audit.causes import Cause, cause_of, drop_boilerplate
from postmortem_assist.audit.dates import document_date
from postmortem_assist.audit.scorecard import CLARITY_FLOOR, Scorecard, overall, score_parts


@pytest.mark.parametrize(
    ("text", "name", "expected"),
    [
        ("---\ntitle: x\ndate: '2022-02-03'\n---\n# Outage\n", "notes.md", (date(2022, 2, 3),
                                                                            "front matter")),
        ("# Outage on 4 May 2021\n\nText.", "2020_11_09-db.md", (date(2020, 11, 9), "file name")),
        ("# Outage\n", "incident-20190312.txt", (date(2019, 3, 12), "file name")),
        ("# Search outage, June 4th, 2021\n\nOn Friday...", "search.md", (date(2021, 6, 4),
                                                                          "title")),
        ("# Search outage\n\nAt 10:00 UTC on 7 Sept 2023 the index...", "s.md", (date(2023, 9, 7),
                                                                                "opening text")),
        ("# Search outage\n\nVersion 10.2.3 failed at 12:00.", "s.md", (None, None)),
        ("# Outage 2031-13-45\n", "x.md", (None, None)),
    ],
)  # fmt: skip
def test_document_date(text: str, name: str, expected: tuple[date | None, str | None]) -> None:
    assert document_date(text, name) == expected


def test_cause_text_falls_back_to_cause_sentences_then_opening() -> None:
    prose = (
        "Checkout was slow for an hour on Monday. The slowdown was caused by a missing index "
        "on the orders table after the migration. We added the index at 11:00."
    )
    cause = cause_of("", "", prose)
    assert cause.source == "cause sentences"
    assert cause.text.startswith("The slowdown was caused by a missing index")
    assert cause_of("", "", "Checkout was slow for an hour on Monday.").source == "opening text"
    section = cause_of("The pool ran out of connections under load.", "root-cause section", prose)
    assert section.source == "root-cause section" and "pool" in section.text


def _cause(text: str) -> Cause:
    from postmortem_assist.classify.features import sentences

    return Cause(text, "root-cause section", sentences(text))


def test_template_sentences_shared_by_three_causes_are_dropped() -> None:
    template = "Engineers will continue to investigate to establish the full root cause."
    causes = [
        _cause(f"A storage node ran out of disk space. {template}"),
        _cause(f"A bad route was announced by a new switch. {template}"),
        _cause("Engineers will continue to investigate to establish the full root cause."),
        _cause("A certificate expired on the gateway. Renewal was switched off."),
    ]
    out = drop_boilerplate(causes)
    assert out[0].text == "A storage node ran out of disk space."
    assert out[1].text == "A bad route was announced by a new switch."
    assert out[2].text == "" and out[2].source == "template text only"
    assert out[3] is causes[3]


def test_two_identical_causes_are_kept_three_are_a_template() -> None:
    text = "There is currently no text in this page."
    assert [c.text for c in drop_boilerplate([_cause(text)] * 2)] == [text, text]
    assert [c.text for c in drop_boilerplate([_cause(text)] * 3)] == ["", "", ""]


def _card(**kw: object) -> Scorecard:
    base: dict[str, object] = {
        "path": "x.md",
        "title": "x",
        "words": 1000,
        "sections": dict.fromkeys(("summary", "timeline", "root_cause", "corrective_actions"),
                                  True),
        "summary_states": {"duration": True, "impact": True, "cause": False},
        "timeline_has": {"detection": True, "resolution": False, "zone": False},
        "blame_findings": 1,
        "unclear_findings": 5,
        "unclear_per_1k_words": 5.0,
        "action_items": 4,
        "actions_with_owner": 2,
        "actions_with_due_date": 2,
    }  # fmt: skip
    return Scorecard(**{**base, **kw})  # type: ignore[arg-type]


def test_score_parts_and_weights() -> None:
    parts = score_parts(_card())
    assert parts == pytest.approx(
        {"sections": 1.0, "summary": 2 / 3, "timeline": 1 / 3, "blameless": 0.5,
         "clarity": 1 - 5.0 / CLARITY_FLOOR, "actions": 0.5}
    )  # fmt: skip
    # 100 x (0.2 + 0.1 + 0.05 + 0.1 + 0.05 + 0.1)
    assert overall(parts) == 60


def test_missing_sections_zero_their_parts() -> None:
    card = _card(
        sections={"summary": False, "timeline": False, "root_cause": True,
                  "corrective_actions": False},
        action_items=0, actions_with_owner=0, actions_with_due_date=0, blame_findings=0,
        unclear_per_1k_words=25.0,
    )  # fmt: skip
    parts = score_parts(card)
    assert (parts["summary"], parts["timeline"], parts["actions"], parts["clarity"]) == (0, 0, 0, 0)
    assert overall(parts) == 25  # 0.2 x 1/4 + 0.2 x blameless 1
