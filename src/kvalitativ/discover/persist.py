"""Save and load a fitted Discoverer without pickle.

Layout of a model folder::

    discoverer.json        format + version, parameters, labels, curation, embedder identity
    bertopic/              BERTopic's own safetensors serialisation (topics, c-TF-IDF, vocabulary)
    centroids.npy          topic centroids (float32, rows in discoverer.json "topic_ids" order)
    mean_embedding.npy     mean note vector (centring for codebook mapping)
    topics.parquet         topic_info_ (labels, keywords, sizes, representative note indices)
    topic_terms.parquet    topic_terms_
    representatives.parquet  the representative notes' text (already redacted notes)
    assignments.parquet    topic and score per training note (row order = training order)
    fit_vectors.npy        the training notes' unit vectors (float16, training order): what
                           ``assign``'s nearest-notes vote needs (2 bytes × dimensions a note);
                           saved only with ``assignment="knn"``

UMAP and HDBSCAN are not saved (only pickle could): ``transform`` votes among the training notes'
vectors or uses the centroids (``assignment``), the same rule as before saving. The training
notes' texts are not saved, only the representative ones; with the vote their vectors are (a
vector is not the text, but it is derived from it: keep a model folder as private as the notes it
was fitted on), with the centroid rule (the default) they are not.
A model without ``fit_vectors.npy`` asked to vote warns and assigns by centroid.
Format 2 (2026-12-07): ``fit_vectors.npy``, and ``assignment`` and the resolved ``n_neighbors``
among the parameters (a format-1 reader would fail on the new parameter with a bare TypeError;
it refuses format 2 with its "upgrade kvalitativ" message instead). Format 1 is still read.
``FORMAT_VERSION`` rises when the layout changes; a model saved by a newer kvalitativ
fails to load with a message that says so, an older one is read (and upgraded in memory).
"""

from __future__ import annotations

import json
from pathlib import Path

import numpy as np
import pandas as pd

from kvalitativ.discover import submodels as sub
from kvalitativ.errors import InputError
from kvalitativ.text.lemmas import DanishAnalyzer

__all__ = ["save_parts", "load_parts", "model_parts", "model_from_parts", "FORMAT", "FORMAT_VERSION"]

FORMAT = "kvalitativ-discoverer"
FORMAT_VERSION = 2


def _kvalitativ_version() -> str:
    try:
        from importlib.metadata import version

        return version("kvalitativ")
    except Exception:  # pragma: no cover - not installed
        return "unknown"


def _json_param(value):
    if value is None or isinstance(value, (bool, int, float, str)):
        return value
    if isinstance(value, (list, tuple)):
        return [_json_param(v) for v in value]
    if isinstance(value, np.generic):
        return value.item()
    return f"<{type(value).__name__}>"


def _embedder_identity(embedder) -> dict | None:
    if embedder is None:
        return None
    return {"name": str(getattr(embedder, "name", type(embedder).__name__)),
            "version": str(getattr(embedder, "version", "")),
            "dim": int(getattr(embedder, "dim", 0) or 0)}


def save_parts(parts: dict, path, *, embedder=None) -> Path:
    """Write a model's raw parts (``Discoverer.to_parts``) to folder *path* (replaced atomically:
    written beside it, then moved in). *embedder*: the one it was fitted with (its identity is
    recorded, so loading with another one fails clearly)."""
    from bertopic import __version__ as bertopic_version

    from kvalitativ.discover.backend import _quiet_bertopic

    from kvalitativ.io.atomic import atomic_folder

    path = Path(path)
    with atomic_folder(path) as tmp:
        meta = {"format": FORMAT, "format_version": FORMAT_VERSION, "kvalitativ_version": _kvalitativ_version(),
                "bertopic_version": bertopic_version, **parts["meta"],
                "params": {k: _json_param(v) for k, v in parts["meta"]["params"].items()},
                "embedder": _embedder_identity(embedder)}
        with open(tmp / "discoverer.json", "w", encoding="utf-8") as fh:
            json.dump(meta, fh, ensure_ascii=False, indent=1)
        with _quiet_bertopic():
            parts["bertopic"].save(tmp / "bertopic", serialization="safetensors", save_ctfidf=True,
                                   save_embedding_model=False)
        for name, array in parts["arrays"].items():
            np.save(tmp / f"{name}.npy", array, allow_pickle=False)
        for name, frame in parts["frames"].items():
            frame.to_parquet(tmp / f"{name}.parquet", index=False)
    return path


