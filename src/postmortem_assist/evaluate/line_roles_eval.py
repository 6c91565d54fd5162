"""Grouped 5-fold CV of timeline line roles on the dev timelines: new model vs today's cues.

    python -m postmortem_assist.evaluate.line_roles_eval [--out eval/out/line-roles.json]

Folds by company (``split_group``). Both systems run in the same call on the same
documents: the line-role model (trained on the other folds) and today's summarize cues
(``summarize.timeline`` / ``extract``, run on the timeline text as notes). Scores per role
(precision/recall/F1) and per document, with the issue's definitions of the key facts
(``line_roles.key_lines``): start, detection, recovery (mitigated), resolution, a cause line,
misleading-line recall and the coarse event type of the timeline entries shown.
"""

from __future__ import annotations

import argparse
import json
import sys
from collections.abc import Sequence
from dataclasses import replace
from pathlib import Path
from typing import TYPE_CHECKING, Any

import numpy as np

from ..summarize import line_roles as lr

if TYPE_CHECKING:
    from ..summarize.train_line_roles import Timeline

FOLDS = 5
#: Targets of issue #9 (share of documents that have the fact).
TARGETS = {
    "start": 0.8,
    "detection": 0.8,
    "recovery": 0.8,
    "resolution": 0.8,
    "cause": 0.7,
    "misleading_recall": 0.6,
    "coarse_type": 0.8,
}
SYSTEMS = (
    "line-role model (lines)",
    "model, peak keys (before)",
    "model, ordered keys",
    "summarize, peak keys (before)",
    "summarize with the model",
    "today's cues",
)
#: Thresholds tried for the start posterior and P(misleading) (picked on inner folds).
GRID = (0.02, 0.05, 0.1, 0.15, 0.2, 0.25, 0.3, 0.4, 0.5, 0.6, 0.7)
#: Impact-start thresholds of the start line tried on inner folds (None: no impact-start pass).
IMPACT_GRID = (None, 0.1, 0.15, 0.2, 0.25, 0.3, 0.4, 0.5, 0.6, 0.7)
#: Order penalties of ``line_roles.pick_keys`` tried on inner folds.
ORDER_GRID = ((1.0, 0.0), (1.0, 2.0), (3.0, 0.0), (3.0, 2.0))


def gold_facts(roles: Sequence[str]) -> dict[str, Any]:
    """Gold key lines of one timeline (indices), with the issue's definitions."""
    return lr.key_lines(list(roles))


def fold_ids(groups: Sequence[str], folds: int = FOLDS) -> np.ndarray:
    """Fold number per document, grouped by company (deterministic GroupKFold)."""
    from sklearn.model_selection import GroupKFold

    out = np.zeros(len(groups), dtype=int)
    for k, (_, test) in enumerate(GroupKFold(n_splits=folds).split(groups, groups=groups)):
        out[test] = k
    return out


def cv_model(timelines: list[Timeline], embs: list[np.ndarray], **fit_args: Any) -> list[list[str]]:
    """Out-of-fold role predictions of the line-role model for every timeline."""
    return cv_models(timelines, embs, **fit_args)[0]


