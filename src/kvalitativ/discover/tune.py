"""Tune the discoverer on a small grid and recommend a setting by a stated rule.

For every setting and seed the discoverer is fitted on the same embeddings; per setting we
report the number of topics, the outlier share (before and after reduction), coherence
(NPMI of each topic's top-10 lemmatised terms over a sliding window of 10 tokens on these notes,
as gensim's ``c_npmi``: :mod:`kvalitativ.discover.coherence`),
topic diversity (unique share of the top-10 words), stability across seeds (mean pairwise adjusted
Rand index and mutual information between the seeds' full fits) and, with gold labels, NMI and ARI
against them.

**Two stabilities, named apart.** ``stability_ari`` / ``stability_mi`` compare full fits that
differ only in seed: with consensus Leiden they come back near 1 almost whatever the setting.
``discover`` publishes another, stricter figure: refits of the clustering step on seeded 80 %
resamples of the notes, with other seeds and a shuffled order (:mod:`kvalitativ.discover.stability`).
So that a setting tune calls stable is not called unstable by ``discover``, tune reports that same
figure for the first seed's fit, computed by the same function with discover's settings
(``stability_resampled``: the ARI between the fit and its refits, which ``discover`` prints and
warns on below :data:`~kvalitativ.discover.stability.LOW_ARI`; ``unstable_share``: the share of
topics ``discover`` would mark unstable).

**Recommendation rule** (:data:`RULE`): among settings whose mean outlier share is at most
the outlier target, that find at least ``min_topics`` (3) topics with every seed and that ``discover``
would not warn about (``stability_resampled`` >= ``LOW_ARI``; this condition is dropped when no
setting meets it, and the table says so in ``rule``), take the highest
``(NPMI + 1) / 2 × reproduced information``, where the reproduced information is the mean
pairwise mutual information between the seeds' assignments in bits (``stability_mi``); ties go
to the lower outlier share, then the larger min_topic_size. Gold labels are reported, never
used by the rule, so the recommendation is the one you would get without them.

Why mutual information and not ARI (the rule before): ARI is normalised, so a setting that puts
every note into three broad topics with every seed scores as stable as it gets while saying
little; both ARI and NPMI favour merging, and the ARI rule picked the coarsest setting of the
grid on SIB-200 and the sample, far below the grid's best by gold (docs/benchmarks.md,
Discovery quality). Mutual information counts the bits of the partition that come back with
another seed: finer topics that mostly come back beat coarse ones, and fine topics that do not
come back score low. ``stability_ari`` stays in the table.

UMAP is the slow step and depends only on (n_neighbors, n_components, seed): it is run once
per such triple and shared by the settings that differ only in clustering.
"""

from __future__ import annotations

import itertools

import numpy as np
import pandas as pd
from sklearn.metrics import adjusted_rand_score, normalized_mutual_info_score

from kvalitativ.config import DiscoverConfig
from kvalitativ.discover import submodels as sub
from kvalitativ.discover.coherence import WindowIndex, c_npmi
from kvalitativ.discover.fuzzy_graph import reused_graphs
from kvalitativ.discover.metrics import stability_ari, stability_mi, topic_diversity
from kvalitativ.discover.model import Discoverer, _as_texts
from kvalitativ.discover.representatives import normalise
from kvalitativ.discover.stability import LOW_ARI, UNSTABLE
from kvalitativ.errors import ConfigError, InputError, KvalitativError
from kvalitativ.text.lemmas import DanishAnalyzer

__all__ = ["tune", "DEFAULT_GRID", "RULE", "TUNABLE", "rule_text"]

_D = DiscoverConfig()
DEFAULT_GRID = {"min_topic_size": [10, 15, 25], "n_neighbors": [10, 15, 30], "n_components": [5]}
TUNABLE = ("min_topic_size", "n_neighbors", "n_components", "min_samples", "outlier_strategy", "clustering", "resolution")
MIN_TOPICS = 3


def rule_text(min_topics: int = MIN_TOPICS, resampled: str = "required") -> str:
    """The rule in words; *resampled*: "required", "none met" (the condition dropped) or "off"."""
    clause = {"required": f" and the resampled stability discover reports >= {LOW_ARI}",
              "none met": f" (no setting reached the resampled stability discover reports >= {LOW_ARI}: "
                          "condition dropped)",
              "off": ""}[resampled]
    return ("recommended = highest (NPMI+1)/2 × reproduced information (mean pairwise mutual information "
            "across seeds, bits) among settings "
            f"with mean outlier share <= the outlier target and >= {min_topics} topics for every seed{clause}; "
            "ties: lower outlier share, then larger min_topic_size; with one seed, NPMI alone; "
            "gold labels never used by the rule")


RULE = rule_text()


class _Precomputed:
    """A reducer that hands back vectors reduced once (BERTopic calls fit_transform)."""

    def __init__(self, reduced: np.ndarray):
        self.reduced = reduced

    def fit(self, X, y=None):
        return self

    def fit_transform(self, X, y=None):
        if len(X) != len(self.reduced):
            raise KvalitativError("tune: precomputed reduction does not match the notes")
        return self.reduced

    def transform(self, X):
        return self.fit_transform(X)


