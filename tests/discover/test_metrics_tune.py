"""NPMI, diversity, stability, and the tuning grid with its recommendation rule."""

from __future__ import annotations

import numpy as np
import pytest

from kvalitativ.discover.metrics import DocTermIndex, npmi_coherence, stability_ari, topic_diversity
from kvalitativ.discover.tune import RULE, tune
from kvalitativ.text.lemmas import DanishAnalyzer


def test_npmi_is_one_for_words_always_together_and_minus_one_for_never():
    docs = ["søvn træthed", "søvn træthed", "fravær skole", "fravær skole"]
    index = DocTermIndex(docs, DanishAnalyzer())
    assert npmi_coherence([["søvn", "træthed"]], index) == pytest.approx(1.0)
    assert npmi_coherence([["søvn", "fravær"]], index) == pytest.approx(-1.0)
    assert npmi_coherence([["søvn", "ukendt"]], index) == pytest.approx(-1.0)
    # words in half the notes, together in a quarter: independent -> 0
    index2 = DocTermIndex(["kat hund", "kat", "hund", "fisk"], DanishAnalyzer())
    assert npmi_coherence([["kat", "hund"]], index2) == pytest.approx(0.0, abs=1e-12)


def test_diversity_and_stability():
    assert topic_diversity([["a", "b"], ["a", "c"]]) == pytest.approx(0.75)
    a = np.array([0, 0, 1, 1, -1])
    assert stability_ari([a, a.copy()]) == pytest.approx(1.0)
    assert np.isnan(stability_ari([a]))


def test_tune_reports_every_measure_and_recommends_one(corpus, embeddings):
    texts, labels = corpus
    table = tune(texts, embeddings, {"min_topic_size": [6, 30], "n_neighbors": [10]}, seeds=(0, 1),
                 gold=labels, outlier_target=0.1)
    assert len(table) == 2
    for col in ("min_topic_size", "n_neighbors", "n_components", "n_topics", "outlier_share",
                "coherence_npmi", "diversity", "stability_ari", "nmi", "ari", "score", "recommended", "rule"):
        assert col in table.columns
    good = table.set_index("min_topic_size").loc[6]
    assert good.n_topics >= 3 and good.outlier_share <= 0.1
    assert -1 <= good.coherence_npmi <= 1 and 0 < good.diversity <= 1
    assert good.nmi > 0.8 and good.stability_ari > 0.8
    assert table.recommended.sum() == 1
    assert bool(table.set_index("min_topic_size").loc[6, "recommended"])  # 30 gives too few topics
    assert table.attrs["rule"] == RULE and "stability" in RULE


def test_tune_rejects_unknown_parameters(corpus, embeddings):
    from kvalitativ.errors import ConfigError

    with pytest.raises(ConfigError, match="cannot tune"):
        tune(corpus[0], embeddings, {"learning_rate": [1]})
