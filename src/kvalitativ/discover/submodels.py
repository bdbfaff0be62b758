"""What fills BERTopic's sub-model slots for the discoverer, from its parameters.

BERTopic stays the framework: a better reducer, clusterer, vectoriser or representation goes
into its slot here (``umap_model``, ``hdbscan_model``, ``vectorizer_model``, ``ctfidf_model``,
``representation_model``, ``seed_topic_list``), not around BERTopic. Also the two small text
helpers topics are named and guided with: :func:`auto_label` and :func:`seed_topics_from_codebook`.
"""

from __future__ import annotations

import math

import numpy as np

from kvalitativ.config import DiscoverConfig
from kvalitativ.constants import CLUSTERINGS  # re-exported
from kvalitativ.errors import ConfigError, InputError
from kvalitativ.text.lemmas import LANGUAGES, lemmatise_phrase

__all__ = ["CLUSTERINGS", "DEFAULT_CONSENSUS_RUNS", "DEFAULT_NEIGHBORS", "neighbours_of", "slots", "leiden_resolution", "data_language", "configured_language", "vectorizer", "fit_vocabulary", "ctfidf", "representation", "reducer", "clusterer", "seed_lists",
           "auto_label", "seed_topics_from_codebook", "as_texts", "nearest_for_rest", "reduce_outliers"]


def data_language(language, texts=()) -> str:
    """The language discovery makes its keywords, labels and coherence in: ``language`` when it
    names one the analyzer has ("da", "en"), else (``"auto"``/None) what most notes are read as —
    the evidence keywords' rule (:func:`kvalitativ.evidence.keywords.keyword_language`) over each
    note's :func:`~kvalitativ.text.language.guess_language`, as ingest fills the ``language`` column."""
    if language in LANGUAGES:
        return language
    if language not in (None, "auto"):
        raise ConfigError(f"discover: language '{language}' is not one of auto, {', '.join(LANGUAGES)}")
    import pandas as pd

    from kvalitativ.evidence.keywords import keyword_language
    from kvalitativ.text.language import guess_language

    return keyword_language(pd.DataFrame({"language": [guess_language(t) for t in texts]}))


def configured_language(corpus, config) -> str:
    """The run's discovery language: ``ingest.language``, or with ``auto`` what most notes were read
    as at ingest (their ``language`` column) — the evidence keywords' rule, one for both."""
    from kvalitativ.evidence.keywords import keyword_language

    if "language" not in corpus.columns and "text" in corpus.columns:  # not from ingest: guess, as Discoverer does
        return data_language(config.ingest.language, corpus["text"])
    return keyword_language(corpus, config.ingest.language)


def vectorizer(analyzer, vocabulary=None):
    """BERTopic counts words per *topic*, so a note-level minimum needs a fixed vocabulary."""
    from sklearn.feature_extraction.text import CountVectorizer

    return CountVectorizer(analyzer=analyzer, vocabulary=vocabulary)


def fit_vocabulary(analyzer, texts: list[str], min_df: int) -> list[str]:
    """Words in at least ``min_df`` notes (lowered until two words qualify on a small corpus:
    BERTopic's c-TF-IDF cannot weigh a vocabulary of one word)."""
    from sklearn.feature_extraction.text import CountVectorizer

    for df in range(max(1, int(min_df)), 0, -1):
        try:
            cv = CountVectorizer(analyzer=analyzer, min_df=df).fit(texts)
        except ValueError:  # nothing occurs that often (or no words at all)
            continue
        if len(cv.vocabulary_) >= 2:
            return sorted(cv.vocabulary_)
    raise InputError("discover: the notes have fewer than two distinct words left after removing stop words "
                     "and numbers; discovery needs more (or longer) notes")


def ctfidf():
    from bertopic.vectorizers import ClassTfidfTransformer

    # reduce_frequent_words: sqrt term frequency, so "ikke" does not top every topic.
    return ClassTfidfTransformer(reduce_frequent_words=True)


def representation(embedder, diversity: float, n_keywords: int):
    """Maximal marginal relevance over candidate keywords (needs an embedder; None = plain c-TF-IDF)."""
    if embedder is None or float(diversity) <= 0:
        return None
    from bertopic.representation import MaximalMarginalRelevance

    return MaximalMarginalRelevance(diversity=float(diversity), top_n_words=int(n_keywords))


def reducer(kind, n: int, dim: int, *, n_components: int, n_neighbors: int, random_state):
    """UMAP (PCA start: deterministic across processes; exact neighbours), PCA, or the object given."""
    nc = max(1, min(int(n_components), n - 2, dim))
    if kind == "umap":
        from kvalitativ.discover.exact_umap import ExactUMAP

        return ExactUMAP(n_neighbors=max(2, min(int(n_neighbors), n - 1)), n_components=nc,
                         min_dist=0.0, metric="cosine", random_state=random_state, n_jobs=1, init="pca")
    if kind == "pca":
        from sklearn.decomposition import PCA

        return PCA(n_components=nc, random_state=random_state)
    if hasattr(kind, "fit") and hasattr(kind, "transform"):
        return kind
    raise ConfigError(f"discover: reducer must be 'umap', 'pca' or an object with fit/transform, not {kind!r}")


