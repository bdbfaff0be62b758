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
  on all notes up to ``DISCOVER_SAMPLE`` (so the sample corpus gets the local engine's
  topics), beyond that on a seeded random sample, and the other notes are assigned to the
  nearest topic (``transform``) over partitions on the workers.
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

__all__ = ["ingest_notes_dask", "code_corpus_dask", "discover_corpus_dask", "DISCOVER_SAMPLE"]

#: Discovery fits its topic model on at most this many notes; the rest are assigned (transform).
DISCOVER_SAMPLE = 20_000


# --- ingest -----------------------------------------------------------------------------------

def ingest_notes_dask(path: str | Path, config: IngestConfig | None = None, privacy: PrivacyConfig | None = None,
                      *, client: Any, progress: bool = True):
    """``ingest_notes`` with the redaction over partitions on the cluster (same result)."""
    from kvalitativ.io.columns import resolve_columns
    from kvalitativ.io.ingest import IngestResult, ingest_notes
    from kvalitativ.io.readers import read_raw

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
                           desc=f"redacting {path.name}", progress=progress)
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
    from kvalitativ.coding.api import make_coder
    from kvalitativ.coding.units import check_corpus
    from kvalitativ.io.readers import read_table

    check_corpus(corpus)
    train_codes = read_table(train) if train else None
    embedder = ClusterEmbedder.for_config(config, client, progress=progress)
    parts = split_frame(corpus.reset_index(drop=True), n_partitions(len(corpus), client))
    level = config.code.level
    units = map_partitions(client, segment_task, parts, desc="segmenting", progress=progress, level=level)
    # fit centrally, on the texts the local engine fits on (code_notes -> coder.code -> fit), with
    # the local engine's coder factory
    coder = make_coder(corpus, codebook, "supervised" if train_codes is not None else "zeroshot", level=level,
                       embedder=embedder, train=train_codes, threshold=config.code.threshold,
                       random_state=config.seed, progress=progress, exclusive=config.code.exclusive)
    if train_codes is None:
        coder.fit([str(t) for u in units for t in np.asarray(u["text"], dtype=object)])
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
    """``discover_corpus`` with embedding (and, beyond ``sample_size`` notes, assignment) on the cluster.

    ``options`` are ``discover_corpus``'s (model_dir, previous_model, use_model, merges, renames);
    with ``use_model`` nothing is fitted, so every note is assigned by the saved model.
    """
    from kvalitativ.discover.stage import discover_corpus

    sample_size = DISCOVER_SAMPLE if sample_size is None else int(sample_size)
    embedder = ClusterEmbedder.for_config(config, client, progress=progress)
    try:
        if len(corpus) <= sample_size or options.get("use_model"):
            return discover_corpus(corpus, config, codebook=codebook, embedder=embedder, progress=progress,
                                   **options)
        return _discover_sampled(corpus, config, codebook, embedder, client, sample_size, progress, options)
    finally:
        embedder.release()


def _discover_sampled(corpus: pd.DataFrame, config: RunConfig, codebook: Any, embedder: ClusterEmbedder,
                      client: Any, sample_size: int, progress: bool, options: dict[str, Any]) -> dict[str, Any]:
    from kvalitativ.discover.stage import discover_corpus
    from kvalitativ.discover.tables import discovery_tables

    rng = np.random.default_rng(config.seed)
    chosen = np.zeros(len(corpus), dtype=bool)
    chosen[rng.choice(len(corpus), size=sample_size, replace=False)] = True
    sample, rest = corpus[chosen].reset_index(drop=True), corpus[~chosen].reset_index(drop=True)
    fitted = discover_corpus(sample, config, codebook=codebook, embedder=embedder, progress=progress, **options)
    d = fitted["discoverer"]
    light = copy.copy(d)  # what `assign` needs: centroids, ids, labels; not BERTopic or the notes
    light.model_ = light.embedder = light._texts = light._emb = None
    light.topics_ = light.scores_ = None
    shipped = client.scatter(light, broadcast=True, hash=False)
    rest_parts = split_frame(rest, n_partitions(len(rest), client))
    try:
        assigned = map_partitions(client, assign_task,
                                  [np.asarray(p["text"].fillna(""), dtype=object).tolist() for p in rest_parts],
                                  desc="assigning notes to topics", progress=progress, discoverer=shipped,
                                  spec=embedder.spec, fitted=embedder.fitted())
    finally:
        client.cancel(shipped)
    assigned = pd.concat(assigned, ignore_index=True)
    # the sample first, so the representatives' row numbers (into the fitted notes) stay right
    ordered = pd.concat([sample, rest], ignore_index=True)
    topics = np.r_[d.topics_, assigned["topic_id"].to_numpy()]
    scores = np.r_[d.scores_, assigned["score"].to_numpy()]
    tables = discovery_tables(d, ordered, fitted["mapping"], topics=topics, scores=scores)
    position = {nid: i for i, nid in enumerate(corpus["note_id"])}
    codings = tables["codings"]
    order = np.argsort(codings["note_id"].map(position).to_numpy(), kind="stable")
    tables["codings"] = codings.iloc[order].reset_index(drop=True)
    return {**fitted, "tables": tables, "n_sample": sample_size, "n_notes": len(corpus)}
