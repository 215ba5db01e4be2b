"""The one place vidgen changes Dagster's own code, for one pinned Dagster version.

A run that waits for a concurrency-pool slot should sleep until its next claim check. In
Dagster 1.13.27 it never does: `InstanceConcurrencyContext.interval_to_next_pending_claim_check`
returns `min([0, ...])`, never more than 0, so the step loop asks again at once, forever,
spinning a whole core on a 2-core machine, stolen from the very model step that holds the slot
(two documents at once took 5.4x one alone). Upstream noticed ("from scanning the code, it
appeared we would always end up sleeping 0 for concurrency checks which leads to busy
waiting"), in dagster-io/dagster pull request #20367, closed without being merged; no issue
tracks it. `test_dagster_patches.py` fails once an installed Dagster no longer spins, so the
patch can go.

`apply()` is called where steps run: `vidgen make` before its run, and the definitions module,
which is what `dagster dev`'s code location, the daemon and every run worker load. Nothing
else patches: `vidgen serve` imports the asset graph (vidgen_assets/graph.py) and leaves
Dagster as it is. `apply()` refuses, naming what differs, when the installed Dagster is not
the version these patches were written against or lacks an attribute they replace.
"""

from __future__ import annotations

import time

import dagster
from dagster._core.execution.plan import instance_concurrency_context
from dagster._core.execution.plan.active import ActiveExecution
from dagster._core.execution.plan.instance_concurrency_context import InstanceConcurrencyContext

from vidgen_assets.errors import VidgenError

DAGSTER_VERSION = "1.13.27"
CLAIM_CHECK_S = 0.5  # how often a step waiting for a pool slot asks again

# (owner, attribute) of everything replaced; the upstream values, kept for the test and the check.
TARGETS = (
    (InstanceConcurrencyContext, "interval_to_next_pending_claim_check"),
    (instance_concurrency_context, "_calculate_timeout_interval"),
    (ActiveExecution, "get_steps_to_execute"),
)
UPSTREAM = {(owner, name): getattr(owner, name, None) for owner, name in TARGETS}


class DagsterPatchMismatch(VidgenError):
    """The installed Dagster is not the one vidgen_assets/runs/dagster_patches.py was written for."""


def _interval_to_next_pending_claim_check(self) -> float:
    """The intended time to the next claim check, instead of upstream's `min([0, ...])`."""
    if not self._pending_claims or not self._pending_timeouts:
        return 0.0
    return max(0.0, min(self._pending_timeouts.values()) - time.time())


def _calculate_timeout_interval(sleep_interval, count) -> float:
    """A refused claim is retried after 1.1**n seconds upstream (n refusals so far, up to 15 s):
    fit for a cluster of many waiting steps, but here a step that waited through a few of the
    other run's model steps would notice a free slot seconds late, leaving the cores idle. On
    one machine a claim check is one small SQLite query, so ask every half second."""
    return CLAIM_CHECK_S


def _get_steps_to_execute(self, limit=None):
    """The multiprocess executor's loop has no sleep of its own: with no step running and one
    waiting for a slot, it asks again at once, forever. Sleep here instead, only then, so a
    running step's events are never held back. (In-process, sleep_til_ready finds nothing left.)"""
    steps = UPSTREAM[(ActiveExecution, "get_steps_to_execute")](self, limit)
    waiting = self._instance_concurrency_context
    if not steps and not self._in_flight and waiting is not None and waiting.has_pending_claims():
        time.sleep(min(1.0, waiting.interval_to_next_pending_claim_check()))
    return steps


REPLACEMENTS = {
    (InstanceConcurrencyContext, "interval_to_next_pending_claim_check"): _interval_to_next_pending_claim_check,
    (instance_concurrency_context, "_calculate_timeout_interval"): _calculate_timeout_interval,
    (ActiveExecution, "get_steps_to_execute"): _get_steps_to_execute,
}


def _name(owner, attribute: str) -> str:
    if isinstance(owner, type):
        return f"{owner.__module__}.{owner.__qualname__}.{attribute}"
    return f"{owner.__name__}.{attribute}"


def mismatch(version: str = dagster.__version__) -> str | None:
    """What keeps the patches from applying to this Dagster, or None."""
    if version != DAGSTER_VERSION:
        return (
            f"Dagster {version} is installed, but vidgen_assets/runs/dagster_patches.py patches Dagster "
            f"{DAGSTER_VERSION}: check whether the new version still busy-waits for pool slots "
            "(vidgen_tests/test_dagster_patches.py), then drop or update the patches and DAGSTER_VERSION"
        )
    missing = [_name(owner, name) for (owner, name), found in UPSTREAM.items() if not callable(found)]
    if missing:
        return (
            f"Dagster {version} has no {', '.join(missing)}, which vidgen_assets/runs/dagster_patches.py "
            "replaces: update the patches to the installed Dagster"
        )
    return None


def apply() -> None:
    """Put the replacements in place (once per process); DagsterPatchMismatch if they do not fit."""
    problem = mismatch()
    if problem:
        raise DagsterPatchMismatch(problem)
    for (owner, name), replacement in REPLACEMENTS.items():
        setattr(owner, name, replacement)


def targets() -> list[str]:
    """Every Dagster attribute the patches replace."""
    return [_name(owner, name) for owner, name in TARGETS]


def patched() -> list[str]:
    """The Dagster attributes that differ from upstream in this process."""
    return [_name(owner, name) for (owner, name), found in UPSTREAM.items() if getattr(owner, name, None) is not found]
