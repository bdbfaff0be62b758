"""The discoverer on a tiny Danish corpus (TF-IDF embedder; PCA reducer where UMAP is not the point)."""

from __future__ import annotations

import json

import numpy as np
import pytest
from sklearn.metrics import adjusted_rand_score

from kvalitativ.discover import Discoverer
from kvalitativ.discover.labels import topic_labels
from kvalitativ.text.stems import phrase_stems
from kvalitativ.errors import ConfigError, InputError


def fit_pca(texts, emb, embedder, **kw):
    params = dict(embedder=embedder, min_topic_size=8, reducer="pca", outlier_target=0.0, random_state=0)
    params.update(kw)
    return Discoverer(**params).fit(texts, emb)


def topic_with(d, word):
    for t, kws in zip(d.topic_info_.topic_id, d.topic_info_.keywords):
        if word in kws:
            return int(t)
    raise AssertionError(f"no topic has keyword {word!r}: {list(d.topic_info_.keywords)}")


@pytest.fixture(scope="module")
def fitted(corpus, embeddings, tfidf_embedder):
    return fit_pca(corpus[0], embeddings, tfidf_embedder)


@pytest.fixture(scope="module")
def umap_twice(corpus, embeddings, tfidf_embedder):
    """Two UMAP fits with the same seed (UMAP compiles once per process: share this fixture)."""
    texts = corpus[0]
    return [Discoverer(embedder=tfidf_embedder, min_topic_size=8, n_neighbors=10, random_state=7,
                       outlier_target=0.1).fit(texts, embeddings) for _ in range(2)]


def test_same_seed_twice_gives_identical_topics_and_assignments(umap_twice, corpus):
    a, b = umap_twice
    np.testing.assert_array_equal(a.topics_, b.topics_)
    np.testing.assert_array_equal(a.scores_, b.scores_)
    assert a.topic_info_[["topic_id", "label", "size"]].equals(b.topic_info_[["topic_id", "label", "size"]])
    assert list(a.topic_info_.keywords) == list(b.topic_info_.keywords)
    assert adjusted_rand_score(corpus[1], a.topics_) > 0.8


def test_recovers_the_four_themes(fitted, corpus):
    assert len(fitted.topic_ids_) == 4
    assert adjusted_rand_score(corpus[1], fitted.topics_) > 0.9


def test_topic_words_keep_danish_letters(fitted):
    words = {w for kws in fitted.topic_info_.keywords for w in kws}
    assert {"søvn", "fremmøde", "bæredygtighed"} <= words
    assert any("å" in w for w in words), words
    joined = " ".join(words)
    assert "sgn" not in joined and "fremmde" not in joined  # what the English mode would leave


def test_topic_info_is_readable(fitted, corpus):
    info = fitted.topic_info_
    assert list(info.columns[:3]) == ["topic_id", "label", "auto_label"]
    assert info["size"].sum() == len(corpus[0])
    labels = topic_labels(dict(zip(info.topic_id, info.keywords)), dict(zip(info.topic_id, info["size"])))
    stems = [phrase_stems(w) for lab in info.label for w in lab.split(", ")]
    assert len(set().union(*stems)) == sum(len(s) for s in stems)  # no stem in two topics' labels
    for row in info.itertuples():
        assert row.label == labels[row.topic_id] and row.label.split(", ")[0] in row.keywords
        assert 1 <= len(row.keywords) <= 10
        assert len(row.representative_docs) == 8
        assert len(set(row.representative_docs)) == 8
        assert all(fitted.topics_[i] == row.topic_id for i in row.representative_docs)
        # the first pick is the most central note of the topic
        members = np.flatnonzero(fitted.topics_ == row.topic_id)
        assert row.representative_docs[0] == members[np.argmax(fitted.scores_[members])]
    terms = fitted.topic_terms_
    assert set(terms.columns) == {"topic_id", "rank", "term", "weight"}


