"""Shared fixtures: paths to the real UN data in ../shared and the bundled samples."""

from __future__ import annotations

import importlib.util
import json
import os
import subprocess
import sys
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parent.parent
SHARED = ROOT.parent / "shared"
MATRIX_2018 = SHARED / "data" / "upr" / "ohchr-matrix" / "china-cycle3-2018.docx"
MATRIX_2013 = SHARED / "data" / "upr" / "ohchr-matrix" / "china-cycle2-2013.docx"
EVAL = SHARED / "eval"
SAMPLES = ROOT / "config" / "samples"


def _shared_score():
    spec = importlib.util.spec_from_file_location("shared_score", EVAL / "score.py")
    module = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(module)
    return module.score


score = _shared_score()  # the scoring of ../shared/eval/score.py: precision, recall, tp, fp, fn, misses


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
        pytest.fail(f"real UN data missing: {MATRIX_2018} (CI runs with ../shared beside the project)")
    return MATRIX_2018
