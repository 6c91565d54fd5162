"""``assist eval``: measure review, summarize and classify against gold sets, the shared
corpus and simple baselines; report Markdown, JSON and PNG plots; compare two runs.

Entry point: :func:`postmortem_assist.evaluate.run.run_eval`.
"""
