"""The corpus ROUGE evaluation helpers and the sentence-role head."""

from __future__ import annotations

import pytest

from conftest import needs_corpus
from postmortem_assist.evaluate.summaries import (
    RegexTokenizer,
    evaluate,
    lead3,
    notes_and_reference,
    split_sentences,
)
from postmortem_assist.summarize import roles


def test_notes_and_reference_cut_the_summary_and_its_heading() -> None:
    text = "# T\n\n## Summary\nIt broke for 5 minutes.\n\n## Root cause\nA bad config was pushed.\n"
    start = text.index("It broke")
    end = text.index("\n\n## Root")
    notes, reference = notes_and_reference(text, {"summary": [[start, end]]})
    assert reference == "It broke for 5 minutes."
    assert "It broke" not in notes and "## Summary" not in notes
    assert "A bad config was pushed." in notes


def test_sentence_splitting_and_lead3() -> None:
    text = (
        "# Title\n\nFirst one is here. Second one is here.\n\n"
        "- third item is here\n- fourth item here\n"
    )
    assert split_sentences(text)[:3] == [
        "First one is here.",
        "Second one is here.",
        "third item is here",
    ]
    assert lead3(text) == "First one is here. Second one is here. third item is here"
    assert RegexTokenizer().to_words("it's 3.5 GB") == ("it's", "3.5", "GB")


def test_role_head_is_trained_and_separates_noise_from_actions() -> None:
    assert roles.available()
    probs = roles.role_probs(
        ["thanks everyone, good work", "Add an alert on replication lag above 30 seconds."]
    )
    noise, action = roles.ROLES.index("noise"), roles.ROLES.index("action")
    assert probs[0].argmax() == noise
    assert probs[1].argmax() == action


@needs_corpus
@pytest.mark.slow
def test_evaluate_runs_on_a_few_dev_documents() -> None:
    result = evaluate("dev", limit=3)
    assert result["n"] == 3
    assert set(result["rouge_f"]) == {"assist", "lead-3", "lexrank", "textrank", "oracle-3"}
    for scores in result["rouge_f"].values():
        assert 0.0 <= scores["rougeL"] <= 1.0
    oracle = result["rouge_f"]["oracle-3"]["rougeL"]
    assert oracle >= result["rouge_f"]["lead-3"]["rougeL"] - 1e-9
