"""Pieces for working on an export chunk by chunk, in memory that does not grow with it.

Why: the ordinary stages hold the whole corpus (and every embedding) in memory, which is fine
for a municipality but not for a national export of millions of notes. The streamed engine
(:mod:`kvalitativ.engines.streamed`) is built from these: :func:`iter_raw_chunks` reads an
export a chunk of rows at a time (with the one CSV record reader ingest uses),
:func:`ingest_chunk` ingests and redacts one chunk and catches a note id repeated from an
earlier chunk, and :class:`TableAppender` appends a table's rows to its Parquet, CSV and
Danish CSV files (each moved into place when complete) and loads the Parquet into DuckDB at
the end — the same files :func:`kvalitativ.io.store.write_tables` writes for a whole table.
"""

from __future__ import annotations

import contextlib
import itertools
import os
from collections import Counter
from collections.abc import Iterator
from pathlib import Path

import numpy as np
import pandas as pd

from kvalitativ.errors import InputError
from kvalitativ.io.atomic import atomic_path

__all__ = ["iter_raw_chunks", "ingest_chunk", "ParquetAppender", "TableAppender", "replace_rows"]

from kvalitativ.io.readers import BOM


def _decoded_lines(path: Path, encoding: str | None) -> Iterator[str]:
    """The file's lines as str; without ``encoding`` each line is UTF-8, else cp1252 (as ingest does)."""
    from kvalitativ.io.decoding import decode_line

    with open(path, "rb") as fh:
        first = True
        for raw in fh:
            line = raw.decode(encoding) if encoding else decode_line(raw)
            if first:
                line = line.lstrip(BOM)
                first = False
            yield line


def iter_raw_chunks(path: str | os.PathLike, chunk_size: int = 50_000, *, encoding: str | None = None,
                    separator: str | None = None) -> Iterator:
    """Yield :class:`~kvalitativ.io.readers.RawTable` chunks of at most ``chunk_size`` rows.

    CSV/TSV is streamed (row numbers are the file's line numbers, as ``read_raw`` gives them;
    malformed rows become ``malformed_row`` rejects); Parquet is streamed by record batches;
    other formats (XLSX, JSONL) are read whole and then cut into chunks.
    """
    from kvalitativ.io.readers import RawTable, csv_records, raw_table_of, read_raw, sniff_separator

    path = Path(path)
    if not path.exists():
        raise InputError(f"{path}: file not found. Check the path (relative paths are from the current folder).")
    suffix = path.suffix.lower()
    if suffix == ".parquet":
        import pyarrow.parquet as pq

        row = 2
        for batch in pq.ParquetFile(path).iter_batches(batch_size=chunk_size):
            frame = batch.to_pandas().astype(object)
            frame = frame.where(frame.notna(), None)
            frame["_source_row"] = np.arange(row, row + len(frame))
            row += len(frame)
            yield RawTable(frame, path)
        return
    if suffix not in (".csv", ".tsv", ".txt", ""):
        raw = read_raw(path, encoding=encoding, separator=separator)
        for i in range(0, max(len(raw.frame), 1), chunk_size):
            rej = raw.rejects if i == 0 else raw.rejects.iloc[:0]
            yield RawTable(raw.frame.iloc[i : i + chunk_size].reset_index(drop=True), path, rej, raw.encoding,
                           raw.separator)
        return

    lines = _decoded_lines(path, encoding)
    head: list[str] = []
    for line in lines:  # enough lines to sniff the separator
        head.append(line)
        if len(head) >= 50:
            break
    if not head or not "".join(head).strip():
        raise InputError(f"{path}: the file is empty.")
    sep = separator or ("\t" if suffix == ".tsv" else sniff_separator("".join(head)))
    header, records = csv_records(itertools.chain(head, lines), path, sep)
    enc = encoding or "utf-8 (per line, cp1252 fallback)"
    for group in _good_rows_cut(records, chunk_size):
        yield raw_table_of(group, header, path, encoding=enc, separator=sep)


def _good_rows_cut(records, chunk_size: int):
    """Group records so that each group holds ``chunk_size`` good rows (rejects ride along)."""
    group, n_good = [], 0
    for rec in records:
        group.append(rec)
        if rec[1] is not None:
            n_good += 1
            if n_good >= chunk_size:
                yield group
                group, n_good = [], 0
    if group:
        yield group


