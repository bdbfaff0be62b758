"""Usable cores: the CPU affinity capped by a container's cgroup quota."""

from __future__ import annotations

import os

import pytest

import kvalitativ.cores as cores
from kvalitativ.cores import cgroup_cpu_quota, usable_cores


@pytest.mark.parametrize("text, want", [("max 100000\n", None), ("200000 100000\n", 2), ("150000 100000", 1),
                                        ("50000 100000", 1), ("800000 100000", 8), ("garbage", None)])
def test_cgroup_v2_quota(tmp_path, text, want):
    (tmp_path / "cpu.max").write_text(text)
    assert cgroup_cpu_quota(tmp_path) == want


@pytest.mark.parametrize("quota, period, want", [("-1", "100000", None), ("300000", "100000", 3),
                                                 ("100000", "0", None)])
def test_cgroup_v1_quota(tmp_path, quota, period, want):
    (tmp_path / "cpu").mkdir()
    (tmp_path / "cpu" / "cpu.cfs_quota_us").write_text(quota)
    (tmp_path / "cpu" / "cpu.cfs_period_us").write_text(period)
    assert cgroup_cpu_quota(tmp_path) == want


def test_no_cgroup_files_no_quota(tmp_path):
    assert cgroup_cpu_quota(tmp_path) is None


def test_usable_cores_is_the_affinity_capped_by_the_quota(monkeypatch):
    affinity = len(os.sched_getaffinity(0)) if hasattr(os, "sched_getaffinity") else (os.cpu_count() or 1)
    monkeypatch.setattr(cores, "cgroup_cpu_quota", lambda root=None: None)
    assert usable_cores() == affinity
    monkeypatch.setattr(cores, "cgroup_cpu_quota", lambda root=None: 1)
    assert usable_cores() == 1
    monkeypatch.setattr(cores, "cgroup_cpu_quota", lambda root=None: affinity + 10)
    assert usable_cores() == affinity
