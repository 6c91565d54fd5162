"""Fine-tune the encoder's last layer and a role head on labelled lines (training only).

The lower five layers of all-MiniLM-L6-v2 stay as shipped; their token states are computed
once (``embeddings.lower_states``) and a copy of the last layer plus a linear head over the
masked mean of its states is trained on them with torch (AdamW, linear warm-up and decay,
dropout as BERT's, seeded: the same data and settings give the same weights on one machine).
At run time ``embeddings.encode_tuned`` runs the tuned layer in NumPy beside the original one,
so summarize pays one extra layer, not a second encoder and no torch import.
"""

from __future__ import annotations

from collections.abc import Sequence
from typing import Any

import numpy as np

#: Settings picked on dev grouped CV (line accuracy of the mixed model; see the model card).
EPOCHS = 8
LEARNING_RATE = 1e-4
BATCH = 16
DROPOUT = 0.1
SEED = 0
PARTS = ("qkv", "out", "ln1", "up", "down", "ln2")


def fit_top(
    states: Sequence[np.ndarray],
    labels: Sequence[int] | np.ndarray,
    class_weight: np.ndarray,
    base: dict[str, Any],
    *,
    epochs: int = EPOCHS,
    learning_rate: float = LEARNING_RATE,
    seed: int = SEED,
    sample_weight: np.ndarray | None = None,
) -> dict[str, np.ndarray]:
    """Tuned last-layer weights (``<part>_w`` / ``<part>_b``, float16-rounded float32) and the
    head (``head_w`` k x 384, ``head_b``) from per-line token states and role indices.

    With ``labels`` a 0/1 matrix (n x k) the head is multi-label: one sigmoid per column,
    ``class_weight`` is each column's positive weight and ``sample_weight`` (optional) each
    row's weight in the loss."""
    import torch

    torch.manual_seed(seed)
    k = len(class_weight)
    multi = np.ndim(labels) == 2
    heads, eps = int(base["heads"]), float(base["eps"])
    params = torch.nn.ParameterDict(
        {name: torch.nn.Parameter(torch.tensor(v)) for name, v in flat(base).items()}
    )
    head = torch.nn.Linear(states[0].shape[1], k)
    drop = torch.nn.Dropout(DROPOUT)

    def batch(rows: list[int]) -> tuple[Any, Any]:
        length = max(len(states[i]) for i in rows)
        x = np.zeros((len(rows), length, states[0].shape[1]), dtype=np.float32)
        m = np.zeros((len(rows), length), dtype=np.float32)
        for j, i in enumerate(rows):
            x[j, : len(states[i])] = states[i]
            m[j, : len(states[i])] = 1.0
        return torch.tensor(x), torch.tensor(m)

    cw = torch.tensor(class_weight, dtype=torch.float32)
    if multi:
        y = torch.tensor(np.asarray(labels, dtype=np.float32))
        sw = torch.tensor(
            np.ones(len(states)) if sample_weight is None else sample_weight, dtype=torch.float32
        )
        bce = torch.nn.BCEWithLogitsLoss(pos_weight=cw, reduction="none")

        def loss_fn(z: Any, target: Any, rows: list[int]) -> Any:
            return (bce(z, target).mean(1) * sw[rows]).sum() / sw[rows].sum()
    else:
        y = torch.tensor(np.asarray(labels, dtype=np.int64))
        ce = torch.nn.CrossEntropyLoss(weight=cw)

        def loss_fn(z: Any, target: Any, rows: list[int]) -> Any:
            return ce(z, target)

    opt = torch.optim.AdamW([*params.values(), *head.parameters()], lr=learning_rate,
                            weight_decay=0.01)  # fmt: skip
    steps = epochs * ((len(states) + BATCH - 1) // BATCH)
    sched = torch.optim.lr_scheduler.LambdaLR(
        opt, lambda s: min(1.0, (s + 1) / (0.1 * steps)) * max(0.0, (steps - s) / steps)
    )
    gen = torch.Generator().manual_seed(seed)
    drop.train()
    for _ in range(epochs):
        order = torch.randperm(len(states), generator=gen).tolist()
        for at in range(0, len(order), BATCH):
            rows = order[at : at + BATCH]
            x, m = batch(rows)
            h = torch_layer(params, x, m, heads, eps, drop)
            pooled = (h * m[..., None]).sum(1) / m.sum(1, keepdim=True)
            loss = loss_fn(head(pooled), y[rows], rows)
            opt.zero_grad()
            loss.backward()
            opt.step()
            sched.step()
    out = {name: p.detach().numpy() for name, p in params.items()}
    out["head_w"] = head.weight.detach().numpy()
    out["head_b"] = head.bias.detach().numpy()
    return {name: v.astype(np.float16).astype(np.float32) for name, v in out.items()}


def pooled_logits(
    states: Sequence[np.ndarray], weights: dict[str, np.ndarray], base: dict[str, Any]
) -> tuple[np.ndarray, np.ndarray]:
    """The tuned layer's masked-mean states (n x 384, not normalised) and its head's logits
    (n x k) for per-text lower-layer token states (torch, no dropout; for cross-validation
    on cached states: ``embeddings.encode_tuned`` is the run-time path)."""
    import torch

    params = {name: torch.tensor(weights[name]) for name in flat(base)}
    drop = torch.nn.Identity()
    out = np.zeros((len(states), states[0].shape[1]), dtype=np.float32)
    with torch.no_grad():
        for at in range(0, len(states), 64):
            rows = states[at : at + 64]
            length = max(len(s) for s in rows)
            x = np.zeros((len(rows), length, out.shape[1]), dtype=np.float32)
            m = np.zeros((len(rows), length), dtype=np.float32)
            for j, s in enumerate(rows):
                x[j, : len(s)], m[j, : len(s)] = s, 1.0
            xt, mt = torch.tensor(x), torch.tensor(m)
            h = torch_layer(params, xt, mt, int(base["heads"]), float(base["eps"]), drop)
            pooled = (h * mt[..., None]).sum(1) / mt.sum(1, keepdim=True)
            out[at : at + len(rows)] = pooled.numpy()
    return out, out @ weights["head_w"].T + weights["head_b"]


def torch_layer(params: Any, x: Any, mask: Any, heads: int, eps: float, drop: Any) -> Any:
    """The last BERT layer in torch over padded token states ``x`` (B, L, 384) with
    ``mask`` (B, L); the same maths as ``embeddings._NumpyMiniLM._layer``."""
    import torch

    n, length, dim = x.shape
    d = dim // heads
    qkv = (x @ params["qkv_w"] + params["qkv_b"]).reshape(n, length, 3, heads, d)
    q, k, v = (qkv[:, :, j].transpose(1, 2) for j in range(3))
    bias = (1.0 - mask[:, None, None, :]) * torch.finfo(torch.float32).min
    attn = drop(torch.softmax(q @ k.transpose(-1, -2) / d**0.5 + bias, dim=-1))
    ctx = (attn @ v).transpose(1, 2).reshape(n, length, dim)
    norm = torch.nn.functional.layer_norm
    x = norm(x + drop(ctx @ params["out_w"] + params["out_b"]), (dim,),
             params["ln1_w"], params["ln1_b"], eps)  # fmt: skip
    up = torch.nn.functional.gelu(x @ params["up_w"] + params["up_b"])
    return norm(x + drop(up @ params["down_w"] + params["down_b"]), (dim,),
                params["ln2_w"], params["ln2_b"], eps)  # fmt: skip


def flat(layer: dict[str, Any]) -> dict[str, np.ndarray]:
    """A layer in the ``embeddings`` layout as ``<part>_w`` / ``<part>_b`` float32 arrays (the
    inverse of ``as_layer``)."""
    return {
        f"{part}_{side}": np.asarray(layer[part][j], dtype=np.float32)
        for part in PARTS
        for j, side in enumerate("wb")
    }


def as_layer(weights: dict[str, np.ndarray]) -> dict[str, tuple[np.ndarray, np.ndarray]]:
    """Tuned weights in the ``embeddings`` layer layout (``part -> (W, b)``)."""
    return {part: (weights[f"{part}_w"], weights[f"{part}_b"]) for part in PARTS}