#: Neighbours per note when ``n_neighbors`` is None (the default): 30 for Leiden's graph (the
#: rule set before the run in docs/benchmarks.md, "third round": higher mean NMI over six data sets,
#: no set lower by more than 0.01, seed ARI ≥ 0.80 kept), 15 for UMAP (its and BERTopic's default).
DEFAULT_NEIGHBORS = {"leiden": 30, "hdbscan": 15}


def neighbours_of(d) -> int:
    """The neighbours per note discoverer *d* uses: its ``n_neighbors``, or with None the default
    of its clustering (:data:`DEFAULT_NEIGHBORS`)."""
    if d.n_neighbors is not None:
        return int(d.n_neighbors)
    return DEFAULT_NEIGHBORS.get(getattr(d, "clustering", "hdbscan"), DEFAULT_NEIGHBORS["hdbscan"])


#: The words' share of the graph's similarity spread with ``lexical_share`` None: 0.1 with Leiden
#: (the sixth round's rule, docs/benchmarks.md), none with HDBSCAN (not measured there).
DEFAULT_LEXICAL_SHARE = {"leiden": 0.1, "hdbscan": 0.0}


#: Leiden runs the consensus is taken over (``Discoverer(consensus_runs=…)``): a number, or None =
#: by the graph's size (``graph_cluster.consensus_runs``: 10 to 50 within an edge budget; the
#: default since the seventh round's rule, docs/benchmarks.md: the smallest seed ARI over six sets
#: 0.818 against 0.746 with 10, mean NMI 0.413 against 0.417; the candidates were chosen after a
#: diagnosis on two of the six sets, SIB-200 Danish and Norwegian). A model saved before the option was
#: fitted with 10 (``persist``).
DEFAULT_CONSENSUS_RUNS = DiscoverConfig.consensus_runs  # one default: the config's


def consensus_runs_of(d, refit: bool = False):
    """Leiden's consensus runs for discoverer *d*: its ``consensus_runs`` (None = by the graph's
    size); for a refit of a fitted model (stability) with None, the number the model's fit used
    (``consensus_runs_``), so that a refit on a share of the notes clusters as the model did."""
    runs = getattr(d, "consensus_runs", DEFAULT_CONSENSUS_RUNS)
    if runs is None and refit:
        return getattr(d, "consensus_runs_", None)
    return runs


def lexical_share_of(d) -> float:
    """The words' share of the spread discoverer *d* uses: its ``lexical_share``, or with None the
    default of its clustering (:data:`DEFAULT_LEXICAL_SHARE`), 0 when it is guided (``seed_topics``)
    or has a fixed ``lexical_weight`` above 0."""
    if getattr(d, "lexical_share", None) is not None:
        return float(d.lexical_share)
    if float(getattr(d, "lexical_weight", 0.0) or 0.0) > 0 or getattr(d, "seed_topics", None) is not None:
        return 0.0
    return DEFAULT_LEXICAL_SHARE.get(getattr(d, "clustering", "hdbscan"), 0.0)


def leiden_resolution(per_1000: float, n: int) -> float:
    """Leiden's modularity resolution for *n* notes: *per_1000* × n / 1,000 (at least *per_1000*).

    Why: modularity cannot resolve communities below about sqrt(2 × edges / resolution), and the
    neighbour graph's edges grow with the notes, so one fixed resolution gives ever broader topics
    on larger corpora (1.0: 11 topics on 1,004 SIB-200 sentences, 60 on 4,189 sample notes).
    Growing it with the notes keeps topics of a comparable size, as ``min_topic_size`` does."""
    return float(per_1000) * max(1.0, n / 1000.0)


def slots(d, n: int, dim: int, *, random_state=None, min_topic_size=None, resolution_notes=None, refit=False):
    """(umap_model, hdbscan_model) for discoverer *d*: UMAP + HDBSCAN, or for ``leiden`` an
    identity reducer and consensus Leiden on the full vectors (the graph needs no layout).
    *random_state*/*min_topic_size* override the discoverer's, and *resolution_notes* the notes
    Leiden's resolution is set for (stability refits: the model's, so a refit on a share of the
    notes cuts them as finely as the model; communities number about in proportion to γ);
    *refit*: a stability refit of a fitted model, which takes the consensus runs its fit used."""
    seed = d.random_state if random_state is None else random_state
    mcs = int(d.min_topic_size if min_topic_size is None else min_topic_size)
    if getattr(d, "clustering", "hdbscan") == "leiden":
        from bertopic.dimensionality import BaseDimensionalityReduction

        try:
            import leidenalg  # noqa: F401
        except ImportError as e:
            raise ConfigError("discover: clustering 'leiden' needs the leidenalg package (pip install leidenalg)") from e

        from kvalitativ.discover.graph_cluster import LeidenClusterer

        return BaseDimensionalityReduction(), LeidenClusterer(
            n_neighbors=neighbours_of(d), resolution=leiden_resolution(d.resolution, resolution_notes or n),
            min_cluster_size=mcs, random_state=seed, graph=getattr(d, "graph", "fuzzy"),
            n_runs=consensus_runs_of(d, refit=refit))
    return (reducer(d.reducer, n, dim, n_components=d.n_components, n_neighbors=neighbours_of(d), random_state=seed),
            clusterer(mcs, d.min_samples))


