"""With ``n_neighbors`` left at None, the refits of ``topic_stability`` and the fits of ``tune``
build their graphs (Leiden) and layouts (UMAP) with the clustering's resolved default
(``submodels.DEFAULT_NEIGHBORS``), as the discoverer's own fit does; and ``LeidenClusterer``'s own
default is the discoverer's Leiden default. (The other stability and tune tests pin 10.)"""

from __future__ import annotations

import numpy as np
import pytest

pytest.importorskip("leidenalg")

from kvalitativ.discover import graph_cluster  # noqa: E402
from kvalitativ.discover import submodels as sub  # noqa: E402
from kvalitativ.discover.model import Discoverer  # noqa: E402
from kvalitativ.discover.stability import topic_stability  # noqa: E402
from kvalitativ.discover.tune import tune  # noqa: E402


@pytest.fixture
def graph_neighbours(monkeypatch):
    """The n_neighbors every Leiden graph built in this process was asked for."""
    seen = []
    real = graph_cluster.neighbour_graph

    def spy(X, n_neighbors, counts=None):
        seen.append(int(n_neighbors))
        return real(X, n_neighbors, counts)

    monkeypatch.setattr(graph_cluster, "neighbour_graph", spy)
    return seen


@pytest.fixture
def umap_neighbours(monkeypatch):
    """The n_neighbors every UMAP reducer made through ``submodels.reducer`` was asked for."""
    seen = []
    real = sub.reducer

    def spy(kind, n, dim, *, n_components, n_neighbors, random_state):
        seen.append(int(n_neighbors))
        return real(kind, n, dim, n_components=n_components, n_neighbors=n_neighbors, random_state=random_state)

    monkeypatch.setattr(sub, "reducer", spy)
    return seen


def test_leiden_clusterer_default_is_the_discoverers():
    assert graph_cluster.LeidenClusterer().n_neighbors == sub.DEFAULT_NEIGHBORS["leiden"] == 30


def test_stability_refits_use_the_resolved_leiden_default(corpus, embeddings, graph_neighbours):
    texts, _ = corpus
    d = Discoverer(clustering="leiden", min_topic_size=8, random_state=0).fit(texts, embeddings)
    assert d.n_neighbors is None and graph_neighbours == [sub.DEFAULT_NEIGHBORS["leiden"]]
    graph_neighbours.clear()
    st = topic_stability(d, None, d.topics_, n_seeds=2, workers=1)
    assert st.n_refits == 3
    assert graph_neighbours == [sub.DEFAULT_NEIGHBORS["leiden"]] * 3


def test_stability_refits_use_the_resolved_umap_default(corpus, embeddings, umap_neighbours):
    texts, _ = corpus
    d = Discoverer(clustering="hdbscan", reducer="umap", min_topic_size=8, random_state=0).fit(texts, embeddings)
    assert umap_neighbours == [sub.DEFAULT_NEIGHBORS["hdbscan"]]
    umap_neighbours.clear()
    topic_stability(d, None, d.topics_, n_seeds=1, shuffled=False, workers=1)
    assert umap_neighbours == [sub.DEFAULT_NEIGHBORS["hdbscan"]]


def test_tune_fits_with_the_resolved_defaults(corpus, embeddings, graph_neighbours, umap_neighbours):
    texts, _ = corpus
    table = tune(texts, embeddings, {"min_topic_size": [6], "clustering": ["leiden", "hdbscan"]}, seeds=(0, 1),
                 outlier_target=0.1)
    assert set(graph_neighbours) == {sub.DEFAULT_NEIGHBORS["leiden"]} and len(graph_neighbours) >= 1
    assert set(umap_neighbours) == {sub.DEFAULT_NEIGHBORS["hdbscan"]} and len(umap_neighbours) >= 2
    assert np.array_equal(table.n_neighbors.to_numpy(),
                          [sub.DEFAULT_NEIGHBORS["leiden"], sub.DEFAULT_NEIGHBORS["hdbscan"]])
