"""Root-cause classifier: taxonomy data, offline model loading, edge cases, clear examples."""

from __future__ import annotations

import numpy as np
import pytest

from postmortem_assist import embeddings
from postmortem_assist.classify import (
    Classification,
    classify,
    classify_batch,
    classify_sentences,
    load_taxonomy,
)
from postmortem_assist.classify import model as model_mod
from postmortem_assist.classify.baselines import KeywordBaseline
from postmortem_assist.classify.features import cause_lines, find_root_cause, prepare
from postmortem_assist.classify.run import focus_of
from postmortem_assist.reading import Source

BLAME_WORDS = ("error", "fault", "mistake", "blame", "careless")


def test_taxonomy_is_data_with_definitions_and_two_examples() -> None:
    cats = load_taxonomy()
    ids = [c.id for c in cats]
    assert len(ids) == len(set(ids)) == 11
    assert {"config-change", "code-bug", "human-operation", "network"} <= set(ids)
    for c in cats:
        assert c.definition.strip() and "\n" not in c.definition
        assert len(c.examples) == 2 and all(len(e.split()) >= 6 for e in c.examples)
        assert c.keywords


def test_display_names_are_blameless() -> None:
    names = {c.id: c.name for c in load_taxonomy()}
    assert names["human-operation"] == "manual operation"
    for name in names.values():
        assert not any(w in name.lower() for w in BLAME_WORDS)


@pytest.mark.usefixtures("offline")
def test_model_loads_offline_with_network_blocked() -> None:
    model_mod._cached.cache_clear()
    res = classify("A power failure in the data center shut down the storage servers.")
    assert res.categories and res.categories[0].label == "hardware-power"


def test_empty_text_gives_note_not_exception() -> None:
    for text in ("", "   \n\t "):
        res = classify(text)
        assert isinstance(res, Classification)
        assert res.categories == [] and res.predicted == []
        assert res.note and "empty" in res.note


def test_short_text_is_flagged() -> None:
    res = classify("outage")
    assert res.predicted == [] and res.categories == []
    assert res.note and "short" in res.note


def test_non_english_text_is_flagged() -> None:
    text = (
        "Der Dienst war zwei Stunden lang nicht erreichbar, weil eine fehlerhafte "
        "Konfiguration auf alle Server verteilt wurde und niemand es sofort bemerkte."
    )
    res = classify(text)
    assert res.note and "non-English" in res.note
    assert res.predicted == []


def test_very_long_text_is_classified() -> None:
    para = (
        "The primary database ran out of connections during the traffic spike, and "
        "requests queued until the service timed out. "
    )
    res = classify(para * 3000)  # ~60k words
    assert res.note is None
    assert "capacity-load" in res.predicted


CLEAR = [
    (
        "A utility power outage hit the datacenter and the backup generators failed to start, "
        "so every rack lost power.",
        "hardware-power",
    ),
    (
        "A configuration change pushed to all load balancers had an invalid setting, and the "
        "new config was rolled out globally before it was validated.",
        "config-change",
    ),
    (
        "A sudden surge of traffic overloaded the API servers; CPU and memory were exhausted "
        "and requests were throttled.",
        "capacity-load",
    ),
    (
        "A software bug in the new release caused the service to crash when it parsed "
        "a malformed request.",
        "code-bug",
    ),
]


@pytest.mark.parametrize(("text", "label"), CLEAR)
def test_clear_examples(text: str, label: str) -> None:
    res = classify(text)
    assert res.categories[0].label == label
    assert label in res.predicted
    top = res.categories[0]
    assert 0.0 <= top.probability <= 1.0
    assert top.evidence and top.evidence in text


def test_sorted_predicted_first_and_deterministic() -> None:
    text = CLEAR[0][0] + " Then a network partition split the two zones."
    a, b = classify(text), classify(text)
    assert a == b
    n = len(a.predicted)
    assert [c.label for c in a.categories[:n]] == a.predicted
    probs = [c.probability for c in a.categories[:n]]
    assert probs == sorted(probs, reverse=True)


