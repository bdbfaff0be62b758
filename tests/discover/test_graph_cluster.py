"""Consensus Leiden clustering (discover.clustering: leiden): clear clusters found with every
seed and input order, the smallest-topic rule, scikit-learn conventions, the discoverer's slot."""

from __future__ import annotations

import numpy as np
import pytest
from sklearn.base import clone
from sklearn.metrics import adjusted_rand_score

pytest.importorskip("leidenalg")

from kvalitativ.discover.graph_cluster import LeidenClusterer, merge_small, neighbour_graph  # noqa: E402
from kvalitativ.discover.model import Discoverer  # noqa: E402
from kvalitativ.discover.stability import topic_stability  # noqa: E402
from kvalitativ.errors import ConfigError  # noqa: E402


def blobs(n_per=40, k=5, dim=32, spread=0.15, seed=0):
    """*k* well-separated groups of unit vectors (and their labels)."""
    rng = np.random.default_rng(seed)
    centres = rng.normal(size=(k, dim))
    X = np.vstack([c + spread * np.linalg.norm(c) * rng.normal(size=(n_per, dim)) / np.sqrt(dim) for c in centres])
    X /= np.linalg.norm(X, axis=1, keepdims=True)
    return X.astype(np.float32), np.repeat(np.arange(k), n_per)


def test_clear_clusters_are_found_with_every_seed_and_order():
    X, y = blobs()
    runs = [LeidenClusterer(random_state=s).fit(X).labels_ for s in range(5)]
    for r in runs:
        assert adjusted_rand_score(y, r) == 1.0
    perm = np.random.default_rng(1).permutation(len(X))
    back = np.empty(len(X), dtype=int)
    back[perm] = LeidenClusterer(random_state=0).fit(X[perm]).labels_
    assert adjusted_rand_score(runs[0], back) == 1.0


def test_same_seed_same_labels_and_ids_by_size():
    X, _ = blobs(n_per=30, k=4, spread=0.6, seed=2)
    a = LeidenClusterer(random_state=3).fit(X).labels_
    b = LeidenClusterer(random_state=3).fit(X).labels_
    assert np.array_equal(a, b)
    sizes = np.bincount(a)
    assert list(sizes) == sorted(sizes, reverse=True) and a.min() == 0


def test_merge_small_joins_the_most_connected_neighbour():
    # communities 0 (4 notes), 1 (4 notes), 2 (1 note tied more strongly to 1 than to 0)
    labels = np.array([0, 0, 0, 0, 1, 1, 1, 1, 2])
    edges = np.array([[0, 1], [1, 2], [2, 3], [4, 5], [5, 6], [6, 7], [8, 0], [8, 4], [8, 5]])
    weights = np.array([1, 1, 1, 1, 1, 1, 0.9, 0.6, 0.6])
    out = merge_small(labels, edges, weights, 2)
    assert out[8] == 1 and set(out[:8]) == {0, 1}
    assert np.array_equal(merge_small(labels, edges, weights, 1), labels)


def test_every_topic_is_at_least_min_cluster_size():
    X, _ = blobs(n_per=25, k=6, spread=0.9, seed=4)
    for mcs in (5, 20, 60):
        labels = LeidenClusterer(min_cluster_size=mcs, resolution=3.0, random_state=0).fit(X).labels_
        assert np.bincount(labels).min() >= mcs or len(set(labels)) == 1


def test_higher_resolution_gives_more_topics():
    X, _ = blobs(n_per=40, k=3, spread=1.2, seed=5)
    few = len(set(LeidenClusterer(resolution=0.5, min_cluster_size=2).fit(X).labels_))
    many = len(set(LeidenClusterer(resolution=4.0, min_cluster_size=2).fit(X).labels_))
    assert many > few


