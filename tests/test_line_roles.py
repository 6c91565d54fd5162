"""Line roles of incident timelines: cleaning, decode, key facts, the artifact, summarize."""

from __future__ import annotations

import json
from pathlib import Path

import numpy as np
import pytest

from conftest import needs_corpus
from postmortem_assist.reading import Source
from postmortem_assist.summarize import line_roles as lr
from postmortem_assist.summarize import summarize_sources

# A wiki-style timeline table written for these tests.
TABLE = """\
## Timeline (all times UTC)

| Time | Event |
|------|-------|
| 2025-02-11 09:40 | Release 8.14 of the payments-router rolled out to all regions |
| 2025-02-11 09:52 | Card payments in EU start failing with gateway timeouts |
| 2025-02-11 09:58 | PagerDuty alert fires: payments-router 5xx above 5% |
| 2025-02-11 10:03 | Incident declared SEV1, status page updated |
| 2025-02-11 10:10 | Suspected the card network provider; provider confirms no issue on their side |
| 2025-02-11 10:21 | Found that release 8.14 dropped the retry budget setting |
| 2025-02-11 10:25 | Rolled back payments-router to release 8.13 |
| 2025-02-11 10:34 | Error rate back to baseline, card payments succeeding again |
| 2025-02-11 11:30 | Incident resolved after an hour of monitoring |
"""


def test_clean_table_row_bullet_and_header() -> None:
    row = lr.clean("| 2025-02-11 10:25 | Rolled back payments-router to release 8.13 |")
    assert row.text == "Rolled back payments-router to release 8.13"
    assert row.has_time and row.table_row
    bullet = lr.clean("- 14:02 **config push** to [eu-west](https://example.com/x)")
    assert bullet.text == "config push to eu-west"
    assert bullet.has_time and not bullet.table_row
    head = lr.clean("### Tuesday 4 March")
    assert head.header and not head.has_time
    assert lr.is_separator("|------|:-----:|") and not lr.is_separator("| a | b |")


def test_key_lines_follow_the_issue_definitions() -> None:
    roles = ["other", "trigger", "detection", "investigation", "misleading", "cause-found",
             "mitigation", "recovery", "mitigation", "recovery", "followup"]  # fmt: skip
    keys = lr.key_lines(roles)
    assert keys["start"] == 1  # no impact-start: the trigger
    assert keys["detection"] == 2
    assert keys["recovery"] == 7  # the first recovery
    assert keys["resolution"] == 9  # no resolution line: the last recovery
    assert keys["cause"] == [5] and keys["misleading"] == [4] and keys["steps"] == [6, 8]
    with_start = lr.key_lines(["trigger", "impact-start", "resolution", "recovery"])
    assert with_start["start"] == 1 and with_start["resolution"] == 2


def test_viterbi_follows_transitions_when_emissions_are_unsure() -> None:
    # two roles; emissions slightly favour role 1 on every line, transitions forbid 1 -> 1
    emit = np.log(np.array([[0.45, 0.55]] * 3))
    trans = np.log(np.array([[0.5, 0.5], [0.5, 0.5], [0.999, 0.001]]))
    assert lr.viterbi(emit, trans, weight=0.0).tolist() == [1, 1, 1]
    assert lr.viterbi(emit, trans, weight=1.0).tolist() == [1, 0, 1]
    learned = np.exp(lr.transitions([[0, 1, 0], [0, 1]], 2))
    assert np.allclose(learned.sum(axis=1), 1.0)
    assert learned[1, 1] > learned[1, 0]  # after role 0: role 1 twice, role 0 never
    assert learned[0, 0] > learned[0, 1]  # both sequences start with role 0


def test_marginals_are_posteriors_that_agree_with_brute_force() -> None:
    rng = np.random.default_rng(0)
    emit = np.log(rng.dirichlet(np.ones(3), size=4))
    trans = np.log(rng.dirichlet(np.ones(3), size=4))
    post = lr.marginals(emit, trans, weight=0.5)
    assert post.shape == (4, 3) and np.allclose(post.sum(axis=1), 1.0, atol=1e-5)
    # brute force over all 3**4 paths
    import itertools

    brute = np.zeros((4, 3))
    for path in itertools.product(range(3), repeat=4):
        score = emit[0, path[0]] + 0.5 * trans[0, path[0]]
        for i in range(1, 4):
            score += emit[i, path[i]] + 0.5 * trans[path[i - 1] + 1, path[i]]
        for i, y in enumerate(path):
            brute[i, y] += np.exp(score)
    brute /= brute.sum(axis=1, keepdims=True)
    assert np.allclose(post, brute, atol=1e-5)
    assert lr.marginals(np.zeros((0, 3)), trans, 1.0).shape == (0, 3)


