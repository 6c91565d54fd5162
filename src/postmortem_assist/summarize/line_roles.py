"""Line roles of an incident timeline (12 roles) from MiniLM embeddings, cues and neighbours.

Each line gets a feature vector: its sentence embedding, its cosine to short role
descriptions (``PROTOTYPES``) and the same for the previous and next line, today's cue patterns
(``cues``) as binary features for the line and its neighbours, its position in the timeline
and whether it carries a time. A multinomial
logistic-regression head turns that into role probabilities; a Viterbi decode over role
transition scores learned from the dev timelines picks the role sequence. Artifact:
``models/line-roles/`` (``model.npz`` weights + ``model.json`` settings; no pickle), trained by
``python -m postmortem_assist.summarize.train_line_roles``; see its MODEL_CARD.md.
"""

from __future__ import annotations

import json
import re
from collections.abc import Sequence
from dataclasses import dataclass
from functools import cache
from pathlib import Path
from typing import Any

import numpy as np

from ..times import find_dates, find_times
from . import cues

ROLES = (
    "trigger",
    "impact-start",
    "detection",
    "communication",
    "investigation",
    "misleading",
    "cause-found",
    "mitigation",
    "recovery",
    "resolution",
    "followup",
    "other",
)
#: Role -> JSON event type (the names ``Event.type`` always had); None: not a timeline event.
COARSE: dict[str, str | None] = {
    "trigger": "impact",
    "impact-start": "impact",
    "detection": "detection",
    "communication": "communication",
    "investigation": "investigation",
    "misleading": "investigation",
    "cause-found": "investigation",
    "mitigation": "mitigation",
    "recovery": "resolution",
    "resolution": "resolution",
    "followup": None,
    "other": None,
}
MODEL_DIR = Path(__file__).resolve().parents[3] / "models" / "line-roles"

#: Cue patterns used as features (name -> pattern), in feature order.
CUES: dict[str, re.Pattern[str]] = {
    "alert": cues.ALERT,
    "report": cues.REPORT,
    "onset": cues.ONSET,
    "range": cues.RANGE,
    "mitigated": cues.MITIGATED,
    "fix_action": cues.FIX_ACTION,
    "in_progress": cues.IN_PROGRESS,
    "resolved": cues.RESOLVED,
    "escalation": cues.ESCALATION,
    "communication": cues.COMMUNICATION,
    "hypothesis": cues.HYPOTHESIS,
    "ruled_out": cues.RULED_OUT,
    "cause": cues.CAUSE,
    "action_header": cues.ACTION_HEADER,
}
_TABLE_SEP = re.compile(r"^\s*\|?(?:\s*:?-+:?\s*\|)+\s*:?-*:?\s*$")
_MARKUP = re.compile(r"(\*\*|__|`)")


@dataclass(frozen=True)
class Line:
    """One timeline line as the model sees it: cleaned text and whether it has a time."""

    text: str
    has_time: bool = False
    has_date: bool = False
    table_row: bool = False
    header: bool = False


def is_separator(raw: str) -> bool:
    """A markdown table separator row (``|---|---|``)."""
    return bool(_TABLE_SEP.match(raw))


def clean(raw: str) -> Line:
    """A raw timeline line to model input: table cells joined, bullets and times dropped."""
    text = raw.strip()
    table = text.startswith("|") and text.count("|") >= 2
    if table:
        text = " ".join(c.strip() for c in text.strip("|").split("|") if c.strip())
    times = find_times(text)
    dates = find_dates(text)
    header = text.startswith("#") or (not times and not dates and text.endswith(":"))
    for span in sorted([(t.start, t.end) for t in times], reverse=True):
        text = text[: span[0]] + " " + text[span[1] :]
    text = re.sub(r"^\s*#+\s*", "", text)
    text = re.sub(r"^\s*(?:[-*+•]|\d{1,3}[.)])\s+", "", text)
    text = _MARKUP.sub("", text)
    text = re.sub(r"!?\[([^\]]*)\]\([^)]*\)", r"\1", text)  # markdown links -> their text
    text = re.sub(r"^\s*(?:UTC|GMT|[A-Z]{2,4}T)\b\s*:?", "", text)
    text = re.sub(r"^[\s\-–—:|,]+", "", text).strip()
    return Line(text or raw.strip(), bool(times), bool(dates), table, header)


