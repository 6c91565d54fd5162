"""The learned sentence scorer, its pass in the engine, blameless rewrites, zone context."""

from __future__ import annotations

import pytest

from postmortem_assist.config import Learned, Settings
from postmortem_assist.review import review_text
from postmortem_assist.review.flags import locate
from postmortem_assist.review.rewrite import blameless_rewrite, kept_facts
from postmortem_assist.review.scorer import default_scorer, tokens

ON = ["blame/learned", "clarity/learned"]
DRAFT = """# Search outage

## Summary

Between 10:02 and 10:40 UTC search returned errors for 1,200 users.
The indexer wrote to the primary cluster after a config change.

## Root cause

During the cleanup we inadvertently pointed the batch importer at the primary database.
"""


def _scorer():
    scorer = default_scorer()
    if scorer is None:
        pytest.skip("models/sentence-flags not built")
    return scorer


def test_tokens_carry_rule_hits_and_fold_digits() -> None:
    feats = tokens("Latency hit 450 ms", ["clarity/hedge"])
    assert "w:000" in feats and "b:hit 000" in feats
    assert "R:clarity/hedge" in feats and "F:clarity" in feats
    assert "R:none" in tokens("Latency hit 450 ms")


def test_scores_are_probabilities_and_deterministic() -> None:
    scorer = _scorer()
    a = scorer.score("We think some users may have seen errors.", ["clarity/hedge"])
    b = scorer.score("We think some users may have seen errors.", ["clarity/hedge"])
    assert a == b and all(0.0 <= p <= 1.0 for p in a.values())
    assert scorer.kind("unclear", "We think some users may have seen errors.") in {
        "hedge",
        "vague-quantity",
        "vague-action",
        "time-without-zone",
        "undefined-acronym",
        "relative-time",
        "other",
    }


def test_add_threshold_zero_gives_every_unflagged_sentence_a_learned_finding() -> None:
    _scorer()
    settings = Settings(enable=ON, learned=Learned(unclear_add=0.0, blame_add=1.01))
    learned = [f for f in review_text(DRAFT, settings=settings) if f.rule == "clarity/learned"]
    assert learned, "unclear_add=0 must flag the sentences no clarity rule flagged"
    for f in learned:
        assert f.score is not None and f.kind
        sentence = DRAFT[f.start : f.end]
        assert "\n" not in sentence.strip() and not sentence.startswith("#")


def test_veto_above_one_drops_rule_hits_and_zero_keeps_them() -> None:
    _scorer()
    default = review_text(DRAFT)  # the learned rules are quiet: off unless enabled
    assert any(f.rule == "blame/person-as-cause" for f in default)
    assert not any(f.rule.endswith("/learned") for f in default)
    vetoed = review_text(DRAFT, settings=Settings(enable=ON, learned=Learned(blame_veto=1.01)))
    assert not any(f.family == "blame" for f in vetoed)
    kept = review_text(DRAFT, settings=Settings(enable=ON, learned=Learned(blame_veto=0.0)))
    assert any(f.rule == "blame/person-as-cause" for f in kept)


def test_blame_findings_carry_a_rewrite_without_the_person() -> None:
    found = [f for f in review_text(DRAFT) if f.family == "blame"]
    assert found and all(f.rewrite for f in found)
    rewrite = found[0].rewrite or ""
    assert "we " not in rewrite.lower() and "inadvertently" not in rewrite
    assert "batch importer" in rewrite and "primary database" in rewrite


@pytest.mark.parametrize(
    ("sentence", "expected"),
    [
        (
            "In the rollout we forgot to set the --max-surge flag on the api deployment.",
            "the --max-surge flag was not set on the api deployment",
        ),
        ("This regression should have been caught in staging.", "was not caught in staging"),
        (
            "Nobody noticed that the backup job had stopped at 02:00 UTC.",
            "it was not noticed that the backup job had stopped at 02:00 utc",
        ),
        (
            "Because of an operator error, the purge ran on all 12 edge nodes.",
            "because of a manual step, the purge ran on all 12 edge nodes",
        ),
        # the patterns added for real prose (issue #10)
        (
            "No one checked whether the 2048-bit key was still in the keyring.",
            "it was not checked whether the 2048-bit key",
        ),
        (
            "A simple additional check would have avoided the 40-minute outage.",
            "an additional check would have avoided the 40-minute outage",
        ),
        (
            "The index migration was not tested properly before 14:00 UTC.",
            "was not fully tested before 14:00 utc",
        ),
        (
            "The schema was added without going through the proper review.",
            "without going through the usual review",
        ),
        (
            "Packet loss lasted 20 minutes because of a mistake by the network engineer.",
            "because of a manual step by the network engineer",
        ),
        (
            "The stale lease was easy to spot in the etcd logs.",
            "the stale lease was visible in the etcd logs",
        ),
        (
            "It would probably have been useful to snapshot the volume before the resize.",
            "a useful step is to snapshot the volume before the resize",
        ),
        (
            "Each of the two reviewers failed to notice that the flag defaulted to true.",
            "it was not noticed that the flag defaulted to true",
        ),
    ],
)
def test_rewrite_keeps_the_facts_and_drops_the_person(sentence: str, expected: str) -> None:
    rewrite = blameless_rewrite(sentence)
    assert rewrite is not None and expected in rewrite.lower()
    assert kept_facts(sentence, rewrite)[0]
    found = review_text(rewrite, settings=Settings(disable=["blame/learned"]))
    assert not any(f.family == "blame" for f in found), rewrite


def test_counterfactual_keeps_the_condition_and_drops_the_imagined_outcome() -> None:
    sentence = "If we had throttled the reindex to 50 docs/s, we would have kept the cluster up."
    rewrite = blameless_rewrite(sentence) or ""
    assert rewrite.lower().startswith("the reindex was not throttled to 50 docs/s")
    assert "would" not in rewrite and "we " not in rewrite.lower()


def test_time_zone_from_heading_or_line_counts() -> None:
    with_heading = (
        "## Summary (all times PDT)\n\nThe import stalled at 03:10 and resumed at 03:40.\n"
    )
    assert not any(f.rule == "clarity/time-without-zone" for f in review_text(with_heading))
    bare = (
        "## Summary\n\nThe import stalled at 03:10.\n\n## Root cause\n\nA lock from 02:58 held.\n"
    )
    hits = [f for f in review_text(bare) if f.rule == "clarity/time-without-zone"]
    assert [bare[f.start : f.end] for f in hits] == ["03:10", "02:58"]


def test_quiet_rules_are_off_unless_enabled_by_id() -> None:
    long = "## Summary\n\n" + " ".join(["The cache node restarted and the queue grew"] * 6) + ".\n"
    assert not any(f.rule == "clarity/long-sentence" for f in review_text(long))
    on = review_text(long, settings=Settings(enable=["clarity/long-sentence"]))
    assert any(f.rule == "clarity/long-sentence" for f in on)


def test_locate_folds_markdown_and_blanks() -> None:
    text = "Intro.\n\n**Impact:** a  subset of\ncustomers saw errors.\n"
    start, end = locate("Impact: a subset of customers saw errors.", text) or (0, 0)
    assert text[start:end].startswith("Impact") and text[start:end].endswith("errors.")
    assert locate("not in the text", text) is None
