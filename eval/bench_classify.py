"""Benchmark: classify N summaries in one batch with models already loaded.

    .venv/bin/python eval/bench_classify.py [--n 500] [--repeat 3]

Uses the texts of ``summaries.jsonl`` (all splits, file order; cycled if N is larger).
Prints wall time per run and texts per second. Target: 500 summaries < 10 s on 2 cores.
"""

from __future__ import annotations

import argparse
import itertools
import os
import sys
import time

from postmortem_assist import corpus
from postmortem_assist.classify import classify, classify_batch


def main() -> int:
    ap = argparse.ArgumentParser()
    ap.add_argument("--n", type=int, default=500)
    ap.add_argument("--repeat", type=int, default=3)
    args = ap.parse_args()
    texts = [r.text for r in corpus.iter_records("summaries")]
    if not texts:
        print("corpus not found (set ASSIST_CORPUS)", file=sys.stderr)
        return 2
    texts = list(itertools.islice(itertools.cycle(texts), args.n))
    t0 = time.perf_counter()
    classify("Warm-up: the configuration change broke the load balancer.")
    print(f"model + encoder load: {time.perf_counter() - t0:.2f} s")
    from postmortem_assist import embeddings

    runtime = "onnx" if any(embeddings._ORT.values()) else "numpy/torch"
    print(f"cpus: {os.cpu_count()}, encoder runtime: {runtime}")
    times, cpu = [], []
    for _ in range(args.repeat):
        t0, c0 = time.perf_counter(), time.process_time()
        out = classify_batch(texts)
        times.append(time.perf_counter() - t0)
        cpu.append(time.process_time() - c0)
        assert len(out) == len(texts)
    best, worst = min(times), max(times)
    print(
        f"{len(texts)} summaries: wall best {best:.2f} s, worst {worst:.2f} s "
        f"({len(texts) / best:.0f} texts/s); process CPU time best {min(cpu):.2f} s"
    )
    print(f"load average during run: {os.getloadavg()}")
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