def cue_vector(text: str) -> np.ndarray:
    """Binary cue features of one text (``CUES`` order, then noise and question)."""
    out = [1.0 if p.search(text) else 0.0 for p in CUES.values()]
    out.append(1.0 if cues.is_noise(text) else 0.0)
    out.append(1.0 if text.rstrip().endswith("?") else 0.0)
    return np.asarray(out, dtype=np.float32)


N_CUES = len(CUES) + 2
DIM = 384  # all-MiniLM-L6-v2
N_POS = 10
#: Context block of ``features`` (``train_line_roles --context``): the previous and next
#: lines' embeddings and the line's embedding minus its timeline's mean. Off: it raised the
#: model's own dev CV but not summarize's (model card, "Thirteenth session"). A model records
#: whether it was trained with it (``model.json`` ``context``; absent: without).
CONTEXT = False


#: Short role descriptions written for this project (never corpus text); a line's cosine to
#: the nearest description of each role is a feature that carries across writing styles.
PROTOTYPES: dict[str, tuple[str, ...]] = {
    "trigger": (
        "a configuration change was deployed to production",
        "new release rolled out",
        "database migration started",
        "the certificate expired",
        "scheduled maintenance began on the cluster",
        "a disk failed on the primary host",
        "traffic surge began after the marketing email",
    ),
    "impact-start": (
        "users start seeing errors",
        "the site went down for customers",
        "first failed payments",
        "requests began timing out",
        "service became unavailable",
        "outage begins",
    ),
    "detection": (
        "an alert fired for high error rate",
        "on-call engineer was paged",
        "a customer reported that login fails",
        "monitoring detected elevated latency",
        "an engineer noticed the dashboard was empty",
        "support received tickets about the problem",
    ),
    "communication": (
        "incident declared and the team was notified",
        "status page updated",
        "escalated to the database team",
        "engineers joined the incident call",
        "posted an update to customers",
        "incident commander assigned",
    ),
    "investigation": (
        "investigating the logs",
        "checking the load balancer metrics",
        "the team started looking into the cause",
        "we are looking at the dashboards",
        "engineers began debugging the service",
    ),
    "misleading": (
        "suspected the network but it was ruled out",
        "restarted the pods with no improvement",
        "the fix did not help and errors continued",
        "we thought it was DNS but it was not",
        "the change had no effect",
    ),
    "cause-found": (
        "root cause identified",
        "found that the configuration value was wrong",
        "the cause was a bug in the new code",
        "identified the expired token as the cause",
        "discovered the query was exhausting connections",
    ),
    "mitigation": (
        "rolled back the deployment",
        "failed over to the secondary region",
        "restarted the service",
        "scaled up the cluster",
        "blocked the abusive traffic",
        "disabled the feature flag",
        "applied a hotfix",
    ),
    "recovery": (
        "error rates returned to normal",
        "service fully operational again",
        "all systems recovered",
        "traffic back to baseline",
        "users can log in again",
    ),
    "resolution": (
        "incident resolved",
        "incident closed",
        "the permanent fix was deployed and the incident closed",
        "marked as resolved after monitoring",
    ),
    "followup": (
        "postmortem meeting held",
        "follow-up tickets created",
        "permanent fix scheduled for next week",
        "review of the incident with the team",
    ),
    "other": (
        "Time | Event",
        "All times are in UTC",
        "Timeline",
        "Date Time Description",
        "see the notes below",
    ),
}


def prototype_matrix(encoded: np.ndarray) -> tuple[np.ndarray, np.ndarray]:
    """(prototype embeddings, role index of each) in ``PROTOTYPES`` order."""
    owner = [ROLES.index(r) for r, texts in PROTOTYPES.items() for _ in texts]
    return encoded, np.asarray(owner, dtype=np.int64)


def prototype_texts() -> list[str]:
    """Every prototype description, in ``PROTOTYPES`` order."""
    return [t for texts in PROTOTYPES.values() for t in texts]


def similarities(emb: np.ndarray, protos: np.ndarray, owner: np.ndarray) -> np.ndarray:
    """Per line and role: the cosine to the nearest prototype of that role."""
    sims = emb @ protos.T
    out = np.full((emb.shape[0], len(ROLES)), -1.0, dtype=np.float32)
    for k in range(len(ROLES)):
        cols = owner == k
        if cols.any() and len(emb):
            out[:, k] = sims[:, cols].max(axis=1)
    return out


