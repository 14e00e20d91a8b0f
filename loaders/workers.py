"""Running shard tasks: in this process for small builds, in worker processes for big ones."""

from __future__ import annotations

import math
import multiprocessing
import os
from collections.abc import Callable
from pathlib import Path

from .parts import ShardResult, ShardTask, run_shard, run_shard_in_worker

#: ``progress(done, total)``: documents parsed so far, out of how many.
Progress = Callable[[int, int], None]
#: Below this many files to parse, worker processes cost more than they save.
PARALLEL_THRESHOLD = 400


#: Where a container's CPU limit lives (cgroup v2, then v1).
CGROUP_CPU_MAX = Path("/sys/fs/cgroup/cpu.max")
CGROUP_V1_QUOTA = Path("/sys/fs/cgroup/cpu/cpu.cfs_quota_us")
CGROUP_V1_PERIOD = Path("/sys/fs/cgroup/cpu/cpu.cfs_period_us")


def cpus_of_quota(quota: str, period: str) -> int | None:
    """Whole CPUs a cgroup quota allows ("max" or a negative quota: no limit)."""
    try:
        allowed, every = int(quota), int(period)
    except ValueError:
        return None
    if allowed <= 0 or every <= 0:
        return None
    return max(1, math.ceil(allowed / every))


def usable_cpus() -> int:
    """CPUs this process may really use: its affinity, within a container's CPU quota.

    ``os.cpu_count()`` counts the machine's CPUs; a process pinned to fewer
    (taskset, a cpuset) or a container limited to fewer (``--cpus=1``) gains
    nothing from more workers than it may run at once, only their cost.
    """
    cpus = len(os.sched_getaffinity(0)) if hasattr(os, "sched_getaffinity") else os.cpu_count()
    quota: int | None = None
    try:
        if CGROUP_CPU_MAX.exists():
            quota = cpus_of_quota(*CGROUP_CPU_MAX.read_text().split()[:2])
        elif CGROUP_V1_QUOTA.exists():
            quota = cpus_of_quota(CGROUP_V1_QUOTA.read_text(), CGROUP_V1_PERIOD.read_text())
    except (OSError, TypeError):  # unreadable, or not "quota period"
        quota = None
    return max(1, min(cpus or 1, quota or cpus or 1))


def run_tasks(
    tasks: list[ShardTask], total: int, workers: int | None, progress: Progress | None
) -> list[ShardResult]:
    """Run every task; ``progress`` is called after each one (and once before any)."""
    if workers is None:
        workers = usable_cpus() if total >= PARALLEL_THRESHOLD else 1
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
