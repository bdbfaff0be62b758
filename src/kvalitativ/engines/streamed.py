"""`kvalitativ run --engine streamed`: ingest → redact → code an export of any size in bounded memory.

Why: the local engine holds the whole corpus and every embedding in memory — right for a
municipality, not for a national export of millions of notes. Here the notes are read, ingested
and redacted a chunk of rows at a time and appended to the output tables; then the redacted
corpus is read back a chunk at a time, embedded and coded. Nothing of a finished chunk stays in
memory but its note ids. The other stages are the pipeline's own: discovery fits on the run's
fit sample and assigns the rest in chunks (:mod:`kvalitativ.discover.sampled`); link, summarize
and report work on per-person aggregates of the codings.

Why the tables equal the local engine's: a note is ingested and coded by itself, and what must
be fitted — the zero-shot coder (its centre, spreads and self-trained models) — is fitted once,
on the run's fit sample (:func:`kvalitativ.sampling.fit_sample`), the notes every engine fits
on. Citizen input (usually small) is read whole.

``STREAM_ABOVE_BYTES``: with ``engine: auto`` (the default) a notes file larger than this runs
on this engine, a smaller one on the local engine.
"""

from __future__ import annotations

from collections import Counter
from pathlib import Path

import numpy as np
import pandas as pd

from kvalitativ.stage_result import StageResult

__all__ = ["ingest_streamed", "code_streamed", "STREAM_CHUNK", "STREAM_ABOVE_BYTES"]

#: Rows of the export (notes of the corpus) read, ingested and coded at a time.
STREAM_CHUNK = 50_000
#: ``engine: auto`` streams a notes file larger than this (about 300,000 notes of 170 characters).
STREAM_ABOVE_BYTES = 50 * 1024 * 1024
#: Embedders this engine uses without the on-disk cache: embedding is cheaper than looking a
#: vector up, and a cache of millions of vectors is what must not grow. Slow ones keep it.
CHEAP_EMBEDDERS = ("static", "tfidf")


def stream_embedder(config, progress: bool = False):
    """The configured embedder as this engine uses it (see ``CHEAP_EMBEDDERS``)."""
    from kvalitativ.embed.configured import configured_embedder

    return configured_embedder(config, progress=progress, cache=config.embed.name not in CHEAP_EMBEDDERS)


def _bar(progress: bool, what: str, total: int | None = None):
    from tqdm.auto import tqdm

    return tqdm(total=total, desc=what, unit="rows", disable=not progress, leave=False)


def ingest_streamed(out_dir: str | Path, path: str | Path, ingest_config, privacy, run_id: str, *,
                    min_cell: int = 5, extra_tables: dict[str, pd.DataFrame] | None = None,
                    extra_rejects: pd.DataFrame | None = None, chunk_size: int = STREAM_CHUNK,
                    progress: bool = True) -> StageResult:
    """Ingest ``path`` chunk by chunk into ``corpus`` (internal), ``notes``, ``rejects`` and
    ``redactions`` of ``out_dir`` (and ``duplicate_texts``, from each note's text hash, collected
    chunk by chunk); ``extra_tables`` (indicators) are written whole beside them and
    ``extra_rejects`` (the indicators' rejects) added to ``rejects``."""
    from kvalitativ.errors import InputError
    from kvalitativ.io.duplicates import duplicate_texts, duplicates_line, text_hashes
    from kvalitativ.io.readers import REJECT_COLUMNS
    from kvalitativ.io.store import write_tables
    from kvalitativ.io.ingest import gather_export_facts
    from kvalitativ.scale.chunked import TableAppender, ingest_chunk, iter_raw_chunks

    path = Path(path)

    def chunks():
        return iter_raw_chunks(path, chunk_size, encoding=ingest_config.encoding, separator=ingest_config.separator)

    # a first pass for what ingest judges on whole columns (export names, a CPR id column), so that
    # every chunk is ingested as the local engine ingests the whole export
    facts = gather_export_facts((raw.frame for raw in chunks()), ingest_config, path)
    files = {name: TableAppender(out_dir, name, run_id, min_cell=min_cell) for name in ("corpus", "notes", "rejects")}
    seen: dict[str, int] = {}
    counts: Counter = Counter()
    redactions: Counter = Counter()
    reasons: Counter = Counter()
    texts: list[tuple[np.ndarray, np.ndarray, np.ndarray]] = []  # note id, person, text hash per chunk
    encoding = separator = None
    with _bar(progress, f"ingesting {path.name}") as bar:
        for raw in chunks():
            result = ingest_chunk(raw, path, ingest_config, privacy, seen, facts)
            encoding, separator = result.encoding, result.separator
            texts.append((result.corpus["note_id"].to_numpy(object), result.corpus["person_id"].to_numpy(object),
                          text_hashes(result.corpus["text"])))
            files["corpus"].append(result.corpus)
            files["notes"].append(result.notes)
            files["rejects"].append(result.rejects[REJECT_COLUMNS])
            counts.update(n_read=result.n_read, n_kept=len(result.corpus), n_rejected=len(result.rejects))
            redactions.update(result.redactions)
            reasons.update(result.rejects["reason"].astype(str).tolist())
            bar.update(result.n_read)
    if counts["n_kept"] + counts["n_rejected"] != counts["n_read"]:
        raise AssertionError(f"streamed ingest lost rows: {counts['n_kept']} kept + {counts['n_rejected']} "
                             f"rejected != {counts['n_read']} read")
    if counts["n_kept"] == 0:
        why = ", ".join(f"{k}: {v}" for k, v in reasons.most_common(3))
        raise InputError(f"{path}: no usable rows — all {counts['n_read']} rows were rejected ({why}). "
                         "Check the text column and the date format.")
    if extra_rejects is not None and len(extra_rejects):
        files["rejects"].append(extra_rejects[REJECT_COLUMNS])
        reasons.update(extra_rejects["reason"].astype(str).tolist())
    empty = {"corpus": None, "notes": None, "rejects": pd.DataFrame({c: pd.Series(dtype="string") for c in REJECT_COLUMNS})}
    rows = {name: f.close(empty[name]) for name, f in files.items()}
    redaction_table = pd.DataFrame({"identifier_type": list(redactions), "n_redacted": list(redactions.values())},
                                   columns=["identifier_type", "n_redacted"])
    shared = duplicate_texts(*(np.concatenate(part) for part in zip(*texts)))
    whole = {**(extra_tables or {}), "redactions": redaction_table, "duplicate_texts": shared}
    write_tables(out_dir, whole, run_id, min_cell=min_cell)
    rows.update({name: len(frame) for name, frame in whole.items()})
    return StageResult(rows=rows, details={**counts, "redactions": redactions, "reasons": reasons,
                                           "encoding": encoding, "separator": separator,
                                           "shared_texts": duplicates_line(shared)})