def _shift(m: np.ndarray, by: int) -> np.ndarray:
    """Rows moved down (``by``=1: previous line) or up (-1: next line), zero-padded."""
    out = np.zeros_like(m)
    if len(m) > 1:
        if by > 0:
            out[1:] = m[:-1]
        else:
            out[:-1] = m[1:]
    return out


def features(
    lines: Sequence[Line],
    emb: np.ndarray,
    protos: np.ndarray,
    owner: np.ndarray,
    context: bool = CONTEXT,
) -> np.ndarray:
    """Feature matrix of one timeline.

    [MiniLM(line), role-prototype cosines of line/prev/next, cues of line/prev/next, position],
    with ``context`` also [MiniLM(prev), MiniLM(next), MiniLM(line) - timeline mean].
    """
    n = len(lines)
    sim = similarities(emb, protos, owner)
    cue = np.stack([cue_vector(ln.text) for ln in lines]) if n else np.zeros((0, N_CUES))
    pos = np.zeros((n, N_POS), dtype=np.float32)
    for i, ln in enumerate(lines):
        rel = i / (n - 1) if n > 1 else 0.0
        words = len(ln.text.split())
        pos[i] = [
            rel,
            1.0 if i == 0 else 0.0,
            1.0 if i == n - 1 else 0.0,
            1.0 if rel < 0.2 else 0.0,
            1.0 if rel > 0.8 else 0.0,
            1.0 if ln.has_time else 0.0,
            1.0 if ln.has_date else 0.0,
            1.0 if ln.header else 0.0,
            min(np.log1p(words) / 4.0, 1.5),
            1.0 if i > 0 and lines[i - 1].has_time else 0.0,
        ]
    parts = [emb, sim, _shift(sim, 1), _shift(sim, -1), cue, _shift(cue, 1), _shift(cue, -1), pos]
    if context:
        centred = emb - emb.mean(axis=0, keepdims=True) if n else emb
        parts += [_shift(emb, 1), _shift(emb, -1), centred]
    return np.hstack(parts).astype(np.float32)


def feature_names(dim: int, context: bool = CONTEXT) -> list[str]:
    """Names of the feature columns (for the model card and debugging)."""
    names = [f"emb{i}" for i in range(dim)]
    for where in ("", "prev_", "next_"):
        names += [f"{where}proto_{r}" for r in ROLES]
    cue_names = [*CUES, "noise", "question"]
    for where in ("", "prev_", "next_"):
        names += [f"{where}cue_{c}" for c in cue_names]
    names += [
        "rel_pos",
        "first",
        "last",
        "early",
        "late",
        "has_time",
        "has_date",
        "header",
        "log_words",
        "prev_has_time",
    ]
    if context:
        for where in ("prev_emb", "next_emb", "centred_emb"):
            names += [f"{where}{i}" for i in range(dim)]
    return names


def transitions(sequences: Sequence[Sequence[int]], k: int, smooth: float = 1.0) -> np.ndarray:
    """Log transition scores ``(k+1) x k`` (row 0 = start) from label sequences."""
    counts = np.full((k + 1, k), smooth, dtype=np.float64)
    for seq in sequences:
        prev = 0
        for y in seq:
            counts[prev, y] += 1
            prev = y + 1
    return np.log(counts / counts.sum(axis=1, keepdims=True)).astype(np.float32)


def viterbi(log_emit: np.ndarray, log_trans: np.ndarray, weight: float) -> np.ndarray:
    """Best label path for emission scores ``n x k`` and transition scores ``(k+1) x k``."""
    n, k = log_emit.shape
    if n == 0:
        return np.zeros(0, dtype=int)
    score = log_emit[0] + weight * log_trans[0]
    back = np.zeros((n, k), dtype=int)
    for i in range(1, n):
        cand = score[:, None] + weight * log_trans[1:]
        back[i] = cand.argmax(axis=0)
        score = cand.max(axis=0) + log_emit[i]
    path = np.zeros(n, dtype=int)
    path[-1] = int(score.argmax())
    for i in range(n - 1, 0, -1):
        path[i - 1] = back[i, path[i]]
    return path


