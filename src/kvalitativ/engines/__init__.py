"""Engines: where `kvalitativ run` does its work.

``local`` (the default) is :func:`kvalitativ.pipeline.run` itself. ``dask``
(:func:`kvalitativ.engines.dask_engine.run_dask`) runs the heavy per-note work — redaction,
embedding and coding, and the assignment of notes to discovered topics — over partitions on
a ``dask.distributed`` cluster, and gives the same tables as the local engine::

    kvalitativ run --config kvalitativ.yaml --engine dask                        # a LocalCluster
    kvalitativ run --config kvalitativ.yaml --engine dask --scheduler tcp://10.0.0.5:8786
    kvalitativ code out/ --engine dask --out out/          # one stage (also ingest, discover)

The stage commands get their functions from :mod:`kvalitativ.engines.stage_engine`.

Everything else stays central, on purpose: reading and validating the export (cheap; finding
duplicates needs the whole file), fitting what must be fitted once (the TF-IDF vector space,
the zero-shot coder's prototypes and self-trained models, the topic model), and linking,
summaries and the report, which work on the (small) concatenated codings.
"""

__all__ = ["run_dask"]


def run_dask(*args, **kwargs):
    """See :func:`kvalitativ.engines.dask_engine.run_dask` (imported lazily: dask is heavy)."""
    from kvalitativ.engines.dask_engine import run_dask as _run

    return _run(*args, **kwargs)
