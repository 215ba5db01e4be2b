"""make_video: every partitioned asset of one document, source file to finished MP4.

Runs execute their steps in the run's own process unless their config asks for `multiprocess`.
On a small machine a process per step costs more than it gives: each one starts Python and
Dagster and loads its model again, and the graph is a chain, so the steps of one document
barely overlap anyway (a 3-sentence note: 8.6 s in-process, 37.5 s with a process per step,
24 s with forkserver, on 2 cores). Documents run side by side instead, as separate runs (the
run queue starts two at a time) whose model steps share the cores through the instance's pools.
"""

from dagster import AssetSelection, ExecutorDefinition, Field, define_asset_job, multi_or_in_process_executor

# Dagster's own choice of the two, with in_process as the default instead of multiprocess:
#   execution: {config: {multiprocess: {max_concurrent: 2}}}   to have a process per step.
in_process_unless_asked = ExecutorDefinition(
    name="in_process_unless_asked",
    config_schema=Field(
        multi_or_in_process_executor.config_schema.as_field().config_type, default_value={"in_process": {}}
    ),
    executor_creation_fn=multi_or_in_process_executor.executor_creation_fn,
    requirements=multi_or_in_process_executor.get_requirements,
    description="Steps in the run's process; `multiprocess` in the run config for a process per step.",
)

make_video = define_asset_job(
    "make_video",
    selection=AssetSelection.all(),
    description="Turn one document (a `documents` partition) into a narrated, subtitled video.",
)
