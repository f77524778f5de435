"""A linear map of sentence embeddings under which a restated demand lies nearer the recommendation it restates.

all-MiniLM-L6-v2 learned what makes two sentences alike from general text; in a UPR demand what counts is the
instrument, the group and the action asked, not the diplomatic framing around them. A 384 × 384 map, learned from the
dev pairs of our labelled sets (`bench/generalisation.py --fit`: each restatement against the other candidates of its
window) and held close to the identity, re-weighs the embedding for that. Queries and corpus keys pass through the
same map, so cosines stay cosines; the cached corpus embeddings stay the model's own.
"""

from __future__ import annotations

from functools import cache
from pathlib import Path

import numpy as np
from uprwatch.config.errors import UserError
from uprwatch.matching.sentence_encoder import DIMENSIONS

ADAPTER_FILE = Path(__file__).resolve().parent / "data" / "embedding_adapter.npy"


def adapted(vectors: np.ndarray, matrix: np.ndarray) -> np.ndarray:
    """Rows of `vectors` mapped by `matrix` and brought back to unit length."""
    mapped = vectors @ matrix.T
    return (mapped / np.maximum(np.linalg.norm(mapped, axis=1, keepdims=True), 1e-12)).astype(np.float32)


@cache
def embedding_adapter(path: Path = ADAPTER_FILE) -> np.ndarray:
    """The map shipped with the package, learned together with the echo model."""
    try:
        matrix = np.load(path)
    except (OSError, ValueError) as exc:
        raise UserError(f"{path}: the embedding adapter cannot be read ({exc}); reinstall with `make install`") from exc
    if matrix.shape != (DIMENSIONS, DIMENSIONS):
        raise UserError(
            f"{path}: the embedding adapter is {matrix.shape}, not {DIMENSIONS} × {DIMENSIONS}; refit with "
            "bench/generalisation.py --fit"
        )
    return matrix.astype(np.float32)