def cv_models(
    timelines: list[Timeline],
    embs: list[np.ndarray],
    *,
    inner: bool = False,
    states: list[list[np.ndarray]] | None = None,
    **fit_args: Any,
) -> tuple[list[list[str]], list[lr.LineRoleModel]]:
    """Out-of-fold role predictions and, per timeline, the model that did not see it.

    ``inner``: each fold model also gets its start threshold and a P(misleading) threshold
    (``model.meta["misleading_threshold"]``) picked by grouped CV on its training folds only.
    ``states``: lower-layer token states per timeline line (``train_line_roles.lower_states``):
    the fold models get a fine-tuned top layer too (the inner models do not: five more
    trainings per fold; their picks are made on the logistic-regression head alone).
    """
    from ..summarize.train_line_roles import fit, prototypes

    protos = fit_args.pop("protos", None) or prototypes()
    context = fit_args.get("context", lr.CONTEXT)
    xs = [
        lr.features(t.lines, e, protos[0], protos[1], context=context)
        for t, e in zip(timelines, embs, strict=True)
    ]
    groups = [t.group for t in timelines]
    folds = fold_ids(groups, min(FOLDS, len(set(groups))))
    preds: list[list[str]] = [[] for _ in timelines]
    models: list[lr.LineRoleModel] = [None] * len(timelines)  # type: ignore[list-item]
    for k in sorted(set(folds)):
        train = [i for i in range(len(timelines)) if folds[i] != k]
        model = fit(
            [xs[i] for i in train],
            [timelines[i].roles for i in train],
            protos=protos,
            states=[states[i] for i in train] if states is not None else None,
            **fit_args,
        )
        if inner:
            sub = [timelines[i] for i in train]
            _, inner_models = cv_models(sub, [embs[i] for i in train], protos=protos, **fit_args)
            posts = [m.posteriors(xs[i]) for m, i in zip(inner_models, train, strict=True)]
            golds = [t.roles for t in sub]
            model.start_threshold, model.impact_threshold = pick_start(posts, golds)
            model.order = pick_order(posts, golds, model.start_threshold, model.impact_threshold)
            model.meta = {"misleading_threshold": pick_misleading_threshold(posts, golds)}
        for i in np.flatnonzero(folds == k):
            path, _ = model.decode(xs[i], tuned_of(model, timelines[i]))
            preds[i] = [lr.ROLES[j] for j in path]
            models[i] = model
    return preds, models


def tuned_of(model: lr.LineRoleModel, timeline: Timeline) -> np.ndarray | None:
    """The model's tuned-layer vectors of a timeline's lines, encoded once per top layer and
    timeline (``cv_models`` decodes with them, ``evaluate`` takes posteriors from them)."""
    if model.top is None:
        return None
    _, per_doc = _TUNED.setdefault(id(model.top), (model.top, {}))
    if timeline.doc_id not in per_doc:
        per_doc[timeline.doc_id] = model.tuned_vectors([ln.text for ln in timeline.lines])
    return per_doc[timeline.doc_id]


#: id(top layer) -> (that layer, vectors per doc_id); the layer is held so its id stays its own.
_TUNED: dict[int, tuple[dict[str, np.ndarray], dict[str, np.ndarray | None]]] = {}


def pick_start(posts: list[np.ndarray], golds: list[list[str]]) -> tuple[float, float | None]:
    """The (start threshold, impact threshold) of ``line_roles.pick_keys`` from ``GRID`` x
    ``IMPACT_GRID`` that gets most start lines right (ties: no impact pass, then the start
    threshold nearest the default)."""

    def hits(pair: tuple[float, float | None]) -> int:
        n = 0
        for post, roles in zip(posts, golds, strict=True):
            want = lr.key_lines(roles)["start"]
            got = lr.pick_keys(post, pair[0], order=None, impact_threshold=pair[1])["start"]
            n += want is not None and got is not None and got[0] == want
        return n

    pairs = [(t, i) for t in GRID for i in IMPACT_GRID]
    return max(pairs, key=lambda p: (hits(p), p[1] is None, -abs(p[0] - lr.START_THRESHOLD)))


def pick_order(
    posts: list[np.ndarray],
    golds: list[list[str]],
    start_threshold: float,
    impact_threshold: float | None = None,
) -> tuple[float, float]:
    """The ``ORDER_GRID`` penalties that get most detection, recovery and resolution lines
    right (ties: the smaller penalties)."""

    def hits(order: tuple[float, float]) -> int:
        n = 0
        for post, roles in zip(posts, golds, strict=True):
            gold = lr.key_lines(roles)
            got = lr.pick_keys(
                post, start_threshold, order=order, impact_threshold=impact_threshold
            )
            for name in ("detection", "recovery"):
                hit = got[name]
                n += gold[name] is not None and hit is not None and hit[0] == gold[name]
            if gold["resolution"] is not None and got["resolution"] is not None:
                ok = [i for i, r in enumerate(roles) if r == "resolution"] or [gold["resolution"]]
                n += got["resolution"][0] in ok
        return n

    return max(ORDER_GRID, key=lambda o: (hits(o), -sum(o)))


