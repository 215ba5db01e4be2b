"""One typed configuration: defaults once, the environment and the CLI's flags setting the same
fields, bad values refused when the definitions load, and docs/configuration.md's table kept true."""

import os
import re
import subprocess
import sys
from pathlib import Path

import pytest
from dagster import EnvVar
from pydantic import ValidationError

from vidgen_assets.backends.pictures.library.choice import THRESHOLD as LIBRARY_THRESHOLD
from vidgen_assets.resources import SETTINGS, build_resources, resolved

ROOT = Path(__file__).resolve().parents[1]


# Every setting as the README documents it: (variable, flag, resource, field, default, another valid value).
DOCUMENTED = [
    ("VIDGEN_DATA_DIR", "data-dir", "storage", "data_dir", str(ROOT / "data"), "/srv/vidgen-data"),
    ("VIDGEN_TARGET_SECONDS", "target-seconds", "settings", "target_seconds", 240.0, 90.5),
    ("VIDGEN_WORDS_PER_MINUTE", "words-per-minute", "settings", "words_per_minute", 165.0, 150.5),
    ("VIDGEN_CHUNK_SECONDS", "chunk-seconds", "settings", "chunk_seconds", 8.0, 5.5),
    ("VIDGEN_MAX_PAGES", "max-pages", "settings", "max_pages", 60, 7),
    ("VIDGEN_MAX_RECORDING_MINUTES", "max-recording-minutes", "settings", "max_recording_minutes", 240.0, 12.5),
    ("VIDGEN_MAX_WORDS", "max-words", "settings", "max_words", 150_000, 900),
    ("VIDGEN_BURN_IN", "burn-in", "settings", "burn_in", "none", "highlight"),
    ("VIDGEN_BACKFILL_CRON", "backfill-cron", "settings", "backfill_cron", "0 3 * * *", "30 4 * * 1"),
    ("VIDGEN_TTS", "tts", "tts", "backend", "piper", "espeak"),
    ("VIDGEN_TTS_VOICE", "tts-voice", "tts", "voice", "", "/voices/nobody.onnx"),
    ("VIDGEN_ASR", "asr", "asr", "backend", "faster-whisper", "whisper-timestamped"),
    ("VIDGEN_ASR_MODEL", "asr-model", "asr", "model", "", "/models/nothing.pt"),
    ("VIDGEN_LLM", "llm", "llm", "backend", "embedded", "ollama"),
    ("VIDGEN_LLM_MODEL", "llm-model", "llm", "model", "", "llama3.2"),
    ("OLLAMA_HOST", "llm-host", "llm", "host", "http://127.0.0.1:11434", "http://127.0.0.1:9"),
    ("VIDGEN_LLM_SLIDES", "llm-slides", "llm", "slides", "auto", "extractive"),
    ("VIDGEN_PICTURES", "pictures", "pictures", "backend", "library", "comfyui"),
    ("VIDGEN_PICTURES_MEDIA_DIR", "pictures-media-dir", "pictures", "media_dir", "", "/media/nothing"),
    ("VIDGEN_PICTURES_THRESHOLD", "pictures-threshold", "pictures", "threshold", LIBRARY_THRESHOLD, 0.75),
    ("VIDGEN_PICTURES_SD_MODEL", "pictures-sd-model", "pictures", "sd_model", "", "/models/no-sd"),
    ("VIDGEN_PICTURES_URL", "pictures-url", "pictures", "url", "", "http://127.0.0.1:9"),
    ("VIDGEN_PICTURES_WORKFLOW", "pictures-workflow", "pictures", "workflow", "", "/flows/nothing.json"),
    ("VIDGEN_PICTURES_CHECKPOINT", "pictures-checkpoint", "pictures", "checkpoint", "", "sd_xl_base_1.0.safetensors"),
    ("VIDGEN_PICTURES_STEPS", "pictures-steps", "pictures", "steps", 25, 3),
    ("VIDGEN_PICTURES_WIDTH", "pictures-width", "pictures", "width", 1024, 512),
    ("VIDGEN_PICTURES_HEIGHT", "pictures-height", "pictures", "height", 768, 384),
]


def test_every_setting_is_documented_with_its_variable_and_flag():
    assert sorted((s.env, s.flag, s.resource, s.field) for s in SETTINGS) == sorted(row[:4] for row in DOCUMENTED)


def test_defaults_are_the_documented_ones():
    res = {key: resolved(r) for key, r in build_resources(environ={}).items()}
    assert {env: getattr(res[resource], field) for env, _, resource, field, _, _ in DOCUMENTED} == {
        env: default for env, _, _, _, default, _ in DOCUMENTED
    }


def test_every_variable_sets_its_own_field(monkeypatch):
    for env, *_, other in DOCUMENTED:
        monkeypatch.setenv(env, str(other))
    res = {key: resolved(r) for key, r in build_resources().items()}  # from the process environment
    assert {env: getattr(res[resource], field) for env, _, resource, field, _, _ in DOCUMENTED} == {
        env: other for env, *_, other in DOCUMENTED
    }


