from pathlib import Path

import pytest
from uprwatch.config.errors import UserError
from uprwatch.config.samples import DEMO_SESSION
from uprwatch.config.session_file import load_session_file


def write(tmp_path: Path, text: str) -> Path:
    (tmp_path / "corpus.jsonl").write_text(
        '{"id": "1", "text": "Abolish the death penalty", "recommending_states": ["France"]}\n'
    )
    path = tmp_path / "session.toml"
    path.write_text(text)
    return path


def test_demo_session_file_loads_with_paths_resolved_against_its_folder():
    s = load_session_file(DEMO_SESSION)
    assert s.session.state_under_review == "China"
    assert s.session.start is not None and s.session.start.utcoffset() is not None
    assert s.corpus.recommendations == [DEMO_SESSION.parent / "sample-corpus.jsonl"]
    assert s.session.source == str(DEMO_SESSION.parent / "demo-session.ogg")
    assert s.min_score == 75
    assert s.whisper_language == "en"


def test_relative_corpus_path_resolves_against_session_folder(tmp_path, monkeypatch):
    path = write(
        tmp_path,
        '[session]\nid = "x"\nstate_under_review = "China"\n[corpus]\nrecommendations = ["corpus.jsonl"]\n',
    )
    monkeypatch.chdir("/")
    assert load_session_file(path).corpus.recommendations == [tmp_path / "corpus.jsonl"]


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        ('[session\nid = "x"', "not valid TOML"),
        ('[session]\nstate_under_review = "China"\n', "[session] id: missing"),
        (
            '[session]\nid = "x"\nstate_under_review = "China"\ncolour = "red"\n',
            "[session] colour: unknown key",
        ),
        (
            '[session]\nid = "x"\nstate_under_review = "China"\ntimezone = "Mars/Olympus"\n',
            "[session] timezone: unknown time zone",
        ),
        (
            '[session]\nid = "x"\nstate_under_review = "China"\nstart = "tuesday"\n',
            "[session] start: not an ISO date-time",
        ),
        (
            '[session]\nid = "x"\nstate_under_review = "China"\nlanguage = "de"\n',
            "[session] language: must be one of",
        ),
        (
            '[session]\nid = "x"\nstate_under_review = "China"\n[corpus]\nrecommendations = ["missing.docx"]\n',
            "[corpus] recommendations: file not found",
        ),
        (
            '[session]\nid = "x"\nstate_under_review = "China"\n[alerts]\nmin_score = 140\n',
            "[alerts] min_score: must be a number from 0 to 100",
        ),
        ('[session]\nid = "x"\nstate_under_review = "China"\n[ui]\ntheme = "dark"\n', "unknown table [ui]"),
        (
            '[session]\nid = "x"\nstate_under_review = "China"\n[transcription]\ncatch_up = "panic"\n',
            "catch_up: must be one of queue",
        ),
    ],
)
def test_bad_session_files_name_file_key_and_problem(tmp_path, text, expected):
    path = write(tmp_path, text)
    with pytest.raises(UserError) as err:
        load_session_file(path)
    assert str(path) in str(err.value)
    assert expected in str(err.value)
