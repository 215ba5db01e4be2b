"""`vidgen doctor`: every backend, whether it can run on this machine, and if not, why."""

from __future__ import annotations

import shutil

from vidgen_assets.resources import resources_from_env


def _checks() -> list[tuple[str, str, object]]:
    """(step, backend, check) where check() returns None when usable, else the reason."""
    from vidgen_assets.backends.asr import check_transcriber
    from vidgen_assets.backends.llm import check_text_model
    from vidgen_assets.backends.tts import check_synthesizer

    res = resources_from_env()
    asr_model = {"model": res["transcription"].model} if res["transcription"].model else {}
    ollama = {"host": res["text_model"].host}
    if res["text_model"].backend == "ollama" and res["text_model"].model:
        ollama["model"] = res["text_model"].model
    return [
        ("assembly", "ffmpeg", lambda: None if shutil.which("ffmpeg") and shutil.which("ffprobe")
         else "ffmpeg/ffprobe not on PATH (apt-get install ffmpeg)"),
        ("speech", "piper", lambda: check_synthesizer("piper")),
        ("speech", "espeak", lambda: check_synthesizer("espeak")),
        ("transcription", "faster-whisper", lambda: check_transcriber("faster-whisper")),
        ("transcription", "whisper-timestamped",
         lambda: check_transcriber("whisper-timestamped", **asr_model) if asr_model
         else "no local model configured (set VIDGEN_ASR_MODEL to a Whisper .pt file or Hugging Face folder)"),
        ("text", "embedded", lambda: check_text_model("embedded")),
        ("text", "ollama", lambda: check_text_model("ollama", **ollama)),
        ("frames", "builtin", _check_fonts),
    ]


def _check_fonts() -> str | None:
    from vidgen_assets.media.frames import FONT_DIR

    return None if FONT_DIR.is_dir() else f"fonts missing at {FONT_DIR} (apt-get install fonts-dejavu-core)"


def report() -> tuple[list[str], bool]:
    """Lines to print, and whether every configured backend can run."""
    res = resources_from_env()
    configured = {
        "assembly": "ffmpeg",
        "speech": res["speech"].backend,
        "transcription": res["transcription"].backend,
        "text": res["text_model"].backend,
        "frames": "builtin",
    }
    lines, ok = [], True
    for step, backend, check in _checks():
        try:
            problem = check()
        except Exception as exc:  # a broken install is itself the answer doctor must give
            problem = f"{type(exc).__name__}: {exc}"
        chosen = configured.get(step) == backend
        mark = "ok" if problem is None else ("FAIL" if chosen else "--")
        ok &= not (chosen and problem)
        note = "ready" if problem is None else problem
        lines.append(f"{mark:4} {step:13} {backend:20} {'(configured) ' if chosen else ''}{note}")
    return lines, ok
