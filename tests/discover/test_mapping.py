"""Mapping topics to the codebook: nearest theme, similarity, emergent themes."""

from __future__ import annotations

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
