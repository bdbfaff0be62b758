"""The engine a run or a stage command works on: the local functions, or the Dask engine's.

One path: ``kvalitativ run`` (:func:`kvalitativ.pipeline.run_stages`) and the stage commands
``kvalitativ ingest|code|discover [--engine dask] [--scheduler ADDRESS]`` all get their per-note
work from a :class:`StageEngine`, so the same functions run whichever way the work is started,
and the pipeline never names an engine. A StageEngine holds the cluster connection (if any) for
the length of one command and supplies three functions — ``ingest``, ``code``, ``discover`` —
with the same signatures on every engine. A new engine (e.g. a streamed one) is a new branch
here with the same three functions; nothing above this module changes.
"""

from __future__ import annotations

import contextlib
from collections.abc import Iterator
from dataclasses import dataclass
from typing import Any

import pandas as pd

from kvalitativ.constants import ENGINES  # re-exported
from kvalitativ.errors import ConfigError

__all__ = ["StageEngine", "stage_engine", "resolve_engine", "ENGINES"]



@dataclass
class StageEngine:
    """What a stage command calls; ``client`` is a ``dask.distributed.Client`` or None (local)."""

    name: str
    client: Any = None
    progress: bool = True
    address: str | None = None

    def ingest(self, path, config, privacy):
        """``ingest_notes``' result (redaction over partitions on the Dask engine)."""
        if self.client is None:
            from kvalitativ.io.ingest import ingest_notes

            return ingest_notes(path, config, privacy)
        from kvalitativ.engines.dask_engine import ingest_notes_dask

        return ingest_notes_dask(path, config, privacy, client=self.client, progress=self.progress)

    def code(self, corpus: pd.DataFrame, codebook: str, config, run_id: str, *, train: str | None = None
             ) -> tuple[pd.DataFrame, pd.DataFrame]:
        """(codings, themes) as :func:`kvalitativ.coding.stage.code_corpus` returns them."""
        if self.client is None:
            from kvalitativ.coding.stage import code_corpus

            return code_corpus(corpus, codebook, config, run_id, train=train, progress=self.progress)
        from kvalitativ.engines.dask_engine import code_corpus_dask

        return code_corpus_dask(corpus, codebook, config, run_id, train=train, progress=self.progress,
                                client=self.client)

    def discover(self, corpus: pd.DataFrame, config, *, codebook=None, **options: Any) -> dict[str, Any]:
        """``discover_corpus``' result (on the Dask engine: fitted on a sample of a large corpus)."""
        from kvalitativ.discover.stage import discover_corpus
        from kvalitativ.embed.configured import configured_embedder

        if self.client is None:
            embedder = configured_embedder(config, progress=self.progress)
            return discover_corpus(corpus, config, codebook=codebook, embedder=embedder, progress=self.progress,
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


def resolve_engine(engine: str | None, scheduler: str | None, config_engine: str | None = "local",
                   config_scheduler: str | None = None) -> tuple[str, str | None]:
    """(engine, scheduler) of a command: its options first, then the config.

    A ``--scheduler`` option implies the dask engine; ``--engine local`` with one is an error
    (the address would be silently ignored).
    """
    if engine is None:
        engine = "dask" if scheduler else (config_engine or "local")
    if engine not in ENGINES:
        raise ConfigError(f"engine {engine!r}: use one of {', '.join(ENGINES)}.")
    if engine == "local" and scheduler:
        raise ConfigError(f"--scheduler {scheduler} is an address for the dask engine: drop it, or use --engine dask.")
    return engine, (scheduler or config_scheduler) if engine == "dask" else None


@contextlib.contextmanager
def stage_engine(engine: str | None = None, scheduler: str | None = None, *, progress: bool = True,
                 config=None) -> Iterator[StageEngine]:
    """A :class:`StageEngine` for one command; a Dask client (LocalCluster or ``scheduler``) while open.

    ``config``: a RunConfig whose ``engine``/``scheduler`` apply where the options are None.
    """
    name, address = resolve_engine(engine, scheduler, getattr(config, "engine", "local"),
                                   getattr(config, "scheduler", None))
    if name == "local":
        yield StageEngine("local", None, progress)
        return
    from kvalitativ.engines.cluster import connect

    with connect(address) as client:
        yield StageEngine("dask", client, progress, address)
