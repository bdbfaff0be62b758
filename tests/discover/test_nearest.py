"""Assigning notes by the vote of their nearest fitted notes (``assignment="knn"``) or by centroid."""

from __future__ import annotations

import warnings

import cloudpickle
import numpy as np
import pytest

from kvalitativ.discover import Discoverer
from kvalitativ.discover.nearest import centroid_topics, knn_topics
from kvalitativ.discover.representatives import centroids, normalise
from kvalitativ.discover.sampled import assignable
from kvalitativ.errors import ConfigError, InputError


def _unit(angles_deg):
    a = np.radians(np.asarray(angles_deg, dtype=float))
    return np.column_stack([np.cos(a), np.sin(a)]).astype(np.float32)


def _arc_and_blob():
    """Topic 0: a long arc of notes from 0° to 100°; topic 1: a tight blob at 130°. A note at 106°
    lies beside the arc's end but nearer the blob's centroid than the arc's (at 50°)."""
    arc, blob = _unit(np.linspace(0, 100, 41)), _unit(np.linspace(127, 133, 15))
    fitted = np.vstack([arc, blob])
    topics = np.r_[np.zeros(len(arc), int), np.ones(len(blob), int)]
    return fitted, topics, _unit([106.0])


def test_vote_follows_the_topic_shape_where_the_centroid_does_not():
    fitted, topics, new = _arc_and_blob()
    cents = centroids(fitted, topics, [0, 1])
    assert centroid_topics(new, cents, np.array([0, 1]))[0].tolist() == [1]
    assert knn_topics(new, fitted, topics, np.array([0, 1]), k=5).tolist() == [0]


def test_weights_are_similarities_not_counts():
    # 3 far notes of topic 0 against 2 near notes of topic 1: counts say 0, similarities say 1
    fitted = _unit([0.0, 1.0, 80.0, 85.0, 95.0])
    topics = np.array([1, 1, 0, 0, 0])
    new = _unit([0.5])
    assert knn_topics(new, fitted, topics, np.array([0, 1]), k=5).tolist() == [1]


def test_ties_go_to_the_topic_with_the_nearest_note_then_the_lower_id():
    # equal totals (two notes each at mirrored angles): exact mirror -> lower id; otherwise nearest note
    fitted = _unit([10.0, -10.0, 30.0, -30.0])
    new = _unit([0.0])
    assert knn_topics(new, fitted, np.array([3, 5, 3, 5]), np.array([3, 5]), k=4).tolist() == [3]
    assert knn_topics(new, fitted, np.array([5, 3, 5, 3]), np.array([3, 5]), k=4).tolist() == [3]
    # totals tied within the tolerance, topic 5 holds the nearest note
    fitted = _unit([9.0, -11.0])
    sims = (fitted @ new.T).ravel()
    assert abs(sims[0] - sims[1]) > 1e-4  # not the same, so the nearest is 9°
    assert knn_topics(new, fitted, np.array([5, 3]), np.array([3, 5]), k=1).tolist() == [5]


def test_outliers_do_not_vote_and_all_negative_neighbours_take_the_nearest():
    fitted = _unit([0.0, 1.0, 2.0, 90.0])
    topics = np.array([-1, -1, -1, 4])
    assert knn_topics(_unit([0.5]), fitted, topics, np.array([4]), k=3).tolist() == [4]
    fitted = _unit([170.0, 120.0, 100.0])  # every cosine to 0° is negative
    assert knn_topics(_unit([0.0]), fitted, np.array([1, 1, 0]), np.array([0, 1]), k=3).tolist() == [0]


def _arc_discoverer(assignment="knn"):
    fitted, topics, new = _arc_and_blob()
    texts = [f"bue note {i} ord{i % 5}" if t == 0 else f"klat note {i} tekst{i % 3}" for i, t in enumerate(topics)]
    # the vectors alone make the graph (the texts are only names here, their words no topic)
    d = Discoverer(min_topic_size=5, reducer="pca", diversity=0.0, n_neighbors=5, assignment=assignment,
                   lexical_share=0.0)
    d.fit(texts, np.c_[fitted, np.zeros((len(fitted), 1), np.float32)])
    return d, np.c_[new, np.zeros((1, 1), np.float32)]


