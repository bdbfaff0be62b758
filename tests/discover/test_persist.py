"""Save and load without pickle; transform on a loaded model equals the original."""

from __future__ import annotations

import json

import numpy as np
import pytest

from kvalitativ.discover import Discoverer
from kvalitativ.errors import ConfigError, InputError

NEW_NOTES = [
    "Drengen sover dårligt og er træt om morgenen.",
    "Klassen taler om genbrug, klima og bæredygtighed.",
    "Hun har mange venner på årgangen og trives.",
    "Fraværet er højt, han kommer for sent.",
]


@pytest.fixture(scope="module")
def saved(tmp_path_factory, corpus, embeddings, tfidf_embedder):
    d = Discoverer(embedder=tfidf_embedder, min_topic_size=8, reducer="pca", outlier_target=0.0).fit(
        corpus[0], embeddings)
    d.rename_topics({0: "Mit navn"})
    path = tmp_path_factory.mktemp("models") / "topics"
    d.save(path)
    return d, path


def test_no_pickle_on_disk(saved):
    _, path = saved
    files = [p for p in path.rglob("*") if p.is_file()]
    assert files
    assert {p.suffix for p in files} <= {".json", ".npy", ".parquet", ".safetensors"}
    for p in path.rglob("*.npy"):
        np.load(p, allow_pickle=False)


def test_save_load_transform_equals(saved, tfidf_embedder):
    d, path = saved
    loaded = Discoverer.load(path, embedder=tfidf_embedder)
    before, after = d.assign(NEW_NOTES), loaded.assign(NEW_NOTES)
    np.testing.assert_array_equal(before.topic_id, after.topic_id)
    np.testing.assert_allclose(before.score, after.score, rtol=1e-6)
    assert list(before.label) == list(after.label)
    np.testing.assert_array_equal(loaded.topics_, d.topics_)
    assert loaded.topic_info_[["topic_id", "label", "size"]].equals(d.topic_info_[["topic_id", "label", "size"]])
    assert list(loaded.topic_info_.keywords) == list(d.topic_info_.keywords)
    assert loaded.curation_ == d.curation_
    assert loaded.get_params()["min_topic_size"] == 8
    # BERTopic itself was saved with safetensors and keeps its Danish vocabulary
    assert "søvn" in loaded.model_.vectorizer_model.vocabulary_
    assert loaded.model_.vectorizer_model.analyzer("Søvnen er dårlig") == ["søvn", "dårlig", "søvn dårlig"]


def test_loaded_model_with_precomputed_embeddings(saved, tfidf_embedder):
    d, path = saved
    loaded = Discoverer.load(path)  # no embedder: pass vectors
    vecs = tfidf_embedder.encode(NEW_NOTES)
    np.testing.assert_array_equal(loaded.transform(NEW_NOTES, vecs), d.transform(NEW_NOTES))
    with pytest.raises(ConfigError, match="embedder"):
        loaded.transform(NEW_NOTES)


def test_refit_from_loaded_model_keeps_curation(saved, corpus, embeddings, tfidf_embedder):
    _, path = saved
    loaded = Discoverer.load(path, embedder=tfidf_embedder)
    again = loaded.refit(corpus[0], embeddings)
    assert "Mit navn" in set(again.topic_info_.label)


def test_newer_format_is_refused_with_a_clear_message(saved, tmp_path):
    import shutil

    _, path = saved
    copy = tmp_path / "future"
    shutil.copytree(path, copy)
    meta = json.loads((copy / "discoverer.json").read_text(encoding="utf-8"))
    meta["format_version"] = 99
    (copy / "discoverer.json").write_text(json.dumps(meta), encoding="utf-8")
    with pytest.raises(InputError, match="upgrade kvalitativ"):
        Discoverer.load(copy)
    with pytest.raises(InputError, match="not a saved discoverer"):
        Discoverer.load(tmp_path)


def test_other_embedder_is_refused(saved):
    from kvalitativ.embed import get_embedder

    _, path = saved
    other = get_embedder("tfidf", dim=16, progress=False)
    other.fit(["helt andre tekster", "om noget andet"])
    with pytest.raises(ConfigError, match="fitted with embedder"):
        Discoverer.load(path, embedder=other)


def test_saved_parameters_name_the_neighbours_fitted_with_and_format_2(saved, tmp_path):
    """The saved n_neighbors is the number the model used (its default None would follow a later
    default); the format is 2, which a format-1 reader refuses with its upgrade message."""
    from kvalitativ.discover.persist import FORMAT_VERSION
    from kvalitativ.discover.submodels import DEFAULT_NEIGHBORS

    d, path = saved
    meta = json.loads((path / "discoverer.json").read_text(encoding="utf-8"))
    assert d.n_neighbors is None and meta["params"]["n_neighbors"] == DEFAULT_NEIGHBORS[d.clustering]
    assert meta["format_version"] == FORMAT_VERSION == 2
    assert Discoverer.load(path).n_neighbors == DEFAULT_NEIGHBORS[d.clustering]


def test_static_model_from_before_the_common_component_says_refit(corpus, tmp_path):
    """A model fitted with the static embedder before it removed its common component cannot
    take today's vectors; the error says why and what to do."""
    from kvalitativ.embed.static import StaticEmbedder

    texts = corpus[0]
    old = StaticEmbedder(common_components=0)
    d = Discoverer(embedder=old, min_topic_size=8, reducer="pca", outlier_target=0.0).fit(texts, old.encode(texts))
    d.save(tmp_path / "m")
    Discoverer.load(tmp_path / "m", embedder=old)  # the same embedder loads
    with pytest.raises(ConfigError, match="common component.*refit"):
        Discoverer.load(tmp_path / "m", embedder=StaticEmbedder())


def test_a_model_saved_before_the_words_were_in_the_graph_reloads_without_them(saved):
    """A saved model without lexical_share (saved before the option) was fitted on the vectors
    alone: it reloads with share 0, not with today's default (None = 0.1 with Leiden)."""
    from kvalitativ.discover.persist import load_parts

    d, path = saved
    parts = load_parts(path)
    parts["meta"]["params"].pop("lexical_share", None)
    assert Discoverer.from_parts(parts).lexical_share == 0.0
