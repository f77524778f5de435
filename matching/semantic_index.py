"""Nearest corpus texts by meaning: sentence embeddings of every key of a match index, cached per corpus.

A diplomat restating an old demand in new words shares few words with it; the embedding of the whole sentence
still lands near it. Embedding a corpus costs about 10 ms per text on two cores, so the vectors are kept on disk
under the hash of the texts and the model, and a corpus file is embedded once.
"""

from __future__ import annotations

import hashlib
import os
import tempfile
from pathlib import Path

import numpy as np
from uprwatch.config.defaults import cache_dir
from uprwatch.matching.embedding_adapter import adapted, embedding_adapter
from uprwatch.matching.match_index import MatchIndex
from uprwatch.matching.sentence_encoder import DIMENSIONS, WEIGHTS_SHA256, sentence_encoder


def _cached_vectors(texts: list[str]) -> np.ndarray:
    """Embeddings of `texts`, read from the cache when these exact texts were embedded by this model before."""
    digest = hashlib.sha256(WEIGHTS_SHA256.encode())
    for text in texts:
        digest.update(text.encode("utf-8") + b"\0")
    path = cache_dir() / "embeddings" / f"{digest.hexdigest()}.npy"
    if path.exists():
        vectors = np.load(path)
        if vectors.shape[0] == len(texts):
            return vectors
    vectors = sentence_encoder().encode(texts)
    path.parent.mkdir(parents=True, exist_ok=True)
    # written aside and renamed: parallel processes embedding the same corpus never read half a file
    fd, tmp = tempfile.mkstemp(dir=path.parent, suffix=".npy")
    with os.fdopen(fd, "wb") as fh:
        np.save(fh, vectors)
    Path(tmp).replace(path)
    return vectors


class SemanticIndex:
    """Cosine search over the keys (whole texts and clauses) of a match index, in the adapted embedding space.

    `adapter` is the map queries and keys go through: the shipped one unless given (the identity for the model's
    own space, a fold's map while the echo model is fitted).
    """

    def __init__(self, index: MatchIndex, adapter: np.ndarray | None = None):
        self.index = index
        # the model's own embeddings, as cached; `vectors` are the same through the adapter
        self.raw = _cached_vectors(index.key_texts) if index.key_texts else np.zeros((0, DIMENSIONS), np.float32)
        self._first_key = np.array([keys[0] for keys in index.keys_of], dtype=np.int64)  # keys run item by item
        self.adapt(embedding_adapter() if adapter is None else adapter)
        sentence_encoder()  # loaded now, even when the corpus came from the cache: not on the session's first sentence

    def adapt(self, adapter: np.ndarray) -> None:
        """Search through another map from now on."""
        self.adapter = adapter
        self.vectors = adapted(self.raw, adapter)

    def embed(self, texts: list[str]) -> np.ndarray:
        """Query embeddings, one row per text, in the space the keys are searched in."""
        return adapted(sentence_encoder().encode(texts), self.adapter)

    def cosines(self, query: np.ndarray, kinds: tuple[str, ...]) -> np.ndarray:
        """Best cosine per item (over its keys) for one query vector; items of other kinds get -1."""
        per_key = self.vectors @ query
        per_key[self.index.kind_mask(kinds)] = -1.0
        if not len(per_key):
            return per_key
        return np.maximum.reduceat(per_key, self._first_key)
