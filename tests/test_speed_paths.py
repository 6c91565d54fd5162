"""What the speed work must not change: the same findings with ``--jobs``, no torch in the
review path, the English fast path never accepting other languages, and word-list patterns
matching exactly what the token Matcher matched."""

from __future__ import annotations

import json
import os
import subprocess
import sys
from pathlib import Path

import pytest

from postmortem_assist import nlp
from postmortem_assist.review.engine import _word_sequences

ROOT = Path(__file__).resolve().parents[1]
EXAMPLE = ROOT / "examples" / "drafts" / "checkout-outage.md"

DRAFTS = {
    "cache.md": (
        "# Cache stampede on the product page\n\n## Summary\n\nOn 2024-03-04 from 09:10 to "
        "09:52 UTC the product page returned errors for some users after the cache cluster "
        "restarted. Alice obviously forgot to warm the cache, which caused the outage.\n\n"
        "## Timeline\n\n- 09:10 cache cluster restarted for a kernel patch\n- 09:14 alert: "
        "product page error rate 12%\n- 09:52 error rate back to normal\n\n## Root cause\n\n"
        "Every request missed the empty cache at once and the database was overwhelmed. "
        "We should have been more careful. TODO: add the query graphs.\n\n## Action items\n\n"
        "- Improve monitoring\n- Warm the cache before traffic returns (owner: @cache-team, "
        "due 2024-04-01)\n"
    ),
    "dns.md": (
        "# DNS outage\n\n## Summary\n\nYesterday a mistyped record in the zone file took the "
        "API offline for about an hour. A lot of customers were affected.\n\n## Timeline\n\n"
        "- 14:02 zone file deployed\n- 14:05 API health checks failing\n- 15:01 record fixed\n\n"
        "## Action items\n\n- Add a zone-file linter to CI (owner: Dana, due 2024-05-10)\n"
    ),
    "queue.md": (
        "## Summary\n\nThe export queue stalled for 3 hours because the worker pool was sized "
        "for the old batch size. Bob pushed the change without review and it was his "
        "mistake.\n\n## Root cause\n\nThe worker count was halved in the config refactor, so "
        "exports waited in the queue until the on-call engineer noticed the backlog.\n"
    ),
}


def _cli(*args: str) -> subprocess.CompletedProcess[str]:
    env = {**os.environ, "PYTHONPATH": str(ROOT / "src")}
    return subprocess.run(
        [sys.executable, "-m", "postmortem_assist.cli", *args],
        capture_output=True,
        text=True,
        env=env,
        check=False,
    )


def test_jobs_give_the_same_report_in_input_order(tmp_path: Path) -> None:
    paths = []
    for name, text in DRAFTS.items():
        (tmp_path / name).write_text(text, encoding="utf-8")
        paths.append(str(tmp_path / name))
    paths.append(str(EXAMPLE))
    one = _cli("review", "-f", "json", *paths)
    two = _cli("review", "-f", "json", "--jobs", "2", *paths)
    assert one.returncode == two.returncode == 1, one.stderr + two.stderr
    assert one.stdout == two.stdout
    report = json.loads(two.stdout)
    assert [f["path"] for f in report["files"]] == paths
    rules = {f["rule"] for f in report["files"][0]["findings"]}
    assert {"blame/character", "structure/placeholder", "actions/vague"} <= rules
    assert _cli("review", "--jobs", "0", paths[0]).returncode == 2


def test_review_keeps_torch_and_langdetect_out() -> None:
    code = (
        "import sys\n"
        "from postmortem_assist.cli import main\n"
        f"sys.argv = ['assist', 'review', '-f', 'json', {str(EXAMPLE)!r}]\n"
        "try:\n    main()\nexcept SystemExit:\n    pass\n"
        "print('LOADED', [m for m in ('torch', 'transformers', 'sklearn', 'langdetect') "
        "if m in sys.modules], 'spacy' in sys.modules)"
    )
    env = {**os.environ, "PYTHONPATH": str(ROOT / "src")}
    out = subprocess.run(
        [sys.executable, "-c", code], capture_output=True, text=True, env=env, check=True
    )
    assert out.stdout.strip().endswith("LOADED [] True")


def test_an_empty_file_is_refused_without_loading_spacy(tmp_path: Path) -> None:
    empty = tmp_path / "empty.md"
    empty.write_text("", encoding="utf-8")
    code = (
        "import sys\n"
        "from postmortem_assist.cli import main\n"
        f"sys.argv = ['assist', 'review', {str(empty)!r}]\n"
        "try:\n    main()\nexcept SystemExit as e:\n"
        "    print('EXIT', e.code, 'spacy' in sys.modules)"
    )
    env = {**os.environ, "PYTHONPATH": str(ROOT / "src")}
    out = subprocess.run(
        [sys.executable, "-c", code], capture_output=True, text=True, env=env, check=True
    )
    assert "input is empty" in out.stdout + out.stderr
    assert out.stdout.strip().endswith("EXIT 2 False")


