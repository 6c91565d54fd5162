"""The sentence encoder: offline loading, shapes, normalisation, determinism."""

from __future__ import annotations

import numpy as np
import pytest

from postmortem_assist import embeddings

pytestmark = pytest.mark.slow


def test_encode_shape_norm_and_empty() -> None:
    e = embeddings.encode(["The disk filled up.", "", "A certificate expired."])
    assert e.shape == (3, embeddings.DIM)
    assert e.dtype == np.float32
    np.testing.assert_allclose(np.linalg.norm(e[[0, 2]], axis=1), 1.0, atol=1e-5)
    assert not e[1].any()
    assert embeddings.encode([]).shape == (0, embeddings.DIM)


def test_encode_is_deterministic_and_order_preserving() -> None:
    texts = ["short one", "a much longer sentence about a database failover at night", "x y"]
    batch = embeddings.encode(texts, batch_size=2)
    single = np.vstack([embeddings.encode([t]) for t in texts])
    np.testing.assert_allclose(batch, single, atol=1e-5)
    np.testing.assert_array_equal(batch, embeddings.encode(texts, batch_size=2))


def test_similar_sentences_are_closer() -> None:
    a, b, c = embeddings.encode(
        [
            "The power supply failed in the data center.",
            "A power outage hit the datacenter.",
            "The new release had a parsing bug.",
        ]
    )
    assert float(a @ b) > float(a @ c)


@pytest.mark.usefixtures("offline")
def test_loads_offline_with_network_blocked() -> None:
    e = embeddings.encode(["Offline load works."], model_path=embeddings.default_model_path())
    assert e.shape == (1, embeddings.DIM)


def test_missing_model_folder_is_a_clear_error(tmp_path) -> None:  # type: ignore[no-untyped-def]
    with pytest.raises(FileNotFoundError):
        embeddings.load_encoder(tmp_path / "nothing-here")


def test_span_embeddings_from_the_same_pass() -> None:
    text = "The config push broke routing. Everything else was fine."
    spans = [[(0, 30), (31, len(text)), (len(text), len(text) + 5)]]
    docs, segs = embeddings.encode_with_spans([text], spans)
    np.testing.assert_allclose(docs, embeddings.encode([text], batch_size=1), atol=1e-5)
    assert segs[0].shape == (3, embeddings.DIM)
    np.testing.assert_allclose(np.linalg.norm(segs[0][:2], axis=1), 1.0, atol=1e-5)
    assert not segs[0][2].any()  # span outside the text: no tokens, zero row


def test_bf16_forward_stays_close_to_float32(monkeypatch: pytest.MonkeyPatch) -> None:
    texts = ["The config push broke routing in two regions.", "Disk full on the primary."]
    monkeypatch.setenv("ASSIST_ENCODER_BACKEND", "torch")
    try:
        vecs = {}
        for flag in ("1", "0"):
            monkeypatch.setenv("ASSIST_ENCODER_BF16", flag)
            embeddings.bf16_enabled.cache_clear()
            if flag == "1" and not embeddings.bf16_enabled():
                pytest.skip("this CPU has no native bfloat16")
            vecs[flag] = embeddings.encode(texts)
        assert not embeddings.bf16_enabled()
    finally:
        monkeypatch.undo()
        embeddings.bf16_enabled.cache_clear()
    assert not np.array_equal(vecs["1"], vecs["0"])  # the bf16 path really ran
    assert (vecs["1"] * vecs["0"]).sum(1).min() > 0.999  # cosine: same up to bf16 rounding


