"""Synthesise tests/fixtures/french-floor.ogg: a French exchange on the floor channel, for translation tests.

Needs espeak-ng (Debian: apt-get install espeak-ng); the project itself does not.

    .venv/bin/python scripts/make_french_sample.py
"""

from __future__ import annotations

import sys
from pathlib import Path

import numpy as np

sys.path.insert(0, str(Path(__file__).resolve().parent))
from make_demo_audio import RATE, speak, write_opus

OUT = Path(__file__).resolve().parent.parent / "tests" / "fixtures" / "french-floor.ogg"
TURNS = [
    ("fr+m3", "Je donne maintenant la parole à la délégation de la France."),
    (
        "fr",
        "Merci, Monsieur le Président. La France recommande à la Chine de ratifier "
        "le Pacte international relatif aux droits civils et politiques.",
    ),
]


def main() -> int:
    pause = np.zeros(int(1.2 * RATE), dtype=np.float32)
    parts = [pause]
    for voice, text in TURNS:
        parts += [speak(text, voice), pause]
    audio = np.concatenate(parts)
    write_opus(audio, OUT)
    print(f"{len(audio) / RATE:.1f} s → {OUT} ({OUT.stat().st_size // 1024} KB)")
    return 0


if __name__ == "__main__":
    sys.exit(main())
