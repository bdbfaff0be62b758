"""The discovery stage: notes in, topics + tables out (used by `kvalitativ discover` and `run`).

``themes`` and ``codings`` are shared with the `code` stage: when the output folder already
holds them, the rows of other stages are kept and only earlier discovery rows (origin
``discovered`` / method ``topic``) are replaced, so `code` and `discover` can share a folder.
"""

from __future__ import annotations

import math
from pathlib import Path
from typing import Any

import numpy as np
import pandas as pd

from kvalitativ.config import RunConfig
from kvalitativ.discover.model import Discoverer
from kvalitativ.errors import InputError

__all__ = ["discover_corpus", "read_notes", "merge_with_existing", "write_discovery", "discover_stage",
           "summary_lines", "discovery_warnings", "measure_stability"]

_OWN_ROWS = {"themes": ("origin", "discovered"), "codings": ("method", "topic")}


def read_notes(notes: str | Path, config: RunConfig) -> tuple[pd.DataFrame, str | None]:
    """The corpus from a stage folder (``kvalitativ ingest --out``) or a notes export file.

    Returns (corpus, run_id of the folder or None).
    """
    from kvalitativ.io.store import read_stage_table

    notes = Path(notes)
    if notes.is_dir():
        corpus = read_stage_table(notes, "corpus")
    elif notes.is_file():
        from kvalitativ.io.ingest import ingest_notes

        corpus = ingest_notes(notes, config.ingest, config.privacy).corpus
    else:
        raise InputError(f"{notes}: no such file or folder; give a notes export or the --out folder of "
                         "`kvalitativ ingest`")
    if "text" not in corpus.columns:
        raise InputError(f"{notes}: the notes have no 'text' column")
    corpus = corpus.reset_index(drop=True)
    run_ids = corpus["run_id"].dropna().unique() if "run_id" in corpus.columns else []
    return corpus, (str(run_ids[0]) if len(run_ids) == 1 else None)


def discover_corpus(corpus: pd.DataFrame, config: RunConfig | None = None, *, codebook=None, embedder=None,
                    model_dir: str | Path | None = None, previous_model: str | Path | None = None,
                    use_model: str | Path | None = None, merges=None, renames=None,
                    progress: bool = True) -> dict[str, Any]:
    """Fit (or, with *use_model*, apply) a discoverer to the corpus; map to *codebook*; build tables.

    *previous_model*: a saved model whose curation (merges, renames) is re-applied to this fit.
    *model_dir*: where to save the fitted model. *merges* (``[[2, 5]]``) and *renames*
    (``{0: "Søvn"}``) curate the fitted topics before saving; the same notes and seed give the
    same topic ids, so ids read off one run can be used in the next.
    Returns {"discoverer", "mapping", "tables", "mode"}.
    """
    from kvalitativ.discover.mapping import emergent_threshold_for, map_to_codebook
    from kvalitativ.discover.sentences import configured_redact
    from kvalitativ.discover.submodels import configured_language
    from kvalitativ.discover.tables import discovery_tables

    config = config or RunConfig()
    dc = config.discover
    texts = np.asarray(corpus["text"].fillna(""), dtype=object).tolist()
    if embedder is None:
        from kvalitativ.embed.configured import configured_embedder

        embedder = configured_embedder(config, progress=progress)
    topics = scores = vectors = None
    if use_model:
        if merges or renames:
            raise InputError("discover: merge and rename topics when fitting (without --use-model)")
        d = Discoverer.load(use_model, embedder=embedder).set_params(assignment=dc.assignment)
        vectors = np.asarray(embedder.encode(texts), dtype=np.float32)  # also the emergent threshold's null
        assigned = d.assign(texts, vectors)
        topics, scores = assigned.topic_id.to_numpy(), assigned.score.to_numpy()
    else:
        curation = Discoverer.load(previous_model).curation_ if previous_model else None
        d = Discoverer(
            embedder=embedder, min_topic_size=effective_min_topic_size(dc, len(texts)), n_neighbors=dc.n_neighbors,
            n_components=dc.n_components, min_samples=dc.min_samples, clustering=dc.clustering, resolution=dc.resolution,
            assignment=dc.assignment, lexical_weight=dc.lexical_weight,
            lexical_share=dc.lexical_share, center=dc.center, consensus_runs=dc.consensus_runs,
            outlier_target=dc.outlier_target,
            outlier_strategy=dc.outlier_strategy, n_keywords=dc.n_keywords, diversity=dc.diversity,
            n_representative=dc.n_representative, ngram_range=tuple(dc.ngram_range),
            seed_topics=codebook if (codebook is not None and dc.guided) else None,
            curation=curation, random_state=config.seed, language=configured_language(corpus, config),
        ).fit(texts)
        if renames:  # before merging, so both use the ids the analyst saw
            d.rename_topics(renames)
        if merges:
            d.merge_topics(merges)
        if model_dir:
            d.save(model_dir)
        d.stability_ = measure_stability(d, dc, config.seed)
    threshold = emergent_threshold_for(dc.emergent_threshold, config.embed.name)
    mapping = (map_to_codebook(d, codebook, embedder, threshold=threshold, embeddings=vectors,
                               random_state=config.seed) if codebook is not None else None)
    tables = discovery_tables(d, corpus, mapping, topics=topics, scores=scores, sentences_from_text=not use_model,
                              redact=configured_redact(config))
    return {"discoverer": d, "mapping": mapping, "tables": tables, "mode": "assign" if use_model else "fit"}


