"""Cost of transcription: real-time factor and peak memory per backend and recording length.

    .venv/bin/python benchmarks/asr.py                 # JFK (11 s), 1 min and 10 min
    .venv/bin/python benchmarks/asr.py --minutes 1 10 30 --beam-size 1

Recordings: the JFK fixture, and espeak-ng reading the fixture paper (both columns of every
page), cut to 1 and 10 minutes (the 1-minute file is the start of the 10-minute one).

Every measurement runs in its own process so that ru_maxrss is that run's peak resident memory,
native allocations (CTranslate2, torch, ONNX Runtime) included. For each backend a process that
only loads the model gives the baseline memory; the transcription's own cost is the difference.
The time baseline is ffmpeg decoding the same source file in the same run, so a busy machine
shows up in both columns. Target: faster-whisper base <= 0.3x real time on 2 cores.
"""

from __future__ import annotations

import argparse
import json
import os
import re
import resource
import subprocess
import sys
import tempfile
import time
from pathlib import Path

from vidgen_assets.backends.asr import WINDOW_S

REPO = Path(__file__).resolve().parents[1]
FIXTURES = REPO.parent / "shared" / "fixtures"
JFK = FIXTURES / "jfk.flac"
PAPER = FIXTURES / "open-information-extraction.pdf"


def child(
    backend: str, wav: str, checkpoint: str, cache: str, beam_size: int, window_s: float, load_only: bool
) -> None:
    """Runs in a fresh process: load (and maybe transcribe), print one JSON line, exit."""
    from vidgen_assets.backends.asr import FasterWhisperTranscriber, WhisperTimestampedTranscriber

    t0 = time.perf_counter()
    if backend == "faster-whisper":
        transcriber = FasterWhisperTranscriber(cache_dir=Path(cache), beam_size=beam_size, window_s=window_s)
    else:
        transcriber = WhisperTimestampedTranscriber(checkpoint, window_s=window_s)
    transcriber.load()  # timed apart from transcription
    loaded = time.perf_counter()
    result = {"load_s": loaded - t0}
    if not load_only:
        transcript = transcriber.transcribe(Path(wav))
        result |= {
            "transcribe_s": time.perf_counter() - loaded,
            "duration_s": transcript.duration_s,
            "segments": len(transcript.segments),
            "words": sum(len(s.words) for s in transcript.segments),
            "language": transcript.language,
            "text_head": transcript.text[:80],
        }
    result["peak_rss_mb"] = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024
    print(json.dumps(result))


def run_child(*args: str) -> dict:
    out = subprocess.run([sys.executable, __file__, "--child", *args], capture_output=True, text=True, check=False)
    if out.returncode != 0:
        raise SystemExit(f"benchmark child failed: {' '.join(args)}\n{out.stderr[-3000:]}")
    return json.loads(out.stdout.strip().splitlines()[-1])


def ffmpeg_decode_s(path: Path) -> float:
    t0 = time.perf_counter()
    subprocess.run(["ffmpeg", "-nostdin", "-v", "error", "-i", str(path), "-f", "null", "-"], check=True)
    return time.perf_counter() - t0


def paper_text() -> str:
    import pdfplumber

    parts = []
    with pdfplumber.open(PAPER) as pdf:
        for page in pdf.pages:
            for x0, x1 in ((0, page.width / 2), (page.width / 2, page.width)):
                parts.append(page.crop((x0, 0, x1, page.height)).extract_text(x_tolerance=1) or "")
    text = re.sub(r"-\n(?=[a-z])", "", "\n".join(parts))
    return " ".join(text.split())


def build_speech(workdir: Path, minutes: list[float]) -> dict[str, Path]:
    """espeak-ng reading the paper, looped if needed, cut to each length (16-bit WAV)."""
    text_file = workdir / "paper.txt"
    text_file.write_text(paper_text())
    spoken = workdir / "paper-espeak.wav"
    subprocess.run(["espeak-ng", "-v", "en-us", "-s", "165", "-w", str(spoken), "-f", str(text_file)], check=True)
    out = {}
    for m in minutes:
        path = workdir / f"speech-{m:g}min.wav"
        subprocess.run(
            ["ffmpeg", "-nostdin", "-v", "error", "-y", "-stream_loop", "-1", "-i", str(spoken),
             "-t", str(m * 60), "-c:a", "pcm_s16le", str(path)],
            check=True,
        )  # fmt: skip
        out[f"espeak {m:g} min"] = path
    return out


