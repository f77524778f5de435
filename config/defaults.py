"""Default settings shared by every stage; a session file overrides the ones it names."""

import os
from pathlib import Path

DEFAULT_MODEL = "embedded:base"
DEFAULT_TIMEZONE = "Europe/Zurich"
DEFAULT_MIN_SCORE = 75.0

SAMPLE_RATE = 16_000

# Segmentation: an utterance ends at this much silence, or is cut at the maximum length,
# so that alerts come per sentence rather than per minute. Past VAD_LONG_UTTERANCE_S a breath
# between sentences is enough: otherwise a long statement is cut only at the maximum length, at a
# point already seconds old, and its alert comes that much later.
VAD_THRESHOLD = 0.5
VAD_MIN_SILENCE_S = 0.5
VAD_MAX_UTTERANCE_S = 15.0
VAD_LONG_UTTERANCE_S = 8.0
VAD_LONG_MIN_SILENCE_S = 0.3
VAD_MIN_SPEECH_S = 0.25
VAD_PAD_S = 0.2

# Whisper guards against loops and text hallucinated on silence or music.
NO_SPEECH_THRESHOLD = 0.6
LOG_PROB_THRESHOLD = -1.0
COMPRESSION_RATIO_THRESHOLD = 2.4
BEAM_SIZE = 5

# With language "floor": the UN's six official languages are the only ones spoken on the floor, so language
# detection chooses among them. A chunk whose best language has less than this share of their probability
# (short chunks, a name, applause) keeps the language of the speech before it, the same turn in nearly all cases.
FLOOR_LANGUAGES = ("ar", "zh", "en", "fr", "ru", "es")
FLOOR_LANGUAGE_MIN_SHARE = 0.7


def cache_dir() -> Path:
    """Where joined model weights are kept: $UPRWATCH_CACHE_DIR, else the XDG cache."""
    if env := os.environ.get("UPRWATCH_CACHE_DIR"):
        return Path(env)
    base = os.environ.get("XDG_CACHE_HOME") or str(Path.home() / ".cache")
    return Path(base) / "uprwatch"


def data_dir() -> Path:
    """Where session databases live by default: $UPRWATCH_DATA_DIR, else the XDG data home."""
    if env := os.environ.get("UPRWATCH_DATA_DIR"):
        return Path(env)
    base = os.environ.get("XDG_DATA_HOME") or str(Path.home() / ".local" / "share")
    return Path(base) / "uprwatch"


def default_db_url() -> str:
    """SQLite file under the data directory."""
    return f"sqlite:///{data_dir() / 'sessions.db'}"


# The State under review answering an advance question paraphrases it loosely; when it names the asking
# State, a match needs this many points less than the alert threshold.
ANSWER_SCORE_DROP = 25.0

REPORT_FORMATS = ("html", "md", "json", "csv", "srt", "vtt")  # what `uprwatch report --format` and /report give
