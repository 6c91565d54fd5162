"""Key facts from line roles (issue #9 definitions), with today's cues as the fallback.

The key moments come from the roles' forward-backward posteriors (``line_roles.pick_keys``):
start = the first line whose impact-start posterior reaches the model's impact threshold, else
the first whose impact-start + trigger posterior reaches its start threshold;
detection, mitigated (= recovery) and resolved are chosen together in line order (models
saved without order penalties: the line where that role's posterior peaks).
Without posteriors: the first line of each role on the Viterbi path (``KEY_ROLES``). A key
time needs a time on (or written in) its line. The cue finders of ``timeline`` answer first
(roles-first for every key lost 19 of the 68 gold-note facts); the roles fill what the cues
leave open. cause = the ``cause-found`` lines (``trigger`` lines as context); misleading =
the ``misleading`` lines plus the cue finder's; resolution steps = the ``mitigation`` lines.
"""

from __future__ import annotations

from dataclasses import dataclass, field

import numpy as np

from ..notes import Message
from ..times import find_dates
from . import line_roles as lr

#: Key time -> the roles that give it, in order of preference ("last" = take the last line).
KEY_ROLES: dict[str, tuple[tuple[str, str], ...]] = {
    "start": (("impact-start", "first"), ("trigger", "first")),
    "detected": (("detection", "first"),),
    "mitigated": (("recovery", "first"),),
    "resolved": (("resolution", "first"), ("recovery", "last")),
}


@dataclass
class Roles:
    """The role of each candidate message and where it came from."""

    roles: list[str]
    source: str  # "line-role model" or why it is missing
    probs: list[float] = field(default_factory=list)  # posterior of the chosen role
    embeddings: np.ndarray | None = None  # MiniLM rows of the messages (reused downstream)
    posteriors: np.ndarray | None = None  # messages x roles (forward-backward)
    start_threshold: float = lr.START_THRESHOLD
    order: tuple[float, float] | None = lr.ORDER  # ``line_roles.pick_keys``
    impact_threshold: float | None = lr.IMPACT_THRESHOLD  # ``line_roles.pick_keys``


def assign(msgs: list[Message], model: lr.LineRoleModel | None = None) -> Roles | None:
    """Roles of the candidate messages in order, or None when the model cannot run."""
    model = model or lr.load()
    if model is None or not msgs:
        return None
    lines = [
        lr.Line(
            m.text,
            has_time=m.time is not None or bool(m.inline),
            has_date=bool(find_dates(m.time_text or "")) or bool(find_dates(m.text)),
        )
        for m in msgs
    ]
    order = encode_order(msgs)
    try:
        emb = np.zeros((len(msgs), lr.DIM), dtype=np.float32)
        tuned = np.zeros((len(msgs), lr.DIM), dtype=np.float32) if model.top else None
        emb[order], part = lr.embed_for(model, [lines[i].text for i in order])
        if tuned is not None and part is not None:
            tuned[order] = part
    except (ImportError, FileNotFoundError, OSError):
        return None
    roles, post = lr.predict(lines, model, emb, tuned)
    chosen = [float(post[i, model.roles.index(r)]) for i, r in enumerate(roles)]
    return Roles(
        roles,
        "line-role model",
        chosen,
        emb,
        post,
        model.start_threshold,
        model.order,
        model.impact_threshold,
    )


#: Most messages embedded for the roles: long notes embed their cue-richest lines, the rest
#: keep zero embeddings (their cue, neighbour and position features still count). 3,000-word
#: chat notes have ~300 messages; encoding all of them took 11 s of the 3,000-word benchmark.
MAX_ENCODE = 64  # the same batch the sentence-role head used before, reused by it


def encode_order(msgs: list[Message]) -> list[int]:
    """Indices of the messages to embed (all when few)."""
    from .extract import _encode_order

    return _encode_order(msgs, MAX_ENCODE)


def indices(roles: list[str], role: str) -> list[int]:
    """Positions of one role."""
    return [i for i, r in enumerate(roles) if r == role]
