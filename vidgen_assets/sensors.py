"""The inbox sensor: a file dropped into data/inbox/ becomes a partition and a run."""

import json
import time

from dagster import DefaultSensorStatus, RunRequest, SensorEvaluationContext, SensorResult, sensor

from vidgen_assets.inbox import scan_inbox
from vidgen_assets.jobs import make_video
from vidgen_assets.partitions import documents
from vidgen_assets.storage.catalog import register
from vidgen_assets.resources import StorageResource


@sensor(job=make_video, minimum_interval_seconds=15, default_status=DefaultSensorStatus.RUNNING)
def inbox_sensor(context: SensorEvaluationContext, storage: StorageResource) -> SensorResult:
    """New or changed files in data/inbox/ add a `documents` partition and request a run.
    The cursor (kept by Dagster, so it survives restarts) records each file's hash: the same
    file is never processed twice, a changed one is processed again."""
    seen = json.loads(context.cursor) if context.cursor else {}
    drops, seen = scan_inbox(storage.paths().inbox, seen, now=time.time())
    db = storage.database()
    doc_ids = [register(db, d.path) for d in drops]
    new = [d for d in dict.fromkeys(doc_ids) if not context.instance.has_dynamic_partition(documents.name, d)]
    for drop, doc_id in zip(drops, doc_ids):
        context.log.info(f"{drop.path.name} -> partition {doc_id}")
    return SensorResult(
        run_requests=[
            RunRequest(partition_key=doc_id, run_key=f"{doc_id}:{drop.sha256[:16]}",
                       tags={"vidgen/file": str(drop.path)})
            for drop, doc_id in zip(drops, doc_ids)
        ],
        dynamic_partitions_requests=[documents.build_add_request(new)] if new else [],
        cursor=json.dumps(seen),
    )
