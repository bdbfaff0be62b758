"""A static Danish embedder distilled from e5: weighted means of word vectors, no neural net.

Why: e5 codes some 15–30 sentences a second on 2 cores, so 100,000 notes take hours. This
embedder looks every word up in a table (built once from e5 by
``scripts/tools/build_static_embedder.py``, in the spirit of model2vec) and averages, so it codes
tens of thousands of notes a second while keeping most of e5's Danish semantics.

How a text becomes a vector:

1. NFC-normalise and lower-case; tokens are runs of letters (æ, ø, å, é … kept) or of digits.
2. Each token is looked up in the vocabulary (Danish frequency list, common English words,
   the shipped codebooks' words, the sample corpus' words). A token not found is split as a
   Danish compound into known words (``fremmødeproblemer`` → ``fremmøde`` + ``problemer``,
   with the linking ``s``/``e``); what cannot be split falls back to hashed character n-gram
   vectors (3–5 letters), learnt from the vocabulary, so typos and rare inflections still land
   near their relatives.
3. The sentence vector is the weighted sum of its token vectors (SIF weights ``a/(a+p(w))``
   from word frequencies: frequent function words count little).
4. SIF's second step (Arora, Liang & Ma 2017, "A simple but tough-to-beat baseline for sentence
   embeddings"): the common component is projected out — the first principal direction of the
   weighted word vectors, each counted by its word's frequency, i.e. the direction every
   sentence shares whatever it is about. Taken from the vocabulary (not from a corpus), so a
   vector does not depend on the other texts of a run and chunks embed alike. Then
   L2-normalised to float32. A text with no tokens gets a zero row.

The files live in ``models/static/`` of the source tree (found from this module's location,
so an editable install works), or in ``kvalitativ/resources/static`` inside an installed
package, or where ``path=`` / ``$KVALITATIV_STATIC_MODEL`` points: ``vectors.safetensors``
(``vectors`` [V, D] float16, ``weights`` [V] float32, ``ngram_vectors`` [B, D] float16),
``vocab.json`` (the V tokens in row order) and ``meta.json`` (source model, dims, build
command, date, the content hash that becomes ``version``).

>>> from kvalitativ.embed import get_embedder
>>> emb = get_embedder("static")                                   # doctest: +SKIP
>>> emb.encode(["Eleven har fremmødeproblemer.", "Han kommer ofte for sent."]).shape  # doctest: +SKIP
(2, 256)

Chunk-friendly: ``encode`` holds no state between calls except a bounded cache of resolved
out-of-vocabulary words, so partitions can be embedded independently and give equal rows.
"""

from __future__ import annotations

import json
import os
import re
import unicodedata
import zlib
from functools import lru_cache
from pathlib import Path

import numpy as np

from .base import l2_normalise

__all__ = ["StaticEmbedder", "tokenize", "static_model_dir", "char_ngrams", "split_compound", "common_directions",
           "model_sif_a", "reweight_sif"]

#: Tokens: runs of letters (any script, æøå kept) or runs of digits.
TOKEN_RE = re.compile(r"[^\W\d_]+|\d+")
#: Danish linking letters between compound parts ("arbejd-s-plads", "dag-e-pleje" is rare but real).
LINKS = ("s", "e")
MIN_PART = 3
_OOV_CACHE_MAX = 200_000


def tokenize(text: str) -> list[str]:
    """Lower-cased word and number tokens of ``text`` (NFC, æøå kept), as the vocabulary uses."""
    return TOKEN_RE.findall(unicodedata.normalize("NFC", str(text)).lower())


def char_ngrams(word: str, n_min: int = 3, n_max: int = 5) -> list[str]:
    """Character n-grams of ``<word>`` (fastText style boundary marks), shortest first."""
    w = f"<{word}>"
    return [w[i : i + n] for n in range(n_min, n_max + 1) for i in range(len(w) - n + 1)]


def ngram_bucket(ngram: str, n_buckets: int) -> int:
    """Deterministic bucket of an n-gram (crc32; Python's ``hash`` is salted per process)."""
    return zlib.crc32(ngram.encode("utf-8")) % n_buckets