def pick_misleading_threshold(posts: list[np.ndarray], golds: list[list[str]]) -> float:
    """The ``GRID`` value of P(misleading) with the best line F1."""
    col = lr.ROLES.index("misleading")
    gold = np.concatenate([[r == "misleading" for r in roles] for roles in golds])
    prob = np.concatenate([post[:, col] for post in posts])

    def f1(t: float) -> float:
        pred = prob >= t
        tp = int((pred & gold).sum())
        return 2 * tp / max(1, int(pred.sum()) + int(gold.sum()))

    return max(GRID, key=f1)


def posterior_keys(post: np.ndarray, model: lr.LineRoleModel, roles: Sequence[str]) -> dict:
    """Key lines from posteriors (``line_roles.pick_keys`` with the model's order penalties;
    None: peaks); cause = the two lines with the highest cause-found posterior; misleading =
    P(misleading) over the fold's threshold."""
    keys = model_keys(roles)
    picked = lr.pick_keys(
        post, model.start_threshold, order=model.order, impact_threshold=model.impact_threshold
    )
    for name in ("start", "detection", "recovery", "resolution"):
        hit = picked[name]
        keys[name] = hit[0] if hit is not None else None
    cause = post[:, lr.ROLES.index("cause-found")]
    keys["cause"] = [int(i) for i in np.argsort(-cause, kind="stable")[:2]]
    limit = (model.meta or {}).get("misleading_threshold", 1.1)
    mis = post[:, lr.ROLES.index("misleading")]
    keys["misleading"] = [int(i) for i in np.flatnonzero(mis >= limit)]
    return keys


_EVENT_ROLE = {
    "impact": "impact-start",
    "detection": "detection",
    "escalation": "communication",
    "communication": "communication",
    "investigation": "investigation",
    "mitigation": "mitigation",
    "resolution": "resolution",
}


def baseline(
    timeline: Timeline, model: lr.LineRoleModel | None = None
) -> tuple[list[str], dict[str, Any]]:
    """``summarize`` on the timeline text as notes: a role per labelled line, and key lines.

    Without ``model``: today's cues (roles off). With it: the product with that line-role model.
    """
    from ..notes import parse_notes
    from ..reading import Source
    from ..summarize.extract import extract

    notes = parse_notes([Source("timeline", timeline.text)], timezone="UTC")
    summary, _ = extract(notes, ["timeline"], model, use_roles=model is not None)
    where = {n: i for i, n in enumerate(timeline.numbers)}
    roles = ["other"] * len(timeline.numbers)

    def at(line: int | None) -> int | None:
        return where.get(line) if line is not None else None

    # a quoted sentence wrapped over several lines stands on each of them ("It is observed
    # that the memory leak does not recur, / confirming that the update is the root cause.")
    last: dict[int, int] = {}
    for m in notes.messages:
        if m.last_line is not None:
            last[m.line] = max(last.get(m.line, m.line), m.last_line)

    def span(line: int) -> list[int]:
        return [i for n in range(line, last.get(line, line) + 1) if (i := at(n)) is not None]

    for ev in summary.timeline:
        i = at(ev.line)
        if i is not None:
            roles[i] = ev.role or _EVENT_ROLE.get(ev.type, "investigation")
    keys: dict[str, Any] = {
        "start": at(summary.start.line) if summary.start else None,
        "detection": at(summary.detected.line) if summary.detected else None,
        "recovery": at(summary.mitigated.line) if summary.mitigated else None,
        "resolution": at(summary.resolved.line) if summary.resolved else None,
        "cause": sorted({i for f in summary.cause for i in span(f.line)}),
        "misleading": sorted({i for f in summary.misleading_paths for i in span(f.line)}),
        "shown": sorted({i for ev in summary.timeline if (i := at(ev.line)) is not None}),
    }
    for name, role in (("start", "impact-start"), ("detection", "detection"),
                       ("recovery", "recovery"), ("resolution", "resolution")):  # fmt: skip
        if keys[name] is not None and model is None:
            roles[keys[name]] = role
    for i in keys["cause"]:
        roles[i] = "cause-found"
    for i in keys["misleading"]:
        roles[i] = "misleading"
    types = {at(ev.line): ev.type for ev in summary.timeline}
    keys["types"] = {i: types.get(i) or "investigation" for i in keys["shown"]}
    return roles, keys


