"""summarize on the hand-written gold note sets: exact facts, nothing invented, blameless."""

from __future__ import annotations

from datetime import UTC, datetime
from pathlib import Path

import pytest
import yaml

from postmortem_assist import review_text
from postmortem_assist.reading import InputError, Source
from postmortem_assist.summarize import Summary, cues, summarize, summarize_sources

GOLD = Path(__file__).resolve().parent.parent / "eval" / "gold" / "notes"
SETS = sorted(p.name.removesuffix(".expected.yml") for p in GOLD.glob("*.expected.yml"))


def _notes_file(name: str) -> Path:
    return next(p for p in GOLD.glob(f"{name}.*") if not p.name.endswith(".expected.yml"))


@pytest.fixture(scope="module")
def results() -> dict[str, tuple[Summary, dict]]:
    out = {}
    for name in SETS:
        expected = yaml.safe_load((GOLD / f"{name}.expected.yml").read_text(encoding="utf-8"))
        out[name] = (summarize([str(_notes_file(name))]), expected)
    return out


def _iso(value: datetime | None) -> str | None:
    if value is None:
        return None
    if value.tzinfo is None:
        return value.isoformat()
    return value.astimezone(UTC).isoformat().replace("+00:00", "Z")


def _expected_iso(value: object) -> str | None:
    if value is None:
        return None
    if isinstance(value, datetime):
        return _iso(value)
    return str(value)


def test_all_nine_gold_sets_are_present() -> None:
    assert len(SETS) == 9


@pytest.mark.parametrize("name", SETS)
def test_key_times_and_duration(results: dict, name: str) -> None:
    summary, exp = results[name]
    for key in ("start", "detected", "mitigated", "resolved"):
        got = getattr(summary, key)
        assert _iso(got.time if got else None) == _expected_iso(exp[key]), key
    assert summary.durations.total == exp["duration_minutes"]
    assert summary.timezone is None if exp["timezone_given"] is None else summary.timezone


@pytest.mark.parametrize("name", SETS)
def test_impact_and_services(results: dict, name: str) -> None:
    summary, exp = results[name]
    found = [f.text.lower() for f in summary.impact]
    for number in exp["impact_numbers"]:
        assert any(number.lower() in f for f in found), (number, found)
    services = " | ".join(f.text.lower() for f in summary.affected_services)
    for service in exp["affected_services"]:
        assert service.lower() in services, (service, services)


@pytest.mark.parametrize("name", SETS)
def test_cause_resolution_actions_misleading(results: dict, name: str) -> None:
    summary, exp = results[name]
    assert exp["cause_quote"] in " ".join(c.text for c in summary.cause)
    assert exp["resolution_quote"] in " ".join(r.text for r in summary.resolution)
    actions = [a.text for a in summary.action_items]
    assert len(actions) == len(exp["action_items"])
    for item in exp["action_items"]:
        assert any(item in a for a in actions), item
    paths = [m.text for m in summary.misleading_paths]
    for path in exp["misleading_paths"]:
        assert any(path in p for p in paths), path


@pytest.mark.parametrize("name", SETS)
def test_nothing_invented_and_blameless(results: dict, name: str) -> None:
    summary, exp = results[name]
    for banned in exp["must_not_appear"]:
        assert banned not in summary.draft
        assert banned not in summary.issue_summary
    # every number in the Issue Summary comes from the notes (or is a derived duration)
    notes_text = _notes_file(name).read_text(encoding="utf-8")
    for fact in summary.impact:
        assert fact.text in notes_text or fact.text in notes_text.replace("\\", "")
    # quoted sentences (all but the derived duration sentence) only hold numbers of the notes
    import re

    quoted = re.sub(r"^The incident (?:lasted|started|was resolved)[^.]*\.\s*", "",
                    summary.issue_summary)  # fmt: skip
    for number in re.findall(r"\d[\d,.:]*\d|\d", quoted):
        assert number in notes_text, number
    findings = review_text(summary.draft, "draft.md")
    assert not [f.rule for f in findings if f.family == "blame"]


def _allowed_structure(summary: Summary) -> set[str]:
    allowed = set()
    if summary.durations.total is None:
        allowed.add("structure/summary-no-duration")
    if not summary.timeline or all(e.time is None for e in summary.timeline):
        allowed.add("structure/timeline-no-timestamp")
    if summary.timezone is None:
        allowed.add("structure/timeline-no-timezone")
    if summary.detected is None:
        allowed.add("structure/timeline-no-detection")
    if summary.resolved is None:
        allowed.add("structure/timeline-no-resolution")
    if not summary.impact:
        allowed.add("structure/summary-no-impact")
    if not summary.cause:
        allowed.add("structure/summary-no-cause")
    return allowed


@pytest.mark.parametrize("name", SETS)
def test_draft_passes_structure_rules(results: dict, name: str) -> None:
    summary, _ = results[name]
    findings = review_text(summary.draft, "draft.md")
    structure = {f.rule for f in findings if f.family == "structure"}
    assert structure <= _allowed_structure(summary), structure
    for title in (
        "## Issue Summary",
        "## Timeline",
        "## Root Cause and Resolution",
        "## Corrective and Preventative Measures",
        "## Open questions",
    ):
        assert title in summary.draft


def test_missing_facts_become_open_questions(results: dict) -> None:
    summary, _ = results["supplier-price-import-notes"]
    joined = " ".join(summary.open_questions)
    assert "When did the impact start?" in joined
    assert "How and when was the incident detected?" in joined
    android, _ = results["android-edge-block-notes"]
    assert any("time zone" in q for q in android.open_questions)
    assert "UTC" not in android.draft


