"""The sixth round's two options for Leiden's graph: the words' weight set from the spreads of the
two cosines (``lexical_share``) and the graph on centred vectors (``center``). Off by default,
where the labels are today's exactly; the weight is the formula's; centring vectors whose mean is
already zero changes nothing; the same seed gives the same topics; bad values are refused."""

from __future__ import annotations

import numpy as np
import pytest

pytest.importorskip("leidenalg")

from kvalitativ.config import DiscoverConfig  # noqa: E402
from kvalitativ.discover.centring import centred  # noqa: E402
from kvalitativ.discover.lexical import cosine_spreads, lexical_vectors, share_weight, with_words  # noqa: E402
from kvalitativ.discover.model import Discoverer  # noqa: E402
from kvalitativ.errors import ConfigError  # noqa: E402
from kvalitativ.text.lemmas import DanishAnalyzer  # noqa: E402

from .test_lexical import two_word_groups  # noqa: E402

#: The topics the discoverer gave :func:`overlapping_groups` (seed 3) before these options existed
#: (the code of the merge of issue16h), one digit a note.
TODAY = ("440444444444444444444044444444444444444442444444444444044244000000000000000000000001000000000000000000"
         "004000000000040000333333333333333331313333333333333033333333333333333333333333111111111111111111111111"
         "111111111311111313111111111111111111222222222222222222222224222242222222222222222222222222222222")


def overlapping_groups():
    """300 unit vectors in five overlapping groups with a common component (as e5's have)."""
    rng = np.random.default_rng(16)
    centres = rng.normal(size=(5, 32))
    y = np.repeat(np.arange(5), 60)
    X = 0.8 + centres[y] * 0.25 + rng.normal(size=(300, 32)) * 0.45
    X = (X / np.linalg.norm(X, axis=1, keepdims=True)).astype(np.float32)
    texts = [f"note {i} om {['skole', 'søvn', 'fravær', 'kost', 'venner'][g]}" for i, g in enumerate(y)]
    return texts, y, X


def leiden(texts, X, seed=3, min_topic_size=10, **kw):
    kw.setdefault("lexical_share", 0.0)  # the vectors alone unless a test says otherwise
    return Discoverer(clustering="leiden", min_topic_size=min_topic_size, random_state=seed, diversity=0.0,
                      **kw).fit(texts, X)


def test_off_gives_todays_labels_exactly():
    """``lexical_share`` 0 (the vectors alone) and ``center`` none: the graph, and the labels, of
    the code before these options."""
    assert DiscoverConfig().center == "none" and Discoverer().center == "none"
    texts, _, X = overlapping_groups()
    d = leiden(texts, X, lexical_share=0.0)
    assert "".join(str(t) for t in d.topics_) == TODAY
    assert d._cluster_emb is d._emb and d.lexical_weight_ == 0.0
    off = leiden(texts, X, lexical_share=0.0, center="none")
    assert np.array_equal(off.topics_, d.topics_)


def test_the_default_share_is_a_tenth_with_leiden_only():
    """None (the default): 0.1 with Leiden, 0 with HDBSCAN, guided, or a fixed lexical_weight."""
    from kvalitativ.discover.submodels import lexical_share_of

    assert DiscoverConfig().lexical_share is None and Discoverer().lexical_share is None
    assert lexical_share_of(Discoverer(clustering="leiden")) == 0.1
    assert lexical_share_of(Discoverer(clustering="hdbscan")) == 0.0
    assert lexical_share_of(Discoverer(clustering="leiden", seed_topics=[["skole"]])) == 0.0
    assert lexical_share_of(Discoverer(clustering="leiden", lexical_weight=0.15)) == 0.0
    assert lexical_share_of(Discoverer(clustering="leiden", lexical_share=0.25)) == 0.25
    texts, _, X = two_word_groups(n_per=20)
    d = Discoverer(clustering="leiden", min_topic_size=5, random_state=0, diversity=0.0).fit(texts, X)
    e = Discoverer(clustering="leiden", min_topic_size=5, random_state=0, diversity=0.0, lexical_share=0.1).fit(texts, X)
    assert d.lexical_weight_ == e.lexical_weight_ > 0 and np.array_equal(d.topics_, e.topics_)


def test_the_resolved_weight_is_the_formulas():
    # hand-made: σ_e = 0.024, σ_w = 0.096, s = 0.25 → r = 1/3, a = 0.008 / (0.096 + 0.008) = 1/13
    a = share_weight(0.024, 0.096, 0.25)
    assert a == pytest.approx(1 / 13)
    assert a * 0.096 == pytest.approx(0.25 / 0.75 * (1 - a) * 0.024)
    assert share_weight(0.024, 0.096, 0.0) == 0.0 and share_weight(0.024, 0.0, 0.1) == 0.0
    # the fitted discoverer uses the formula on the spreads of its own two cosines
    texts, _, X = two_word_groups(n_per=20)
    d = Discoverer(clustering="leiden", min_topic_size=5, random_state=0, diversity=0.0, lexical_share=0.1).fit(texts, X)
    lex = lexical_vectors(texts, DanishAnalyzer(ngram_range=(1, 2)))
    se, sw = cosine_spreads(X, lex)
    assert se > 0 and sw > 0
    expected = (1 / 9) * se / (sw + (1 / 9) * se)
    assert d.lexical_weight_ == pytest.approx(expected)
    assert np.allclose(d._cluster_emb, with_words(X, lex, expected), atol=1e-6)


