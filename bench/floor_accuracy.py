"""Floor-tracking accuracy on scripted sessions, as text and as synthesised speech through `uprwatch replay`.

    .venv/bin/python bench/floor_accuracy.py            # text
    .venv/bin/python bench/floor_accuracy.py --audio    # also espeak-ng audio (needs espeak-ng)

Scripts: ../shared/eval/dev-session-script.jsonl and bench/data/hard-session-script.jsonl (misheard
announcement, a chair naming two States, a delegation that never says its name, a terse chair, a
State quoted inside another's statement). Each runs with and without the `[floor] speakers` list.
Reported: the share of delegation and State-under-review utterances attributed to the right State, and
the share of turns whose start is within 2 s of the truth.

Then, as text, the sessions of `bench/data/floor/` (written independently of the tracker; their first line names
the State under review and the published speakers list), in the splits of `FLOOR_SETS` (dev, test, and the fresh
split written after the rules it measures): per statement of a delegation or the State under review, right / wrong
State (and how many of those were sent as sure) / "Unidentified", beside the naive baseline "the last State name
heard before the statement speaks". Misses are printed for dev only.
"""

from __future__ import annotations

import argparse
import json
import random
import shutil
import subprocess
import sys
import tempfile
import wave
from pathlib import Path

import numpy as np

sys.path.insert(0, str(Path(__file__).resolve().parent))
from machine import describe
from uprwatch.matching.floor_tracker import UNIDENTIFIED, FloorTracker
from uprwatch.matching.gazetteer import gazetteer

ROOT = Path(__file__).resolve().parent.parent
SCRIPTS = {
    "dev": ROOT.parent / "shared" / "eval" / "dev-session-script.jsonl",
    "hard": ROOT / "bench" / "data" / "hard-session-script.jsonl",
}
MATRIX = ROOT.parent / "shared" / "data" / "upr" / "ohchr-matrix" / "china-cycle3-2018.docx"
VOICES = ["en-gb-x-rp", "en-us", "en-gb", "en-gb-scotland", "en-029", "en-us+m3", "en+f3", "en-gb-x-gbcwmd", "en+m5"]
RATE = 16_000


def load(path: Path) -> list[dict]:
    return [json.loads(line) for line in path.read_text().splitlines() if line.strip()]


def display(name: str) -> str:
    return "Chair" if name == "President" else (gazetteer().exact(name) or gazetteer().lookup(name)).display


def listed(script: list[dict]) -> list[str]:
    return list(dict.fromkeys(line["speaker"] for line in script if line["role"] == "delegation"))


def score(truth: list[dict], utterances: list[dict], turns: list[dict]) -> tuple[float, float, list[str]]:
    """Attribution share over non-chair utterances (by midpoint) and turn-start share within 2 s."""

    def truth_at(t: float) -> dict:
        return min(
            truth,
            key=lambda line: (
                0 if line["start"] <= t <= line["end"] else min(abs(t - line["start"]), abs(t - line["end"]))
            ),
        )

    right = total = 0
    misses = []
    for u in utterances:
        line = truth_at((u["start"] + u["end"]) / 2)
        if line["role"] == "chair":
            continue
        total += 1
        if u["speaker"] == display(line["speaker"]):
            right += 1
        else:
            misses.append(f"{u['start']:.1f}s {display(line['speaker'])} heard as {u['speaker']}: {u['text'][:60]!r}")
    starts = [
        line for i, line in enumerate(truth) if i == 0 or display(truth[i - 1]["speaker"]) != display(line["speaker"])
    ]
    on_time = sum(
        any(t["speaker"] == display(line["speaker"]) and abs(t["start"] - line["start"]) <= 2 for t in turns)
        for line in starts
    )
    for line in starts:
        if not any(t["speaker"] == display(line["speaker"]) and abs(t["start"] - line["start"]) <= 2 for t in turns):
            misses.append(f"turn of {display(line['speaker'])} at {line['start']:.1f}s not found within 2 s")
    return right / max(total, 1), on_time / max(len(starts), 1), misses


def run_text(script: list[dict], speakers: list[str] | None) -> tuple[float, float, list[str]]:
    tracker = FloorTracker("China", speakers)
    truth, utterances, turns = [], [], []
    for i, line in enumerate(script):
        truth.append({**line, "start": float(i), "end": float(i) + 0.99})
        for part in tracker.attribute(line["text"], float(i), float(i) + 0.99):
            utterances.append({"speaker": part.speaker, "start": part.start, "end": part.end, "text": part.text})
            if part.new_turn:
                turns.append({"speaker": part.new_turn.speaker, "start": part.new_turn.start})
    return score(truth, utterances, turns)