def test_issue_summary_states_duration_impact_cause(results: dict) -> None:
    summary, _ = results["checkout-401-chat"]
    text = summary.issue_summary
    assert "47 minutes" in text and "14:02" in text and "14:49 UTC" in text
    assert "1,204 customers" in text
    assert "sandbox credentials" in text
    assert 2 <= text.count(". ") + 1 <= 5


def test_json_facts_carry_source_lines(results: dict) -> None:
    summary, _ = results["checkout-401-chat"]
    data = summary.model_dump(mode="json")
    assert data["start"]["line"] == 13
    assert data["cause"][0]["source"].endswith("checkout-401-chat.txt:17")
    assert all(e["line"] > 0 for e in data["timeline"])


def test_chat_noise_is_dropped(results: dict) -> None:
    summary, _ = results["checkout-401-chat"]
    texts = [e.text for e in summary.timeline]
    assert "looking" not in texts and "+1, on it too" not in texts and "thanks!" not in texts


@pytest.mark.parametrize(
    "text",
    ["", "   \n", "ok"],
)
def test_empty_or_tiny_notes_are_refused(text: str) -> None:
    with pytest.raises(InputError):
        summarize_sources([Source("notes.txt", text)])


def test_non_english_notes_are_refused() -> None:
    text = (
        "Der Checkout-Dienst lieferte zwischen 14:02 und 14:49 Fehler. Die Ursache war eine "
        "falsche Konfiguration, die auf alle Server ausgerollt wurde. Wir haben sie zurückgesetzt."
    )
    with pytest.raises(InputError, match="language"):
        summarize_sources([Source("notes.txt", text)])


def _tiny_seq2seq(folder: Path) -> Path:
    """A tiny BART with random weights and a word-level tokenizer, built offline."""
    from tokenizers import Tokenizer, models, pre_tokenizers
    from transformers import BartConfig, BartForConditionalGeneration, PreTrainedTokenizerFast

    words = [
        "the",
        "incident",
        "lasted",
        "minutes",
        "from",
        "to",
        "utc",
        "root",
        "cause",
        "resolution",
        "config",
        "rev",
    ]
    vocab = {tok: i for i, tok in enumerate(["<pad>", "<s>", "</s>", "<unk>", *words])}
    core = Tokenizer(models.WordLevel(vocab=vocab, unk_token="<unk>"))
    core.pre_tokenizer = pre_tokenizers.Whitespace()
    tokenizer = PreTrainedTokenizerFast(
        tokenizer_object=core, pad_token="<pad>", bos_token="<s>", eos_token="</s>",
        unk_token="<unk>",
    )  # fmt: skip
    config = BartConfig(
        vocab_size=len(vocab), d_model=16, encoder_layers=1, decoder_layers=1,
        encoder_attention_heads=2, decoder_attention_heads=2, encoder_ffn_dim=32,
        decoder_ffn_dim=32, max_position_embeddings=128, pad_token_id=0, bos_token_id=1,
        eos_token_id=2, decoder_start_token_id=2, forced_eos_token_id=2,
    )  # fmt: skip
    model = BartForConditionalGeneration(config)
    model.save_pretrained(folder, safe_serialization=True)
    tokenizer.save_pretrained(folder)
    return folder


def test_abstractive_rewrite_with_a_local_tiny_model(tmp_path: Path) -> None:
    folder = _tiny_seq2seq(tmp_path / "tiny-bart")
    assert (folder / "model.safetensors").is_file()
    notes = _notes_file("checkout-401-chat")
    summary = summarize([str(notes)], model=folder)
    assert isinstance(summary.abstractive_summary, str)
    assert summary.issue_summary  # the extractive summary is kept next to the rewrite
    assert "Model rewrite" in summary.draft or not summary.abstractive_summary
    assert any("abstractive rewrite" in n for n in summary.notes)


def test_model_folder_must_exist(tmp_path: Path) -> None:
    with pytest.raises(InputError, match="not a local model folder"):
        summarize([str(_notes_file("checkout-401-chat"))], model=tmp_path)


def _cli(args: list[str], capsys: pytest.CaptureFixture[str]) -> tuple[int, str, str]:
    import sys

    from postmortem_assist.cli import main

    old = sys.argv
    sys.argv = ["assist", "summarize", *args]
    try:
        with pytest.raises(SystemExit) as exc:
            main()
    finally:
        sys.argv = old
    out = capsys.readouterr()
    return int(exc.value.code or 0), out.out, out.err


def test_cli_writes_markdown_and_json(capsys: pytest.CaptureFixture[str]) -> None:
    notes = str(_notes_file("billing-consumer-lag"))
    code, out, _ = _cli([notes], capsys)
    assert code == 0 and out.startswith("# Postmortem draft") and "## Timeline" in out
    code, out, _ = _cli([notes, "--format", "json"], capsys)
    import json

    data = json.loads(out)
    assert code == 0 and data["durations"]["total"] == 105
    assert data["resolved"]["source"].endswith("billing-consumer-lag.log:17")


@pytest.mark.parametrize(
    ("content", "extra", "message"),
    [
        (b"", [], "input is empty"),
        (b"\x00\x01\x02binary\x00", [], "binary"),
        (b'[{"ts": "1", "text": "a"} {"ts": "2"}]', ["--input-format", "slack"], "line 1, column"),
        (b"x" * 2000, ["--max-bytes", "1000"], "over the"),
        (b"notes with words\n", ["--timezone", "Nowhere/Land"], "unknown time zone"),
    ],
)
def test_cli_bad_input_exits_2_with_one_line(
    tmp_path: Path, capsys: pytest.CaptureFixture[str], content: bytes, extra: list[str],
    message: str,
) -> None:  # fmt: skip
    path = tmp_path / "notes.txt"
    path.write_bytes(content)
    code, out, err = _cli([str(path), *extra], capsys)
    assert code == 2
    assert message in err and out == ""
    assert len(err.strip().splitlines()) == 1


