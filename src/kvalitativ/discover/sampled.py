"""Discovery on a large corpus: fit on the seeded fit sample, assign every other note.

Why: a topic model's cost grows faster than the corpus (UMAP's neighbour graph, HDBSCAN), and
its topics are settled long before every note is seen. So above
:data:`kvalitativ.sampling.FIT_SAMPLE` notes the model is fitted on the run's seeded sample
(:func:`kvalitativ.sampling.fit_sample`, the notes the coder fits on too) and the other notes go
to their nearest topic centroid, or by the vote of their nearest fitted notes
(``Discoverer.assign``, ``discover.assignment``). Every engine calls this one function and only
says *where* the assignment runs (``assign_rest``): here in chunks (local, streamed), or over
partitions on a cluster (Dask). Up to the sample size it is plain ``discover_corpus``.
"""

from __future__ import annotations

import copy
import math
from collections.abc import Callable
from typing import Any

import numpy as np
import pandas as pd

from kvalitativ.embed.base import drop_vectors
from kvalitativ.sampling import fit_sample

__all__ = ["discover_sampled", "assign_in_chunks", "assignable", "sample_config"]

#: The smallest topic a sample is fitted with, however small the sample's share of the corpus.
MIN_SAMPLE_TOPIC = 5

#: Notes embedded and assigned at a time by :func:`assign_in_chunks` (bounds the vectors in memory).
ASSIGN_CHUNK = 50_000

AssignRest = Callable[[Any, list[str]], pd.DataFrame]


def assignable(discoverer):
    """A copy with what ``assign`` needs, without BERTopic, the notes' texts or their float32
    vectors, so it is small to keep or to ship to workers: centroids, ids and labels, and for the
    nearest-notes vote (``assignment="knn"``) the fitted notes' unit vectors as float16 and their
    topics — 2 × dimensions + 8 bytes a fitted note (15.5 MB for 20,000 notes of 384 dimensions)."""
    light = copy.copy(discoverer)
    light.model_ = light.embedder = light._texts = light._emb = light._cluster_emb = None
    light.scores_ = None
    if light.assignment != "knn":
        light.fit_vectors_ = light.topics_ = None  # the centroid rule ships no per-note vectors or topics
    return light


def assign_in_chunks(discoverer, texts: list[str], embedder, chunk_size: int = ASSIGN_CHUNK) -> pd.DataFrame:
    """``discoverer.assign`` over ``texts``, embedding ``chunk_size`` notes at a time; the
    embedder's in-memory vectors are dropped after each chunk (``clear``, where it has one)."""
    parts = []
    for i in range(0, len(texts), chunk_size):
        vectors = np.asarray(embedder.encode(texts[i:i + chunk_size]), dtype=np.float32)
        parts.append(discoverer.assign(texts[i:i + chunk_size], embeddings=vectors))
        drop_vectors(embedder)
    return pd.concat(parts, ignore_index=True) if parts else discoverer.assign([], embeddings=np.zeros((0, 1)))


def sample_config(config, n_sample: int, n_corpus: int):
    """The config the sample is fitted with: the smallest topic the *corpus* would have
    (``effective_min_topic_size`` at the corpus size), scaled to the sample's share of it, so a
    topic of the sample grows to the topic a full fit would find once the rest is assigned
    (without it the sample's topics came out coarser than a full fit's: the floor of 15 notes
    weighs more in 4,000 notes than in 20,000)."""
    from kvalitativ.discover.stage import effective_min_topic_size

    scaled = copy.deepcopy(config)
    full = effective_min_topic_size(config.discover, n_corpus)
    scaled.discover.min_topic_size = max(MIN_SAMPLE_TOPIC, math.ceil(full * n_sample / max(n_corpus, 1)))
    scaled.discover.min_topic_share = 0.0
    # Leiden's resolution grows with the fitted notes (per 1,000): the sample is cut as finely as
    # the corpus would be, as the smallest topic above is the corpus's, scaled
    scaled.discover.resolution = config.discover.resolution * n_corpus / max(n_sample, 1)
    return scaled


def discover_sampled(corpus: pd.DataFrame, config, *, codebook=None, embedder=None, progress: bool = True,
                     assign_rest: AssignRest | None = None, sample_size: int | None = None,
                     **options: Any) -> dict[str, Any]:
    """``discover_corpus``, fitted on the fit sample of a corpus larger than it.

    ``assign_rest(discoverer, texts)`` assigns the notes outside the sample (default: here, in
    chunks, with ``embedder``). With ``use_model`` nothing is fitted and every note is assigned.
    Tables are in corpus order; the summary says how many notes the topics were fitted on.
    """
    from kvalitativ.discover.stage import discover_corpus
    from kvalitativ.discover.sentences import configured_redact
    from kvalitativ.discover.tables import discovery_tables

    chosen_rows = fit_sample(len(corpus), config.seed, sample_size)
    if len(chosen_rows) == len(corpus) or options.get("use_model"):
        return discover_corpus(corpus, config, codebook=codebook, embedder=embedder, progress=progress, **options)
    chosen = np.zeros(len(corpus), dtype=bool)
    chosen[chosen_rows] = True
    sample, rest = corpus[chosen].reset_index(drop=True), corpus[~chosen].reset_index(drop=True)
    fitted = discover_corpus(sample, sample_config(config, len(sample), len(corpus)), codebook=codebook,
                             embedder=embedder, progress=progress, **options)
    d = fitted["discoverer"]
    rest_texts = np.asarray(rest["text"].fillna(""), dtype=object).tolist()
    if assign_rest is None:
        assigned = assign_in_chunks(assignable(d), rest_texts, embedder)
    else:
        assigned = assign_rest(assignable(d), rest_texts)
    # the sample first, so the representatives' row numbers (into the fitted notes) stay right
    ordered = pd.concat([sample, rest], ignore_index=True)
    topics = np.r_[d.topics_, assigned["topic_id"].to_numpy()]
    scores = np.r_[d.scores_, assigned["score"].to_numpy()]
    tables = discovery_tables(d, ordered, fitted["mapping"], topics=topics, scores=scores,
                              redact=configured_redact(config))
    position = {nid: i for i, nid in enumerate(corpus["note_id"])}
    codings = tables["codings"]
    order = np.argsort(codings["note_id"].map(position).to_numpy(), kind="stable")
    tables["codings"] = codings.iloc[order].reset_index(drop=True)
    return {**fitted, "tables": tables, "n_sample": len(chosen_rows), "n_notes": len(corpus)}
