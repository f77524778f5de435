"""State names heard right, with and without biasing the decoder towards the session's vocabulary.

    .venv/bin/python bench/name_bias.py [--model embedded:base] [--states 48]   # needs espeak-ng

Sentences of the two kinds that name a State in a review — the chair's hand-over and a delegation's opening —
are written from two fixed templates for a spread of Member States (every fourth State of the UN list, so the
sample is not chosen by how well a name is heard), spoken by three espeak-ng voices, and transcribed one by one
by the session's Whisper model: plain, and with faster-whisper's `hotwords` holding the speakers list (the first
half of the sample; the second half are States missing from the list). A sentence counts as right when the State
is found by spelling in the transcript, wrong when another State is found instead (the State under review aside).
"""

from __future__ import annotations

import argparse
import shutil
import subprocess
import sys
import tempfile
import time
from pathlib import Path

import numpy as np

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(Path(__file__).resolve().parent))
from machine import describe  # noqa: E402
from uprwatch.matching.gazetteer import gazetteer  # noqa: E402
from uprwatch.transcribe.file_source import decode_file  # noqa: E402
from uprwatch.transcribe.whisper_engine import WhisperEngine  # noqa: E402

SUR = "Peru"
TEMPLATES = ("I now give the floor to {name}.", "Thank you, Madam President. {name} welcomes the delegation.")
VOICES = ("en-gb", "en-us", "en-gb-scotland")


def speak(text: str, voice: str, folder: Path, n: int) -> Path:
    path = folder / f"{n}.wav"
    subprocess.run(["espeak-ng", "-v", voice, "-s", "155", "-w", str(path), text], check=True)
    return path


def verdict(text: str, state_display: str) -> str:
    found = [s.display for s in gazetteer().states_in(text, sound_words=0) if s.display != SUR]
    if state_display in found:
        return "right"
    return "wrong" if found else "missed"


def main() -> int:
    parser = argparse.ArgumentParser()
    parser.add_argument("--model", default="embedded:base")
    parser.add_argument("--states", type=int, default=48)
    args = parser.parse_args()
    if not shutil.which("espeak-ng"):
        print("error: this bench needs espeak-ng (Debian: apt-get install espeak-ng)", file=sys.stderr)
        return 2
    print(f"machine: {describe()}")
    members = [s for s in gazetteer().states if s.display != SUR][::4][: args.states]
    listed, unlisted = members[: len(members) // 2], members[len(members) // 2 :]
    hotwords = f"Review of {SUR}. Speakers: " + ", ".join(s.display for s in listed) + "."
    engines = {
        "plain": WhisperEngine(args.model),
        "hotwords": WhisperEngine(args.model, hotwords=hotwords),
    }
    with tempfile.TemporaryDirectory() as tmp:
        clips = []
        for i, state in enumerate(members):
            for j, template in enumerate(TEMPLATES):
                voice = VOICES[(i + j) % len(VOICES)]
                path = speak(template.format(name=state.display), voice, Path(tmp), len(clips))
                samples = np.concatenate([chunk.samples for chunk in decode_file(path)])
                clips.append((state, state in listed, samples))
        print(f"{len(clips)} sentences, {len(listed)} listed States and {len(unlisted)} not listed, model {args.model}")
        for name, engine in engines.items():
            counts = {(on_list, v): 0 for on_list in (True, False) for v in ("right", "wrong", "missed")}
            began = time.perf_counter()
            for state, on_list, samples in clips:
                text, _, _ = engine.transcribe_samples(samples)
                counts[(on_list, verdict(text, state.display))] += 1
            per_clip = (time.perf_counter() - began) / len(clips)
            for on_list, label in ((True, "listed"), (False, "not listed")):
                total = sum(counts[(on_list, v)] for v in ("right", "wrong", "missed"))
                print(
                    f"{name:<9} {label:<10}: right {counts[(on_list, 'right')] / total:6.1%}, "
                    f"wrong State {counts[(on_list, 'wrong')] / total:5.1%}, "
                    f"no State {counts[(on_list, 'missed')] / total:5.1%} of {total}"
                )
            print(f"{name:<9} {per_clip * 1000:.0f} ms per sentence")
    return 0


if __name__ == "__main__":
    sys.exit(main())