def test_sklearn_conventions_and_graph_without_randomness():
    c = LeidenClusterer(n_neighbors=7, resolution=1.5, n_runs=3)
    assert clone(c).get_params() == c.get_params()
    assert c.set_params(resolution=2.0).resolution == 2.0
    X, _ = blobs(n_per=10, k=3)
    e1, w1 = neighbour_graph(X, 5)
    e2, w2 = neighbour_graph(X, 5)
    assert np.array_equal(e1, e2) and np.array_equal(w1, w2) and (e1[:, 0] < e1[:, 1]).all()


def test_discoverer_with_leiden_finds_the_themes_and_refits_for_stability(corpus, embeddings):
    texts, labels = corpus
    d = Discoverer(clustering="leiden", min_topic_size=8, n_neighbors=10, random_state=0).fit(texts, embeddings)
    assert adjusted_rand_score(labels, d.topics_) > 0.9 and (d.topics_ >= 0).all()
    again = Discoverer(clustering="leiden", min_topic_size=8, n_neighbors=10, random_state=0).fit(texts, embeddings)
    assert np.array_equal(d.topics_, again.topics_)
    st = topic_stability(d, None, d.topics_, n_seeds=2)
    assert st.ari > 0.9


def test_unknown_clustering_is_a_config_error(corpus, embeddings):
    with pytest.raises(ConfigError, match="clustering"):
        Discoverer(clustering="kmeans").fit(corpus[0], embeddings)
    with pytest.raises(ConfigError, match="resolution"):
        Discoverer(clustering="leiden", resolution=0).fit(corpus[0], embeddings)


def test_tune_searches_leiden_resolution(corpus, embeddings):
    from kvalitativ.discover.tune import tune

    texts, labels = corpus
    table = tune(texts, embeddings, {"clustering": ["leiden"], "resolution": [0.5, 2.0], "min_topic_size": [8]},
                 seeds=(0, 1), gold=labels)
    assert list(table.resolution) == [0.5, 2.0] and set(table.clustering) == {"leiden"}
    assert table.recommended.sum() == 1 and (table.stability_ari > 0.9).all() and (table.nmi > 0.8).all()


def test_the_stage_fits_leiden_from_the_config(tmp_path, monkeypatch):
    import pandas as pd

    from kvalitativ.config import config_from_dict
    from kvalitativ.discover.stage import discover_stage
    from kvalitativ.engines import StageEngine
    from kvalitativ.io.store import read_stage_table, write_tables
    from tests.discover.conftest import make_corpus

    monkeypatch.chdir(tmp_path)
    texts, labels = make_corpus()
    ids = [f"n{i}" for i in range(len(texts))]
    corpus = pd.DataFrame({"note_id": ids, "person_id": [f"p{i % 20}" for i in range(len(texts))], "text": texts})
    write_tables(tmp_path / "out", {"corpus": corpus}, run_id="r1")
    config = config_from_dict({"embed": {"name": "tfidf"},
                               "discover": {"clustering": "leiden", "min_topic_size": 8, "stability_seeds": 2}})
    discover_stage(config, tmp_path / "out", "r1", StageEngine("local", progress=False))
    themes = read_stage_table(tmp_path / "out", "themes")
    found = read_stage_table(tmp_path / "out", "codings").set_index("note_id").loc[ids].theme_id
    assert adjusted_rand_score(labels, found) > 0.9
    assert themes.stability.dropna().min() > 0.8


def test_a_leiden_model_saves_and_loads_with_its_settings(corpus, embeddings, tmp_path):
    texts, _ = corpus
    d = Discoverer(clustering="leiden", resolution=1.5, min_topic_size=8, n_neighbors=10).fit(texts, embeddings)
    d.save(tmp_path / "m")
    back = Discoverer.load(tmp_path / "m")
    assert (back.clustering, back.resolution) == ("leiden", 1.5)
    assert np.array_equal(back.transform(texts, embeddings), d.topics_)


