"""Ingest → redact → code a notes export of any size in bounded memory, one chunk at a time.

Why: the ordinary stages hold the whole corpus (and every embedding) in memory, which is fine
for a municipality but not for a national export of millions of notes. Here a chunk of rows is
read, ingested and redacted (``ingest_notes`` on the chunk), cut into sentences, embedded and
coded, and its rows are appended to Parquet files; nothing of a finished chunk is kept except
the note ids (to catch a note id repeated in a later chunk). Memory therefore depends on the
chunk size, not on the corpus size.

The zero-shot coder adapts to the corpus it codes (centre, per-theme spreads, self-training);
here it is fitted once, on the units of the first ``fit_notes`` notes, and then only applies
(``transform``) to every chunk — the same "fit on a sample, assign the rest" a distributed
engine does. Give a fitted coder to reuse one across runs.

>>> from kvalitativ.scale.chunked import code_notes_streamed
>>> stats = code_notes_streamed("notes.csv", "out/big", embedder="static", chunk_size=50_000)  # doctest: +SKIP

Output (same layout as ``write_tables``): ``work/corpus.parquet`` (redacted text, internal),
``parquet/notes.parquet``, ``parquet/codings.parquet``, ``parquet/rejects.parquet``. Each file
is written under a temporary name and moved into place when complete.
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

__all__ = ["iter_raw_chunks", "code_notes_streamed", "ParquetAppender"]

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

    def __init__(self, path: Path):
        self.path = Path(path)
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
            self.schema = pa.schema(fields)
            self.tmp = self._atomic.enter_context(atomic_path(self.path))
            self.writer = pq.ParquetWriter(self.tmp, self.schema)
        table = pa.Table.from_pandas(frame, schema=self.schema, preserve_index=False)
        self.writer.write_table(table)
        self.rows += len(frame)

    def close(self, empty: pd.DataFrame | None = None) -> None:
        if self.writer is None and empty is not None:
            self.append(empty)
        if self.writer is not None:
            self.writer.close()
            self._atomic.close()  # fsync, then replace the target


def _clear_memo(embedder) -> None:
    """Forget the vectors an in-memory memo holds (they would grow with the corpus)."""
    clear = getattr(embedder, "clear", None)
    if callable(clear):
        clear()
    elif isinstance(getattr(embedder, "_memo", None), dict):
        embedder._memo.clear()


def _ingest_chunk(raw, path: Path, config, seen: set[str]) -> tuple[pd.DataFrame | None, pd.DataFrame, int]:
    """Ingest and redact one chunk: (corpus or None, rejects, identifiers redacted).

    A chunk whose every row is rejected keeps them as rejects; a note id already used in an
    earlier chunk (``seen``, updated here) is a ``duplicate_note_id`` reject, as within one file.
    """
    from kvalitativ.io.ingest import ingest_notes
    from kvalitativ.io.readers import make_rejects

    try:
        res = ingest_notes(path, config.ingest, config.privacy, raw=raw)
    except InputError as exc:
        if "no usable rows" not in str(exc):
            raise
        rejects = pd.concat([raw.rejects, make_rejects(path, raw.frame["_source_row"].tolist(), "rejected",
                                                       [str(exc)[:200]] * len(raw.frame))], ignore_index=True)
        return None, rejects, 0
    corpus, rejects = res.corpus, res.rejects
    if len(corpus):
        ids = corpus["note_id"].astype(str)
        dup = ids.isin(seen).to_numpy() | ids.duplicated().to_numpy()
        if dup.any():
            d = corpus[dup]
            rejects = pd.concat([rejects, make_rejects(path, d["source_row"].tolist(), "duplicate_note_id",
                                                       [f"note_id {v} already used by an earlier row"
                                                        for v in d["note_id"]])], ignore_index=True)
            corpus = corpus[~dup].reset_index(drop=True)
        seen.update(corpus["note_id"].astype(str))
    return corpus, rejects, sum(res.redactions.values())


def _append_chunk(files: dict, corpus: pd.DataFrame | None, rejects: pd.DataFrame, run_id: str,
                  stats: Counter) -> None:
    """Append one ingested chunk's rejects, corpus and notes rows to their Parquet files."""
    from kvalitativ.io.ingest import NOTES_COLUMNS
    from kvalitativ.io.readers import REJECT_COLUMNS

    if len(rejects):
        files["rejects"].append(rejects[REJECT_COLUMNS].assign(run_id=run_id))
    if corpus is not None and len(corpus):
        files["corpus"].append(corpus)
        files["notes"].append(corpus[NOTES_COLUMNS].assign(run_id=run_id))
        stats["n_kept"] += len(corpus)
    stats["n_rejected"] += len(rejects)