def test_representatives_are_diverse_not_just_central():
    from kvalitativ.discover.representatives import mmr_select, normalise

    vecs = normalise(np.array([[1, 0, 0], [0.999, 0.045, 0], [0.8, 0, 0.6]]))  # 1 is a near-copy of 0
    centre = np.array([1.0, 0, 0])
    assert mmr_select(vecs, centre, 2, diversity=0.0) == [0, 1]
    assert mmr_select(vecs, centre, 2, diversity=0.6) == [0, 2]


def test_outlier_reduction_meets_target_and_updates_representations(noisy_corpus, tfidf_embedder):
    texts, labels = noisy_corpus
    emb = tfidf_embedder.encode(texts)
    # min_df=1: the words of a single noise note stay in the vocabulary, to see them move
    # HDBSCAN's outliers (Leiden, the default, leaves none)
    loose = fit_pca(texts, emb, tfidf_embedder, min_topic_size=10, outlier_target=None, min_df=1, clustering="hdbscan")
    assert loose.outlier_share_ > 0.15  # HDBSCAN leaves the noise notes out
    for strategy in ("embeddings", "c-tf-idf"):
        d = fit_pca(texts, emb, tfidf_embedder, min_topic_size=10, outlier_target=0.05, outlier_strategy=strategy,
                    min_df=1, clustering="hdbscan")
        assert d.outlier_share_before_ == pytest.approx(loose.outlier_share_)
        assert d.outlier_share_ <= 0.05
        moved = np.flatnonzero((loose.topics_ == -1) & (d.topics_ != -1))
        assert len(moved) > 0
        # BERTopic's own state follows the new assignment: sizes and c-TF-IDF rows
        m = d.model_
        assert dict(m.topic_sizes_) == dict(zip(*np.unique(d.topics_, return_counts=True)))
        assert m.c_tf_idf_.shape[0] == len(set(d.topics_.tolist()))
        # a word found only in a moved note now has weight in its new topic's c-TF-IDF row
        vocab = m.vectorizer_model.vocabulary_
        rows = sorted(set(d.topics_.tolist()))
        found = False
        for i in moved:
            for word in m.vectorizer_model.analyzer(texts[i]):
                if word in vocab and not any(word in m.vectorizer_model.analyzer(t) for t in texts[:56]):
                    found |= m.c_tf_idf_[rows.index(d.topics_[i]), vocab[word]] > 0
        assert found
        assert d.topic_info_["size"].sum() == int((d.topics_ != -1).sum())


def test_transform_assigns_new_notes_to_the_right_topic(fitted):
    new = ["Drengen sover dårligt og er træt om morgenen.", "Klassen taler om genbrug, klima og bæredygtighed."]
    assert list(fitted.transform(new)) == [topic_with(fitted, "søvn"), topic_with(fitted, "bæredygtighed")]
    scores = fitted.assign(new).score
    assert ((scores > 0) & (scores <= 1 + 1e-9)).all()


def test_merge_and_rename_are_recorded_as_json_curation(corpus, embeddings, tfidf_embedder):
    d = fit_pca(corpus[0], embeddings, tfidf_embedder)
    s, f, t = topic_with(d, "søvn"), topic_with(d, "fremmøde"), topic_with(d, "fællesskab")
    d.rename_topics({s: "Søvn og træthed"})
    d.merge_topics([[f, t]])
    assert len(d.topic_ids_) == 3
    assert sorted(d.topic_info_["size"]) == [14, 14, 28]
    assert "Søvn og træthed" in set(d.topic_info_.label)
    merged = int(d.topics_[0])  # note 0 is a fremmøde note
    assert (d.topics_[:28] == merged).all()
    assert [op["op"] for op in d.curation_] == ["rename", "merge"]
    json.loads(json.dumps(d.curation_))  # plain JSON
    with pytest.raises(InputError, match="unknown topic"):
        d.merge_topics([[0, 99]])
    with pytest.raises(InputError, match="empty"):
        d.rename_topics({0: "  "})


