"""Session files written for a test or a bench: a live session on the calendar, scheduled around now."""

from __future__ import annotations

from datetime import datetime, timedelta
from pathlib import Path

from uprwatch.config.samples import SAMPLES_DIR

SESSION = """[session]
id = "{id}"
title = "{title}"
state_under_review = "China"
start = "{start:%Y-%m-%dT%H:%M:%S}"
end = "{end:%Y-%m-%dT%H:%M:%S}"
timezone = "Europe/Zurich"
source = "{source}"

[corpus]
recommendations = ["{samples}/sample-corpus.jsonl"]
advance_questions = ["{samples}/advance-questions.txt"]

[telegram]
channels = [{channel}]

[schedule]
reminders = ["{reminder}"]
pre_roll = "{pre_roll}"
overrun = "{overrun}"
"""


def book(
    folder: Path, sid: str, title: str, source: str, start: datetime, length_s: float, channel: int,
    reminder: str = "3s", pre_roll: str = "1s", overrun: str = "10s",
) -> Path:  # fmt: skip
    """Write `<sid>.toml` into `folder`: a review of China with the sample corpus, posting to `channel`."""
    text = SESSION.format(
        id=sid, title=title, source=source, start=start, end=start + timedelta(seconds=length_s), channel=channel,
        samples=SAMPLES_DIR, reminder=reminder, pre_roll=pre_roll, overrun=overrun,
    )  # fmt: skip
    path = folder / f"{sid}.toml"
    path.write_text(text, encoding="utf-8")
    return path
