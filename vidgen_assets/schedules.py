"""The backfill schedule: on each tick, every document whose video is missing or stale is rebuilt."""

from dagster import (
    AssetKey,
    DefaultScheduleStatus,
    RunRequest,
    ScheduleDefinition,
    ScheduleEvaluationContext,
    SkipReason,
    schedule,
)

from vidgen_assets.jobs import make_video
from vidgen_assets.partitions import documents
from vidgen_assets.resources import StorageResource
from vidgen_assets.storage.catalog import documents_to_refresh


def backfill_schedule(cron: str) -> ScheduleDefinition:
    """The schedule `backfill_schedule` on `cron` (the settings' `backfill_cron`)."""

    @schedule(
        job=make_video, cron_schedule=cron, name="backfill_schedule", default_status=DefaultScheduleStatus.RUNNING
    )
    def _backfill(context: ScheduleEvaluationContext, storage: StorageResource):
        """Requests a run for each `documents` partition without a video, or whose source file
        changed since it was read (nightly by default; VIDGEN_BACKFILL_CRON changes it). A
        document whose file is gone, or whose last read failed on content that has not changed
        since, is not retried: it is named with the reason in the tick's log and skip reason."""
        instance = context.instance
        doc_ids = list(instance.get_dynamic_partitions(documents.name))
        with_video = set(instance.get_materialized_partitions(AssetKey("videos")))
        refresh = documents_to_refresh(storage.database(), doc_ids, with_video)
        held = [f"{doc_id}: {reason}" for doc_id, reason in sorted(refresh.held.items())]
        for line in held:
            context.log.warning(f"not retried: {line}")
        if not refresh.due:
            kept = f"; not retried: {'; '.join(held)}" if held else ""
            return SkipReason(f"{len(doc_ids) - len(held)} of {len(doc_ids)} documents are up to date{kept}")
        tick = context.scheduled_execution_time.isoformat()
        return [RunRequest(partition_key=d, run_key=f"backfill:{d}:{tick}") for d in refresh.due]

    return _backfill
