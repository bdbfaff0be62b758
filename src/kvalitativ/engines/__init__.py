"""Engines: where `kvalitativ run` does its work.

Every engine is reached the same way: :func:`kvalitativ.pipeline.run` opens a
:class:`~kvalitativ.engines.stage_engine.StageEngine` and the stages call its ``ingest``,
``code`` and ``discover``. ``local`` (the default) runs them in this process. ``dask``
(:mod:`kvalitativ.engines.dask_engine`) runs the heavy per-note work — redaction,
embedding and coding, and the assignment of notes to discovered topics — over partitions on
a ``dask.distributed`` cluster, and gives the same tables as the local engine::

    kvalitativ run --config kvalitativ.yaml --engine dask                        # a LocalCluster
    kvalitativ run --config kvalitativ.yaml --engine dask --scheduler tcp://10.0.0.5:8786
    kvalitativ code out/ --engine dask --out out/          # one stage (also ingest, discover)

The stage commands get their functions from the same :mod:`kvalitativ.engines.stage_engine`.

Everything else stays central, on purpose: reading and validating the export (cheap; finding
duplicates needs the whole file), fitting what must be fitted once (the TF-IDF vector space,
the zero-shot coder's prototypes and self-trained models, the topic model), and linking,
summaries and the report, which work on the (small) concatenated codings.
"""

from kvalitativ.engines.stage_engine import ENGINES, StageEngine, resolve_engine, stage_engine

__all__ = ["StageEngine", "stage_engine", "resolve_engine", "ENGINES"]
