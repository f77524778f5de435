from itertools import pairwise

import numpy as np
import pytest
from uprwatch.config.errors import UserError
from uprwatch.transcribe.file_source import decode_file
from uprwatch.transcribe.segmenter import StreamingSegmenter
from uprwatch.transcribe.types import AudioChunk, SpeechChunk
from uprwatch.transcribe.whisper_engine import WhisperEngine, collapse_repeats

from tests.conftest import SAMPLES, load_jsonl

DEMO = SAMPLES / "demo-session.ogg"


@pytest.fixture(scope="module")
def demo_chunks() -> list[AudioChunk]:
    return list(decode_file(DEMO))


@pytest.fixture(scope="module")
def demo_speech(demo_chunks) -> list[SpeechChunk]:
    seg = StreamingSegmenter()
    out = [piece for chunk in demo_chunks for piece in seg.feed(chunk)]
    return out + seg.flush()


def test_file_decodes_to_contiguous_16k_mono_chunks(demo_chunks):
    timeline = load_jsonl(SAMPLES / "demo-timeline.jsonl")
    assert all(c.samples.dtype == np.float32 and c.samples.ndim == 1 for c in demo_chunks)
    assert all(abs(a.end - b.start) < 1e-6 for a, b in pairwise(demo_chunks))
    assert demo_chunks[-1].end == pytest.approx(timeline[-1]["end"] + 1.0, abs=1.6)


def test_segmenter_cuts_at_every_turn_boundary(demo_speech):
    starts = [s.start for s in demo_speech]
    for turn in load_jsonl(SAMPLES / "demo-timeline.jsonl"):
        assert min(abs(turn["start"] - t) for t in starts) < 0.5, turn
    assert all(s.end - s.start <= 15.5 for s in demo_speech)


def test_long_statements_end_at_a_sentence_pause_without_delay(demo_chunks):
    seg = StreamingSegmenter()
    late = []  # how long after its end each piece came out
    for chunk in demo_chunks:
        late += [chunk.end - piece.end for piece in seg.feed(chunk)]
    # the 0.5 s of silence that ends a turn, plus the half-second chunk it falls in; before a long
    # statement was cut only at 15 s, up to 5 s after the point where it was cut
    assert len(late) >= 26 and max(late) < 1.1


def test_segmenter_splits_continuous_speech_at_the_maximum_length(demo_chunks):
    speech = np.concatenate([c.samples for c in demo_chunks])
    # glue the speech of several turns with the pauses removed: 40 s without a 0.5 s silence
    voiced = speech[np.abs(speech) > 0.002][: 40 * 16_000]
    seg = StreamingSegmenter()
    pieces = seg.feed(AudioChunk(voiced, 0.0)) + seg.flush()
    assert len(pieces) >= 3
    assert all(p.end - p.start <= 15.5 for p in pieces)


def test_silence_and_noise_give_no_speech():
    rng = np.random.default_rng(0)
    seg = StreamingSegmenter()
    quiet = np.concatenate([np.zeros(16_000 * 3), rng.normal(0, 0.003, 16_000 * 3)]).astype(np.float32)
    assert seg.feed(AudioChunk(quiet, 0.0)) + seg.flush() == []


def test_whisper_transcribes_the_chair_opening(demo_speech):
    engine = WhisperEngine("embedded:tiny.en", "en")
    utterance = engine.transcribe(demo_speech[0])
    assert utterance is not None
    words = utterance.text.lower()
    assert "working group" in words and "floor" in words and "china" in words
    assert 0 < utterance.confidence <= 1


def test_whisper_returns_nothing_for_silence():
    engine = WhisperEngine("embedded:tiny.en", "en")
    assert engine.transcribe(SpeechChunk(np.zeros(16_000 * 2, dtype=np.float32), 0.0, 2.0)) is None


def test_english_only_model_refuses_another_language():
    with pytest.raises(UserError, match="only English"):
        WhisperEngine("embedded:tiny.en", "fr")


def test_repetition_loops_are_collapsed():
    assert collapse_repeats("we recommend we recommend we recommend that China act") == "we recommend that China act"
    assert collapse_repeats("thank you thank you") == "thank you thank you"  # two is speech, three is a loop


def test_damaged_and_missing_files_are_user_errors(tmp_path):
    broken = tmp_path / "broken.ogg"
    broken.write_bytes(DEMO.read_bytes()[:100] + b"\x00garbage" * 50)
    with pytest.raises(UserError):
        list(decode_file(broken))
    with pytest.raises(UserError, match="not found"):
        list(decode_file(tmp_path / "nope.ogg"))