@pytest.mark.parametrize(
    "text",
    [
        "Der Datenbankserver ist um 14 Uhr ausgefallen, weil die Festplatte voll war. Die Kunden "
        "konnten zwei Stunden lang keine Bestellungen aufgeben, und das Team hat die alte Version "
        "wiederhergestellt, nachdem die Ursache gefunden wurde. Wir haben danach die Überwachung "
        "der Festplatten erweitert und einen Alarm für volle Datenträger eingerichtet.",
        "Le serveur de base de données est tombé en panne à 14 heures parce que le disque était "
        "plein. Les clients n'ont pas pu passer de commande pendant deux heures et l'équipe a "
        "restauré l'ancienne version après avoir trouvé la cause. Nous avons ensuite ajouté une "
        "alerte pour les disques pleins et revu la surveillance des serveurs de production.",
        "De databaseserver viel om 14 uur uit omdat de schijf vol was. Klanten konden twee uur "
        "lang geen bestellingen plaatsen en het team heeft de oude versie teruggezet nadat de "
        "oorzaak was gevonden. We hebben daarna een waarschuwing voor volle schijven toegevoegd "
        "en de bewaking van de productieservers uitgebreid zodat dit sneller opvalt.",
    ],
)
def test_other_languages_never_take_the_english_fast_path(text: str) -> None:
    assert not nlp._plainly_english(text)
    assert nlp.non_english_reason(text) is not None


def test_english_draft_takes_the_fast_path() -> None:
    text = EXAMPLE.read_text(encoding="utf-8")
    assert nlp._plainly_english(text)
    assert nlp.detect_language(text) == ("en", 1.0)


def test_word_list_patterns_become_phrases_and_others_stay_patterns() -> None:
    attr, seqs = _word_sequences(
        [{"LOWER": {"IN": ["double", "triple"]}}, {"LOWER": "-", "OP": "?"}, {"LOWER": "check"}]
    ) or ("", set())
    assert attr == "LOWER"
    assert seqs == {
        ("double", "check"),
        ("triple", "check"),
        ("double", "-", "check"),
        ("triple", "-", "check"),
    }
    assert _word_sequences([{"ORTH": {"IN": ["TODO", "TBD"]}}]) == ("ORTH", {("TODO",), ("TBD",)})
    assert _word_sequences([{"IS_TITLE": True}, {"LOWER": "'s"}]) is None
    assert _word_sequences([{"LOWER": "a"}, {"IS_ALPHA": True, "OP": "*"}]) is None
    assert _word_sequences([{"ORTH": "["}, {"LOWER": "insert"}]) is None  # mixed attributes
    assert _word_sequences([{"LOWER": "Foo"}]) is None  # never matches as a LOWER value


def test_flagged_and_sentence_gated_matcher_finds_what_the_plain_matcher_finds() -> None:
    """The token patterns run with lexeme flags for their leading word lists and only over
    the sentences holding their required words; on drafts rich in those patterns the matches
    are the plain Matcher's over the whole text."""
    from spacy.matcher import Matcher

    from postmortem_assist.reading import Source
    from postmortem_assist.review import analyse_many, engine_for

    engine = engine_for()
    plain = Matcher(nlp.full().vocab)
    for rule in engine.rules.values():
        if rule.match.kind == "tokens" and not rule.deep:
            rest = [p for p in rule.match.patterns if _word_sequences(p) is None]
            if rest:
                plain.add(rule.id, rest)
    edge = (  # matches that run past a sentence end: ", typical. Roughly", "[" + "TODO"
        "Marco's mistake took the API down. Obviously nobody checked. Of course it broke.\n"
        "Jonas kicked off the reindex and went to bed, typical. Roughly 9pm the queue grew.\n"
        "Some of the users saw errors; several requests failed. [TODO] add graphs.\n"
        "tbh Oskar pushed it on a Friday, what did we expect? Improve monitoring.\n"
    )
    texts = [*DRAFTS.values(), EXAMPLE.read_text(encoding="utf-8"), edge]
    analyses = analyse_many([Source(f"d{i}.md", t) for i, t in enumerate(texts)])
    total = 0
    for analysis in analyses:
        gated = sorted(engine._shallow_matches(analysis))
        assert gated == sorted(plain(analysis.doc))
        total += len(gated)
    assert total >= 8  # the drafts do exercise the patterns


