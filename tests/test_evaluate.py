"""assist eval: metrics on hand-checked cases, malformed inputs, compare, the CLI."""

from __future__ import annotations

import json
import subprocess
import sys
from pathlib import Path

import pytest

from conftest import needs_corpus
from postmortem_assist.evaluate import compare, gold, metrics, review_eval
from postmortem_assist.evaluate.facts import score_note_set
from postmortem_assist.evaluate.gold import Skips
from postmortem_assist.evaluate.metrics import PRF, binary_prf, confusion, span_prf

ROOT = Path(__file__).resolve().parent.parent
ASSIST = [sys.executable, "-m", "postmortem_assist.cli"]

# --- span overlap, computed by hand -------------------------------------------------


def test_span_prf_by_hand() -> None:
    # gold: [0,5) [10,20) [30,40); predictions: [3,8) hits g1, [18,25) hits g2,
    # [50,60) hits nothing, [12,14) hits g2 again.
    # precision = 3 of 4 predictions overlap gold = 0.75
    # recall = g1 and g2 found, g3 not = 2/3; F1 = 2*.75*.6667/(.75+.6667) = 0.7059
    c = span_prf([(3, 8), (18, 25), (50, 60), (12, 14)], [(0, 5), (10, 20), (30, 40)])
    assert (c.tp_pred, c.n_pred, c.tp_gold, c.n_gold) == (3, 4, 2, 3)
    assert c.precision == 0.75
    assert c.recall == pytest.approx(2 / 3)
    assert c.f1 == pytest.approx(0.7059, abs=1e-4)


def test_touching_spans_do_not_overlap() -> None:
    assert not metrics.overlaps((0, 5), (5, 9))
    assert metrics.overlaps((0, 6), (5, 9))
    assert span_prf([(0, 5)], [(5, 9)]).f1 == 0.0


def test_prf_undefined_and_micro_sum() -> None:
    empty = PRF()
    assert empty.precision is None and empty.recall is None and empty.f1 is None
    total = PRF()
    total.add(span_prf([(0, 2)], [(0, 2)]))  # 1/1, 1/1
    total.add(span_prf([(0, 2), (4, 6)], []))  # 0/2, no gold
    assert (total.precision, total.recall) == (pytest.approx(1 / 3), 1.0)


def test_binary_prf_by_hand() -> None:
    d = binary_prf([True, True, False, False, True], [True, False, True, False, True])
    assert (d["tp"], d["fp"], d["fn"], d["tn"]) == (2, 1, 1, 1)
    assert d["precision"] == pytest.approx(2 / 3, abs=1e-4)
    assert d["recall"] == pytest.approx(2 / 3, abs=1e-4)


def test_multilabel_and_confusion_by_hand() -> None:
    g = [["a"], ["a", "b"], ["b"], ["c"]]
    p = [["a"], ["b"], ["b", "c"], []]
    m = metrics.multilabel_prf(g, p, ["a", "b", "c"])
    # a: tp1 fp0 fn1 -> F1 2/3; b: tp2 fp0 fn0 -> 1; c: tp0 fp1 fn1 -> 0
    assert m["per_label"]["a"]["f1"] == pytest.approx(0.6667, abs=1e-4)
    assert m["per_label"]["b"]["f1"] == 1.0
    assert m["per_label"]["c"]["f1"] == 0.0
    assert m["macro_f1"] == pytest.approx((2 / 3 + 1) / 3, abs=1e-4)
    # micro: tp3 fp1 fn2 -> P .75 R .6 F1 .6667
    assert m["micro_f1"] == pytest.approx(0.6667, abs=1e-4)
    # rows true, columns predicted + "none"
    assert confusion(g, p, ["a", "b", "c"]) == [[1, 1, 0, 0], [0, 2, 1, 0], [0, 0, 0, 1]]


def test_rouge_matches_rouge_score_and_hand_count() -> None:
    from rouge_score import rouge_scorer

    pred = "the database failover took twelve minutes"
    ref = "the failover of the database took twelve minutes in total"
    got = metrics.rouge_f(pred, ref)
    direct = rouge_scorer.RougeScorer(["rouge1", "rouge2", "rougeL"], use_stemmer=True).score(
        ref, pred
    )
    for k in ("rouge1", "rouge2", "rougeL"):
        assert got[k] == pytest.approx(direct[k].fmeasure, abs=1e-4)
    # by hand: ROUGE-1 overlap 6 of pred's 6 tokens and ref's 10 -> F = 2*1*.6/1.6 = .75
    assert got["rouge1"] == pytest.approx(0.75, abs=1e-4)


