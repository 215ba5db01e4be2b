"""What the asset modules share: the partition, GPU placement and metadata previews."""

import base64
from pathlib import Path

from dagster import MetadataValue

# Steps that can use a GPU: one at a time on a machine (pool `gpu`), and a GPU requested
# from Kubernetes when run with the k8s executor.
GPU_STEP = {
    "pool": "gpu",
    "op_tags": {"dagster-k8s/config": {"container_config": {"resources": {"limits": {"nvidia.com/gpu": "1"}}}}},
}


def inline_image(jpeg: Path) -> MetadataValue:
    """Markdown that shows a small JPEG inside the Dagster UI's metadata panel."""
    return MetadataValue.md(f"![preview](data:image/jpeg;base64,{base64.b64encode(jpeg.read_bytes()).decode()})")