def test_curation_is_reapplied_when_refitted_on_next_years_notes(corpus, embeddings, tfidf_embedder):
    from tests.discover.conftest import make_corpus

    d = fit_pca(corpus[0], embeddings, tfidf_embedder)
    d.rename_topics({topic_with(d, "søvn"): "Søvn og træthed"})
    d.merge_topics([[topic_with(d, "fremmøde"), topic_with(d, "fællesskab")]])
    texts2, labels2 = make_corpus(offset=14)
    texts2, labels2 = texts2[::-1], labels2[::-1]  # other notes, other order: other topic ids
    d2 = d.refit(texts2, tfidf_embedder.encode(texts2))
    assert d2.curation_report_["applied"].all()
    labels2 = np.asarray(labels2)
    sleep = d2.topics_[labels2 == "soevn"]
    assert d2.topic_info_.set_index("topic_id").loc[int(np.bincount(sleep).argmax()), "label"] == "Søvn og træthed"
    merged = set(d2.topics_[(labels2 == "fremmoede") | (labels2 == "trivsel")].tolist())
    assert len(merged) == 1 and len(d2.topic_ids_) == 3
    # the new model carries the curation on (anchored to its own topics) for the year after
    assert [op["op"] for op in d2.curation_] == ["rename", "merge"]


def test_unmatched_curation_is_reported_and_carried(corpus, embeddings, tfidf_embedder):
    d = fit_pca(corpus[0], embeddings, tfidf_embedder)
    ghost = {"op": "rename", "topic": 0, "label": "Ingen",
             "context": {"topic_ids": [0], "keywords": [["xyz"]], "centroids": [[1.0, 0.0]]}}
    d2 = Discoverer(**{**d.get_params(), "curation": [ghost]}).fit(corpus[0], embeddings)
    assert not d2.curation_report_["applied"].any()
    assert d2.curation_ == [ghost]
    assert "Ingen" not in set(d2.topic_info_.label)


def test_guided_by_codebook_lemmatises_seed_words(corpus, embeddings, tfidf_embedder):
    codebook = {"themes": [
        {"id": "soevn", "label": "Søvn", "keywords": ["søvnen", "træthed", "sover"]},
        {"id": "fremmoede", "label": "Fremmøde", "keywords": ["fraværet", "pjækker"]},
    ]}
    d = fit_pca(corpus[0], embeddings, tfidf_embedder, seed_topics=codebook)
    assert d.seed_topic_list_ == [["søvn", "træthed", "sove"], ["fremmøde", "fravær", "pjække"]]
    assert d.model_.seed_topic_list == d.seed_topic_list_
    with pytest.raises(ConfigError, match="embedder"):
        Discoverer(min_topic_size=8, reducer="pca", seed_topics=codebook).fit(corpus[0], embeddings)


def test_keywords_need_min_df_notes(fitted, corpus):
    from kvalitativ.text.lemmas import DanishAnalyzer

    analyzer = DanishAnalyzer(ngram_range=(1, 2))
    for word in fitted.topic_terms_.term:
        assert sum(word in analyzer(t) for t in corpus[0]) >= 3


def test_clear_errors(corpus, embeddings):
    with pytest.raises(InputError, match="too few"):
        Discoverer(min_topic_size=50).fit(corpus[0][:20], embeddings[:20])
    with pytest.raises(ConfigError, match="embedder"):
        Discoverer(min_topic_size=8).fit(corpus[0])
    with pytest.raises(InputError, match="shape"):
        Discoverer(min_topic_size=8).fit(corpus[0], embeddings[:10])
    with pytest.raises(ConfigError, match="outlier_target"):
        Discoverer(outlier_target=1.5).fit(corpus[0], embeddings)


def test_vocabulary_has_two_words_or_a_clear_error():
    """BERTopic's c-TF-IDF cannot weigh a one-word vocabulary (a TypeError deep in scipy): the
    vocabulary's document frequency is lowered until two words qualify, else the user is told."""
    from kvalitativ.discover.submodels import fit_vocabulary
    from kvalitativ.errors import InputError

    texts = ["fravær i skolen", "fravær hjemme", "drillet af andre", "fodbold med vennerne"]
    words = fit_vocabulary(str.split, texts, min_df=2)  # only "fravær" is in two notes
    assert "fravær" in words and len(words) >= 2
    with pytest.raises(InputError, match="two distinct words"):
        fit_vocabulary(str.split, ["fravær", "fravær", "fravær"], min_df=2)