def test_batch_matches_single() -> None:
    texts = [t for t, _ in CLEAR] + [""]
    batch = classify_batch(texts)
    for t, r in zip(texts, batch, strict=True):
        single = classify(t)
        assert r.predicted == single.predicted
        for x, y in zip(r.categories, single.categories, strict=True):
            assert x.label == y.label
            # bf16 encoder (AMX CPUs): batch padding shifts probabilities by <= 0.003
            # (measured on 384 corpus texts); in float32 batch and single agree closely
            assert abs(x.probability - y.probability) < 5e-3


def test_focus_is_what_gets_classified() -> None:
    doc = "# Incident\n\nThe site was slow for an hour.\n"
    focus = CLEAR[0][0]
    assert classify(doc, focus=focus).categories[0].label == "hardware-power"


def test_markdown_root_cause_section_is_found() -> None:
    doc = (
        "# Outage\n\n## Summary\n\nUsers saw errors.\n\n## Root cause\n\n"
        "A bad certificate rotation script ran on all hosts at once.\n\n## Timeline\n\n- 10:00 x\n"
    )
    rc = find_root_cause(doc)
    assert rc is not None and "certificate rotation" in rc and "Timeline" not in rc
    assert "Users saw errors" not in prepare(doc, rc).text


def test_keyword_baseline() -> None:
    kw = KeywordBaseline(load_taxonomy())
    pred = kw.predict(["The BGP session dropped.", "Nothing to see."])
    assert pred[0, kw.labels.index("network")] == 1
    assert pred[1].sum() == 0


def test_keywords_are_prefixes_unless_marked_whole_word() -> None:
    from postmortem_assist.classify.baselines import keyword_pattern
    from postmortem_assist.classify.types import Category

    kw = KeywordBaseline(
        [Category(id="x", name="x", definition="", keywords=["fire$", "misconfigur"])]
    )
    hits = kw.scores(["A fire in the hall.", "The firewall rule.", "A misconfigured proxy."])
    assert hits[:, 0].tolist() == [1.0, 0.0, 1.0]
    assert keyword_pattern("fire$") == r"fire\b"


@pytest.mark.parametrize(
    ("text", "label"),
    [
        ("The load balancer pool returned errors to Azure resources.", "capacity-load"),
        ("Both regions saw errors.", "automation"),
        ("The issue manifested as failed logins.", "config-change"),
        ("Users saw high latency on page loads.", "network"),
        ("Firefox users could not sign in.", "hardware-power"),
        ("Physical host nodes in one datacenter restarted after the update.", "hardware-power"),
        ("Dependent services were degraded.", "dependency"),
    ],
)
def test_keywords_skip_symptoms_and_affected_services(text: str, label: str) -> None:
    kw = KeywordBaseline(load_taxonomy())
    assert kw.scores([text])[0, kw.labels.index(label)] == 0


@pytest.mark.parametrize(
    ("text", "label"),
    [
        ("An increase in traffic exceeded the pool's limits.", "capacity-load"),
        ("The cache hit memory pressure under heavy load.", "capacity-load"),
        ("Packet drops split the cluster into a network partition.", "network"),
        ("A fire in the battery room cut power.", "hardware-power"),
        ("A tripped breaker left the chillers without power.", "hardware-power"),
    ],
)
def test_keywords_name_causes(text: str, label: str) -> None:
    kw = KeywordBaseline(load_taxonomy())
    assert kw.scores([text])[0, kw.labels.index(label)] > 0


def test_binary_keyword_features_do_not_grow_with_repeats() -> None:
    from postmortem_assist.classify.features import Tfidf
    from postmortem_assist.classify.model import Featurizer

    word = Tfidf(["bug"], np.ones(1), "word", (1, 1))
    texts = ["A bug.", "A bug, a bug and a bug again."]
    emb = np.zeros((2, 4), dtype=np.float32)
    for binary, same in ((True, True), (False, False)):
        f = Featurizer(
            word,
            None,
            1.0,
            kw_weight=1.0,
            keywords={"code-bug": ["bug"]},
            labels=["code-bug"],
            kw_binary=binary,
        )
        x = f.matrix(texts, emb).toarray()
        assert bool(x[0, -1] == x[1, -1]) is same and x[0, -1] > 0