# --- scoring review against gold, by hand ------------------------------------------


def _item(text: str, flags: list[tuple[str, str]], decoys: tuple[str, ...] = ()) -> gold.GoldItem:
    fl = []
    for key, quote in flags:
        fam, kind = key.split("/")
        s = text.index(quote)
        fl.append(gold.GoldFlag(fam, kind, s, s + len(quote)))
    ds = tuple((text.index(d), text.index(d) + len(d)) for d in decoys)
    return gold.GoldItem("x-1", "blame", text, tuple(fl), ds)


def test_score_gold_maps_rules_to_kinds_and_counts_decoys() -> None:
    text = "Tom failed to escalate; the replica failed to promote after human error."
    it = _item(
        text,
        [("blame/named-person", "Tom failed to escalate"), ("blame/human-error", "human error")],
        decoys=("the replica failed to promote",),
    )
    s = text.index("replica failed")
    hits = {
        "x-1": [
            ("blame/person-failed-to", 0, 10),  # on the named-person span: correct
            ("blame/hindsight", s, s + 14),  # on the decoy: false positive
        ]
    }
    out = review_eval.score_gold([it], hits)
    assert out["per_rule"]["blame/person-failed-to"]["precision"] == 1.0
    assert out["per_rule"]["blame/hindsight"]["precision"] == 0.0
    assert out["per_kind"]["blame/named-person"]["recall"] == 1.0
    # the two-kind rule's hit counts for the kind it matched, not as a miss of the other
    assert out["per_kind"]["blame/named-person"]["precision"] == 1.0
    assert out["per_kind"]["blame/human-error"]["recall"] == 0.0
    fam = out["per_family"]["blame"]
    assert (fam["tp_pred"], fam["n_pred"], fam["tp_gold"], fam["n_gold"]) == (1, 2, 1, 2)
    assert out["decoy_hits"] == {"blame/hindsight": 1}


def test_every_mapped_rule_exists() -> None:
    from postmortem_assist.review import load_rules

    ids = {r.id for r in load_rules()}
    assert set(review_eval.RULE_KINDS) <= ids


def test_gold_set_end_to_end_is_scored() -> None:
    skips = Skips()
    items = gold.load_review_gold(ROOT / "eval/gold/review.jsonl", skips)
    assert len(items) == 174 and not skips
    hits = review_eval.gold_hits(items[:12], skips)
    out = review_eval.score_gold(items[:12], hits)
    assert out["items"] == 12
    assert out["per_family"]["blame"]["n_gold"] > 0


def test_proselint_spans_point_at_the_flagged_words() -> None:
    it = gold.GoldItem("p-1", "clarity", "The fix was obviously very unique.", (), ())
    hits = review_eval.proselint_hits([it])["p-1"]
    assert hits
    assert any(it.text[s:e] == "very unique" for _, s, e in hits)


# --- malformed input: reported with file:line, skipped, counted --------------------


def test_malformed_review_jsonl(tmp_path: Path) -> None:
    p = tmp_path / "review.jsonl"
    good = {"id": "b-1", "family": "blame", "text": "It was human error.", "flags": []}
    bad_quote = [{"family": "blame", "kind": "h", "quote": "zz"}]
    p.write_text(
        "\n".join(
            [
                json.dumps(good),
                "{not json",
                json.dumps([1, 2]),
                json.dumps({**good, "id": "b-2", "family": "style"}),
                json.dumps({**good, "id": "b-3", "flags": bad_quote}),
                "",
                json.dumps({**good, "id": "b-4"}),
            ]
        )
        + "\n",
        encoding="utf-8",
    )
    skips = Skips()
    items = gold.load_review_gold(p, skips)
    assert [i.id for i in items] == ["b-1", "b-4"]
    assert [(s.line, s.reason.split(":")[0]) for s in skips.items] == [
        (2, "invalid JSON"),
        (3, "not a JSON object"),
        (4, "'family' must be one of blame, clarity, actions"),
        (5, "quote 'zz' (occurrence 1) is not in the text"),
    ]
    assert str(skips.items[0]).startswith(f"{p}:2: invalid JSON")


def test_malformed_expected_yaml(tmp_path: Path) -> None:
    (tmp_path / "a.txt").write_text("14:02 UTC first errors\n", encoding="utf-8")
    (tmp_path / "a.expected.yml").write_text("start: 2024-01-01T14:02:00Z\n", encoding="utf-8")
    (tmp_path / "b.txt").write_text("notes\n", encoding="utf-8")
    (tmp_path / "b.expected.yml").write_text("start: [unclosed\nresolved: x\n", encoding="utf-8")
    (tmp_path / "c.expected.yml").write_text("start: null\n", encoding="utf-8")
    skips = Skips()
    sets = gold.load_note_sets(tmp_path, skips)
    assert [s.name for s in sets] == ["a"]
    assert len(skips) == 2
    bad_yaml, no_notes = skips.items
    assert bad_yaml.file.endswith("b.expected.yml") and bad_yaml.line == 2
    assert no_notes.file.endswith("c.expected.yml") and "no notes file" in no_notes.reason


