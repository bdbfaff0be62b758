"""`kvalitativ run --engine dask`: the per-note work of the pipeline on a Dask cluster.

The pipeline (:func:`kvalitativ.pipeline.run_stages`) is the same for every engine; this module
supplies the Dask engine's ingest, code and discover functions, which
:class:`~kvalitativ.engines.stage_engine.StageEngine` hands to it.

What runs where, and why the tables equal the local engine's:

* **ingest** — reading and validating the export stay central (cheap; duplicates need the
  whole file): it is the local ``ingest_notes`` with redaction switched off. **Redaction**
  then runs over partitions on the workers, with the same ``Redactor`` and the same names per
  row, and the language and length of each note are taken from its redacted text, as ingest
  does. Counts by identifier type are summed in partition order.
* **code** — the units (sentences or notes) are cut per partition on the workers. What must be
  fitted is fitted once, here, on exactly the texts the local engine fits on: the TF-IDF vector
  space (then shipped to every worker), the zero-shot coder (prototypes, centring, its
  self-trained models; it needs every unit's vector, which the workers compute), or the
  supervised coder. The fitted coder is scattered once to every worker (cloudpickle in
  transit, nothing pickled on disk), and each partition is scored, given a valence and
  turned into ``codings`` rows there. Coding a note depends only on the note and the fitted
  coder, and ``codings`` are sorted by note, so the partitions concatenated in order are the
  local table row for row.
* **discover** (when enabled) — notes are embedded on the cluster; the topic model is fitted
  on the run's fit sample (:func:`kvalitativ.sampling.fit_sample`: every note up to
  ``FIT_SAMPLE``, beyond that a seeded random sample — the same notes in every engine), and the
  other notes are assigned to the nearest topic (``transform``) over partitions on the workers
  (:func:`kvalitativ.discover.sampled.discover_sampled`).
* **link, summarize, report** run centrally on the concatenated tables: they work on
  per-person aggregates of the codings, which are small, and need all of them at once.

Workers build their embedder once per process (see :mod:`kvalitativ.engines.tasks`) and use
the run's embedding cache folder when they can write to it, so a second run embeds nothing.
"""

from __future__ import annotations

import copy
from collections import Counter
from dataclasses import replace
from pathlib import Path
from typing import Any

import numpy as np
import pandas as pd

from kvalitativ.config import IngestConfig, PrivacyConfig, RunConfig
from kvalitativ.engines.cluster import map_partitions, n_partitions, n_workers, split_frame
from kvalitativ.engines.embedder import ClusterEmbedder
from kvalitativ.engines.tasks import assign_task, code_task, redact_task, segment_task

__all__ = ["ingest_notes_dask", "code_corpus_dask", "discover_corpus_dask"]


# --- ingest -----------------------------------------------------------------------------------

def ingest_notes_dask(path: str | Path, config: IngestConfig | None = None, privacy: PrivacyConfig | None = None,
                      *, client: Any, progress: bool = True):
    """``ingest_notes`` with the redaction over partitions on the cluster (same result)."""
    from kvalitativ.io.columns import resolve_columns
    from kvalitativ.io.ingest import IngestResult, ingest_notes
    from kvalitativ.io.readers import read_raw
    from kvalitativ.privacy.kinds import redact_types

    config = config or IngestConfig()
    privacy = privacy or PrivacyConfig()
    path = Path(path)
    raw = read_raw(path, encoding=config.encoding, separator=config.separator, sheet=config.sheet)
    result = ingest_notes(path, config, replace(privacy, redact=False), raw=raw)
    if not privacy.redact:
        return result
    corpus = result.corpus
    texts = np.asarray(corpus["text"], dtype=object).tolist()
    names = _names_per_row(raw.frame, corpus, resolve_columns(
        [c for c in raw.frame.columns if c != "_source_row"], config.columns, path)[1])
    bounds = [(p.index[0], p.index[-1] + 1) for p in split_frame(corpus.reset_index(drop=True),
                                                                 n_partitions(len(texts), client))]
    parts = map_partitions(client, redact_task, [texts[a:b] for a, b in bounds],
                           [names[a:b] if names is not None else None for a, b in bounds],
                           desc=f"redacting {path.name}", progress=progress, strictness=privacy.strictness,
                           types=redact_types(privacy.redact), language=config.language)
    redactions: Counter = Counter()
    red_texts: list[str] = []
    languages: list[str] = []
    for part_texts, part_langs, counts in parts:
        red_texts += part_texts
        languages += part_langs
        redactions.update(counts)
    corpus = corpus.copy()
    corpus["language"] = np.asarray(languages, dtype=object)
    corpus["text"] = np.asarray(red_texts, dtype=object)
    corpus["n_chars"] = np.asarray([len(t) for t in red_texts], dtype="int64")
    return IngestResult(corpus, result.rejects, result.n_read, redactions, result.encoding, result.separator,
                        result.columns)