def clusterer(min_topic_size: int, min_samples):
    from hdbscan import HDBSCAN

    ms = None if min_samples is None else int(min_samples)
    return HDBSCAN(min_cluster_size=int(min_topic_size), min_samples=ms, metric="euclidean",
                   cluster_selection_method="eom", prediction_data=False)


def seed_lists(seed_topics, embedder, language: str = "da"):
    """Seed-word lists for guided topic modelling from a codebook or lists of words (None = unguided),
    lemmatised in the notes' *language* (so they meet the keyword vocabulary)."""
    if seed_topics is None:
        return None
    if isinstance(seed_topics, (list, tuple)) and all(isinstance(s, (list, tuple)) for s in seed_topics):
        seeds = [[lemmatise_phrase(w, language) or str(w).lower() for w in s] for s in seed_topics]
        seeds = [[w for w in s if w] for s in seeds]
    else:
        seeds = seed_topics_from_codebook(seed_topics, language)
    seeds = [s for s in seeds if s]
    if not seeds:
        return None
    if embedder is None:
        raise ConfigError("discover: seed topics (a codebook) need an embedder to embed the seed words; "
                          "pass embedder=get_embedder('e5') (CLI: --embedder e5)")
    return seeds


def _theme_get(theme, key, default=None):
    if isinstance(theme, dict):
        return theme.get(key, default)
    return getattr(theme, key, default)


def seed_topics_from_codebook(codebook, language: str = "da") -> list[list[str]]:
    """One seed-word list per codebook theme: its lemmatised label and keywords (guided BERTopic)."""
    themes = _theme_get(codebook, "themes", codebook)
    out = []
    for th in themes:
        words: list[str] = []
        for phrase in [_theme_get(th, "label", "")] + list(_theme_get(th, "keywords", None) or []):
            lem = lemmatise_phrase(str(phrase), language)
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


def nearest_for_rest(emb: np.ndarray, topics: np.ndarray, k: int) -> np.ndarray:
    """*topics* with the *k* outliers (-1) closest to a topic centroid (cosine) moved to that topic."""
    from kvalitativ.discover.representatives import centroids, normalise

    new = np.asarray(topics, dtype=int).copy()
    rest = np.flatnonzero(new == -1)
    ids = sorted(set(new.tolist()) - {-1})
    sims = normalise(emb[rest]) @ centroids(emb, new, ids).T
    order = np.argsort(-sims.max(axis=1), kind="stable")
    for r in order[:k]:
        new[rest[r]] = ids[int(np.argmax(sims[r]))]
    return new


def reduce_outliers(d) -> None:
    """Discoverer *d*'s outliers down to its ``outlier_target``: the outliers closest to a topic move
    (a similarity threshold chosen so exactly enough move), then BERTopic's topics are updated."""
    from sklearn.metrics.pairwise import cosine_similarity

    from kvalitativ.discover.backend import _quiet_bertopic

    m, texts, emb = d.model_, d._texts, d._emb
    topics = np.asarray(m.topics_, dtype=int)
    n = len(topics)
    out_idx = np.flatnonzero(topics == -1)
    n_move = len(out_idx) - int(math.floor(float(d.outlier_target) * n + 1e-9))
    strategy = d.outlier_strategy
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
        if np.mean(new == -1) > float(d.outlier_target) + 1e-12:
            # c-TF-IDF gives 0 for notes sharing no keyword with any topic: fall back to embeddings
            new = nearest_for_rest(emb, new, len(np.flatnonzero(new == -1))
                                       - int(math.floor(float(d.outlier_target) * n + 1e-9)))
        m.update_topics(texts, topics=new.tolist(), top_n_words=int(d.n_keywords),
                        vectorizer_model=d._vectorizer(), ctfidf_model=d._ctfidf(),
                        representation_model=None)
    d.outlier_threshold_ = threshold if strategy == "embeddings" else None


def as_texts(texts) -> list[str]:
    """Notes as a list of str (None and NaN become ""); one string is an error, not a list of letters."""
    if isinstance(texts, str):
        raise InputError("discover: pass a list of notes, not one string")
    arr = np.asarray(texts, dtype=object)
    return ["" if (t is None or (isinstance(t, float) and math.isnan(t))) else str(t) for t in arr]