def split_compound(word: str, vocab: dict[str, int] | set[str], min_part: int = MIN_PART) -> list[str] | None:
    """Split ``word`` into known vocabulary words, Danish style, or return None.

    Parts are at least ``min_part`` letters; a part may carry a linking ``s`` or ``e``
    (``uddannelses`` + ``parat``). Among all splits the one with the fewest, longest parts
    wins (the sum of squared part lengths), so ``fremmødeproblemer`` becomes
    ``fremmøde`` + ``problemer`` rather than ``frem`` + ``møde`` + ``problemer``.
    """
    n = len(word)
    if n < 2 * min_part:
        return None
    # best[i] = (score, parts) for word[:i]
    best: list[tuple[float, list[str]] | None] = [None] * (n + 1)
    best[0] = (0.0, [])
    for i in range(min_part, n + 1):
        cand: tuple[float, list[str]] | None = None
        for j in range(0, i - min_part + 1):
            if best[j] is None:
                continue
            piece = word[j:i]
            part = None
            if piece in vocab:
                part = piece
            elif i < n and piece[-1] in LINKS and len(piece) > min_part and piece[:-1] in vocab:
                part = piece[:-1]  # a linking letter after a non-final part
            if part is None:
                continue
            score = best[j][0] + len(piece) ** 2 - 2.0  # small cost per part
            if cand is None or score > cand[0]:
                cand = (score, best[j][1] + [part])
        best[i] = cand
    if best[n] is None or len(best[n][1]) < 2:
        return None
    return best[n][1]


def static_model_dir(path: str | os.PathLike | None = None) -> Path:
    """The folder holding the static model: ``path``, ``$KVALITATIV_STATIC_MODEL``, the source
    tree's ``models/static`` (editable install or checkout), or ``kvalitativ/resources/static``."""
    from kvalitativ.errors import ConfigError

    if path is None:
        path = os.environ.get("KVALITATIV_STATIC_MODEL") or None
    if path is not None:
        p = Path(path).expanduser()
        if not (p / "meta.json").is_file():
            raise ConfigError(f"static embedder: {p} holds no static model (no meta.json); "
                              "build one with: python scripts/tools/build_static_embedder.py --out " + str(p))
        return p
    here = Path(__file__).resolve().parent  # src/kvalitativ/embed
    for cand in (here.parents[2] / "models" / "static", here.parent / "resources" / "static"):
        if (cand / "meta.json").is_file():
            return cand
    raise ConfigError("static embedder: no model files found in models/static of the source tree or in "
                      "kvalitativ/resources/static; rebuild them with: python scripts/tools/build_static_embedder.py, "
                      "or choose --embedder e5 / tfidf")


@lru_cache(maxsize=4)
def _load(folder: str) -> dict:
    """Read one model folder once per process (the arrays are shared by every instance)."""
    from safetensors.numpy import load_file

    from kvalitativ.errors import ConfigError

    d = Path(folder)
    try:
        meta = json.loads((d / "meta.json").read_text(encoding="utf-8"))
        vocab = json.loads((d / "vocab.json").read_text(encoding="utf-8"))
        arrays = load_file(str(d / meta.get("vectors_file", "vectors.safetensors")))
    except (OSError, ValueError) as exc:
        raise ConfigError(f"static embedder: cannot read the model in {d} ({exc}); rebuild it with "
                          "python scripts/tools/build_static_embedder.py") from exc
    fmt = int(meta.get("format", 1))
    if fmt != 1:
        raise ConfigError(f"static embedder: {d} has model format {fmt}, this kvalitativ reads format 1; "
                          "rebuild it with python scripts/tools/build_static_embedder.py")
    vecs = arrays["vectors"].astype(np.float32)
    weights = arrays["weights"].astype(np.float32)
    if vecs.shape[0] != len(vocab) or weights.shape[0] != len(vocab):
        raise ConfigError(f"static embedder: {d}: vocab.json has {len(vocab)} words but the vectors have "
                          f"{vecs.shape[0]} rows; rebuild the model")
    ngrams = arrays.get("ngram_vectors")
    ngrams = np.zeros((0, vecs.shape[1]), np.float32) if ngrams is None else ngrams.astype(np.float32)
    return {"meta": meta, "vocab": vocab, "vectors": vecs, "weights": weights, "ngrams": ngrams}


def common_directions(vectors: np.ndarray, weights: np.ndarray, k: int) -> np.ndarray:
    """The ``k`` leading principal directions ([D, k], orthonormal) of the SIF-weighted word
    vectors, each word counted by its frequency ``p(w)`` — what a typical sentence sums to.

    ``p(w)`` is recovered from the SIF weight ``a/(a+p)`` up to the constant ``a``, which drops out
    of the directions. Uncentred, as in the SIF paper (the mean is the main shared direction)."""
    dim = vectors.shape[1]
    if k <= 0 or len(vectors) == 0:
        return np.zeros((dim, 0), dtype=np.float32)
    w = np.asarray(weights, dtype=np.float64)
    freq = np.where(w > 0, 1.0 / np.clip(w, 1e-12, None) - 1.0, 0.0)
    x = np.asarray(vectors, dtype=np.float64) * w[:, None]
    second_moment = (x * (freq / max(freq.sum(), 1e-300))[:, None]).T @ x
    _, vecs = np.linalg.eigh(second_moment)  # ascending eigenvalues
    return np.ascontiguousarray(vecs[:, ::-1][:, :k], dtype=np.float32)