def test_bf16_by_default_only_with_amx(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.delenv("ASSIST_ENCODER_BF16", raising=False)
    try:
        for amx in (False, True):
            monkeypatch.setattr(embeddings, "_has_amx", lambda amx=amx: amx)
            embeddings.bf16_enabled.cache_clear()
            native = bool(__import__("torch").ops.mkldnn._is_mkldnn_bf16_supported())
            # AVX512-BF16 without AMX is slower than float32, so float32 is the default there
            assert embeddings.bf16_enabled() is (amx and native)
    finally:
        monkeypatch.undo()
        embeddings.bf16_enabled.cache_clear()


def test_numpy_runtime_matches_torch_float32(monkeypatch: pytest.MonkeyPatch) -> None:
    texts = [
        "The config push at 14:03 broke routing in two regions; we rolled back at 14:40.",
        "Disk full on the primary.",
        "Checkout requests failed with HTTP 503 while the pool waited for free connections.",
    ]
    spans = [[(0, 15), (17, 40)], [(0, 9)], [(0, 8), (9, 17), (500, 505)]]
    monkeypatch.setenv("ASSIST_ENCODER_BACKEND", "numpy")
    fast = embeddings.encode(texts, batch_size=2)
    fast_docs, fast_segs = embeddings.encode_with_spans(texts, spans)
    monkeypatch.setenv("ASSIST_ENCODER_BACKEND", "torch")
    monkeypatch.setenv("ASSIST_ENCODER_BF16", "0")
    embeddings.bf16_enabled.cache_clear()
    try:
        exact = embeddings.encode(texts, batch_size=2)
        exact_docs, exact_segs = embeddings.encode_with_spans(texts, spans)
    finally:
        monkeypatch.undo()
        embeddings.bf16_enabled.cache_clear()
    np.testing.assert_allclose(fast, exact, atol=1e-5)
    np.testing.assert_allclose(fast_docs, exact_docs, atol=1e-5)
    for a, b in zip(fast_segs, exact_segs, strict=True):
        np.testing.assert_allclose(a, b, atol=1e-5)
    assert not fast_segs[2][2].any()  # a span beyond the text is a zero row in both runtimes


def test_onnx_runtime_matches_numpy_and_is_the_default(monkeypatch: pytest.MonkeyPatch) -> None:
    texts = [
        "The config push at 14:03 broke routing in two regions; we rolled back at 14:40.",
        "Disk full on the primary.",
        "Checkout requests failed with HTTP 503 while the pool waited for free connections. " * 9,
    ]
    spans = [[(0, 15), (17, 40)], [(0, 9)], [(0, 8), (9, 17), (5000, 5005)]]
    monkeypatch.delenv("ASSIST_ENCODER_BACKEND", raising=False)
    assert isinstance(embeddings._light_encoder(texts, 128, None), embeddings._OrtMiniLM)
    fast = embeddings.encode(texts, batch_size=2)
    fast_docs, fast_segs = embeddings.encode_with_spans(texts, spans, max_length=64)
    monkeypatch.setenv("ASSIST_ENCODER_BACKEND", "numpy")
    exact = embeddings.encode(texts, batch_size=2)
    exact_docs, exact_segs = embeddings.encode_with_spans(texts, spans, max_length=64)
    np.testing.assert_allclose(fast, exact, atol=1e-5)
    np.testing.assert_allclose(fast_docs, exact_docs, atol=1e-5)
    for a, b in zip(fast_segs, exact_segs, strict=True):
        np.testing.assert_allclose(a, b, atol=1e-5)
    assert fast_segs[2][1].any() and not fast_segs[2][2].any()  # beyond 64 tokens: zero row


def test_onnx_graph_is_rebuilt_byte_identical(tmp_path) -> None:  # type: ignore[no-untyped-def]
    pytest.importorskip("onnx")
    from postmortem_assist import encoder_graph

    out = tmp_path / "minilm.onnx"
    assert encoder_graph.main([str(out)]) == 0
    assert out.read_bytes() == encoder_graph.graph_path().read_bytes()


def test_onnx_graph_for_another_encoder_is_refused(tmp_path) -> None:  # type: ignore[no-untyped-def]
    import json

    from postmortem_assist import encoder_graph

    pytest.importorskip("onnx")
    base = embeddings._numpy_encoder(None)
    shapes = {k: v.shape for k, v in encoder_graph.weight_arrays(base).items()}
    config = json.loads((embeddings.default_model_path() / "config.json").read_text())
    other = tmp_path / "other.onnx"
    graph = encoder_graph.build({**config, "layer_norm_eps": 1e-5}, shapes)
    other.write_bytes(graph.SerializeToString())
    with pytest.raises(ValueError, match="another encoder"):
        embeddings._OrtMiniLM(base, other)


def test_small_calls_do_not_import_torch() -> None:
    import subprocess
    import sys

    code = (
        "import sys; from postmortem_assist import embeddings as e; "
        "v = e.encode(['The disk filled up.', 'A certificate expired.']); "
        "print(v.shape, 'torch' in sys.modules)"
    )
    out = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, check=True)
    assert out.stdout.split()[-1] == "False"
