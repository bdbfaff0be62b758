"""Mapping topics to the codebook: nearest theme, similarity, emergent themes."""

from __future__ import annotations

import numpy as np
import pandas as pd
import pytest

from kvalitativ.codebook import codebook_from_dict
from kvalitativ.discover import Discoverer, map_to_codebook

CODEBOOK = {
    "name": "test", "version": "1",
    "themes": [
        {"id": "fremmoede", "label": "Fremmøde", "definition": "Fravær og fremmøde i skolen.",
         "keywords": ["fravær", "fremmøde", "pjække", "kommer for sent"]},
        {"id": "trivsel", "label": "Trivsel", "definition": "Trivsel, venner og fællesskab.",
         "keywords": ["trives", "venner", "ensom", "fællesskab"]},
        {"id": "soevn", "label": "Søvn", "definition": "Søvn og træthed.",
         "examples": {"concern": ["Han sover for lidt og er træt."]}, "keywords": ["søvn", "træt", "sove"]},
    ],
}


@pytest.fixture(scope="module")
def fitted(corpus, embeddings, tfidf_embedder):
    return Discoverer(embedder=tfidf_embedder, min_topic_size=8, reducer="pca", outlier_target=0.0).fit(
        corpus[0], embeddings)


def test_topics_map_to_their_theme_and_the_missing_one_is_emergent(fitted):
    table = map_to_codebook(fitted, codebook_from_dict(CODEBOOK))
    assert len(table) == len(fitted.topic_ids_)
    by_word = {}
    for row in table.itertuples():
        kws = fitted.topic_info_.set_index("topic_id").loc[row.topic_id, "keywords"]
        for word in ("søvn", "fremmøde", "fællesskab", "bæredygtighed"):
            if word in kws:
                by_word[word] = row
    assert by_word["søvn"].theme_id == "soevn" and not by_word["søvn"].is_emergent
    assert by_word["fremmøde"].theme_id == "fremmoede" and not by_word["fremmøde"].is_emergent
    assert by_word["fællesskab"].theme_id == "trivsel" and not by_word["fællesskab"].is_emergent
    assert by_word["bæredygtighed"].is_emergent  # the codebook has no place for it
    assert by_word["bæredygtighed"].similarity < by_word["søvn"].similarity
    assert "centred cosine" in table.attrs["rule"]


def test_threshold_and_plain_dict_codebook(fitted):
    table = map_to_codebook(fitted, CODEBOOK, threshold=-1.0)
    assert not table.is_emergent.any()


def test_a_codebook_by_path_or_name_is_loaded_not_read_letter_by_letter(fitted, tmp_path):
    """A trial: map_to_codebook(d, "youth_en.yaml") made 18 one-letter themes and every topic emergent."""
    import yaml

    path = tmp_path / "test.yaml"
    path.write_text(yaml.safe_dump(CODEBOOK, allow_unicode=True), encoding="utf-8")
    by_path = map_to_codebook(fitted, str(path))
    pd.testing.assert_frame_equal(by_path, map_to_codebook(fitted, codebook_from_dict(CODEBOOK)))
    assert set(by_path["theme_id"]) <= {"fremmoede", "trivsel", "soevn"}


class _Embedder:
    """Texts to fixed vectors: a codebook whose themes sit where the test puts them."""

    def __init__(self, table):
        self.table = table

    def encode(self, texts):
        return np.vstack([self.table[t] for t in texts])


def _stub_discoverer(notes, topics, embedder):
    """The fitted attributes the mapping reads, for notes on a scale the test controls."""
    from kvalitativ.discover.representatives import centroids, normalise

    ids = sorted(set(topics.tolist()))
    d = Discoverer(embedder=embedder)
    d._check_fitted = lambda: None
    d._emb = normalise(notes)
    d.topic_ids_ = np.asarray(ids)
    d.centroids_ = centroids(notes, topics, ids)
    d.mean_embedding_ = normalise(d._emb.mean(axis=0))[0]
    d.topic_info_ = pd.DataFrame({"topic_id": ids, "label": [f"t{t}" for t in ids],
                                  "size": [int((topics == t).sum()) for t in ids]})
    return d