def model_keys(roles: Sequence[str]) -> dict[str, Any]:
    """Key lines of predicted roles, plus the entries shown and their coarse types."""
    keys = lr.key_lines(list(roles))
    keys["shown"] = [i for i, r in enumerate(roles) if lr.COARSE[r] is not None]
    keys["types"] = {i: lr.COARSE[roles[i]] for i in keys["shown"]}
    return keys


def doc_scores(golds: list[list[str]], keys: list[dict[str, Any]]) -> dict[str, Any]:
    """Per-document key-fact scores (share of documents that have the fact)."""
    hits: dict[str, list[bool]] = {k: [] for k in TARGETS}
    mis_found = mis_total = mis_flagged = 0
    shown_ok = shown_n = 0
    for roles, got in zip(golds, keys, strict=True):
        gold = lr.key_lines(roles)
        for name in ("start", "detection", "recovery"):
            if gold[name] is not None:
                hits[name].append(got[name] == gold[name])
        if gold["resolution"] is not None:
            ok_res = [i for i, r in enumerate(roles) if r == "resolution"] or [gold["resolution"]]
            hits["resolution"].append(got["resolution"] in ok_res)
        if gold["cause"]:
            hits["cause"].append(bool(set(got["cause"]) & set(gold["cause"])))
        if gold["misleading"]:
            found = len(set(got["misleading"]) & set(gold["misleading"]))
            mis_found += found
            mis_total += len(gold["misleading"])
            hits["misleading_recall"].append(found / len(gold["misleading"]) >= 0.5)
        mis_flagged += len(got["misleading"])
        for i, kind in got["types"].items():
            shown_n += 1
            shown_ok += lr.COARSE[roles[i]] == kind or (
                {kind, lr.COARSE[roles[i]]} <= {"communication", "escalation"}
            )
    out: dict[str, Any] = {}
    for name in ("start", "detection", "recovery", "resolution", "cause"):
        vals = hits[name]
        out[name] = {"right": int(sum(vals)), "docs": len(vals), "share": _share(vals)}
    out["misleading_recall"] = {
        "found": mis_found,
        "lines": mis_total,
        "share": round(mis_found / mis_total, 3) if mis_total else None,
        "docs": len(hits["misleading_recall"]),
        "flagged": mis_flagged,
    }
    out["coarse_type"] = {
        "right": shown_ok,
        "shown": shown_n,
        "share": round(shown_ok / shown_n, 3) if shown_n else None,
    }
    return out


def _share(vals: list[bool]) -> float | None:
    return round(sum(vals) / len(vals), 3) if vals else None


def role_scores(golds: list[list[str]], preds: list[list[str]]) -> dict[str, Any]:
    """Per-role precision/recall/F1 and support over all lines, plus accuracy and macro-F1."""
    from sklearn.metrics import precision_recall_fscore_support

    y = [r for seq in golds for r in seq]
    p = [r for seq in preds for r in seq]
    prec, rec, f1, sup = precision_recall_fscore_support(
        y, p, labels=list(lr.ROLES), zero_division=0
    )
    per = {
        role: {
            "p": round(float(a), 3),
            "r": round(float(b), 3),
            "f1": round(float(c), 3),
            "n": int(d),
        }
        for role, a, b, c, d in zip(lr.ROLES, prec, rec, f1, sup, strict=True)
    }
    acc = float(np.mean([a == b for a, b in zip(y, p, strict=True)]))
    coarse = [(lr.COARSE[a], lr.COARSE[b]) for a, b in zip(y, p, strict=True)]
    return {
        "per_role": per,
        "accuracy": round(acc, 3),
        "macro_f1": round(float(np.mean(f1)), 3),
        "coarse_line_accuracy": round(float(np.mean([a == b for a, b in coarse])), 3),
    }