def _settings(grid) -> list[dict]:
    if grid is None:
        grid = DEFAULT_GRID
    if isinstance(grid, dict):
        keys = list(grid)
        values = [v if isinstance(v, (list, tuple)) else [v] for v in grid.values()]
        settings = [dict(zip(keys, combo)) for combo in itertools.product(*values)]
    else:
        settings = [dict(s) for s in grid]
    for s in settings:
        bad = set(s) - set(TUNABLE)
        if bad:
            raise ConfigError(f"tune: cannot tune {sorted(bad)}; tunable: {', '.join(TUNABLE)}")
    if not settings:
        raise ConfigError("tune: the grid is empty")
    return settings


def _reduce(emb, n_neighbors, n_components, seed, cache):
    key = (n_neighbors, n_components, seed)
    if key not in cache:  # the discoverer's own reducer, so a tuned setting fits as it was tuned
        cache[key] = sub.reducer("umap", len(emb), emb.shape[1], n_components=n_components, n_neighbors=n_neighbors,
                                 random_state=seed).fit_transform(emb)
    return cache[key]


def _resolved(setting: dict, base: dict) -> dict:
    """*setting* with ``n_neighbors`` as the number its fits use: where neither the grid nor the
    defaults give one, the clustering's default (30 for Leiden, 15 for UMAP + HDBSCAN), so the
    table's ``n_neighbors`` column says what was fitted."""
    if setting.get("n_neighbors", base["n_neighbors"]) is not None:
        return dict(setting)
    leiden = setting.get("clustering", _D.clustering) == "leiden"
    return {**setting, "n_neighbors": sub.DEFAULT_NEIGHBORS["leiden" if leiden else "hdbscan"]}


def _resampled_stability(d, seed: int, stability_seeds: int) -> dict:
    """The stability ``discover`` publishes for this fit (same function, discover's settings):
    {stability_resampled: ARI to the refits, unstable_share: topics below UNSTABLE}."""
    from kvalitativ.discover.stage import measure_stability

    if int(stability_seeds) <= 0:
        return {}
    if not isinstance(d.reducer, str):  # tune's shared UMAP layout: discover refits UMAP itself
        d.reducer = "umap"
    st = measure_stability(d, DiscoverConfig(stability_seeds=int(stability_seeds)), seed)
    if st is None:
        return {}
    return {"stability_resampled": st.ari, "unstable_share": float(np.mean(st.per_topic.stability < UNSTABLE))}