def test_plain_lr_baseline_learns_from_embeddings() -> None:
    from postmortem_assist.classify.baselines import PlainEmbeddingLR

    train_texts = [
        "The power supply failed in the data center.",
        "A generator did not start during the utility power outage.",
        "Cooling failed and servers overheated in one hall.",
        "The new release had a null pointer bug in the parser.",
        "A code change introduced a regression in request handling.",
        "A software defect in the scheduler crashed the service.",
    ]
    y = np.array([[1, 0, 0]] * 3 + [[0, 1, 0]] * 3)  # third label never occurs
    plain = PlainEmbeddingLR().fit(embeddings.encode(train_texts), y)
    pred = plain.predict(
        embeddings.encode(["A power outage hit the datacenter.", "The deploy shipped a bug."])
    )
    assert pred.tolist() == [[1, 0, 0], [0, 1, 0]]


# A config-change incident told in chat, with the words that pull towards "security" (WAF,
# attack, blocked requests): the cause is the rate-limit setting, and it is stated as such.
WAF_CHAT = """\
[14:02] pagerbot: FIRING: checkout-api 5xx rate > 5% for 3 min (SEV1)
[14:03] maria: ack, looking
[14:05] dev: errors started 13:58 in all regions, mostly 429s from the edge
[14:06] dev: is this an attack? the WAF dashboard shows a huge spike in blocked requests
[14:09] maria: the blocked requests come from our own mobile clients, normal traffic volume
[14:10] maria: the WAF rule set was updated at 13:57 by the rules pipeline
[14:11] dev: found it: the change to the rate-limit setting in waf-rules.yaml set 10/min, not 10/s
[14:12] maria: so the root cause is the config change to the WAF rate limit, not an attack
[14:14] dev: reverting the rate-limit config to the previous version
[14:19] maria: revert applied, 5xx back to baseline
[14:30] maria: resolved, will write the postmortem
"""


def test_chat_notes_config_change_is_not_security() -> None:
    source = Source(name="waf-chat.txt", text=WAF_CHAT)
    focus = focus_of(source)
    assert focus is not None
    assert "rate-limit setting" in focus and "is this an attack" not in focus
    res = classify(WAF_CHAT, focus=focus)
    assert res.predicted and res.predicted[0] == "config-change"
    assert "security" not in res.predicted
    top = res.categories[0]
    assert top.evidence and top.evidence in focus


def test_cause_lines_skip_questions_and_ruled_out_hypotheses() -> None:
    lines = [
        "could it be the new ranking model? it shipped yesterday",
        "no, ranking model latency is flat. not the model",
        "turns out the nightly reindex job now overlaps with the morning peak",
        "the outage started right after the deploy of the new search cluster",
        "pausing the reindex job",
    ]
    cause, trigger = cause_lines(lines)
    assert cause == [lines[2]]
    assert trigger == [lines[3]]


def test_classify_sentences_gives_evidence_from_the_cause_lines() -> None:
    cause = [
        "The primary database ran out of connections when the batch import opened a "
        "connection per row.",
    ]
    trigger = ["The import was started manually during peak traffic."]
    res = classify_sentences(cause, trigger)
    assert "capacity-load" in res.predicted
    cat = next(c for c in res.categories if c.label == "capacity-load")
    assert cat.evidence in (cause[0], trigger[0])
    assert classify_sentences([], []).note and classify_sentences([]).categories == []


def test_text_without_a_cause_gets_no_confident_category() -> None:
    text = (
        "Starting at 14:20 UTC, a subset of customers received errors when signing in to the "
        "web console. Engineers are investigating and the next update will follow within "
        "one hour."
    )
    res = classify(text)
    assert res.predicted == [] and res.categories == []
    assert res.note and "no category stands out" in res.note


def test_probabilities_are_calibrated_not_saturated_on_a_vague_cause() -> None:
    res = classify("The service had problems after a change and was restored by the team.")
    assert all(c.probability < 0.9 for c in res.categories)


def test_ruled_out_causes_do_not_vote() -> None:
    from postmortem_assist.classify.features import clean

    text = "The outage came from a bad cache setting and not an attack on the login page."
    assert "attack" not in clean(text) and "bad cache setting" in clean(text)
    kept = "It was not the database but the cache that ran out of memory."
    assert "the cache that ran out of memory" in clean(kept)
    assert clean("The generator did not start.") == "The generator did not start."


