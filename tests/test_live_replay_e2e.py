"""A live HLS stream through the whole pipeline with `uprwatch replay --source URL`, losing a segment."""

import numpy as np
from uprwatch.transcribe.file_source import decode_file

from tests.conftest import SAMPLES, load_jsonl, run_cli
from tests.hls_server import LiveOrigin


def test_live_replay_records_the_gap_and_keeps_transcribing(tmp_path):
    audio = np.concatenate([c.samples for c in decode_file(SAMPLES / "demo-session.ogg")])[: 52 * 16_000]
    origin = LiveOrigin({"en": audio, "fr": audio[::-1].copy()}, speed=2.0, window=10)
    origin.faults.missing.add(12)  # 24–26 s: the middle of China's opening statement
    origin.start()
    try:
        result = run_cli(
            "replay",
            "--session",
            str(SAMPLES / "demo-session.toml"),
            "--source",
            origin.url,
            "--model",
            "embedded:tiny.en",
            "--events",
            str(tmp_path / "events.jsonl"),
            "--db",
            f"sqlite:///{tmp_path / 'log.db'}",
        )
    finally:
        origin.stop()
    assert result.returncode == 0, result.stderr
    events = load_jsonl(tmp_path / "events.jsonl")
    [gap] = [e for e in events if e["type"] == "stream_gap"]
    assert (gap["start"], gap["end"], gap["reason"]) == (24.0, 26.0, "HTTP 404 for segment")
    utterances = [e for e in events if e["type"] == "utterance"]
    assert any(u["end"] <= 24.0 for u in utterances) and any(u["start"] >= 26.0 for u in utterances)
    assert [e["speaker"] for e in events if e["type"] == "turn"][:4] == ["Chair", "China", "Chair", "Germany"]
    assert ("Germany", "S.3") in {(e["speaker"], e["ref"]) for e in events if e["type"] == "match"}
    assert "⚠ stream gap 24.0–26.0 s: HTTP 404 for segment" in result.stdout
    lags = [e for e in events if e["type"] == "lag"]
    assert lags and all(set(e) == {"type", "session", "at", "behind"} and e["behind"] >= 0 for e in lags)
    assert any("/en/" in r for r in origin.requests) and not any("/fr/" in r for r in origin.requests)