def test_discoverer_assign_votes_and_scores_by_centroid():
    d, _ = _arc_discoverer()
    new = np.c_[_unit(np.arange(0, 180, 2.0)), np.zeros((90, 1), np.float32)]
    texts = ["ny note"] * len(new)
    knn = d.assign(texts, embeddings=new)
    centroid = d.set_params(assignment="centroid").assign(texts, embeddings=new)
    unit = normalise(new)
    expect_knn = knn_topics(unit, d.fit_vectors_, d.topics_, d.topic_ids_, d.n_neighbors)
    np.testing.assert_array_equal(knn.topic_id, expect_knn)
    np.testing.assert_array_equal(centroid.topic_id, centroid_topics(unit, d.centroids_, d.topic_ids_)[0])
    assert (knn.topic_id != centroid.topic_id).any()  # the two rules differ on these notes
    rows = np.searchsorted(d.topic_ids_, knn.topic_id)
    np.testing.assert_allclose(knn.score, np.einsum("ij,ij->i", unit, d.centroids_[rows]), rtol=1e-5)
    # the light copy shipped to workers assigns the same
    light = assignable(d.set_params(assignment="knn"))
    assert light._emb is None and light.model_ is None and light.fit_vectors_.dtype == np.float16
    np.testing.assert_array_equal(light.assign(texts, embeddings=new).topic_id, knn.topic_id)
    # as the Dask engine ships it (serialised to the workers): the vote survives, at 2 bytes a value
    shipped = cloudpickle.loads(cloudpickle.dumps(light))
    np.testing.assert_array_equal(shipped.assign(texts, embeddings=new).topic_id, knn.topic_id)
    assert shipped.fit_vectors_.nbytes == len(d.topics_) * new.shape[1] * 2


def test_unknown_assignment_is_refused():
    with pytest.raises(ConfigError, match="assignment"):
        _arc_discoverer("nearest")


def test_old_model_without_vectors_loads_warns_and_assigns_by_centroid(tmp_path):
    d, new = _arc_discoverer()
    d.save(tmp_path / "m")
    loaded = Discoverer.load(tmp_path / "m")
    np.testing.assert_array_equal(loaded.fit_vectors_, d.fit_vectors_)
    assert loaded.assign(["x"], embeddings=new).topic_id.tolist() == d.assign(["x"], embeddings=new).topic_id.tolist()
    (tmp_path / "m" / "fit_vectors.npy").unlink()  # as a model saved before the file existed
    with warnings.catch_warnings():
        warnings.simplefilter("error")  # loading is quiet: only asking it to vote warns
        old = Discoverer.load(tmp_path / "m")
    assert old.fit_vectors_ is None and old.assignment == "knn"
    by_centroid = d.set_params(assignment="centroid").assign(["x"], embeddings=new)
    with pytest.warns(UserWarning, match="nearest topic centroid"):
        got = old.assign(["x"], embeddings=new)
    assert got.topic_id.tolist() == by_centroid.topic_id.tolist()
    assert got.score.tolist() == pytest.approx(by_centroid.score.tolist())


def test_damaged_vectors_file_is_refused(tmp_path):
    d, _ = _arc_discoverer()
    d.save(tmp_path / "m")
    np.save(tmp_path / "m" / "fit_vectors.npy", np.zeros((3, 3), np.float16))
    with warnings.catch_warnings(), pytest.raises(InputError, match="damaged"):
        Discoverer.load(tmp_path / "m")


def test_config_names_the_rule_and_refuses_others():
    from kvalitativ.config import config_from_dict

    assert config_from_dict({"discover": {"assignment": "knn"}}).discover.assignment == "knn"
    with pytest.raises(ConfigError, match="discover.assignment"):
        config_from_dict({"discover": {"assignment": "nearest"}})


def test_neighbours_default_follows_the_clustering():
    from kvalitativ.discover.submodels import neighbours_of

    assert neighbours_of(Discoverer()) == 30  # leiden (the default): chosen by the graph rule
    assert neighbours_of(Discoverer(clustering="hdbscan")) == 15  # UMAP's default
    assert neighbours_of(Discoverer(n_neighbors=7, clustering="hdbscan")) == 7


def test_centroid_model_keeps_no_per_note_vectors(tmp_path):
    """Only the vote needs the fitted notes' vectors: the default rule neither saves them nor
    ships them to workers (less derived from the notes leaves the run)."""
    d, new = _arc_discoverer()
    d.set_params(assignment="centroid").save(tmp_path / "c")
    assert not (tmp_path / "c" / "fit_vectors.npy").exists()
    assert assignable(d).fit_vectors_ is None
    with warnings.catch_warnings():
        warnings.simplefilter("error")
        loaded = Discoverer.load(tmp_path / "c")
        assert loaded.assign(["x"], embeddings=new).topic_id.tolist() == d.assign(["x"], embeddings=new).topic_id.tolist()
    d.set_params(assignment="knn").save(tmp_path / "k")
    assert (tmp_path / "k" / "fit_vectors.npy").exists()
