"""Small spaCy pipeline components used by the shared pipelines."""

from __future__ import annotations

from spacy.attrs import SENT_START
from spacy.language import Language
from spacy.tokens import Doc


@Language.component("line_breaks")
def line_breaks(doc: Doc) -> Doc:
    """Start a new sentence after every line break: lines, bullets and table rows of a
    postmortem are separate statements even without a full stop.

    The flags are written as one array: setting ``token.is_sent_start`` one token at a time
    re-scans the whole Doc on every call (quadratic in the number of lines).
    """
    if len(doc) < 2:
        return doc
    starts = doc.to_array([SENT_START])
    changed = False
    for token in doc[:-1]:
        if "\n" in token.text:
            starts[token.i + 1] = 1
            changed = True
    if changed:
        doc.from_array([SENT_START], starts)  # type: ignore[arg-type]
    return doc