def test_notes_without_timestamps_still_give_a_draft(capsys: pytest.CaptureFixture[str]) -> None:
    code, out, _ = _cli([str(_notes_file("supplier-price-import-notes"))], capsys)
    assert code == 0
    assert "The notes give no times" in out
    assert "When did the impact start?" in out


def test_contradictory_times_are_reported() -> None:
    text = (
        "#inc (2024-05-01, all times UTC)\n"
        "[10:20] bot: TRIGGERED: api 5xx above 5%\n"
        "[10:25] ana: rollback applied, errors stopping\n"
        "[10:05] ana: resolved, back to baseline\n"
        "[10:30] ana: 1,000 requests failed\n"
    )
    summary = summarize_sources([Source("n.txt", text)])
    assert any("earlier than the message before" in w for w in summary.warnings)
    assert any(q.startswith("Check:") for q in summary.open_questions)


@pytest.mark.parametrize("name", SETS)
def test_action_lines_name_owner_and_ticket_once(results: dict, name: str) -> None:
    summary, _ = results[name]
    measures = summary.draft.split("## Corrective and Preventative Measures")[1]
    measures = measures.split("## Open questions")[0]
    lines = [ln for ln in measures.splitlines() if ln.startswith("- ")]
    assert len(lines) == len(summary.action_items)
    for line, item in zip(lines, summary.action_items, strict=True):
        assert line.lower().count("owner") <= 1, line
        if item.owner:
            assert line.count(item.owner) == 1, line
        else:
            assert "owner: not named" in line
        if item.ticket:
            assert line.count(item.ticket) == 1, line


@pytest.mark.parametrize(
    ("text", "kind"),
    [
        ("pausing the reindex job and throttling relocation (40mb -> 10mb)", "mitigation"),
        ("draining node-7 and failing over to the replica", "mitigation"),
        ("relocation throttled, reindex paused", "mitigation"),
        ("scaling question: do we even have headroom on the cluster?", "investigation"),
        ("first timeouts in the gateway logs at 09:04", "investigation"),
        ("same thing again", "investigation"),  # "thing again" is not "working again"
        ("tbh this is the promo-sync again, we all pay for it", "investigation"),
        ("Gates C and D are scanning green, ten for ten. We're back.", "mitigation"),
        ("That's because every gate is on manual lookup. Nothing is fixed.", "investigation"),
    ],
)
def test_timeline_event_kind(text: str, kind: str) -> None:
    from postmortem_assist.notes import Message
    from postmortem_assist.summarize.timeline import classify_event

    assert classify_event(Message(text=text, line=1))[0] == kind


# A config-change incident whose chat also talks about attacks, 403s and credentials on the
# way (hypotheses and symptoms): the category must come from the cause lines, not the chat.
CONFIG_CHANGE_CHAT = (
    "#inc-checkout (2026-03-04, all times UTC)\n"
    "[09:12] pagerbot: TRIGGERED: checkout error rate above 5%\n"
    "[09:14] maria: looking, lots of 403 forbidden responses at the edge\n"
    "[09:16] dev: could this be an attack? the WAF shows a spike of blocked requests\n"
    "[09:19] sec-oncall: checked the WAF and auth logs, no credential stuffing, no DDoS\n"
    "[09:21] maria: security team says the tokens and certificates are all valid\n"
    "[09:27] dev: the errors started right after the config push at 09:05\n"
    "[09:31] maria: found it: the root cause is the configuration change to the gateway "
    "routing rules, the new YAML sent checkout traffic to a backend pool that was not ready\n"
    "[09:35] dev: reverting the config change now\n"
    "[09:41] maria: error rate back to baseline, resolved\n"
    "[09:50] maria: action: validate routing config against live pools before rollout "
    "(owner: dev, OPS-412)\n"
)


def test_notes_category_comes_from_the_cause_lines_not_the_chat() -> None:
    summary = summarize_sources([Source("config-chat.txt", CONFIG_CHANGE_CHAT)])
    labels = [c.label for c in summary.categories]
    assert summary.cause, "the cause line must be found"
    assert "security" not in labels
    assert labels[:1] == ["config-change"]
    cause_lines = {f.text for f in [*summary.cause, *summary.trigger]}
    assert summary.categories[0].evidence in cause_lines
    assert "configuration change" in summary.draft


