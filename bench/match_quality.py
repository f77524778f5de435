"""Precision and recall of the matcher on labelled statements, as text and as synthesised speech.

    .venv/bin/python bench/match_quality.py            # text
    .venv/bin/python bench/match_quality.py --audio    # also espeak-ng → Whisper → matcher (needs espeak-ng)

Sets: ../shared/eval/dev-statements.jsonl and bench/data/hard-statements.jsonl, both labelled against
the 2018 OHCHR matrix for China. A match is correct when its id is in one of the statement's accept
sets; each target counts once (the scoring of ../shared/eval/score.py).
"""

from __future__ import annotations

import argparse
import asyncio
import importlib.util
import json
import shutil
import subprocess
import sys
import tempfile
import time
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent))
from machine import describe
from uprwatch.config.defaults import DEFAULT_MIN_SCORE
from uprwatch.matching.gazetteer import gazetteer
from uprwatch.matching.matcher import Matcher, windows
from uprwatch.matching.ohchr_matrix import load_ohchr_matrix
from uprwatch.transcribe.file_source import FileSource
from uprwatch.transcribe.pipeline import transcribe_source
from uprwatch.transcribe.whisper_engine import WhisperEngine

ROOT = Path(__file__).resolve().parent.parent
EVAL = ROOT.parent / "shared" / "eval"
MATRIX = ROOT.parent / "shared" / "data" / "upr" / "ohchr-matrix" / "china-cycle3-2018.docx"
SETS = {"dev": EVAL / "dev-statements.jsonl", "hard": ROOT / "bench" / "data" / "hard-statements.jsonl"}
VOICES = ["en-us", "en-gb", "en-gb-x-rp", "en-gb-scotland", "en-029", "en-us+m3", "en+f3", "en-gb-x-gbcwmd"]

spec = importlib.util.spec_from_file_location("score", EVAL / "score.py")
assert spec and spec.loader
score_module = importlib.util.module_from_spec(spec)
spec.loader.exec_module(score_module)


def load(path: Path) -> list[dict]:
    return [json.loads(line) for line in path.read_text().splitlines() if line.strip()]


def predict(matcher: Matcher, pieces: list[str]) -> list[str]:
    """Match a statement given as utterances, carrying the last sentence across cuts like the runner does."""
    ids: list[str] = []
    carry = ""
    for text in pieces:
        for m in matcher.match_text(text, carry=carry):
            if m.ref not in ids and not set(m.group) & set(ids):
                ids.append(m.ref)
        pieces = windows(text)
        carry = pieces[-1].text if pieces else ""
    return ids


def report(name: str, items: list[dict], predicted: dict[str, list[str]]) -> dict:
    p, r, tp, fp, fn, misses = score_module.score(items, predicted)
    print(f"  {name:<10} precision {p:.3f}  recall {r:.3f}  (tp {tp}, fp {fp}, fn {fn})")
    for miss in misses:
        print(f"      {miss}")
    return {"precision": p, "recall": r}


def speak(text: str, voice: str, out: Path) -> None:
    subprocess.run(["espeak-ng", "-v", voice, "-s", "150", "-w", str(out), text], check=True)


async def transcribe_all(engine: WhisperEngine, paths: list[Path]) -> list[list[str]]:
    results = []
    for path in paths:
        results.append([u.text async for u in transcribe_source(FileSource(path), engine)])
    return results


def main() -> int:
    parser = argparse.ArgumentParser()
    parser.add_argument("--audio", action="store_true", help="also measure through espeak-ng and Whisper")
    parser.add_argument("--model", default="embedded:base")
    args = parser.parse_args()
    print(f"machine: {describe()}")
    matcher = Matcher(load_ohchr_matrix(MATRIX).items, DEFAULT_MIN_SCORE)
    print(f"corpus: {MATRIX.name}, {len(matcher.items)} items; threshold {DEFAULT_MIN_SCORE:g}")
    sets = {name: load(path) for name, path in SETS.items()}
    print("text:")
    for name, items in sets.items():
        report(name, items, {it["id"]: predict(matcher, [it["text"]]) for it in items})
    print("threshold sweep (text, dev+hard):")
    both = [it for items in sets.values() for it in items]
    for threshold in (65, 70, 75, 80, 85):
        matcher.min_score = threshold
        p, r, *_ = score_module.score(both, {it["id"]: predict(matcher, [it["text"]]) for it in both})
        print(f"  {threshold}: precision {p:.3f} recall {r:.3f}")
    matcher.min_score = DEFAULT_MIN_SCORE
    if not args.audio:
        return 0
    if not shutil.which("espeak-ng"):
        print("error: --audio needs espeak-ng (Debian: apt-get install espeak-ng)", file=sys.stderr)
        return 2
    engine = WhisperEngine(args.model, "en")
    print(f"audio ({args.model}, int8, espeak-ng voices rotated):")
    with tempfile.TemporaryDirectory() as tmp:
        for name, items in sets.items():
            paths = []
            for n, it in enumerate(items):
                path = Path(tmp) / f"{name}-{it['id']}.wav"
                speak(it["text"], VOICES[n % len(VOICES)], path)
                paths.append(path)
            started = time.perf_counter()
            heard = asyncio.run(transcribe_all(engine, paths))
            elapsed = time.perf_counter() - started
            report(name, items, {it["id"]: predict(matcher, pieces) for it, pieces in zip(items, heard, strict=True)})
            print(f"      ({len(items)} statements transcribed in {elapsed:.1f} s)")
    return 0


if __name__ == "__main__":
    gazetteer()
    sys.exit(main())
