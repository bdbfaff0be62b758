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
* **Keywords** are c-TF-IDF over lower-cased, lemmatised Danish (:class:`DanishAnalyzer`,
  æøå kept, curated stop list) with ``language="multilingual"`` (the English mode strips
  æøå), then a maximal-marginal-relevance step so the words are not ten inflections of one.
* **Outliers**: HDBSCAN leaves many notes unassigned. ``outlier_target`` brings the share
  down to the target by moving the outliers that are closest to a topic (a similarity
  threshold chosen so exactly enough move), then recomputes the representations.
* **Assignment of new notes** (``transform``) is the nearest topic centroid by cosine in
  the embedding space — the same rule before and after ``save``/``load`` (UMAP and HDBSCAN
  are not saved: that would need pickle).
"""

from __future__ import annotations

import math

import numpy as np
import pandas as pd

from kvalitativ.config import DiscoverConfig
from kvalitativ.discover import curation as _cur
from kvalitativ.discover.backend import _backend, _quiet_bertopic
from kvalitativ.discover.representatives import centroids, normalise, representatives
from kvalitativ.errors import ConfigError, InputError, KvalitativError
from kvalitativ.text.lemmas import DanishAnalyzer, lemmatise_phrase

__all__ = ["Discoverer", "auto_label", "seed_topics_from_codebook"]

_D = DiscoverConfig()


def _theme_get(theme, key, default=None):
    if isinstance(theme, dict):
        return theme.get(key, default)
    return getattr(theme, key, default)


def seed_topics_from_codebook(codebook) -> list[list[str]]:
    """One seed-word list per codebook theme: its lemmatised label and keywords (guided BERTopic)."""
    themes = _theme_get(codebook, "themes", codebook)
    out = []
    for th in themes:
        words: list[str] = []
        for phrase in [_theme_get(th, "label", "")] + list(_theme_get(th, "keywords", None) or []):
            lem = lemmatise_phrase(str(phrase))
            for w in [lem] + lem.split():
                if w and w not in words:
                    words.append(w)
        if words:
            out.append(words)
    return out


def auto_label(keywords: list[str], n: int = 3) -> str:
    """A readable label from the top terms: up to *n* of them, skipping terms already covered."""
    chosen, covered = [], set()
    for kw in keywords:
        toks = set(kw.split())
        if not kw or toks <= covered:
            continue
        chosen.append(kw)
        covered |= toks
        if len(chosen) == n:
            break
    return ", ".join(chosen) if chosen else "(ingen ord)"


def _as_texts(texts) -> list[str]:
    if isinstance(texts, str):
        raise InputError("discover: pass a list of notes, not one string")
    arr = np.asarray(texts, dtype=object)
    return ["" if (t is None or (isinstance(t, float) and math.isnan(t))) else str(t) for t in arr]


class Discoverer:
    """Find themes in notes with BERTopic (scikit-learn style).

    Parameters
    ----------
    embedder : object with ``encode(texts) -> ndarray`` (unit rows), optional
        Used when ``fit``/``transform`` get no ``embeddings``, to embed codebook seed words,
        and to embed candidate keywords for the diversity step (skipped without one).
    min_topic_size : HDBSCAN ``min_cluster_size``: the smallest theme worth reporting.
    n_neighbors, n_components : UMAP: local neighbourhood size and target dimension.
    min_samples : HDBSCAN ``min_samples`` (None = min_topic_size); lower = fewer outliers.
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

    Fitted attributes: ``topics_`` (topic per note, -1 = outlier), ``scores_`` (cosine to its
    topic centroid), ``topic_info_``, ``topic_terms_``, ``centroids_``, ``topic_ids_``,
    ``outlier_share_``, ``outlier_share_before_``, ``curation_``, ``curation_report_``,
    ``model_`` (the BERTopic object).

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
                 curation=None, random_state=0):
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

    # ------------------------------------------------------------------ parameters
    _PARAMS = ("min_topic_size", "n_neighbors", "n_components", "min_samples", "outlier_target",
               "outlier_strategy", "n_keywords", "diversity", "n_representative", "ngram_range",
               "min_df", "random_state")

    def get_params(self, deep: bool = False) -> dict:
        return {k: getattr(self, k) for k in ("embedder", *self._PARAMS, "seed_topics", "reducer", "curation")}

    def set_params(self, **params) -> "Discoverer":
        for k, v in params.items():
            if k not in self.get_params():
                raise ConfigError(f"Discoverer has no parameter {k!r}")
            setattr(self, k, v)
        return self

    def _check_params(self) -> None:
        if int(self.min_topic_size) < 2:
            raise ConfigError("discover: min_topic_size must be at least 2")
        if self.outlier_target is not None and not 0 <= float(self.outlier_target) < 1:
            raise ConfigError("discover: outlier_target must be between 0 and 1 (e.g. 0.1), or None")
        if self.outlier_strategy not in ("embeddings", "c-tf-idf"):
            raise ConfigError("discover: outlier_strategy must be 'embeddings' or 'c-tf-idf'")
        if not 0 <= float(self.diversity) <= 1:
            raise ConfigError("discover: diversity must be between 0 and 1")
        if not 1 <= int(self.n_representative) <= 50:
            raise ConfigError("discover: n_representative must be between 1 and 50 (5–20 is useful)")

    # ------------------------------------------------------------------ sub-models
    def _analyzer(self) -> DanishAnalyzer:
        return DanishAnalyzer(ngram_range=tuple(self.ngram_range))

    def _vectorizer(self):
        """BERTopic counts words per *topic*, so a note-level minimum needs a fixed vocabulary."""
        from sklearn.feature_extraction.text import CountVectorizer

        return CountVectorizer(analyzer=self._analyzer(), vocabulary=getattr(self, "vocabulary_", None))

    def _fit_vocabulary(self, texts: list[str]) -> None:
        from sklearn.feature_extraction.text import CountVectorizer

        for min_df in range(max(1, int(self.min_df)), 0, -1):
            try:
                cv = CountVectorizer(analyzer=self._analyzer(), min_df=min_df).fit(texts)
            except ValueError:  # nothing occurs that often (or no words at all)
                continue
            self.vocabulary_ = sorted(cv.vocabulary_)
            return
        raise InputError("discover: the notes have no words left after removing stop words and numbers")

    def _ctfidf(self):
        from bertopic.vectorizers import ClassTfidfTransformer

        # reduce_frequent_words: sqrt term frequency, so "ikke" does not top every topic.
        return ClassTfidfTransformer(reduce_frequent_words=True)

    def _representation(self):
        if self.embedder is None or float(self.diversity) <= 0:
            return None
        from bertopic.representation import MaximalMarginalRelevance

        return MaximalMarginalRelevance(diversity=float(self.diversity), top_n_words=int(self.n_keywords))

    def _reducer(self, n: int, dim: int):
        nc = max(1, min(int(self.n_components), n - 2, dim))
        if self.reducer == "umap":
            from umap import UMAP

            return UMAP(n_neighbors=max(2, min(int(self.n_neighbors), n - 1)), n_components=nc,
                        min_dist=0.0, metric="cosine", random_state=self.random_state, n_jobs=1, init="pca")
        if self.reducer == "pca":
            from sklearn.decomposition import PCA

            return PCA(n_components=nc, random_state=self.random_state)
        if hasattr(self.reducer, "fit") and hasattr(self.reducer, "transform"):
            return self.reducer
        raise ConfigError(f"discover: reducer must be 'umap', 'pca' or an object with fit/transform, "
                          f"not {self.reducer!r}")

    def _clusterer(self):
        from hdbscan import HDBSCAN

        ms = None if self.min_samples is None else int(self.min_samples)
        return HDBSCAN(min_cluster_size=int(self.min_topic_size), min_samples=ms, metric="euclidean",
                       cluster_selection_method="eom", prediction_data=False)

    def _seed_lists(self):
        if self.seed_topics is None:
            return None
        if isinstance(self.seed_topics, (list, tuple)) and all(isinstance(s, (list, tuple)) for s in self.seed_topics):
            seeds = [[lemmatise_phrase(w) or str(w).lower() for w in s] for s in self.seed_topics]
            seeds = [[w for w in s if w] for s in seeds]
        else:
            seeds = seed_topics_from_codebook(self.seed_topics)
        seeds = [s for s in seeds if s]
        if not seeds:
            return None
        if self.embedder is None:
            raise ConfigError("discover: seed topics (a codebook) need an embedder to embed the seed words; "
                              "pass embedder=get_embedder('e5') (CLI: --embedder e5)")
        return seeds

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
        self._fit_vocabulary(texts)
        seeds = self._seed_lists()
        self.seed_topic_list_ = seeds
        self.model_ = BERTopic(
            embedding_model=_backend(self.embedder) if self.embedder is not None else None,
            umap_model=self._reducer(n, emb.shape[1]),
            hdbscan_model=self._clusterer(),
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
            topics, _ = self.model_.fit_transform(texts, embeddings=emb.copy())
        topics = np.asarray(topics, dtype=int)
        if not np.any(topics != -1):
            raise KvalitativError(f"discover: no topics found in {n} notes with min_topic_size="
                                  f"{self.min_topic_size}; lower --min-topic-size or add notes")
        self._texts, self._emb = texts, emb
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
        params = self.get_params()
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
        from sklearn.metrics.pairwise import cosine_similarity

        m, texts, emb = self.model_, self._texts, self._emb
        topics = np.asarray(m.topics_, dtype=int)
        n = len(topics)
        out_idx = np.flatnonzero(topics == -1)
        n_move = len(out_idx) - int(math.floor(float(self.outlier_target) * n + 1e-9))
        strategy = self.outlier_strategy
        if strategy == "embeddings":
            sims = cosine_similarity(emb[out_idx], m.topic_embeddings_[m._outliers:])
        else:
            bow = m.vectorizer_model.transform([texts[i] for i in out_idx])
            sims = cosine_similarity(m.ctfidf_model.transform(bow), m.c_tf_idf_[m._outliers:])
        best = np.sort(sims.max(axis=1))[::-1]
        threshold = float(best[n_move - 1]) - 1e-9
        with _quiet_bertopic():
            new = np.asarray(m.reduce_outliers(texts, topics.tolist(), strategy=strategy,
                                               threshold=max(threshold, 0.0), embeddings=emb), dtype=int)
            if np.mean(new == -1) > float(self.outlier_target) + 1e-12:
                # c-TF-IDF gives 0 for notes sharing no keyword with any topic: fall back to embeddings
                rest = np.flatnonzero(new == -1)
                ids = sorted(set(new.tolist()) - {-1})
                sims = normalise(emb[rest]) @ centroids(emb, new, ids).T
                order = np.argsort(-sims.max(axis=1), kind="stable")
                k = len(rest) - int(math.floor(float(self.outlier_target) * n + 1e-9))
                for r in order[:k]:
                    new[rest[r]] = ids[int(np.argmax(sims[r]))]
            m.update_topics(texts, topics=new.tolist(), top_n_words=int(self.n_keywords),
                            vectorizer_model=self._vectorizer(), ctfidf_model=self._ctfidf(),
                            representation_model=None)
        self.outlier_threshold_ = threshold if strategy == "embeddings" else None
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
        for t in ids:
            kw = self._keywords(t)
            words = [w for w, _ in kw]
            auto = auto_label(words)
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

    def _snapshot(self) -> dict:
        kws = [list(k) for k in self.topic_info_.keywords]
        return _cur.snapshot(list(self.topic_info_.topic_id), self.centroids_, kws)

    def _require_docs(self) -> None:
        if getattr(self, "_texts", None) is None or getattr(self, "_emb", None) is None:
            raise KvalitativError("discover: merging needs the notes the model was fitted on; a loaded model "
                                  "has not got them: call attach(notes, embeddings) first, or refit")

    # ------------------------------------------------------------------ curation
    def merge_topics(self, groups) -> "Discoverer":
        """Merge topics, e.g. ``[[1, 4], [2, 7, 9]]`` (a flat ``[1, 4]`` is one group).

        Recorded in ``curation_`` and re-applied when the model is refitted (see curation.py
        for the matching rule). Topic ids are renumbered by size afterwards.
        """
        self._check_fitted()
        self._require_docs()
        if groups and all(isinstance(g, (int, np.integer)) for g in groups):
            groups = [groups]
        groups = [[int(t) for t in g] for g in groups]
        valid, seen = set(self.topic_ids_.tolist()), set()
        for g in groups:
            bad = [t for t in g if t not in valid]
            if bad:
                raise InputError(f"discover: cannot merge unknown topic id(s) {bad}; topics are "
                                 f"{sorted(valid)} (the outlier topic -1 cannot be merged)")
            if seen & set(g):
                raise InputError(f"discover: topic(s) {sorted(seen & set(g))} appear in two merge groups")
            seen |= set(g)
        groups = [g for g in groups if len(set(g)) >= 2]
        if not groups:
            return self
        self.curation_.append({"op": "merge", "topics": groups, "context": self._snapshot()})
        self._apply_merge(groups)
        return self

    def _apply_merge(self, groups) -> None:
        old_topics = self.topics_.copy()
        with _quiet_bertopic():
            self.model_.merge_topics(self._texts, [list(g) for g in groups])
        new_topics = np.asarray(self.model_.topics_, dtype=int)
        new_labels: dict[int, str] = {}
        order = [t for g in groups for t in g] + sorted(self.labels_)
        for t in order:
            if t in self.labels_:
                nid = int(new_topics[np.flatnonzero(old_topics == t)[0]])
                new_labels.setdefault(nid, self.labels_[t])
        self.labels_ = new_labels
        self._refresh()

    def rename_topics(self, labels: dict) -> "Discoverer":
        """Give topics human labels, e.g. ``{0: "Søvn og træthed"}``; kept across refits."""
        self._check_fitted()
        valid = set(self.topic_ids_.tolist())
        for t, lab in labels.items():
            if int(t) not in valid:
                raise InputError(f"discover: cannot rename unknown topic id {t}; topics are {sorted(valid)}")
            if not str(lab).strip():
                raise InputError(f"discover: the new label for topic {t} is empty")
        ctx = self._snapshot()
        for t, lab in labels.items():
            self.curation_.append({"op": "rename", "topic": int(t), "label": str(lab).strip(), "context": ctx})
            self.labels_[int(t)] = str(lab).strip()
        self._refresh()
        return self

    def _reapply(self, steps: list[dict]) -> None:
        for step, op in enumerate(steps):
            matches = _cur.match_topics(op["context"], self._snapshot())
            if op["op"] == "merge":
                new_groups, used = [], set()
                for g in op["topics"]:
                    targets = []
                    for t in g:
                        nt, sim = matches.get(int(t), (None, float("nan")))
                        self._report.append({"step": step, "op": "merge", "old_topic": int(t), "new_topic": nt,
                                             "similarity": sim, "applied": False})
                        if nt is not None and nt not in targets and nt not in used:
                            targets.append(nt)
                    if len(targets) >= 2:
                        new_groups.append(targets)
                        used |= set(targets)
                if new_groups:
                    applied = {t for g in new_groups for t in g}
                    for r in self._report:
                        if r["step"] == step and r["new_topic"] in applied:
                            r["applied"] = True
                    self.merge_topics(new_groups)
                else:
                    self.curation_.append(op)  # carried forward, for a later refit
            elif op["op"] == "rename":
                nt, sim = matches.get(int(op["topic"]), (None, float("nan")))
                self._report.append({"step": step, "op": "rename", "old_topic": int(op["topic"]),
                                     "new_topic": nt, "similarity": sim, "applied": nt is not None})
                if nt is not None:
                    self.rename_topics({nt: op["label"]})
                else:
                    self.curation_.append(op)
            else:
                raise ConfigError(f"discover: unknown curation step {op.get('op')!r}")

    # ------------------------------------------------------------------ assign
    def assign(self, texts, embeddings=None) -> pd.DataFrame:
        """Nearest topic for each note: DataFrame(topic_id, label, score = cosine to its centroid)."""
        self._check_fitted()
        texts = _as_texts(texts)
        if embeddings is None and self.embedder is None:
            raise ConfigError("discover: to assign new notes pass embeddings= or load the model with "
                              "embedder=get_embedder(<the embedder it was fitted with>)")
        emb = self._embed(texts, embeddings)
        if emb.shape[1] != self.centroids_.shape[1]:
            raise InputError(f"discover: embeddings have {emb.shape[1]} dimensions but the model was fitted "
                             f"on {self.centroids_.shape[1]}: use the embedder the model was fitted with")
        sims = emb.astype(np.float64) @ self.centroids_.astype(np.float64).T
        best = sims.argmax(axis=1) if len(texts) else np.zeros(0, dtype=int)
        ids = self.topic_ids_[best]
        labels = dict(zip(self.topic_info_.topic_id, self.topic_info_.label))
        return pd.DataFrame({"topic_id": ids.astype(int), "label": [labels[int(t)] for t in ids],
                             "score": sims[np.arange(len(texts)), best] if len(texts) else np.zeros(0)})

    def transform(self, texts, embeddings=None) -> np.ndarray:
        """Topic id of the nearest centroid for each note (never -1; see ``assign`` for scores)."""
        return self.assign(texts, embeddings).topic_id.to_numpy()

    def attach(self, texts, embeddings=None) -> "Discoverer":
        """Give a loaded model its training notes back (needed only to merge topics after load)."""
        self._check_fitted()
        texts = _as_texts(texts)
        if len(texts) != len(self.topics_):
            raise InputError(f"discover: the model was fitted on {len(self.topics_)} notes, got {len(texts)}")
        self._texts, self._emb = texts, self._embed(texts, embeddings)
        return self

    # ------------------------------------------------------------------ persistence
    def save(self, path) -> None:
        """Save without pickle: BERTopic safetensors + JSON + Parquet/NumPy (see persist.py)."""
        from kvalitativ.discover.persist import save_discoverer

        save_discoverer(self, path)

    @classmethod
    def load(cls, path, embedder=None) -> "Discoverer":
        """Load a saved discoverer; pass the embedder it was fitted with to assign new notes."""
        from kvalitativ.discover.persist import load_discoverer

        return load_discoverer(path, embedder=embedder, cls=cls)