def marginals(log_emit: np.ndarray, log_trans: np.ndarray, weight: float) -> np.ndarray:
    """Per-line role posteriors (forward-backward) for the same scores as ``viterbi``."""
    n, k = log_emit.shape
    if n == 0:
        return np.zeros((0, k), dtype=np.float32)
    trans = weight * log_trans[1:].astype(np.float64)
    emit = log_emit.astype(np.float64)
    fwd = np.zeros((n, k))
    bwd = np.zeros((n, k))
    fwd[0] = emit[0] + weight * log_trans[0]
    for i in range(1, n):
        fwd[i] = np.logaddexp.reduce(fwd[i - 1][:, None] + trans, axis=0) + emit[i]
    for i in range(n - 2, -1, -1):
        bwd[i] = np.logaddexp.reduce(trans + (emit[i + 1] + bwd[i + 1])[None, :], axis=1)
    post = fwd + bwd
    post -= np.logaddexp.reduce(post, axis=1, keepdims=True)
    return np.exp(post).astype(np.float32)


#: Default for ``LineRoleModel.start_threshold`` (models saved before it was picked by CV).
START_THRESHOLD = 0.1
#: Default for ``LineRoleModel.impact_threshold``: None = no impact-start pass (models saved
#: before it was picked by CV decode start from the impact-start + trigger sum alone).
IMPACT_THRESHOLD: float | None = None


#: Order penalties of ``pick_keys`` (log-score units): (detection before the start line,
#: recovery not after detection). Recovery after the resolution line is ruled out.
#: The shipped model's pair (``model.json``) is picked on dev by ``line_roles_eval.pick_order``
#: (inner folds in the CV); this default is that pick. Detection may share the start line (the
#: start is a low threshold that often fires on the first line: forbidding it cost 5 of 96
#: detection lines of ``assist summarize`` on dev CV).
ORDER = (1.0, 0.0)
_HARD = 1e6
#: A line whose recovery posterior reaches this is the recovery line, whatever the order says
#: (dev CV, set on the outer folds: recovery lines 52% -> 56%; 0.6-0.8 gave 54%).
RECOVERY_SURE = 0.5


def first_occurrence(p: np.ndarray) -> np.ndarray:
    """P(line i is the first line of a role) from per-line probabilities, lines independent."""
    q = np.clip(np.asarray(p, dtype=np.float64), 1e-6, 1 - 1e-6)
    return q * np.concatenate([[1.0], np.cumprod(1 - q)[:-1]])


def resolution_score(
    post: np.ndarray, roles: Sequence[str] = ROLES
) -> tuple[np.ndarray, np.ndarray]:
    """P(line i answers "resolved"): a resolution line, or the last recovery line when there is
    no resolution line (``key_lines``), lines independent; and the second reading alone."""
    res = np.clip(post[:, roles.index("resolution")].astype(np.float64), 1e-6, 1 - 1e-6)
    rec = np.clip(post[:, roles.index("recovery")].astype(np.float64), 1e-6, 1 - 1e-6)
    after = np.concatenate([np.cumprod((1 - rec)[::-1])[::-1][1:], [1.0]])
    last = rec * after * float(np.prod(1 - res))
    return res + last, last