def test_notes_category_says_nothing_stands_out_when_nothing_passes(
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    import postmortem_assist.classify as classify_mod
    from postmortem_assist.classify.types import Classification

    seen: list[tuple[list[str], list[str]]] = []

    def fake(cause: list[str], trigger: list[str] = ()) -> Classification:  # type: ignore[assignment]
        seen.append((list(cause), list(trigger)))
        return Classification(note="no category stands out")

    monkeypatch.setattr(classify_mod, "classify_sentences", fake)
    summary = summarize_sources([Source("config-chat.txt", CONFIG_CHANGE_CHAT)])
    assert summary.categories == []
    assert summary.category_note == "no category stands out"
    assert "no category stands out" in summary.draft
    ((cause, trigger),) = seen
    assert cause == [c.text for c in summary.cause]
    assert trigger == [t.text for t in summary.trigger]
    assert not any("WAF" in line for line in [*cause, *trigger])


def test_a_fix_with_no_effect_is_a_misleading_path_and_a_found_cause_is_the_cause() -> None:
    """Timeline prose: an action followed by "This does not resolve the issue" is ruled out
    (both lines); "Identified that the issue was ..." is the cause, not the status lines."""
    text = (
        "### 14:29\n\n"
        "Checkout errors reported by customers.\n"
        "Suspecting network issues, the proxy pod is restarted.\n"
        "This does not resolve the issue.\n\n"
        "### 14:50\n\n"
        "Identified that the issue was an expired signing certificate on the token service.\n\n"
        "### 15:10\n\n"
        "Certificate renewed, checkout working again.\n"
    )
    summary = summarize_sources([Source("notes.md", text)])
    ruled_out = {f.line for f in summary.misleading_paths}
    assert {4, 5} <= ruled_out
    assert 3 not in ruled_out
    assert any("expired signing certificate" in f.text for f in summary.cause)


def test_an_alerts_own_start_field_is_the_detection_time() -> None:
    text = (
        "#inc-tickets, times in CET\n"
        "2024-01-23, 22:22:10 - Lena: opening this. Alertmanager paged me, forwarding it here\n"
        "2024-01-23, 22:22:14 - Alertmanager: [FIRING:1] TicketPurchaseErrorRate error ratio "
        "0.41 > 0.05 for 3m. Started: 2024-01-23 22:19:44 CET\n"
        "2024-01-23, 22:40:00 - Jonas: reverted the pool_mode change\n"
        "2024-01-23, 22:46:00 - Jonas: purchases working again\n"
    )
    summary = summarize_sources([Source("room.txt", text)])
    assert summary.detected is not None
    assert summary.detected.time == datetime(2024, 1, 23, 21, 19, 44, tzinfo=UTC)


#: Key moments that a cue must place (name, notes, key, UTC time): a named caller or support
#: relaying a report before the page, and a recovery not taken from "everyone else" working.
KEY_MOMENT_CASES = [
    (
        "call from a named person before the page",
        "vans not dispatching, all times UTC, 2025-11-02\n"
        "- 08:05 geofence v42 uploaded\n"
        "- 08:17 call from Terrence (night dispatch): tablets in all 9 vans idle 10+ min\n"
        "- 08:31 PagerDuty: NightRideUnassignedRequests > 25 for 10m, acked\n"
        "- 09:12 restored service area v41\n"
        "- 09:16 vans getting trips again\n",
        "detected",
        datetime(2025, 11, 2, 8, 17, tzinfo=UTC),
    ),
    (
        "support relaying a report before the alert",
        "all stamps are UTC+05:30\n"
        "[2025-10-14 08:58:40] @rates-bot: rate card approved, effective 09:00\n"
        "[2025-10-14 09:03:22] @priya.nair: helpdesk here. Sai Motors calling, policy issue "
        "failing at the dealer desk\n"
        "[2025-10-14 09:11:05] @alertmanager: [FIRING] PolicyIssueErrorRate ratio=0.62\n"
        "[2025-10-14 09:50:30] @arjun: dealers issuing normally again\n",
        "detected",
        datetime(2025, 10, 14, 3, 33, 22, tzinfo=UTC),
    ),
    (
        "everyone else working normally is not the recovery",
        "truck slots incident, all times UTC, 2025-01-21\n"
        "- 07:12 HaulSoft bookings refused with 429 by edge-gw\n"
        "- 07:31 Ribeiro (HaulSoft) calls: every booking fails\n"
        "- 07:44 every 429 is from haulsoft-prod. everyone else is booking normally\n"
        "- 08:10 reverted edge-gw to v87\n"
        "- 08:14 Ribeiro says bookings are going through again\n",
        "mitigated",
        datetime(2025, 1, 21, 8, 14, tzinfo=UTC),
    ),
]


@pytest.mark.parametrize(
    ("text", "key", "when"), [c[1:] for c in KEY_MOMENT_CASES], ids=[c[0] for c in KEY_MOMENT_CASES]
)
def test_key_moment_placed_by_its_cue(text: str, key: str, when: datetime) -> None:
    moment = getattr(summarize_sources([Source("n.txt", text)]), key)
    assert moment is not None and moment.time == when


def test_an_impact_number_told_twice_is_quoted_as_the_impact_section_words_it() -> None:
    text = (
        "# Shift log (all times UTC)\n\n## Log\n\n"
        "- **05:52** - trailer departed 37 min late. 214 orders missed their Sunday linehaul "
        "and will deliver a day late.\n"
        "- **06:15** - all clear, labels printing again since 04:57.\n\n"
        "## Impact\n\n- 214 orders missed the Sunday linehaul (one day late).\n"
    )
    summary = summarize_sources([Source("log.md", text)])
    quoted = [f for f in summary.impact if f.text.startswith("214 orders")]
    assert quoted and quoted[0].line == 10


def test_wiki_table_with_the_zone_in_the_intro_gives_report_recovery_and_close() -> None:
    text = (
        "Erstellt von Jana Albrecht, zuletzt aktualisiert am 19.07.2024 um 16:42\n\n"
        "> Datum / Date: Donnerstag, 18.07.2024 - alle Zeiten MESZ / all times CEST.\n\n"
        "## Zeitverlauf / Timeline\n\n| Uhrzeit / Time | Ereignis / Event |\n|---|---|\n"
        "| 08:30 | Platform team rolls out redis-shared config v14 to all shared clusters. |\n"
        "| 08:47 | First `OTP_NOT_FOUND` in the otp-service logs. |\n"
        "| 09:02 | Kundenservice: first caller on the hotline, the SMS code is rejected. |\n"
        "| 09:15 | Alert `OTPVerifyFailureRate > 20%` fires. Jana acks. |\n"
        "| 10:12 | Malte: `CONFIG SET maxmemory 8gb`, override restored in the config repo. |\n"
        "| 10:18 | `OTP_NOT_FOUND` back to baseline, test logins work. Login works again. |\n"
        "| 10:24 | Alert `OTPVerifyFailureRate` resolved. |\n"
        "| 11:05 | Entwarnung / all clear by Jana. Incident closed. |\n"
    )
    summary = summarize_sources([Source("wiki.md", text)])
    times = {
        k: getattr(summary, k).time for k in ("start", "detected", "mitigated", "resolved")
    }
    assert times == {
        "start": datetime(2024, 7, 18, 6, 47, tzinfo=UTC),
        "detected": datetime(2024, 7, 18, 7, 2, tzinfo=UTC),  # the caller, before the alert
        "mitigated": datetime(2024, 7, 18, 8, 18, tzinfo=UTC),  # not the fix at 10:12
        "resolved": datetime(2024, 7, 18, 9, 5, tzinfo=UTC),  # not the alert clearing
    }


def test_failed_attempts_and_disproved_paths_are_misleading() -> None:
    """An attempt that failed, a suspicion a later line eliminates, and an action that a later
    line says did not solve it are misleading; the action taken instead is not."""
    text = (
        "| Time | Event |\n"
        "|---|---|\n"
        "| 10:02 | Checkout errors reported by customers |\n"
        "| 10:10 | Node rollover attempt fails due to timeout from the registry |\n"
        "| 10:20 | Initial suspicion was a stale pod still receiving traffic. |\n"
        "| 10:31 | Exploring the logs eventually eliminated this possibility. |\n"
        "| 10:40 | Redis instance is resized to avoid connection pool exhaustion |\n"
        "| 10:52 | Redis cache is turned off, since resizing the instances did not solve the "
        "issue |\n"
        "| 11:05 | Checkout working again |\n"
    )
    summary = summarize_sources([Source("timeline.md", text)])
    ruled_out = {f.line for f in summary.misleading_paths}
    assert {4, 5, 6, 7} <= ruled_out
    assert not {3, 8, 9} & ruled_out


def test_a_question_path_keeps_the_sentences_that_follow_it_on_its_line() -> None:
    """"Could this be the Okta outage? Their status page shows degraded in EU." ruled out
    by the next comment: the path quotes both sentences, and not the next comment."""
    text = (
        "Anna - 9:31 AM\n"
        "Could this be the Okta outage? Their status page shows degraded in EU right now.\n\n"
        "Jakub - 9:40 AM\n"
        "Checked: the Okta incident is about MFA push only. Not Okta's outage.\n"
    )
    summary = summarize_sources([Source("comments.txt", text)])
    (path,) = [f for f in summary.misleading_paths if "Okta outage?" in f.text]
    assert path.text.endswith("degraded in EU right now.")
    assert "MFA" not in path.text


def test_a_cause_lead_in_passes_to_the_sentences_after_it() -> None:
    """"The actual cause took us a while to see." names nothing: the cause is what follows,
    ahead of an impact sentence with "because" elsewhere in the notes."""
    text = (
        "Around 2:15 course pages started failing. Support received 312 tickets, and evening "
        "classes started late because instructors couldn't get into their course pages.\n\n"
        "The actual cause took us a while to see. At lunchtime we swapped in the new cache "
        "cluster. Every catalog key is written with the same fixed one-hour TTL, so all of "
        "those keys expired at the same moment and every request went to the read replica.\n\n"
        "At 3:22 we turned on serving stale entries and pages loaded normally again.\n"
    )
    summary = summarize_sources([Source("email.txt", text)])
    assert summary.cause
    assert "one-hour TTL" in summary.cause[0].text
    assert not any("took us a while" in c.text for c in summary.cause)


def test_a_line_verifying_recovery_is_not_the_cause() -> None:
    """"Verified that ... up and running again" is not the cause, the "due to" line is."""
    text = (
        "| Time | Event |\n"
        "|---|---|\n"
        "| 00:30 | Nodes deleted from the cluster by the cleanup job |\n"
        "| 00:35 | Manually marked VMs as unhealthy, triggering provisioning of new instances |\n"
        "| 01:00 | Verified that new nodes joined cluster and most deployments are up and "
        "running again |\n"
        "| 01:05 | Some critical daemonsets not operational, due to IP address starvation these "
        "workloads could not be scheduled on all nodes |\n"
    )
    summary = summarize_sources([Source("timeline.md", text)])
    assert summary.cause
    assert "IP address starvation" in summary.cause[0].text
    assert not any("Verified" in c.text for c in summary.cause)


def test_a_finding_or_an_attribution_is_the_cause_without_cause_words() -> None:
    """A timeline that states its cause as what someone "finds", "initial findings of ..."
    or "attributed to" a bug picks that line, not the busy mitigation lines around it."""
    text = (
        "| Time | Event |\n"
        "|---|---|\n"
        "| 09:02 | Checkout latency alert fires for the EU region |\n"
        "| 09:10 | On-call restarts the payment workers, no change |\n"
        "| 09:31 | Dana finds that the new connection pool caps every worker at two "
        "database connections |\n"
        "| 09:40 | Pool size raised to twenty and workers redeployed |\n"
        "| 09:48 | Checkout latency back to normal |\n"
    )
    summary = summarize_sources([Source("timeline.md", text)])
    assert summary.cause and "connection pool" in summary.cause[0].text
    text = (
        "| Time | Event |\n"
        "|---|---|\n"
        "| 14:05 | Users report that uploads hang at 99% |\n"
        "| 14:20 | Storage team publish initial findings of which bucket policy was "
        "rejecting the final part of each upload |\n"
        "| 14:45 | The bucket policy is rolled back and the storage nodes restarted |\n"
        "| 15:02 | Uploads complete again |\n"
    )
    summary = summarize_sources([Source("timeline.md", text)])
    assert summary.cause and "bucket policy was rejecting" in summary.cause[0].text


def test_an_attempt_followed_by_still_failing_is_a_misleading_path() -> None:
    """A retried fix whose next entry (past a time header) says the failure goes on is a
    path that did not help; the fix that worked and "not seen again" are not."""
    text = (
        "All times in UTC\n\n"
        "### 14:02\n\n"
        "Deploy of the search release fails on CI with a timeout on the schema job.\n\n"
        "### 14:10\n\n"
        "The CI deploy job is restarted.\n\n"
        "### 14:25\n\n"
        "Deploy fails again, this time hanging on the cache warm-up step.\n\n"
        "### 14:40\n\n"
        "The cache warm-up flag is disabled and the deploy is rerun.\n\n"
        "### 14:52\n\n"
        "Deploy succeeds and the timeout has not been seen again.\n"
    )
    summary = summarize_sources([Source("timeline.md", text)])
    paths = " ".join(f.text for f in summary.misleading_paths)
    assert "deploy job is restarted" in paths
    assert "warm-up flag is disabled" not in paths


def test_a_pipeline_triggered_is_not_an_alert_but_a_team_alerted_is() -> None:
    """Lower-case "triggered" in a sentence is a pipeline or a change, not the detection;
    "[Triggered]", "TRIGGERED" and "the team is alerted" are."""
    text = (
        "| Time | Event |\n"
        "|---|---|\n"
        "| 16:09 | Deployment pipeline triggered to roll out the new ingress rules |\n"
        "| 16:31 | Team is alerted to 403 responses on the upload endpoint |\n"
        "| 16:50 | Ingress rules rolled back |\n"
        "| 17:02 | Uploads succeeding again |\n"
    )
    summary = summarize_sources([Source("timeline.md", text)])
    assert summary.detected is not None and summary.detected.line == 4
    for alert in ("[Triggered] uploads-api 5xx rate > 2%", "pagerbot: TRIGGERED UploadErrors"):
        assert cues.ALERT.search(alert), alert
    assert not cues.ALERT.search("that triggered a new node being started up")


def test_mitigated_is_the_timeline_line_saying_service_is_back() -> None:
    """A timeline's own recovery words ("Monitoring reports that Fluentd is now fine") give
    "mitigated", not the restart before them; a recovery line that only names DNS
    "resolvers" is still a recovery, not a close."""
    text = (
        "| Time | Event |\n"
        "|---|---|\n"
        "| 21:40 | Release 1.16 of the log shipper rolled out to all clusters |\n"
        "| 21:52 | Alert fired: logs missing in CloudWatch |\n"
        "| 22:05 | Restarted the fluentd pods on one cluster |\n"
        "| 22:17 | Monitoring reports that Fluentd is now fine |\n"
        "| 22:23 | Buggy release has been fully reverted back to the previous release |\n"
        "| 23:10 | Incident closed |\n"
    )
    summary = summarize_sources([Source("timeline.md", text)])
    assert summary.mitigated is not None and summary.mitigated.line == 6
    assert summary.resolved is not None and summary.resolved.line == 8
    notes = (
        "06:02 DKIM failures on password reset mails, alert fired\n"
        "06:09 record visible from Google and Cloudflare resolvers, test messages pass DKIM, "
        "password reset emails delivered again\n"
        "07:30 re-queue finished, incident declared resolved\n"
    )
    summary = summarize_sources([Source("notes.txt", notes)])
    assert summary.mitigated is not None and summary.mitigated.line == 2


def test_a_tool_applying_a_change_is_not_a_person_to_blame() -> None:
    """"Atlantis applied PR #2291" names a tool (the blame rule's tool list), so the line can be
    the cause; a named person merging the PR still reads as blame."""
    from postmortem_assist.summarize.facts import blames_person

    assert not blames_person("Atlantis applied infra PR #2291 at 13:40 and switched mode.", set())
    assert blames_person("Mikkel merged the cost PR right before lunch and went offline.", set())
    assert blames_person("Sam applied the wrong plan.", {"sam"})


def test_a_cause_message_ending_in_a_question_still_states_the_cause() -> None:
    """A chat message that explains the cause and then asks for a go is the cause, quoted
    without the question; a message that is only a question is not."""
    import numpy as np

    from postmortem_assist.notes import Message
    from postmortem_assist.summarize import roles
    from postmortem_assist.summarize.extract import pick_cause

    texts = [
        "is it the database maintenance from last night? AWS mailed about it?",
        "lookups fail because the cache keys were all written by the 08:45 warmup with the "
        "same TTL, so they all expired at 09:00 and every lookup went to postgres. Plan: "
        "restart with stale serving on. @U03KX9Q2M go?",
    ]
    msgs = [Message(t, n + 1, "chat.json", None) for n, t in enumerate(texts)]
    probs = np.zeros((len(msgs), len(roles.ROLES)))
    cause = pick_cause(msgs, probs, skip=set(), blamed=set())
    assert [c.line for c in cause] == [2]
    assert "same TTL" in cause[0].text
    assert not cause[0].text.endswith("?")


def test_a_repeated_status_line_confirms_only_the_entry_it_first_follows() -> None:
    """In an IC log, "Status: Cause identified" under the entry that found the cause confirms
    it; the same status repeated under a later entry confirms nothing there."""
    import numpy as np

    from postmortem_assist.notes import Message
    from postmortem_assist.summarize import roles
    from postmortem_assist.summarize.extract import pick_cause

    texts = [
        "Our importer treats a missing calendar.txt as no regular service days at all.",
        "Status: Cause identified",
        "The import is automatic; nobody pushes it by hand.",
        "Status: Cause identified",
    ]
    msgs = [Message(t, n + 1, "log.md", None) for n, t in enumerate(texts)]
    probs = np.zeros((len(msgs), len(roles.ROLES)))
    probs[2, roles.ROLES.index("cause")] = 0.75  # the head leans to the later line
    cause = pick_cause(msgs, probs, skip=set(), blamed=set())
    assert cause and cause[0].line == 1


def test_a_present_tense_wiki_table_gives_detection_close_and_real_impact() -> None:
    """"X sees on the dashboard ... and opens INC-..." is the detection, "X closes the
    incident" the end; numbers of units that were not affected and bare unit labels are not
    the impact."""
    text = (
        "# INC-77 Tickets not issued\n\n"
        "All times UTC. Monday 4 March 2024.\n\n"
        "## Impact\n\n"
        "- Units 3, 5 and 7 could not close any weighing for 55 minutes.\n"
        "- 312 trucks waited; 9,840 t of grain received late.\n"
        "- Units 2 and 9 run the old local server and were not affected.\n\n"
        "## Timeline\n\n"
        "| Time | Event |\n|---|---|\n"
        "| 10:12 | First failed ticket: No space left on device on app-02. |\n"
        "| 10:31 | Rafael sees on the receiving dashboard that no ticket was issued since 10:12 "
        "and opens INC-77. |\n"
        "| 10:58 | Debug logs deleted; log level set back to INFO. |\n"
        "| 11:07 | First ticket printed at Unit 5; weigh-outs running at all three units. |\n"
        "| 12:55 | Luciana closes the incident. |\n"
    )
    summary = summarize_sources([Source("wiki.md", text)])
    assert summary.detected is not None and "opens INC-77" in summary.detected.text
    assert summary.resolved is not None and "closes the incident" in summary.resolved.text
    shown = [f.text for f in summary.impact]
    assert shown[:2] == ["312 trucks", "9,840 t"]  # unit labels ("Units 3, 5") rank last
    assert not any(t == "2" or t.startswith("9 ") for t in shown)  # "were not affected"
    assert "312 trucks" in summary.issue_summary


def test_a_tracker_issue_with_quoted_comment_bodies() -> None:
    """Linear/GitHub exports quote each comment under "**Name** commented · date, time": the
    body is the comment (no ">" left in it), its author and time those of the header."""
    text = (
        "# Feeds not picking up new episodes\n\nAll times UTC.\n\n## Activity\n\n"
        "**Hemi Walker** commented · 11 Jun 2024, 08:58\n\n"
        "> Spotify's status page has ingestion delays up, so my money is on them.\n\n"
        "**Tama Ruatapu** commented · 11 Jun 2024, 09:09\n\n"
        "> I don't think Spotify is it. Apple is exactly as stale.\n>\n"
        "> So the directories are asking, and we're telling them nothing changed.\n\n"
        "**Hemi Walker** commented · 11 Jun 2024, 09:57\n\n"
        "> Revert deployed at 09:48.\n>\n"
        "> Feeds serving fresh content since 09:53, Spotify fetched the new episode.\n\n"
        "**Hemi Walker** commented · 11 Jun 2024, 11:20\n\n"
        "> All 412 episodes are listed again. Closing this.\n"
    )
    summary = summarize_sources([Source("issue.md", text)])
    assert not any(e.text.startswith(">") or " > " in e.text for e in summary.timeline)
    assert summary.mitigated is not None
    assert summary.mitigated.time == datetime(2024, 6, 11, 9, 53, tzinfo=UTC)
    assert summary.resolved is not None
    assert summary.resolved.time == datetime(2024, 6, 11, 11, 20, tzinfo=UTC)


def test_an_email_alert_and_a_reply_confirming_the_cause() -> None:
    """A forwarded alert mail's "Triggered: <time>" field is the detection, "the alert
    resolved at 08:11" is the alert clearing (not the end), and "Confirmed on our side.
    <cause>" confirms the cause after it, not the message before it."""
    text = (
        "From: Catriona Bell <c@example.com>\nSent: Thursday, 14 March 2024 10:05 +0000\n"
        "Subject: RE: [ALERT] match rate 12%\n\n"
        "I'm closing INC-0142 now (10:05). Lanes are fine since the re-sync.\n\n"
        "-----Original Message-----\n"
        "From: Ewan MacLeod <e@example.com>\nSent: Thursday, 14 March 2024 08:40 +0000\n"
        "Subject: RE: [ALERT] match rate 12%\n\n"
        "Lanes matching plates again since 07:53. The alert resolved at 08:11.\n\n"
        "-----Original Message-----\n"
        "From: Agnieszka <a@example.com>\nSent: Thursday, 14 March 2024 07:29 +0000\n"
        "Subject: RE: [ALERT] match rate 12%\n\n"
        "Confirmed on our side. Release 24.3 stores registrations with a space and the "
        "lookup compares the plate string exactly, without spaces.\n\n"
        "-----Original Message-----\n"
        "From: Morag <m@example.com>\nSent: Thursday, 14 March 2024 07:16 +0000\n"
        "Subject: RE: [ALERT] match rate 12%\n\n"
        "The 07:00 sailing is still loading by hand, it will be half an hour late.\n\n"
        "-----Original Message-----\n"
        "From: Monitoring <alerts@example.com>\nSent: Thursday, 14 March 2024 06:19 +0000\n"
        "Subject: [ALERT] match rate 12%\n\n"
        "Alert: checkin-api ANPR match rate below 60% for 5 minutes\n"
        "Triggered: 2024-03-14 06:19:02 UTC\n"
    )
    summary = summarize_sources([Source("thread.txt", text)])
    assert summary.detected is not None
    assert summary.detected.time == datetime(2024, 3, 14, 6, 19, 2, tzinfo=UTC)
    assert summary.resolved is not None
    assert summary.resolved.time == datetime(2024, 3, 14, 10, 5, tzinfo=UTC)
    assert summary.cause and "with a space" in summary.cause[0].text


def test_terse_bullets_across_midnight_with_an_impact_list_after_them() -> None:
    """"9:15p me, on the dashboard: viewers stuck" is the detection (an engineer noticing,
    before the page); an impact bullet "9:03p–9:53p: ..." after a log that crossed midnight
    is the evening's start, not 20 hours later; "roll X back to v211" is not a recovery."""
    text = (
        "live notes, sat dec 14 2024, all times pacific\n\n"
        "- 8:58p edge config v212 live\n"
        "- 9:15p me, on the dashboard: concurrent viewers stuck at 4.1k. that's wrong\n"
        "- 9:19p paged ayo, opened #inc-1214\n"
        "- 9:46p decision: roll edge config back to v211\n"
        "- 9:53p paid viewers get the player, streams working again\n"
        "- 12:41a closing the incident. legal owns the privacy follow-up\n\n"
        "impact\n"
        "- 9:03p–9:53p: ~6,800 paying viewers couldn't start the stream\n"
    )
    summary = summarize_sources([Source("notes.md", text)])
    assert summary.detected is not None
    assert summary.detected.time == datetime(2024, 12, 15, 5, 15, tzinfo=UTC)
    assert summary.start is not None
    assert summary.start.time == datetime(2024, 12, 15, 5, 3, tzinfo=UTC)
    assert summary.mitigated is not None
    assert summary.mitigated.time == datetime(2024, 12, 15, 5, 53, tzinfo=UTC)
    assert summary.resolved is not None
    assert summary.resolved.time == datetime(2024, 12, 15, 8, 41, tzinfo=UTC)


def test_a_gitlab_issue_copied_from_the_page_with_bold_names() -> None:
    """"**Name** @handle · <ISO time>" over a comment, system notes after a gear: each comment
    gets its author and time, so "Closing this one." closes at its own time."""
    text = (
        "# Feed plans rejected since the 06:00 push\n\n"
        "Comment times below are Oslo time (+02:00). The alert bot writes UTC.\n\n"
        "**Ingrid Solberg** @ingrid.solberg · 2024-06-03T06:54:02+02:00\n\n"
        "Seen on the plan dashboard: 0 of 52 barges acknowledged today's plan, issue opened.\n\n"
        "⚙ **Mats Haugland** merged !991 · 2024-06-03T08:24:15+02:00\n\n"
        "**Ingrid Solberg** @ingrid.solberg · 2024-06-03T08:38:17+02:00\n\n"
        "52/52 barges acknowledged the re-pushed plan, feeders working again.\n\n"
        "**Mats Haugland** @mats.haugland · 2024-06-03T10:12:48+02:00\n\n"
        "Closing this one.\n"
    )
    from postmortem_assist.notes import parse_notes

    notes = parse_notes([Source("issue.md", text)])
    back = next(m for m in notes.messages if m.text.startswith("52/52"))
    assert (back.author, back.time) == (
        "Ingrid Solberg",
        datetime(2024, 6, 3, 6, 38, 17, tzinfo=UTC),
    )
    summary = summarize_sources([Source("issue.md", text)])
    assert summary.resolved is not None
    assert summary.resolved.time == datetime(2024, 6, 3, 8, 12, 48, tzinfo=UTC)
    assert summary.mitigated is not None
    assert summary.mitigated.time == datetime(2024, 6, 3, 6, 38, 17, tzinfo=UTC)


def test_a_monitor_named_as_the_pager_and_failures_at_zero() -> None:
    """"Alertmanager fires X and pages the on-call" is the detection (before it, a symptom in
    telemetry is the start); a "working assumption" that says "again" is not a recovery, and
    "allocation failures at zero" is; an alarm that "went OK on its own" is not."""
    text = (
        "# Exam sessions dropping\n\nAll times UTC, 13 May 2024.\n\n## Timeline\n\n"
        "- **09:04** — First sessions report `ICE failed` in client telemetry.\n"
        "- **09:06** — Alertmanager fires `TurnRelayAllocationFailures` and pages the on-call.\n"
        "- **09:12** — Alarm went OK at 09:11 on its own, 5xx at 0 right now. Flapping?\n"
        "- **09:14** — Working assumption: the campus network is blocking UDP 3478 again.\n"
        "- **09:31** — Desired capacity set to 14; scheduled actions deleted.\n"
        "- **09:49** — Allocation failures at zero. New sessions stay connected.\n"
        "- **11:20** — Aoife closes the incident.\n"
    )
    summary = summarize_sources([Source("page.md", text)])
    assert summary.detected is not None
    assert summary.detected.time == datetime(2024, 5, 13, 9, 6, tzinfo=UTC)
    assert summary.mitigated is not None
    assert summary.mitigated.time == datetime(2024, 5, 13, 9, 49, tzinfo=UTC)
