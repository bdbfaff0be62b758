"""The engine a run or a stage command works on: local, streamed, or Dask.

One path: ``kvalitativ run`` (:func:`kvalitativ.pipeline.run_stages`) and the stage commands
``kvalitativ ingest|code|discover [--engine ...]`` all get their per-note work from a
:class:`StageEngine`, so the same functions run whichever way the work is started, and the
pipeline never names an engine. A StageEngine holds the cluster connection (if any) for the
length of one command and supplies, with the same signatures on every engine:

* ``ingest_to`` / ``code_to`` — a stage into an output folder: the notes ingested into
  ``corpus``/``notes``/``rejects``, the corpus coded into ``codings``/``themes``. The local and
  Dask engines build each table in memory and write it whole; the streamed engine
  (:mod:`kvalitativ.engines.streamed`) builds and writes it a chunk at a time.
* ``ingest`` / ``code`` / ``discover`` — the same work on in-memory data (citizen input, the
  stage commands that read a file); the streamed engine does these as the local engine does,
  discovery included (fitted on the run's fit sample, the rest assigned in chunks).
"""

from __future__ import annotations

import contextlib
from pathlib import Path
from collections.abc import Iterator
from dataclasses import dataclass
from typing import Any

import pandas as pd

from kvalitativ.constants import ENGINES  # re-exported
from kvalitativ.errors import ConfigError
from kvalitativ.stage_result import StageResult

__all__ = ["StageEngine", "stage_engine", "resolve_engine", "ENGINES"]



@dataclass
class StageEngine:
    """What a stage command calls; ``client`` is a ``dask.distributed.Client`` or None (local)."""

    name: str
    client: Any = None
    progress: bool = True
    address: str | None = None
    chunk_size: int | None = None  # streamed engine: rows per chunk (default STREAM_CHUNK)

    @property
    def stream_chunk(self) -> int | None:
        """Rows a chunk holds on the streamed engine; None on an engine that holds tables whole."""
        if self.name != "streamed":
            return None
        from kvalitativ.engines.streamed import STREAM_CHUNK

        return self.chunk_size or STREAM_CHUNK

    def ingest_to(self, out_dir, path, ingest_config, privacy, run_id: str, *, min_cell: int = 5,
                  extra_tables: dict[str, pd.DataFrame] | None = None,
                  extra_rejects: pd.DataFrame | None = None) -> StageResult:
        """Ingest ``path`` into ``corpus``, ``notes``, ``rejects``, ``redactions``, ``duplicate_texts`` of ``out_dir``.

        ``extra_tables`` (indicators) are written beside them, ``extra_rejects`` added to
        ``rejects``. ``details``: n_read, n_kept, n_rejected, redactions, reasons, encoding, separator.
        """
        if self.name == "streamed":
            from kvalitativ.engines.streamed import ingest_streamed

            return ingest_streamed(out_dir, path, ingest_config, privacy, run_id, min_cell=min_cell,
                                   extra_tables=extra_tables, extra_rejects=extra_rejects,
                                   chunk_size=self.stream_chunk, progress=self.progress)
        from collections import Counter

        from kvalitativ.io.duplicates import duplicate_texts, duplicates_line, text_hashes
        from kvalitativ.io.store import write_tables

        result = self.ingest(path, ingest_config, privacy)
        rejects = result.rejects
        if extra_rejects is not None:
            rejects = pd.concat([rejects, extra_rejects], ignore_index=True)
        corpus = result.corpus
        shared = duplicate_texts(corpus["note_id"], corpus["person_id"], text_hashes(corpus["text"]))
        tables = {"corpus": corpus, "notes": result.notes, **(extra_tables or {}), "rejects": rejects,
                  "redactions": pd.DataFrame({"identifier_type": list(result.redactions),
                                              "n_redacted": list(result.redactions.values())},
                                             columns=["identifier_type", "n_redacted"]),
                  "duplicate_texts": shared}
        write_tables(out_dir, tables, run_id, min_cell=min_cell)
        return StageResult.from_tables(tables, [], n_read=result.n_read, n_kept=len(corpus),
                                       n_rejected=len(result.rejects), redactions=result.redactions,
                                       reasons=Counter(rejects["reason"].astype(str).tolist()),
                                       encoding=result.encoding, separator=result.separator,
                                       shared_texts=duplicates_line(shared))

    def code_to(self, out_dir, codebook: str, config, run_id: str, *, train=None,
                source_dir=None) -> StageResult:
        """Code the ``corpus`` of ``source_dir`` (default ``out_dir``) into ``codings`` and
        ``themes`` of ``out_dir``; ``train``: the hand codes, a path or the table already read."""
        if self.name == "streamed":
            from kvalitativ.engines.streamed import code_streamed

            return code_streamed(out_dir, codebook, config, run_id, train=train, source_dir=source_dir,
                                 chunk_size=self.stream_chunk, progress=self.progress)
        from kvalitativ.coding.stage import coded_line, hand_codes
        from kvalitativ.io.lineage import coder_reads
        from kvalitativ.io.store import read_stage_table, write_tables

        train = hand_codes(train)  # read once: the lineage's trained note ids and the coder
        read = coder_reads(source_dir or out_dir, config, train)  # the corpus and the hand codes read
        corpus = read_stage_table(source_dir or out_dir, "corpus")
        codings, themes = self.code(corpus, codebook, config, run_id, train=train)
        tables = {"codings": codings, "themes": themes}
        write_tables(out_dir, tables, run_id, min_cell=config.privacy.min_cell, read=read)
        return StageResult.from_tables(tables, [coded_line("notes", codings)])

    def ingest(self, path, config, privacy):
        """``ingest_notes``' result (redaction over partitions on the Dask engine)."""
        if self.client is None:
            from kvalitativ.io.ingest import ingest_notes

            return ingest_notes(path, config, privacy)
        from kvalitativ.engines.dask_engine import ingest_notes_dask

        return ingest_notes_dask(path, config, privacy, client=self.client, progress=self.progress)

    def code(self, corpus: pd.DataFrame, codebook: str, config, run_id: str, *, train=None
             ) -> tuple[pd.DataFrame, pd.DataFrame]:
        """(codings, themes) as :func:`kvalitativ.coding.stage.code_corpus` returns them."""
        if self.client is None:
            from kvalitativ.coding.stage import code_corpus

            return code_corpus(corpus, codebook, config, run_id, train=train, progress=self.progress)
        from kvalitativ.engines.dask_engine import code_corpus_dask

        return code_corpus_dask(corpus, codebook, config, run_id, train=train, progress=self.progress,
                                client=self.client)

    def discover(self, corpus: pd.DataFrame, config, *, codebook=None, **options: Any) -> dict[str, Any]:
        """``discover_corpus``' result, fitted on the run's fit sample (every note up to
        ``FIT_SAMPLE``), the other notes assigned — in chunks here, over partitions on Dask."""
        from kvalitativ.discover.sampled import discover_sampled
        from kvalitativ.embed.configured import configured_embedder

        if self.client is None:
            if self.name == "streamed":
                from kvalitativ.engines.streamed import stream_embedder

                embedder = stream_embedder(config, progress=self.progress)
            else:
                embedder = configured_embedder(config, progress=self.progress)
            return discover_sampled(corpus, config, codebook=codebook, embedder=embedder, progress=self.progress,
                                    **options)
        from kvalitativ.engines.dask_engine import discover_corpus_dask

        return discover_corpus_dask(corpus, config, client=self.client, codebook=codebook,
                                    progress=self.progress, **options)

    def summary_lines(self) -> list[str]:
        """The line naming the cluster, so a log shows where the work ran (none for local)."""
        if self.client is None:
            return []
        from kvalitativ.engines.cluster import n_workers

        return [f"Dask engine: {n_workers(self.client)} worker(s) on {self.address or 'a local cluster'}"]


