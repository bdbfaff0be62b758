"""How many cores this process may really use: the scheduler's affinity and a container's CPU quota.

``os.cpu_count()`` counts the host's cores. In a container with a CPU quota (cgroups, e.g. Docker's
``--cpus 2`` on a 64-core host) or with a CPU affinity mask (``taskset``), starting one worker or
thread per host core oversubscribes the cores the process is given and slows every stage down.
"""

from __future__ import annotations

import math
import os
from pathlib import Path

__all__ = ["usable_cores", "cgroup_cpu_quota"]

_CGROUP = Path("/sys/fs/cgroup")


def cgroup_cpu_quota(root: Path = _CGROUP) -> int | None:
    """The CPU quota of this process's cgroup in whole cores (at least 1), or None without one.
    Reads cgroup v2's ``cpu.max`` ("max 100000" = none, "200000 100000" = 2 cores), else v1's
    ``cpu/cpu.cfs_quota_us`` and ``cpu/cpu.cfs_period_us`` (quota -1 = none)."""
    try:
        v2 = root / "cpu.max"
        if v2.exists():
            quota, period = v2.read_text().split()[:2]
            return None if quota == "max" else max(1, math.floor(int(quota) / int(period)))
        q, p = root / "cpu" / "cpu.cfs_quota_us", root / "cpu" / "cpu.cfs_period_us"
        if q.exists() and p.exists():
            quota, period = int(q.read_text()), int(p.read_text())
            return None if quota <= 0 or period <= 0 else max(1, math.floor(quota / period))
    except (OSError, ValueError):
        return None
    return None


def usable_cores() -> int:
    """The cores this process may use: its CPU affinity (where the system tells it, else the
    host's count), capped by its cgroup's CPU quota; at least 1."""
    cores = len(os.sched_getaffinity(0)) if hasattr(os, "sched_getaffinity") else (os.cpu_count() or 1)
    quota = cgroup_cpu_quota()
    return max(1, min(cores, quota) if quota else cores)
