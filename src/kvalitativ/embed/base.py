"""The Embedder protocol and the small helpers every backend shares."""

from __future__ import annotations

from collections.abc import Iterable, Iterator
from typing import Protocol, runtime_checkable

import numpy as np

__all__ = ["Embedder", "EmbedderWrapper", "drop_vectors", "l2_normalise", "batches", "progress_bar"]


@runtime_checkable
class Embedder(Protocol):
    """What the coders, the cache and discovery need from an embedding backend.

    ``name`` and ``version`` identify the vector space: the on-disk cache keys every vector by
    them (plus ``prefix``), so two backends, two model versions or two prefixes never share
    vectors. ``encode`` returns float32 rows of unit length, one per text, in order.
    """

    name: str
    version: str
    dim: int

    def encode(self, texts: list[str]) -> np.ndarray:  # pragma: no cover - protocol
        ...


class EmbedderWrapper:
    """Base of every embedder that wraps another (a cache, a memo, a lock, a cluster, vectors sent
    along): it *is* the inner embedder's vector space, so it answers ``name``, ``version``,
    ``dim``, ``prefix``, ``needs_fit`` and ``is_fitted`` from ``inner`` and passes ``fit`` on.
    A subclass sets ``self.inner`` and defines ``encode``."""

    inner: object

    name = property(lambda self: self.inner.name)
    version = property(lambda self: self.inner.version)
    dim = property(lambda self: self.inner.dim)
    prefix = property(lambda self: str(getattr(self.inner, "prefix", "") or ""))
    needs_fit = property(lambda self: bool(getattr(self.inner, "needs_fit", False)))
    is_fitted = property(lambda self: bool(getattr(self.inner, "is_fitted", True)))

    def fit(self, texts: list[str]):
        if hasattr(self.inner, "fit"):
            self.inner.fit(list(texts))
        return self


def drop_vectors(embedder) -> None:
    """Make an embedder forget the vectors it holds in memory, where it can (``clear``): work that
    goes through a corpus a chunk at a time calls this after each chunk, so memory does not grow."""
    clear = getattr(embedder, "clear", None)
    if callable(clear):
        clear()


def l2_normalise(x: np.ndarray) -> np.ndarray:
    """Rows scaled to unit length (zero rows stay zero), as float32."""
    x = np.asarray(x, dtype=np.float32)
    if x.ndim == 1:
        x = x[None, :]
    norms = np.linalg.norm(x, axis=1, keepdims=True)
    norms[norms == 0] = 1.0
    return (x / norms).astype(np.float32, copy=False)


def batches(items: list, size: int) -> Iterator[list]:
    for i in range(0, len(items), size):
        yield items[i : i + size]


def progress_bar(iterable: Iterable, *, total: int, desc: str, enabled: bool):
    """A tqdm bar when ``enabled`` and the work is long enough to be worth one."""
    if not enabled:
        return iterable
    from tqdm.auto import tqdm

    return tqdm(iterable, total=total, desc=desc, unit="batch", leave=False)