def test_every_flag_sets_its_own_field_as_doctor_shows_it(data_dir, capsys):
    from vidgen_assets.cli import main

    # doctor may write its model cache under the data directory: a private one.
    values = {flag: str(other) for _, flag, *_, other in DOCUMENTED} | {"data-dir": str(data_dir / "elsewhere")}
    assert main(["doctor"] + [arg for flag, value in values.items() for arg in (f"--{flag}", value)]) == 1
    lines = capsys.readouterr().out.splitlines()
    shown = dict(
        re.match(r"  (\S+) +(.*?)(?: +\(default\))?$", line).groups() for line in lines[1 : lines.index("backends:")]
    )
    assert shown == {env: values[flag] for env, flag, *_ in DOCUMENTED}


def test_the_environment_sets_fields_and_a_flag_overrides_it(tmp_path):
    environ = {"VIDGEN_CHUNK_SECONDS": "5", "VIDGEN_TTS": "espeak", "VIDGEN_DATA_DIR": str(tmp_path)}
    res = build_resources({"chunk-seconds": 3.0}, environ=environ)
    assert res["settings"].chunk_seconds == 3.0
    assert res["tts"].backend == "espeak"
    assert res["storage"].paths().root == tmp_path  # the mapping given, not the process environment


def test_free_form_values_from_the_environment_are_dagster_env_vars(tmp_path, monkeypatch):
    monkeypatch.setenv("VIDGEN_DATA_DIR", str(tmp_path / "elsewhere"))
    storage = build_resources()["storage"]
    # An EnvVar, which the launchpad shows as coming from the environment.
    assert isinstance(storage.data_dir, EnvVar) and storage.data_dir.env_var_name == "VIDGEN_DATA_DIR"
    paths = resolved(storage).paths()
    # Every path follows the storage resource, the model cache included.
    assert paths.root == tmp_path / "elsewhere" and paths.cache == tmp_path / "elsewhere" / "cache"


@pytest.mark.parametrize(
    "variable, value, valid",
    [
        ("VIDGEN_TTS", "pipr", "'piper' or 'espeak'"),
        ("VIDGEN_BURN_IN", "bold", "'none', 'plain' or 'highlight'"),
        ("VIDGEN_PICTURES", "stable-diffusion", "'library', 'diffusers', 'automatic1111', 'comfyui' or 'none'"),
    ],
)
def test_a_misspelt_choice_is_refused_with_the_valid_names(variable, value, valid):
    with pytest.raises(ValidationError, match=re.escape(valid)):
        build_resources(environ={variable: value})


def test_a_bad_choice_in_the_environment_fails_when_the_definitions_load(data_dir):
    env = {**os.environ, "VIDGEN_LLM": "olama"}
    result = subprocess.run(
        [sys.executable, "-c", "import vidgen_assets.definitions"],
        cwd=ROOT,
        env=env,
        capture_output=True,
        text=True,
        timeout=120,
    )
    assert result.returncode != 0
    assert "'embedded' or 'ollama'" in result.stderr and "olama" in result.stderr


def test_the_backfill_schedule_ticks_on_the_configured_cron(data_dir):
    code = "from vidgen_assets.definitions import defs; print(defs.get_schedule_def('backfill_schedule').cron_schedule)"
    crons = []
    for environ in ({}, {"VIDGEN_BACKFILL_CRON": "30 4 * * 1"}):
        env = {k: v for k, v in os.environ.items() if k != "VIDGEN_BACKFILL_CRON"} | environ
        result = subprocess.run(
            [sys.executable, "-c", code], cwd=ROOT, env=env, capture_output=True, text=True, timeout=120
        )
        assert result.returncode == 0, result.stderr[-2000:]
        crons.append(result.stdout.strip().splitlines()[-1])
    assert crons == ["0 3 * * *", "30 4 * * 1"]


def test_a_number_that_is_not_one_is_refused():
    with pytest.raises(ValidationError, match="target_seconds"):
        build_resources(environ={"VIDGEN_TARGET_SECONDS": "four minutes"})


def test_the_configuration_doc_lists_every_setting_and_no_other():
    doc = (ROOT / "docs" / "configuration.md").read_text()
    table = doc[doc.index("| variable |") :].split("\n\n", 1)[0]
    documented = set(re.findall(r"`((?:VIDGEN|OLLAMA)_[A-Z_]+)`", table))
    assert documented == {s.env for s in SETTINGS}


def test_doctor_reports_the_configuration_in_force(data_dir, monkeypatch):
    from vidgen_assets.doctor import report

    monkeypatch.setenv("VIDGEN_CHUNK_SECONDS", "6")
    shown = {row.variable: row.value for row in report({"burn-in": "plain"}).settings}
    assert shown["VIDGEN_CHUNK_SECONDS"] == "6.0" and shown["VIDGEN_BURN_IN"] == "plain"