class ParquetAppender:
    """Append DataFrames with one fixed schema to a Parquet file; move it into place on ``close``.

    The file is written beside its target through :func:`kvalitativ.io.atomic.atomic_path` and
    only replaces it on ``close``: a run killed half-way leaves the previous file whole.
    """

    def __init__(self, path: Path, read: dict[str, str] | None = None):
        self.path = Path(path)
        self.read = dict(read or {})  # what the stage read (kvalitativ.io.lineage), kept in the schema
        from kvalitativ.io.lineage import INPUT_TABLES, ContentDigest

        # the content without run_id, chunk after chunk, for a table some stage reads (io.lineage)
        self.digest = ContentDigest() if self.path.stem in INPUT_TABLES else None
        self._atomic = contextlib.ExitStack()
        self.tmp: Path | None = None
        self.writer = None
        self.schema = None
        self.rows = 0

    def append(self, frame: pd.DataFrame) -> None:
        import pyarrow as pa
        import pyarrow.parquet as pq

        if self.schema is None:
            table = pa.Table.from_pandas(frame, preserve_index=False)
            # a column that is all-empty in the first chunk would get the null type: make it text
            fields = [pa.field(f.name, pa.string()) if pa.types.is_null(f.type) else f for f in table.schema]
            metadata = dict(table.schema.metadata or {})  # keeps the pandas dtypes
            if self.read:
                import json

                from kvalitativ.io.lineage import READ_KEY

                metadata[READ_KEY] = json.dumps(self.read, sort_keys=True).encode()
            self.schema = pa.schema(fields, metadata=metadata)
            self.tmp = self._atomic.enter_context(atomic_path(self.path))
            self.writer = pq.ParquetWriter(self.tmp, self.schema)
        table = pa.Table.from_pandas(frame, schema=self.schema, preserve_index=False)
        self.writer.write_table(table)
        if self.digest is not None:
            self.digest.update(frame)
        self.rows += len(frame)

    def close(self, empty: pd.DataFrame | None = None) -> None:
        if self.writer is None and empty is not None:
            self.append(empty)
        if self.writer is not None:
            if self.digest is not None:
                from kvalitativ.io.lineage import CONTENT_KEY

                self.writer.add_key_value_metadata({CONTENT_KEY: self.digest.hexdigest().encode()})
            self.writer.close()
            self._atomic.close()  # fsync, then replace the target


class TableAppender:
    """One table appended chunk by chunk to the files ``write_tables`` writes for it whole.

    A dashboard table gets ``parquet/``, ``csv/`` and ``csv_da/`` files (each under a temporary
    name, moved into place on ``close``; CSV rows appended chunk after chunk are the bytes of the
    whole table written at once) and, on ``close``, its DuckDB table, loaded from the Parquet file
    without going through memory. An internal table (``corpus``) gets its ``work/`` Parquet file
    only. Every chunk goes through the checks ``write_tables`` makes (``prepare_table``).
    """

    def __init__(self, out_dir: str | os.PathLike, name: str, run_id: str | None, *, min_cell: int = 5,
                 kept_types: tuple[str, ...] = (), read: dict[str, str] | None = None):
        from kvalitativ.io.store import COUNT_COLUMNS, INTERNAL_TABLES, table_path

        if name in COUNT_COLUMNS:  # suppression needs the whole table
            raise ValueError(f"table '{name}' has count columns and cannot be written chunk by chunk")
        self.out_dir, self.name, self.run_id, self.min_cell = Path(out_dir), name, run_id, min_cell
        self.kept_types = tuple(kept_types)
        self.internal = name in INTERNAL_TABLES
        self.parquet = ParquetAppender(table_path(self.out_dir, name, "parquet"), read=read)
        self._files = contextlib.ExitStack()
        self._csv: dict[bool, object] = {}
        if not self.internal:
            for danish, kind in ((False, "csv"), (True, "csv_da")):
                tmp = self._files.enter_context(atomic_path(table_path(self.out_dir, name, kind)))
                handle = open(tmp, "w", encoding="utf-8-sig" if danish else "utf-8", newline="")
                self._files.callback(handle.close)  # closed before atomic_path moves the file
                self._csv[danish] = handle
        self.rows = 0
        self._started = False

    def append(self, frame: pd.DataFrame) -> None:
        from kvalitativ.io.store import prepare_table, write_csv_rows

        ready = prepare_table(self.name, frame, self.run_id, self.min_cell, self.kept_types)
        self.parquet.append(ready)
        for danish, handle in self._csv.items():
            write_csv_rows(ready, handle, danish=danish, header=not self._started)
        self._started = True
        self.rows += len(frame)

    def close(self, empty: pd.DataFrame) -> int:
        """Move every file into place (``empty``: the table's columns, written if no row came)."""
        import pyarrow.dataset as ds

        from kvalitativ.io.store import DUCKDB_FILE, tables_to_duckdb

        if self.parquet.writer is None:
            self.append(empty)
        self.parquet.close()
        self._files.close()
        if not self.internal:
            tables_to_duckdb({self.name: ds.dataset(self.parquet.path, format="parquet")},
                             self.out_dir / DUCKDB_FILE)
        return self.rows


