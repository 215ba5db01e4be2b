"""make_video: every partitioned asset of one document, source file to finished MP4."""

from dagster import AssetSelection, define_asset_job


make_video = define_asset_job(
    "make_video",
    selection=AssetSelection.all(),
    description="Turn one document (a `documents` partition) into a narrated, subtitled video.",
)
