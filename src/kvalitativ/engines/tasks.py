"""What runs on a Dask worker: redact, segment, embed, code and assign one partition.

Models are built once per worker process, not once per task: the embedder lives in a
module-level cache keyed by its spec (name, options, cache folder) or, for an embedder fitted
centrally (TF-IDF), by the fitted space's version. Fitted objects (the embedder's vector
space, the coder, the topic model) arrive as futures scattered once to every worker, so
each worker deserialises them once and every task on it shares them; a task that needs its
own state (the coder's embedder) works on a shallow copy.
"""

from __future__ import annotations

import copy
import threading
from collections import Counter, OrderedDict
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import numpy as np
import pandas as pd

from kvalitativ.embed.base import EmbedderWrapper

__all__ = ["EmbedderSpec", "worker_embedder", "PrecomputedEmbedder", "redact_task", "segment_task",
           "encode_task", "code_task", "assign_task"]

_LOCK = threading.Lock()
_EMBEDDERS: OrderedDict[tuple, Any] = OrderedDict()
_MAX_EMBEDDERS = 4  # long-lived workers serve many runs: keep only the latest few spaces
_LOCAL = threading.local()


@dataclass(frozen=True)
class EmbedderSpec:
    """How a worker builds the configured embedder: ``get_embedder(name, **options)`` behind
    the on-disk cache in ``cache_dir`` (None = in memory)."""

    name: str
    options: tuple[tuple[str, Any], ...] = ()
    cache_dir: str | None = None


class _Locked(EmbedderWrapper):
    """One embedder shared by the threads of a worker: ``encode`` one call at a time."""

    def __init__(self, embedder: Any):
        self.inner = embedder
        self.lock = threading.Lock()

    def encode(self, texts: list[str]) -> np.ndarray:
        with self.lock:
            return self.inner.encode(texts)


def _wrap(base: Any, cache_dir: str | None) -> Any:
    from kvalitativ.embed import CachedEmbedder, MemoizedEmbedder

    if cache_dir:
        try:
            Path(cache_dir).mkdir(parents=True, exist_ok=True)
            return CachedEmbedder(base, cache_dir, progress=False)
        except OSError:  # a remote worker that cannot write there: memory only
            pass
    return MemoizedEmbedder(base)


def worker_embedder(spec: EmbedderSpec, fitted: Any = None) -> _Locked:
    """This worker's embedder for ``spec`` (built on first use), or for the centrally
    ``fitted`` embedder when the space had to be learned from the corpus (TF-IDF)."""
    key = (spec, getattr(fitted, "version", None))
    with _LOCK:
        emb = _EMBEDDERS.get(key)
        if emb is None:
            if fitted is not None:
                base = fitted
            else:
                from kvalitativ.embed import get_embedder

                base = get_embedder(spec.name, progress=False, **dict(spec.options))
            emb = _Locked(_wrap(base, spec.cache_dir))
            _EMBEDDERS[key] = emb
            while len(_EMBEDDERS) > _MAX_EMBEDDERS:
                _EMBEDDERS.popitem(last=False)
        else:
            _EMBEDDERS.move_to_end(key)
    return emb


class PrecomputedEmbedder(EmbedderWrapper):
    """Vectors already computed for these texts (sent with the partition); other texts go to the
    ``inner`` embedder. Lets a worker code its partition without embedding its units again."""

    def __init__(self, texts: list[str], vectors: np.ndarray, fallback: Any):
        self.index = {t: i for i, t in enumerate(texts)}
        self.vectors = np.asarray(vectors, dtype=np.float32)
        self.inner = fallback

    is_fitted = property(lambda self: True)

    def encode(self, texts: list[str]) -> np.ndarray:
        texts = [str(t) for t in texts]
        rows = [self.index.get(t) for t in texts]
        missing = [i for i, r in enumerate(rows) if r is None]
        out = np.empty((len(texts), self.vectors.shape[1] if len(self.vectors) else self.dim), dtype=np.float32)
        found = [i for i, r in enumerate(rows) if r is not None]
        if found:
            out[found] = self.vectors[[rows[i] for i in found]]
        if missing:
            out[missing] = np.asarray(self.inner.encode([texts[i] for i in missing]), dtype=np.float32)
        return out


# --- tasks --------------------------------------------------------------------------------------

def _redactor(strictness: str, types: tuple[str, ...] | None = None, language: str = "auto"):
    """One Redactor per worker thread and setting (it loads the name gazetteer once)."""
    cache = getattr(_LOCAL, "redactors", None)
    if cache is None:
        cache = _LOCAL.redactors = {}
    key = (strictness, types, language)
    if key not in cache:
        from kvalitativ.privacy.redact import TYPES, Redactor

        cache[key] = Redactor(strictness=strictness, types=TYPES if types is None else types, language=language)
    return cache[key]


def redact_task(texts: list[str], names: list[list[str]] | None, strictness: str = "strict",
                types: tuple[str, ...] | None = None, language: str = "auto"
                ) -> tuple[list[str], list[str], Counter]:
    """Redact one partition's texts exactly as ingest does (the same ``privacy.strictness``, the
    types of ``privacy.redact``, default all, and ``ingest.language``): (texts, languages, counts by type)."""
    from kvalitativ.text.language import guess_language

    red, counts = _redactor(strictness, types, language).redact_texts(texts, names)
    return red, [guess_language(t) for t in red], counts


def segment_task(corpus: pd.DataFrame, level: str) -> pd.DataFrame:
    """The coding units (sentences or notes) of one partition."""
    from kvalitativ.coding.units import segment_corpus

    return segment_corpus(corpus, level)


def encode_task(texts: list[str], spec: EmbedderSpec, fitted: Any = None) -> np.ndarray:
    """Vectors of one chunk of texts with this worker's embedder (and its on-disk cache)."""
    return np.asarray(worker_embedder(spec, fitted).encode(texts), dtype=np.float32)


def code_task(corpus: pd.DataFrame, vectors: tuple[list[str], np.ndarray] | None, *, coder: Any,
              spec: EmbedderSpec, fitted: Any = None, run_id: str | None = None) -> pd.DataFrame:
    """The ``codings`` rows of one partition from the centrally fitted ``coder``."""
    emb: Any = worker_embedder(spec, fitted)
    if vectors is not None:
        emb = PrecomputedEmbedder(vectors[0], vectors[1], emb)
    mine = copy.copy(coder)  # the scattered coder is shared by the worker's tasks: do not touch it
    mine.embedder_ = emb
    return mine.code(corpus, run_id=run_id)


def assign_task(texts: list[str], *, discoverer: Any, spec: EmbedderSpec, fitted: Any = None) -> pd.DataFrame:
    """Nearest discovered topic (``transform``) for notes outside the sample the topics were fitted on."""
    vectors = encode_task(texts, spec, fitted)
    return discoverer.assign(texts, embeddings=vectors)
