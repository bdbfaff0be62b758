"""The on-disk embedding cache: a second run embeds nothing, vectors are identical, no pickle."""

from __future__ import annotations

import numpy as np
import pytest

from kvalitativ.embed import CachedEmbedder, MemoizedEmbedder, get_embedder, resolve_embedder
from kvalitativ.embed.cache import text_key
from kvalitativ.errors import ConfigError

TEXTS = ["Eleven er motiveret.", "Han kommer ofte for sent.", "Møde aflyst.", "Hun trives i klassen.",
         "Eleven er motiveret."]


class CountingEmbedder:
    """A real (if simple) embedder: character-trigram hashing; counts the texts it embeds."""

    name = "counting"
    version = "1"
    dim = 64

    def __init__(self):
        self.calls = 0
        self.seen = 0

    def encode(self, texts):
        self.calls += 1
        self.seen += len(texts)
        out = np.zeros((len(texts), self.dim), dtype=np.float32)
        for i, t in enumerate(texts):
            for j in range(len(t) - 2):
                out[i, hash(t[j:j + 3]) % self.dim] += 1
        norms = np.linalg.norm(out, axis=1, keepdims=True)
        return out / np.where(norms == 0, 1, norms)


def test_second_run_embeds_nothing_and_gives_identical_vectors(tmp_path):
    inner = CountingEmbedder()
    first = CachedEmbedder(inner, tmp_path)
    a = first.encode(TEXTS)
    assert (first.misses, first.hits) == (4, 0)  # the duplicate is embedded once
    assert inner.seen == 4
    second = CachedEmbedder(inner, tmp_path)  # a new run
    b = second.encode(list(reversed(TEXTS)))
    assert (second.misses, second.hits) == (0, 4) and inner.seen == 4
    np.testing.assert_array_equal(a, b[::-1])
    assert a.dtype == np.float32


def test_new_texts_only_are_embedded_and_the_store_has_no_pickle(tmp_path):
    inner = CountingEmbedder()
    CachedEmbedder(inner, tmp_path).encode(TEXTS[:2])
    c = CachedEmbedder(inner, tmp_path)
    c.encode(TEXTS)
    assert (c.misses, c.hits) == (2, 2)
    files = sorted(p.name for p in c.space_dir.iterdir())
    assert "space.json" in files
    for p in c.space_dir.glob("*.npy"):
        np.load(p, allow_pickle=False)  # loads without pickle
    assert not list(c.space_dir.glob("*.tmp"))


def test_keys_with_trailing_zero_bytes_survive(tmp_path):
    # a digest ending in 0x00 must round-trip (an S32 array would drop it)
    text = next(f"t{i}" for i in range(10_000) if text_key(f"t{i}").endswith(b"\x00"))
    inner = CountingEmbedder()
    CachedEmbedder(inner, tmp_path).encode([text])
    again = CachedEmbedder(inner, tmp_path)
    again.encode([text])
    assert again.hits == 1


def test_spaces_are_separated_by_name_version_and_prefix(tmp_path):
    a, b = CountingEmbedder(), CountingEmbedder()
    b.version = "2"
    ca, cb = CachedEmbedder(a, tmp_path), CachedEmbedder(b, tmp_path)
    assert ca.space_dir != cb.space_dir
    ca.encode(TEXTS)
    cb.encode(TEXTS)
    assert cb.misses == 4


def test_interrupted_shard_is_ignored_and_compaction_keeps_everything(tmp_path):
    inner = CountingEmbedder()
    c = CachedEmbedder(inner, tmp_path, chunk_size=1, progress=False)
    ref = c.encode(TEXTS)
    # a crash between the two files of a shard leaves vectors without keys: ignored
    (c.space_dir / "deadbeef.vecs.npy").write_bytes(b"garbage")
    assert len(list(c.space_dir.glob("*.keys.npy"))) == 4
    c.compact()
    assert len(list(c.space_dir.glob("*.keys.npy"))) == 1
    d = CachedEmbedder(inner, tmp_path)
    np.testing.assert_array_equal(d.encode(TEXTS), ref)
    assert d.misses == 0


def test_tfidf_is_fitted_on_first_texts_and_its_space_names_the_fit(tmp_path):
    c = CachedEmbedder(get_embedder("tfidf", dim=8), tmp_path)
    v = c.encode(TEXTS)
    assert v.shape == (5, c.dim) and c.dim <= 8
    np.testing.assert_allclose(np.linalg.norm(v, axis=1), 1, atol=1e-5)
    other = CachedEmbedder(get_embedder("tfidf", dim=8), tmp_path)
    other.encode(["helt andre tekster her", "og flere endnu", "tre"])
    assert other.space_dir != c.space_dir  # another fitted space, another cache folder


def test_memoized_and_resolve(tmp_path):
    inner = CountingEmbedder()
    m = resolve_embedder(inner)
    assert isinstance(m, MemoizedEmbedder)
    m.encode(TEXTS)
    m.encode(TEXTS)
    assert inner.seen == 4 and m.hits == 4
    assert isinstance(resolve_embedder(inner, cache_dir=tmp_path), CachedEmbedder)
    assert resolve_embedder(m) is m


def test_unknown_embedder_is_a_config_error():
    with pytest.raises(ConfigError, match="unknown embedder"):
        get_embedder("word2vec")
    with pytest.raises(ConfigError, match="bad option"):
        get_embedder("tfidf", colour="red")
    with pytest.raises(ConfigError, match="neither a folder nor an installed package"):
        get_embedder("sentence-transformers", model="no-such-model-pkg")