def pick_keys(
    post: np.ndarray,
    start_threshold: float = START_THRESHOLD,
    allowed: Sequence[bool] | None = None,
    roles: Sequence[str] = ROLES,
    order: tuple[float, float] | None = ORDER,
    impact_threshold: float | None = IMPACT_THRESHOLD,
) -> dict[str, tuple[int, float] | None]:
    """Key lines from role posteriors (``marginals``), each with its posterior.

    start (issue #9: the first impact-start line, else the trigger) = the first line whose
    P(impact-start) reaches ``impact_threshold``; when none does (or it is None), the first
    line whose P(impact-start) + P(trigger) reaches ``start_threshold`` (else the line where
    that sum peaks). With ``order`` (default): detection, recovery and
    resolution are chosen together, maximising the sum of the log probabilities that each line
    is the first detection, the first recovery and a resolution line, with ``order[0]``
    subtracted when detection comes before the start line, ``order[1]`` when recovery is not
    after detection, and recovery never after resolution (on the same line only as "the last
    recovery line, with no resolution line"); a line whose recovery posterior reaches
    ``RECOVERY_SURE`` is the recovery line. ``order=None``: each of them is
    the line where its posterior peaks (the method before). ``allowed``: only these lines may
    be chosen (e.g. lines with a time).
    """
    n = post.shape[0]
    mask = np.ones(n, dtype=bool) if allowed is None else np.asarray(allowed, dtype=bool)
    out: dict[str, tuple[int, float] | None] = {}
    if n == 0 or not mask.any():
        return dict.fromkeys(("start", "detection", "recovery", "resolution"))
    col = {r: np.where(mask, post[:, i], -1.0) for i, r in enumerate(roles)}
    start = col["impact-start"] + col["trigger"]
    bar = np.inf if impact_threshold is None else impact_threshold
    impact = np.flatnonzero(col["impact-start"] >= bar)
    hits = impact if len(impact) else np.flatnonzero(start >= start_threshold)
    at = int(hits[0]) if len(hits) else int(start.argmax())
    out["start"] = (at, float(start[at]))
    keys = ("detection", "recovery", "resolution")
    if order is None:
        for key in keys:
            at = int(col[key].argmax())
            out[key] = (at, float(col[key][at]))
        return out
    resolved, last = resolution_score(post, roles)
    scores = (
        first_occurrence(post[:, roles.index("detection")]),
        first_occurrence(post[:, roles.index("recovery")]),
        resolved,
    )
    logs = [np.where(mask, np.log(s), -_HARD * 10) for s in scores]
    recovery = np.where(mask, post[:, roles.index("recovery")], -1.0)
    if recovery.max() >= RECOVERY_SURE:  # a confident recovery line stands
        logs[1] = np.where(np.arange(n) == int(recovery.argmax()), 0.0, -_HARD * 10)
    # recovery and resolution on one line: only "the last recovery line, no resolution line"
    same = np.log(last) - np.log(resolved)
    chosen = _ordered(at, logs, order, same)
    for key, i in zip(keys, chosen, strict=True):
        out[key] = (i, float(post[i, roles.index(key)]))
    return out


def _ordered(
    start: int, logs: list[np.ndarray], order: tuple[float, float], same: np.ndarray
) -> list[int]:
    """Detection, recovery, resolution lines with the best total score (chain Viterbi);
    ``same``: score change when resolution falls on the recovery line."""
    n = len(logs[0])
    a = np.arange(n)[:, None]
    b = np.arange(n)[None, :]
    pairs = (
        np.where(b < a, -order[0], 0.0),  # start -> detection (may share the start line)
        np.where(b < a, -order[1], np.where(b == a, -_HARD, 0.0)),  # detection -> recovery
        np.where(b < a, -_HARD, np.where(b == a, same[None, :], 0.0)),  # recovery -> resolution
    )
    best = np.full(n, -_HARD)
    best[start] = 0.0
    backs = []
    for pair, log in zip(pairs, logs, strict=True):
        total = best[:, None] + pair
        backs.append(total.argmax(axis=0))
        best = total.max(axis=0) + log
    at = int(best.argmax())
    path = [at]
    for back in reversed(backs[1:]):
        at = int(back[at])
        path.append(at)
    return path[::-1]


