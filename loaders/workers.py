"""Running shard tasks: in this process for small builds, in worker processes for big ones."""

from __future__ import annotations

import multiprocessing
import os
from collections.abc import Callable

from .parts import ShardResult, ShardTask, run_shard, run_shard_in_worker

#: ``progress(done, total)``: documents parsed so far, out of how many.
Progress = Callable[[int, int], None]
#: Below this many files to parse, worker processes cost more than they save.
PARALLEL_THRESHOLD = 400


def run_tasks(
    tasks: list[ShardTask], total: int, workers: int | None, progress: Progress | None
) -> list[ShardResult]:
    """Run every task; ``progress`` is called after each one (and once before any)."""
    if workers is None:
        workers = (os.cpu_count() or 1) if total >= PARALLEL_THRESHOLD else 1
    workers = max(1, min(workers, len(tasks)))
    done = 0
    results: list[ShardResult] = []
    if progress is not None:
        progress(0, total)
    if workers == 1:
        for task in tasks:
            results.append(run_shard(task))
            done += len(task.parse)
            if progress is not None:
                progress(done, total)
        return results
    with multiprocessing.get_context("fork").Pool(workers) as pool:
        for result in pool.imap_unordered(run_shard_in_worker, tasks):
            results.append(result)
            done += len(result.parsed)
            if progress is not None:
                progress(done, total)
    return results