def test_array_sentence_splitter_gives_the_sentencizer_sentences() -> None:
    """``line_sentences`` (line breaks and sentence-final marks, on token arrays) splits as
    spaCy's ``line_breaks`` + ``sentencizer`` pipeline did, including after quotes and
    brackets, repeated marks, ellipses, blank lines and a final mark without a sentence."""
    import spacy
    from spacy.attrs import SENT_START

    from postmortem_assist.reading import Source
    from postmortem_assist.review import analyse_many

    texts = [
        *DRAFTS.values(),
        EXAMPLE.read_text(encoding="utf-8"),
        'He said "roll back." Then we did!!! Why?\n\n\n- 09:14 alert... fired\n  ok',
        "Done (finally.) Next step: restart.\n| a | b |\n|---|---|\nEnd.",
        "一。二！ Three. ",
        ".",
        "x",
        "  \n ",
        "Trailing mark?",
    ]
    old = spacy.blank("en", vocab=nlp.light().vocab)  # light() registers line_breaks
    old.add_pipe("line_breaks")
    old.add_pipe("sentencizer")
    for text in texts:
        want, got = old(text), nlp.light()(text)
        assert got.to_array([SENT_START]).tolist() == want.to_array([SENT_START]).tolist()
        assert [s.start for s in got.sents] == [s.start for s in want.sents]
    analyses = analyse_many([Source(f"d{i}.md", t) for i, t in enumerate(texts)])
    for text, analysis in zip(texts, analyses, strict=True):
        want = [(s.start, s.end) for s in old(text).sents if s.text.strip()]
        assert [(s.start, s.end) for s in analysis.sentences()] == want
    assert sum(len(a.sentences()) for a in analyses) > 40


def test_attribute_ruler_without_the_matcher_sets_the_same_attributes() -> None:
    """The full pipeline's attribute ruler runs on ``AttributeMatches`` (no Matcher); on
    parsed sentences rich in its exceptions (auxiliaries, "do/have" as verbs, "there is",
    "nothin'", determiners as pronouns) POS, morphology and lemmas are those of the Matcher."""
    from spacy.attrs import DEP, LEMMA, MORPH, POS, TAG
    from spacy.tokens import Doc

    full = nlp.full()
    ruler = full.get_pipe("attribute_ruler")
    assert isinstance(ruler.match, nlp.AttributeMatches)
    texts = [
        *(s for t in DRAFTS.values() for s in t.split(". ")),
        "There is nothin' we could have done, but we did have a runbook for that.",
        "That was the one I had; it's what they've done and I'll do it again.",
        "Which of these did you check? Those were fine, but this one wasn't.",
        "We had the on-call engineer do a restart, and he has done it since.",
    ]
    fast = list(full.pipe(texts))
    ruler.match = type(ruler).match.__get__(ruler)  # the Matcher, for this comparison
    try:
        slow = list(full.pipe(texts))
    finally:
        ruler.match = nlp.AttributeMatches.of(ruler)
    cols = [POS, TAG, MORPH, LEMMA, DEP]
    for a, b in zip(fast, slow, strict=True):
        assert isinstance(a, Doc) and a.to_array(cols).tolist() == b.to_array(cols).tolist()
        assert [str(t.morph) for t in a] == [str(t.morph) for t in b]
    assert {t.pos_ for d in fast for t in d} >= {"AUX", "VERB", "PRON", "PROPN"}


def test_tag_filter_parses_fewer_sentences_and_finds_the_same_people() -> None:
    """person_as_cause parses a word-filtered candidate only when its tags show a possible
    agent (an @handle, a listed pronoun or role, a proper noun that is no tool): sentences
    naming only tools are not parsed, and the hits are those found parsing every candidate."""
    from postmortem_assist.reading import Source
    from postmortem_assist.review import analyse_many, engine_for
    from postmortem_assist.review.base import REFINE, word_picked

    engine = engine_for()
    rule = engine.rules["blame/person-as-cause"]
    check = engine.checks["person_as_cause"]
    texts = [
        *DRAFTS.values(),
        EXAMPLE.read_text(encoding="utf-8"),
        "## Root cause\n\nJenkins broke the production build after the upgrade.\n"
        "Terraform accidentally deleted the primary bucket policy.\n"
        "Maria accidentally deleted the production queue.\n"
        "@dkim pushed the wrong config to all regions at once.\n"
        "We inadvertently pointed the importer at the primary database.\n",
    ]

    def hits(refine: bool) -> list[list[tuple[int, int]]]:
        saved = dict(REFINE)
        if not refine:
            REFINE.clear()
        try:
            analyses = analyse_many([Source(f"d{i}.md", t) for i, t in enumerate(texts)])
            engine._prefetch(analyses)
            found = [[(h.start, h.end) for h in check(a, rule, engine.context)] for a in analyses]
            fewer = sum(
                len(word_picked(a, rule, engine.context)) - len(a._picked[rule.id])
                for a in analyses
            )
        finally:
            REFINE.update(saved)
        assert (fewer > 0) == refine  # "Jenkins broke ...", "Terraform ..." are not parsed
        return found

    refined = hits(True)
    assert refined == hits(False)
    assert sum(map(len, refined)) >= 3
