"""The seven fault cases of a run into a folder that holds a run: killed, disk full, two at once.

On the sample corpus, for each embedder E (static, tfidf): a complete run A (the other embedder)
in ``out/``, then a run B with E into the same folder,

- killed with SIGKILL at 4, 8, 12 and 16 s (as a scheduler's timeout or a closed laptop does);
- on a 20 MB filesystem that holds run A (disk full; needs root to mount a tmpfs, else skipped);
- twice at once (the second started 2 s after the first).

After each case it counts the run ids the folder's files name (run.json, every Parquet table,
CSV and DuckDB table): more than one is a folder that mixes two runs. It also records the
exit code and how many lines the failing command wrote to stderr.

    python scripts/benchmarks/bench_transaction.py [--code DIR] [--write-docs]

``--code DIR`` runs the code of another checkout (e.g. a worktree of the commit before).
"""

from __future__ import annotations

import argparse
import os
import platform
import shutil
import signal
import subprocess
import sys
import tempfile
import time
from pathlib import Path

try:  # as a module of the scripts package (tests), or as a file run from this folder
    from scripts.benchmarks.docs_section import replace_section
except ImportError:  # pragma: no cover - run as `python scripts/benchmarks/<name>.py`
    from docs_section import replace_section

REPO = Path(__file__).resolve().parents[2]
CONFIG = REPO / "corpora" / "sample" / "kvalitativ.yaml"
SECTION = "## A run is one transaction"
KILL_AT = (4, 8, 12, 16)


def start(code: Path, out: Path, embedder: str) -> subprocess.Popen:
    env = {**os.environ, "HF_HUB_OFFLINE": "1", "PYTHONPATH": str(code / "src"), "KVALITATIV_PSEUDONYM_KEY": "ab" * 32}
    cmd = [sys.executable, "-m", "kvalitativ.cli", "--quiet", "run", "--config", str(CONFIG), "--out", str(out),
           "--embedder", embedder]
    return subprocess.Popen(cmd, cwd=REPO, env=env, stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True)


def finish(proc: subprocess.Popen) -> tuple[int, int]:
    _, err = proc.communicate(timeout=1800)
    return proc.returncode, len([line for line in err.splitlines() if line.strip()])


def ids(out: Path) -> set[str]:
    sys.path.insert(0, str(REPO / "src"))
    from kvalitativ.io.store import run_ids_in_folder

    try:
        return run_ids_in_folder(out) if out.exists() else set()
    except Exception as exc:  # a half-written folder may not even read: that counts as broken
        return {f"unreadable ({type(exc).__name__})", "?"}


def ensure_run_a(code: Path, out: Path, other: str) -> None:
    if len(ids(out)) != 1:
        shutil.rmtree(out, ignore_errors=True)
        code_a, _ = finish(start(code, out, other))
        assert code_a == 0, "run A failed"


def cases(code: Path, embedder: str, other: str, tmp: Path) -> list[dict]:
    rows = []
    out = tmp / f"{embedder}" / "out"
    out.parent.mkdir(parents=True)
    for seconds in KILL_AT:
        ensure_run_a(code, out, other)
        proc = start(code, out, embedder)
        time.sleep(seconds)
        proc.send_signal(signal.SIGKILL)
        proc.wait()
        found = ids(out)
        rows.append({"case": f"killed at {seconds} s", "exit": -9, "stderr_lines": 0, "run_ids": len(found)})
    rows.append(disk_full(code, embedder, other, tmp))
    ensure_run_a(code, out, other)
    first = start(code, out, embedder)
    time.sleep(2)
    second = start(code, out, embedder)
    code2, lines2 = finish(second)
    code1, _ = finish(first)
    rows.append({"case": "two runs at once", "exit": f"{code1} / {code2}", "stderr_lines": lines2,
                 "run_ids": len(ids(out))})
    return rows


def disk_full(code: Path, embedder: str, other: str, tmp: Path) -> dict:
    mount = tmp / f"small-{embedder}"
    mount.mkdir()
    if os.geteuid() != 0 or subprocess.run(["mount", "-t", "tmpfs", "-o", "size=20m", "tmpfs", str(mount)],
                                           capture_output=True).returncode != 0:
        return {"case": "disk full (20 MB)", "exit": "skipped (needs root for a tmpfs)", "stderr_lines": "",
                "run_ids": ""}
    try:
        out = mount / "out"
        shutil.rmtree(out, ignore_errors=True)
        a_code, _ = finish(start(code, out, other))
        if a_code != 0:
            return {"case": "disk full (20 MB)", "exit": "run A does not fit in 20 MB", "stderr_lines": "",
                    "run_ids": ""}
        code_b, lines = finish(start(code, out, embedder))
        return {"case": "disk full (20 MB)", "exit": code_b, "stderr_lines": lines, "run_ids": len(ids(out))}
    finally:
        subprocess.run(["umount", str(mount)], capture_output=True)


def markdown(results: dict[str, list[dict]], command: str) -> str:
    lines = [SECTION, "",
             f"`{command}` ({platform.machine()}, {os.cpu_count()} cores, Python {platform.python_version()}). "
             "A complete run A (the other embedder) in the folder, then a run B into it; a case *fails* when the "
             "folder afterwards names more than one run id (run.json, Parquet, CSV, DuckDB).", "",
             "| embedder of B | case | exit code | stderr lines | run ids in the folder |",
             "|---|---|---|---:|---:|"]
    bad = total = 0
    for emb, rows in results.items():
        for r in rows:
            lines.append(f"| {emb} | {r['case']} | {r['exit']} | {r['stderr_lines']} | {r['run_ids']} |")
            if isinstance(r["run_ids"], int):
                total += 1
                bad += r["run_ids"] != 1
    lines += ["", f"**{bad} of {total}** cases leave a folder that does not name exactly one run id.", ""]
    return "\n".join(lines)


def main(argv: list[str] | None = None) -> int:
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("--code", type=Path, default=REPO, help="the checkout whose code runs (default: this one)")
    ap.add_argument("--write-docs", action="store_true", help=f"replace `{SECTION}` in docs/benchmarks.md")
    args = ap.parse_args(argv)
    with tempfile.TemporaryDirectory(prefix="bench-transaction-") as tmp:
        results = {emb: cases(args.code.resolve(), emb, other, Path(tmp))
                   for emb, other in (("static", "tfidf"), ("tfidf", "static"))}
    text = markdown(results, "python scripts/benchmarks/bench_transaction.py" + (" --write-docs" if args.write_docs else ""))
    print(text)
    if args.write_docs:
        replace_section(REPO / "docs" / "benchmarks.md", text, heading=SECTION)
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