def test_note_set_can_be_a_slack_export_folder(tmp_path: Path) -> None:
    """A set's notes may be a Slack export folder (or zip): found, read, scored."""
    from datetime import UTC, datetime

    from postmortem_assist.evaluate.facts import score_note_set
    from postmortem_assist.evaluate.run import _call_summarize
    from postmortem_assist.summarize import summarize

    root = tmp_path / "export-set"
    (root / "inc-api").mkdir(parents=True)
    (root / "random").mkdir()
    (root / "users.json").write_text(
        json.dumps([{"id": "U1", "name": "mia", "real_name": "Mia Ortiz"}]), encoding="utf-8"
    )
    t0 = datetime(2024, 4, 9, 13, 5, tzinfo=UTC).timestamp()
    said = [
        (0, "PagerDuty fired: api 5xx above 5%, I'm on it"),
        (300, "deploy 8812 went out at 13:01, rolling it back"),
        (1500, "rollback done, 5xx back to baseline, api healthy again"),
    ]
    day = [{"type": "message", "user": "U1", "ts": f"{t0 + d:.6f}", "text": t} for d, t in said]
    (root / "inc-api" / "2024-04-09.json").write_text(json.dumps(day), encoding="utf-8")
    (root / "random" / "2024-04-09.json").write_text(
        json.dumps([{"type": "message", "user": "U1", "ts": f"{t0:.6f}", "text": "lunch?"}]),
        encoding="utf-8",
    )
    (tmp_path / "export-set.expected.yml").write_text(
        "detected: 2024-04-09T13:05:00Z\nmitigated: 2024-04-09T13:30:00Z\n", encoding="utf-8"
    )
    skips = Skips()
    [note] = gold.load_note_sets(tmp_path, skips)
    assert note.path == root and not skips.items
    scored = score_note_set(note, _call_summarize(summarize, note.path))
    assert scored["checks"] == {"time:detected": True, "time:mitigated": True}


def test_malformed_drafts_jsonl(tmp_path: Path) -> None:
    (tmp_path / "d.md").write_text("# Draft\n\n## Summary\n\nFine.\n", encoding="utf-8")
    lines = [
        {"id": "d1", "file": "d.md", "expected": [], "clean_families": ["blame"]},
        {"id": "d2", "file": "missing.md", "expected": []},
        {"id": "d3", "file": "d.md", "expected": [{"rule": "blame/x"}]},
    ]
    p = tmp_path / "drafts.jsonl"
    p.write_text("\n".join(json.dumps(x) for x in lines) + "\n", encoding="utf-8")
    skips = Skips()
    assert [d.id for d in gold.load_drafts(p, skips)] == ["d1"]
    assert [s.line for s in skips.items] == [2, 3]


def test_fact_checks_on_a_hand_made_result(tmp_path: Path) -> None:
    note = gold.NoteSet(
        "n",
        tmp_path / "n.txt",
        {
            "start": "2024-03-05T14:02:00Z",
            "resolved": "2024-03-05T14:49:00Z",
            "duration_minutes": 47,
            "impact_numbers": ["3.2%", "1,204 customers"],
            "must_not_appear": ["Bob"],
        },
    )
    result = {
        "start": {"time": "2024-03-05T14:02:30+00:00"},  # within 1 minute
        "resolved": {"time": "2024-03-05T14:52:00+00:00"},  # 3 minutes off
        "durations": {"total": 47},
        "draft": "About 3.2% of checkouts failed for 1,204 customers. Bob was on call.",
    }
    out = score_note_set(note, result)
    assert out["checks"] == {
        "time:start": True,
        "time:resolved": False,
        "duration_minutes": True,
        "number:3.2%": True,
        "number:1,204 customers": True,
        "absent:Bob": False,
    }


# --- compare ------------------------------------------------------------------------


def _run(f1: float, rate: float) -> dict:
    return {
        "meta": {"date": "x"},
        "review": {
            "gold": {"per_family": {"blame": {"f1": f1, "n_gold": 10}}},
            "corpus": {"per_rule": {"blame/hindsight": {"per_1k_words": rate}}},
        },
        "speed": {"review: corpus": {"docs_per_s": 10.0}},
    }