def resolve_engine(engine: str | None, scheduler: str | None, config_engine: str | None = "auto",
                   config_scheduler: str | None = None, notes: str | None = None) -> tuple[str, str | None]:
    """(engine, scheduler) of a command: its options first, then the config.

    A ``--scheduler`` option implies the dask engine; another engine with one is an error (the
    address would be silently ignored). ``auto`` becomes ``streamed`` when the ``notes`` file is
    larger than :data:`~kvalitativ.engines.streamed.STREAM_ABOVE_BYTES`, else ``local``.
    """
    if engine is None:
        engine = "dask" if scheduler else (config_engine or "auto")
    if engine not in ENGINES:
        raise ConfigError(f"engine {engine!r}: use one of {', '.join(ENGINES)}.")
    if engine != "dask" and scheduler:
        raise ConfigError(f"--scheduler {scheduler} is an address for the dask engine: drop it, or use --engine dask.")
    if engine == "auto":
        from kvalitativ.engines.streamed import STREAM_ABOVE_BYTES

        large = bool(notes) and Path(notes).is_file() and Path(notes).stat().st_size > STREAM_ABOVE_BYTES
        engine = "streamed" if large else "local"
    return engine, (scheduler or config_scheduler) if engine == "dask" else None


@contextlib.contextmanager
def stage_engine(engine: str | None = None, scheduler: str | None = None, *, progress: bool = True,
                 config=None) -> Iterator[StageEngine]:
    """A :class:`StageEngine` for one command; a Dask client (LocalCluster or ``scheduler``) while open.

    ``config``: a RunConfig whose ``engine``/``scheduler``/``chunk_size`` apply where the options
    are None (its ``ingest.notes`` decides ``auto``).
    """
    name, address = resolve_engine(engine, scheduler, getattr(config, "engine", "auto"),
                                   getattr(config, "scheduler", None),
                                   getattr(getattr(config, "ingest", None), "notes", None))
    if name in ("local", "streamed"):
        yield StageEngine(name, None, progress, chunk_size=getattr(config, "chunk_size", None))
        return
    from kvalitativ.engines.cluster import connect

    with connect(address) as client:
        yield StageEngine("dask", client, progress, address)