def test_resolution_grows_with_the_notes():
    from kvalitativ.discover.submodels import leiden_resolution, slots

    assert leiden_resolution(1.0, 56) == 1.0 and leiden_resolution(2.0, 500) == 2.0
    assert leiden_resolution(1.0, 4189) == pytest.approx(4.189) and leiden_resolution(0.5, 20_000) == 10.0
    d = Discoverer(clustering="leiden", resolution=1.0)
    assert slots(d, 3000, 64)[1].resolution == pytest.approx(3.0)
    assert slots(d, 3000, 64, min_topic_size=4)[1].min_cluster_size == 4
    # stability refits on a share of the notes keep the model's resolution (as fine a cut)
    assert slots(d, 2400, 64, resolution_notes=3000)[1].resolution == pytest.approx(3.0)


def test_a_model_saved_before_the_option_loads_as_hdbscan(corpus, embeddings):
    texts, _ = corpus
    d = Discoverer(clustering="hdbscan", min_topic_size=8, n_neighbors=10, reducer="pca").fit(texts, embeddings)
    parts = d.to_parts()
    del parts["meta"]["params"]["clustering"], parts["meta"]["params"]["resolution"]
    assert Discoverer.from_parts(parts).clustering == "hdbscan"


def _expanded_graph(edges, weights, counts):
    """The graph with every copy its own node: each copy of u joined to each copy of v (w_uv), copies
    of one note pairwise (1)."""
    node = np.repeat(np.arange(len(counts)), counts)
    out_e, out_w = [], []
    for (u, v), w in zip(edges.tolist(), weights.tolist()):
        for a in np.flatnonzero(node == u):
            out_e += [(a, b) for b in np.flatnonzero(node == v)]
            out_w += [w] * int(counts[v])
    for u in range(len(counts)):
        cp = np.flatnonzero(node == u)
        out_e += [(cp[i], cp[j]) for i in range(len(cp)) for j in range(i + 1, len(cp))]
        out_w += [1.0] * (len(cp) * (len(cp) - 1) // 2)
    return node, out_e, out_w


@pytest.mark.parametrize("k", [15, 30])  # 30: Leiden's default since the graph comparison
def test_groups_of_identical_notes_smaller_than_the_neighbours_stay_apart(k):
    X, _ = blobs(n_per=40, k=5)
    rng = np.random.default_rng(7)
    for k_groups in (2, 3):  # groups alone (the graph has only k_groups distinct notes)
        groups = np.repeat(X[[0, 40, 80][:k_groups]], 12, axis=0)
        labels = LeidenClusterer(n_neighbors=k).fit(groups).labels_
        assert adjusted_rand_score(np.repeat(np.arange(k_groups), 12), labels) == 1.0
    # two groups of copies of random far-off notes, amid clear clusters
    far = rng.normal(size=(2, X.shape[1])).astype(np.float32)
    far /= np.linalg.norm(far, axis=1, keepdims=True)
    Y = np.vstack([X, np.repeat(far, 12, axis=0)])
    labels = LeidenClusterer(n_neighbors=k, min_cluster_size=5).fit(Y).labels_
    a, b = labels[200:212], labels[212:]
    assert len(set(a)) == 1 and len(set(b)) == 1 and a[0] != b[0]
    assert not set(a) & set(labels[:200]) and not set(b) & set(labels[:200])


def test_copies_share_a_topic_and_a_corpus_without_copies_gives_umaps_graph():
    from umap.umap_ import fuzzy_simplicial_set

    from kvalitativ.discover.exact_umap import exact_cosine_knn
    from kvalitativ.discover.fuzzy_graph import distinct_rows

    X, y = blobs(n_per=30, k=4, spread=0.8, seed=3)
    rng = np.random.default_rng(0)
    rows = rng.integers(0, len(X), size=60)  # 60 copies of notes already there
    Y = np.vstack([X, X[rows]])
    labels = LeidenClusterer(n_neighbors=10, random_state=1).fit(Y).labels_
    assert np.array_equal(labels[len(X):], labels[rows])
    first, node_of, counts = distinct_rows(Y)
    assert np.array_equal(first, np.arange(len(X))) and counts.sum() == len(Y) and np.array_equal(Y[first][node_of], Y)
    # no copies: UMAP's own fuzzy graph, weight for weight
    idx, dist = exact_cosine_knn(X, 10)
    g = fuzzy_simplicial_set(X, 10, 0, "cosine", knn_indices=idx, knn_dists=dist)[0].tocoo()
    up = g.row < g.col
    order = np.lexsort((g.col[up], g.row[up]))
    edges, weights = neighbour_graph(X, 10)
    assert np.array_equal(edges, np.column_stack([g.row[up], g.col[up]])[order])
    assert np.array_equal(weights, g.data[up][order].astype(np.float64))


def test_collapsed_copies_have_the_expanded_graphs_modularity():
    import igraph as ig
    import leidenalg as la

    from kvalitativ.discover.fuzzy_graph import collapsed_graph

    counts = np.array([1, 3, 1, 2, 1, 4])
    edges = np.array([[0, 1], [0, 2], [1, 2], [1, 3], [2, 4], [3, 5], [4, 5], [0, 5]])
    weights = np.random.default_rng(3).uniform(0.1, 1.0, len(edges))
    ce, cw = collapsed_graph(edges, weights, counts)
    node, ee, ew = _expanded_graph(edges, weights, counts)
    for memb in ([0, 0, 1, 1, 2, 2], [0, 1, 0, 1, 0, 1], [0] * 6):
        for gamma in (0.5, 1.0, 2.0):
            q = la.RBConfigurationVertexPartition(ig.Graph(n=6, edges=ce.tolist()), initial_membership=memb,
                                                  weights=cw.tolist(), resolution_parameter=gamma).quality()
            q_exp = la.RBConfigurationVertexPartition(ig.Graph(n=len(node), edges=ee), weights=ew,
                                                      initial_membership=[memb[u] for u in node],
                                                      resolution_parameter=gamma).quality()
            assert q == pytest.approx(q_exp, rel=1e-9, abs=1e-9)


def test_merge_small_counts_copies():
    labels = np.array([0, 0, 1, 2])
    edges = np.array([[0, 1], [1, 2], [2, 3]])
    weights = np.array([1.0, 0.5, 0.2])
    # node 2 holds 6 copies: community 1 is 6 notes, not 1
    out = merge_small(labels, edges, weights, 3, sizes=np.array([1, 1, 6, 1]))
    assert out[2] == 1 and out[3] == 1 and out[0] == out[1] == 1
    assert len(set(merge_small(labels, edges, weights, 3).tolist())) == 1


def test_the_last_graph_is_reused_only_inside_reused_graphs_and_not_shared(monkeypatch):
    from kvalitativ.discover import fuzzy_graph

    built = []
    real = fuzzy_graph._build_graph
    monkeypatch.setattr(fuzzy_graph, "_build_graph", lambda *a: built.append(a[1]) or real(*a))
    X, _ = blobs(n_per=20, k=3)
    neighbour_graph(X, 5)
    neighbour_graph(X, 5)
    assert built == [5, 5] and fuzzy_graph._LAST is None  # outside: nothing kept
    with fuzzy_graph.reused_graphs():
        e1, w1 = neighbour_graph(X, 5)
        w1[:] = -1.0  # the caller's copy: the kept graph is untouched
        e2, w2 = neighbour_graph(X, 5)
        assert (w2 > 0).all() and np.array_equal(e1, e2) and built == [5, 5, 5]
        neighbour_graph(X, 6)  # another key: built anew, the only one kept
        neighbour_graph(X[::-1], 6)  # other vectors: built anew
        assert built == [5, 5, 5, 6, 6] and len(fuzzy_graph._LAST) == 1
    assert fuzzy_graph._LAST is None