def _corpus_batches(out_dir: Path, chunk_size: int):
    """The folder's corpus, ``chunk_size`` notes at a time, as DataFrames (read_stage_table's dtypes)."""
    from kvalitativ.io.store import iter_stage_batches

    yield from iter_stage_batches(out_dir, "corpus", batch_size=chunk_size)


def _corpus_rows(out_dir: Path, chunk_size: int, positions: np.ndarray | None = None,
                 note_ids: set[str] | None = None) -> pd.DataFrame:
    """The corpus rows at ``positions`` (sorted) or with ``note_ids`` (both given: either), in
    corpus order, read a chunk at a time."""
    parts, start = [], 0
    for frame in _corpus_batches(out_dir, chunk_size):
        keep = np.zeros(len(frame), dtype=bool)
        if positions is not None:
            keep[positions[(positions >= start) & (positions < start + len(frame))] - start] = True
        if note_ids is not None:
            keep |= frame["note_id"].astype(str).isin(note_ids).to_numpy()
        parts.append(frame[keep])
        start += len(frame)
    return pd.concat(parts, ignore_index=True) if parts else pd.DataFrame()


def code_streamed(out_dir: str | Path, codebook: str, config, run_id: str, *, train: str | None = None,
                  source_dir: str | Path | None = None, chunk_size: int = STREAM_CHUNK,
                  progress: bool = True) -> StageResult:
    """Code the corpus of ``source_dir`` (default ``out_dir``) chunk by chunk into the
    ``codings`` (and ``themes``) of ``out_dir``.

    The coder is fitted once, as the local engine fits it — zero-shot on the fit sample's notes,
    supervised on the notes of ``train`` with its codebook prior on the fit sample and those notes —
    and then codes every chunk; the embedder's in-memory vectors are dropped after
    each chunk. Returns the rows written and the counts of the summary line.
    """
    import pyarrow.parquet as pq

    from kvalitativ.codebook import load_codebook
    from kvalitativ.coding.base import UNCODED
    from kvalitativ.coding.stage import fit_on_sample, hand_codes, stage_coder
    from kvalitativ.io.store import table_path, write_tables
    from kvalitativ.sampling import fit_sample
    from kvalitativ.embed.base import drop_vectors
    from kvalitativ.scale.chunked import TableAppender

    out_dir = Path(out_dir)
    source = Path(source_dir or out_dir)
    n_notes = pq.ParquetFile(table_path(source, "corpus")).metadata.num_rows
    embedder = stream_embedder(config)
    # the local engine's fit rows (coding.stage.code_corpus): the fit sample, and every hand-coded note
    train = hand_codes(train)  # read once: the fit rows and the coder both use it
    train_ids = set(train["note_id"].astype(str)) if train is not None else None
    fit_on = _corpus_rows(source, chunk_size, positions=fit_sample(n_notes, config.seed), note_ids=train_ids)
    coder = fit_on_sample(stage_coder(fit_on, codebook, config, train=train, embedder=embedder, progress=progress),
                          fit_on, config.seed)
    coder.progress = False
    del fit_on
    drop_vectors(embedder)
    from kvalitativ.io.lineage import coder_reads

    read = coder_reads(source, config, train)
    codings = TableAppender(out_dir, "codings", run_id, min_cell=config.privacy.min_cell, read=read)
    coded_notes: set = set()
    n_notes_seen = n_codings = 0
    themes_seen: set = set()
    with _bar(progress, "coding", total=n_notes) as bar:
        for corpus in _corpus_batches(source, chunk_size):
            rows = coder.code(corpus, run_id=run_id)
            codings.append(rows)
            drop_vectors(embedder)
            coded = rows[rows["theme_id"] != UNCODED]
            coded_notes.update(coded["note_id"].unique().tolist())
            themes_seen.update(coded["theme_id"].unique().tolist())
            n_notes_seen += rows["note_id"].nunique()
            n_codings += len(coded)
            bar.update(len(corpus))
    themes = load_codebook(codebook).to_themes_table()
    n_rows = codings.close(coder.code(pd.read_parquet(table_path(source, "corpus")).iloc[:0], run_id=run_id)
                           if codings.parquet.writer is None else None)
    write_tables(out_dir, {"themes": themes}, run_id, min_cell=config.privacy.min_cell, read=read)
    line = (f"notes: {len(coded_notes)} of {n_notes_seen} notes coded into {len(themes_seen)} themes "
            f"({n_codings} codings)")
    return StageResult(summary=[line], rows={"codings": n_rows, "themes": len(themes)})
