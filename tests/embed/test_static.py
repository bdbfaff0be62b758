"""The shipped static embedder: loads, normalised, deterministic, Danish-aware, semantic.

It reads only small files (no neural model), so these tests are fast; they use the real
shipped vectors, not a fixture, because what matters is that the shipped model behaves.
"""

from __future__ import annotations

import json

import numpy as np
import pytest

from kvalitativ.embed import CachedEmbedder, Embedder, get_embedder
from kvalitativ.embed.static import (StaticEmbedder, char_ngrams, common_directions, split_compound, static_model_dir,
                                     tokenize)
from kvalitativ.errors import ConfigError


@pytest.fixture(scope="module")
def emb() -> StaticEmbedder:
    return get_embedder("static")


def cos(a: np.ndarray, b: np.ndarray) -> float:
    return float(a @ b)


def test_loads_shipped_model_through_registry(emb):
    assert isinstance(emb, StaticEmbedder)
    assert isinstance(emb, Embedder)
    meta = json.loads((static_model_dir() / "meta.json").read_text(encoding="utf-8"))
    assert emb.dim == meta["dims"]
    assert emb.name == "static"
    assert meta["content_sha256"][:12] in emb.version
    assert "e5" in meta["source_model"]
    assert len(emb.vocab_) == meta["vocab_size"] > 20_000


def test_vectors_are_unit_float32_and_in_order(emb):
    texts = ["Eleven er meget motiveret.", "Han kommer ofte for sent.", "Hun har mange venner i klassen."]
    v = emb.encode(texts)
    assert v.dtype == np.float32 and v.shape == (3, emb.dim)
    np.testing.assert_allclose(np.linalg.norm(v, axis=1), 1.0, atol=1e-5)
    # order kept: encoding one at a time gives the same rows
    for i, t in enumerate(texts):
        np.testing.assert_allclose(emb.encode([t])[0], v[i], atol=1e-6)


def test_deterministic_across_instances_and_batches(emb):
    texts = [f"Note {i}: eleven har fremmødeproblemer og mangler motivation." for i in range(50)]
    a = emb.encode(texts)
    b = StaticEmbedder(batch_size=7).encode(texts)
    np.testing.assert_array_equal(a, b)


def test_empty_inputs(emb):
    assert emb.encode([]).shape == (0, emb.dim)
    v = emb.encode(["", "...", "Eleven trives."])
    assert not v[0].any() and not v[1].any()  # no tokens: a zero row, never NaN
    assert np.isfinite(v).all()
    assert abs(np.linalg.norm(v[2]) - 1) < 1e-5


def test_danish_tokenisation_keeps_aeoeaa():
    assert tokenize("SØSTER, Æblet og ÅEN: 9. klasse!") == ["søster", "æblet", "og", "åen", "9", "klasse"]


def test_danish_words_with_aeoeaa_in_vocab(emb):
    for w in ["fravær", "trivsel", "ansvarlighed", "selvstændighed", "fremmøde", "mødestabilitet", "gåpåmod",
              "ungdomsuddannelse", "skolevægring", "ældrepleje", "grønne", "tryghed"]:
        assert w in emb.vocab_, w


def test_compound_splitting():
    vocab = {"fremmøde", "frem", "møde", "problemer", "uddannelse", "parat", "ung"}
    assert split_compound("fremmødeproblemer", vocab) == ["fremmøde", "problemer"]
    assert split_compound("uddannelsesparat", vocab) == ["uddannelse", "parat"]  # linking s
    assert split_compound("xyzproblemer", vocab) is None
    assert split_compound("møde", vocab) is None


def test_out_of_vocabulary_words_are_handled(emb):
    compound = "fremmødeproblemerne"
    assert compound not in emb.vocab_
    assert split_compound(compound, emb.vocab_)  # known parts
    gibberish = "qzxvøjkluf"
    assert gibberish not in emb.vocab_ and split_compound(gibberish, emb.vocab_) is None
    v = emb.encode([compound, gibberish, "fremmøde"])
    assert np.isfinite(v).all()
    np.testing.assert_allclose(np.linalg.norm(v, axis=1), 1.0, atol=1e-5)  # n-grams give a vector too
    # the compound lands near its head/modifier, closer than the gibberish does
    assert cos(v[0], v[2]) > cos(v[1], v[2])
    # without subwords the out-of-vocabulary word is dropped: a zero row
    assert not StaticEmbedder(subwords=False).encode([gibberish]).any()


def test_typo_lands_near_the_word_through_ngrams(emb):
    v = emb.encode(["motivationn", "motivation", "cykelsti"])
    assert cos(v[0], v[1]) > cos(v[0], v[2])


def test_similar_danish_sentences_are_closer_than_unrelated(emb):
    pairs = [
        ("Eleven kommer ofte for sent og har meget fravær.", "Han møder sjældent op til tiden og pjækker tit.",
         "Vi ønsker en ny cykelsti langs hovedvejen."),
        ("Hun er glad og trives godt i klassen.", "Pigen har det godt og har mange venner.",
         "Kommunen bør udvide åbningstiden på biblioteket."),
        ("Han mangler motivation og gider ikke lave lektier.", "Eleven er umotiveret og laver ingenting i timerne.",
         "Der er for lidt parkering ved plejehjemmet."),
    ]
    for a, b, c in pairs:
        va, vb, vc = emb.encode([a, b, c])
        assert cos(va, vb) > cos(va, vc), (a, b, c)