def test_compare_lists_regressions_first(tmp_path: Path) -> None:
    old, new = tmp_path / "old.json", tmp_path / "new.json"
    old.write_text(json.dumps(_run(0.60, 0.50)), encoding="utf-8")
    new_run = _run(0.70, 0.90)
    new_run["speed"]["review: corpus"]["docs_per_s"] = 10.5  # noise, not a change
    new.write_text(json.dumps(new_run), encoding="utf-8")
    changes = compare.diff(compare.load_run(old), compare.load_run(new))
    assert [(c.key, c.better) for c in changes] == [
        ("review.corpus.per_rule.blame/hindsight.per_1k_words", False),
        ("review.gold.per_family.blame.f1", True),
    ]
    text = compare.render(changes, old, new)
    assert text.index("Regressions") < text.index("Improvements")


def test_compare_refuses_a_non_report(tmp_path: Path) -> None:
    bad = tmp_path / "bad.json"
    bad.write_text("[]", encoding="utf-8")
    from postmortem_assist.reading import InputError

    with pytest.raises(InputError):
        compare.load_run(bad)


# --- the command ------------------------------------------------------------------


def _assist(*args: str, env: dict[str, str] | None = None) -> subprocess.CompletedProcess[str]:
    import os

    return subprocess.run(
        [*ASSIST, *args],
        capture_output=True,
        text=True,
        cwd=ROOT,
        env={**os.environ, **(env or {})},
        timeout=600,
    )


def test_cli_usage_errors_exit_2(tmp_path: Path) -> None:
    assert _assist("eval", "--split", "nope").returncode == 2
    assert _assist("eval", "--only", "everything").returncode == 2
    assert _assist("eval", "--corpus", str(tmp_path / "absent")).returncode == 2
    r = _assist("eval", "--compare", str(tmp_path / "a.json"), str(tmp_path / "b.json"))
    assert r.returncode == 2 and "no such file" in r.stderr


def test_cli_markdown_corpus_with_malformed_file_exits_1(tmp_path: Path) -> None:
    corpus = tmp_path / "pm"
    corpus.mkdir()
    (corpus / "one.md").write_text(
        "# Outage\n\n## Summary\n\nFrom 14:02 to 14:49 UTC checkout failed for 1,204 users "
        "because a config pointed at the sandbox gateway.\n",
        encoding="utf-8",
    )
    (corpus / "two.md").write_bytes(b"# Bad\n\n\xff\xfe not utf-8\n")
    out = tmp_path / "out"
    r = _assist("eval", "--only", "review", "--corpus", str(corpus), "--out", str(out))
    assert r.returncode == 1, r.stderr
    assert "two.md" in r.stderr and "not valid UTF-8" in r.stderr
    report = json.loads((out / "report.json").read_text(encoding="utf-8"))
    assert report["skipped"]["count"] == 1
    assert report["review"]["corpus"]["documents"] == 1
    assert (out / "report.md").is_file() and (out / "review_rules_pr.png").is_file()
    # comparing a run with itself: nothing changed, exit 0
    same = _assist("eval", "--compare", str(out / "report.json"), str(out / "report.json"))
    assert same.returncode == 0 and "No metric changed" in same.stdout


def test_cli_jsonl_corpus_malformed_line_reported_with_line(tmp_path: Path) -> None:
    p = tmp_path / "summaries.jsonl"
    rec = {"id": "s1", "split": "test", "text": "The load balancer config change dropped traffic."}
    p.write_text(json.dumps(rec) + "\n{broken\n", encoding="utf-8")
    r = _assist("eval", "--only", "review", "--corpus", str(p), "--out", str(tmp_path / "o"))
    assert r.returncode == 1
    assert f"{p}:2" in r.stderr


@needs_corpus
def test_review_corpus_in_two_processes_matches_one() -> None:
    from postmortem_assist import corpus

    docs = [(p.id, p.text) for p in corpus.iter_postmortems("test")][:6]
    one = review_eval.review_corpus(docs, jobs=1, batch=2)
    two = review_eval.review_corpus(docs, jobs=2, batch=2)
    assert [(r.id, r.rules) for r in one] == [(r.id, r.rules) for r in two]
    rates = review_eval.flag_rates(one)
    assert rates["documents"] + sum(bool(r.error) for r in one) == 6


def test_compare_warns_when_runs_measure_different_things() -> None:
    old, new = _run(0.6, 0.5), _run(0.6, 0.5)
    new["meta"]["split"] = "all"
    assert compare.mismatches(old, new) == ["split: None -> 'all'"]
    assert compare.mismatches(old, old) == []
