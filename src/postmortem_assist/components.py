"""Small spaCy pipeline components used by the shared pipelines."""

from __future__ import annotations

from spacy.language import Language
from spacy.tokens import Doc


@Language.component("line_breaks")
def line_breaks(doc: Doc) -> Doc:
    """Start a new sentence after every line break: lines, bullets and table rows of a
    postmortem are separate statements even without a full stop."""
    for token in doc[:-1]:
        if "\n" in token.text or token.text.endswith("\n"):
            doc[token.i + 1].is_sent_start = True
    return doc
