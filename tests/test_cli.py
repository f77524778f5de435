import json

from uprwatch.matching.echo_decision import echo_model
from uprwatch.matching.matcher import DEFAULT_MIN_SCORE

from tests.conftest import EVAL, SAMPLES, load_jsonl, needs_shared, one_line_error, run_cli, run_main
from tests.scoring import score


@needs_shared
def test_match_input_json_follows_the_contract_and_scores_well(matrix_2018):
    result = run_cli("match", "--corpus", str(matrix_2018), "--input", str(EVAL / "dev-statements.jsonl"), "--json")
    assert result.returncode == 0, result.stderr
    rows = [json.loads(line) for line in result.stdout.splitlines()]
    assert [r["id"] for r in rows] == [s["id"] for s in load_jsonl(EVAL / "dev-statements.jsonl")]
    for row in rows:
        assert set(row) == {"id", "matches"}
        scores = [m["score"] for m in row["matches"]]
        assert scores == sorted(scores, reverse=True)
        for m in row["matches"]:
            assert set(m) == {"id", "kind", "score", "text", "recommending_states", "position"}
            assert m["score"] >= min(DEFAULT_MIN_SCORE, echo_model().threshold * 100)  # wording or meaning alerted
    scored = score(load_jsonl(EVAL / "dev-statements.jsonl"), {r["id"]: [m["id"] for m in r["matches"]] for r in rows})
    assert scored.precision >= 0.95 and scored.recall >= 0.9, scored.misses


def test_match_single_text_prints_a_readable_line(matrix_2018):
    result = run_cli("match", "--corpus", str(matrix_2018), "Ratify the Optional Protocol to CEDAW.")
    assert result.returncode == 0
    assert "28.12" in result.stdout


def test_user_errors_are_one_line_without_traceback(tmp_path, capsys):
    bad_toml = tmp_path / "bad.toml"
    bad_toml.write_text("[session\n")
    assert "not valid TOML" in one_line_error(run_main(capsys, "replay", "--session", str(bad_toml)))
    assert "corpus file not found" in one_line_error(
        run_main(capsys, "match", "--corpus", str(tmp_path / "none.docx"), "text")
    )
    not_matrix = tmp_path / "notes.docx"
    not_matrix.write_bytes(b"plain text pretending to be a docx")
    assert "not a readable .docx" in one_line_error(run_main(capsys, "match", "--corpus", str(not_matrix), "text"))
    assert "audio file not found" in one_line_error(run_main(capsys, "transcribe", str(tmp_path / "missing.ogg")))
    not_audio = tmp_path / "notes.ogg"
    not_audio.write_text("hello")
    assert "cannot read" in one_line_error(
        run_main(capsys, "transcribe", str(not_audio), "--model", "embedded:tiny.en")
    )
    assert "unknown model 'nonsense'" in one_line_error(
        run_main(capsys, "transcribe", str(SAMPLES / "demo-session.ogg"), "--model", "nonsense")
    )


def test_transcribe_prints_utterances_with_times(tmp_path):
    clip = tmp_path / "clip.ogg"
    # the first 10 s of the demo: the chair's opening
    import av

    with av.open(str(SAMPLES / "demo-session.ogg")) as src, av.open(str(clip), "w", format="ogg") as dst:
        out = dst.add_stream("libopus", rate=48_000)
        for frame in src.decode(audio=0):
            if frame.time is not None and frame.time > 10:
                break
            for packet in out.encode(frame):
                dst.mux(packet)
        for packet in out.encode(None):
            dst.mux(packet)
    result = run_cli("transcribe", str(clip), "--model", "embedded:tiny.en", "--json")
    assert result.returncode == 0, result.stderr
    rows = [json.loads(line) for line in result.stdout.splitlines()]
    assert rows and all(set(r) == {"start", "end", "text", "confidence", "language"} for r in rows)
    assert rows[0]["start"] < 1.5 < rows[0]["end"]
    assert "floor" in " ".join(r["text"] for r in rows).lower()
