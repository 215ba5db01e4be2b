"""The asset graph in order and its checks: what the definitions gather, importable on its own.

`vidgen serve` reads the stage names from here, and `vidgen make` runs these; neither loads
the definitions module, whose import also patches Dagster for the processes that run steps
(vidgen_assets/runs/dagster_patches.py).
"""

import warnings

from dagster import PreviewWarning

# Partitioned asset checks are a Dagster preview feature; we rely on it knowingly (one check
# result per document), so its warning would only repeat in every log.
warnings.filterwarnings("ignore", category=PreviewWarning, message="Specifying a partitions_def")

from vidgen_assets import checks  # noqa: E402  (after the filter: the checks warn when defined)
from vidgen_assets.assets.documents import source_documents
from vidgen_assets.assets.frames import frames
from vidgen_assets.assets.narration import narration_audio, narration_scripts
from vidgen_assets.assets.storyboard import image_prompts, summaries
from vidgen_assets.assets.timeline import chunks, transcripts
from vidgen_assets.assets.videos import videos

# In graph order: source file -> finished video.
PARTITIONED_ASSETS = [
    source_documents,
    narration_scripts,
    narration_audio,
    transcripts,
    chunks,
    summaries,
    image_prompts,
    frames,
    videos,
]

# Blocking checks (audio, subtitle words, frames) stop a run before `videos`.
ASSET_CHECKS = [
    checks.audio_not_silent,
    checks.subtitles_say_the_narration,
    checks.every_chunk_has_a_frame,
    checks.no_blank_frame,
    checks.video_matches_narration,
    checks.subtitles_cover_narration,
]


def stage_names() -> list[str]:
    """The partitioned assets' names in graph order: stage n of this many."""
    return [a.key.to_user_string() for a in PARTITIONED_ASSETS]
