"""Shared fixtures: paths to the real UN data in ../shared and the bundled samples.

A clone alone has no ../shared: tests marked `needs_shared` (or using the `matrix_2018` fixture) are then
skipped with one reason, and everything else must pass without it.
"""

from __future__ import annotations

import json
import os
import subprocess
import sys
from pathlib import Path

import pytest
from uprwatch.bot.session_store import SessionStore

ROOT = Path(__file__).resolve().parent.parent
SHARED = ROOT.parent / "shared"
MATRIX_2018 = SHARED / "data" / "upr" / "ohchr-matrix" / "china-cycle3-2018.docx"
MATRIX_2013 = SHARED / "data" / "upr" / "ohchr-matrix" / "china-cycle2-2013.docx"
EVAL = SHARED / "eval"
SAMPLES = ROOT / "config" / "samples"
HAS_SHARED = (SHARED / "data").is_dir() and EVAL.is_dir()
NO_SHARED = f"needs the real UN data in {SHARED} (absent from a clone alone; CI runs with it)"

needs_shared = pytest.mark.needs_shared


# Files that take longest (Whisper over whole sessions, real-time streams) are handed to the workers first, so that
# `--dist loadfile` does not start one of them last while the other workers stand idle.
LONG_FILES = (  # longest first, as measured
    "test_demo_e2e.py",
    "test_hls_source.py",
    "test_serve.py",
    "test_telegram_bot.py",
    "test_translation.py",
    "test_telegram_delivery.py",
    "test_live_edge.py",
    "test_live_replay_e2e.py",
    "test_catch_up.py",
    "test_unwebtv.py",
    "test_corpus_importers.py",
    "test_serve_faults.py",
    "test_cli.py",
)


def pytest_collection_modifyitems(config: pytest.Config, items: list[pytest.Item]) -> None:
    items.sort(key=lambda item: LONG_FILES.index(item.path.name) if item.path.name in LONG_FILES else len(LONG_FILES))
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


def run_main(capsys: pytest.CaptureFixture[str], *args: str) -> subprocess.CompletedProcess[str]:
    """The command line in this process (the code the console script runs), as a finished process: faster than
    `run_cli` where starting a process is not what is tested."""
    from uprwatch.bot.cli import main

    capsys.readouterr()
    code = main(list(args))
    out, err = capsys.readouterr()
    return subprocess.CompletedProcess(args, code, out, err)


def one_line_error(result: subprocess.CompletedProcess[str]) -> str:
    """The one `uprwatch: error:` line of a command that failed as a user error (exit 2, no traceback)."""
    assert result.returncode == 2, result.stdout + result.stderr
    assert "Traceback" not in result.stderr
    lines = [line for line in result.stderr.splitlines() if line.startswith("uprwatch: error:")]
    assert len(lines) == 1, result.stderr
    return lines[0]


@pytest.fixture(scope="session")
def matrix_2018() -> Path:
    if not MATRIX_2018.is_file():
        pytest.skip(NO_SHARED)
    return MATRIX_2018


def stored_events(db: str, session_id: str) -> list[dict]:
    """Every event of one session in a session log."""
    store = SessionStore(db)
    try:
        return store.events(session_id)
    finally:
        store.close()
