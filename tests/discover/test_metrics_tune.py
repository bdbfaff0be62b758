"""NPMI, diversity, stability, and the tuning grid with its recommendation rule."""

from __future__ import annotations

import numpy as np
import pandas as pd
import pytest

from kvalitativ.discover.coherence import WindowIndex, c_npmi
from kvalitativ.discover.metrics import stability_ari, stability_mi, topic_diversity
from kvalitativ.discover import Discoverer
from kvalitativ.discover.tune import RULE, rule_text, tune
from kvalitativ.text.lemmas import DanishAnalyzer


class _Split:
    """Whitespace tokens, one phrase per text: the hand-worked cases need no lemmatiser."""

    def segments(self, text):
        return [text.split()] if text else []


def test_c_npmi_by_hand_over_sliding_windows():
    # window 3 over "a b x x c": windows [a b x], [b x x], [x x c]; "d" alone is one window
    index = WindowIndex(["a b x x c", "d"], _Split(), window=3)
    assert int(index.n_windows.sum()) == 4
    assert list(index.windows("a")) == [0] and list(index.windows("b")) == [0, 1]
    assert list(index.windows("c")) == [2] and list(index.windows("a b")) == [0]
    # a and b together in 1 of 4 windows: log((1/4) / (1/4 * 2/4)) / -log(1/4) = log 2 / log 4 = 0.5
    assert c_npmi([["a", "b"]], index) == pytest.approx(0.5, abs=1e-9)
    # never together: log(eps / (1/4 * 1/4)) / -log(eps), just above -1 (gensim's epsilon)
    never = np.log(1e-12 / (1 / 16)) / -np.log(1e-12)
    assert c_npmi([["a", "c"]], index) == pytest.approx(never)
    assert c_npmi([["a", "ukendt"]], index) == pytest.approx(-1.0)
    assert c_npmi([["a", "b"], ["a", "c"]], index, per_topic=True) == pytest.approx([0.5, never])


def test_two_word_terms_count_only_side_by_side_within_a_phrase():
    index = WindowIndex(["dårlig søvn i nat. dårlig. søvn"], DanishAnalyzer(), window=10)
    assert len(index.windows("dårlig søvn")) == 1
    index = WindowIndex(["dårlig. søvn"], DanishAnalyzer(), window=10)
    assert len(index.windows("dårlig søvn")) == 0 and len(index.windows("søvn")) == 1


def test_diversity_and_stability():
    assert topic_diversity([["a", "b"], ["a", "c"]]) == pytest.approx(0.75)
    a = np.array([0, 0, 1, 1, -1])
    assert stability_ari([a, a.copy()]) == pytest.approx(1.0)
    assert np.isnan(stability_ari([a]))


def test_reproduced_information_prefers_fine_topics_that_come_back():
    """ARI calls three broad topics that every seed finds perfectly stable; mutual information
    counts what comes back: nine topics of which one seed splits one differently carry more."""
    rng = np.random.RandomState(0)
    fine = np.repeat(np.arange(9), 20)
    other = fine.copy()
    other[rng.choice(np.flatnonzero(fine == 0), 10, replace=False)] = 1  # another seed mixes two topics
    coarse = fine // 3
    assert stability_ari([coarse, coarse.copy()]) > stability_ari([fine, other])
    assert stability_mi([fine, other]) > stability_mi([coarse, coarse.copy()])
    assert stability_mi([coarse, coarse.copy()]) == pytest.approx(np.log2(3))
    assert stability_mi([coarse]) == pytest.approx(np.log2(3))  # one run: its entropy
    noise = [rng.randint(0, 9, 180) for _ in range(3)]  # fine topics that do not come back carry nothing
    assert stability_mi(noise) < 0.5 < stability_mi([coarse, coarse.copy()])


def test_tune_reports_every_measure_and_recommends_one(corpus, embeddings):
    texts, labels = corpus
    table = tune(texts, embeddings, {"min_topic_size": [6, 30], "n_neighbors": [10]}, seeds=(0, 1),
                 gold=labels, outlier_target=0.1)
    assert len(table) == 2
    for col in ("min_topic_size", "n_neighbors", "n_components", "n_topics", "outlier_share",
                "coherence_npmi", "diversity", "stability_ari", "stability_mi", "nmi", "ari", "score", "recommended",
                "rule"):
        assert col in table.columns
    good = table.set_index("min_topic_size").loc[6]
    assert good.n_topics >= 3 and good.outlier_share <= 0.1
    assert -1 <= good.coherence_npmi <= 1 and 0 < good.diversity <= 1
    assert good.nmi > 0.8 and good.stability_ari > 0.8
    assert table.recommended.sum() == 1
    assert bool(table.set_index("min_topic_size").loc[6, "recommended"])  # 30 gives too few topics
    assert table.attrs["rule"] in {rule_text(3, r) for r in ("required", "none met")}
    assert "mutual information" in RULE and "resampled stability" in RULE
    assert table.score.tolist() == pytest.approx(((table.coherence_npmi + 1) / 2 * table.stability_mi).tolist(),
                                                 nan_ok=True)


