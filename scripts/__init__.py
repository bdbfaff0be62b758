"""Benchmarks and tools of the project (not part of the installed package); importable from the repository root, e.g. ``from scripts.benchmarks import bench_link``."""
