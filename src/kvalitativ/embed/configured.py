"""The run's configured embedder: one factory every engine and command builds it with.

``embed.name``, ``embed.model`` and ``embed.cache_dir`` of a :class:`~kvalitativ.config.RunConfig`
decide the embedder; building it in one place keeps coding, discovery and ``tune`` (and the
Dask engine's workers, which rebuild it from :func:`embedder_options`) on the same vectors.
"""

from __future__ import annotations

from pathlib import Path
from typing import Any

__all__ = ["embedder_options", "embedding_cache_dir", "configured_embedder"]


def embedder_options(config: Any) -> dict[str, Any]:
    """The backend keyword arguments of ``config.embed`` (``model=`` when one is named)."""
    return {"model": config.embed.model} if config.embed.model else {}


def embedding_cache_dir(config: Any) -> Path | None:
    """Where the configured embedder caches vectors (``embed.cache_dir``/embeddings)."""
    return Path(config.embed.cache_dir) / "embeddings" if config.embed.cache_dir else None


def configured_embedder(config: Any, *, name: str | None = None, progress: bool = True, cache: bool = True):
    """The configured embedder (or the one called ``name``) behind the on-disk cache (``cache``:
    else behind an in-memory memo only)."""
    from kvalitativ.embed import resolve_embedder

    cache_dir = Path(config.embed.cache_dir) / "embeddings" if cache and config.embed.cache_dir else None
    return resolve_embedder(name or config.embed.name, cache_dir=cache_dir, progress=progress,
                            **embedder_options(config))
