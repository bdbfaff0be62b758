"""What publishing a run as one transaction costs: `make demo`'s run before and after, side by side.

Runs the demo command (``kvalitativ run --config corpora/sample/kvalitativ.yaml``) from a
checkout of the code before the change (``--before COMMIT``, a temporary git worktree) and from
this checkout, in turn A B A B …, each into an output folder that already holds a run (the
warm case: embedding cache filled, previous outputs present), after one warm-up pair. Reports
the median wall time of each and the median of the pairwise ratios, and — for the new code —
the most disk the output folder and its siblings (staging, previous) held while a run was in
flight, as a multiple of one run's outputs.

    python scripts/benchmarks/bench_publish.py --before c7408d0 [--pairs 5] [--write-docs]
"""

from __future__ import annotations

import argparse
import os
import platform
import shutil
import statistics
import subprocess
import sys
import tempfile
import threading
import time
from pathlib import Path

try:  # as a module of the scripts package (tests), or as a file run from this folder
    from scripts.benchmarks.docs_section import replace_section
except ImportError:  # pragma: no cover - run as `python scripts/benchmarks/<name>.py`
    from docs_section import replace_section

REPO = Path(__file__).resolve().parents[2]
CONFIG = REPO / "corpora" / "sample" / "kvalitativ.yaml"
SECTION = "## Publishing a run"


def folder_bytes(paths: list[Path]) -> int:
    total = 0
    for p in paths:
        for root, _dirs, files in os.walk(p):
            for name in files:
                try:
                    total += os.lstat(os.path.join(root, name)).st_size
                except OSError:
                    pass
    return total


def timed_run(src: Path, out: Path, watch: bool = False) -> tuple[float, int]:
    """Wall seconds of one demo run with the code in ``src``; with ``watch`` the peak bytes of
    ``out`` and its siblings (staging, previous) while it ran (hard links counted each time)."""
    env = {**os.environ, "HF_HUB_OFFLINE": "1", "PYTHONPATH": str(src / "src"),
           "KVALITATIV_PSEUDONYM_KEY": "ab" * 32}
    cmd = [sys.executable, "-m", "kvalitativ.cli", "--quiet", "run", "--config", str(CONFIG), "--out", str(out)]
    peak, stop = [0], threading.Event()

    def poll():
        while not stop.is_set():
            peak[0] = max(peak[0], folder_bytes(sorted(out.parent.glob(f"{out.name}*"))))
            stop.wait(0.25)

    watcher = threading.Thread(target=poll, daemon=True)
    if watch:
        watcher.start()
    t0 = time.perf_counter()
    proc = subprocess.run(cmd, cwd=REPO, env=env, capture_output=True, text=True)
    seconds = time.perf_counter() - t0
    stop.set()
    if watch:
        watcher.join()
    if proc.returncode != 0:
        raise SystemExit(f"run failed ({src}):\n{proc.stderr[-2000:]}")
    return seconds, peak[0]


def measure(before: str, pairs: int) -> dict:
    with tempfile.TemporaryDirectory(prefix="bench-publish-") as tmp:
        tmp = Path(tmp)
        old = tmp / "before"
        subprocess.run(["git", "worktree", "add", "--detach", str(old), before], cwd=REPO, check=True,
                       capture_output=True)
        try:
            a_out, b_out = tmp / "a" / "out", tmp / "b" / "out"
            a_out.parent.mkdir()
            b_out.parent.mkdir()
            timed_run(old, a_out)  # warm-up pair: caches filled, a previous run in each folder
            timed_run(REPO, b_out)
            a_times, b_times, ratios, peaks = [], [], [], []
            for _ in range(pairs):
                a, _ = timed_run(old, a_out)
                b, peak = timed_run(REPO, b_out, watch=True)
                a_times.append(a)
                b_times.append(b)
                ratios.append(b / a)
                peaks.append(peak)
            one_run = folder_bytes([b_out])
        finally:
            subprocess.run(["git", "worktree", "remove", "--force", str(old)], cwd=REPO, capture_output=True)
            shutil.rmtree(old, ignore_errors=True)
    return {"before": before, "pairs": pairs, "a": a_times, "b": b_times, "ratios": ratios,
            "peak_copies": max(peaks) / one_run, "one_run_mb": one_run / 1e6}


def markdown(r: dict, command: str) -> str:
    med_a, med_b, med_r = statistics.median(r["a"]), statistics.median(r["b"]), statistics.median(r["ratios"])
    return "\n".join([
        SECTION, "",
        f"`{command}` ({platform.machine()}, {os.cpu_count()} cores, Python {platform.python_version()}; "
        f"a shared machine: medians of {r['pairs']} pairs run in turn, after one warm-up pair).", "",
        "`make demo`'s command (`kvalitativ run --config corpora/sample/kvalitativ.yaml`), warm: the embedding "
        "cache filled and a previous run in the output folder.", "",
        "| code | median wall s | min | max |", "|---|---:|---:|---:|",
        f"| before ({r['before']}: writing into the published folder) | {med_a:.1f} | {min(r['a']):.1f} | "
        f"{max(r['a']):.1f} |",
        f"| after (staging folder, one switch) | {med_b:.1f} | {min(r['b']):.1f} | {max(r['b']):.1f} |", "",
        f"Median of the pairwise ratios after / before: **{med_r:.3f}** "
        f"(min {min(r['ratios']):.3f}, max {max(r['ratios']):.3f}), i.e. publishing costs "
        f"{100 * (med_r - 1):+.1f} % of a warm demo run.", "",
        f"Disk while a run is in flight: at most **{r['peak_copies']:.2f}×** one run's outputs "
        f"({r['one_run_mb']:.1f} MB) in the output folder and its siblings (`out.staging-*`, "
        "`out.previous`), sampled every 0.25 s; the previous generation is dropped when a run starts building.",
        "",
    ])


def main(argv: list[str] | None = None) -> int:
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("--before", required=True, help="the commit to compare against (before the transaction)")
    ap.add_argument("--pairs", type=int, default=5)
    ap.add_argument("--write-docs", action="store_true", help=f"replace `{SECTION}` in docs/benchmarks.md")
    args = ap.parse_args(argv)
    result = measure(args.before, args.pairs)
    text = markdown(result, f"python scripts/benchmarks/bench_publish.py --before {args.before} "
                            f"--pairs {args.pairs} --write-docs")
    print(text)
    if args.write_docs:
        replace_section(REPO / "docs" / "benchmarks.md", text, heading=SECTION)
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
