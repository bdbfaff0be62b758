"""Capture `kvalitativ run` outputs and compare two captures table by table, format by format.

Made for refactors that must not change a single output: capture at the commit before, capture
at the commit after, compare::

    git stash -u; git checkout BEFORE
    python scripts/tools/compare_outputs.py capture /tmp/before
    git checkout -; git stash pop
    python scripts/tools/compare_outputs.py capture /tmp/after
    python scripts/tools/compare_outputs.py compare /tmp/before /tmp/after

`capture` runs the real command (``python -m kvalitativ.cli run``) once per scenario, each in a
fresh process with the same embedding cache folder (the cache is keyed by text and model, so a
cached vector equals a freshly computed one):

- ``demo``: `make demo`'s config as it is (local engine; e5 embedder, supervised coder);
- ``dask-tfidf`` and ``dask-static``: the same config on the Dask engine (its own LocalCluster)
  with the TF-IDF and the static embedder;
- ``discover-tfidf`` and ``dask-discover-tfidf``: with discovery switched on (TF-IDF embedder),
  on the local and on the Dask engine.

`compare` checks, for every scenario present in both captures:

- ``parquet/*.parquet`` and ``work/*.parquet``: the same columns, dtypes and values exactly
  (every float bit for bit), and the same file bytes;
- ``csv/*.csv`` and ``csv_da/*.csv``: the same bytes;
- ``kvalitativ.duckdb``: the same table names, and each table's column types and rows exactly;
- ``run.json``: equal after dropping what is genuinely time-dependent — ``created_at`` and each
  stage's ``seconds`` — and ``config.out`` (the capture folder, which the run id leaves out too).
  The run id, the rest of the config, input hashes, versions and table sizes must be equal;
- every other file (``report.html``, saved models, …): the same bytes.

It exits 1 and lists every difference if anything differs, else prints one line per scenario.

Discovery is reproducible run to run since UMAP starts from a PCA layout (its spectral start
differed between processes on the sample: tests/discover/test_reproducible.py), so the discovery
scenarios are compared like the others.
"""

from __future__ import annotations

import argparse
import filecmp
import json
import os
import subprocess
import sys
from pathlib import Path

import pandas as pd
import yaml

ROOT = Path(__file__).resolve().parents[2]
SAMPLE_CONFIG = ROOT / "corpora" / "sample" / "kvalitativ.yaml"

#: scenario → extra `kvalitativ run` options.
SCENARIOS: dict[str, list[str]] = {
    "demo": [],
    "dask-tfidf": ["--engine", "dask", "--embedder", "tfidf"],
    "dask-static": ["--engine", "dask", "--embedder", "static"],
    "discover-tfidf": ["--embedder", "tfidf"],
    "dask-discover-tfidf": ["--engine", "dask", "--embedder", "tfidf"],
}

#: scenarios that run the config with discovery switched on (saved topic model included).
WITH_DISCOVERY = ("discover-tfidf", "dask-discover-tfidf")

#: The pseudonym key of every capture (unless KVALITATIV_PSEUDONYM_KEY is set): two captures are
#: only comparable under one key, since pseudonyms and the run id depend on it; a new key file
#: beside each capture's config would make every person id differ.
CAPTURE_KEY = "6b76616c6974617469762d636f6d706172652d6f7574707574732d6b65792121"

#: run.json fields that depend on the clock, not on the inputs.
TIME_DEPENDENT = ("created_at",)


def absolute_config(base: Path, into: Path, *, discover: bool = False) -> Path:
    """The sample config with absolute input paths and the cache beside the project (as `make demo`)."""
    data = yaml.safe_load(base.read_text(encoding="utf-8"))
    for block, key in (("ingest", "notes"), ("ingest", "indicators"), ("citizen", "notes"), ("code", "train"),
                       ("embed", "cache_dir")):
        if data.get(block, {}).get(key):
            data[block][key] = str((base.parent / data[block][key]).resolve())
    if discover:
        data.setdefault("discover", {})["enabled"] = True
    path = into / ("config-discover.yaml" if discover else "config.yaml")
    path.write_text(yaml.safe_dump(data, allow_unicode=True), encoding="utf-8")
    return path


def capture(into: Path, scenarios: list[str]) -> None:
    into.mkdir(parents=True, exist_ok=True)
    for name in scenarios:
        out = into / name
        config = absolute_config(SAMPLE_CONFIG, into, discover=name in WITH_DISCOVERY)
        cmd = [sys.executable, "-m", "kvalitativ.cli", "--quiet", "run", "--config", str(config),
               "--out", str(out), *SCENARIOS[name]]
        proc = subprocess.run(cmd, cwd=ROOT, capture_output=True, text=True,
                              env={"KVALITATIV_PSEUDONYM_KEY": CAPTURE_KEY, **os.environ, "HF_HUB_OFFLINE": "1"})
        if proc.returncode != 0:
            raise SystemExit(f"{name} failed ({proc.returncode}):\n{proc.stderr[-3000:]}")
        print(f"captured {name} into {out}")


