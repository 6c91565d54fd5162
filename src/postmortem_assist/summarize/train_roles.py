"""Train the sentence-role head on the dev split of the shared corpus.

    .venv/bin/python -m postmortem_assist.summarize.train_roles [--out models/sentence-roles]

Labels come from the section a sentence sits in (summary/impact -> impact, root_cause ->
cause, resolution -> resolution, corrective_actions -> action, timeline -> event) plus
hand-written chat noise (below). Only ``dev`` documents are used; 20 % of the dev
companies are held out to report accuracy. Writes ``head.npz`` and ``head.json``.
"""

from __future__ import annotations

import argparse
import json
import random
import re
from collections import Counter
from pathlib import Path

import numpy as np

from .roles import MODEL_DIR, ROLES

SECTION_ROLE = {
    "summary": "impact",
    "impact": "impact",
    "root_cause": "cause",
    "resolution": "resolution",
    "corrective_actions": "action",
    "timeline": "event",
}
#: Chat noise written for this head (greetings, acks, coordination chatter).
NOISE = """looking
looking too
on it
on it too
+1
+1, on it
ack
ack, looking
acking
hi all
hey, just joined
morning all
morning (ish). want a second pair of eyes?
anything I can help with?
can I help?
need a hand?
thanks!
thanks all
thanks everyone, good work
ty
tyvm
cheers
nice, thanks
nice work everyone
great job all
lol
ok
ok cool
sounds good
sure
yep
yes please
will do
brb, grabbing coffee
joining the bridge now
who is IC?
I can be IC
I'll take notes
I'll scribe
can someone take comms?
I'll take comms
anyone around?
any update?
any news?
still looking
still digging
give me a sec
one sec
let me check
checking
checking now
same here
me too
same
interesting
hmm
hmm maybe
weird
oh no
ugh
ok thanks
np
lgtm
agreed
good call
good catch
fair
kk
going to grab lunch after this
I'm here too
hi! I'm here too
ping me if you need anything
dropping off, ping me if needed
back
sorry, was in a meeting
adding @sam to the channel
welcome
let's keep this channel for the incident
moving the chat to the bridge
can you share your screen?
I'm on the bridge
link to the bridge?
here is the zoom link
which dashboard are you looking at?
thanks for jumping on
great, thanks both
appreciate it
nice one
phew
""".strip().split("\n")

_SPLIT = re.compile(r"(?<=[.!?])\s+(?=[A-Z\"'(])|\n\s*[-*•]\s+|\n{2,}")


def sentences(text: str) -> list[str]:
    """Sentences (and list items) of a section, 4-60 words, markup stripped."""
    out = []
    for part in _SPLIT.split(text):
        part = re.sub(r"[#*_`>|]+", " ", part)
        part = re.sub(r"\s+", " ", part).strip(" -")
        if 4 <= len(part.split()) <= 60:
            out.append(part)
    return out


def collect(per_class: int, seed: int) -> tuple[list[str], list[str], list[str]]:
    """(texts, labels, groups) from dev documents; noise gets its own group."""
    from ..corpus import iter_postmortems

    rows: dict[str, list[tuple[str, str]]] = {r: [] for r in ROLES}
    for pm in iter_postmortems("dev"):
        group = pm.company or pm.id
        for key, role in SECTION_ROLE.items():
            for start, end in pm.section_spans.get(key, []):
                for sent in sentences(pm.text[start:end]):
                    rows[role].append((sent, group))
    rng = random.Random(seed)
    texts, labels, groups = [], [], []
    for role, items in rows.items():
        rng.shuffle(items)
        for sent, group in items[:per_class]:
            texts.append(sent)
            labels.append(role)
            groups.append(group)
    for i, line in enumerate(NOISE):
        texts.append(line)
        labels.append("noise")
        groups.append(f"noise-{i % 5}")
    return texts, labels, groups


def train(out: Path, per_class: int = 1500, c: float = 2.0, seed: int = 0) -> dict:
    """Fit, evaluate on held-out dev companies, refit on all dev data, save."""
    from sklearn.linear_model import LogisticRegression
    from sklearn.metrics import classification_report
    from sklearn.model_selection import GroupShuffleSplit

    from ..embeddings import encode

    texts, labels, groups = collect(per_class, seed)
    x = encode(texts)
    y = np.array(labels)
    split = GroupShuffleSplit(n_splits=1, test_size=0.2, random_state=seed)
    train_idx, test_idx = next(split.split(x, y, groups))
    clf = LogisticRegression(C=c, max_iter=2000, class_weight="balanced")
    clf.fit(x[train_idx], y[train_idx])
    report = classification_report(
        y[test_idx], clf.predict(x[test_idx]), output_dict=True, zero_division=0
    )
    clf.fit(x, y)
    out.mkdir(parents=True, exist_ok=True)
    np.savez(
        out / "head.npz",
        coef=clf.coef_.astype(np.float32),
        intercept=clf.intercept_.astype(np.float32),
    )
    meta = {
        "labels": [str(lab) for lab in clf.classes_],
        "encoder": "all-MiniLM-L6-v2 (postmortem_assist.embeddings.encode)",
        "training": {
            "split": "dev",
            "per_class_cap": per_class,
            "C": c,
            "seed": seed,
            "counts": dict(Counter(labels)),
        },
        "heldout_dev_companies": {
            "accuracy": round(float(report["accuracy"]), 3),
            "macro_f1": round(float(report["macro avg"]["f1-score"]), 3),
            "per_class_f1": {
                k: round(float(v["f1-score"]), 3)
                for k, v in report.items()
                if isinstance(v, dict) and k in ROLES
            },
        },
    }
    (out / "head.json").write_text(json.dumps(meta, indent=2) + "\n", encoding="utf-8")
    return meta


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument("--out", type=Path, default=MODEL_DIR)
    parser.add_argument("--per-class", type=int, default=1500)
    parser.add_argument("-C", type=float, default=2.0)
    args = parser.parse_args()
    meta = train(args.out, args.per_class, args.C)
    print(json.dumps(meta, indent=2))


if __name__ == "__main__":
    main()
