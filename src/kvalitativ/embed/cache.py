"""An on-disk embedding cache, so a second run over the same notes embeds nothing again.

Layout: ``cache_dir/<embedder>-<key>/`` per vector space, where ``key`` hashes the embedder's
``name``, ``version`` and ``prefix``. Inside, each write adds one *shard*: ``<id>.vecs.npy``
(float32 rows) and ``<id>.keys.npy`` (the sha256 digests of the texts, ``uint8`` n×32;
not ``S32``, which would drop a digest's trailing zero bytes), plus a
``space.json`` that says which embedder made them. No pickle anywhere (``allow_pickle=False``).

Safe under concurrent and interrupted runs: a shard is never changed once written; both files
are written to a temporary name and moved into place with ``os.replace`` (atomic), the keys
file last, so a reader sees a shard whole or not at all. Long encodes write a shard every
``chunk_size`` texts, so an interrupted run keeps what it had done. When shards pile up they
are merged into one (``compact``); a reader that meets a vanished shard re-reads the folder.
"""

from __future__ import annotations

import hashlib
import json
import os
import re
import uuid
from pathlib import Path

import numpy as np

from kvalitativ.io.atomic import atomic_path, write_text_atomic

from .base import EmbedderWrapper, progress_bar

__all__ = ["CachedEmbedder", "MemoizedEmbedder", "text_key"]

_MAX_SHARDS = 64


def text_key(text: str) -> bytes:
    """The 32-byte sha256 digest of a text (UTF-8): the row key inside one vector space."""
    return hashlib.sha256(text.encode("utf-8")).digest()


def _atomic_save(path: Path, array: np.ndarray) -> None:
    with atomic_path(path) as tmp, open(tmp, "wb") as fh:  # a handle: np.save would add ".npy" to a path
        np.save(fh, array, allow_pickle=False)


def _keys_to_rows(keys: list[bytes]) -> np.ndarray:
    return np.frombuffer(b"".join(keys), dtype=np.uint8).reshape(len(keys), 32)


def _rows_to_keys(rows: np.ndarray) -> list[bytes]:
    rows = np.ascontiguousarray(rows, dtype=np.uint8).reshape(-1, 32)
    return [r.tobytes() for r in rows]