@dataclass
class LineRoleModel:
    """Weights of the emission head, the transition scores and the decode settings."""

    coef: np.ndarray  # k x d
    intercept: np.ndarray  # k
    trans: np.ndarray  # (k+1) x k log scores
    log_prior: np.ndarray  # k, subtracted from log posteriors (hybrid HMM emissions)
    protos: np.ndarray  # prototype embeddings (p x 384)
    owner: np.ndarray  # role index of each prototype
    weight: float = 1.0  # transition weight in the decode
    prior_weight: float = 0.0
    roles: tuple[str, ...] = ROLES
    meta: dict | None = None
    start_threshold: float = START_THRESHOLD  # see ``pick_keys``
    order: tuple[float, float] | None = ORDER  # see ``pick_keys``; None: peaks
    impact_threshold: float | None = IMPACT_THRESHOLD  # see ``pick_keys``
    #: fine-tuned last encoder layer + role head (``top_layer.fit_top``), or None
    top: dict[str, np.ndarray] | None = None
    mix: float = 0.0  # weight of the tuned head's log probabilities (1 - mix: the LR head)
    context: bool = CONTEXT  # the context block of ``features``

    def probs(self, x: np.ndarray, tuned: np.ndarray | None = None) -> np.ndarray:
        """Role probabilities per line: the LR head, mixed (weighted geometric mean) with the
        tuned head on the lines that have a tuned vector (``tuned_vectors``; zero rows: none)."""
        z = x @ self.coef.T + self.intercept
        if self.top is not None and tuned is not None and self.mix > 0 and len(z):
            from scipy.special import log_softmax

            t = log_softmax(tuned @ self.top["head_w"].T + self.top["head_b"], axis=1)
            z = log_softmax(z, axis=1)
            has = np.abs(tuned).sum(axis=1) > 0
            z = np.where(has[:, None], (1 - self.mix) * z + self.mix * t, z)
        z = z - z.max(axis=1, keepdims=True)
        e = np.exp(z)
        return np.asarray(e / e.sum(axis=1, keepdims=True))

    def tuned_vectors(self, texts: Sequence[str]) -> np.ndarray | None:
        """Mean token states of the tuned top layer for ``texts`` (None without one)."""
        return embed_for(self, list(texts))[1]

    def features(self, lines: Sequence[Line], emb: np.ndarray) -> np.ndarray:
        """The feature matrix of one timeline for this model."""
        return features(lines, emb, self.protos, self.owner, self.context)

    def decode(
        self, x: np.ndarray, tuned: np.ndarray | None = None
    ) -> tuple[np.ndarray, np.ndarray]:
        """(role index per line after Viterbi, emission probabilities)."""
        p = self.probs(x, tuned)
        emit = np.log(np.clip(p, 1e-9, 1.0)) - self.prior_weight * self.log_prior
        return viterbi(emit, self.trans, self.weight), p

    def posteriors(self, x: np.ndarray, tuned: np.ndarray | None = None) -> np.ndarray:
        """Per-line role posteriors (forward-backward over the decode's scores)."""
        p = self.probs(x, tuned)
        emit = np.log(np.clip(p, 1e-9, 1.0)) - self.prior_weight * self.log_prior
        return marginals(emit, self.trans, self.weight)

    def save(self, folder: Path, meta: dict) -> None:
        """``model.npz`` (float32 arrays) + ``model.json`` (roles, settings, training facts)."""
        folder.mkdir(parents=True, exist_ok=True)
        arrays: dict[str, np.ndarray] = {
            "coef": self.coef.astype(np.float32),
            "intercept": self.intercept.astype(np.float32),
            "trans": self.trans.astype(np.float32),
            "log_prior": self.log_prior.astype(np.float32),
            "protos": self.protos.astype(np.float32),
            "owner": self.owner.astype(np.int64),
        }
        arrays.update({f"top_{k}": v.astype(np.float16) for k, v in (self.top or {}).items()})
        np.savez_compressed(folder / "model.npz", allow_pickle=False, **arrays)
        body = {
            "roles": list(self.roles),
            "weight": self.weight,
            "prior_weight": self.prior_weight,
            "start_threshold": self.start_threshold,
            "order": list(self.order) if self.order is not None else None,
            "impact_threshold": self.impact_threshold,
            "mix": self.mix,
            "context": self.context,
            "cues": list(CUES),
            **meta,
        }
        (folder / "model.json").write_text(json.dumps(body, indent=2) + "\n", encoding="utf-8")


def load(folder: str | Path | None = None) -> LineRoleModel | None:
    """The trained model from ``folder`` (default ``models/line-roles``), or None."""
    return _load(str(folder or MODEL_DIR))


@cache
def _load(folder: str) -> LineRoleModel | None:
    path = Path(folder)
    if not (path / "model.npz").is_file() or not (path / "model.json").is_file():
        return None
    data = np.load(path / "model.npz", allow_pickle=False)
    meta = json.loads((path / "model.json").read_text(encoding="utf-8"))
    return LineRoleModel(
        coef=data["coef"],
        intercept=data["intercept"],
        trans=data["trans"],
        log_prior=data["log_prior"],
        protos=data["protos"],
        owner=data["owner"],
        weight=float(meta["weight"]),
        prior_weight=float(meta.get("prior_weight", 0.0)),
        roles=tuple(meta["roles"]),
        meta=meta,
        start_threshold=float(meta.get("start_threshold", START_THRESHOLD)),
        order=_order(meta.get("order")),
        impact_threshold=_float(meta.get("impact_threshold")),
        top=_top(data),
        mix=float(meta.get("mix", 0.0)),
        context=bool(meta.get("context", False)),
    )


