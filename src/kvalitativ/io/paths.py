"""Where an output folder keeps each table: the one rule the writer and every reader follow.

Why a module of its own: the writer (:mod:`kvalitativ.io.store`) and the lineage checks
(:mod:`kvalitativ.io.lineage`, which the writer calls) both need the rule, and the lineage had
its own copy of it to keep out of an import circle. Dashboard tables are under ``parquet/``
(and ``csv/``); tables that hold person-level or text data are under ``work/`` only.
"""

from __future__ import annotations

from collections.abc import Iterator
from pathlib import Path

__all__ = ["INTERNAL_TABLES", "PARQUET_FOLDERS", "table_path", "stored_parquet", "parquet_files"]

#: Tables that hold person-level or text data: kept under work/, never in CSV or DuckDB.
INTERNAL_TABLES = frozenset({"corpus", "citizen_corpus", "indicators", "person_themes", "human_codings"})
#: The subfolders that hold Parquet files: dashboard tables, then internal ones.
PARQUET_FOLDERS = ("parquet", "work")


def table_path(out_dir: str | Path, name: str, kind: str = "parquet") -> Path:
    """The path of table *name* in format *kind* (``parquet`` or ``csv``) under *out_dir*."""
    out_dir = Path(out_dir)
    if name in INTERNAL_TABLES:
        return out_dir / "work" / f"{name}.parquet"
    return out_dir / kind / (f"{name}.parquet" if kind == "parquet" else f"{name}.csv")


def stored_parquet(out_dir: str | Path, name: str) -> Path | None:
    """The Parquet file of table *name* in *out_dir*, or None where the folder has none."""
    path = table_path(out_dir, name)
    return path if path.is_file() else None


def parquet_files(out_dir: str | Path) -> Iterator[Path]:
    """Every Parquet file of an output folder: dashboard tables first, each subfolder sorted."""
    out_dir = Path(out_dir)
    for sub in PARQUET_FOLDERS:
        yield from sorted((out_dir / sub).glob("*.parquet"))
