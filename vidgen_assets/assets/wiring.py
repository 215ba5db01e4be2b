"""What the asset modules share: machine-wide placement of model steps, and metadata previews.

Steps that run a local model take a slot of a Dagster concurrency pool, so two runs (CLI, UI,
sensor, backfill) never run two models on the same cores at once; the limits are in the
instance configuration (vidgen_assets/dagster.yaml). Each such step sizes its model's threads
to the cores divided by its pool's limit (`step_threads`).
"""

import base64
from pathlib import Path

from dagster import AssetExecutionContext, DagsterInstance, MetadataValue

from vidgen_assets.backends.threads import model_threads

# Steps running a CPU model (the embedded LLM, Piper): one at a time on a machine (pool `model`).
MODEL_STEP = {"pool": "model"}

# Steps that can use a GPU (Whisper, picture embedding or generation): one at a time on a
# machine (pool `gpu`), and a GPU requested from Kubernetes when run with the k8s executor.
GPU_STEP = {
    "pool": "gpu",
    "op_tags": {"dagster-k8s/config": {"container_config": {"resources": {"limits": {"nvidia.com/gpu": "1"}}}}},
}


def pool_limit(instance: DagsterInstance, pool: str | None) -> int | None:
    """How many steps of `pool` the instance lets run at once (None: no limit)."""
    storage = instance.event_log_storage
    if not pool or not storage.supports_global_concurrency_limits:
        return None
    return storage.get_concurrency_info(pool).limit  # the pool's own limit, else the default


def step_threads(context: AssetExecutionContext) -> int:
    """Threads for the model this step runs: its cores shared among its pool's slots."""
    return model_threads(pool_limit(context.instance, context.op_def.pool))


def inline_image(jpeg: Path) -> MetadataValue:
    """Markdown that shows a small JPEG inside the Dagster UI's metadata panel."""
    return MetadataValue.md(f"![preview](data:image/jpeg;base64,{base64.b64encode(jpeg.read_bytes()).decode()})")
