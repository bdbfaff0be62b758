"""What the discoverer and its persistence both need from BERTopic: our embedder as BERTopic's
embedding backend, and BERTopic's interactive warnings silenced.

Its own module so that :mod:`kvalitativ.discover.persist` reads and writes a model's parts
without importing the model (no model ↔ persistence import circle).
"""

from __future__ import annotations

import contextlib
import logging

import numpy as np

__all__ = ["_backend", "_quiet_bertopic"]


@contextlib.contextmanager
def _quiet_bertopic():
    """BERTopic logs warnings meant for interactive use (custom topics, no embedding model)."""
    log = logging.getLogger("BERTopic")
    old = log.level
    log.setLevel(logging.ERROR)
    try:
        yield
    finally:
        log.setLevel(old)


def _backend(embedder):
    """A BERTopic embedding backend that calls our embedder's ``encode`` (no hub, no download)."""
    from bertopic.backend import BaseEmbedder

    class _KvalitativBackend(BaseEmbedder):
        def __init__(self, emb):
            super().__init__()
            self.embedding_model = emb

        def embed(self, documents, verbose=False):
            docs = [str(d) if d is not None else "" for d in documents]
            return np.asarray(self.embedding_model.encode(docs), dtype=np.float32)

    return _KvalitativBackend(embedder)