def _parquet_diff(a: Path, b: Path) -> str | None:
    fa, fb = pd.read_parquet(a), pd.read_parquet(b)
    try:
        pd.testing.assert_frame_equal(fa, fb, check_exact=True)
    except AssertionError as exc:
        return f"content differs: {str(exc).splitlines()[0:3]}"
    if not filecmp.cmp(a, b, shallow=False):
        return "same content, different file bytes"
    return None


def _duckdb_diffs(a: Path, b: Path) -> list[str]:
    import duckdb

    def tables(path: Path) -> dict[str, pd.DataFrame]:
        with duckdb.connect(str(path), read_only=True) as con:
            names = [r[0] for r in con.execute("SELECT table_name FROM information_schema.tables "
                                               "ORDER BY table_name").fetchall()]
            out = {}
            for n in names:
                types = con.execute("SELECT column_name, data_type FROM information_schema.columns "
                                    "WHERE table_name = ? ORDER BY ordinal_position", [n]).fetchall()
                frame = con.execute(f'SELECT * FROM "{n}"').df()
                out[n] = (types, frame)
            return out

    ta, tb = tables(a), tables(b)
    diffs = [f"duckdb table only in one: {sorted(set(ta) ^ set(tb))}"] if set(ta) != set(tb) else []
    for name in sorted(set(ta) & set(tb)):
        (types_a, fa), (types_b, fb) = ta[name], tb[name]
        if types_a != types_b:
            diffs.append(f"duckdb {name}: column types differ")
            continue
        try:
            pd.testing.assert_frame_equal(fa, fb, check_exact=True)
        except AssertionError as exc:
            diffs.append(f"duckdb {name}: rows differ: {str(exc).splitlines()[0:3]}")
    return diffs


def _manifest_diff(a: Path, b: Path) -> str | None:
    def clean(path: Path) -> dict:
        data = json.loads(path.read_text(encoding="utf-8"))
        for key in TIME_DEPENDENT:
            data.pop(key, None)
        for stage in data.get("stages", {}).values():
            stage.pop("seconds", None)
        data.get("config", {}).pop("out", None)  # the capture folder itself (not in the run id either)
        return data

    ma, mb = clean(a), clean(b)
    if ma == mb:
        return None
    keys = sorted(k for k in set(ma) | set(mb) if ma.get(k) != mb.get(k))
    return f"run.json differs in {keys}"


def compare_dirs(a: Path, b: Path) -> tuple[int, list[str]]:
    """(files compared, differences) between two output folders."""
    files_a = {p.relative_to(a) for p in a.rglob("*") if p.is_file()}
    files_b = {p.relative_to(b) for p in b.rglob("*") if p.is_file()}
    diffs = [f"only in {a}: {p}" for p in sorted(files_a - files_b)]
    diffs += [f"only in {b}: {p}" for p in sorted(files_b - files_a)]
    for rel in sorted(files_a & files_b):
        pa, pb = a / rel, b / rel
        if rel.suffix == ".parquet":
            problem = _parquet_diff(pa, pb)
        elif rel.suffix == ".duckdb":
            # the file's bytes carry DuckDB's page layout, not the contract: compare its tables
            diffs += [f"{rel}: {d}" for d in _duckdb_diffs(pa, pb)]
            problem = None
        elif rel.name == "run.json":
            problem = _manifest_diff(pa, pb)
        else:
            problem = None if filecmp.cmp(pa, pb, shallow=False) else "bytes differ"
        if problem:
            diffs.append(f"{rel}: {problem}")
    return len(files_a & files_b), diffs


def compare(before: Path, after: Path) -> int:
    failed = False
    scenarios = sorted(p.name for p in before.iterdir() if p.is_dir() and (after / p.name).is_dir())
    if not scenarios:
        raise SystemExit(f"no scenario folder in both {before} and {after}")
    for name in scenarios:
        n, diffs = compare_dirs(before / name, after / name)
        if diffs:
            failed = True
            print(f"{name}: {len(diffs)} difference(s) in {n} files compared")
            for d in diffs:
                print(f"  {d}")
        else:
            print(f"{name}: {n} files identical (parquet values and bytes, csv and csv_da bytes, "
                  f"duckdb tables, run.json without {', '.join(TIME_DEPENDENT)}, stage seconds and config.out)")
    return 1 if failed else 0


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    sub = parser.add_subparsers(dest="cmd", required=True)
    cap = sub.add_parser("capture", help="run every scenario into FOLDER/<scenario>")
    cap.add_argument("folder", type=Path)
    cap.add_argument("--scenarios", nargs="+", default=list(SCENARIOS), choices=list(SCENARIOS))
    cmp_ = sub.add_parser("compare", help="compare two capture folders")
    cmp_.add_argument("before", type=Path)
    cmp_.add_argument("after", type=Path)
    args = parser.parse_args(argv)
    if args.cmd == "capture":
        capture(args.folder, args.scenarios)
        return 0
    return compare(args.before, args.after)


if __name__ == "__main__":
    sys.exit(main())