def evaluate(
    timelines: list[Timeline],
    embs: list[np.ndarray],
    states: list[list[np.ndarray]] | None = None,
    **fit_args: Any,
) -> dict[str, Any]:
    """Both systems on the same documents: per-role and per-document scores."""
    golds = [t.roles for t in timelines]
    preds, models = cv_models(timelines, embs, inner=True, states=states, **fit_args)
    xs = [m.features(t.lines, e) for t, m, e in zip(timelines, models, embs, strict=True)]
    tuned = [tuned_of(m, t) for m, t in zip(models, timelines, strict=True)]
    peaks = [replace(m, order=None) for m in models]  # the key lines before (peaks)
    post_keys = [
        posterior_keys(m.posteriors(x, u), m, p)
        for m, x, u, p in zip(models, xs, tuned, preds, strict=True)
    ]
    peak_keys = [
        posterior_keys(m.posteriors(x, u), m, p)
        for m, x, u, p in zip(peaks, xs, tuned, preds, strict=True)
    ]
    base = [baseline(t) for t in timelines]
    before = [baseline(t, m) for t, m in zip(timelines, peaks, strict=True)]
    product = [baseline(t, m) for t, m in zip(timelines, models, strict=True)]
    result: dict[str, Any] = {
        "folds": FOLDS,
        "grouped_by": "split_group (company)",
        "documents": len(timelines),
        "lines": sum(len(g) for g in golds),
        "targets": TARGETS,
        "systems": {},
    }
    for name, roles, keys in (
        (SYSTEMS[0], preds, [model_keys(p) for p in preds]),
        (SYSTEMS[1], preds, peak_keys),
        (SYSTEMS[2], preds, post_keys),
        (SYSTEMS[3], [b[0] for b in before], [b[1] for b in before]),
        (SYSTEMS[4], [b[0] for b in product], [b[1] for b in product]),
        (SYSTEMS[5], [b[0] for b in base], [b[1] for b in base]),
    ):
        result["systems"][name] = {
            "lines": role_scores(golds, roles),
            "documents": doc_scores(golds, keys),
        }
    result["recovery_by_company"] = by_company(
        timelines, {SYSTEMS[1]: peak_keys, SYSTEMS[2]: post_keys}, "recovery"
    )
    result["failures"] = failures(timelines, preds)
    result["inner_thresholds"] = {
        "start": sorted({m.start_threshold for m in models}),
        "impact": sorted({m.impact_threshold or 0.0 for m in models}),
        "misleading": sorted({(m.meta or {}).get("misleading_threshold", 0) for m in models}),
        "order": [list(o) for o in sorted({tuple(m.order or ()) for m in models})],
    }
    golds_all = [t.roles for t in timelines]
    oof_posts = [m.posteriors(x, u) for m, x, u in zip(models, xs, tuned, strict=True)]
    result["start_threshold"], result["impact_threshold"] = pick_start(oof_posts, golds_all)
    result["order"] = list(
        pick_order(oof_posts, golds_all, result["start_threshold"], result["impact_threshold"])
    )
    return result


def by_company(
    timelines: list[Timeline], systems: dict[str, list[dict[str, Any]]], fact: str
) -> dict[str, dict[str, str]]:
    """Per system and company: right / documents with the fact (``fact`` of ``key_lines``)."""
    out: dict[str, dict[str, str]] = {}
    for name, keys in systems.items():
        right: dict[str, list[bool]] = {}
        for t, got in zip(timelines, keys, strict=True):
            want = lr.key_lines(t.roles)[fact]
            if want is not None:
                right.setdefault(t.group, []).append(got[fact] == want)
        out[name] = {g: f"{sum(v)}/{len(v)}" for g, v in sorted(right.items())}
    return out