def _names_per_row(frame: pd.DataFrame, corpus: pd.DataFrame, name_columns: list[str]) -> list[list[str]] | None:
    """The exact names of each kept row (the export's name columns), as ingest gives the redactor."""
    if not name_columns or corpus.empty:
        return None
    kept = frame[frame["_source_row"].isin(set(corpus["source_row"].tolist()))]
    if kept["_source_row"].astype("int64").tolist() != corpus["source_row"].astype("int64").tolist():
        raise AssertionError("dask ingest: the kept rows do not line up with the export's rows")
    return [[str(v) for v in vals if str(v).strip()] for vals in kept[name_columns].itertuples(index=False)]


# --- code -------------------------------------------------------------------------------------

def _shippable(coder: Any) -> Any:
    """The fitted coder without its central embedder (the workers attach their own)."""
    out = copy.copy(coder)
    out.embedder = None
    out.embedder_ = None
    out.progress = False
    return out


def code_corpus_dask(corpus: pd.DataFrame, codebook: str, config: RunConfig, run_id: str, *,
                     train: str | None = None, progress: bool = True, client: Any) -> tuple[pd.DataFrame, pd.DataFrame]:
    """``coding.stage.code_corpus`` on the cluster: (codings, themes), equal to the local ones."""
    from kvalitativ.codebook import load_codebook
    from kvalitativ.coding.stage import fit_corpus, fit_on_sample, hand_codes, stage_coder
    from kvalitativ.coding.units import check_corpus

    check_corpus(corpus)
    train = hand_codes(train)  # read once, as local
    embedder = ClusterEmbedder.for_config(config, client, progress=progress)
    parts = split_frame(corpus.reset_index(drop=True), n_partitions(len(corpus), client))
    units = map_partitions(client, segment_task, parts, desc="segmenting", progress=progress,
                           level=config.code.level)
    # fit centrally, with the local engine's coder factory, on the units of the fit sample
    coder = stage_coder(fit_corpus(corpus, config.seed, train), codebook, config, train=train, embedder=embedder,
                        progress=progress)
    fit_on_sample(coder, corpus, config.seed, units=pd.concat(units, ignore_index=True) if units else None)
    # vectors the fit already computed travel with their partition; others are embedded there
    vectors = []
    for u in units:
        unit_texts = [str(t) for t in np.asarray(u["text"], dtype=object)]
        found = embedder.lookup(unit_texts)
        vectors.append((unit_texts, found) if found is not None else None)
    shipped = client.scatter(_shippable(coder), broadcast=True, hash=False)
    try:
        codings = map_partitions(client, code_task, parts, vectors, desc="coding", progress=progress,
                                 coder=shipped, spec=embedder.spec, fitted=embedder.fitted(), run_id=run_id)
    finally:
        client.cancel(shipped)
        embedder.release()
    codings = pd.concat(codings, ignore_index=True) if codings else coder.code(corpus.iloc[:0], run_id=run_id)
    return codings, load_codebook(codebook).to_themes_table()


# --- discover ---------------------------------------------------------------------------------

def discover_corpus_dask(corpus: pd.DataFrame, config: RunConfig, *, client: Any, codebook: Any = None,
                         progress: bool = True, sample_size: int | None = None, **options: Any) -> dict[str, Any]:
    """``discover_sampled`` with embedding, and the assignment of the notes outside the fit
    sample, on the cluster.

    ``options`` are ``discover_corpus``'s (model_dir, previous_model, use_model, merges, renames);
    with ``use_model`` nothing is fitted, so every note is assigned by the saved model.
    """
    from kvalitativ.discover.sampled import discover_sampled

    embedder = ClusterEmbedder.for_config(config, client, progress=progress)

    def assign_rest(discoverer, texts: list[str]) -> pd.DataFrame:
        shipped = client.scatter(discoverer, broadcast=True, hash=False)
        parts = [part.tolist() for part in split_frame(pd.Series(texts, dtype=object),
                                                       n_partitions(len(texts), client))]
        try:
            assigned = map_partitions(client, assign_task, parts, desc="assigning notes to topics",
                                      progress=progress, discoverer=shipped, spec=embedder.spec,
                                      fitted=embedder.fitted())
        finally:
            client.cancel(shipped)
        return pd.concat(assigned, ignore_index=True)

    try:
        return discover_sampled(corpus, config, codebook=codebook, embedder=embedder, progress=progress,
                                assign_rest=assign_rest, sample_size=sample_size, **options)
    finally:
        embedder.release()

