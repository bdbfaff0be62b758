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

from kvalitativ.errors import InputError

__all__ = ["save_parts", "load_parts", "FORMAT", "FORMAT_VERSION"]

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
