"""The discoverer: BERTopic with every sub-model passed in explicitly, Danish-aware and reproducible.

Why these choices:

* **Embeddings** come from the project's embedders (or are passed in precomputed), never
  from the hub: BERTopic gets ``embeddings=`` and a thin backend around our embedder (used
  only to embed codebook seed words and candidate keywords).
* **UMAP and HDBSCAN** get a fixed ``random_state``; with it UMAP runs single-threaded. UMAP
  starts from a PCA layout (``init="pca"``), not its default spectral one: when the neighbour
  graph falls into small components (groups of identical or near-identical notes, common in
  case files), ARPACK's eigenvectors for them differ from process to process, and so did the
  topics (two runs with the same seed gave different tables). PCA is deterministic and found
  the human themes as well on SIB-200 and the sample (docs/benchmarks.md, Discovery quality).
* **Keywords** are c-TF-IDF over lower-cased lemmas in the notes' language (``language``:
  :class:`DanishAnalyzer` with æøå kept and a curated stop list for Danish, English lemmas and
  stop words for English notes) with BERTopic's ``language="multilingual"`` (its English mode
  strips æøå), then a maximal-marginal-relevance step so the words are not ten inflections of one.
* **Outliers**: HDBSCAN leaves many notes unassigned. ``outlier_target`` brings the share
  down to the target by moving the outliers that are closest to a topic (a similarity
  threshold chosen so exactly enough move), then recomputes the representations.
* **Assignment of new notes** (``assign``/``transform``, and every note outside a large corpus's
  fit sample): the nearest topic centroid by default, or the similarity-weighted vote of the
  nearest fitted notes (``assignment``; :mod:`kvalitativ.discover.nearest`) — the same rule before
  and after ``save``/``load`` (UMAP and HDBSCAN are not saved: that would need pickle).
"""

from __future__ import annotations

import warnings

import numpy as np
import pandas as pd
from sklearn.base import BaseEstimator

from kvalitativ.config import DiscoverConfig
from kvalitativ.discover import submodels as sub
from kvalitativ.discover.curation import CurationMixin
from kvalitativ.discover.submodels import as_texts as _as_texts
from kvalitativ.discover.submodels import auto_label, seed_topics_from_codebook
from kvalitativ.discover.backend import _backend, _quiet_bertopic
from kvalitativ.discover.graph_input import check_graph_params, clustering_input
from kvalitativ.discover.labels import topic_labels
from kvalitativ.discover.nearest import ASSIGNMENTS, centroid_topics, knn_topics
from kvalitativ.discover.representatives import centroids, normalise, representatives
from kvalitativ.errors import ConfigError, InputError, KvalitativError
from kvalitativ.text.lemmas import DanishAnalyzer

__all__ = ["Discoverer", "auto_label", "seed_topics_from_codebook"]

_D = DiscoverConfig()