def measure_stability(d, dc, seed: int):
    """Per-topic stability of the fitted topics (``discover.stability_seeds`` refits; 0 = off)."""
    from kvalitativ.discover.stability import topic_stability

    seeds = int(getattr(dc, "stability_seeds", 0) or 0)
    if seeds <= 0 or d._emb is None:
        return None
    # None: the clustering step's own input (with the words in the graph, the vectors beside the words)
    return topic_stability(d, None, d.topics_, n_seeds=seeds, sample_size=int(dc.stability_sample),
                           random_state=seed, workers=int(getattr(dc, "stability_workers", 0) or 0))


def effective_min_topic_size(dc, n_notes: int) -> int:
    """``min_topic_size``, raised to ``min_topic_share`` of the notes on large corpora."""
    share = float(getattr(dc, "min_topic_share", 0.0) or 0.0)
    return max(int(dc.min_topic_size), math.ceil(share * n_notes))


def merge_with_existing(out_dir: str | Path, tables: dict[str, pd.DataFrame]) -> dict[str, pd.DataFrame]:
    """Keep other stages' rows of ``themes``/``codings`` already in *out_dir*; replace ours."""
    from kvalitativ.io.store import read_stage_table

    out = dict(tables)
    for name, (col, ours) in _OWN_ROWS.items():
        if name not in tables:
            continue
        old = read_stage_table(out_dir, name, required=False)
        if old is None or old.empty or col not in old.columns:
            continue
        others = old[old[col].astype(str) != ours].drop(columns=["run_id"], errors="ignore")
        if len(others):
            out[name] = pd.concat([others, tables[name]], ignore_index=True)
    return out


def write_discovery(result: dict[str, Any], out_dir: str | Path, run_id: str, config: RunConfig, *,
                    chunk_size: int | None = None, read: dict[str, str] | None = None) -> dict:
    """Write the discovery tables into *out_dir*; returns {table: paths}.

    ``chunk_size`` (the streamed engine's): the codings — the coding stage's rows and a topic row
    per note, millions at scale — are copied and appended that many rows at a time
    (:func:`kvalitativ.scale.chunked.replace_rows`) instead of merged in memory; the same rows.
    ``read``: the fingerprint of the corpus the topics were found in (:mod:`kvalitativ.io.lineage`).
    """
    from kvalitativ.io.store import table_path, write_tables
    from kvalitativ.privacy.kinds import kept_types

    kept = kept_types(config.privacy.redact)
    tables = dict(result["tables"])
    codings = tables.pop("codings") if chunk_size and "codings" in tables else None
    written = write_tables(out_dir, merge_with_existing(out_dir, tables), run_id=run_id,
                           min_cell=config.privacy.min_cell, kept_types=kept, read=read)
    if codings is not None:
        from kvalitativ.io.store import DUCKDB_FILE
        from kvalitativ.scale.chunked import replace_rows

        replace_rows(out_dir, "codings", _OWN_ROWS["codings"], codings, run_id, min_cell=config.privacy.min_cell,
                     kept_types=kept, chunk_size=chunk_size, read=read)
        written["codings"] = [table_path(Path(out_dir), "codings", kind) for kind in ("parquet", "csv", "csv_da")]
        written["codings"].append(Path(out_dir) / DUCKDB_FILE)
    return written


