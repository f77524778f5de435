"""Paths of the bundled illustrative samples (session file, corpus, demo audio)."""

from pathlib import Path

SAMPLES_DIR = Path(__file__).resolve().parent / "samples"
DEMO_SESSION = SAMPLES_DIR / "demo-session.toml"
