"""Optional abstractive rewrite of the Issue Summary with a local seq2seq model.

Only runs when the user points ``--model`` at a local folder (config.json, tokenizer files,
safetensors weights). Never downloads, never runs remote code. The input is the extractive
Issue Summary (facts already checked against the notes), so the model only rephrases; the
draft labels its output as a model rewrite to be checked.
"""

from __future__ import annotations

import os
from functools import cache
from pathlib import Path
from typing import Any

from ..reading import InputError
from .model import Summary

MAX_INPUT_TOKENS = 512
MAX_NEW_TOKENS = 120


@cache
def load(path: str) -> tuple[Any, Any]:
    """(tokenizer, model) from a local folder, offline, safetensors only."""
    folder = Path(path)
    if not (folder / "config.json").is_file():
        raise InputError(f"{path}: not a local model folder (no config.json)")
    os.environ["HF_HUB_OFFLINE"] = "1"
    os.environ["TRANSFORMERS_OFFLINE"] = "1"
    from transformers import AutoModelForSeq2SeqLM, AutoTokenizer

    try:
        tokenizer = AutoTokenizer.from_pretrained(str(folder), local_files_only=True)
        model = AutoModelForSeq2SeqLM.from_pretrained(
            str(folder), use_safetensors=True, local_files_only=True
        )
    except (OSError, ValueError) as err:
        first = str(err).strip().splitlines()[0] if str(err).strip() else type(err).__name__
        raise InputError(f"{path}: cannot load a seq2seq model ({first})") from None
    model.eval()
    return tokenizer, model


def rewrite(summary: Summary, model_path: str | Path, prefix: str = "summarize: ") -> str:
    """The model's rewrite of the extractive Issue Summary (empty input -> empty output)."""
    source = summary.issue_summary.strip()
    if not source:
        return ""
    import torch

    tokenizer, model = load(str(Path(model_path).resolve()))
    batch = tokenizer(
        prefix + source, return_tensors="pt", truncation=True, max_length=MAX_INPUT_TOKENS
    )
    with torch.inference_mode():
        out = model.generate(**batch, max_new_tokens=MAX_NEW_TOKENS, num_beams=2)
    text = tokenizer.decode(out[0], skip_special_tokens=True).strip()
    summary.notes.append(f"abstractive rewrite by the local model at {model_path}")
    return " ".join(text.split())
