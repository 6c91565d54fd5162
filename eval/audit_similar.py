"""Check: do ``assist similar`` / recurring groups find postmortems with the same kind of cause?

    PYTHONPATH=src .venv/bin/python eval/audit_similar.py

On the corpus ``dev`` postmortems that carry root-cause labels, each one is a query against
the others; precision at 5 is the share of its five nearest cause texts that share a label
with it (also with neighbours from other companies only, since one company's reports share
wording). Rankings compared in the same run: random, the shipped cause-text cosine, the best
sentence pair, and their mean. Dev only; nothing is fitted.
"""

from __future__ import annotations

import numpy as np

from postmortem_assist import corpus
from postmortem_assist.audit import causes as cz
from postmortem_assist.audit.similar import cause_for
from postmortem_assist.reading import Source


def precision_at(
    sims: np.ndarray, labels: list[set[str]], groups: list[str], k: int, other: bool
) -> float:
    """Mean share of the top-k neighbours sharing a label (optionally other companies only)."""
    out = []
    for a in range(len(labels)):
        order = [
            b for b in np.argsort(-sims[a], kind="stable")
            if b != a and (not other or groups[b] != groups[a])
        ][:k]  # fmt: skip
        out.append(np.mean([bool(labels[a] & labels[b]) for b in order]))
    return float(np.mean(out))


def main() -> None:
    docs = [p for p in corpus.iter_postmortems("dev") if p.labels and p.text.strip()]
    found = cz.drop_boilerplate([cause_for(Source(p.id, p.text)) for p in docs])
    cz.embed(found)
    keep = [i for i, c in enumerate(found) if c.vector is not None and c.vector.any()]
    causes = [found[i] for i in keep]
    labels = [set(docs[i].labels) for i in keep]
    groups = [docs[i].split_group or docs[i].id for i in keep]
    vecs = np.stack([c.vector for c in causes if c.vector is not None])
    doc = vecs @ vecs.T
    pair = np.array([[cz.best_pair(a, b)[2] for b in causes] for a in causes])
    rng = np.random.default_rng(0).random(doc.shape)
    print(f"dev postmortems with labels and a cause text: {len(causes)}")
    print("ranking                     P@5    P@5 other companies")
    rankings = {
        "random": rng,
        "cause-text cosine (shipped)": doc,
        "best sentence pair": pair,
        "mean of both": (doc + pair) / 2,
    }
    for name, sims in rankings.items():
        p5 = precision_at(sims, labels, groups, 5, False)
        p5o = precision_at(sims, labels, groups, 5, True)
        print(f"{name:27s} {p5:.3f}  {p5o:.3f}")


if __name__ == "__main__":
    main()