_SIF_A_RE = re.compile(r"\ba=([0-9.eE+-]+)")


def model_sif_a(meta: dict) -> float | None:
    """The SIF constant the model's weights were built with (``meta.json``: ``sif_a``, or read
    from its ``weighting`` line); None when the model does not say."""
    if meta.get("sif_a") is not None:
        return float(meta["sif_a"])
    m = _SIF_A_RE.search(str(meta.get("weighting", "")))
    return float(m.group(1)) if m else None


def reweight_sif(weights: np.ndarray, a_old: float | None, a_new: float) -> np.ndarray:
    """SIF weights ``a_old / (a_old + p)`` turned into ``a_new / (a_new + p)`` (``p`` recovered exactly;
    a weight of 1 — a word the frequency list does not know — stays 1)."""
    from kvalitativ.errors import ConfigError

    if a_old is None:
        raise ConfigError("static embedder: the model does not say its SIF constant (meta.json 'sif_a'), "
                          "so sif_a cannot re-weight it; rebuild it with scripts/tools/build_static_embedder.py")
    if not a_new > 0:
        raise ConfigError(f"static embedder: sif_a must be > 0, got {a_new}")
    w = np.asarray(weights, dtype=np.float64)
    p = a_old * (1.0 - w) / np.clip(w, 1e-30, None)
    return (a_new / (a_new + p)).astype(np.float32)


