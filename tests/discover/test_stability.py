"""Per-topic stability: refits of the clustering step, best-match Jaccard, overall ARI, warnings."""

from __future__ import annotations

import numpy as np
import pandas as pd
import pytest

from kvalitativ.discover.model import Discoverer
from kvalitativ.discover.stability import best_match_jaccard, topic_stability


def test_best_match_jaccard_by_hand():
    ref = np.array([0, 0, 0, 0, 1, 1, 1, 1])
    other = np.array([5, 5, 5, 7, 7, 7, 7, 7])
    # topic 0 = {0,1,2,3}: best is cluster 5 = {0,1,2}: 3 / 4; topic 1 = {4..7}: cluster 7 = {3..7}: 4 / 5
    assert best_match_jaccard(ref, other, [0, 1]) == {0: pytest.approx(0.75), 1: pytest.approx(0.8)}
    assert best_match_jaccard(ref, ref, [0, 1]) == {0: 1.0, 1: 1.0}


@pytest.fixture(scope="module")
def fitted(corpus, embeddings):
    texts, _ = corpus
    return Discoverer(min_topic_size=8, reducer="umap", n_neighbors=10, random_state=0).fit(texts, embeddings)


def test_clear_themes_are_stable(fitted, embeddings):
    st = topic_stability(fitted, None, fitted.topics_, n_seeds=3)
    assert st.n_refits == 4 and st.n_notes == len(fitted.topics_)
    assert list(st.per_topic.topic_id) == list(fitted.topic_ids_)
    assert st.per_topic.stability.min() > 0.8 and st.ari > 0.8


@pytest.mark.parametrize("clustering", ["hdbscan", "leiden"])
def test_noise_is_unstable(clustering):
    """Random vectors have no topics: refits on their own draws of the notes disagree, for both
    clusterings (consensus Leiden scored ARI 0.70 when the refits shared one subsample)."""
    from kvalitativ.discover.stability import LOW_ARI

    pytest.importorskip("leidenalg")
    rng = np.random.default_rng(3)
    noise = rng.normal(size=(200, 32)).astype(np.float32)
    d = Discoverer(min_topic_size=8, reducer="umap", n_neighbors=10, random_state=0, clustering=clustering)
    d.fit([f"note {i} tekst ord{i % 7}" for i in range(200)], noise)
    st = topic_stability(d, None, d.topics_, n_seeds=3)
    assert st.ari < LOW_ARI
    assert st.per_topic.stability.mean() < 0.8


def test_clear_themes_are_stable_with_leiden(corpus, embeddings):
    pytest.importorskip("leidenalg")
    texts, _ = corpus
    d = Discoverer(clustering="leiden", min_topic_size=8, n_neighbors=10, random_state=0).fit(texts, embeddings)
    st = topic_stability(d, None, d.topics_, n_seeds=3)
    assert st.per_topic.stability.min() > 0.8 and st.ari > 0.8


def test_each_refit_sees_its_own_draw_of_the_notes(fitted, embeddings):
    from kvalitativ.discover.stability import _refit_on_subset

    rows = np.arange(len(fitted.topics_))
    a, _ = _refit_on_subset(fitted, embeddings, rows, len(rows), 1, 0.8, False, True)
    b, _ = _refit_on_subset(fitted, embeddings, rows, len(rows), 2, 0.8, False, True)
    assert len(a) == len(b) == round(0.8 * len(rows)) and not np.array_equal(a, b)


def test_subsample_is_seeded_and_bounded(fitted, embeddings):
    a = topic_stability(fitted, None, fitted.topics_, n_seeds=2, sample_size=40, random_state=1)
    b = topic_stability(fitted, None, fitted.topics_, n_seeds=2, sample_size=40, random_state=1)
    assert a.n_notes == 40
    pd.testing.assert_frame_equal(a.per_topic, b.per_topic)
    assert a.ari == b.ari


