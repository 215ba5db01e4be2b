"""How many threads a step's model may use: the cores this process is given (its CPU affinity,
so a container or `taskset` limit counts), shared among the model steps running at that moment.

llama.cpp, ONNX Runtime and CTranslate2 default to one thread per core and spin while they wait;
two such steps on the same cores starve each other (issue 8: 18x slower, not 2x). A model step
alone on the machine uses every core; when another document's model step runs beside it, each
takes its share. The count can be a callable, asked again before each prompt or sentence, so a
step that started alone gives cores back as soon as another starts.
"""

import os
from collections.abc import Callable

Threads = int | Callable[[], int]  # a fixed count, or asked again before each piece of work


def available_cores() -> int:
    """The cores this process may run on."""
    return len(os.sched_getaffinity(0))


def model_threads(sharing: int | None = 1) -> int:
    """Threads for one model while `sharing` model steps (itself included) share the cores
    (None: no sharing known, all cores)."""
    cores = available_cores()
    return max(1, cores // sharing) if sharing else cores


def threads_now(threads: Threads | None) -> int:
    """The count to use now: a fixed one, the callable's current answer, or all cores for None."""
    if threads is None:
        return model_threads(None)
    return max(1, threads() if callable(threads) else threads)
