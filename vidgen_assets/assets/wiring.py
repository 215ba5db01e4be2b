"""What the asset modules share: machine-wide placement of model steps, and metadata previews.

Steps that run a local model take a slot of a Dagster concurrency pool, so the runs of the CLI,
UI, sensor and backfill together never run more models at once than the pool allows; the limits
are in the instance configuration (vidgen_assets/dagster.yaml). Each such step sizes its model's threads
to the cores shared among the model steps running at that moment (`step_threads`).
"""

import base64
from collections.abc import Callable
from pathlib import Path

from dagster import AssetExecutionContext, DagsterInstance, MetadataValue

from vidgen_assets.backends.threads import model_threads

# Steps running a CPU model (the embedded LLM, Piper): pool `model`.
MODEL_STEP = {"pool": "model"}

# Steps that can use a GPU (Whisper, picture embedding or generation): pool `gpu`, and a GPU
# requested from Kubernetes when run with the k8s executor.
GPU_STEP = {
    "pool": "gpu",
    "op_tags": {"dagster-k8s/config": {"container_config": {"resources": {"limits": {"nvidia.com/gpu": "1"}}}}},
}


# Both pools run local models on the same cores: a step's threads count the steps of either.
MODEL_POOLS = ("model", "gpu")


def model_steps_running(instance: DagsterInstance) -> int | None:
    """Steps holding a slot of a model pool on this instance now, from every run (None: the
    instance keeps no pools, as in an ephemeral test instance)."""
    storage = instance.event_log_storage
    if not storage.supports_global_concurrency_limits:
        return None
    return sum(len(info.claimed_slots) for info in storage.get_concurrency_infos(MODEL_POOLS).values())


def step_threads(context: AssetExecutionContext) -> Callable[[], int]:
    """Threads for this step's model, asked again before each prompt or sentence: the cores
    shared among the model steps running now, this one included."""
    instance = context.instance

    def now() -> int:
        running = model_steps_running(instance)
        return model_threads(max(1, running) if running is not None else None)

    return now


def inline_image(jpeg: Path) -> MetadataValue:
    """Markdown that shows a small JPEG inside the Dagster UI's metadata panel."""
    return MetadataValue.md(f"![preview](data:image/jpeg;base64,{base64.b64encode(jpeg.read_bytes()).decode()})")