class Discoverer(CurationMixin, BaseEstimator):
    """Find themes in notes with BERTopic (scikit-learn style).

    Parameters
    ----------
    embedder : object with ``encode(texts) -> ndarray`` (unit rows), optional
        Used when ``fit``/``transform`` get no ``embeddings``, to embed codebook seed words,
        and to embed candidate keywords for the diversity step (skipped without one).
    min_topic_size : the smallest theme worth reporting (HDBSCAN ``min_cluster_size``; Leiden merges smaller).
    n_neighbors : neighbours per note in Leiden's graph or UMAP's neighbourhood, and the notes that vote
        in ``assign`` (None: 30 with leiden, 15 with hdbscan; ``submodels.DEFAULT_NEIGHBORS``).
    n_components : UMAP's target dimension.
    min_samples : HDBSCAN ``min_samples`` (None = min_topic_size); lower = fewer outliers.
    clustering, resolution : ``"leiden"`` (default: consensus Leiden communities of the neighbour
        graph, copies one node; resolution per 1,000 notes; graph_cluster.py) or ``"hdbscan"`` (UMAP + HDBSCAN).
    outlier_target : bring the outlier share (topic -1) to at most this (None = leave HDBSCAN's).
    outlier_strategy : ``"embeddings"`` (nearest centroid) or ``"c-tf-idf"`` (nearest word profile).
    n_keywords : keywords kept per topic.
    diversity : MMR weight for keywords (0 = plain c-TF-IDF order, 1 = most diverse).
    n_representative : representative notes per topic (central and different; 5–20).
    seed_topics : a codebook (guided topic modelling from its labels and keywords) or a list
        of seed-word lists; needs an ``embedder``.
    ngram_range : keyword n-grams, e.g. (1, 2) gives "dårlig søvn".
    min_df : a keyword must occur in at least this many notes (typos and one-off phrases are
        not keywords; lowered automatically when the corpus is too small for it).
    reducer : ``"umap"`` (default), ``"pca"`` (fast, for tests) or an object with fit/transform.
    curation : curation steps from an earlier model (``old.curation_``), re-applied after fit.
    random_state : seed for UMAP/PCA.
    language : "da", "en" or "auto" (what most notes read as): the lemmas and stop words of keywords.
    assignment : how ``assign`` places new notes: ``"knn"`` (vote of the ``n_neighbors`` nearest
        fitted notes) or ``"centroid"`` (nearest topic centroid); see :mod:`~kvalitativ.discover.nearest`.
    lexical_weight, lexical_share, center : what Leiden's graph is built on
        (:mod:`~kvalitativ.discover.graph_input`): a fixed weight a of the notes' words beside the
        vectors (cosine (1 − a)·cos_e5 + a·cos_words; 0 = none), or a set from the data so that the
        words carry the share s of the similarity's spread (None: 0.1 with ``leiden``, 0 with
        ``hdbscan``, ``seed_topics`` or a fixed weight; the weight used is ``lexical_weight_``),
        and the vectors ``"none"`` / ``"mean"``-centred / ``"abtt"`` (Leiden only). Keywords,
        centroids, scores and assignment stay on the vectors. Not with ``seed_topics``.
    consensus_runs : Leiden runs the consensus is taken over (``leiden`` only): a number, or None (the
        default since the seventh round, docs/benchmarks.md) = as many as an edge budget allows, 10
        on the benchmark's 20,000-note fit sample up to 50 on small corpora (steadier across seeds
        where runs are cheap). The number used is ``consensus_runs_`` (saved; stability's refits
        take it; a model saved before the option reloads with 10).

    Fitted attributes: ``topics_`` (topic per note, -1 = outlier), ``scores_`` (cosine to its
    topic centroid), ``topic_info_``, ``topic_terms_``, ``centroids_``, ``topic_ids_``,
    ``outlier_share_``, ``outlier_share_before_``, ``curation_``, ``curation_report_``,
    ``language_`` (saved with the model), ``fit_vectors_`` (the fitted notes' unit vectors, float16:
    what the ``knn`` vote needs; None for a model saved without them), ``model_`` (the BERTopic object).

    Example::

        from kvalitativ.embed import get_embedder
        d = Discoverer(embedder=get_embedder("e5"), min_topic_size=10).fit(notes)
        d.topic_info_[["topic_id", "label", "size"]]
        d.merge_topics([[2, 5]]).rename_topics({0: "Søvn og træthed"})
        d.save("models/topics-2025")
        Discoverer.load("models/topics-2025", embedder=get_embedder("e5")).transform(new_notes)
    """

    def __init__(self, embedder=None, min_topic_size=_D.min_topic_size, n_neighbors=_D.n_neighbors,
                 n_components=_D.n_components, min_samples=_D.min_samples,
                 outlier_target=_D.outlier_target, outlier_strategy=_D.outlier_strategy,
                 n_keywords=_D.n_keywords, diversity=_D.diversity, n_representative=_D.n_representative,
                 seed_topics=None, ngram_range=tuple(_D.ngram_range), min_df=_D.min_df, reducer="umap",
                 curation=None, random_state=0, language="auto", clustering=_D.clustering, resolution=_D.resolution,
                 assignment=_D.assignment, lexical_weight=_D.lexical_weight, lexical_share=_D.lexical_share,
                 center=_D.center, consensus_runs=_D.consensus_runs):
        self.embedder = embedder
        self.min_topic_size = min_topic_size
        self.n_neighbors = n_neighbors
        self.n_components = n_components
        self.min_samples = min_samples
        self.outlier_target = outlier_target
        self.outlier_strategy = outlier_strategy
        self.n_keywords = n_keywords
        self.diversity = diversity
        self.n_representative = n_representative
        self.seed_topics = seed_topics
        self.ngram_range = ngram_range
        self.min_df = min_df
        self.reducer = reducer
        self.curation = curation
        self.random_state = random_state
        self.language = language
        self.clustering, self.resolution, self.assignment = clustering, resolution, assignment
        self.lexical_weight = lexical_weight
        self.lexical_share = lexical_share
        self.center = center
        self.consensus_runs = consensus_runs

    # ------------------------------------------------------------------ parameters
    _PARAMS = ("min_topic_size", "n_neighbors", "n_components", "min_samples", "outlier_target",
               "outlier_strategy", "n_keywords", "diversity", "n_representative", "ngram_range",
               "min_df", "random_state", "language", "clustering", "resolution", "assignment", "lexical_weight",
               "lexical_share", "center", "consensus_runs")

    def _check_params(self) -> None:
        if int(self.min_topic_size) < 2:
            raise ConfigError("discover: min_topic_size must be at least 2")
        if self.outlier_target is not None and not 0 <= float(self.outlier_target) < 1:
            raise ConfigError("discover: outlier_target must be between 0 and 1 (e.g. 0.1), or None")
        if self.clustering not in sub.CLUSTERINGS or not float(self.resolution) > 0:
            raise ConfigError(f"discover: clustering must be one of {', '.join(sub.CLUSTERINGS)} and resolution > 0")
        if self.assignment not in ASSIGNMENTS:
            raise ConfigError(f"discover: assignment must be one of {', '.join(ASSIGNMENTS)}")
        if self.outlier_strategy not in ("embeddings", "c-tf-idf"):
            raise ConfigError("discover: outlier_strategy must be 'embeddings' or 'c-tf-idf'")
        check_graph_params(self)  # lexical_weight, lexical_share, center (graph_input.py)
        if self.consensus_runs is not None and (isinstance(self.consensus_runs, bool)
                                                or not isinstance(self.consensus_runs, (int, np.integer))
                                                or int(self.consensus_runs) < 1):
            raise ConfigError("discover: consensus_runs must be a whole number of at least 1 (1 = no consensus), "
                              "or None (by the graph's size: 10 to 50)")
        if not 0 <= float(self.diversity) <= 1:
            raise ConfigError("discover: diversity must be between 0 and 1")
        if not 1 <= int(self.n_representative) <= 50:
            raise ConfigError("discover: n_representative must be between 1 and 50 (5–20 is useful)")

    # ------------------------------------------------------------------ sub-models
    # BERTopic's slots, filled from this estimator's parameters (see submodels.py)
    def _analyzer(self) -> DanishAnalyzer:
        return DanishAnalyzer(ngram_range=tuple(self.ngram_range), language=getattr(self, "language_", "da"))

    def _vectorizer(self):
        return sub.vectorizer(self._analyzer(), getattr(self, "vocabulary_", None))

    def _fit_vocabulary(self, texts: list[str]) -> None:
        self.vocabulary_ = sub.fit_vocabulary(self._analyzer(), texts, self.min_df)

    def _ctfidf(self):
        return sub.ctfidf()

    def _representation(self):
        return sub.representation(self.embedder, self.diversity, self.n_keywords)

    def _seed_lists(self):
        return sub.seed_lists(self.seed_topics, self.embedder, self.language_)

    # ------------------------------------------------------------------ embeddings
    def _embed(self, texts: list[str], embeddings) -> np.ndarray:
        if embeddings is not None:
            emb = np.asarray(embeddings, dtype=np.float32)
            if emb.ndim != 2 or emb.shape[0] != len(texts):
                raise InputError(f"discover: embeddings have shape {emb.shape}, expected ({len(texts)}, dim): "
                                 "one row per note, in the same order")
        elif self.embedder is not None:
            emb = np.asarray(self.embedder.encode(texts), dtype=np.float32)
        else:
            raise ConfigError("discover: pass embeddings= (one row per note) or construct the Discoverer "
                              "with an embedder, e.g. embedder=get_embedder('e5')")
        if not np.all(np.isfinite(emb)):
            raise InputError("discover: embeddings contain NaN or infinite values")
        return normalise(emb).astype(np.float32)

    # ------------------------------------------------------------------ fit
    def fit(self, texts, embeddings=None, y=None) -> "Discoverer":
        """Fit topics on *texts* (list of notes); *embeddings* (n × dim) are used when given."""
        from bertopic import BERTopic

        self._check_params()
        texts = _as_texts(texts)
        n = len(texts)
        if n < max(3, 2 * int(self.min_topic_size)):
            raise InputError(f"discover: {n} notes are too few for min_topic_size={self.min_topic_size}; "
                             f"need at least {max(3, 2 * int(self.min_topic_size))} (or lower --min-topic-size)")
        emb = self._embed(texts, embeddings)
        self.language_ = sub.data_language(self.language, texts)
        self._fit_vocabulary(texts)
        seeds = self._seed_lists()
        self.seed_topic_list_ = seeds
        X = clustering_input(self, texts, emb)  # emb itself with the vectors alone (graph_input.py)
        reducer, clusterer = sub.slots(self, n, X.shape[1])
        self.model_ = BERTopic(
            embedding_model=_backend(self.embedder) if self.embedder is not None else None,
            umap_model=reducer, hdbscan_model=clusterer,
            vectorizer_model=self._vectorizer(),
            ctfidf_model=self._ctfidf(),
            representation_model=None,  # the MMR step runs once, after outlier reduction (_represent)
            language="multilingual",
            top_n_words=int(self.n_keywords),
            seed_topic_list=seeds,
            calculate_probabilities=False,
            verbose=False,
        )
        with _quiet_bertopic():
            # guided modelling changes the embeddings in place: give BERTopic a copy
            # (with lexical_weight the clustering input; its topic vectors are replaced by centroids below)
            topics, _ = self.model_.fit_transform(texts, embeddings=X.copy())
        topics = np.asarray(topics, dtype=int)
        if not np.any(topics != -1):
            raise KvalitativError(f"discover: no topics found in {n} notes with min_topic_size="
                                  f"{self.min_topic_size}; lower --min-topic-size or add notes")
        self._texts, self._emb, self._cluster_emb = texts, emb, X  # X: what stability's refits cluster
        # Leiden's consensus runs used (None: HDBSCAN): stability's refits take the same number
        self.consensus_runs_ = getattr(clusterer, "n_runs_", None) or None
        self.fit_vectors_ = emb.astype(np.float16)
        self.dim_ = int(emb.shape[1])
        self.n_documents_ = n
        self.mean_embedding_ = normalise(emb.mean(axis=0))[0].astype(np.float32)
        self.outlier_share_before_ = float(np.mean(topics == -1))
        self.labels_: dict[int, str] = {}
        self.outlier_threshold_ = None
        self._sync_topic_embeddings()
        if self.outlier_target is not None and self.outlier_share_before_ > float(self.outlier_target):
            self._reduce_outliers()
        self._represent()
        self._refresh()
        self.curation_: list[dict] = []
        self._report: list[dict] = []
        if self.curation:
            self._reapply(self.curation)
        self.curation_report_ = pd.DataFrame(self._report, columns=[
            "step", "op", "old_topic", "new_topic", "similarity", "applied"])
        return self

    def fit_transform(self, texts, embeddings=None, y=None) -> np.ndarray:
        return self.fit(texts, embeddings).topics_

    def refit(self, texts, embeddings=None) -> "Discoverer":
        """A new model with the same settings on new notes, with this model's curation re-applied."""
        self._check_fitted()
        params = self.get_params(deep=False)
        params["curation"] = self.curation_
        return Discoverer(**params).fit(texts, embeddings)

    # ------------------------------------------------------------------ internals
    def _check_fitted(self) -> None:
        if not hasattr(self, "topic_ids_"):
            raise KvalitativError("discover: the model is not fitted yet: call fit(notes) or Discoverer.load(path)")

    def _sync_topic_embeddings(self) -> None:
        """Set BERTopic's topic vectors to our centroids (outlier row first), so its own
        outlier reduction, transform and saved model use the same vectors we do."""
        m = self.model_
        topics = np.asarray(m.topics_, dtype=int)
        ids = sorted(set(topics.tolist()))
        m.topic_embeddings_ = centroids(self._emb, topics, ids)

    def _reduce_outliers(self) -> None:
        sub.reduce_outliers(self)
        self._sync_topic_embeddings()

    def _represent(self) -> None:
        """The keyword diversity (MMR) step, once on the final assignment: it embeds ~30 candidate
        words per topic, the slowest part of representing topics with a neural embedder."""
        rep = self._representation()
        if rep is None:
            return
        with _quiet_bertopic():
            self.model_.update_topics(self._texts, top_n_words=int(self.n_keywords),
                                      vectorizer_model=self._vectorizer(), ctfidf_model=self._ctfidf(),
                                      representation_model=rep)
        self._sync_topic_embeddings()

    def _keywords(self, t: int) -> list[tuple[str, float]]:
        words = self.model_.get_topic(int(t)) or []
        return [(w, float(s)) for w, s in words if w][: int(self.n_keywords)]

    def _refresh(self) -> None:
        """Recompute every fitted attribute from the BERTopic state (after fit, merge, rename)."""
        m, emb = self.model_, self._emb
        topics = np.asarray(m.topics_, dtype=int)
        ids = sorted(set(topics.tolist()) - {-1})
        cents = centroids(emb, topics, ids)
        reps = representatives(emb, topics, ids, cents, k=int(self.n_representative))
        self.topics_ = topics
        self.topic_ids_ = np.asarray(ids, dtype=int)
        self.centroids_ = cents.astype(np.float32)
        self.outlier_share_ = float(np.mean(topics == -1))
        pos = {t: i for i, t in enumerate(ids)}
        scores = np.full(len(topics), np.nan)
        normed = normalise(emb)
        for i, t in enumerate(topics):
            if t != -1:
                scores[i] = float(normed[i] @ cents[pos[t]])
        self.scores_ = scores
        rows, terms = [], []
        sizes = pd.Series(topics).value_counts()
        autos = topic_labels({t: [w for w, _ in self._keywords(t)] for t in ids}, sizes.to_dict(),
                             language=getattr(self, "language_", "da"))
        for t in ids:
            kw = self._keywords(t)
            words, auto = [w for w, _ in kw], autos[t]
            rows.append({
                "topic_id": int(t), "label": self.labels_.get(int(t), auto), "auto_label": auto,
                "keywords": words, "weights": [s for _, s in kw], "size": int(sizes.get(t, 0)),
                "share": float(sizes.get(t, 0)) / len(topics),
                "representative_docs": [d for d, _ in reps[t]],
                "representative_similarity": [s for _, s in reps[t]],
            })
            terms += [{"topic_id": int(t), "rank": r + 1, "term": w, "weight": s} for r, (w, s) in enumerate(kw)]
        self.topic_info_ = pd.DataFrame(rows, columns=[
            "topic_id", "label", "auto_label", "keywords", "weights", "size", "share",
            "representative_docs", "representative_similarity"])
        self.topic_terms_ = pd.DataFrame(terms, columns=["topic_id", "rank", "term", "weight"])
        self._sync_topic_embeddings()
        with _quiet_bertopic():
            m.set_topic_labels({int(t): lab for t, lab in zip(self.topic_info_.topic_id, self.topic_info_.label)})

    # ------------------------------------------------------------------ assign
    def assign(self, texts, embeddings=None) -> pd.DataFrame:
        """Topic of each note by the ``assignment`` rule (``centroid``, or ``knn`` where the model holds
        its fitted notes' vectors): DataFrame(topic_id, label, score = cosine to its topic's centroid)."""
        self._check_fitted()
        texts = _as_texts(texts)
        if embeddings is None and self.embedder is None:
            raise ConfigError("discover: to assign new notes pass embeddings= or load the model with "
                              "embedder=get_embedder(<the embedder it was fitted with>)")
        emb = self._embed(texts, embeddings)
        if emb.shape[1] != self.centroids_.shape[1]:
            raise InputError(f"discover: embeddings have {emb.shape[1]} dimensions but the model was fitted "
                             f"on {self.centroids_.shape[1]}: use the embedder the model was fitted with")
        ids, score = centroid_topics(emb, self.centroids_, self.topic_ids_)
        if self.assignment == "knn" and getattr(self, "fit_vectors_", None) is None:
            warnings.warn("discover: this model holds no fitted notes' vectors (saved with assignment "
                          "'centroid', or by a kvalitativ before the nearest-notes vote): new notes go to the "
                          "nearest topic centroid; fit and save it with discover.assignment: knn to vote",
                          UserWarning, stacklevel=2)
        elif self.assignment == "knn" and len(texts):
            ids = knn_topics(emb, self.fit_vectors_, self.topics_, self.topic_ids_, sub.neighbours_of(self))
            cents = self.centroids_[np.searchsorted(self.topic_ids_, ids)]
            score = np.einsum("ij,ij->i", emb.astype(np.float64), cents.astype(np.float64))
        labels = dict(zip(self.topic_info_.topic_id, self.topic_info_.label))
        return pd.DataFrame({"topic_id": ids, "label": [labels[int(t)] for t in ids], "score": score})

    def transform(self, texts, embeddings=None) -> np.ndarray:
        """Topic id of each note by the ``assignment`` rule (never -1; see ``assign`` for scores)."""
        return self.assign(texts, embeddings).topic_id.to_numpy()

    def attach(self, texts, embeddings=None) -> "Discoverer":
        """Give a loaded model its training notes back (to merge topics after load, or to measure
        stability: the refits then cluster what the fit clustered, the words beside the vectors
        at the saved weight included; rebuilt by ``topic_stability`` when it needs it)."""
        self._check_fitted()
        texts = _as_texts(texts)
        if len(texts) != len(self.topics_):
            raise InputError(f"discover: the model was fitted on {len(self.topics_)} notes, got {len(texts)}")
        self._texts, self._emb, self._cluster_emb = texts, self._embed(texts, embeddings), None
        return self

    # ------------------------------------------------------------------ persistence
    def to_parts(self) -> dict:
        """The fitted model as raw parts (see :mod:`kvalitativ.discover.persist`): ``meta`` (JSON),
        ``bertopic`` (the BERTopic object), ``arrays`` and ``frames``; nothing that needs pickle."""
        from kvalitativ.discover.persist import model_parts

        return model_parts(self)

    @classmethod
    def from_parts(cls, parts: dict, embedder=None) -> "Discoverer":
        """A fitted discoverer rebuilt from :meth:`to_parts`' parts (as read back from disk)."""
        from kvalitativ.discover.persist import model_from_parts

        return model_from_parts(cls, parts, embedder=embedder)

    def save(self, path) -> None:
        """Save without pickle: BERTopic safetensors + JSON + Parquet/NumPy (see persist.py)."""
        from kvalitativ.discover.persist import save_parts

        save_parts(self.to_parts(), path, embedder=self.embedder)

    @classmethod
    def load(cls, path, embedder=None) -> "Discoverer":
        """Load a saved discoverer; pass the embedder it was fitted with to assign new notes."""
        from kvalitativ.discover.persist import load_parts

        return cls.from_parts(load_parts(path, embedder=embedder), embedder=embedder)