def test_spreads_are_the_cosines_standard_deviations():
    rng = np.random.default_rng(0)
    E, W = rng.normal(size=(40, 8)), rng.normal(size=(40, 5))
    se, sw = cosine_spreads(E, W, n_pairs=200_000, seed=1)
    En, Wn = E / np.linalg.norm(E, axis=1, keepdims=True), W / np.linalg.norm(W, axis=1, keepdims=True)
    iu = np.triu_indices(40, 1)
    assert se == pytest.approx((En @ En.T)[iu].std(), rel=0.03)
    assert sw == pytest.approx((Wn @ Wn.T)[iu].std(), rel=0.03)
    assert cosine_spreads(E, W) == cosine_spreads(E, W)  # a fixed seed


def test_centring_changes_nothing_when_the_mean_is_zero():
    rng = np.random.default_rng(1)
    half = rng.normal(size=(60, 16))
    X = np.vstack([half, -half])
    X = (X / np.linalg.norm(X, axis=1, keepdims=True)).astype(np.float32)
    assert np.allclose(centred(X, "mean"), X, atol=1e-6)
    assert centred(X, "none") is X
    texts = [f"note {i} om {['skole', 'søvn', 'fravær', 'kost'][i % 4]}" for i in range(len(X))]
    plain, mean = leiden(texts, X), leiden(texts, X, center="mean")
    assert np.array_equal(plain.topics_, mean.topics_)


def test_centring_removes_the_mean_and_the_top_direction():
    _, _, X = overlapping_groups()
    M = centred(X, "mean").astype(np.float64)
    assert np.allclose(np.linalg.norm(M, axis=1), 1.0, atol=1e-5)
    assert abs((X @ X.T).mean()) > 0.5 > abs((M @ M.T).mean())  # the common component is gone
    A = centred(X, "abtt").astype(np.float64)
    Xc = X - X.mean(axis=0)
    top = np.linalg.svd(Xc, full_matrices=False)[2][0]
    assert np.allclose(A @ top, 0.0, atol=1e-5)
    d = leiden(*overlapping_groups()[::2], center="abtt")
    assert np.array_equal(d._cluster_emb, A.astype(np.float32)) and d._emb is not d._cluster_emb
    from kvalitativ.discover.representatives import centroids

    assert np.allclose(d.centroids_, centroids(X, d.topics_, d.topic_ids_), atol=1e-5)  # on the e5 vectors


@pytest.mark.parametrize("kw", [{"center": "mean"}, {"center": "abtt"}, {"lexical_share": 0.25},
                                {"lexical_share": 0.1, "center": "mean"}])
def test_same_seed_same_topics(kw):
    texts, _, X = overlapping_groups()
    a, b = leiden(texts, X, seed=2, **kw), leiden(texts, X, seed=2, **kw)
    assert np.array_equal(a.topics_, b.topics_)
    assert np.array_equal(a._cluster_emb, b._cluster_emb) and a.lexical_weight_ == b.lexical_weight_


def test_bad_values_are_refused():
    texts, _, X = overlapping_groups()
    for s in (-0.1, 1.0, "a lot"):
        with pytest.raises(ConfigError, match="lexical_share"):
            leiden(texts, X, lexical_share=s)
    with pytest.raises(ConfigError, match="not both"):
        leiden(texts, X, lexical_share=0.1, lexical_weight=0.15)
    with pytest.raises(ConfigError, match="center must be one of"):
        leiden(texts, X, center="median")
    with pytest.raises(ConfigError, match="Leiden"):
        Discoverer(clustering="hdbscan", center="mean", min_topic_size=10).fit(texts, X)
    for kw in ({"center": "mean"}, {"lexical_share": 0.1}):
        with pytest.raises(ConfigError, match="guided"):
            leiden(texts, X, seed_topics=[["skole"], ["søvn"]], **kw)


def test_the_weight_used_is_saved_with_the_model(tmp_path):
    texts, _, X = two_word_groups(n_per=20)
    d = Discoverer(clustering="leiden", min_topic_size=5, random_state=0, diversity=0.0, lexical_share=0.25).fit(texts, X)
    d.save(tmp_path / "m")
    back = Discoverer.load(tmp_path / "m")
    assert back.lexical_share == 0.25 and back.lexical_weight_ == pytest.approx(d.lexical_weight_)
