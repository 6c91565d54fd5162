"""``assist similar``: the past postmortems whose causes are most like a draft's."""

from __future__ import annotations

from collections.abc import Sequence
from pathlib import Path

from pydantic import BaseModel

from ..reading import Source
from . import causes as cz


class Match(BaseModel):
    """A past postmortem like the draft, with the pair of sentences that makes it so."""

    path: str
    title: str
    date: str | None
    similarity: float
    draft_sentence: str
    sentence: str
    sentence_similarity: float


def cause_for(source: Source) -> cz.Cause:
    """A source's cause text (root-cause section, else cause sentences, else opening)."""
    from ..document import parse
    from .scorecard import cause_section

    text, where = cause_section(parse(source.text, source.name))
    return cz.cause_of(text, where, source.text)


def similar(draft: Source, past: Sequence[Source], top: int = 5) -> list[Match]:
    """The ``top`` past postmortems most like ``draft`` (the draft itself is left out)."""
    from .dates import document_date
    from .scorecard import title_of

    here = Path(draft.name).resolve() if draft.name != "<stdin>" else None
    pool = [s for s in past if here is None or Path(s.name).resolve() != here]
    query, *found = cz.drop_boilerplate([cause_for(draft), *(cause_for(s) for s in pool)])
    cz.embed([query, *found])
    out = []
    for i, sim in cz.most_similar(query, found, top):
        mine, theirs, pair = cz.best_pair(query, found[i])
        when, _ = document_date(pool[i].text, pool[i].name)
        out.append(
            Match(
                path=pool[i].name,
                title=title_of(pool[i].text, pool[i].name),
                date=when.isoformat() if when else None,
                similarity=round(sim, 3),
                draft_sentence=mine,
                sentence=theirs,
                sentence_similarity=round(pair, 3),
            )
        )
    return out