def test_discover_corpus_writes_stability_and_warns(corpus, tfidf_embedder):
    from kvalitativ.config import RunConfig
    from kvalitativ.discover.stage import discover_corpus, discovery_warnings, summary_lines

    texts, _ = corpus
    config = RunConfig()
    config.discover.min_topic_size = 8
    config.discover.stability_seeds = 2
    frame = pd.DataFrame({"note_id": [f"n{i}" for i in range(len(texts))], "person_id": "p", "text": texts})
    cb = {"themes": [{"id": "soevn", "label": "Søvn", "keywords": ["søvn", "træt"]}]}
    result = discover_corpus(frame, config, embedder=tfidf_embedder, codebook=cb, progress=False)
    themes, topic_map = result["tables"]["themes"], result["tables"]["topic_map"]
    assert themes.stability.between(0, 1).all() and topic_map.stability.between(0, 1).all()
    lines = summary_lines(result)
    assert any(line.startswith("Stability: ARI") for line in lines)
    assert discovery_warnings(result) == []
    # one topic holding most notes is warned about in one line
    codings = result["tables"]["codings"].copy()
    codings["theme_id"] = "topic_0"
    lop = {**result, "tables": {**result["tables"], "codings": codings}}
    warnings = discovery_warnings(lop)
    assert len(warnings) == 1 and "topic_0 holds 100% of the notes" in warnings[0]
    config.discover.stability_seeds = 0
    off = discover_corpus(frame, config, embedder=tfidf_embedder, progress=False)
    assert "stability" not in off["tables"]["themes"].columns


def test_a_sample_is_fitted_with_the_corpus_smallest_topic_scaled_to_its_share():
    from kvalitativ.config import RunConfig
    from kvalitativ.discover.sampled import sample_config

    config = RunConfig()  # min_topic_size 10, min_topic_share 0.002
    assert sample_config(config, 20_000, 100_000).discover.min_topic_size == 40  # 200 in 100,000
    assert sample_config(config, 4_000, 20_000).discover.min_topic_size == 8  # 40 in 20,000
    assert sample_config(config, 1_000, 100_000).discover.min_topic_size == 5  # the floor
    assert sample_config(config, 4_000, 20_000).discover.min_topic_share == 0.0
    assert config.discover.min_topic_size == 10  # the run's own config is left alone


def test_a_sample_is_cut_with_the_corpus_leiden_resolution():
    """Leiden's resolution is per 1,000 fitted notes: a 4,000-note sample of 20,000 notes is cut
    as finely as the 20,000 would be (resolution 5 per 1,000 there: 20 in all), not as 4,000."""
    from kvalitativ.config import RunConfig
    from kvalitativ.discover.sampled import sample_config
    from kvalitativ.discover.submodels import leiden_resolution

    config = RunConfig()
    scaled = sample_config(config, 4_000, 20_000)
    assert scaled.discover.resolution == config.discover.resolution * 5
    assert leiden_resolution(scaled.discover.resolution, 4_000) == leiden_resolution(config.discover.resolution, 20_000)
    assert config.discover.resolution == 1.0  # the run's own config is left alone


def test_parallel_refits_give_the_serial_table():
    """Refits in worker processes give the serial table bit for bit, on data where the refits
    disagree (so equal tables are not equal by accident)."""
    pytest.importorskip("leidenalg")
    noise = np.random.default_rng(3).normal(size=(300, 32)).astype(np.float32)
    d = Discoverer(min_topic_size=8, n_neighbors=10, random_state=0, clustering="leiden")
    d.fit([f"note {i} tekst ord{i % 7}" for i in range(300)], noise)
    serial = topic_stability(d, None, d.topics_, n_seeds=3, workers=1)
    parallel = topic_stability(d, None, d.topics_, n_seeds=3, workers=3)
    assert (serial.workers, parallel.workers) == (1, 3)
    assert len(set(serial.refit_aris)) > 1
    pd.testing.assert_frame_equal(serial.per_topic, parallel.per_topic)
    assert serial.refit_aris == parallel.refit_aris and serial.ari == parallel.ari


def test_umap_refits_stay_in_this_process(corpus, embeddings):
    """UMAP's numba layout cannot run in a forked process: HDBSCAN refits run one after another."""
    d = Discoverer(min_topic_size=8, reducer="umap", n_neighbors=10, random_state=0, clustering="hdbscan")
    d.fit(corpus[0], embeddings)
    assert topic_stability(d, None, d.topics_, n_seeds=1, workers=4).workers == 1


def _killed_worker(clusterer, graph):
    """A refit worker that dies as the kernel's out-of-memory killer would end it."""
    import os

    os._exit(9)


def _noise_fit():
    noise = np.random.default_rng(3).normal(size=(300, 32)).astype(np.float32)
    d = Discoverer(min_topic_size=8, n_neighbors=10, random_state=0, clustering="leiden")
    d.fit([f"note {i} tekst ord{i % 7}" for i in range(300)], noise)
    return d, noise


