"""A job of one empty step, for tests that need Dagster runs on an instance without running
anything: their status and tags are what the code under test reads."""

from __future__ import annotations

from dagster import job, op
from dagster._core.remote_origin import InProcessCodeLocationOrigin, RemoteJobOrigin, RemoteRepositoryOrigin
from dagster._core.types.loadable_target_origin import LoadableTargetOrigin


@op
def _step():
    pass


@job
def one_step_job():
    _step()


# A queued run must say where its job comes from, as the UI's runs do.
ONE_STEP_JOB_ORIGIN = RemoteJobOrigin(
    RemoteRepositoryOrigin(InProcessCodeLocationOrigin(LoadableTargetOrigin(python_file=__file__)), "__repository__"),
    "one_step_job",
)
