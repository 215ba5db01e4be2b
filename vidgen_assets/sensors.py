"""The inbox sensor: a file dropped into data/inbox/ becomes a partition and a run."""

import json

from dagster import DefaultSensorStatus, RunRequest, SensorEvaluationContext, SensorResult, sensor

from vidgen_assets.inbox import Scan, scan_inbox
from vidgen_assets.jobs import make_video
from vidgen_assets.partitions import documents
from vidgen_assets.resources import SettingsResource, StorageResource
from vidgen_assets.runs.liveness import FILE_TAG, reap_dead_runs
from vidgen_assets.sources.read import screen_source
from vidgen_assets.storage.catalog import register


@sensor(job=make_video, minimum_interval_seconds=15, default_status=DefaultSensorStatus.RUNNING)
def inbox_sensor(
    context: SensorEvaluationContext, storage: StorageResource, settings: SettingsResource
) -> SensorResult:
    """A file in data/inbox/ that has stopped changing (same size and time on two ticks) and
    passes a quick check adds a `documents` partition and requests a run; each new content of
    it runs again. A file that cannot become a video is reported once (tick log and skip
    reason) and gets no partition. The cursor (kept by Dagster, surviving restarts) is
    vidgen_assets.inbox's record of every file."""
    for run_id in reap_dead_runs(context.instance, storage.paths()):  # else their pool slots block every run
        context.log.warning(f"run {run_id} lost its process (killed?): marked failed, its pool slots freed")
    cursor = json.loads(context.cursor) if context.cursor else {}
    scan = scan_inbox(storage.paths().inbox, cursor, lambda path: screen_source(path, settings.max_words))
    for refusal in scan.refused:
        context.log.warning(f"not taken: {refusal.reason}")
    for name in scan.gone:
        context.log.info(f"{name} left the inbox")
    db = storage.database()  # ids are given to accepted files only, so junk never takes one
    doc_ids = [register(db, drop.path) for drop in scan.drops]
    new = [d for d in dict.fromkeys(doc_ids) if not context.instance.has_dynamic_partition(documents.name, d)]
    for drop, doc_id in zip(scan.drops, doc_ids):
        context.log.info(f"{drop.path.name} -> partition {doc_id} (content {drop.change})")
    return SensorResult(
        run_requests=[
            RunRequest(partition_key=doc_id, run_key=drop.run_key, tags={FILE_TAG: str(drop.path)})
            for drop, doc_id in zip(scan.drops, doc_ids)
        ],
        dynamic_partitions_requests=[documents.build_add_request(new)] if new else [],
        cursor=json.dumps(scan.cursor),
        skip_reason=None if scan.drops else _nothing_taken(scan),
    )


_SHOWN = 10  # refusals named in a skip reason; the tick's log names them all


def _nothing_taken(scan: Scan) -> str:
    """The tick's skip reason: what was refused, and what is still changing."""
    parts = [refusal.reason for refusal in scan.refused[:_SHOWN]]
    if len(scan.refused) > _SHOWN:
        parts.append(f"{len(scan.refused) - _SHOWN} more not taken (see the tick's log)")
    if scan.waiting:
        names = ", ".join(p.name for p in scan.waiting[:_SHOWN]) + (" ..." if len(scan.waiting) > _SHOWN else "")
        parts.append(f"{len(scan.waiting)} file(s) changed since the last tick, taken once they stop changing: {names}")
    return "; ".join(parts) or "no new or changed file in the inbox"
