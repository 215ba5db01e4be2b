"""The one module that patches Dagster: the upstream busy wait it works around is still there
(when this fails, Dagster fixed it and the patch can go), a different Dagster is refused by
name, and `vidgen serve` leaves Dagster as it is."""

from __future__ import annotations

import json
import subprocess
import sys
import time
from pathlib import Path

from dagster import DagsterInstance, DagsterRun
from dagster._core.execution.plan import instance_concurrency_context
from dagster._core.execution.plan.instance_concurrency_context import InstanceConcurrencyContext

from vidgen_assets.runs import dagster_patches
from vidgen_assets.runs.dagster_patches import REPLACEMENTS, UPSTREAM

ROOT = Path(__file__).resolve().parents[1]


def test_upstream_dagster_still_asks_for_a_pool_slot_again_at_once(tmp_path):
    """A step refused a slot has its next claim check in the future, yet upstream's interval
    to it is 0: the step loop never sleeps while it waits (dagster-io/dagster#20367)."""
    with DagsterInstance.local_temp(str(tmp_path)) as instance:
        storage = instance.event_log_storage
        storage.set_concurrency_slots("model", 1)
        assert storage.claim_concurrency_slot("model", "another-run", "holding", 0).is_claimed
        waiting = InstanceConcurrencyContext(instance, DagsterRun(job_name="make_video", run_id="waiting-run"))
        with waiting:
            assert not waiting.claim("model", "narration_audio")
            next_check = min(waiting._pending_timeouts.values()) - time.time()
            assert next_check > 0.1
            upstream = UPSTREAM[(InstanceConcurrencyContext, "interval_to_next_pending_claim_check")]
            assert upstream(waiting) == 0, "Dagster now sleeps until the next claim check: drop this patch"
            ours = REPLACEMENTS[(InstanceConcurrencyContext, "interval_to_next_pending_claim_check")]
            assert 0.1 < ours(waiting) <= next_check
    # Upstream also backs off to 15 s between checks, fit for a cluster, not for one machine.
    assert UPSTREAM[(instance_concurrency_context, "_calculate_timeout_interval")](None, 30) > 10


def test_another_dagster_version_is_refused_naming_both_versions_and_the_module():
    problem = dagster_patches.mismatch("1.14.0")
    assert "Dagster 1.14.0 is installed" in problem and dagster_patches.DAGSTER_VERSION in problem
    assert "vidgen_assets/runs/dagster_patches.py" in problem
    assert dagster_patches.mismatch() is None  # the pinned version, with every attribute it replaces


SERVE_THEN_LOAD = """
import json
from starlette.testclient import TestClient
from vidgen_assets import cli
from vidgen_assets.resources import build_resources, ensure_dagster_home, resolved
from vidgen_assets.runs import dagster_patches
from vidgen_assets.web.app import Site, create_app

paths = resolved(build_resources()["storage"]).paths()
paths.inbox.mkdir(parents=True)
(paths.inbox / "note.md").write_text("# A note\\n\\nOne sentence.\\n")
site = Site(paths, ensure_dagster_home(paths))
with TestClient(create_app(site)) as client:
    for page in ("/", "/upload"):
        assert client.get(page).status_code == 200, page
serving = dagster_patches.patched()
import vidgen_assets.definitions
print(json.dumps({"serve": serving, "definitions": dagster_patches.patched()}))
"""


def test_vidgen_serve_patches_nothing_and_the_definitions_patch_everything(data_dir):
    """The pages (the upload page reads the stage names) in a fresh process: Dagster untouched.
    Loading the definitions, as a code location or run worker does, applies every patch."""
    result = subprocess.run(
        [sys.executable, "-c", SERVE_THEN_LOAD], cwd=ROOT, capture_output=True, text=True, timeout=300
    )
    assert result.returncode == 0, result.stderr[-3000:]
    found = json.loads(result.stdout.strip().splitlines()[-1])
    assert found["serve"] == []
    assert sorted(found["definitions"]) == sorted(dagster_patches.targets())
