"""The TF-IDF + SVD embedder: deterministic, normalised, similar texts close."""

from __future__ import annotations

import numpy as np

from kvalitativ.embed import get_embedder

TEXTS = ["Eleven er meget motiveret for skolen.", "Eleven er motiveret.", "Han har et højt fravær.",
         "Fraværet er højt.", "Hun bliver mobbet.", "De andre mobber hende."]


def test_deterministic_and_normalised():
    a = get_embedder("tfidf", dim=4, random_state=1).fit(TEXTS)
    b = get_embedder("tfidf", dim=4, random_state=1).fit(TEXTS)
    va, vb = a.encode(TEXTS), b.encode(TEXTS)
    np.testing.assert_array_equal(va, vb)
    assert va.dtype == np.float32 and va.shape == (6, a.dim)
    np.testing.assert_allclose(np.linalg.norm(va, axis=1), 1, atol=1e-5)
    assert a.version == b.version and "unfitted" not in a.version


def test_similar_texts_are_closer():
    e = get_embedder("tfidf", dim=5).fit(TEXTS)
    v = e.encode(TEXTS)
    sims = v @ v.T
    assert sims[0, 1] > sims[0, 4]
    assert sims[2, 3] > sims[2, 5]