def test_pick_keys_uses_peaks_the_start_thresholds_and_the_allowed_lines() -> None:
    k = len(lr.ROLES)
    post = np.full((5, k), 0.01)
    col = {r: i for i, r in enumerate(lr.ROLES)}
    post[1, col["trigger"]] = 0.15  # start sum reaches 0.15 first on line 1
    post[2, col["impact-start"]] = 0.6  # but peaks on line 2
    post[2, col["detection"]] = 0.45
    post[3, col["detection"]] = 0.5
    post[4, col["resolution"]] = 0.8
    keys = lr.pick_keys(post, start_threshold=0.1, order=None)
    assert keys["start"] is not None and keys["start"][0] == 1
    assert lr.pick_keys(post, start_threshold=0.5, order=None)["start"][0] == 2  # type: ignore[index]
    # the first likely impact-start line wins over an earlier trigger (issue #9: start = the
    # first impact-start line, else the trigger); with none that likely, the sum decides
    impact = lr.pick_keys(post, 0.1, order=None, impact_threshold=0.5)["start"]
    assert impact is not None and impact[0] == 2
    assert lr.pick_keys(post, 0.1, order=None, impact_threshold=0.7)["start"][0] == 1  # type: ignore[index]
    assert keys["detection"] == (3, pytest.approx(0.5))
    assert keys["resolution"][0] == 4  # type: ignore[index]
    only = lr.pick_keys(post, 0.1, allowed=[True, True, True, False, False], order=None)
    assert only["detection"][0] == 2 and only["resolution"][0] in (0, 1, 2)  # type: ignore[index]
    assert lr.pick_keys(post, 0.1, allowed=[False] * 5)["detection"] is None
    # ordered (default): the first likely detection line, not the later peak
    assert lr.pick_keys(post, 0.1)["detection"][0] == 2  # type: ignore[index]


def _status_posteriors() -> np.ndarray:
    """Investigating / service restored / update posted / resolved, as an unsure model sees it:
    the last line is the peak of both recovery and resolution."""
    col = {r: i for i, r in enumerate(lr.ROLES)}
    post = np.full((4, len(lr.ROLES)), 0.02)
    post[0, col["detection"]] = 0.6
    post[1, col["recovery"]] = 0.3
    post[1, col["mitigation"]] = 0.4
    post[2, col["communication"]] = 0.7
    post[3, col["recovery"]] = 0.4
    post[3, col["resolution"]] = 0.5
    return post / post.sum(axis=1, keepdims=True)


def test_ordered_keys_put_recovery_before_resolution() -> None:
    post = _status_posteriors()
    peaks = lr.pick_keys(post, 0.5, order=None)
    assert peaks["recovery"][0] == peaks["resolution"][0] == 3  # type: ignore[index]
    keys = lr.pick_keys(post, 0.5)
    assert [keys[k][0] for k in ("detection", "recovery", "resolution")] == [0, 1, 3]  # type: ignore[index]
    # only lines with a time may be chosen: not the update line, but the last line read as
    # "the last recovery line, no resolution line"
    timed = lr.pick_keys(post, 0.5, allowed=[True, False, True, True])
    assert timed["recovery"][0] == 3 and timed["resolution"][0] == 3  # type: ignore[index]
    # a confident recovery line stands even when it is not first
    col = {r: i for i, r in enumerate(lr.ROLES)}
    sure = post.copy()
    sure[3, col["recovery"]], sure[3, col["resolution"]] = lr.RECOVERY_SURE + 0.1, 0.05
    assert lr.pick_keys(sure, 0.5)["recovery"][0] == 3  # type: ignore[index]


def test_first_occurrence_and_resolution_scores() -> None:
    first = lr.first_occurrence(np.array([0.5, 0.5, 0.9]))
    assert np.allclose(first, [0.5, 0.25, 0.225], atol=1e-4)
    col = {r: i for i, r in enumerate(lr.ROLES)}
    post = np.zeros((3, len(lr.ROLES)))
    post[:, col["recovery"]] = [0.9, 0.1, 0.8]  # no resolution line: the last recovery answers
    score, last = lr.resolution_score(post)
    assert int(score.argmax()) == 2 and score[0] < score[2]
    assert np.allclose(score, last, atol=1e-4)  # no resolution posterior: only that reading


