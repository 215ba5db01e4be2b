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

from vidgen_assets.resources import SETTINGS, build_resources, resolved

ROOT = Path(__file__).resolve().parents[1]


def test_defaults_are_the_documented_ones():
    res = build_resources(environ={})
    assert res["settings"].max_pages == 60 and res["settings"].target_seconds == 240
    assert res["tts"].backend == "piper" and res["asr"].backend == "faster-whisper" and res["llm"].backend == "embedded"
    assert Path(res["storage"].data_dir) == ROOT / "data"


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


@pytest.mark.parametrize("variable, value, valid", [
    ("VIDGEN_TTS", "pipr", "'piper' or 'espeak'"),
    ("VIDGEN_BURN_IN", "bold", "'none', 'plain' or 'highlight'"),
    ("VIDGEN_PICTURES", "stable-diffusion", "'library', 'diffusers', 'automatic1111', 'comfyui' or 'none'"),
])
def test_a_misspelt_choice_is_refused_with_the_valid_names(variable, value, valid):
    with pytest.raises(ValidationError, match=re.escape(valid)):
        build_resources(environ={variable: value})


def test_a_bad_choice_in_the_environment_fails_when_the_definitions_load(data_dir):
    env = {**os.environ, "VIDGEN_LLM": "olama"}
    result = subprocess.run([sys.executable, "-c", "import vidgen_assets.definitions"], cwd=ROOT, env=env,
                            capture_output=True, text=True, timeout=120)
    assert result.returncode != 0
    assert "'embedded' or 'ollama'" in result.stderr and "olama" in result.stderr


def test_a_number_that_is_not_one_is_refused():
    with pytest.raises(ValidationError, match="target_seconds"):
        build_resources(environ={"VIDGEN_TARGET_SECONDS": "four minutes"})


def test_the_configuration_doc_lists_every_setting_and_no_other():
    doc = (ROOT / "docs" / "configuration.md").read_text()
    table = doc[doc.index("| variable |"):].split("\n\n", 1)[0]
    documented = set(re.findall(r"`((?:VIDGEN|OLLAMA)_[A-Z_]+)`", table))
    assert documented == {s.env for s in SETTINGS}


def test_doctor_reports_the_configuration_in_force(data_dir, monkeypatch):
    from vidgen_assets.doctor import report

    monkeypatch.setenv("VIDGEN_CHUNK_SECONDS", "6")
    shown = {row.variable: row.value for row in report({"burn-in": "plain"}).settings}
    assert shown["VIDGEN_CHUNK_SECONDS"] == "6.0" and shown["VIDGEN_BURN_IN"] == "plain"
