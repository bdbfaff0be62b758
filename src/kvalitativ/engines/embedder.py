"""The central side of distributed embedding: an Embedder whose ``encode`` runs on the cluster.

Fitting stays where the local engine does it: a TF-IDF space is fitted here, once, on the
texts it is first given (the same texts as in a local run), and then shipped to the workers,
which only transform. Models that need no fitting (e5, static) are never loaded here; each
worker builds its own once. Vectors come back and are kept in memory, so a coder fitted here
(the zero-shot coder needs every unit's vector to centre and self-train) embeds nothing twice.
"""

from __future__ import annotations

import math
from typing import Any

import numpy as np

from kvalitativ.embed.base import EmbedderWrapper
from kvalitativ.engines.cluster import map_partitions, n_workers
from kvalitativ.engines.tasks import EmbedderSpec, encode_task

__all__ = ["ClusterEmbedder"]


class ClusterEmbedder(EmbedderWrapper):
    """Embedder protocol (``name``, ``version``, ``dim``, ``encode``) over a Dask ``client``.

    ``inner`` is the configured embedder built here (for its identity, and for fitting when it
    ``needs_fit``); ``spec`` tells the workers how to build the same one. Calls with fewer than
    ``min_chunk`` new texts are one task; larger ones are split so every worker gets a share.
    """

    def __init__(self, inner: Any, spec: EmbedderSpec, client: Any, *, min_chunk: int = 256,
                 progress: bool = True):
        self.inner = inner
        self.spec = spec
        self.client = client
        self.min_chunk = int(min_chunk)
        self.progress = progress
        self._memo: dict[str, np.ndarray] = {}
        self._fitted_future: Any = None

    @classmethod
    def for_config(cls, config: Any, client: Any, progress: bool = True) -> "ClusterEmbedder":
        """The run's configured embedder (``embed.name``, ``embed.model``, ``embed.cache_dir``)."""
        from kvalitativ.embed import get_embedder
        from kvalitativ.embed.configured import embedder_options, embedding_cache_dir

        options = embedder_options(config)
        inner = get_embedder(config.embed.name, progress=False, **options)
        cache = embedding_cache_dir(config)
        spec = EmbedderSpec(config.embed.name, tuple(sorted(options.items())), str(cache) if cache else None)
        return cls(inner, spec, client, progress=progress)

    # --- the Embedder protocol ---------------------------------------------------------------

    def fit(self, texts: list[str]) -> "ClusterEmbedder":
        """Fit the vector space here, once (TF-IDF); the workers get the fitted object."""
        super().fit(texts)
        self._memo.clear()
        self._fitted_future = None
        return self

    def fitted(self) -> Any:
        """A future of the fitted embedder on every worker (None when workers build their own)."""
        if not self.needs_fit:
            return None
        if self._fitted_future is None:
            self._fitted_future = self.client.scatter(self.inner, broadcast=True, hash=False)
        return self._fitted_future

    def encode(self, texts: list[str]) -> np.ndarray:
        texts = [str(t) for t in texts]
        if self.needs_fit and not self.is_fitted:
            self.fit(texts)  # like every embedder here: a space is fitted on the first texts it sees
        todo = list(dict.fromkeys(t for t in texts if t not in self._memo))
        if todo:
            size = max(self.min_chunk, math.ceil(len(todo) / (4 * n_workers(self.client))))
            chunks = [todo[i: i + size] for i in range(0, len(todo), size)]
            parts = map_partitions(self.client, encode_task, chunks, desc=f"embedding ({self.name}) on the cluster",
                                   progress=self.progress and len(chunks) > 1, spec=self.spec,
                                   fitted=self.fitted())
            for chunk, vecs in zip(chunks, parts):
                for t, v in zip(chunk, vecs):
                    self._memo[t] = v
        if not texts:
            return np.zeros((0, self.dim), dtype=np.float32)
        return np.vstack([self._memo[t] for t in texts]).astype(np.float32, copy=False)

    def lookup(self, texts: list[str]) -> np.ndarray | None:
        """Vectors already computed for every one of ``texts``, or None if any is missing."""
        if any(t not in self._memo for t in texts):
            return None
        if not texts:
            return np.zeros((0, self.dim), dtype=np.float32)
        return np.vstack([self._memo[t] for t in texts]).astype(np.float32, copy=False)

    def release(self) -> None:
        """Drop the vectors and the workers' copy of the fitted space."""
        self._memo.clear()
        if self._fitted_future is not None:
            self.client.cancel(self._fitted_future)
            self._fitted_future = None
