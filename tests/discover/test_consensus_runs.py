"""Leiden's consensus runs (``Discoverer(consensus_runs=…)``, seventh round of docs/benchmarks.md):
the edge budget, the number a fit used, refits taking it, and models saved before the option."""

from __future__ import annotations

import numpy as np
import pytest

pytest.importorskip("leidenalg")

from kvalitativ.discover import Discoverer  # noqa: E402
from kvalitativ.discover import submodels as sub  # noqa: E402
from kvalitativ.discover.graph_cluster import (CONSENSUS_EDGE_BUDGET, CONSENSUS_RUNS_MAX,  # noqa: E402
                                               CONSENSUS_RUNS_MIN, LeidenClusterer, consensus_runs)
from kvalitativ.errors import ConfigError  # noqa: E402


def blobs(n_per=40, k=4, dim=24, spread=0.3, seed=0):
    rng = np.random.default_rng(seed)
    centres = rng.normal(size=(k, dim))
    X = np.vstack([c + spread * np.linalg.norm(c) * rng.normal(size=(n_per, dim)) / np.sqrt(dim) for c in centres])
    return (X / np.linalg.norm(X, axis=1, keepdims=True)).astype(np.float32)


def test_the_edge_budget_gives_10_on_the_fit_sample_graph_and_50_on_small_graphs():
    # the 20,000-note fit sample's graph of the benchmark (339,398 edges): 10 runs, as before the option
    assert consensus_runs(339_398) == CONSENSUS_RUNS_MIN == 10
    assert consensus_runs(2_000_000) == 10  # never fewer than 10
    assert consensus_runs(30_000) == CONSENSUS_RUNS_MAX == 50  # a corpus of about a thousand notes
    assert consensus_runs(0) == 50
    assert consensus_runs(CONSENSUS_EDGE_BUDGET // 20) == 20


def test_none_resolves_by_the_graph_and_a_number_is_kept():
    X = blobs()
    c = LeidenClusterer(n_runs=None, random_state=0).fit(X)
    g = c.graph_of(X)
    assert c.n_runs_ == consensus_runs(len(g[3])) == 50
    assert LeidenClusterer(n_runs=7, random_state=0).fit(X).n_runs_ == 7


def test_the_default_is_the_edge_budget_and_a_fit_records_the_runs_used(corpus, embeddings):
    """The seventh round's rule adopted the budget (None): on a small corpus the consensus takes 50
    runs, and the fit says so (stability's refits read it)."""
    d = Discoverer(clustering="leiden", min_topic_size=8).fit(corpus[0], embeddings)
    assert Discoverer().consensus_runs is None and sub.DEFAULT_CONSENSUS_RUNS is None
    assert d.consensus_runs_ == 50 == d.model_.hdbscan_model.n_runs_
    assert Discoverer(clustering="hdbscan", reducer="pca", min_topic_size=8).fit(
        corpus[0], embeddings).consensus_runs_ is None


def test_refits_take_the_runs_the_model_used_and_a_fresh_fit_its_own():
    d = Discoverer(clustering="leiden")
    d.consensus_runs_ = 13
    assert sub.slots(d, 500, 8, resolution_notes=1000, refit=True)[1].n_runs == 13  # a refit (stability)
    assert sub.slots(d, 500, 8)[1].n_runs is None  # a fit: by its own graph
    d.consensus_runs = 20
    assert sub.slots(d, 500, 8, resolution_notes=1000)[1].n_runs == 20  # a number set is a number


@pytest.mark.parametrize("bad", [0, -3, 2.5, "10", True])
def test_bad_consensus_runs_are_refused(bad, corpus, embeddings):
    with pytest.raises(ConfigError, match="consensus_runs"):
        Discoverer(clustering="leiden", consensus_runs=bad).fit(corpus[0], embeddings)


def test_saved_and_reloaded_keeps_the_runs_and_a_model_saved_before_reloads_with_10(
        tmp_path, corpus, embeddings, tfidf_embedder):
    import json

    from kvalitativ.discover.persist import load_parts

    d = Discoverer(embedder=tfidf_embedder, clustering="leiden", min_topic_size=8).fit(corpus[0], embeddings)
    d.save(tmp_path / "m")
    back = Discoverer.load(tmp_path / "m", embedder=tfidf_embedder)
    assert back.consensus_runs is None and back.consensus_runs_ == d.consensus_runs_ == 50
    meta = json.loads((tmp_path / "m" / "discoverer.json").read_text(encoding="utf-8"))
    assert meta["consensus_runs_used"] == 50
    # saved before the option: neither the parameter nor the runs used; the consensus then took 10
    parts = load_parts(tmp_path / "m")
    parts["meta"]["params"].pop("consensus_runs")
    parts["meta"].pop("consensus_runs_used")
    old = Discoverer.from_parts(parts)
    assert old.consensus_runs == 10 and old.consensus_runs_ == 10
    assert sub.slots(old, 100, 8, resolution_notes=len(corpus[0]))[1].n_runs == 10


def test_the_config_key_reaches_the_discoverer_and_is_checked():
    """``discover.consensus_runs`` in a run's config: checked at load, passed to the fit."""
    import pandas as pd

    from kvalitativ.config import config_from_dict
    from kvalitativ.discover.stage import discover_corpus
    from kvalitativ.embed import get_embedder

    for bad in (0, -3, 2.5, "many", 100_000):
        with pytest.raises(ConfigError, match="consensus_runs"):
            config_from_dict({"discover": {"consensus_runs": bad}})
    for key, bad in (("n_neighbors", 1), ("stability_seeds", -2)):
        with pytest.raises(ConfigError, match=key):
            config_from_dict({"discover": {key: bad}})
    assert config_from_dict({}).discover.consensus_runs is None  # by the graph's size
    words = ["skole fravær lærer", "mobning konflikt klasse", "familie mor far hjem", "praktik job løn"]
    texts = [f"{words[i % 4]} note {i}" for i in range(80)]
    corpus = pd.DataFrame({"note_id": [f"n{i}" for i in range(80)], "text": texts})
    config = config_from_dict({"discover": {"consensus_runs": 3, "min_topic_size": 5, "stability_seeds": 0}})
    result = discover_corpus(corpus, config, embedder=get_embedder("tfidf", progress=False), progress=False)
    assert result["discoverer"].consensus_runs == 3
    from kvalitativ.discover.stage import summary_lines

    assert "Leiden's consensus over 3 runs (set by discover.consensus_runs)." in summary_lines(result)


def test_a_refit_through_cluster_once_takes_the_fits_runs_without_its_notes():
    """``stability.cluster_once`` is a refit whether or not the model's note count is given."""
    from kvalitativ.discover.stability import cluster_once

    X = blobs()
    d = Discoverer(min_topic_size=5, n_neighbors=10, random_state=0, clustering="leiden", consensus_runs=None)
    d.consensus_runs_ = 7  # as a fit would have recorded
    seen = []
    original = LeidenClusterer.fit

    def spy(self, X, y=None):
        seen.append(self.n_runs)
        return original(self, X, y)

    LeidenClusterer.fit = spy
    try:
        cluster_once(d, X, seed=1, min_cluster_size=5, assign_all=True)
        cluster_once(d, X, seed=1, min_cluster_size=5, assign_all=True, fitted_notes=len(X))
    finally:
        LeidenClusterer.fit = original
    assert seen == [7, 7]


def test_refit_runs_sets_the_refits_consensus_runs_serial_and_side_by_side():
    """``topic_stability(refit_runs=R)`` (eighth round of docs/benchmarks.md): every refit's
    consensus over R runs, whether the refits run here or in worker processes."""
    from kvalitativ.discover import stability

    X = blobs()
    d = Discoverer(min_topic_size=5, n_neighbors=10, random_state=0, clustering="leiden").fit(
        [["skole fravær lærer", "mobning konflikt klasse", "familie mor far hjem", "praktik job løn"][i // 40]
         for i in range(len(X))], X)
    assert d.consensus_runs_ == 50
    seen = []
    original = stability._refit_slots

    def spy(*args, **kw):
        out = original(*args, **kw)
        seen.append(out[1].n_runs)
        return out

    stability._refit_slots = spy
    try:
        stability.topic_stability(d, None, d.topics_, n_seeds=2, workers=1, refit_runs=3)
        stability.topic_stability(d, None, d.topics_, n_seeds=2, workers=2, refit_runs=4)
        stability.topic_stability(d, None, d.topics_, n_seeds=1, shuffled=False, workers=1, refit_runs=None)
    finally:
        stability._refit_slots = original
    assert seen[:6] == [3, 3, 3, 4, 4, 4]
    assert seen[6:] == [50]  # None: the fit's runs
