"""The JFK recording's words, a word error rate, and a tiny random Whisper checkpoint."""

from __future__ import annotations

import re
from pathlib import Path

JFK_TEXT = (
    "And so, my fellow Americans, ask not what your country can do for you, ask what you can do for your country."
)


def word_error_rate(reference: str, hypothesis: str) -> float:
    """Word-level Levenshtein distance over the reference length, ignoring case and punctuation."""
    ref, hyp = _norm_words(reference), _norm_words(hypothesis)
    row = list(range(len(hyp) + 1))
    for i, r in enumerate(ref, start=1):
        prev, row[0] = row[0], i
        for j, h in enumerate(hyp, start=1):
            prev, row[j] = row[j], min(row[j] + 1, row[j - 1] + 1, prev + (r != h))
    return row[-1] / max(len(ref), 1)


def _norm_words(text: str) -> list[str]:
    return re.sub(r"[^\w\s']", " ", text.lower()).split()


def make_tiny_checkpoint(path: Path) -> Path:
    """A randomly initialized Whisper saved as openai-whisper saves its checkpoints."""
    import torch
    from whisper.model import ModelDimensions, Whisper

    torch.manual_seed(0)
    dims = ModelDimensions(
        n_mels=80, n_audio_ctx=1500, n_audio_state=64, n_audio_head=2, n_audio_layer=1,
        n_vocab=51865, n_text_ctx=448, n_text_state=64, n_text_head=2, n_text_layer=1,
    )  # fmt: skip
    model = Whisper(dims)
    # Whisper leaves the decoder's positional embedding uninitialized (torch.empty): real
    # checkpoints overwrite it, a random one must set it or attention turns into NaN.
    torch.nn.init.normal_(model.decoder.positional_embedding, std=0.02)
    torch.save({"dims": dims.__dict__, "model_state_dict": model.state_dict()}, path)
    return path
