"""The floor channel in French: language detected per utterance, and Whisper's English translation on request.

The French fixture is espeak-ng speech, which the base model hears poorly, so these tests check what the
option does (language, task, markers), not the quality of the translation; see README, "Translation".
"""

import re
import subprocess
from pathlib import Path

import pytest
from uprwatch.bot.session_store import SessionStore
from uprwatch.bot.transcript_export import plain_transcript
from uprwatch.config.errors import UserError
from uprwatch.config.session_file import load_session_file
from uprwatch.transcribe.file_source import decode_file
from uprwatch.transcribe.segmenter import StreamingSegmenter
from uprwatch.transcribe.types import SpeechChunk
from uprwatch.transcribe.whisper_engine import WhisperEngine

from tests.conftest import SAMPLES, load_jsonl, run_cli

FRENCH = Path(__file__).parent / "fixtures" / "french-floor.ogg"  # scripts/make_french_sample.py
FRENCH_WORDS = {"la", "le", "de", "à", "les", "et", "merci", "monsieur"}
ENGLISH_WORDS = {"the", "to", "of", "and", "you", "thank", "for", "is", "i"}


def words(text: str) -> set[str]:
    return set(re.findall(r"[a-zà-ÿ]+", text.lower()))


def speech(path: Path) -> list[SpeechChunk]:
    seg = StreamingSegmenter()
    return [p for c in decode_file(path) for p in seg.feed(c)] + seg.flush()


def session_file(tmp_path: Path, extra: str) -> Path:
    path = tmp_path / "fr.toml"
    path.write_text(
        f'[session]\nid = "fr"\nstate_under_review = "China"\nsource = "{FRENCH}"\nlanguage = "floor"\n'
        f'[corpus]\nrecommendations = ["{SAMPLES / "sample-corpus.jsonl"}"]\n'
        f"[transcription]\n{extra}\n"
    )
    return path


def test_floor_language_is_detected_and_translated_on_request():
    statement = max(speech(FRENCH), key=lambda p: p.end - p.start)
    heard = WhisperEngine("embedded:base", None).transcribe(statement)
    assert heard and heard.language == "fr" and heard.translated_from is None
    assert words(heard.text) & FRENCH_WORDS, heard.text
    translator = WhisperEngine("embedded:base", None, translate=True)
    translated = translator.transcribe(statement)
    assert translated and translated.language == "fr" and translated.translated_from == "fr"
    assert words(translated.text) & ENGLISH_WORDS and not words(translated.text) & FRENCH_WORDS, translated.text
    # English on the floor is passed through, not marked as a translation
    english = translator.transcribe(speech(SAMPLES / "demo-session.ogg")[1])
    assert english and english.language == "en" and english.translated_from is None


def replay(tmp_path: Path, translate: bool) -> subprocess.CompletedProcess[str]:
    """`uprwatch replay` of the French fixture into tmp_path/{on,off}.jsonl and .db."""
    name = "on" if translate else "off"
    return run_cli(
        "replay", "--session", str(session_file(tmp_path, f"translate = {str(translate).lower()}")),
        "--events", str(tmp_path / f"{name}.jsonl"), "--db", f"sqlite:///{tmp_path / name}.db",
    )  # fmt: skip


def test_replay_marks_translated_words_and_keeps_the_language(tmp_path):
    def utterances(translate: bool) -> tuple[list[dict], str]:
        result = replay(tmp_path, translate)
        assert result.returncode == 0, result.stderr
        events = load_jsonl(tmp_path / ("on.jsonl" if translate else "off.jsonl"))
        return [r for r in events if r["type"] == "utterance"], result.stdout

    said, stdout = utterances(translate=True)
    assert len(said) == 2 and all(r["language"] == "fr" and r["translated_from"] == "fr" for r in said)
    assert stdout.count("[translated from fr]") == 2
    store = SessionStore(f"sqlite:///{tmp_path / 'on.db'}")
    assert plain_transcript(store.events("fr")).count("[translated from fr]") == 2  # what /sessions sends
    store.close()
    said, stdout = utterances(translate=False)
    assert len(said) == 2 and all(r["language"] == "fr" and "translated_from" not in r for r in said)
    assert "[translated from" not in stdout and words(" ".join(r["text"] for r in said)) & FRENCH_WORDS


def test_translation_of_english_audio_or_by_an_english_only_model_is_refused(tmp_path):
    english = tmp_path / "en.toml"
    english.write_text(
        '[session]\nid = "x"\nstate_under_review = "China"\n[transcription]\ntranslate = true\n', encoding="utf-8"
    )
    with pytest.raises(UserError, match=r"translate: the audio is already English"):
        load_session_file(english)
    with pytest.raises(UserError, match="must be true or false"):
        load_session_file(session_file(tmp_path, 'translate = "yes"'))
    with pytest.raises(UserError, match="cannot translate; use embedded:base"):
        WhisperEngine("embedded:tiny.en", None, translate=True)
    refused = run_cli("transcribe", "--translate", str(FRENCH))
    assert refused.returncode != 0 and "--translate: the audio is already English" in refused.stderr
    session_file(tmp_path, 'translate = true\ncatch_up = "smaller_model"')
    refused = run_cli("replay", "--session", str(tmp_path / "fr.toml"), "--db", f"sqlite:///{tmp_path / 'x.db'}")
    assert refused.returncode == 2
    assert "fallback_model: model embedded:tiny.en understands only English and cannot" in refused.stderr
