"""videos: the finished MP4 with subtitles, and its thumbnail."""

from pathlib import Path

from dagster import AssetExecutionContext, MaterializeResult, MetadataValue, asset

from vidgen_assets.assets.wiring import inline_image
from vidgen_assets.media.captions import write_ass
from vidgen_assets.media.credits import write_credits
from vidgen_assets.media.cues import build_cues
from vidgen_assets.media.ffmpeg import assemble_video, extract_thumbnail
from vidgen_assets.media.subtitle_files import write_srt, write_vtt
from vidgen_assets.partitions import documents
from vidgen_assets.progress import StageProgress
from vidgen_assets.resources import SettingsResource, StorageResource
from vidgen_assets.storage.paths import VideoFiles
from vidgen_assets.storage.records import load_segments
from vidgen_assets.storage.tables import FrameRow, NarrationAudioRow, VideoRow
from vidgen_assets.storage.versions import new_version, publish_video


@asset(
    partitions_def=documents,
    group_name="videos",
    deps=["frames", "transcripts", "narration_audio"],
    kinds={"duckdb", "mp4"},
)
def videos(context: AssetExecutionContext, storage: StorageResource, settings: SettingsResource) -> MaterializeResult:
    """The finished MP4 (H.264 + AAC, faststart) with soft subtitles, .srt and .vtt files
    beside it, and a thumbnail. Each frame is on screen exactly for its chunk's span.
    Captions can also be burned into the picture, optionally highlighting the spoken word.
    Pictures whose licence asks for attribution are credited in a .credits.txt beside it."""
    doc_id = context.partition_key
    db = storage.database()
    paths = storage.paths()
    version = new_version(db, paths, doc_id, "videos")
    files = VideoFiles(version.directory, doc_id)
    progress = StageProgress("videos", context.log.info)
    narration = db.read_one(NarrationAudioRow, doc_id)
    duration = narration.duration_s
    out = files.mp4
    segments = load_segments(db, doc_id)
    cues = build_cues(segments)
    srt = write_srt(cues, files.srt)
    vtt = write_vtt(cues, files.vtt)
    burn_in = None
    if settings.burn_in != "none":
        words = [w for s in segments for w in s.words]
        burn_in = write_ass(cues, files.captions, words, highlight=settings.burn_in == "highlight")
    progress(1, 3)
    frame_rows = db.read(FrameRow, doc_id)
    spans = [(Path(f.path), f.start_s, f.end_s) for f in frame_rows]
    info = assemble_video(spans, Path(narration.path), duration, srt, out, burn_in=burn_in)
    progress(2, 3)
    thumbnail = extract_thumbnail(out, min(duration / 2, spans[1][1] + 0.5 if len(spans) > 1 else 0.5), files.thumbnail)
    credits = write_credits(frame_rows, files.credits)
    progress(3, 3)
    video = info.of_type("video")[0]
    row = VideoRow(
        path=str(out),
        duration_s=info.duration_s,
        width=video.width,
        height=video.height,
        size_bytes=out.stat().st_size,
        srt_path=str(srt),
        vtt_path=str(vtt),
        thumbnail_path=str(thumbnail),
        captions_path=str(burn_in.path) if burn_in else None,
        credits_path=str(credits) if credits else None,
    )
    version.commit({VideoRow: [row]})
    publish_video(paths, doc_id, row)
    published = paths.video(doc_id)
    context.log.info(f"video written: {published}")
    return MaterializeResult(
        metadata={
            "path": MetadataValue.path(str(published)),
            "version": MetadataValue.path(str(version.directory)),
            "duration_s": round(info.duration_s or 0.0, 2),
            "resolution": f"{video.width}x{video.height}",
            "size_mb": round(out.stat().st_size / 1e6, 2),
            "subtitle_cues": len(cues),
            "burned_in_captions": settings.burn_in,
            "thumbnail": MetadataValue.path(str(thumbnail)),
            "picture_credits": MetadataValue.path(str(credits)) if credits else "none needed",
            "preview": inline_image(thumbnail),
        }
    )
