"""MODEL_CARD.md text of ``models/line-roles`` (counts, method, grouped-CV scores, rebuild)."""

from __future__ import annotations

from typing import Any


def _order(meta: dict[str, Any], i: int) -> str:
    order = meta.get("order")
    return str(order[i]) if isinstance(order, list) and len(order) == 2 else "?"


def _by_company(meta: dict[str, Any]) -> str:
    rows = meta.get("cv", {}).get("recovery_by_company", {})
    return "; ".join(
        f"{name}: " + ", ".join(f"{g} {v}" for g, v in per.items()) for name, per in rows.items()
    )


def _top(meta: dict[str, Any]) -> str:
    """The fine-tuned top layer's paragraph (empty when the model has none: ``--mix 0``)."""
    if not meta.get("mix"):
        return ""
    top = meta.get("top", {})
    return f"""
- Fine-tuned top layer (ninth session, `summarize/top_layer.py`): a copy of MiniLM's last (sixth)
  layer and a linear role head over the masked mean of its token states, trained with
  torch on the token states the five lower layers give each line (those stay as shipped):
  AdamW, learning rate {top.get("learning_rate", "")}, {top.get("epochs", "")} epochs, batches of
  16, dropout 0.1, the same class weights, seed 0. Its log probabilities are
  mixed with the logistic-regression head's, weight {meta["mix"]} (a weighted geometric
  mean, renormalised); lines summarize leaves unencoded keep the LR head alone. At run time
  `embeddings.encode_tuned` runs the tuned layer in NumPy beside the original last layer, from
  the same lower layers: one more layer per line, no torch import. The CV below trains one top
  layer per outer fold; the inner folds that pick thresholds use the LR head alone (five more
  trainings per fold would take about 40 minutes). Line-level grouped CV while choosing
  (weights and epochs picked on these same outer folds, so slightly optimistic): the LR head
  alone 0.480 accuracy / 0.330 macro-F1 at transition weight 0, the tuned head alone 0.453 /
  0.289 (4 epochs), mixed 0.5 with 4 epochs 0.527 / 0.352, with 8 epochs 0.539 / 0.385;
  fine-tuning all six layers (90 MB, not shipped) and mixing gave 0.540 / 0.386."""