def _close_all(files: dict) -> None:
    """Move every file into place; a run without rejects still gets an (empty) rejects table."""
    from kvalitativ.io.readers import REJECT_COLUMNS

    empty = {"rejects": pd.DataFrame({c: pd.Series(dtype="string") for c in [*REJECT_COLUMNS, "run_id"]})}
    for name, f in files.items():
        f.close(empty.get(name))


def code_notes_streamed(notes: str | os.PathLike, out_dir: str | os.PathLike, *, config=None, embedder: str | None = None,
                        codebook: str | None = None, level: str | None = None, chunk_size: int = 50_000,
                        fit_notes: int = 20_000, coder=None, run_id: str = "streamed", progress: bool = True) -> dict:
    """Ingest, redact and code ``notes`` chunk by chunk into ``out_dir``; return counts and timings.

    ``config`` is a :class:`~kvalitativ.config.RunConfig` (ingest, privacy, embed and code
    settings); ``embedder``, ``codebook`` and ``level`` override it. ``fit_notes``: how many
    notes from the start of the file the zero-shot coder adapts to (ignored when ``coder`` is a
    fitted coder). The embedder is used without the on-disk cache: with ``static`` embedding is
    cheaper than the cache lookup, and a cache of millions of vectors is what must not grow.
    """
    import time

    from kvalitativ.coding import ZeroShotCoder, segment_corpus
    from kvalitativ.config import RunConfig
    from kvalitativ.embed import get_embedder
    from kvalitativ.io.store import table_path

    config = config or RunConfig()
    embedder = embedder or config.embed.name
    codebook = codebook or config.code.codebook
    level = level or config.code.level
    out = Path(out_dir)
    files = {name: ParquetAppender(table_path(out, name)) for name in ("corpus", "notes", "codings", "rejects")}
    seen: set[str] = set()
    stats: Counter = Counter()
    timing = Counter()
    path = Path(notes)
    emb = None
    pending: list[pd.DataFrame] = []  # chunks read before the coder is fitted (at most fit_notes notes)

    def code_and_write(corpus: pd.DataFrame) -> None:
        t0 = time.perf_counter()
        codings = coder.code(corpus, run_id=run_id)
        _clear_memo(getattr(coder, "embedder_", None))
        timing["code"] += time.perf_counter() - t0
        t0 = time.perf_counter()
        files["codings"].append(codings)
        timing["write"] += time.perf_counter() - t0
        stats["n_codings"] += len(codings)

    def fit_coder(frames: list[pd.DataFrame]) -> None:
        nonlocal coder, emb
        t0 = time.perf_counter()
        sample = pd.concat(frames, ignore_index=True).iloc[:fit_notes]
        units = segment_corpus(sample, level)["text"].astype(str).tolist()
        emb = get_embedder(embedder, progress=False, **({"model": config.embed.model} if config.embed.model else {}))
        coder = ZeroShotCoder(codebook, embedder=emb, level=level, random_state=config.seed, progress=False)
        coder.fit(units)
        timing["fit"] += time.perf_counter() - t0

    t_start = time.perf_counter()
    n_pending = 0
    chunks = iter_raw_chunks(path, chunk_size, encoding=config.ingest.encoding, separator=config.ingest.separator)
    for k, raw in enumerate(chunks):
        t0 = time.perf_counter()
        stats["n_read"] += raw.n_read
        corpus, rejects, n_redacted = _ingest_chunk(raw, path, config, seen)
        stats["n_redacted"] += n_redacted
        timing["ingest"] += time.perf_counter() - t0
        t0 = time.perf_counter()
        _append_chunk(files, corpus, rejects, run_id, stats)
        timing["write"] += time.perf_counter() - t0
        if corpus is None or not len(corpus):
            continue
        if coder is None or not hasattr(coder, "classes_"):
            pending.append(corpus)
            n_pending += len(corpus)
            if n_pending < fit_notes:
                continue
            if coder is None:
                fit_coder(pending)
            for frame in pending:
                code_and_write(frame)
            pending = []
        else:
            code_and_write(corpus)
        if progress:
            el = time.perf_counter() - t_start
            print(f"chunk {k + 1}: {stats['n_read']:,} rows read, {stats['n_kept']:,} kept, "
                  f"{stats['n_codings']:,} codings, {el:.0f} s", flush=True)
    if pending:
        if coder is None:
            fit_coder(pending)
        for frame in pending:
            code_and_write(frame)
    _close_all(files)
    return {**{k: int(v) for k, v in stats.items()}, **{f"t_{k}": float(v) for k, v in timing.items()},
            "n_redacted": int(stats["n_redacted"]), "n_rejected": int(stats["n_rejected"]),
            "n_codings": int(stats["n_codings"]), "fit_notes": int(fit_notes), "out": str(out)}