def synthesise(script: list[dict], folder: Path, seed: int) -> tuple[Path, list[dict]]:
    """One voice per speaker, 0.5–1.5 s pauses between statements; returns the WAV and the true timeline."""
    rng = random.Random(seed)
    voice_of: dict[str, str] = {}
    pieces = [np.zeros(RATE, dtype=np.int16)]
    at = 1.0
    truth = []
    for n, line in enumerate(script):
        voice = voice_of.setdefault(line["speaker"], VOICES[len(voice_of) % len(VOICES)])
        raw = folder / f"{n}.wav"
        subprocess.run(["espeak-ng", "-v", voice, "-s", "150", "-w", str(raw), line["text"]], check=True)
        with wave.open(str(raw)) as w:
            pcm = np.frombuffer(w.readframes(w.getnframes()), dtype=np.int16)
            rate = w.getframerate()
        voiced = np.flatnonzero(np.abs(pcm) > 300)
        pcm = pcm[voiced[0] : voiced[-1] + 1]
        pcm = np.interp(np.arange(0, len(pcm), rate / RATE), np.arange(len(pcm)), pcm).astype(np.int16)
        truth.append({**line, "start": round(at, 2), "end": round(at + len(pcm) / RATE, 2)})
        pause = rng.uniform(0.5, 1.5)
        pieces += [pcm, np.zeros(int(pause * RATE), dtype=np.int16)]
        at += len(pcm) / RATE + pause
    out = folder / "session.wav"
    with wave.open(str(out), "w") as w:
        w.setnchannels(1)
        w.setsampwidth(2)
        w.setframerate(RATE)
        w.writeframes(np.concatenate(pieces).tobytes())
    return out, truth


def run_audio(script: list[dict], speakers: list[str] | None, audio: Path, truth: list[dict], folder: Path, model: str):
    session = folder / f"session-{bool(speakers)}.toml"
    floor = f"[floor]\nspeakers = {json.dumps(speakers)}\n" if speakers else ""
    session.write_text(
        f'[session]\nid = "floor-bench"\nstate_under_review = "China"\nsource = "{audio}"\n'
        f'[corpus]\nrecommendations = ["{MATRIX}"]\n{floor}[transcription]\nmodel = "{model}"\n'
    )
    events = folder / f"events-{bool(speakers)}.jsonl"
    exe = Path(sys.executable).parent / "uprwatch"
    subprocess.run(
        [
            str(exe),
            "replay",
            "--session",
            str(session),
            "--events",
            str(events),
            "--db",
            f"sqlite:///{folder / 'db.sqlite'}",
            "--quiet",
        ],
        check=True,
        capture_output=True,
    )
    rows = load(events)
    return score(truth, [e for e in rows if e["type"] == "utterance"], [e for e in rows if e["type"] == "turn"])


FLOOR_SETS = {
    "dev": (
        *("session-1", "session-2", "session-5", "session-9", "session-10", "session-11", "session-12"),
        # written 2026-11-25 without the tracker; measured once as held out (docs/benchmarks.md), then tuned on
        *("session-13", "session-14", "session-15", "session-16"),
        *("session-17", "session-18"),  # likewise, later the same day
        *("session-19", "session-20"),  # likewise, after the rules sessions 17–18 led to
        *("session-21", "session-22"),  # likewise, after the second read's mends
        *("session-25", "session-26"),  # likewise, after the rules sessions 21–22 led to
        *("session-29", "session-30"),  # likewise, after the rules sessions 25–26 led to
        *("session-31", "session-32"),  # likewise, after the rules sessions 29–30 led to
        *("session-35", "session-36"),  # likewise, 2026-11-26, written to depart from the speakers list
        *("session-37", "session-38"),  # likewise, after the rules sessions 35–36 led to
    ),
    "test": ("session-3", "session-4", "session-6"),
    # written after the rules of 2026-11-25 were made, by someone who never read the tracker: measured, never tuned on
    "fresh": (
        *("session-7", "session-8", "session-23", "session-24", "session-27", "session-28"),
        *("session-33", "session-34"),  # written after the rules sessions 31–32 led to
    ),
}
FLOOR_DIR = ROOT / "bench" / "data" / "floor"


def load_floor_session(path: Path) -> tuple[dict, list[dict]]:
    """The meta line (state_under_review, speakers_list) and the scripted lines."""
    rows = load(path)
    return rows[0], [r for r in rows if not r.get("meta")]


