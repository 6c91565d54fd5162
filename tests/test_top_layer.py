"""The fine-tuned top layer of the line-role model: same maths in torch and NumPy, the mix."""

from __future__ import annotations

from dataclasses import replace
from pathlib import Path

import numpy as np
import pytest

from postmortem_assist import embeddings as E
from postmortem_assist.summarize import line_roles as lr
from postmortem_assist.summarize import top_layer as tl

LINES = [
    "Rolled back payments-router to release 8.13",
    "PagerDuty alert fires: payments-router 5xx above 5%",
    "Error rate back to baseline, card payments succeeding again",
    "ok",
]


def test_encode_tuned_with_the_shipped_last_layer_is_encode() -> None:
    base, (tuned,) = E.encode_tuned([*LINES, ""], [lr_layer := E.last_layer()])
    assert lr_layer["heads"] == 12
    assert np.abs(base - E.encode([*LINES, ""])).max() < 1e-5
    norm = tuned[:4] / np.linalg.norm(tuned[:4], axis=1, keepdims=True)
    assert np.abs(norm - base[:4]).max() < 1e-5
    assert not tuned[4].any()  # empty text: zero row


def test_torch_training_layer_matches_the_numpy_runtime() -> None:
    torch = pytest.importorskip("torch")
    base = E.last_layer()
    states = E.lower_states(LINES)
    assert [s.shape[1] for s in states] == [384] * 4
    assert len(states[0]) > len(states[3])  # token counts differ by line
    params = {name: torch.tensor(v) for name, v in tl.flat(base).items()}
    length = max(len(s) for s in states)
    x = np.zeros((4, length, 384), dtype=np.float32)
    m = np.zeros((4, length), dtype=np.float32)
    for i, s in enumerate(states):
        x[i, : len(s)], m[i, : len(s)] = s, 1.0
    with torch.no_grad():
        h = tl.torch_layer(params, torch.tensor(x), torch.tensor(m), 12, base["eps"],
                           torch.nn.Identity()).numpy()  # fmt: skip
    pooled = (h * m[..., None]).sum(1) / m.sum(1, keepdims=True)
    _, (tuned,) = E.encode_tuned(LINES, [base])
    assert np.abs(pooled - tuned).max() < 1e-4


def _with_top(model: lr.LineRoleModel, mix: float) -> lr.LineRoleModel:
    """The model with an untrained top (the shipped last layer) whose head always says
    ``mitigation``."""
    k = len(model.roles)
    top = tl.flat(E.last_layer())
    top["head_w"] = np.zeros((k, 384), dtype=np.float32)
    top["head_b"] = np.full(k, -5.0, dtype=np.float32)
    top["head_b"][model.roles.index("mitigation")] = 5.0
    return replace(model, top=top, mix=mix)


@pytest.fixture(scope="module")
def shipped() -> lr.LineRoleModel:
    model = lr.load()
    if model is None:
        pytest.skip("no trained line-role model")
    return model


def test_mix_moves_probabilities_only_on_lines_with_tuned_vectors(
    shipped: lr.LineRoleModel,
) -> None:
    lines = [lr.clean(t) for t in LINES]
    emb = lr.embed([ln.text for ln in lines])
    x = shipped.features(lines, emb)
    plain = replace(shipped, top=None, mix=0.0).probs(x)
    model = _with_top(shipped, 0.5)
    tuned = model.tuned_vectors([ln.text for ln in lines])
    assert tuned is not None
    tuned[3] = 0.0  # a line left unencoded (long notes) keeps the LR head's probabilities
    mixed = model.probs(x, tuned)
    mit = shipped.roles.index("mitigation")
    assert np.allclose(mixed.sum(axis=1), 1.0, atol=1e-5)
    assert (mixed[:3, mit] > plain[:3, mit]).all()
    assert np.allclose(mixed[3], plain[3], atol=1e-6)
    assert np.allclose(model.probs(x), plain, atol=1e-6)  # no tuned vectors: LR head only


def test_save_and_load_keep_the_top_layer(shipped: lr.LineRoleModel, tmp_path: Path) -> None:
    model = _with_top(shipped, 0.4)
    model.save(tmp_path, {"method": "test"})
    back = lr.load(tmp_path)
    assert back is not None and back.top is not None and back.mix == 0.4
    assert set(back.top) == set(model.top or {})
    # stored as float16: within its rounding of the float32 weights
    w = (model.top or {})["qkv_w"]
    assert np.abs(back.top["qkv_w"] - w).max() <= np.abs(w).max() * 2**-10


def test_fit_top_is_deterministic_and_learns_its_lines() -> None:
    pytest.importorskip("torch")
    states = E.lower_states(LINES)
    labels = [7, 2, 8, 11]  # mitigation, detection, recovery, other
    weight = np.ones(12)
    a = tl.fit_top(states * 8, labels * 8, weight, E.last_layer(), epochs=3, learning_rate=1e-3)
    b = tl.fit_top(states * 8, labels * 8, weight, E.last_layer(), epochs=3, learning_rate=1e-3)
    assert all(np.array_equal(a[k], b[k]) for k in a)
    _, (tuned,) = E.encode_tuned(LINES, [tl.as_layer(a)])
    assert (tuned @ a["head_w"].T + a["head_b"]).argmax(axis=1).tolist() == labels


def test_multi_label_fit_top_learns_label_sets_and_pooled_logits_match_numpy() -> None:
    pytest.importorskip("torch")
    states = E.lower_states(LINES, max_length=8)
    assert max(len(s) for s in states) == 8  # truncated to the first 8 tokens
    states = E.lower_states(LINES)
    y = np.array([[1, 0, 1], [0, 1, 0], [1, 1, 0], [0, 0, 0]], dtype=np.float32)
    sw = np.array([1.0, 1.0, 0.5, 2.0] * 8)
    a = tl.fit_top(states * 8, np.tile(y, (8, 1)), np.ones(3), E.last_layer(), epochs=3,
                   learning_rate=1e-3, sample_weight=sw)  # fmt: skip
    assert a["head_w"].shape == (3, 384)
    pooled, logits = tl.pooled_logits(states, a, E.last_layer())
    _, (tuned,) = E.encode_tuned(LINES, [tl.as_layer(a)])
    assert np.abs(pooled - tuned).max() < 1e-4
    assert ((logits > 0) == (y > 0)).all()