def test_tune_table_names_the_neighbours_it_fitted_with(corpus, embeddings):
    """A grid that leaves n_neighbors out is fitted with the clustering's default, and the table
    says so (it was empty: the resolved value reached the fit but not the row)."""
    from kvalitativ.discover.submodels import DEFAULT_NEIGHBORS

    texts, _ = corpus
    table = tune(texts, embeddings, {"min_topic_size": [6], "clustering": ["leiden", "hdbscan"]}, seeds=(0,),
                 outlier_target=0.1)
    assert table.set_index("clustering").n_neighbors.to_dict() == {"leiden": DEFAULT_NEIGHBORS["leiden"],
                                                                   "hdbscan": DEFAULT_NEIGHBORS["hdbscan"]}
    # Leiden has no layout: no layout dimensions in its row (UMAP's 5 were shown before)
    dims = table.set_index("clustering").n_components
    assert pd.isna(dims["leiden"]) and dims["hdbscan"] == 5


def test_tune_rejects_unknown_parameters(corpus, embeddings):
    from kvalitativ.errors import ConfigError

    with pytest.raises(ConfigError, match="cannot tune"):
        tune(corpus[0], embeddings, {"learning_rate": [1]})


def test_with_one_seed_the_rule_is_coherence_alone():
    """One seed reproduces nothing: its mutual information is the partition's entropy, which would
    favour the finest setting; the rule then ranks by NPMI alone."""
    import pandas as pd

    from kvalitativ.discover.tune import _recommend

    table = pd.DataFrame({"min_topic_size": [5, 25], "coherence_npmi": [0.0, 0.2], "stability_mi": [4.0, 1.5],
                          "outlier_share": [0.1, 0.1], "n_topics_min": [40, 5]})
    assert _recommend(table.copy(), 0.5, 3, seeds=(0,)).set_index("min_topic_size")["recommended"][25]
    assert _recommend(table.copy(), 0.5, 3, seeds=(0, 1)).set_index("min_topic_size")["recommended"][5]


def test_tune_reports_the_stability_discover_publishes(corpus, embeddings):
    """tune measured stability between seeds' full fits (near 1 with Leiden) while discover publishes
    refits on 80 % resamples (an analyst saw 0.97 in one and 0.54 in the other): tune now reports
    discover's figure too, from the same function with discover's settings, for the same fit."""
    from kvalitativ.config import DiscoverConfig
    from kvalitativ.discover.stage import measure_stability

    texts, _ = corpus
    table = tune(texts, embeddings, {"min_topic_size": [6]}, seeds=(0, 1), outlier_target=0.0, stability_seeds=2)
    row = table.iloc[0]
    d = Discoverer(embedder=None, min_topic_size=6, outlier_target=0.0, random_state=0).fit(texts, embeddings)
    st = measure_stability(d, DiscoverConfig(stability_seeds=2), 0)
    assert row.stability_resampled == pytest.approx(st.ari)
    assert row.unstable_share == pytest.approx(float(np.mean(st.per_topic.stability < 0.5)))
    assert "stability_resampled" not in tune(texts, embeddings, {"min_topic_size": [6]}, seeds=(0,),
                                             stability_seeds=0).columns


def test_the_rule_skips_settings_discover_would_call_unstable():
    """A setting stable across seeds but not under discover's resampled refits is not recommended
    while another passes; when none passes the condition is dropped and the rule says so."""
    from kvalitativ.discover.stability import LOW_ARI
    from kvalitativ.discover.tune import _recommend

    table = pd.DataFrame({"min_topic_size": [5, 25], "coherence_npmi": [0.1, 0.0], "stability_mi": [4.0, 3.0],
                          "outlier_share": [0.0, 0.0], "n_topics_min": [40, 20],
                          "stability_resampled": [LOW_ARI - 0.1, LOW_ARI + 0.1]})
    picked = _recommend(table.copy(), 0.5, 3, seeds=(0, 1))
    assert picked.set_index("min_topic_size")["recommended"][25]
    assert "resampled stability" in picked.attrs["rule"]
    table["stability_resampled"] = LOW_ARI - 0.2
    dropped = _recommend(table.copy(), 0.5, 3, seeds=(0, 1))
    assert dropped.set_index("min_topic_size")["recommended"][5] and "condition dropped" in dropped.attrs["rule"]
