"""Synthesise the demo session (config/samples/demo-script.jsonl) into demo-session.ogg with espeak-ng.

Needs espeak-ng (Debian: apt-get install espeak-ng); the project itself does not. Each turn is spoken by
its own voice, turns are separated by 0.8–1.5 s of silence, and the true timeline is written beside the
audio (demo-timeline.jsonl) so that floor-tracking accuracy can be measured against it.

    .venv/bin/python scripts/make_demo_audio.py
"""

from __future__ import annotations

import json
import random
import subprocess
import sys
import tempfile
import wave
from pathlib import Path

import av
import numpy as np

RATE = 16_000
WORDS_PER_MINUTE = 145
SAMPLES = Path(__file__).resolve().parent.parent / "config" / "samples"


def speak(text: str, voice: str) -> np.ndarray:
    """espeak-ng to a WAV file, read back and resampled to 16 kHz mono float32."""
    with tempfile.NamedTemporaryFile(suffix=".wav") as tmp:
        subprocess.run(["espeak-ng", "-v", voice, "-s", str(WORDS_PER_MINUTE), "-w", tmp.name, text], check=True)
        with wave.open(tmp.name) as w:
            rate = w.getframerate()
            pcm = np.frombuffer(w.readframes(w.getnframes()), dtype=np.int16).astype(np.float32) / 32768
    # espeak pads each file with silence; trim it so the pauses below are the only gaps between turns
    voiced = np.flatnonzero(np.abs(pcm) > 0.01)
    pcm = pcm[voiced[0] : voiced[-1] + 1] if len(voiced) else pcm
    positions = np.arange(0, len(pcm), rate / RATE)
    return np.interp(positions, np.arange(len(pcm)), pcm).astype(np.float32)


def write_opus(samples: np.ndarray, path: Path) -> None:
    """Encode mono float audio as Ogg/Opus with PyAV."""
    with av.open(str(path), "w", format="ogg") as out:
        stream = out.add_stream("libopus", rate=48_000)
        stream.bit_rate = 24_000
        stream.layout = "mono"
        resampler = av.AudioResampler(format="s16", layout="mono", rate=48_000)
        frame = av.AudioFrame.from_ndarray((samples * 32767).astype(np.int16)[None, :], format="s16", layout="mono")
        frame.sample_rate = RATE
        for resampled in resampler.resample(frame):
            for packet in stream.encode(resampled):
                out.mux(packet)
        for packet in stream.encode(None):
            out.mux(packet)


def main() -> int:
    rng = random.Random(23)
    turns = [json.loads(line) for line in (SAMPLES / "demo-script.jsonl").read_text().splitlines() if line.strip()]
    pieces: list[np.ndarray] = [np.zeros(RATE, dtype=np.float32)]
    timeline = []
    at = 1.0
    for turn in turns:
        speech = speak(turn["text"], turn["voice"])
        timeline.append(
            {
                "speaker": turn["speaker"],
                "role": turn["role"],
                "start": round(at, 2),
                "end": round(at + len(speech) / RATE, 2),
            }
        )
        pause = rng.uniform(0.8, 1.5)
        pieces += [speech, np.zeros(int(pause * RATE), dtype=np.float32)]
        at += len(speech) / RATE + pause
    audio = np.concatenate(pieces)
    write_opus(audio, SAMPLES / "demo-session.ogg")
    (SAMPLES / "demo-timeline.jsonl").write_text("".join(json.dumps(t) + "\n" for t in timeline))
    print(
        f"{len(audio) / RATE:.1f} s of audio, {len(turns)} turns → {SAMPLES / 'demo-session.ogg'}",
        file=sys.stderr,
    )
    return 0


if __name__ == "__main__":
    sys.exit(main())