def test_a_killed_worker_falls_back_to_the_serial_table(monkeypatch):
    """A worker killed mid-refit does not fail discover: the refits run here, same table."""
    import gc

    import kvalitativ.discover.stability as stability

    pytest.importorskip("leidenalg")
    d, noise = _noise_fit()
    serial = topic_stability(d, None, d.topics_, n_seeds=2, workers=1)
    monkeypatch.setattr(stability, "_communities", _killed_worker)
    with pytest.warns(RuntimeWarning, match="one after another"):
        fallback = topic_stability(d, None, d.topics_, n_seeds=2, workers=2)
    assert fallback.workers == 1
    pd.testing.assert_frame_equal(fallback.per_topic, serial.per_topic)
    assert fallback.refit_aris == serial.refit_aris
    assert gc.get_freeze_count() == 0  # the freeze for the workers is undone


def test_a_daemonic_process_runs_the_refits_itself(monkeypatch):
    """A daemonic process (a multiprocessing pool's worker, a Dask nanny's) may not start
    children: there the refits run one after another instead of failing."""
    import multiprocessing

    pytest.importorskip("leidenalg")
    d, noise = _noise_fit()

    class Daemonic:
        daemon = True

    monkeypatch.setattr(multiprocessing, "current_process", lambda: Daemonic())
    assert topic_stability(d, None, d.topics_, n_seeds=2, workers=2).workers == 1


def test_a_host_programs_gc_freeze_is_left_alone():
    import gc

    pytest.importorskip("leidenalg")
    d, noise = _noise_fit()
    gc.freeze()
    try:
        before = gc.get_freeze_count()
        assert topic_stability(d, None, d.topics_, n_seeds=2, workers=2).workers == 2
        assert gc.get_freeze_count() > before // 2  # not unfrozen by discover (some frozen objects may be freed)
    finally:
        gc.unfreeze()


def test_stability_workers_must_be_a_count():
    from kvalitativ.config import config_from_dict
    from kvalitativ.errors import ConfigError

    assert config_from_dict({"discover": {"stability_workers": 1}}).discover.stability_workers == 1
    for bad in (-1, 1.5, "two"):
        with pytest.raises(ConfigError, match="stability_workers"):
            config_from_dict({"discover": {"stability_workers": bad}})


def test_refits_cluster_what_the_fit_clustered():
    """With the words in the graph the fit clusters the vectors beside the word block: the
    vectors alone are refused (a benchmark once refitted them and measured another clustering),
    and None takes the fit's own input."""
    from kvalitativ.errors import InputError

    pytest.importorskip("leidenalg")
    noise = np.random.default_rng(3).normal(size=(300, 32)).astype(np.float32)
    words = ["skole", "fravær", "mobning", "familie", "praktik", "motivation", "venner"]
    d = Discoverer(min_topic_size=8, n_neighbors=10, random_state=0, clustering="leiden")
    d.fit([f"noten handler om {words[i % 7]} og {words[(i * 3) % 7]}" for i in range(300)], noise)
    assert d._cluster_emb.shape[1] > noise.shape[1]  # the default lexical share put words beside the vectors
    with pytest.raises(InputError, match="pass discoverer._cluster_emb or None"):
        topic_stability(d, noise, d.topics_, n_seeds=1)
    a = topic_stability(d, None, d.topics_, n_seeds=1, workers=1)
    b = topic_stability(d, d._cluster_emb, d.topics_, n_seeds=1, workers=1)
    pd.testing.assert_frame_equal(a.per_topic, b.per_topic)


def test_a_loaded_model_given_its_notes_refits_what_the_fit_clustered(tmp_path):
    """``attach`` rebuilds the fit's clustering input (the words beside the vectors, at the saved
    weight): a loaded model's stability is the fitted model's, not that of the vectors alone."""
    pytest.importorskip("leidenalg")
    noise = np.random.default_rng(3).normal(size=(300, 32)).astype(np.float32)
    words = ["skole", "fravær", "mobning", "familie", "praktik", "motivation", "venner"]
    texts = [f"noten handler om {words[i % 7]} og {words[(i * 3) % 7]}" for i in range(300)]
    d = Discoverer(min_topic_size=8, n_neighbors=10, random_state=0, clustering="leiden").fit(texts, noise)
    d.save(tmp_path / "model")
    loaded = Discoverer.load(tmp_path / "model").attach(texts, noise)
    a = topic_stability(d, None, d.topics_, n_seeds=1, workers=1)
    b = topic_stability(loaded, None, loaded.topics_, n_seeds=1, workers=1)
    np.testing.assert_allclose(loaded._cluster_emb, d._cluster_emb, atol=1e-6)  # rebuilt when stability needed it
    pd.testing.assert_frame_equal(a.per_topic, b.per_topic)