def _top(data: Any) -> dict[str, np.ndarray] | None:
    """The tuned top layer stored in ``model.npz`` (``top_*`` arrays), or None."""
    top = {k[4:]: data[k].astype(np.float32) for k in data.files if k.startswith("top_")}
    return top or None


def _float(value: Any) -> float | None:
    """A number of ``model.json``, or None when it is absent."""
    return float(value) if isinstance(value, int | float) else None


def _order(value: Any) -> tuple[float, float] | None:
    """``model.json``'s order penalties (models saved before them decode by peaks)."""
    if not isinstance(value, list) or len(value) != 2:
        return None
    return float(value[0]), float(value[1])


def key_lines(roles: Sequence[str]) -> dict[str, Any]:
    """Key facts of a role sequence (line indices), with the definitions of issue #9.

    start = first ``impact-start`` (else first ``trigger``); detection = first ``detection``;
    recovery (mitigated) = first ``recovery``; resolution = first ``resolution`` (else the
    last ``recovery``); cause = ``cause-found`` lines; trigger = ``trigger`` lines (context);
    misleading = ``misleading`` lines; steps = ``mitigation`` lines.
    """

    def every(role: str) -> list[int]:
        return [i for i, r in enumerate(roles) if r == role]

    def first(*names: str) -> int | None:
        for role in names:
            hits = every(role)
            if hits:
                return hits[0]
        return None

    recovery = every("recovery")
    resolution = first("resolution")
    return {
        "start": first("impact-start", "trigger"),
        "detection": first("detection"),
        "recovery": recovery[0] if recovery else None,
        "resolution": resolution
        if resolution is not None
        else (recovery[-1] if recovery else None),
        "cause": every("cause-found"),
        "trigger": every("trigger"),
        "misleading": every("misleading"),
        "steps": every("mitigation"),
    }


def embed(texts: list[str]) -> np.ndarray:
    """MiniLM embeddings of line texts (one batch, repeated lines encoded once)."""
    from ..embeddings import DIM, encode

    if not texts:
        return np.zeros((0, DIM), dtype=np.float32)
    unique, rows = _unique_rows(texts)
    return np.asarray(encode(unique)[rows], dtype=np.float32)


def _unique_rows(texts: list[str]) -> tuple[list[str], list[int]]:
    """The distinct texts in first-seen order and, per text, its row among them."""
    unique = list(dict.fromkeys(texts))
    row = {t: i for i, t in enumerate(unique)}
    return unique, [row[t] for t in texts]


def embed_for(model: LineRoleModel, texts: list[str]) -> tuple[np.ndarray, np.ndarray | None]:
    """MiniLM embeddings of line texts and, when the model has a tuned top layer, its vectors
    from the same lower layers (repeated lines encoded once)."""
    if model.top is None or not texts:
        return embed(texts), None
    from ..embeddings import encode_tuned
    from .top_layer import as_layer

    unique, rows = _unique_rows(texts)
    base, (tuned,) = encode_tuned(unique, [as_layer(model.top)])
    return np.asarray(base[rows], dtype=np.float32), np.asarray(tuned[rows], dtype=np.float32)


def predict(
    lines: Sequence[Line],
    model: LineRoleModel | None = None,
    emb: np.ndarray | None = None,
    tuned: np.ndarray | None = None,
) -> tuple[list[str], np.ndarray]:
    """Roles of the lines of one timeline (Viterbi path) and the role posteriors per line
    (``tuned``: the model's tuned-layer vectors of the lines, see ``embed_for``)."""
    model = model or load()
    if model is None:
        raise FileNotFoundError(f"{MODEL_DIR}: no trained line-role model")
    if not lines:
        return [], np.zeros((0, len(model.roles)), dtype=np.float32)
    if emb is None:
        emb, tuned = embed_for(model, [ln.text for ln in lines])
    x = model.features(lines, emb)
    path, _ = model.decode(x, tuned)
    return [model.roles[i] for i in path], model.posteriors(x, tuned)