def test_short_key_moment_rows_are_not_chat_noise() -> None:
    from postmortem_assist.summarize import cues

    for label in ("First detected", "Service restored", "Incident declared", "Repaired"):
        assert not cues.is_noise(label), label
    for chat in ("ok thanks", "on it", "looking", "sounds good", "me too"):
        assert cues.is_noise(chat), chat


def test_artifact_is_numbers_only_and_describes_itself() -> None:
    folder = lr.MODEL_DIR
    data = np.load(folder / "model.npz", allow_pickle=False)
    meta = json.loads((folder / "model.json").read_text(encoding="utf-8"))
    assert tuple(meta["roles"]) == lr.ROLES
    assert data["coef"].shape == (len(lr.ROLES), meta["n_features"])
    assert data["trans"].shape == (len(lr.ROLES) + 1, len(lr.ROLES))
    assert 0.0 < float(meta["start_threshold"]) < 1.0
    assert sum(meta["train"]["per_role"].values()) == meta["train"]["lines"]
    card = (folder / "MODEL_CARD.md").read_text(encoding="utf-8")
    assert "train_line_roles" in card and "grouped 5-fold" in card


def test_context_block_adds_neighbours_and_is_recorded_by_the_model() -> None:
    lines = [lr.clean(r) for r in ("09:58 alert fires", "10:25 rolled back", "10:34 recovered")]
    emb = np.eye(3, 384, dtype=np.float32)
    protos, owner = np.eye(2, 384, dtype=np.float32), np.array([0, 1])
    plain = lr.features(lines, emb, protos, owner, context=False)
    wide = lr.features(lines, emb, protos, owner, context=True)
    assert wide.shape == (3, plain.shape[1] + 3 * 384)
    assert len(lr.feature_names(384, context=True)) == wide.shape[1]
    extra = wide[:, plain.shape[1] :]
    assert np.array_equal(extra[1, :384], emb[0])  # the previous line's embedding
    assert np.array_equal(extra[1, 384:768], emb[2])  # the next line's
    assert not extra[0, :384].any() and not extra[2, 384:768].any()  # none at the ends
    assert np.allclose(extra[:, 768:], emb - emb.mean(axis=0))
    shipped = lr.load()
    assert shipped is not None
    # the shipped model says which features it was trained on; its width matches them
    assert shipped.coef.shape[1] == shipped.features(lines, np.zeros((3, 384))).shape[1]


# An incident log with times on bullets, written for these tests.
BULLETS = """\
# Incident log: payments-router, 11 Feb 2025 (times UTC)

- 09:40 release 8.14 of payments-router rolled out to all regions
- 09:52 card payments in EU start failing with gateway timeouts
- 09:58 PagerDuty alert fires: payments-router 5xx above 5%
- 10:03 incident declared SEV1, status page updated
- 10:10 suspected the card network provider; provider confirms no issue on their side
- 10:21 root cause: release 8.14 dropped the retry budget setting, so every slow call timed out
- 10:25 rolled back payments-router to release 8.13
- 10:34 error rate back to baseline, card payments succeeding again
- 11:30 incident resolved after an hour of monitoring
"""


@pytest.fixture(scope="module")
def bullet_summary():  # type: ignore[no-untyped-def]
    return summarize_sources([Source("log.md", BULLETS)], categories=False)


@pytest.fixture(scope="module")
def table_summary():  # type: ignore[no-untyped-def]
    return summarize_sources([Source("wiki.md", TABLE)], categories=False)


def test_table_timeline_events_carry_their_role(table_summary) -> None:  # type: ignore[no-untyped-def]
    events = {e.line: e for e in table_summary.timeline}
    assert all(e.role in lr.ROLES for e in events.values())
    for e in events.values():  # the JSON type is the coarse type of the role
        if lr.COARSE[e.role] is not None:
            assert e.type == lr.COARSE[e.role]
    assert "line roles: line-role model" in table_summary.notes
    dumped = table_summary.model_dump(mode="json")
    assert "role" in dumped["timeline"][0] and "trigger" in dumped


def test_bullet_timeline_key_facts(bullet_summary) -> None:  # type: ignore[no-untyped-def]
    s = bullet_summary
    assert s.detected is not None and s.detected.line == 5  # the PagerDuty line
    assert s.start is not None and s.start.line == 4  # "start failing"
    assert s.resolved is not None and s.resolved.line in (10, 11)
    assert s.mitigated is not None and s.mitigated.time <= s.resolved.time
    roles = {e.line: e.role for e in s.timeline}
    assert set(roles.values()) <= set(lr.ROLES) and None not in roles.values()
    assert any("retry budget" in c.text for c in s.cause)
    assert any("rolled back" in r.text.lower() for r in s.resolution)
    assert s.durations.total is not None and s.durations.total > 0


