"""Matching speed on the whole UPR record: the 2018 OHCHR matrix plus every row of the UPR Info export.

    .venv/bin/python bench/match_speed.py

Reports index build time, the memory the index takes, p50/p95 time to match one sentence window, and,
as the baseline, a naive rapidfuzz.process.extract full scan of the same corpus per window.
"""

from __future__ import annotations

import json
import statistics
import sys
import time
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent))
from machine import describe
from rapidfuzz import fuzz, process, utils
from uprwatch.matching.corpus_loader import load_corpus
from uprwatch.matching.matcher import Matcher, windows

ROOT = Path(__file__).resolve().parent.parent
SHARED = ROOT.parent / "shared"
BASELINE_QUERIES = {"token_sort_ratio": 30, "partial_ratio": 5}  # a full scan is slow: sample a few windows


def rss_mb() -> float:
    """Current resident set size of this process."""
    for line in Path("/proc/self/status").read_text().splitlines():
        if line.startswith("VmRSS:"):
            return int(line.split()[1]) / 1024
    return 0.0


def percentile(values: list[float], q: float) -> float:
    ordered = sorted(values)
    return ordered[min(len(ordered) - 1, int(len(ordered) * q))]


def main() -> None:
    files = [
        SHARED / "data/upr/ohchr-matrix/china-cycle3-2018.docx",
        *sorted((SHARED / "data/upr/upr-info-export").glob("sessions-*-*.csv")),
    ]
    t0 = time.perf_counter()
    corpus = load_corpus(files)
    load_s = time.perf_counter() - t0
    before = rss_mb()
    matcher = Matcher(corpus.items)
    index_mb = rss_mb() - before
    statements = [
        json.loads(line)["text"]
        for path in (SHARED / "eval/dev-statements.jsonl", ROOT / "bench/data/hard-statements.jsonl")
        for line in path.read_text().splitlines()
        if line.strip()
    ]
    queries = [w.text for s in statements for w in windows(s)]
    matcher.query_ms.clear()
    for _ in range(5):
        for q in queries:
            matcher.match_text(q)
    ms = matcher.query_ms
    print(f"machine: {describe()}")
    print(f"corpus: {len(corpus.items)} items from {len(files)} files (loaded in {load_s:.1f} s)")
    print(
        f"index build: {matcher.build_seconds:.1f} s; index memory: {index_mb:.0f} MB (RSS growth); "
        f"process RSS {rss_mb():.0f} MB"
    )
    print(f"windows: {len(ms)} searches ({len(queries)} distinct windows x5)")
    p50, p95 = percentile(ms, 0.5), percentile(ms, 0.95)
    print(f"uprwatch index: p50 {p50:.2f} ms, p95 {p95:.2f} ms, max {max(ms):.2f} ms")
    choices = [i.text for i in corpus.items]  # what a naive scan sees: the raw texts
    for name, count in BASELINE_QUERIES.items():
        scorer = getattr(fuzz, name)
        times = []
        for q in queries[:count]:
            started = time.perf_counter()
            process.extract(q, choices, scorer=scorer, processor=utils.default_process, limit=5)
            times.append((time.perf_counter() - started) * 1000)
        mean = statistics.mean(times)
        print(
            f"baseline full scan, {name}: mean {mean:.0f} ms over {count} windows; "
            f"index p50 is {mean / p50:.0f}x faster"
        )


if __name__ == "__main__":
    main()