def card(meta: dict[str, Any], scores: str) -> str:
    """The model card: data counts per role, method, the CV table and the rebuild command."""
    train = meta["train"]
    counts = "\n".join(f"| {role} | {n} |" for role, n in train["per_role"].items())
    groups = ", ".join(train["groups"])
    return f"""# line-roles: what each line of an incident timeline reports

Twelve roles (guide: `../shared/corpus/timeline-roles-guide.md`): trigger, impact-start,
detection, communication, investigation, misleading, cause-found, mitigation, recovery,
resolution, followup, other. Used by `assist summarize` to derive the key facts (start,
detection, mitigated, resolved, cause, misleading paths, resolution steps) and the finer
`role` of each timeline event.

## Method
{meta["method"]}.

- Emission head: multinomial logistic regression (scikit-learn, lbfgs, C={meta["C"]}, class
  weights (largest count / count) ** {meta["class_power"]}), {meta["n_features"]} features: the
  line's all-MiniLM-L6-v2 embedding (through `postmortem_assist.embeddings`), the line's and its
  neighbours' cosine to short role descriptions written for this project
  (`line_roles.PROTOTYPES`), today's cue patterns (`summarize/cues.py`) as binary features for
  the line and its neighbours, its relative position, a time or date on the line.{_top(meta)}
- Sequence step: transition log-scores between roles (add-one smoothed counts over the dev
  timelines, row 0 = start) and a Viterbi decode, transition weight {meta.get("weight", "")}.
- Key lines (`line_roles.pick_keys`): forward-backward posteriors over the same scores; start =
  the first line whose P(impact-start) reaches the impact threshold
  ({meta.get("impact_threshold", "")}; None: no such pass), and when no line does, the first
  line whose P(impact-start) + P(trigger) reaches the start threshold
  ({meta.get("start_threshold", "")}); both picked together on the out-of-fold posteriors of all
  dev (in the CV below each fold's pair is picked by an inner grouped CV on its training folds
  only).
  Detection, recovery and resolution are chosen together, in line order: the sum of the log
  probabilities that the line is the first detection line, the first recovery line and a
  resolution line (or the last recovery line when there is none; lines taken as independent)
  is maximised by a small chain Viterbi, with a penalty of {_order(meta, 0)} when detection comes
  before the start line, {_order(meta, 1)} when recovery is not after detection, and recovery
  never after resolution (on the same line only as "the last recovery line, no resolution
  line"); penalties picked like the threshold. A line whose recovery posterior reaches
  `line_roles.RECOVERY_SURE` (0.5, set on the outer dev CV below, not on inner folds) is the
  recovery line. Before: each of the three was the line where its posterior peaks, so recovery
  and resolution often fell on the same line.
- Deterministic: no sampling; lbfgs from zeros.

## Files
- `model.npz`: `coef` (12 x {meta["n_features"]}), `intercept`, `trans` (13 x 12), `log_prior`,
  `protos` (prototype embeddings), `owner` (role of each prototype); float32/int64; `top_*`: the
  tuned last layer and head (float16, about 1.8 M numbers); loaded with `allow_pickle=False`.
- `model.json`: role order, settings, training counts and the CV scores below.
No corpus text is stored: only weights, counts and scores.

## Data
Dev split only: `timeline_roles.jsonl` lines of {train["documents"]} dev postmortems,
{train["lines"]} lines, companies: {groups}.

| role | dev lines |
|---|---|
{counts}

## Grouped 5-fold cross-validation on dev (folds by company), all systems in the same run
"line-role model (lines)": the model on the labelled lines, key facts = the first line of
each role on the Viterbi path. "model, peak keys (before)" and "model, ordered keys": the
same fold models, key facts from `pick_keys` with the posterior peaks (the method before) and
with the ordered choice; cause = the two lines with the highest cause-found posterior,
misleading = P(misleading) over a threshold picked for line F1 on inner folds ("flagged" =
lines it marks). "summarize, peak keys (before)" and "summarize with the model": `assist
summarize` on the timeline text as notes with the fold's model, key lines from the peaks or
the ordered choice on the lines that carry a time (the cue finders answer first; the roles fill
what they leave open). "today's cues" is
`assist summarize` without the roles (cue patterns in `summarize/timeline.py`, the
sentence-role head for the cause); its events are mapped to roles (key lines to their role,
event types to the nearest role). Key facts use the issue-#9 definitions
(`line_roles.key_lines`); each share is over the documents whose gold timeline has the fact.

{scores}
## Rebuild
    make model        # or: python -m postmortem_assist.summarize.train_line_roles
    python -m postmortem_assist.evaluate.line_roles_eval --out eval/out/line-roles.json

## Limits
- 105 dev timelines from few companies (dfds, uk-moj, project-jupyter, yearn-finance carry
  almost all lines), so every fold is a new writing style; the scores are for unseen styles.
- Trained on published timelines, not chat; on chat notes summarize keeps its cue finders as
  the fallback for any fact the roles do not give, and answers start, detection and mitigated
  with the cues first (roles-first for every key lost gold-note facts at any posterior: on
  chat notes "mitigated" is the fix applied, not the first recovery line).
- Almost all of the recovery gain of the ordered keys is on the uk-moj timelines, nearly all
  four-line status histories (detection, update, recovery, resolution) where the peaks put
  recovery on the resolution line. Recovery lines right per company: {_by_company(meta)}.
- Summarize keeps its cue finders first for every key time: letting confident role keys
  (posterior >= 0.3-0.5) answer first gained 2-6 documents per key on this CV but lost gold
  and dev note-set facts (chat "mitigated" is the fix applied), so the roles only fill gaps.
- Misleading lines are not separable: the P(misleading) threshold with the best inner-fold
  line F1 finds most of them only by flagging a third of all lines, so summarize does not use
  it. Its misleading paths are the cue finder's (ruled-out hypotheses, fixes with no effect
  and failed attempts, paths a line rules out itself: `timeline.no_effect`) plus the Viterbi
  `misleading` lines that a cue backs (`timeline.cue_backed`; the role alone added 26 lines
  on this CV, 25 of them wrong).
- In the summarize columns a cause or misleading quote counts on every line its sentence is
  wrapped over (`Message.last_line`), as the gold labels may sit on any of them.
"""