def test_key_moment_lines_carry_their_key_role(bullet_summary) -> None:  # type: ignore[no-untyped-def]
    """The line a key moment is taken from has that moment's role and coarse type (issue #9:
    mitigated = the first recovery line, so its event is a `resolution`-type recovery), and a
    ruled-out path is an investigation whatever the line model said."""
    s = bullet_summary
    events = {e.line: e for e in s.timeline}
    for key, role in (("detected", "detection"), ("mitigated", "recovery"),
                      ("resolved", "resolution")):  # fmt: skip
        moment = getattr(s, key)
        event = events[moment.line]
        assert lr.COARSE[event.role] == lr.COARSE[role] and event.type == lr.COARSE[role], key
    for e in s.timeline:
        if e.misleading:
            assert e.type == "investigation" and e.role == "misleading"
    assert any(e.misleading and "card network provider" in e.text for e in s.timeline)
    # the rollback is still a resolution step although the recovery line after it is the key
    assert any("rolled back" in r.text.lower() for r in s.resolution)


def test_timeline_without_times_gives_a_draft_not_a_traceback() -> None:
    text = (
        "Timeline\n\n- deploy of the search indexer went out\n- search results empty for "
        "most users\n- support noticed a spike in tickets\n- reverted the indexer deploy\n"
        "- search results back to normal\n"
    )
    s = summarize_sources([Source("untimed.md", text)], categories=False)
    assert s.start is None and s.resolved is None
    assert any("When did the impact start" in q for q in s.open_questions)
    assert "## Timeline" in s.draft


def test_broken_table_rows_and_mixed_zones_are_read() -> None:
    text = (
        "| Time | Event |\n|---|---|\n| 2025-05-02 08:10 UTC | queue consumers stop acking |\n"
        "| 2025-05-02 10:15 CEST | alert: orders queue depth above 50k\n"
        "| broken row without a time |\n| 2025-05-02 08:40 UTC | consumers restarted, "
        "queue draining | extra cell |\n| 2025-05-02 09:05 UTC | queue depth back to normal |\n"
    )
    s = summarize_sources([Source("broken.md", text)], categories=False)
    assert s.timeline, "timed rows still become events"
    lines = {e.line for e in s.timeline}
    assert 5 not in lines  # the row without a time is not an event
    assert s.draft.startswith("# Postmortem draft")


def test_cli_reports_roles_in_json(
    tmp_path: Path, capsys: pytest.CaptureFixture[str], monkeypatch: pytest.MonkeyPatch
) -> None:
    from postmortem_assist.cli import main

    notes = tmp_path / "wiki.md"
    notes.write_text(TABLE, encoding="utf-8")
    before = notes.read_bytes()
    monkeypatch.setattr("sys.argv", ["assist", "summarize", "--format", "json", str(notes)])
    with pytest.raises(SystemExit) as exit_info:
        main()
    assert exit_info.value.code == 0
    data = json.loads(capsys.readouterr().out)
    assert {e["role"] for e in data["timeline"]} <= set(lr.ROLES)
    assert notes.read_bytes() == before


def test_eval_stage_skips_cleanly_without_the_corpus() -> None:
    from postmortem_assist.evaluate.run import STAGES, Bar, run_line_roles
    from postmortem_assist.evaluate.speed import Speed

    notes: list[str] = []
    assert "line-roles" in STAGES
    assert run_line_roles(None, Speed(), Bar(), notes) == {}
    assert notes and "line roles skipped" in notes[0]


@needs_corpus
def test_dev_timelines_align_with_their_labels(corpus_dir: Path) -> None:
    from postmortem_assist.evaluate.line_roles_eval import fold_ids
    from postmortem_assist.summarize.train_line_roles import load_timelines

    timelines = load_timelines(corpus_dir)
    assert len(timelines) >= 100
    assert all(len(t.lines) == len(t.roles) == len(t.numbers) for t in timelines)
    assert all(not lr.is_separator(raw) or raw.count("|") == 0 for t in timelines for raw in t.raw)
    folds = fold_ids([t.group for t in timelines])
    for k in set(folds):  # no company is in two folds
        inside = {t.group for t, f in zip(timelines, folds, strict=True) if f == k}
        outside = {t.group for t, f in zip(timelines, folds, strict=True) if f != k}
        assert not inside & outside
