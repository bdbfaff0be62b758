"""Words beside meaning in the clustering step (``lexical_weight``): 0 is the graph as it was,
a group that differs only in its words is found only with the words, and the words' vectors are
deterministic (the same seed gives the same topics; the notes' order does not change them)."""

from __future__ import annotations

import numpy as np
import pytest
from sklearn.metrics import adjusted_rand_score

pytest.importorskip("leidenalg")

from kvalitativ.config import DiscoverConfig  # noqa: E402
from kvalitativ.discover.lexical import lexical_vectors, with_words  # noqa: E402
from kvalitativ.discover.model import Discoverer  # noqa: E402
from kvalitativ.errors import ConfigError  # noqa: E402
from kvalitativ.text.lemmas import DanishAnalyzer  # noqa: E402

SPORT = ["fodbold", "håndbold", "træning", "turnering", "målmand", "stadion", "dommer", "pokal"]
KLIMA = ["genbrug", "solceller", "affald", "klimaplan", "energi", "madspild", "kompost", "vindmølle"]


def two_word_groups(n_per=40, seed=0):
    """Notes in two groups that share one meaning (their vectors: one tight cloud, no group in
    it) but not their words: each note three words of its group's eight."""
    rng = np.random.default_rng(seed)
    texts, groups = [], []
    for g, words in enumerate((SPORT, KLIMA)):
        for _ in range(n_per):
            texts.append("Noten handler om " + " og ".join(rng.choice(words, size=3, replace=False)) + ".")
            groups.append(g)
    centre = rng.normal(size=48)
    X = centre + 0.05 * np.linalg.norm(centre) * rng.normal(size=(len(texts), 48)) / np.sqrt(48)
    X /= np.linalg.norm(X, axis=1, keepdims=True)
    return texts, np.asarray(groups), X.astype(np.float32)


def fit(texts, X, weight, seed=0, min_topic_size=10, **kw):
    kw.setdefault("lexical_share", 0.0)  # the fixed weight alone (the default share is the sixth round's)
    return Discoverer(clustering="leiden", min_topic_size=min_topic_size, random_state=seed, diversity=0.0,
                      lexical_weight=weight, **kw).fit(texts, X)


def test_default_is_zero_and_zero_gives_the_graph_as_it_was(corpus, embeddings):
    """Weight 0 (and no share): the clusterer gets the vectors themselves, and the topics and table
    are those of the discoverer without the option."""
    assert DiscoverConfig().lexical_weight == 0.0 and Discoverer().lexical_weight == 0.0
    texts, _ = corpus
    plain = Discoverer(clustering="leiden", min_topic_size=6, random_state=0, diversity=0.0,
                       lexical_share=0.0).fit(texts, embeddings)
    zero = fit(texts, embeddings, 0.0, min_topic_size=6)
    assert zero._cluster_emb is zero._emb
    assert np.array_equal(zero.topics_, plain.topics_)
    assert zero.topic_info_.drop(columns="representative_similarity").equals(
        plain.topic_info_.drop(columns="representative_similarity"))
    assert with_words(embeddings, np.ones((len(texts), 3)), 0.0) is embeddings


def test_groups_that_differ_only_in_words_are_split_only_with_the_words():
    texts, groups, X = two_word_groups()
    alone = fit(texts, X, 0.0).topics_
    assert adjusted_rand_score(groups, alone) < 0.2  # the vectors carry no group
    for w in (0.15, 0.3):
        words = fit(texts, X, w).topics_
        assert adjusted_rand_score(groups, words) == 1.0, w


def test_the_similarity_is_the_weighted_sum_of_both_cosines():
    texts, _, X = two_word_groups(n_per=10)
    lex = lexical_vectors(texts, DanishAnalyzer(ngram_range=(1, 2)))
    assert np.allclose(np.linalg.norm(lex, axis=1), 1.0, atol=1e-5)
    Z = with_words(X, lex, 0.3).astype(np.float64)
    assert np.allclose(Z @ Z.T, 0.7 * (X @ X.T) + 0.3 * (lex @ lex.T), atol=1e-5)


def test_same_seed_same_topics_and_order_free_words():
    texts, _, X = two_word_groups(seed=1)
    a, b = fit(texts, X, 0.3, seed=4), fit(texts, X, 0.3, seed=4)
    assert np.array_equal(a.topics_, b.topics_)
    assert np.array_equal(a._cluster_emb, b._cluster_emb)
    analyzer = DanishAnalyzer(ngram_range=(1, 2))
    lex = lexical_vectors(texts + texts[:5], analyzer)  # copies: bit-identical rows
    assert np.array_equal(lex[:5], lex[-5:])
    perm = np.random.default_rng(0).permutation(len(texts))
    assert np.array_equal(lexical_vectors([texts[i] for i in perm], analyzer), lex[: len(texts)][perm])


def test_stability_refits_cluster_the_same_input(corpus, embeddings):
    from kvalitativ.discover.stage import measure_stability

    texts, _ = corpus
    d = fit(texts, embeddings, 0.3, min_topic_size=6)
    assert d._cluster_emb.shape[1] > embeddings.shape[1]
    dc = DiscoverConfig(stability_seeds=2, stability_workers=1)
    st = measure_stability(d, dc, 0)
    assert st is not None and st.n_refits == 3 and st.ari > 0.5


def test_bad_weights_and_guided_are_refused(corpus, embeddings):
    texts, _ = corpus
    for w in (-0.1, 1.0):
        with pytest.raises(ConfigError, match="lexical_weight"):
            fit(texts, embeddings, w)
    with pytest.raises(ConfigError, match="guided"):
        fit(texts, embeddings, 0.3, seed_topics=[["fravær"], ["søvn"]])
