"""How many threads a step's model may use: the cores this process is given (its CPU affinity,
so a container or `taskset` limit counts), shared among the steps its pool lets run at once.

llama.cpp, ONNX Runtime and CTranslate2 default to one thread per core and spin while they wait;
two such steps on the same cores starve each other (issue 8: 18x slower, not 2x). A step that
holds one of `slots` pool slots gets cores // slots threads, at least one.
"""

import os


def available_cores() -> int:
    """The cores this process may run on."""
    return len(os.sched_getaffinity(0))


def model_threads(slots: int | None = 1) -> int:
    """Threads for one model when `slots` steps of its pool may run at once (None: no limit, all cores)."""
    cores = available_cores()
    return max(1, cores // slots) if slots else cores