def failures(timelines: list[Timeline], preds: list[list[str]]) -> dict[str, list[str]]:
    """Documents where the model misses a key fact (ids only, never text)."""
    out: dict[str, list[str]] = {k: [] for k in ("start", "detection", "recovery", "cause")}
    for t, p in zip(timelines, preds, strict=True):
        gold, got = lr.key_lines(t.roles), lr.key_lines(p)
        for name in ("start", "detection", "recovery"):
            if gold[name] is not None and got[name] != gold[name]:
                out[name].append(t.doc_id)
        if gold["cause"] and not set(gold["cause"]) & set(got["cause"]):
            out["cause"].append(t.doc_id)
    return out


def table(result: dict[str, Any]) -> str:
    """Markdown tables: per-document key facts and per-role F1, both systems side by side."""
    systems = list(result["systems"])
    rows = ["| measure (dev, grouped 5-fold CV) | target | " + " | ".join(systems) + " |",
            "|---|---|" + "---|" * len(systems)]  # fmt: skip
    labels = {
        "start": "start line right",
        "detection": "detection line right",
        "recovery": "recovery (mitigated) line right",
        "resolution": "resolution line right",
        "cause": "a cause line found",
        "misleading_recall": "misleading-line recall",
        "coarse_type": "coarse event type of entries shown",
    }
    for key, label in labels.items():
        cells = []
        for s in systems:
            d = result["systems"][s]["documents"][key]
            n = d.get("docs") if key not in ("misleading_recall", "coarse_type") else None
            if key == "misleading_recall":
                cells.append(
                    f"{d['share']:.0%} ({d['found']}/{d['lines']} lines, "
                    f"{d.get('flagged', 0)} flagged)"
                )
            elif key == "coarse_type":
                cells.append(f"{d['share']:.0%} ({d['right']}/{d['shown']})")
            else:
                cells.append(f"{d['share']:.0%} ({d['right']}/{n} docs)")
        rows.append(f"| {label} | >= {result['targets'][key]:.0%} | " + " | ".join(cells) + " |")
    rows += ["", "| role | n | " + " | ".join(f"{s} P / R / F1" for s in systems) + " |",
             "|---|---|" + "---|" * len(systems)]  # fmt: skip
    for role in lr.ROLES:
        n = result["systems"][systems[0]]["lines"]["per_role"][role]["n"]
        cells = []
        for s in systems:
            r = result["systems"][s]["lines"]["per_role"][role]
            cells.append(f"{r['p']:.2f} / {r['r']:.2f} / {r['f1']:.2f}")
        rows.append(f"| {role} | {n} | " + " | ".join(cells) + " |")
    for key, label in (("accuracy", "line accuracy (12 roles)"), ("macro_f1", "macro-F1"),
                       ("coarse_line_accuracy", "coarse type, all lines")):  # fmt: skip
        cells = [f"{result['systems'][s]['lines'][key]:.3f}" for s in systems]
        rows.append(f"| {label} | | " + " | ".join(cells) + " |")
    return "\n".join(rows) + "\n"


def write_card(folder: Path, meta: dict[str, Any]) -> None:
    """MODEL_CARD.md of ``models/line-roles`` from the training facts and the CV result."""
    from .line_roles_card import card

    (folder / "MODEL_CARD.md").write_text(card(meta, table(meta["cv"])), encoding="utf-8")


def run(out: Path | None = None, cache: Path | None = None) -> dict[str, Any] | None:
    """Load the dev timelines, run the CV, write JSON + markdown when ``out`` is given."""
    from ..summarize.train_line_roles import embeddings, load_timelines, tuning_states

    timelines = load_timelines()
    if not timelines:
        return None
    result = evaluate(
        timelines,
        embeddings(timelines, cache),
        tuning_states(timelines),
        top_cache=cache,
    )
    if out is not None:
        out.parent.mkdir(parents=True, exist_ok=True)
        out.write_text(json.dumps(result, indent=2) + "\n", encoding="utf-8")
        out.with_suffix(".md").write_text(table(result), encoding="utf-8")
    return result


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--out", type=Path, default=None)
    parser.add_argument("--cache", type=Path, default=None)
    args = parser.parse_args(argv)
    result = run(args.out, args.cache)
    if result is None:
        print("line_roles_eval: no corpus with timeline_roles.jsonl found", file=sys.stderr)
        return 2
    sys.stdout.write(table(result))
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