def _read_meta(path: Path) -> dict:
    f = path / "discoverer.json"
    if not f.is_file():
        raise InputError(f"{path}: not a saved discoverer (no discoverer.json); "
                         "save one with `kvalitativ discover NOTES --model-dir DIR`")
    try:
        meta = json.loads(f.read_text(encoding="utf-8"))
    except json.JSONDecodeError as exc:
        raise InputError(f"{f}: damaged JSON ({exc}); save the model again") from exc
    if meta.get("format") != FORMAT:
        raise InputError(f"{f}: not a kvalitativ discoverer (format {meta.get('format')!r})")
    fv = int(meta.get("format_version", 0))
    if fv > FORMAT_VERSION:
        raise InputError(f"{path}: saved by kvalitativ {meta.get('kvalitativ_version')} in model format {fv}; "
                         f"this kvalitativ reads up to format {FORMAT_VERSION}: upgrade kvalitativ "
                         "(pip install -U kvalitativ) or refit the model")
    return meta


def _fit_vectors(path: Path, n: int, dim: int) -> dict:
    """{"fit_vectors": …} from ``fit_vectors.npy``; {} for a model saved without it (the centroid
    rule, or an older kvalitativ): ``assign`` warns if such a model is asked to vote."""
    f = path / "fit_vectors.npy"
    if not f.is_file():
        return {}
    vectors = np.load(f, allow_pickle=False)
    if vectors.shape != (n, dim):
        raise InputError(f"{f} has shape {vectors.shape}, expected ({n}, {dim}); the model folder is damaged: "
                         "save the model again")
    return {"fit_vectors": vectors}


def load_parts(path, embedder=None) -> dict:
    """Read a folder written by :func:`save_parts` back into raw parts (``Discoverer.from_parts``
    rebuilds the model); *embedder* = the one it was fitted with, checked against the saved one."""
    from bertopic import BERTopic

    from kvalitativ.discover.backend import _backend, _quiet_bertopic
    from kvalitativ.errors import ConfigError

    path = Path(path)
    meta = _read_meta(path)
    saved = meta.get("embedder")
    if embedder is not None and saved is not None:
        got = _embedder_identity(embedder)
        if got["name"] != saved["name"] or (saved["version"] and got["version"] != saved["version"]):
            if saved["name"] == got["name"] == "static" and got["version"] == f"{saved['version']}-pc1":
                raise ConfigError(f"{path}: the model was fitted before the static embedder removed its "
                                  "common component (kvalitativ of 2026-12-07), so new notes would land in "
                                  "another vector space: refit it (kvalitativ discover ... --embedder static "
                                  "--model-dir DIR)")
            raise ConfigError(f"{path}: the model was fitted with embedder {saved['name']} "
                              f"({saved['version']}), not {got['name']} ({got['version']}); "
                              "pass the same embedder, or refit"
                              + ("; a tfidf vector space cannot be rebuilt from disk, so fit models you "
                                 "want to reuse with --embedder e5" if saved["name"] == "tfidf" else ""))
    with _quiet_bertopic():
        model = BERTopic.load(str(path / "bertopic"), embedding_model=_backend(embedder) if embedder else None)
    arrays = {name: np.load(path / f"{name}.npy", allow_pickle=False) for name in ("centroids", "mean_embedding")}
    frames = {name: pd.read_parquet(path / f"{name}.parquet")
              for name in ("topics", "topic_terms", "representatives", "assignments")}
    arrays.update(_fit_vectors(path, len(frames["assignments"]), int(meta["dim"])))
    return {"meta": meta, "bertopic": model, "arrays": arrays, "frames": frames}


def model_parts(d) -> dict:
    """A fitted :class:`~kvalitativ.discover.model.Discoverer` as raw parts: ``meta`` (JSON),
    ``bertopic`` (the BERTopic object), ``arrays`` and ``frames``; nothing that needs pickle."""
    d._check_fitted()
    params = {k: getattr(d, k) for k in d._PARAMS}
    params["n_neighbors"] = sub.neighbours_of(d)  # the number fitted with, not None: defaults may change
    params["lexical_share"] = sub.lexical_share_of(d)  # likewise the share fitted with
    params["reducer"] = d.reducer if isinstance(d.reducer, str) else f"<{type(d.reducer).__name__}>"
    texts = getattr(d, "_texts", None)
    reps = [{"topic_id": row.topic_id, "rank": rank + 1, "doc_index": int(doc), "similarity": float(sim),
             "text": texts[doc] if texts is not None else getattr(d, "_rep_texts", {}).get(int(doc))}
            for row in d.topic_info_.itertuples()
            for rank, (doc, sim) in enumerate(zip(row.representative_docs, row.representative_similarity))]
    meta = {"params": params, "seed_topic_list": d.seed_topic_list_, "analyzer": d._analyzer().to_dict(),
            "dim": d.dim_, "n_documents": d.n_documents_, "topic_ids": [int(t) for t in d.topic_ids_],
            "labels": {str(k): v for k, v in d.labels_.items()}, "curation": d.curation_,
            "outlier_share": d.outlier_share_, "outlier_share_before": d.outlier_share_before_,
            "outlier_threshold": d.outlier_threshold_,
            "lexical_weight_used": getattr(d, "lexical_weight_", float(d.lexical_weight)),
            "consensus_runs_used": getattr(d, "consensus_runs_", None)}
    frames = {"topics": d.topic_info_, "topic_terms": d.topic_terms_,
              "representatives": pd.DataFrame(reps, columns=["topic_id", "rank", "doc_index", "similarity",
                                                             "text"]),
              "assignments": pd.DataFrame({"topic_id": d.topics_, "score": d.scores_})}
    arrays = {"centroids": np.asarray(d.centroids_, dtype=np.float32),
              "mean_embedding": np.asarray(d.mean_embedding_, dtype=np.float32)}
    if d.assignment == "knn" and getattr(d, "fit_vectors_", None) is not None:
        # only the vote needs them: a centroid model keeps no per-note vectors on disk
        arrays["fit_vectors"] = np.asarray(d.fit_vectors_, dtype=np.float16)
    return {"meta": meta, "bertopic": d.model_, "arrays": arrays, "frames": frames}