def make_tiny_checkpoint(path: Path) -> Path:
    sys.path.insert(0, str(REPO))  # the tests own the recipe for the random checkpoint
    from vidgen_tests.helpers.speech import make_tiny_checkpoint as build

    return build(path)


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--minutes", type=float, nargs="+", default=[1, 10])
    parser.add_argument("--beam-size", type=int, default=5)
    parser.add_argument("--window-s", type=float, default=WINDOW_S, help="audio transcribed (and held) at once")
    parser.add_argument("--skip-whisper-timestamped", action="store_true")
    parser.add_argument("--child", nargs=7, metavar=("BACKEND", "WAV", "CKPT", "CACHE", "BEAM", "WINDOW", "LOAD_ONLY"))
    args = parser.parse_args()
    if args.child:
        backend, wav, ckpt, cache, beam, window, load_only = args.child
        child(backend, wav, ckpt, cache, int(beam), float(window), load_only == "1")
        return

    from vidgen_assets.media.audio import normalize_for_recognition
    from vidgen_assets.resources import build_resources, resolved

    cache = resolved(build_resources()["storage"]).paths().cache
    with tempfile.TemporaryDirectory(prefix="vidgen-asr-bench-") as tmp:
        workdir = Path(tmp)
        sources = {"jfk 11 s": JFK, **build_speech(workdir, args.minutes)}
        ckpt = make_tiny_checkpoint(workdir / "tiny-random.pt")
        print(f"cpu cores: {os.cpu_count()}, load average at start: {os.getloadavg()[0]:.2f}")
        print(
            f"faster-whisper: Whisper base int8, 2 threads, beam {args.beam_size}, VAD on, windows of {args.window_s:g} s\n"
        )

        baselines = {
            "faster-whisper": run_child(
                "faster-whisper", "-", "-", str(cache), str(args.beam_size), str(args.window_s), "1"
            ),
        }
        if not args.skip_whisper_timestamped:
            baselines["whisper-timestamped"] = run_child(
                "whisper-timestamped", "-", str(ckpt), "-", "0", str(args.window_s), "1"
            )
        for name, b in baselines.items():
            print(f"{name}: model loaded in {b['load_s']:.2f} s, peak RSS after load {b['peak_rss_mb']:.0f} MB")
        print()

        header = f"{'recording':<16}{'backend':<21}{'audio s':>8}{'ffmpeg s':>9}{'asr s':>8}{'RTF':>7}{'x ffmpeg':>10}{'peak MB':>9}{'+load MB':>9}"
        print(header)
        print("-" * len(header))
        rows = []
        for label, source in sources.items():
            wav = normalize_for_recognition(source, workdir / f"{source.stem}-16k.wav")
            decode_s = ffmpeg_decode_s(source)
            for backend in baselines:
                if (
                    backend == "whisper-timestamped"
                    and label.startswith("espeak")
                    and label != f"espeak {args.minutes[0]:g} min"
                ):
                    continue  # the random checkpoint only checks structure; one espeak run is enough
                r = run_child(backend, str(wav), str(ckpt), str(cache), str(args.beam_size), str(args.window_s), "0")
                rtf = r["transcribe_s"] / r["duration_s"]
                extra = r["peak_rss_mb"] - baselines[backend]["peak_rss_mb"]
                rows.append({"recording": label, "backend": backend, "ffmpeg_s": decode_s, **r, "rtf": rtf})
                print(
                    f"{label:<16}{backend:<21}{r['duration_s']:>8.1f}{decode_s:>9.3f}{r['transcribe_s']:>8.1f}"
                    f"{rtf:>7.3f}{r['transcribe_s'] / decode_s:>10.0f}{r['peak_rss_mb']:>9.0f}{extra:>+9.0f}"
                )
        print()
        fw = [r for r in rows if r["backend"] == "faster-whisper"]
        for r in fw:
            verdict = "meets" if r["rtf"] <= 0.3 else "MISSES"
            print(
                f"faster-whisper on {r['recording']}: {r['rtf']:.3f}x real time ({verdict} the 0.3x target); "
                f"{r['words']} words, language {r['language']!r}: {r['text_head']!r}"
            )
        espeak = [r for r in fw if r["recording"].startswith("espeak")]
        if len(espeak) >= 2:
            short, long = espeak[0], espeak[-1]
            print(
                f"peak RSS {short['recording']}: {short['peak_rss_mb']:.0f} MB, {long['recording']}: "
                f"{long['peak_rss_mb']:.0f} MB (x{long['peak_rss_mb'] / short['peak_rss_mb']:.2f} for "
                f"x{long['duration_s'] / short['duration_s']:.0f} the audio)"
            )
        print(f"load average at end: {os.getloadavg()[0]:.2f}")


if __name__ == "__main__":
    main()
