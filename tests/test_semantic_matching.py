"""The meaning stage: sentence embeddings computed on the CPU, cached per corpus, and the echo decision."""

import numpy as np
import pytest
from uprwatch.config.errors import UserError
from uprwatch.matching.corpus import CorpusItem
from uprwatch.matching.embedding_adapter import adapted, embedding_adapter
from uprwatch.matching.matcher import Matcher
from uprwatch.matching.semantic_index import SemanticIndex
from uprwatch.matching.sentence_encoder import sentence_encoder

# written for this test, in no labelled set and in no corpus
TEXTS = [
    "Abolish the death penalty for all crimes",
    "Ratify the Optional Protocol to the Convention on the Rights of the Child on a communications procedure",
    "Guarantee freedom of religion or belief for all",
    "Release all human rights defenders detained for their peaceful activities",
    "Ensure women's equal participation in political and public life",
]


def corpus() -> list[CorpusItem]:
    return [CorpusItem(str(i), "recommendation", t, ("Iceland",)) for i, t in enumerate(TEXTS)]


def test_embeddings_are_unit_length_and_put_a_restatement_nearest_its_demand():
    vectors = sentence_encoder().encode([*TEXTS, "Free the activists jailed for peacefully defending rights."])
    assert np.allclose(np.linalg.norm(vectors, axis=1), 1.0, atol=1e-5)
    cosines = vectors[:-1] @ vectors[-1]
    assert int(np.argmax(cosines)) == 3 and cosines[3] - np.sort(cosines)[-2] > 0.1


def test_embeddings_are_those_of_all_minilm_l6_v2():
    # the first and last components of two sentences as the BERT forward pass in NumPy gave them (tanh GELU, within
    # 2e-4 of the exact one the model was trained with): the graph laid out over the weights must compute that
    vectors = sentence_encoder().encode([TEXTS[0], "Free the activists jailed for peacefully defending rights."])
    expected = [
        [-0.01426, 0.08646, -0.07233, -0.0893, 0.02896, 0.10383, -0.0074, 0.09854, -0.03914],
        [-0.00164, 0.07502, -0.05533, 0.05293, 0.08581, 0.12517, -0.04298, 0.03439, -0.04122],
    ]
    assert np.allclose(np.concatenate([vectors[:, :6], vectors[:, -3:]], 1), expected, atol=2e-4)


def test_a_demand_in_other_words_is_matched_and_a_shared_theme_is_not(tmp_path, monkeypatch):
    monkeypatch.setenv("UPRWATCH_CACHE_DIR", str(tmp_path))
    matcher = Matcher(corpus())
    restated = matcher.match_text("Free the activists who are jailed only for peacefully defending human rights.")
    assert [m.ref for m in restated] == ["3"] and restated[0].score < matcher.min_score + 25
    wording_only = Matcher(corpus(), semantic=False)  # the match is the meaning stage's: wording alone misses it
    assert (
        wording_only.match_text("Free the activists who are jailed only for peacefully defending human rights.") == []
    )
    assert matcher.match_text("Protect the rights of children.") == []
    assert matcher.match_text("We note the progress made in education.") == []
    # the corpus was embedded once and is read back, not recomputed, by the next matcher
    cached = list((tmp_path / "embeddings").glob("*.npy"))
    assert len(cached) == 1
    marked = np.load(cached[0])
    marked[0, 0] = 42.0  # a value no embedding has: seen again only if the file is read
    np.save(cached[0], marked)
    again = Matcher(corpus())
    assert again.semantic is not None and again.semantic.raw[0, 0] == 42.0


def test_answers_of_the_state_under_review_are_not_matched_by_meaning(tmp_path, monkeypatch):
    monkeypatch.setenv("UPRWATCH_CACHE_DIR", str(tmp_path))
    question = "What steps will be taken to release human rights defenders detained for their peaceful activities?"
    matcher = Matcher([CorpusItem("Q-Iceland-1", "advance_question", question, ("Iceland",))])
    said = "Free the activists who are jailed only for peacefully defending human rights."
    assert [m.ref for m in matcher.match_text(said)] == ["Q-Iceland-1"]  # a delegation raising it, by meaning
    assert matcher.match_text(said, answering=True) == []  # the same words as an answer: wording only


def test_queries_and_corpus_keys_are_searched_through_the_shipped_adapter(tmp_path, monkeypatch):
    monkeypatch.setenv("UPRWATCH_CACHE_DIR", str(tmp_path))
    adapter = embedding_adapter()
    assert adapter.shape == (384, 384) and not np.allclose(adapter, np.eye(384))  # a learned map, not the identity
    matcher = Matcher(corpus())
    semantic = matcher.semantic
    assert semantic is not None
    assert np.allclose(semantic.vectors, adapted(semantic.raw, adapter), atol=1e-6)
    # the same map on both sides: a corpus text searched for itself is still its own nearest, at cosine 1
    cosines = semantic.cosines(semantic.embed([TEXTS[2]])[0], ("recommendation",))
    assert int(np.argmax(cosines)) == 2 and abs(cosines[2] - 1.0) < 1e-4
    # and not the model's own space: the cosines between the corpus texts move
    raw = SemanticIndex(matcher.index, adapter=np.eye(384, dtype=np.float32))
    assert not np.allclose(raw.vectors @ raw.vectors.T, semantic.vectors @ semantic.vectors.T, atol=1e-3)


def test_a_damaged_adapter_file_is_a_one_line_error_naming_the_fix(tmp_path):
    wrong = tmp_path / "adapter.npy"
    np.save(wrong, np.eye(12, dtype=np.float32))
    with pytest.raises(UserError, match=r"12, 12.*refit with bench/generalisation.py --fit"):
        embedding_adapter(wrong)
    (tmp_path / "torn.npy").write_bytes(b"\x93NUMPY")
    with pytest.raises(UserError, match=r"cannot be read.*make install"):
        embedding_adapter(tmp_path / "torn.npy")
