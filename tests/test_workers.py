"""How many worker processes a big build starts: no more than the CPUs it may use."""

from __future__ import annotations

import os

from loaders.workers import cpus_of_quota, usable_cpus


def test_workers_follow_a_containers_cpu_quota() -> None:
    assert cpus_of_quota("50000", "100000") == 1
    assert cpus_of_quota("150000", "100000") == 2
    assert cpus_of_quota("max", "100000") is None
    assert cpus_of_quota("-1", "100000") is None
    assert 1 <= usable_cpus() <= (os.cpu_count() or 1)