class CachedEmbedder(EmbedderWrapper):
    """Wrap an :class:`~kvalitativ.embed.Embedder` with an on-disk cache.

    >>> emb = CachedEmbedder(get_embedder("e5"), ".kvalitativ-cache/embeddings")  # doctest: +SKIP
    >>> emb.encode(["Eleven er motiveret."]); emb.hits, emb.misses                  # doctest: +SKIP

    ``hits``/``misses`` count texts (duplicates within a call count once each) since creation.
    An embedder that must be fitted (``tfidf``) is fitted on the first texts it sees, before
    its version is read, so its cache folder names the fitted space.
    """

    def __init__(self, embedder, cache_dir: str | os.PathLike, chunk_size: int = 256, progress: bool = True):
        self.inner = embedder
        self.cache_dir = Path(cache_dir)
        self.chunk_size = int(chunk_size)
        self.progress = progress
        self.hits = 0
        self.misses = 0
        self._index: dict[bytes, tuple[str, int]] = {}
        self._shards: dict[str, np.ndarray] = {}

    def clear(self) -> None:
        """Drop the vectors held in memory; they stay on disk and are read again when needed
        (a streamed run calls this after each chunk, so memory does not grow with the corpus)."""
        self._shards.clear()

    @property
    def space_dir(self) -> Path:
        ident = f"{self.name}\n{self.version}\n{self.prefix}"
        slug = re.sub(r"[^A-Za-z0-9]+", "-", self.name).strip("-") or "embedder"
        return self.cache_dir / f"{slug}-{hashlib.sha256(ident.encode()).hexdigest()[:16]}"

    def encode(self, texts: list[str]) -> np.ndarray:
        texts = [str(t) for t in texts]
        if getattr(self.inner, "needs_fit", False) and not getattr(self.inner, "is_fitted", True):
            self.inner.fit(texts)
        if not texts:
            return np.zeros((0, self.dim), dtype=np.float32)
        space = self.space_dir
        space.mkdir(parents=True, exist_ok=True)
        self._write_space_json(space)
        keys = [text_key(t) for t in texts]
        self._refresh(space)
        todo: dict[bytes, str] = {}
        for k, t in zip(keys, texts):
            if k not in self._index and k not in todo:
                todo[k] = t
        self.misses += len(todo)
        self.hits += len(set(keys)) - len(todo)
        if todo:
            self._embed_missing(space, todo)
        out = np.empty((len(texts), self.dim), dtype=np.float32)
        for attempt in range(2):
            try:
                for i, k in enumerate(keys):
                    shard, row = self._index[k]
                    out[i] = self._shard(space, shard)[row]
                return out
            except (FileNotFoundError, KeyError):
                if attempt:
                    raise
                # a concurrent compaction removed a shard: read the folder again
                self._index.clear()
                self._shards.clear()
                self._refresh(space)
        return out  # pragma: no cover

    # --- storage -----------------------------------------------------------------------------
    def _write_space_json(self, space: Path) -> None:
        meta = space / "space.json"
        if not meta.exists():
            write_text_atomic(meta, json.dumps({"name": self.name, "version": self.version, "prefix": self.prefix,
                                                "dim": self.dim, "key": "sha256(utf-8 text)"}, indent=1))

    def _refresh(self, space: Path, allow_compact: bool = True) -> None:
        known = {shard for shard, _ in self._index.values()}
        for kf in sorted(space.glob("*.keys.npy")):
            shard = kf.name[: -len(".keys.npy")]
            if shard in known:
                continue
            try:
                keys = np.load(kf, allow_pickle=False)
            except (FileNotFoundError, ValueError, OSError):
                continue  # vanished (compaction) or unreadable: skip, it will be re-embedded
            for row, k in enumerate(_rows_to_keys(keys)):
                self._index.setdefault(k, (shard, row))
            known.add(shard)
        if allow_compact and len(known) > _MAX_SHARDS:
            self.compact()

    def _shard(self, space: Path, shard: str) -> np.ndarray:
        arr = self._shards.get(shard)
        if arr is None:
            arr = np.load(space / f"{shard}.vecs.npy", mmap_mode="r", allow_pickle=False)
            self._shards[shard] = arr
        return arr

    def _embed_missing(self, space: Path, todo: dict[bytes, str]) -> None:
        items = list(todo.items())
        inner_progress = getattr(self.inner, "progress", None)
        show = self.progress and len(items) > self.chunk_size
        if show and inner_progress is not None:
            self.inner.progress = False  # one bar (ours), not one per chunk
        try:
            chunks = [items[i : i + self.chunk_size] for i in range(0, len(items), self.chunk_size)]
            for chunk in progress_bar(chunks, total=len(chunks), desc=f"embedding ({self.name})", enabled=show):
                vecs = np.asarray(self.inner.encode([t for _, t in chunk]), dtype=np.float32)
                self._write_shard(space, [k for k, _ in chunk], vecs)
        finally:
            if show and inner_progress is not None:
                self.inner.progress = inner_progress

    def _write_shard(self, space: Path, keys: list[bytes], vecs: np.ndarray) -> None:
        shard = uuid.uuid4().hex
        _atomic_save(space / f"{shard}.vecs.npy", np.ascontiguousarray(vecs, dtype=np.float32))
        _atomic_save(space / f"{shard}.keys.npy", _keys_to_rows(keys))
        self._shards[shard] = vecs
        for row, k in enumerate(keys):
            self._index.setdefault(k, (shard, row))

    def compact(self) -> None:
        """Merge all shards of this vector space into one (safe while others read)."""
        space = self.space_dir
        self._index.clear()
        self._shards.clear()
        keys_all, vecs_all, old = [], [], []
        seen: set[bytes] = set()
        for kf in sorted(space.glob("*.keys.npy")):
            shard = kf.name[: -len(".keys.npy")]
            try:
                keys = np.load(kf, allow_pickle=False)
                vecs = np.load(space / f"{shard}.vecs.npy", allow_pickle=False)
            except (FileNotFoundError, ValueError, OSError):
                continue
            for k, v in zip(_rows_to_keys(keys), vecs):
                if k not in seen:
                    seen.add(k)
                    keys_all.append(k)
                    vecs_all.append(v)
            old.append(shard)
        if len(old) <= 1:
            self._refresh(space, allow_compact=False)
            return
        self._write_shard(space, keys_all, np.vstack(vecs_all))
        for shard in old:
            for suffix in (".keys.npy", ".vecs.npy"):  # keys first: readers skip a half-gone shard
                try:
                    (space / f"{shard}{suffix}").unlink()
                except FileNotFoundError:
                    pass
        self._index.clear()
        self._shards.clear()
        self._refresh(space, allow_compact=False)

    def stats(self) -> dict:
        return {"hits": self.hits, "misses": self.misses, "space": str(self.space_dir)}


class MemoizedEmbedder(EmbedderWrapper):
    """An in-memory cache for one process: the same text is embedded once per run even
    without a cache folder (a coder embeds units when fitting and again when coding)."""

    def __init__(self, embedder):
        self.inner = embedder
        self.hits = 0
        self.misses = 0
        self._memo: dict[str, np.ndarray] = {}
        self._space = None

    def clear(self) -> None:
        """Forget the memoised vectors (a streamed run calls this after each chunk)."""
        self._memo.clear()

    def fit(self, texts: list[str]) -> "MemoizedEmbedder":
        super().fit(texts)
        self._memo.clear()
        return self

    def encode(self, texts: list[str]) -> np.ndarray:
        texts = [str(t) for t in texts]
        if self.needs_fit and not self.is_fitted:
            self.fit(texts)
        space = (self.version, self.prefix)
        if space != self._space:  # refitted or reconfigured: old vectors are another space
            self._memo.clear()
            self._space = space
        todo = list(dict.fromkeys(t for t in texts if t not in self._memo))
        self.misses += len(todo)
        self.hits += len(set(texts)) - len(todo)
        if todo:
            for t, v in zip(todo, np.asarray(self.inner.encode(todo), dtype=np.float32)):
                self._memo[t] = v
        if not texts:
            return np.zeros((0, self.dim), dtype=np.float32)
        return np.vstack([self._memo[t] for t in texts])

    def stats(self) -> dict:
        return {"hits": self.hits, "misses": self.misses, "space": "memory"}
