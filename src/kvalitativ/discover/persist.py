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

UMAP and HDBSCAN are not saved (only pickle could): ``transform`` uses the centroids, the
same rule as before saving. The training notes are not saved, only the representative ones.
``FORMAT_VERSION`` rises when the layout changes; a model saved by a newer kvalitativ
fails to load with a message that says so, an older one is read (and upgraded in memory).
"""

from __future__ import annotations

import json
import os
import shutil
import tempfile
from pathlib import Path

import numpy as np
import pandas as pd

from kvalitativ.errors import InputError

__all__ = ["save_discoverer", "load_discoverer", "FORMAT", "FORMAT_VERSION"]

FORMAT = "kvalitativ-discoverer"
FORMAT_VERSION = 1


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


def save_discoverer(d, path) -> Path:
    """Write *d* to folder *path* (replaced atomically: written beside it, then moved in)."""
    from bertopic import __version__ as bertopic_version

    from kvalitativ.discover.backend import _quiet_bertopic

    d._check_fitted()
    path = Path(path)
    path.parent.mkdir(parents=True, exist_ok=True)
    tmp = Path(tempfile.mkdtemp(prefix=f".{path.name}.", dir=path.parent))
    try:
        params = {k: _json_param(getattr(d, k)) for k in d._PARAMS}
        params["reducer"] = d.reducer if isinstance(d.reducer, str) else f"<{type(d.reducer).__name__}>"
        meta = {
            "format": FORMAT,
            "format_version": FORMAT_VERSION,
            "kvalitativ_version": _kvalitativ_version(),
            "bertopic_version": bertopic_version,
            "params": params,
            "seed_topic_list": d.seed_topic_list_,
            "analyzer": d._analyzer().to_dict(),
            "embedder": _embedder_identity(d.embedder),
            "dim": d.dim_,
            "n_documents": d.n_documents_,
            "topic_ids": [int(t) for t in d.topic_ids_],
            "labels": {str(k): v for k, v in d.labels_.items()},
            "curation": d.curation_,
            "outlier_share": d.outlier_share_,
            "outlier_share_before": d.outlier_share_before_,
            "outlier_threshold": d.outlier_threshold_,
        }
        with open(tmp / "discoverer.json", "w", encoding="utf-8") as fh:
            json.dump(meta, fh, ensure_ascii=False, indent=1)
        with _quiet_bertopic():
            d.model_.save(tmp / "bertopic", serialization="safetensors", save_ctfidf=True,
                          save_embedding_model=False)
        np.save(tmp / "centroids.npy", np.asarray(d.centroids_, dtype=np.float32), allow_pickle=False)
        np.save(tmp / "mean_embedding.npy", np.asarray(d.mean_embedding_, dtype=np.float32), allow_pickle=False)
        d.topic_info_.to_parquet(tmp / "topics.parquet", index=False)
        d.topic_terms_.to_parquet(tmp / "topic_terms.parquet", index=False)
        reps = []
        texts = getattr(d, "_texts", None)
        for row in d.topic_info_.itertuples():
            for rank, (doc, sim) in enumerate(zip(row.representative_docs, row.representative_similarity)):
                text = texts[doc] if texts is not None else getattr(d, "_rep_texts", {}).get(int(doc))
                reps.append({"topic_id": row.topic_id, "rank": rank + 1, "doc_index": int(doc),
                             "similarity": float(sim), "text": text})
        pd.DataFrame(reps, columns=["topic_id", "rank", "doc_index", "similarity", "text"]).to_parquet(
            tmp / "representatives.parquet", index=False)
        pd.DataFrame({"topic_id": d.topics_, "score": d.scores_}).to_parquet(tmp / "assignments.parquet",
                                                                             index=False)
        old = None
        if path.exists():
            old = path.with_name(f".{path.name}.old-{os.getpid()}")
            os.replace(path, old)
        os.replace(tmp, path)
        if old is not None:
            shutil.rmtree(old, ignore_errors=True)
    except BaseException:
        shutil.rmtree(tmp, ignore_errors=True)
        raise
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


def load_discoverer(path, embedder=None, *, cls):
    """Read a folder written by :func:`save_discoverer` into a new ``cls`` (the Discoverer class,
    passed in so that persistence never imports the model); *embedder* = the one it was fitted with."""
    from bertopic import BERTopic

    from kvalitativ.discover.backend import _backend, _quiet_bertopic
    from kvalitativ.errors import ConfigError
    from kvalitativ.text.lemmas import DanishAnalyzer

    path = Path(path)
    meta = _read_meta(path)
    saved = meta.get("embedder")
    if embedder is not None and saved is not None:
        got = _embedder_identity(embedder)
        if got["name"] != saved["name"] or (saved["version"] and got["version"] != saved["version"]):
            raise ConfigError(f"{path}: the model was fitted with embedder {saved['name']} "
                              f"({saved['version']}), not {got['name']} ({got['version']}); "
                              "pass the same embedder, or refit"
                              + ("; a tfidf vector space cannot be rebuilt from disk, so fit models you "
                                 "want to reuse with --embedder e5" if saved["name"] == "tfidf" else ""))
    params = dict(meta["params"])
    reducer = params.pop("reducer", "umap")
    params["ngram_range"] = tuple(params.get("ngram_range") or (1, 1))
    d = cls(embedder=embedder, reducer=reducer if reducer in ("umap", "pca") else "umap", **params)
    with _quiet_bertopic():
        m = BERTopic.load(str(path / "bertopic"), embedding_model=_backend(embedder) if embedder else None)
    ap = meta.get("analyzer") or {}
    m.vectorizer_model.analyzer = DanishAnalyzer(
        stop_words=ap.get("stop_words"), ngram_range=tuple(ap.get("ngram_range", (1, 1))),
        min_length=ap.get("min_length", 2), lemmatize=ap.get("lemmatize", True))
    d.model_ = m
    vocab = m.vectorizer_model.vocabulary_
    d.vocabulary_ = sorted(vocab, key=vocab.get)
    d.seed_topic_list_ = meta.get("seed_topic_list")
    d.seed_topics = d.seed_topic_list_  # so that refit() stays guided by the same seed words
    d.dim_ = int(meta["dim"])
    d.n_documents_ = int(meta["n_documents"])
    d.topic_ids_ = np.asarray(meta["topic_ids"], dtype=int)
    d.labels_ = {int(k): v for k, v in meta.get("labels", {}).items()}
    d.curation_ = list(meta.get("curation") or [])
    d.outlier_share_ = meta.get("outlier_share")
    d.outlier_share_before_ = meta.get("outlier_share_before")
    d.outlier_threshold_ = meta.get("outlier_threshold")
    d.centroids_ = np.load(path / "centroids.npy", allow_pickle=False)
    d.mean_embedding_ = np.load(path / "mean_embedding.npy", allow_pickle=False)
    info = pd.read_parquet(path / "topics.parquet")
    for col in ("keywords", "weights", "representative_docs", "representative_similarity"):
        info[col] = info[col].map(list)
    d.topic_info_ = info
    d.topic_terms_ = pd.read_parquet(path / "topic_terms.parquet")
    reps = pd.read_parquet(path / "representatives.parquet")
    d._rep_texts = dict(zip(reps.doc_index.astype(int), reps.text))
    asg = pd.read_parquet(path / "assignments.parquet")
    d.topics_ = asg.topic_id.to_numpy(dtype=int)
    d.scores_ = asg.score.to_numpy(dtype=float)
    d._texts, d._emb = None, None
    d.curation_report_ = pd.DataFrame(columns=["step", "op", "old_topic", "new_topic", "similarity", "applied"])
    if d.centroids_.shape != (len(d.topic_ids_), d.dim_):
        raise InputError(f"{path}: centroids.npy has shape {d.centroids_.shape}, expected "
                         f"({len(d.topic_ids_)}, {d.dim_}); the folder is damaged: save the model again")
    return d