def summary_lines(result: dict[str, Any]) -> list[str]:
    d, mapping = result["discoverer"], result["mapping"]
    n = len(result["tables"]["codings"])
    if result.get("mode") == "assign":
        lines = [f"Assigned {n} notes to the {len(d.topic_ids_)} topics of the saved model."]
    else:
        lines = [f"Discovered {len(d.topic_ids_)} topics of at least {d.min_topic_size} notes; {n} notes assigned "
                 f"(outliers {d.outlier_share_:.0%}, {d.outlier_share_before_:.0%} before reduction)."]
        if getattr(d, "lexical_weight_", 0.0):  # the words beside the vectors in the neighbour graph
            from kvalitativ.discover.submodels import lexical_share_of

            share = lexical_share_of(d)
            lines.append(f"The neighbour graph weighs the notes' words {d.lexical_weight_:.3f} beside the vectors"
                         + (f" (so they carry {share:g} of the similarity's spread)." if share else "."))
        runs = getattr(d, "consensus_runs_", None)
        if runs:  # Leiden: how many runs the consensus took (by the graph's size unless set)
            how = "set by discover.consensus_runs" if d.consensus_runs is not None else "by the graph's size"
            lines.append(f"Leiden's consensus over {runs} runs ({how}).")
    if mapping is not None:
        em = mapping[mapping.is_emergent]
        lines.append(f"{len(em)} emergent topic(s) (no codebook theme nearer than {_threshold_words(mapping)})"
                     + (": " + "; ".join(f"topic_{t} '{lab}'" for t, lab in zip(em.topic_id, em.topic_label))
                        if len(em) else "."))
    if result.get("n_sample"):  # the Dask engine fits a large corpus on a sample
        lines.append(f"Topics fitted on a random sample of {result['n_sample']} of {result['n_notes']} notes; "
                     "the others were assigned to the nearest topic.")
    return lines + stability_lines(getattr(d, "stability_", None)) + discovery_warnings(result)


def _threshold_words(mapping) -> str:
    """The emergent threshold in the summary's words: the user's number or the calibrated range."""
    if mapping.attrs.get("threshold") != "auto" or not len(mapping):
        return f"the threshold {mapping.attrs.get('threshold')}"
    lo, hi = float(mapping.threshold.min()), float(mapping.threshold.max())
    span = f"{lo:.2f}" if round(lo, 2) == round(hi, 2) else f"{lo:.2f}-{hi:.2f}"
    return f"random groups of notes reach: calibrated threshold {span}"


def stability_lines(st) -> list[str]:
    """The stability summary: overall ARI, unstable topics and what it cost."""
    from kvalitativ.discover.stability import UNSTABLE

    if st is None:
        return []
    unstable = st.per_topic[st.per_topic.stability < UNSTABLE]
    return [f"Stability: ARI {st.ari:.2f} between the topics and {st.n_refits} refits of the clustering "
            f"(other seeds and a shuffled order) on {st.n_notes} notes; {len(unstable)} of {len(st.per_topic)} "
            f"topic(s) unstable (best-match Jaccard < {UNSTABLE}); took {st.seconds:.1f} s"
            + (f" in {st.workers} processes." if getattr(st, "workers", 1) > 1 else ".")]


def discovery_warnings(result: dict[str, Any]) -> list[str]:
    """One line per thing an analyst must know before reading the topics."""
    from kvalitativ.discover.stability import LOW_ARI

    d, out = result["discoverer"], []
    codings = result["tables"]["codings"]
    if len(codings):
        share = codings["theme_id"].value_counts(normalize=True)
        if share.iloc[0] > 0.5:
            out.append(f"Warning: {share.index[0]} holds {share.iloc[0]:.0%} of the notes; try `kvalitativ tune` "
                       "or a smaller --min-topic-size.")
    st = getattr(d, "stability_", None)
    if st is not None and st.ari < LOW_ARI:
        out.append(f"Warning: low stability (ARI {st.ari:.2f} < {LOW_ARI} across seeds): another seed would give "
                   "other topics; read the stability column, or try `kvalitativ tune`.")
    return out


def discover_stage(config: RunConfig, out_dir: str | Path, run_id: str, engine) -> dict[str, Any]:
    """Pipeline stage (``discover.enabled``): corpus of *out_dir* -> discovery tables in *out_dir*.

    ``engine``: a :class:`~kvalitativ.engines.StageEngine` (local, or Dask: fitted on a sample of
    a large corpus, the rest assigned on the cluster). Maps to ``config.code.codebook``; saves
    the model to ``discover.model_dir`` when set.
    """
    from kvalitativ.codebook import load_codebook
    from kvalitativ.io.lineage import fingerprints
    from kvalitativ.memory import release_memory

    read = fingerprints([(out_dir, "corpus")])
    corpus, _ = read_notes(out_dir, config)
    codebook = load_codebook(config.code.codebook) if config.code.codebook else None
    result = engine.discover(corpus, config, codebook=codebook, model_dir=config.discover.model_dir)
    del corpus  # the notes' text is not needed to write the tables (a million notes: ~0.3 GB)
    release_memory()  # what assigning a million notes freed, before the codings are merged and written
    written = write_discovery(result, out_dir, run_id, config, chunk_size=engine.stream_chunk, read=read)
    return {"tables": result["tables"], "written": written, "summary": summary_lines(result)}
