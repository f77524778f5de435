"""Shared fixtures: paths to the real UN data in ../shared and the bundled samples.

A clone alone has no ../shared: tests marked `needs_shared` (or using the `matrix_2018` fixture) are then
skipped with one reason, and everything else must pass without it.
"""

from __future__ import annotations

import json
import os
import re
import subprocess
import sys
from collections.abc import Iterator
from dataclasses import dataclass
from pathlib import Path

import pytest
from uprwatch.bot.session_store import SessionStore

from tests.fake_bot_api import FakeBotApi

ROOT = Path(__file__).resolve().parent.parent
SHARED = ROOT.parent / "shared"
MATRIX_2018 = SHARED / "data" / "upr" / "ohchr-matrix" / "china-cycle3-2018.docx"
MATRIX_2013 = SHARED / "data" / "upr" / "ohchr-matrix" / "china-cycle2-2013.docx"
EVAL = SHARED / "eval"
SAMPLES = ROOT / "config" / "samples"
HAS_SHARED = (SHARED / "data").is_dir() and EVAL.is_dir()
NO_SHARED = f"needs the real UN data in {SHARED} (absent from a clone alone; CI runs with it)"

needs_shared = pytest.mark.needs_shared


def pytest_collection_modifyitems(config: pytest.Config, items: list[pytest.Item]) -> None:
    if HAS_SHARED:
        return
    skip = pytest.mark.skip(reason=NO_SHARED)
    for item in items:
        if item.get_closest_marker("needs_shared") or "matrix_2018" in getattr(item, "fixturenames", ()):
            item.add_marker(skip)


def load_jsonl(path: Path) -> list[dict]:
    return [json.loads(line) for line in path.read_text(encoding="utf-8").splitlines() if line.strip()]


def run_cli(*args: str, env: dict[str, str] | None = None, timeout: float = 600) -> subprocess.CompletedProcess[str]:
    """Run the installed `uprwatch` console script as a user would."""
    exe = Path(sys.executable).parent / "uprwatch"
    return subprocess.run(
        [str(exe), *args], capture_output=True, text=True, timeout=timeout, env={**os.environ, **(env or {})}
    )


@pytest.fixture(scope="session")
def matrix_2018() -> Path:
    if not MATRIX_2018.is_file():
        pytest.skip(NO_SHARED)
    return MATRIX_2018


# Chats of the demo replay's Telegram audience: one private chat, one group (changed by its admin), one channel.
PRIVATE, GROUP, CHANNEL = 4242, -5005, -1007007
GROUP_ADMIN = 77


@dataclass(frozen=True)
class DemoRun:
    """One `uprwatch replay` of the bundled demo session with the bot on the fake Bot API."""

    result: subprocess.CompletedProcess[str]
    events: list[dict]  # the events file
    db: str
    api: FakeBotApi


@pytest.fixture(scope="session")
def demo_run(tmp_path_factory: pytest.TempPathFactory) -> Iterator[DemoRun]:
    """The demo through the whole pipeline once (Whisper base on 236 s of audio), shared by every test that
    checks what the pipeline, the session log, the console and the Telegram bot made of it."""
    out = tmp_path_factory.mktemp("demo")
    text = (SAMPLES / "demo-session.toml").read_text()
    text = re.sub(r'(source|recommendations|advance_questions) = (\[?)"', rf'\1 = \2"{SAMPLES}/', text)
    session = out / "session.toml"
    session.write_text(text + f"\n[telegram]\nchannels = [{CHANNEL}]\ndrain_s = 120\n")
    db = f"sqlite:///{out / 'session.db'}"
    with FakeBotApi() as api:
        for said in ("/start", "/mode matches", "/states Germany"):
            api.say(PRIVATE, said)
        api.admins[GROUP].add(GROUP_ADMIN)
        for said in ("/start", "/mode all"):
            api.say(GROUP, said, user_id=GROUP_ADMIN)
        env = {"UPRWATCH_TELEGRAM_TOKEN": api.token, "UPRWATCH_TELEGRAM_BASE_URL": api.url}
        result = run_cli(
            "replay", "--session", str(session), "--events", str(out / "events.jsonl"), "--db", db, env=env
        )
        assert result.returncode == 0, result.stderr
        yield DemoRun(result, load_jsonl(out / "events.jsonl"), db, api)


def stored_events(db: str, session_id: str) -> list[dict]:
    """Every event of one session in a session log."""
    store = SessionStore(db)
    try:
        return store.events(session_id)
    finally:
        store.close()
