"""The floor channel: its language detected among the floor languages, and Whisper's English translation on request.

The French fixture is espeak-ng speech, which the base model hears poorly (one machine's base took it for Latin),
so these tests check what the options do (the languages allowed, the task, markers, events), not what a model
happens to guess; see README, "Translation".
"""

from pathlib import Path

import pytest
from uprwatch.bot.session_store import SessionStore
from uprwatch.bot.transcript_export import plain_transcript
from uprwatch.config.defaults import FLOOR_LANGUAGES
from uprwatch.config.errors import UserError
from uprwatch.config.session_file import load_session_file
from uprwatch.transcribe.file_source import decode_file
from uprwatch.transcribe.segmenter import StreamingSegmenter
from uprwatch.transcribe.types import SpeechChunk
from uprwatch.transcribe.whisper_engine import FloorLanguage, WhisperEngine, floor_language

from tests.conftest import SAMPLES, load_jsonl, run_cli

FRENCH = Path(__file__).parent / "fixtures" / "french-floor.ogg"  # scripts/make_french_sample.py
FRENCH_CHAIR = Path(__file__).parent / "fixtures" / "french-chair.ogg"  # its first turn alone


def speech(path: Path) -> list[SpeechChunk]:
    seg = StreamingSegmenter()
    return [p for c in decode_file(path) for p in seg.feed(c)] + seg.flush()


def session_file(tmp_path: Path, extra: str, source: Path = FRENCH) -> Path:
    path = tmp_path / "fr.toml"
    path.write_text(
        f'[session]\nid = "fr"\nstate_under_review = "China"\nsource = "{source}"\nlanguage = "floor"\n'
        f'[corpus]\nrecommendations = ["{SAMPLES / "sample-corpus.jsonl"}"]\n'
        f"[transcription]\n{extra}\n"
    )
    return path


def test_floor_language_is_the_most_probable_of_the_allowed_ones():
    probabilities = [("la", 0.5), ("fr", 0.3), ("it", 0.1), ("es", 0.1)]  # what base made of espeak French
    assert floor_language(probabilities, FLOOR_LANGUAGES) == ("fr", pytest.approx(0.75))
    assert floor_language(probabilities, ("es", "ar")) == ("es", 1.0)
    assert floor_language([("la", 1.0)], ("ru", "zh")) == ("ru", 0.0)  # none allowed heard: the first allowed


def test_an_uncertain_chunk_keeps_the_language_of_the_speech_before_it():
    floor = FloorLanguage(FLOOR_LANGUAGES, min_share=0.7)
    assert floor.update([("fr", 0.4), ("en", 0.3)]) == "fr"  # nothing before: the best guess
    assert floor.update([("fr", 0.9), ("en", 0.05)]) == "fr"
    assert floor.update([("en", 0.5), ("fr", 0.4), ("de", 0.1)]) == "fr"  # 0.56 of the allowed: unsure, kept
    assert floor.update([("en", 0.8), ("fr", 0.1)]) == "en"  # clearly English: the language changes


@pytest.fixture(scope="module")
def french_statement() -> SpeechChunk:
    # the shorter of the two: the options are what is tested, and the longer one sends base through every
    # temperature fallback when translated (four times the time)
    return min(speech(FRENCH), key=lambda p: p.end - p.start)


def test_floor_channel_is_detected_among_the_six_and_translated_on_request(french_statement):
    heard = WhisperEngine("embedded:base", None).transcribe(french_statement)
    assert heard and heard.language in FLOOR_LANGUAGES  # never Latin, whatever the model makes of the voice
    assert heard.translated_from is None
    translator = WhisperEngine("embedded:base", None, translate=True, floor_languages=("fr",))
    translated = translator.transcribe(french_statement)
    assert translated and translated.language == "fr" and translated.translated_from == "fr"
    both = WhisperEngine("embedded:base", None, translate=True, floor_languages=("fr", "en"))
    heard = both.transcribe(speech(SAMPLES / "demo-session.ogg")[1])
    assert heard and heard.language in ("fr", "en")
    assert heard.translated_from == (None if heard.language == "en" else heard.language)  # English passes through


def test_unknown_floor_languages_are_refused(tmp_path):
    with pytest.raises(UserError, match="'xx': not languages Whisper knows"):
        WhisperEngine("embedded:base", None, floor_languages=("fr", "xx"))
    with pytest.raises(UserError, match=r"floor_languages: 'French': use Whisper's language codes"):
        load_session_file(session_file(tmp_path, 'floor_languages = ["French"]'))


def test_replay_marks_translated_words_and_keeps_the_language(tmp_path):
    # one short chunk: France's longer statement sends base through every temperature fallback when translated
    path = session_file(tmp_path, 'translate = true\nfloor_languages = ["fr"]', FRENCH_CHAIR)
    events = tmp_path / "events.jsonl"
    db = f"sqlite:///{tmp_path / 'fr.db'}"
    result = run_cli("replay", "--session", str(path), "--events", str(events), "--db", db)
    assert result.returncode == 0, result.stderr
    said = [r for r in load_jsonl(events) if r["type"] == "utterance"]
    # How many chunks survive depends on what the model makes of synthetic speech (temperature fallback samples),
    # so the check is per utterance: every one heard is French, translated and marked so.
    assert said and all(r["language"] == "fr" and r["translated_from"] == "fr" for r in said)
    assert result.stdout.count("[translated from fr]") == len(said)
    store = SessionStore(db)
    assert plain_transcript(store.events("fr")).count("[translated from fr]") == len(said)  # what /sessions sends
    store.close()


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