@pytest.fixture
def few_directions():
    """Notes in four directions only (like a static embedder's narrow, high centred cosines): any
    group of notes leans towards one of the themes. Topic 0 is about theme A; topic 1 (logistics) is
    a mix that is as near theme B as random groups get, above the fixed 0.15 all the same."""
    rng = np.random.default_rng(0)
    basis = np.eye(6)[:4]
    n = 400
    notes = rng.normal(size=(n, 4)) @ basis + 0.05 * rng.normal(size=(n, 6))
    topics = np.full(n, 2)
    notes[:40] = basis[0] + 0.3 * rng.normal(size=(40, 6))  # clearly theme A
    topics[:40] = 0
    notes[40:80] = 0.8 * basis[2] + 0.6 * basis[3] + 0.5 * rng.normal(size=(40, 6))  # no theme's own direction
    topics[40:80] = 1
    themes = {"A": basis[0], "B": basis[1] + 0.6 * basis[2], "C": -basis[0] + 0.2 * basis[3]}
    codebook = {"name": "x", "version": "1", "themes": [{"id": k, "label": k} for k in themes]}
    return _stub_discoverer(notes, topics, _Embedder(themes)), codebook


def test_calibrated_threshold_flags_what_random_groups_also_reach(few_directions):
    """The fixed 0.15 (set for e5) mapped a themeless topic to a theme on a scale where every
    group of notes is that near some theme; the null of random groups of its size flags it."""
    d, codebook = few_directions
    fixed = map_to_codebook(d, codebook, threshold=0.15).set_index("topic_id")
    auto = map_to_codebook(d, codebook).set_index("topic_id")
    assert not fixed.loc[1, "is_emergent"] and fixed.loc[1, "similarity"] > 0.15
    assert auto.loc[1, "is_emergent"] and auto.loc[1, "similarity"] < auto.loc[1, "threshold"]
    assert auto.loc[0, "theme_id"] == "A" and not auto.loc[0, "is_emergent"]
    assert auto.loc[1, "threshold"] > 0.15  # the scale of these vectors, not e5's
    assert auto.attrs["threshold"] == "auto" and "random groups" in auto.attrs["rule"]
    assert (fixed.threshold == 0.15).all() and "set by the user" in fixed.attrs["rule"]


def test_calibrated_threshold_is_seeded_and_per_topic_size(few_directions):
    d, codebook = few_directions
    a = map_to_codebook(d, codebook, random_state=3)
    b = map_to_codebook(d, codebook, random_state=3)
    assert a.threshold.tolist() == b.threshold.tolist()
    sizes = a.groupby("size").threshold.nunique()
    assert (sizes == 1).all()  # one threshold per topic size


def test_calibrated_threshold_needs_the_notes_of_a_model_without_them(few_directions):
    from kvalitativ.errors import ConfigError

    d, codebook = few_directions
    notes = d._emb
    d._emb = None
    with pytest.raises(ConfigError, match="embeddings="):
        map_to_codebook(d, codebook)
    assert map_to_codebook(d, codebook, embeddings=notes).threshold.notna().all()


def test_null_of_random_groups_on_a_known_case():
    """Notes spread evenly over the themes' own directions: random groups reach them only by chance."""
    from kvalitativ.discover.mapping import null_thresholds

    rng = np.random.default_rng(1)
    notes = rng.normal(size=(2000, 50))
    themes = np.eye(50)[:3]
    limits = null_thresholds(notes, [10, 100], np.zeros(50), themes, random_state=0)
    assert set(limits) == {10, 100}
    # a random direction in 50 dimensions has cosine sd about 1/sqrt(50) = 0.14 with a theme
    assert all(0.1 < v < 0.5 for v in limits.values())


def test_the_threshold_by_embedder_and_by_the_user():
    """Unset: 0.15 where it was set (e5), calibrated (None) for every other embedder; "auto" calibrates
    for e5 too; a number is kept; anything else is a one-line error."""
    from kvalitativ.config import RunConfig, validate
    from kvalitativ.discover.mapping import emergent_threshold_for
    from kvalitativ.errors import ConfigError

    assert emergent_threshold_for(None, "e5") == 0.15
    assert emergent_threshold_for(None, "static") is None and emergent_threshold_for(None, "tfidf") is None
    assert emergent_threshold_for("auto", "e5") is None and emergent_threshold_for(0.2, "static") == 0.2
    with pytest.raises(ConfigError, match="auto"):
        emergent_threshold_for("high", "e5")
    config = RunConfig()
    config.discover.emergent_threshold = "high"
    with pytest.raises(ConfigError, match="emergent_threshold"):
        validate(config)
