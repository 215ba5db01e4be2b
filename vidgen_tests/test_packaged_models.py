"""Models shipped in PyPI packages: assembled locally, verified, and never fetched from a hub."""

from __future__ import annotations

import hashlib
import json
import os

from vidgen_assets.backends.packaged_models import assemble_whisper_base, offline


def test_damaged_assembled_model_is_rebuilt(tmp_path):
    folder = assemble_whisper_base(tmp_path)
    sha = json.loads((folder / "vidgen-model.json").read_text())["sha256"]
    with open(folder / "model.bin", "r+b") as fh:
        fh.seek(1_000_000)
        byte = fh.read(1)
        fh.seek(1_000_000)
        fh.write(bytes([byte[0] ^ 0xFF]))
    assemble_whisper_base(tmp_path)
    assert hashlib.sha256((folder / "model.bin").read_bytes()).hexdigest() == sha


def test_offline_forbids_hub_access_even_if_the_shell_allowed_it(monkeypatch):
    monkeypatch.setenv("HF_HUB_OFFLINE", "0")
    monkeypatch.delenv("TRANSFORMERS_OFFLINE", raising=False)
    offline()
    assert (os.environ["HF_HUB_OFFLINE"], os.environ["TRANSFORMERS_OFFLINE"]) == ("1", "1")
