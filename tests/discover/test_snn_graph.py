"""The shared-nearest-neighbour (Jaccard) graph measured against the fuzzy graph (``graph="snn"``)."""

from __future__ import annotations

import numpy as np

from kvalitativ.discover.fuzzy_graph import snn_graph
from kvalitativ.discover.graph_cluster import LeidenClusterer


def _unit(angles_deg):
    a = np.radians(np.asarray(angles_deg, dtype=float))
    return np.column_stack([np.cos(a), np.sin(a)]).astype(np.float32)


def test_edges_weigh_the_jaccard_overlap_of_neighbour_sets():
    # one neighbour each (sets hold the note itself): N0={0,1}, N1={0,1}, N2={1,2}, N3={2,3}
    edges, weights = snn_graph(_unit([0.0, 10.0, 25.0, 100.0]), 1)
    assert edges.tolist() == [[0, 1], [1, 2], [2, 3]]
    np.testing.assert_allclose(weights, [1.0, 1 / 3, 1 / 3])


def test_leiden_on_the_snn_graph_finds_clear_groups():
    rng = np.random.default_rng(0)
    X = np.vstack([_unit(rng.normal(a, 2.0, 30)) for a in (0.0, 90.0, 200.0)])
    labels = LeidenClusterer(graph="snn", n_neighbors=10, min_cluster_size=25).fit(X).labels_
    assert [len(set(labels[i:i + 30].tolist())) for i in (0, 30, 60)] == [1, 1, 1]
    assert len(set(labels.tolist())) == 3