def model_from_parts(cls, parts: dict, embedder=None):
    """A fitted discoverer of class *cls* rebuilt from :func:`model_parts`' parts (as read back
    from disk)."""
    meta = parts["meta"]
    params = dict(meta["params"])
    reducer = params.pop("reducer", "umap")
    params.setdefault("clustering", "hdbscan")  # saved before the option: fitted with HDBSCAN
    params.setdefault("lexical_share", 0.0)  # saved before the words were in the graph: fitted without them
    params.setdefault("consensus_runs", 10)  # saved before the option: Leiden's consensus took 10 runs
    params["ngram_range"] = tuple(params.get("ngram_range") or (1, 1))
    d = cls(embedder=embedder, reducer=reducer if reducer in ("umap", "pca") else "umap", **params)
    m = parts["bertopic"]
    ap = meta.get("analyzer") or {}
    d.language_ = ap.get("language", "da")  # saved before languages: Danish
    m.vectorizer_model.analyzer = DanishAnalyzer(
        stop_words=ap.get("stop_words"), ngram_range=tuple(ap.get("ngram_range", (1, 1))),
        min_length=ap.get("min_length", 2), lemmatize=ap.get("lemmatize", True), language=d.language_)
    d.model_ = m
    vocab = m.vectorizer_model.vocabulary_
    d.vocabulary_ = sorted(vocab, key=vocab.get)
    d.seed_topic_list_ = meta.get("seed_topic_list")
    d.seed_topics = d.seed_topic_list_  # so that refit() stays guided by the same seed words
    d.dim_, d.n_documents_ = int(meta["dim"]), int(meta["n_documents"])
    d.topic_ids_ = np.asarray(meta["topic_ids"], dtype=int)
    d.labels_ = {int(k): v for k, v in meta.get("labels", {}).items()}
    d.curation_ = list(meta.get("curation") or [])
    d.outlier_share_ = meta.get("outlier_share")
    d.outlier_share_before_ = meta.get("outlier_share_before")
    d.outlier_threshold_ = meta.get("outlier_threshold")
    d.lexical_weight_ = float(meta.get("lexical_weight_used", d.lexical_weight))
    # the consensus runs the fit used (refits take them); saved before: the number set (10 before the option)
    d.consensus_runs_ = meta.get("consensus_runs_used", d.consensus_runs if d.clustering == "leiden" else None)
    d.centroids_, d.mean_embedding_ = parts["arrays"]["centroids"], parts["arrays"]["mean_embedding"]
    d.fit_vectors_ = parts["arrays"].get("fit_vectors")  # None: saved before it, centroids assign
    info = parts["frames"]["topics"].copy()
    for col in ("keywords", "weights", "representative_docs", "representative_similarity"):
        info[col] = info[col].map(list)
    d.topic_info_, d.topic_terms_ = info, parts["frames"]["topic_terms"]
    reps = parts["frames"]["representatives"]
    d._rep_texts = dict(zip(reps.doc_index.astype(int), reps.text))
    asg = parts["frames"]["assignments"]
    d.topics_, d.scores_ = asg.topic_id.to_numpy(dtype=int), asg.score.to_numpy(dtype=float)
    d._texts, d._emb, d._cluster_emb = None, None, None
    d.curation_report_ = pd.DataFrame(columns=["step", "op", "old_topic", "new_topic", "similarity", "applied"])
    if d.centroids_.shape != (len(d.topic_ids_), d.dim_):
        raise InputError(f"centroids.npy has shape {d.centroids_.shape}, expected ({len(d.topic_ids_)}, "
                         f"{d.dim_}); the model folder is damaged: save the model again")
    return d
