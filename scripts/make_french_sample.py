"""Synthesise the French floor-channel fixtures for the translation tests.

tests/fixtures/french-floor.ogg is a French exchange (the chair, then France); french-chair.ogg is the chair's
hand-over alone, for tests that replay a whole file and need only one short French chunk.

Needs espeak-ng (Debian: apt-get install espeak-ng); the project itself does not.

    .venv/bin/python scripts/make_french_sample.py
"""

from __future__ import annotations

import sys
from pathlib import Path

import numpy as np

sys.path.insert(0, str(Path(__file__).resolve().parent))
from make_demo_audio import RATE, speak, write_opus

FIXTURES = Path(__file__).resolve().parent.parent / "tests" / "fixtures"
TURNS = [
    ("fr+m3", "Je donne maintenant la parole à la délégation de la France."),
    (
        "fr",
        "Merci, Monsieur le Président. La France recommande à la Chine de ratifier "
        "le Pacte international relatif aux droits civils et politiques.",
    ),
]


def write(turns: list[tuple[str, str]], out: Path) -> None:
    """The turns spoken one after another, with a pause before, between and after them."""
    pause = np.zeros(int(1.2 * RATE), dtype=np.float32)
    parts = [pause]
    for voice, text in turns:
        parts += [speak(text, voice), pause]
    audio = np.concatenate(parts)
    write_opus(audio, out)
    print(f"{len(audio) / RATE:.1f} s → {out} ({out.stat().st_size // 1024} KB)")


def main() -> int:
    write(TURNS, FIXTURES / "french-floor.ogg")
    write(TURNS[:1], FIXTURES / "french-chair.ogg")
    return 0


if __name__ == "__main__":
    sys.exit(main())