class StaticEmbedder:
    """Weighted mean of distilled e5 word vectors (see the module docstring).

    Parameters
    ----------
    path: model folder (default: the shipped ``models/static``).
    subwords: resolve out-of-vocabulary words by compound splitting and character n-grams
        (default True); False drops them.
    batch_size: texts per sparse product (bounds memory on huge inputs).
    progress: accepted for symmetry with the other backends (encoding is fast; no bar).
    common_components: principal directions of the frequency-weighted vocabulary removed from
        every vector (SIF's step 2; default 1, as in the paper; 0 = plain weighted mean).
        Measured side by side in ``docs/benchmarks.md`` ("Static embedder: common component").
    sif_a: SIF constant ``a`` of the weights ``a / (a + p(w))``; None keeps the model's own (the
        build's). Another value re-weights the word vectors at load: ``p(w)`` is recovered exactly
        from the stored weights and the build's ``a`` (``meta.json``), so no file changes and a
        note costs the same. N-gram rows (out-of-vocabulary words) keep their weight. The build's
        alignment to e5's sentence space was fitted with its own ``a``; a rebuild refits it.
    """

    name = "static"
    needs_fit = False
    is_fitted = True
    prefix = ""

    def __init__(self, path: str | os.PathLike | None = None, subwords: bool = True, batch_size: int = 20_000,
                 progress: bool = False, common_components: int = 1, sif_a: float | None = None):
        self.path = path
        self.sif_a = None if sif_a is None else float(sif_a)
        self.subwords = subwords
        self.batch_size = int(batch_size)
        self.progress = progress
        self.common_components = int(common_components)
        self.model_dir_ = static_model_dir(path)
        self._set_model(_load(str(self.model_dir_.resolve())))

    @classmethod
    def from_arrays(cls, vocab: list[str], vectors: np.ndarray, weights: np.ndarray,
                    ngram_vectors: np.ndarray | None = None, meta: dict | None = None,
                    subwords: bool = True, common_components: int = 0) -> "StaticEmbedder":
        """An embedder from in-memory tables (the build script and its experiments use this). Plain
        weighted means by default (``common_components=0``): the build aligns and compares those, and
        the shipped model's component is taken out when it is loaded."""
        obj = cls.__new__(cls)
        obj.path, obj.subwords, obj.batch_size, obj.progress, obj.model_dir_ = None, subwords, 20_000, False, None
        obj.sif_a = None
        obj.common_components = int(common_components)
        vectors = np.asarray(vectors, np.float32)
        ngrams = (np.zeros((0, vectors.shape[1]), np.float32) if ngram_vectors is None
                  else np.asarray(ngram_vectors, np.float32))
        obj._set_model({"meta": dict(meta or {}), "vocab": list(vocab), "vectors": vectors,
                        "weights": np.asarray(weights, np.float32), "ngrams": ngrams})
        return obj

    def _set_model(self, model: dict) -> None:
        self.meta_ = model["meta"]
        self.vocab_ = {w: i for i, w in enumerate(model["vocab"])}
        v = model["vectors"]
        self.dim = int(v.shape[1])
        self.n_vocab_ = v.shape[0]
        self.n_buckets_ = model["ngrams"].shape[0]
        weights = model["weights"]
        if self._reweighted():
            weights = reweight_sif(weights, model_sif_a(self.meta_), self.sif_a)
        # one table: weighted word vectors, then n-gram bucket vectors (weighted at lookup)
        self._table = np.vstack([v * weights[:, None], model["ngrams"]]).astype(np.float32)
        self._weights = weights
        self.oov_weight_ = float(self.meta_.get("oov_weight", 1.0))
        self.ngram_range_ = tuple(self.meta_.get("ngram_range", (3, 5)))
        self._oov: dict[str, tuple[tuple[int, ...], tuple[float, ...]]] = {}
        self.components_ = common_directions(v, weights, self.common_components)
        for u in self.components_.T:  # projecting every row out = projecting every sum out (linear)
            self._table -= np.outer(self._table @ u, u)

    @property
    def version(self) -> str:
        return (f"static-{self.meta_.get('version', '0')}-d{self.dim}-"
                f"{str(self.meta_.get('content_sha256', 'unknown'))[:12]}-sub{int(self.subwords)}"
                + (f"-pc{self.common_components}" if self.common_components else "")
                + (f"-a{self.sif_a:g}" if self._reweighted() else ""))

    def _reweighted(self) -> bool:
        """Whether ``sif_a`` asks for other weights than the model was built with."""
        return self.sif_a is not None and self.sif_a != model_sif_a(self.meta_)

    # --- lookup -----------------------------------------------------------------------------
    def resolve(self, token: str) -> tuple[tuple[int, ...], tuple[float, ...]]:
        """Rows of the internal table and their multipliers that stand for ``token``."""
        i = self.vocab_.get(token)
        if i is not None:
            return (i,), (1.0,)
        hit = self._oov.get(token)
        if hit is not None:
            return hit
        res: tuple[tuple[int, ...], tuple[float, ...]] = ((), ())
        if self.subwords:
            parts = split_compound(token, self.vocab_)
            if parts:
                # the parts' own (weighted) vectors; the head (last part) carries the meaning most
                ids = tuple(self.vocab_[p] for p in parts)
                mult = tuple([0.5] * (len(parts) - 1) + [1.0])
                res = (ids, mult)
            elif self.n_buckets_ and len(token) >= 3:
                grams = char_ngrams(token, *self.ngram_range_)
                ids = tuple(sorted({self.n_vocab_ + ngram_bucket(g, self.n_buckets_) for g in grams}))
                w = self.oov_weight_ / len(ids)
                res = (ids, tuple([w] * len(ids)))
        if len(self._oov) >= _OOV_CACHE_MAX:
            self._oov.clear()
        self._oov[token] = res
        return res

    def coverage(self, texts: list[str]) -> dict[str, float]:
        """Shares of tokens found in the vocabulary, split as compounds, or left to n-grams."""
        n = known = comp = 0
        for t in texts:
            for tok in tokenize(t):
                n += 1
                if tok in self.vocab_:
                    known += 1
                elif split_compound(tok, self.vocab_):
                    comp += 1
        n = max(n, 1)
        return {"tokens": n, "in_vocab": known / n, "compound": comp / n, "ngram_or_dropped": (n - known - comp) / n}

    # --- the Embedder protocol --------------------------------------------------------------
    def encode(self, texts: list[str]) -> np.ndarray:
        texts = [str(t) for t in texts]
        if not texts:
            return np.zeros((0, self.dim), dtype=np.float32)
        out = np.empty((len(texts), self.dim), dtype=np.float32)
        for start in range(0, len(texts), self.batch_size):
            chunk = texts[start : start + self.batch_size]
            out[start : start + len(chunk)] = self._encode_chunk(chunk)
        return out

    def _encode_chunk(self, texts: list[str]) -> np.ndarray:
        from scipy.sparse import csr_matrix

        vocab_get = self.vocab_.get
        resolve = self.resolve
        indices: list[int] = []
        data: list[float] = []
        indptr = [0]
        for text in texts:
            for tok in tokenize(text):
                i = vocab_get(tok)
                if i is not None:
                    indices.append(i)
                    data.append(1.0)
                else:
                    ids, mult = resolve(tok)
                    indices.extend(ids)
                    data.extend(mult)
            indptr.append(len(indices))
        x = csr_matrix((np.asarray(data, dtype=np.float32), np.asarray(indices, dtype=np.int32),
                        np.asarray(indptr, dtype=np.int64)), shape=(len(texts), self._table.shape[0]))
        x.sum_duplicates()
        return l2_normalise(x @ self._table)
