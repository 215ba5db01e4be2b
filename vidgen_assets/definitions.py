"""Everything Dagster loads: the asset graph, its checks, the job, sensor, schedule and resources."""

import warnings

from dagster import Definitions, PreviewWarning

# Partitioned asset checks are a Dagster preview feature; we rely on it knowingly (one check
# result per document), so its warning would only repeat in every log.
warnings.filterwarnings("ignore", category=PreviewWarning, message="Specifying a partitions_def")

from vidgen_assets import checks
from vidgen_assets.assets.documents import source_documents
from vidgen_assets.assets.frames import frames
from vidgen_assets.assets.narration import narration_audio, narration_scripts
from vidgen_assets.assets.storyboard import image_prompts, summaries
from vidgen_assets.assets.timeline import chunks, transcripts
from vidgen_assets.assets.videos import videos
from vidgen_assets.instance import wait_for_pool_slots_without_spinning
from vidgen_assets.jobs import in_process_unless_asked, make_video
from vidgen_assets.resources import build_resources
from vidgen_assets.schedules import backfill_schedule
from vidgen_assets.sensors import inbox_sensor

# In graph order: source file -> finished video.
PARTITIONED_ASSETS = [
    source_documents, narration_scripts, narration_audio, transcripts, chunks,
    summaries, image_prompts, frames, videos,
]

# Blocking checks (audio, subtitle words, frames) stop a run before `videos`.
ASSET_CHECKS = [
    checks.audio_not_silent, checks.subtitles_say_the_narration, checks.every_chunk_has_a_frame,
    checks.no_blank_frame, checks.video_matches_narration, checks.subtitles_cover_narration,
]

wait_for_pool_slots_without_spinning()
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