def test_mixed_english_words_are_known(emb):
    for w in ["school", "teacher", "motivation", "friends"]:
        assert w in emb.vocab_


def test_char_ngrams_have_boundaries():
    assert char_ngrams("øl", 3, 3) == ["<øl", "øl>"]


def test_works_behind_the_cache(tmp_path, emb):
    cached = CachedEmbedder(emb, tmp_path, progress=False)
    texts = ["Eleven er motiveret.", "Han har fravær."]
    a = cached.encode(texts)
    b = cached.encode(texts)
    np.testing.assert_array_equal(a, b)
    assert cached.hits == 2 and cached.misses == 2


def test_missing_model_folder_is_an_actionable_error(tmp_path):
    with pytest.raises(ConfigError, match="build_static_embedder"):
        StaticEmbedder(path=tmp_path)


def test_common_component_is_projected_out(emb):
    """SIF's step 2: every vector is orthogonal to the vocabulary's shared direction (plain weighted
    means are not); 0 components gives the plain mean, and another cache key."""
    texts = ["Eleven er meget motiveret.", "Han kommer ofte for sent.", "Vejleder orienteret.", "og i på at det"]
    u = emb.components_[:, 0]
    assert emb.components_.shape == (emb.dim, 1) and np.isclose(np.linalg.norm(u), 1.0)
    shipped = emb.encode(texts)
    np.testing.assert_allclose(shipped @ u, 0.0, atol=1e-5)
    plain = StaticEmbedder(common_components=0)
    raw = plain.encode(texts)
    assert np.all(np.abs(raw @ u) > 0.01)
    removed = raw - np.outer(raw @ u, u)
    np.testing.assert_allclose(shipped, removed / np.linalg.norm(removed, axis=1, keepdims=True), atol=1e-5)
    assert plain.version != emb.version and plain.components_.shape == (emb.dim, 0)
    assert not emb.encode([""]).any()  # no tokens: still a zero row


def test_common_direction_weighs_vectors_by_sif_weight_and_counts_words_by_frequency():
    """Three words on the axes: a very frequent one (SIF weight 0.05), a rare one (0.9), a middling
    one (0.5). Counted by frequency p ∝ 1/w − 1 with SIF-weighted vectors, the middling word's axis
    leads (0.25 against 0.09 and 0.0475); unweighted vectors would pick the frequent word's axis,
    uncounted words the rare one's."""
    vectors = np.eye(3, dtype=np.float32)
    u = common_directions(vectors, np.array([0.05, 0.9, 0.5], np.float32), 1)
    assert u.shape == (3, 1)
    np.testing.assert_allclose(np.abs(u[:, 0]), [0.0, 0.0, 1.0], atol=1e-6)
    assert common_directions(vectors, np.ones(3, np.float32), 0).shape == (3, 0)


def test_sif_a_reweights_exactly_and_changes_the_cache_key(emb):
    """``sif_a`` re-weights the stored SIF weights a0/(a0+p) to a/(a+p) with p recovered exactly; the
    model's own constant (meta.json) is a no-op with the same version, another one a new version."""
    from kvalitativ.embed.static import model_sif_a, reweight_sif

    a0 = model_sif_a(emb.meta_)
    assert a0 == pytest.approx(1e-4)  # the build's constant, read from meta.json's weighting line
    assert model_sif_a({"sif_a": 3e-4, "weighting": "a=1"}) == pytest.approx(3e-4)
    assert model_sif_a({}) is None
    p = np.array([0.0, 1e-6, 1e-4, 1e-2], np.float64)
    w = (a0 / (a0 + p)).astype(np.float32)
    np.testing.assert_allclose(reweight_sif(w, a0, 1e-3), 1e-3 / (1e-3 + p), rtol=1e-4)
    np.testing.assert_allclose(reweight_sif(w, a0, a0), w, rtol=1e-6)
    with pytest.raises(ConfigError):
        reweight_sif(w, None, 1e-3)
    with pytest.raises(ConfigError):
        reweight_sif(w, a0, 0.0)
    texts = ["Eleven er meget motiveret.", "Han kommer ofte for sent."]
    same = StaticEmbedder(sif_a=a0)
    assert same.version == emb.version
    np.testing.assert_array_equal(same.encode(texts), emb.encode(texts))
    other = StaticEmbedder(sif_a=1e-3)
    assert other.version == emb.version + "-a0.001"
    assert not np.allclose(other.encode(texts), emb.encode(texts))
    og = emb.vocab_["og"]  # a frequent word weighs more with a larger a; an unknown-to-wordfreq word stays 1
    assert other._weights[og] > emb._weights[og]
    assert np.array_equal(other._weights[emb._weights == 1.0], emb._weights[emb._weights == 1.0])


def test_vocabulary_covers_general_municipal_danish(emb):
    """Diagnosis of issue 15 (docs/benchmarks.md, "Static embedder on the sample"): the vocabulary
    covers everyday school and social-work words directly, so the sample's gap to e5 is not coverage."""
    for w in ("elev", "fravær", "mobning", "trivsel", "forældre", "vejleder", "praktik", "motivation",
              "ansvar", "samarbejde", "uddannelse", "hash", "angst", "borger"):
        assert w in emb.vocab_, w
    cov = emb.coverage(["Eleven har meget fravær og mangler motivation.", "Mor deltog i mødet med vejlederen."])
    assert cov["in_vocab"] == 1.0