def tune(texts, embeddings, grid=None, seeds=(0, 1, 2), gold=None, outlier_target=_D.outlier_target,
         top_n: int = 10, min_topics: int = MIN_TOPICS, progress: bool = False, language: str = "auto",
         stability_seeds: int = _D.stability_seeds) -> pd.DataFrame:
    """Fit every setting of *grid* with every seed; one row per setting (see module doc).

    *grid*: ``{"min_topic_size": [10, 20], "n_neighbors": [15]}`` or a list of such dicts
    (tunable: min_topic_size, n_neighbors, n_components, min_samples, outlier_strategy, clustering,
    resolution — e.g. ``{"clustering": ["leiden"], "resolution": [1.0, 2.0]}``).
    *gold*: one label per note (e.g. a human theme), for NMI/ARI. *min_topics*: the fewest topics
    a recommended setting may find (coherence and stability both favour a few broad topics). Keywords here are plain
    c-TF-IDF (no embedder, no MMR step): the clustering is what is being tuned. *language* ("da", "en",
    "auto"): the lemmas and stop words of keywords and coherence, as in ``Discoverer``.
    *stability_seeds*: refits for ``stability_resampled`` on the first seed's fit, as
    ``discover.stability_seeds`` (0 = not measured, and the rule does without it).

    Example::

        table = tune(notes, vectors, {"min_topic_size": [10, 20], "n_neighbors": [10, 30]})
        table.loc[table.recommended]
    """
    texts = _as_texts(texts)
    emb = normalise(np.asarray(embeddings, dtype=np.float32)).astype(np.float32)
    if emb.shape[0] != len(texts):
        raise InputError(f"tune: {len(texts)} notes but {emb.shape[0]} embedding rows")
    seeds = [int(s) for s in seeds]
    if gold is not None:
        gold = np.asarray(gold, dtype=object)
        if len(gold) != len(texts):
            raise InputError(f"tune: {len(gold)} gold labels for {len(texts)} notes")
        known = np.array([g is not None and not (isinstance(g, float) and np.isnan(g)) for g in gold])
    base = {"min_topic_size": _D.min_topic_size, "n_neighbors": _D.n_neighbors, "n_components": _D.n_components}
    settings = [_resolved(s, base) for s in _settings(grid)]
    language = sub.data_language(language, texts)
    index = WindowIndex(texts, DanishAnalyzer(language=language))
    cache: dict = {}
    runs = [(i, s) for i in range(len(settings)) for s in seeds]
    if progress:
        from tqdm.auto import tqdm

        runs = tqdm(runs, desc="tuning", unit="fit", leave=False)
    results: dict[int, list[dict]] = {i: [] for i in range(len(settings))}
    first_fits: dict[int, Discoverer] = {}
    with reused_graphs():  # one neighbour graph for every seed and resolution of a setting
        for i, seed in runs:
            setting = {**base, **settings[i]}
            leiden = setting.get("clustering", _D.clustering) == "leiden"  # no layout: nothing to share
            reducer = "umap" if leiden else _Precomputed(_reduce(emb, setting["n_neighbors"], setting["n_components"],
                                                                 seed, cache))
            d = Discoverer(embedder=None, reducer=reducer, outlier_target=outlier_target,
                           diversity=0.0, n_representative=1, n_keywords=top_n, random_state=seed, language=language,
                           **setting)
            try:
                d.fit(texts, emb)
            except KvalitativError:
                results[i].append({"n_topics": 0, "topics": np.full(len(texts), -1)})
                continue
            words = list(d.topic_info_.keywords)
            r = {"n_topics": len(d.topic_ids_), "topics": d.topics_,
                 "outlier_share_before": d.outlier_share_before_, "outlier_share": d.outlier_share_,
                 "coherence_npmi": c_npmi(words, index, top_n), "diversity": topic_diversity(words, top_n)}
            if seed == seeds[0]:  # measured below, outside the graph reuse (its refits would evict the full graph)
                first_fits[i] = d
            if gold is not None:
                r["nmi"] = normalized_mutual_info_score(gold[known].astype(str), d.topics_[known])
                r["ari"] = adjusted_rand_score(gold[known].astype(str), d.topics_[known])
            results[i].append(r)
    for i, d in first_fits.items():  # the figure discover would publish for this setting and seed
        results[i][0].update(_resampled_stability(d, seeds[0], stability_seeds))
    first_fits.clear()
    rows = []
    for i, setting in enumerate(settings):
        rs = results[i]
        ok = [r for r in rs if r["n_topics"] > 0]
        row = {**{k: setting.get(k, base.get(k)) for k in list(base) + [k for k in TUNABLE if k in setting]}}
        if row.get("clustering", _D.clustering) == "leiden":
            row["n_components"] = None  # Leiden clusters the full vectors: no layout, no layout dimensions
        row["n_topics"] = float(np.mean([r["n_topics"] for r in rs]))  # the mean over the seeds
        row["n_topics_min"] = int(min(r["n_topics"] for r in rs))
        for m in ("outlier_share_before", "outlier_share", "coherence_npmi", "diversity", "nmi", "ari"):
            if m in ("nmi", "ari") and gold is None:
                continue
            row[m] = float(np.mean([r[m] for r in ok])) if ok else np.nan
        row["stability_ari"] = stability_ari([r["topics"] for r in rs]) if len(rs) > 1 else np.nan
        row["stability_mi"] = stability_mi([r["topics"] for r in rs])
        if int(stability_seeds) > 0:
            row["stability_resampled"] = rs[0].get("stability_resampled", np.nan)
            row["unstable_share"] = rs[0].get("unstable_share", np.nan)
        rows.append(row)
    table = pd.DataFrame(rows)
    for col in ("min_topic_size", "n_neighbors", "n_components", "min_samples"):  # whole numbers, even when empty
        if col in table.columns:                                                 # (Leiden has no n_components)
            table[col] = pd.to_numeric(table[col], errors="coerce").astype("Int64")
    return _recommend(table, outlier_target, min_topics, seeds)


def _recommend(table: pd.DataFrame, outlier_target, min_topics: int, seeds) -> pd.DataFrame:
    """Score every setting and mark the one the rule (:data:`RULE`) recommends."""
    target = outlier_target if outlier_target is not None else 1.0
    coherence = (table["coherence_npmi"] + 1) / 2
    # one seed reproduces nothing to measure: its "stability" would be the partition's entropy,
    # which grows with the topic count, so the rule is coherence alone (as it was with ARI)
    table["score"] = coherence * table["stability_mi"] if len(tuple(seeds)) > 1 else coherence
    table["eligible"] = (table["outlier_share"] <= target + 1e-9) & (table["n_topics_min"] >= int(min_topics))
    resampled = "off"
    if "stability_resampled" in table:  # never recommend what discover will warn about, where any setting passes
        steady = table["stability_resampled"] >= LOW_ARI
        resampled = "required" if (table["eligible"] & steady).any() else "none met"
        if resampled == "required":
            table["eligible"] &= steady
    pool = table[table["eligible"] & table["score"].notna()]
    if pool.empty:
        pool = table[table["score"].notna()]
    table["recommended"] = False
    if not pool.empty:
        best = pool.sort_values(["score", "outlier_share", "min_topic_size"], ascending=[False, True, False],
                                kind="stable").index[0]
        table.loc[best, "recommended"] = True
    table["rule"] = rule_text(min_topics, resampled)
    table.attrs["rule"] = rule_text(min_topics, resampled)
    table.attrs["seeds"] = seeds
    return table