def test_tfidf_counts_equal_scikit_learn_countvectorizer() -> None:
    """The sklearn-free counting of the stored TF-IDF features matches CountVectorizer."""
    from sklearn.feature_extraction.text import CountVectorizer

    from postmortem_assist.classify.features import Tfidf

    texts = [
        "The TLS certificate for api.example.com expired at 03:12 UTC; renewals had failed",
        "  A config push   set max_connections=10 on the primary DB,\nso checkout timed out. ",
        "Rollback done.",
        "é ü Ωmega x y zz",
        "",
    ]
    for analyzer, ngram in (("word", (1, 2)), ("char_wb", (2, 5)), ("word", (2, 3))):
        reference = CountVectorizer(analyzer=analyzer, ngram_range=ngram, lowercase=True)
        reference.fit(texts[:3])
        vocab = sorted(reference.vocabulary_, key=reference.vocabulary_.__getitem__)
        ours = Tfidf(vocab, np.ones(len(vocab)), analyzer, ngram).counts(texts)
        expected = reference.transform(texts).astype(np.float32)
        np.testing.assert_array_equal(ours.toarray(), expected.toarray())


def test_decision_modes_combine_model_and_keywords() -> None:
    over = np.array([[True, True, False, False]] * 2)
    hits = np.array([[1, 0, 2, 0], [0, 0, 0, 0]])
    modes = ["model", "keyword", "or", "and"]
    out = model_mod.combine(np.tile(over[:, :1], 4), np.tile(hits[:, :1], 4), modes)
    # model over threshold; keyword hit only on the first text
    assert out[:, 0].tolist() == [True, True]  # model
    assert out[:, 1].tolist() == [True, False]  # keyword
    assert out[:, 2].tolist() == [True, True]  # or
    assert out[:, 3].tolist() == [True, False]  # and
    with pytest.raises(ValueError):
        model_mod.combine(over, hits, ["model", "model", "model", "maybe"])


def test_a_head_without_signal_falls_back_to_the_keyword_rule() -> None:
    from postmortem_assist.classify.train import choose_modes

    rng = np.random.default_rng(0)
    y = (rng.random((200, 2)) < 0.2).astype(int)
    hits = np.c_[y[:, 0] * (rng.random(200) < 0.7), np.zeros(200)]  # label 0: keyword helps
    noise = rng.random((200, 2))  # no signal: its best threshold predicts (almost) everything
    signal = np.c_[noise[:, 0], 0.6 * y[:, 1] + 0.4 * noise[:, 1]]
    modes, thr = choose_modes(signal, hits, y)
    assert modes[0] == "keyword"
    assert modes[1] == "model" and 0.05 <= thr[1] <= 0.95
    keyword_f1 = 2 * (hits[:, 0] > 0).sum() / ((hits[:, 0] > 0).sum() + y[:, 0].sum())
    assert keyword_f1 > 0.8
    # a flat head's best threshold predicts every text: no better than the trivial rule
    flat = np.c_[signal, np.full(200, 0.5)]
    y3 = np.c_[y, (rng.random(200) < 0.5).astype(int)]
    modes, _ = choose_modes(flat, np.c_[hits, np.zeros(200)], y3)
    assert modes == ["keyword", "model", "keyword"]


MANUAL = [
    "During planned maintenance a command meant for the staging database was accidentally run "
    "against production, deleting the customer tables.",
    "While replacing a failed disk, a technician inadvertently pulled the wrong drive from the "
    "array, taking the volume offline.",
]


@pytest.mark.parametrize("text", MANUAL)
def test_manual_operation_is_found(text: str) -> None:
    assert "human-operation" in classify(text).predicted


def test_engineers_in_the_narrative_are_not_a_manual_operation() -> None:
    text = (
        "Engineers were notified by monitoring at 10:02 UTC. Engineers determined that a "
        "configuration change to the storage front ends set an invalid timeout value, and "
        "engineers rolled back the change to mitigate."
    )
    res = classify(text)
    assert "human-operation" not in res.predicted
    assert "config-change" in res.predicted
