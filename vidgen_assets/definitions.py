"""Everything Dagster loads: the asset graph and its checks (graph.py), the job, sensor, schedule
and resources."""

from dagster import Definitions

from vidgen_assets.graph import ASSET_CHECKS, PARTITIONED_ASSETS
from vidgen_assets.jobs import in_process_unless_asked, make_video
from vidgen_assets.resources import build_resources
from vidgen_assets.runs import dagster_patches
from vidgen_assets.schedules import backfill_schedule
from vidgen_assets.sensors import inbox_sensor

# What `dagster dev`'s code location, the daemon and every run worker load: the processes that
# run steps, so Dagster's step loop gets vidgen's fixes here (and nowhere on a mere import of
# the asset graph).
dagster_patches.apply()
RESOURCES = build_resources()

defs = Definitions(
    assets=PARTITIONED_ASSETS,
    asset_checks=ASSET_CHECKS,
    jobs=[make_video],
    sensors=[inbox_sensor],
    schedules=[backfill_schedule(RESOURCES["settings"].backfill_cron)],
    resources=RESOURCES,
    executor=in_process_unless_asked,
)