def replace_rows(out_dir: str | os.PathLike, name: str, owner: tuple[str, str], rows: pd.DataFrame,
                 run_id: str | None, *, min_cell: int = 5, kept_types: tuple[str, ...] = (),
                 chunk_size: int = 100_000, read: dict[str, str] | None = None) -> int:
    """Replace one stage's rows of a shared table, a chunk at a time: the table's rows whose
    ``owner`` column (e.g. ``("method", "topic")``) holds another value are copied from the
    stored table, then ``rows`` are appended — the rows and order of
    :func:`kvalitativ.discover.stage.merge_with_existing` + ``write_tables``, without the whole
    table in memory. Why: discovery adds a million topic rows to the coding stage's codings.
    Returns the rows written."""
    import pyarrow.parquet as pq

    from kvalitativ.io.store import iter_stage_batches, table_path

    column, ours = owner
    path = table_path(Path(out_dir), name)
    stored = pq.read_schema(path).empty_table().to_pandas() if path.exists() else None
    if stored is not None and column not in stored.columns:  # not a shared table: replaced whole, as merge does
        stored = None
    appender = TableAppender(out_dir, name, run_id, min_cell=min_cell, kept_types=kept_types, read=read)
    like = None
    if stored is not None:  # read while the new files are written beside it
        # the columns and dtypes pd.concat([old rows, rows]) gives, for every chunk alike
        like = pd.concat([stored.drop(columns=["run_id"], errors="ignore"), rows.iloc[:0]], ignore_index=True)
        for batch in iter_stage_batches(out_dir, name, batch_size=chunk_size):
            if column in batch.columns:
                batch = batch[batch[column].astype(str) != ours]
            if len(batch):
                appender.append(_like(batch, like))
    like = like if appender.rows else None  # no old row kept: no concat, the rows as they are
    for start in range(0, len(rows), chunk_size):
        chunk = rows.iloc[start:start + chunk_size]
        appender.append(chunk if like is None else _like(chunk, like))
    return appender.close(rows.iloc[:0])


def _like(frame: pd.DataFrame, like: pd.DataFrame) -> pd.DataFrame:
    """*frame* with the columns (in order) and dtypes of *like*."""
    return frame.reindex(columns=like.columns).astype(like.dtypes.to_dict())


def ingest_chunk(raw, path: Path, ingest_config, privacy, seen: dict[str, int], facts=None):
    """``ingest_notes`` on one chunk (read, validate, redact): its IngestResult. ``facts``: the
    whole export's :class:`~kvalitativ.io.ingest.ExportFacts` (names, CPR id column).

    A note id already used in an earlier chunk is rejected as ingest rejects one within a file:
    ``duplicate_row`` (same text) or ``duplicate_note_id``. ``seen`` (note id → hash of its
    redacted text) remembers the kept notes and is updated here — the one thing of a finished
    chunk that stays in memory. A chunk whose every row is rejected gives an empty corpus.
    """
    from kvalitativ.io.ingest import IngestResult, ingest_notes
    from kvalitativ.io.readers import REJECT_COLUMNS, make_rejects

    res = ingest_notes(path, ingest_config, privacy, raw=raw, allow_empty=True, facts=facts)
    corpus, rejects = res.corpus, res.rejects
    if len(corpus):
        ids = corpus["note_id"].astype(str).tolist()
        hashes = [hash(t) for t in corpus["text"].tolist()]
        again = np.array([nid in seen for nid in ids], dtype=bool)
        if again.any():
            same = [seen[nid] == h for nid, h, a in zip(ids, hashes, again) if a]
            rows = corpus.loc[again, "source_row"].tolist()
            dup = make_rejects(path, rows, "", None).assign(
                reason=["duplicate_row" if s else "duplicate_note_id" for s in same],
                detail=[f"same note_id and text as an earlier row ({v})" if s else
                        f"note_id {v} already used by an earlier row"
                        for v, s in zip(corpus.loc[again, "note_id"], same)])
            rejects = pd.concat([rejects, dup], ignore_index=True).sort_values("source_row", kind="stable")
            rejects = rejects.reset_index(drop=True)[REJECT_COLUMNS].astype(
                {"source_file": "string", "source_row": "Int64", "reason": "string", "detail": "string"})
            corpus = corpus[~again].reset_index(drop=True)
            hashes = [h for h, a in zip(hashes, again) if not a]
        seen.update(zip(corpus["note_id"].astype(str), hashes))
    return IngestResult(corpus, rejects, res.n_read, res.redactions, res.encoding, res.separator, res.columns)