def floor_counts(meta: dict, lines: list[dict], with_list: bool) -> tuple[int, int, int, int, list[str]]:
    """Right, wrong State, wrong State sent as sure (not marked unconfirmed), unidentified over the statements
    of delegations and the State under review."""
    tracker = FloorTracker(meta["state_under_review"], meta["speakers_list"] if with_list else None)
    right = wrong = sure_wrong = unidentified = 0
    misses = []
    for i, line in enumerate(lines):
        parts = tracker.attribute(line["text"], float(i), float(i) + 0.99)
        if line["role"] == "chair":
            continue
        said: dict[str, int] = {}
        for part in parts:  # the speaker credited with most of the statement
            said[part.speaker] = said.get(part.speaker, 0) + len(part.text)
        got, truth = max(said, key=said.__getitem__), display(line["speaker"])
        if got == truth:
            right += 1
        elif got == UNIDENTIFIED:
            unidentified += 1
        else:
            wrong += 1
            sure = all(part.confirmed for part in parts if part.speaker == got)
            sure_wrong += sure
            misses.append(f"{truth} credited to {got}{'' if sure else ' (unconfirmed)'}: {line['text'][:70]!r}")
    return right, wrong, sure_wrong, unidentified, misses


def last_name_heard(meta: dict, lines: list[dict]) -> tuple[int, int]:
    """Naive baseline: a statement is credited to the last State named before it (right, wrong)."""
    right = wrong = 0
    last: str | None = None
    for line in lines:
        if line["role"] != "chair":
            if last == display(line["speaker"]):
                right += 1
            else:
                wrong += 1
        words = line["text"].split()
        for start in range(len(words)):
            state = gazetteer().find_in(" ".join(words[start : start + 6]), max_words=6)
            if state is not None:
                last = state.display
    return right, wrong


def floor_sets() -> None:
    """Right / wrong / unidentified on the dev and test sessions, with and without the list, and the baseline."""
    for split, names in FLOOR_SETS.items():
        sessions = [load_floor_session(FLOOR_DIR / f"{n}.jsonl") for n in names]
        base_right = base_total = 0
        for meta, lines in sessions:
            r, w = last_name_heard(meta, lines)
            base_right, base_total = base_right + r, base_total + r + w
        print(f"{split:<5} naive (last State name heard): right {base_right / base_total:.1%} of {base_total}")
        for with_list in (False, True):
            right = wrong = sure_wrong = unidentified = 0
            misses: list[str] = []
            for meta, lines in sessions:
                r, w, sw, u, m = floor_counts(meta, lines, with_list)
                right, wrong, unidentified, misses = right + r, wrong + w, unidentified + u, misses + m
                sure_wrong += sw
            total = right + wrong + unidentified
            label = "with list   " if with_list else "without list"
            print(
                f"{split:<5} {label}: right {right / total:.1%}, wrong State {wrong / total:.1%} ({wrong}; "
                f"{sure_wrong} of them not marked unconfirmed), unidentified {unidentified / total:.1%} "
                f"({unidentified}) of {total}"
            )
            if split == "dev":  # misses are shown for dev only: test is for measuring, not for reading
                for miss in misses:
                    print(f"      {miss}")


def main() -> int:
    parser = argparse.ArgumentParser()
    parser.add_argument("--audio", action="store_true")
    parser.add_argument("--model", default="embedded:base")
    args = parser.parse_args()
    print(f"machine: {describe()}")
    if args.audio and not shutil.which("espeak-ng"):
        print("error: --audio needs espeak-ng (Debian: apt-get install espeak-ng)", file=sys.stderr)
        return 2
    for name, path in SCRIPTS.items():
        script = load(path)
        for with_list in (False, True):
            speakers = listed(script) if with_list else None
            label = f"{name:<5} {'with list   ' if with_list else 'without list'}"
            attribution, starts, misses = run_text(script, speakers)
            print(f"text  {label}: utterances right {attribution:.1%}, turn starts within 2 s {starts:.1%}")
            for miss in misses:
                print(f"      {miss}")
        if args.audio:
            with tempfile.TemporaryDirectory() as tmp:
                audio, truth = synthesise(script, Path(tmp), seed=len(script))
                for with_list in (False, True):
                    speakers = listed(script) if with_list else None
                    label = f"{name:<5} {'with list   ' if with_list else 'without list'}"
                    attribution, starts, misses = run_audio(script, speakers, audio, truth, Path(tmp), args.model)
                    print(f"audio {label}: utterances right {attribution:.1%}, turn starts within 2 s {starts:.1%}")
                    for miss in misses:
                        print(f"      {miss}")
    floor_sets()
    return 0


if __name__ == "__main__":
    sys.exit(main())
