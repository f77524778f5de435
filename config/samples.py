"""Paths of the bundled samples (session file, corpus, demo audio) and of the default sessions folder."""

from pathlib import Path

SAMPLES_DIR = Path(__file__).resolve().parent / "samples"
DEMO_SESSION = SAMPLES_DIR / "demo-session.toml"
SESSIONS_DIR = Path(__file__).resolve().parent / "sessions"
