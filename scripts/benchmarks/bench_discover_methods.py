"""Which clustering finds the themes people find? Every candidate on the same cached e5 vectors.

Two labelled data sets the issue reports on, read in place:

* SIB-200 Danish (``../shared/eval/sib200/dan_Latn``, 1,004 sentences, 7 human topics);
* the sample corpus (``corpora/sample``): each note's gold theme is the theme of its first gold
  span (by start offset), valence ignored; notes without a gold span are left out of NMI/ARI
  (they are still clustered) and counted in the output.

and held-out checks (``--only``), which no constant of discovery was chosen on: SIB-200 Swedish,
Norwegian (Bokmål) and English (``sib200_swe``, ``sib200_nob``, ``sib200_eng``: the same sentences
and topics translated, so not independent of the Danish set), and SIGHT (``sight``: English
lecture comments, the 197 of 289 both coders gave exactly one and the same of 10 categories).

Every method sees the same unit-length e5 vectors ("query: " prefix, through the on-disk cache)
and runs with seeds 0, 1, 2 (mean reported). NMI/ARI are against the human labels; notes left as
outliers count as one more cluster, for every method alike. Methods:

* ``current``: the discoverer as it was (UMAP spectral init, HDBSCAN, outlier target 0.2);
* ``bertopic_defaults``: ``BERTopic()`` with its default sub-models (UMAP 15/5/cosine, HDBSCAN
  min_cluster_size 10) given the vectors; ``+ reduce_outliers``: its
  ``reduce_outliers(strategy="embeddings")`` afterwards;
* ``kmeans_true_k``: k-means with the true number of classes (a baseline a user cannot have);
* candidates, each with k or clusters chosen from the data only: HDBSCAN settings (leaf/eom,
  min_samples), HDBSCAN in the full embedding space, every outlier assigned to its nearest
  centroid, UMAP with PCA init, and k-means / agglomerative (Ward) / spectral clustering with k
  chosen by the silhouette (cosine, full space) over k = 2 … 30;
* ``discoverer, clustering leiden``: consensus Leiden communities of the fuzzy neighbour graph
  (``discover.clustering: leiden``, resolution 1.0 and 2.0 per 1,000 notes; before commit 74023b6
  these were fixed resolutions), and UMAP with 1,000 epochs (PCA init) + HDBSCAN 10: the
  candidates for stability across seeds.

AMI (adjusted mutual information) is reported beside NMI: NMI rewards many clusters by chance
alone (a random partition into 100 clusters of 3,000 notes scores well above 0), AMI does not.

``--graph-variants`` runs consensus Leiden on the shipped graph and the two alternatives of the
rule in docs/benchmarks.md (fuzzy graph with 30 neighbours; shared-nearest-neighbour Jaccard
graph), seeds 0–4, as ``--core`` scores them.

``--lexical-variants`` runs consensus Leiden on the shipped graph (fuzzy, 30 neighbours, the
vectors alone) beside the same graph built on vectors and words (``discover.lexical_weight`` 0.15
and 0.3: cosine = (1 − a)·cos_e5 + a·cos of the notes' TF-IDF), seeds 0–4, as ``--core`` scores them.

``--sixth-round`` runs consensus Leiden on the shipped graph beside the sixth round's candidates
(docs/benchmarks.md): the words on e5's scale (``discover.lexical_share`` 0.1 and 0.25: the
lexical weight chosen so the words carry that share of the similarity's spread; the weight used is
printed) and the graph on centred vectors (``discover.center`` mean and abtt), seeds 0–4, as
``--core`` scores them; ``--combined JSON`` measures other settings the same way (e.g. A and B
together).

``--seventh-round`` runs consensus Leiden with 10 consensus runs (the default before the seventh
round) beside the seventh round's candidates (docs/benchmarks.md): 30 consensus runs, and as many
runs as an edge budget allows (``Discoverer(consensus_runs=None)``: 10 to 50, the default since
that round; the number used is printed), seeds 0–4, as ``--core``
scores them, plus each row's run on the notes in a shuffled order (seed 0) against seed 0's
(``shuffled ARI``).

``--core`` runs the issue's baselines and the candidate defaults with seeds 0–4: gold scores
averaged over the seeds, and the mean adjusted Rand index between the five seeds' partitions
(every note; outliers as one more cluster) — the run the default is decided on.

Usage::

    .venv/bin/python scripts/benchmarks/bench_discover_methods.py [--json out/bench_discover_methods.json]
    .venv/bin/python scripts/benchmarks/bench_discover_methods.py --core --only sib200_swe
"""

from __future__ import annotations

import argparse
import json
import os
import sys
import time
from itertools import combinations
from pathlib import Path

import numpy as np
import pandas as pd
from sklearn.metrics import adjusted_mutual_info_score, adjusted_rand_score, normalized_mutual_info_score

REPO = Path(__file__).resolve().parents[2]
SIB = REPO.parent / "shared" / "eval" / "sib200" / "dan_Latn"
SIGHT = REPO.parent / "shared" / "eval" / "sight" / "sight_two_coders_289.csv"
SAMPLE = REPO / "corpora" / "sample"
SEEDS = (0, 1, 2)
#: --core: every method with seeds 0-4, gold scores averaged and the ARI between the seeds' partitions.
DECIDE_SEEDS = (0, 1, 2, 3, 4)
K_RANGE = range(2, 31)


def load_sib(lang: str = "dan_Latn") -> tuple[list[str], np.ndarray, int]:
    path = SIB.parent / lang
    if not path.is_dir():
        sys.exit(f"{path}: not found (the shared eval data sits beside the repository)")
    df = pd.concat([pd.read_csv(path / f"{s}.tsv", sep="\t") for s in ("train", "dev", "test")], ignore_index=True)
    return df.text.tolist(), df.category.to_numpy(dtype=object), 0


def load_sight() -> tuple[list[str], np.ndarray, int]:
    """SIGHT (English lecture comments, 10 yes/no categories, two coders): the comments both coders
    gave exactly one and the same category, that category as gold (197 of 289)."""
    if not SIGHT.is_file():
        sys.exit(f"{SIGHT}: not found (the shared eval data sits beside the repository)")
    df = pd.read_csv(SIGHT)
    cats = [c.removeprefix("annotator_H1_") for c in df.columns if c.startswith("annotator_H1_")]
    h1 = df[[f"annotator_H1_{c}" for c in cats]].fillna(0).to_numpy()
    h2 = df[[f"annotator_H2_{c}" for c in cats]].fillna(0).to_numpy()
    keep = (h1.sum(1) == 1) & (h2.sum(1) == 1) & (h1.argmax(1) == h2.argmax(1))
    return df.comment[keep].astype(str).tolist(), np.asarray(cats, dtype=object)[h1[keep].argmax(1)], 0




def load_sample() -> tuple[list[str], np.ndarray, int]:
    """The redacted notes discovery sees, and each note's first gold theme (None when it has none)."""
    from kvalitativ.config import RunConfig
    from kvalitativ.discover.stage import read_notes

    corpus, _ = read_notes(SAMPLE / "notes.csv", RunConfig())
    gold = pd.read_csv(SAMPLE / "gold_codings.csv").sort_values(["note_id", "start", "end"], kind="stable")
    first = gold.drop_duplicates("note_id").set_index("note_id").theme_id
    y = corpus.note_id.astype(str).map(first).to_numpy(dtype=object)
    return corpus.text.fillna("").astype(str).tolist(), y, int(pd.isna(y).sum())


#: Held-out sets: the resolution rule and the choice of default were formed without them. The SIB-200
#: translations hold the same 1,004 sentences and topics as the Danish set (not independent of it).
DATASETS = {"sib200": load_sib, "sample": load_sample,
            "sib200_swe": lambda: load_sib("swe_Latn"), "sib200_nob": lambda: load_sib("nob_Latn"),
            "sib200_eng": lambda: load_sib("eng_Latn"), "sight": load_sight}


def score(y, labels) -> dict:
    known = ~pd.isna(y)
    yk, lk = y[known].astype(str), np.asarray(labels)[known]
    return {"nmi": normalized_mutual_info_score(yk, lk), "ari": adjusted_rand_score(yk, lk),
            "ami": adjusted_mutual_info_score(yk, lk),
            "n_clusters": int(len(set(np.asarray(labels).tolist()) - {-1})),
            "outliers": float(np.mean(np.asarray(labels) == -1))}


def umap(X, seed, init="spectral", n_neighbors=15, n_components=5, n_epochs=None):
    from umap import UMAP

    return UMAP(n_neighbors=n_neighbors, n_components=n_components, min_dist=0.0, metric="cosine",
                random_state=seed, n_jobs=1, init=init, n_epochs=n_epochs).fit_transform(X)


def hdbscan(R, mcs, ms=None, method="eom"):
    from hdbscan import HDBSCAN

    return HDBSCAN(min_cluster_size=mcs, min_samples=ms, cluster_selection_method=method).fit_predict(R)


def assign_all(X, labels):
    """Every outlier to its nearest cluster centroid (cosine in the full space)."""
    labels = np.asarray(labels).copy()
    ids = sorted(set(labels.tolist()) - {-1})
    if not ids or not np.any(labels == -1):
        return labels
    C = np.vstack([X[labels == t].mean(axis=0) for t in ids])
    C /= np.linalg.norm(C, axis=1, keepdims=True)
    out = labels == -1
    labels[out] = np.asarray(ids)[np.argmax(X[out] @ C.T, axis=1)]
    return labels


def silhouette_k(X, D, fit_k) -> tuple[int, np.ndarray]:
    """The k in K_RANGE with the highest cosine silhouette (full space), and its labels."""
    from sklearn.metrics import silhouette_score

    best = (-2.0, None, None)
    for k in K_RANGE:
        lab = fit_k(k)
        s = silhouette_score(D, lab, metric="precomputed")
        if s > best[0]:
            best = (s, k, lab)
    return best[1], best[2]


def bertopic_defaults(texts, X, seed, reduce=False, both=False):
    from bertopic import BERTopic
    from hdbscan import HDBSCAN
    from umap import UMAP

    # BERTopic's own defaults (bertopic/_bertopic.py), with a seed so the run can be repeated
    m = BERTopic(umap_model=UMAP(n_neighbors=15, n_components=5, min_dist=0.0, metric="cosine",
                                 low_memory=False, random_state=seed),
                 hdbscan_model=HDBSCAN(min_cluster_size=10, metric="euclidean",
                                       cluster_selection_method="eom", prediction_data=True),
                 language="multilingual", verbose=False)
    topics, _ = m.fit_transform(texts, embeddings=X)
    if both:  # one fit, before and after reduce_outliers
        return np.asarray(topics), np.asarray(m.reduce_outliers(texts, topics, strategy="embeddings", embeddings=X))
    if reduce:
        topics = m.reduce_outliers(texts, topics, strategy="embeddings", embeddings=X)
    return np.asarray(topics)


def _old_defaults(texts, X, seed):
    from kvalitativ.discover import Discoverer

    red = umap(X, seed)  # spectral init, as the discoverer had it
    return Discoverer(reducer=_Fixed(red), outlier_target=0.2, random_state=seed, diversity=0.0,
                      clustering="hdbscan").fit(texts, X).topics_


class _Fixed:
    """A reducer handing back vectors reduced beforehand (BERTopic's umap_model slot)."""

    def __init__(self, reduced):
        self.reduced = reduced

    def fit(self, X, y=None):
        return self

    def fit_transform(self, X, y=None):
        return self.reduced

    def transform(self, X):
        return self.reduced


#: The candidates for stability across seeds (also run by --stability-only), besides the defaults.
def leiden(resolution=1.0):
    return {"clustering": "leiden", "resolution": resolution}


def umap_epochs_hdbscan(texts, X, seed):
    """UMAP (PCA init) with 1,000 epochs instead of 200 + HDBSCAN 10, every outlier assigned."""
    return assign_all(X, hdbscan(umap(X, seed, init="pca", n_epochs=1000), 10))


def core_methods(texts, X, seed, cache):
    """The issue's baselines, the default, the default before and the stability candidates."""
    from sklearn.cluster import KMeans

    from kvalitativ.discover import Discoverer

    def disc(**kw):
        return Discoverer(random_state=seed, diversity=0.0, **kw).fit(texts, X).topics_

    plain, reduced = bertopic_defaults(texts, X, seed, both=True)
    return {
        "discoverer, hdbscan, min_topic_size 10": disc(clustering="hdbscan"),
        "discoverer, hdbscan, min_topic_size 15": disc(clustering="hdbscan", min_topic_size=15),
        "discoverer, clustering leiden (resolution 1.0 per 1,000 notes)": disc(**leiden(1.0)),
        "discoverer, clustering leiden, vectors alone (lexical_share 0: the default before the sixth round)":
            disc(**leiden(1.0), lexical_share=0.0),
        "discoverer, clustering leiden, resolution 0.5 (sensitivity)": disc(**leiden(0.5)),
        "discoverer, clustering leiden, resolution 2.0 (sensitivity)": disc(**leiden(2.0)),
        "umap (pca init, 1000 epochs) + hdbscan 10, all assigned": umap_epochs_hdbscan(texts, X, seed),
        "bertopic_defaults": plain,
        "bertopic_defaults + reduce_outliers(embeddings)": reduced,
        "kmeans_true_k": KMeans(cache["true_k"], n_init=10, random_state=seed).fit_predict(X),
    }


def graph_methods(texts, X, seed):
    """--graph-variants: consensus Leiden (1.0 per 1,000 notes) on the graph shipped before the rule
    (fuzzy, 15 neighbours) and the two alternatives the rule in docs/benchmarks.md names (fuzzy graph
    with 30 neighbours, now the default; PhenoGraph's shared-nearest-neighbour Jaccard graph with 15)."""
    from kvalitativ.discover import Discoverer

    def disc(graph="fuzzy", **kw):
        d = Discoverer(random_state=seed, diversity=0.0, lexical_share=0.0, **leiden(1.0), **kw)  # the vectors alone
        d.graph = graph  # read by submodels.slots; a measured variant, not a Discoverer parameter
        return d.fit(texts, X).topics_

    # neighbours named, not left to the default (30 since the rule chose it): the rows stay what they say
    return {"leiden, fuzzy graph, n_neighbors 15 (shipped before)": disc(n_neighbors=15),
            "leiden, fuzzy graph, n_neighbors 30 (shipped now)": disc(n_neighbors=30),
            "leiden, shared-nearest-neighbour (Jaccard) graph, 15": disc("snn", n_neighbors=15)}


#: --lexical-variants: the weights of the words in the graph's similarity, set before the run (docs/benchmarks.md).
LEXICAL_WEIGHTS = (0.15, 0.3)


def lexical_methods(texts, X, seed):
    """--lexical-variants: consensus Leiden (1.0 per 1,000 notes, 30 neighbours, named) on the shipped
    graph and on the graph of vectors beside words (``lexical_weight``), the same seed."""
    from kvalitativ.discover import Discoverer

    def disc(w):
        return Discoverer(random_state=seed, diversity=0.0, n_neighbors=30, lexical_weight=w,
                          lexical_share=0.0, **leiden(1.0)).fit(texts, X).topics_

    out = {"leiden, fuzzy graph, 30 neighbours, vectors alone (shipped)": disc(0.0)}
    for w in LEXICAL_WEIGHTS:
        out[f"leiden, fuzzy graph, 30 neighbours, vectors + words, lexical_weight {w}"] = disc(w)
    return out


#: --sixth-round: the candidates, named before the run (docs/benchmarks.md, sixth round): the words'
#: share of the similarity's spread (lexical_share) and the vectors the graph is built on (center).
SIXTH_ROUND = ({"lexical_share": 0.1}, {"lexical_share": 0.25}, {"center": "mean"}, {"center": "abtt"})


def sixth_round_methods(texts, X, seed, cache):
    """--sixth-round: consensus Leiden (1.0 per 1,000 notes, 30 neighbours, named) on the shipped
    graph and on each candidate of :data:`SIXTH_ROUND` (or ``--combined``'s), the same seed; the
    weight each ``lexical_share`` resolved to goes to ``cache["resolved"]``."""
    from kvalitativ.discover import Discoverer

    out = {}
    for params in ({},) + tuple(cache.get("sixth_round_params") or SIXTH_ROUND):
        # the words' share named in every row (0 unless the row sets it): the rows stay what they say
        d = Discoverer(random_state=seed, diversity=0.0, n_neighbors=30, **leiden(1.0),
                       **{"lexical_share": 0.0, **params}).fit(texts, X)
        name = ("leiden, fuzzy graph, 30 neighbours, vectors alone (shipped)" if not params else
                "leiden, fuzzy graph, 30 neighbours, " + ", ".join(f"{k} {v}" for k, v in params.items()))
        out[name] = d.topics_
        if params.get("lexical_share"):
            cache.setdefault("resolved", {}).setdefault(name, set()).add(round(d.lexical_weight_, 6))
    return out


#: --seventh-round: the candidates, named before the run (docs/benchmarks.md, seventh round): Leiden's
#: consensus runs (``Discoverer(consensus_runs=…)``; None = by the graph's edges, 10 to 50).
SEVENTH_ROUND = ({"consensus_runs": 30}, {"consensus_runs": None})


def seventh_round_methods(texts, X, seed, cache):
    """--seventh-round: consensus Leiden (1.0 per 1,000 notes, 30 neighbours and the words' share
    0.1 named) with 10 consensus runs (the default before the round) and with each candidate of :data:`SEVENTH_ROUND`,
    the same seed; the runs each row used go to ``cache["runs_used"]``."""
    from kvalitativ.discover import Discoverer

    out = {}
    for params in ({"consensus_runs": 10},) + SEVENTH_ROUND:
        d = Discoverer(random_state=seed, diversity=0.0, n_neighbors=30, lexical_share=0.1, **leiden(1.0),
                       **params).fit(texts, X)
        runs = params["consensus_runs"]
        name = ("leiden, 10 consensus runs (shipped before the seventh round)" if runs == 10 else
                f"leiden, {runs} consensus runs" if runs else
                "leiden, consensus runs by the edge budget (None, the default since the seventh round)")
        out[name] = d.topics_
        cache.setdefault("runs_used", {}).setdefault(name, set()).add(int(d.model_.hdbscan_model.n_runs_))
    return out


def methods(texts, X, seed, cache):
    """{name: labels} for one seed; UMAP runs are shared between methods through *cache*."""
    from sklearn.cluster import AgglomerativeClustering, KMeans, SpectralClustering

    from kvalitativ.discover import Discoverer

    if cache.get("seventh_round"):
        return seventh_round_methods(texts, X, seed, cache)
    if cache.get("sixth_round"):
        return sixth_round_methods(texts, X, seed, cache)
    if cache.get("lexical_variants"):
        return lexical_methods(texts, X, seed)
    if cache.get("graph_variants"):
        return graph_methods(texts, X, seed)
    if cache.get("core"):
        return core_methods(texts, X, seed, cache)
    red = umap(X, seed)
    red_pca = umap(X, seed, init="pca")
    out = {
        "discoverer, hdbscan (all assigned, UMAP PCA init)": Discoverer(random_state=seed, diversity=0.0, clustering="hdbscan").fit(texts, X).topics_,
        "discoverer, clustering leiden (resolution 1.0)": Discoverer(random_state=seed, diversity=0.0, **leiden()).fit(texts, X).topics_,
        "discoverer, hdbscan, min_topic_size 15": Discoverer(random_state=seed, diversity=0.0, min_topic_size=15, clustering="hdbscan").fit(texts, X).topics_,
        "discoverer, hdbscan, min_topic_size 10": Discoverer(random_state=seed, diversity=0.0, min_topic_size=10, clustering="hdbscan").fit(texts, X).topics_,
        "discoverer, old defaults (outlier_target 0.2, UMAP spectral init)": _old_defaults(texts, X, seed),
        "bertopic_defaults": bertopic_defaults(texts, X, seed),
        "bertopic_defaults + reduce_outliers(embeddings)": bertopic_defaults(texts, X, seed, reduce=True),
        "kmeans_true_k": KMeans(cache["true_k"], n_init=10, random_state=seed).fit_predict(X),
        "umap+hdbscan mcs15": hdbscan(red, 15),
        "umap+hdbscan mcs15, all assigned": assign_all(X, hdbscan(red, 15)),
        "umap(pca init)+hdbscan mcs15, all assigned": assign_all(X, hdbscan(red_pca, 15)),
        "umap+hdbscan mcs15 ms5, all assigned": assign_all(X, hdbscan(red, 15, 5)),
        "umap+hdbscan mcs15 leaf, all assigned": assign_all(X, hdbscan(red, 15, method="leaf")),
        "umap+hdbscan mcs10, all assigned": assign_all(X, hdbscan(red, 10)),
        "umap+hdbscan mcs25, all assigned": assign_all(X, hdbscan(red, 25)),
        "umap+hdbscan min share 1%, all assigned": assign_all(X, hdbscan(red, max(10, len(X) // 100))),
    }
    if "full_hdbscan" not in cache:  # deterministic: no seed involved
        cache["full_hdbscan"] = assign_all(X, hdbscan(X, 15))
    out["hdbscan full space mcs15, all assigned"] = cache["full_hdbscan"]
    if cache.get("skip_silhouette"):
        return out
    D = cache["D"]
    _, out["kmeans, k by silhouette"] = silhouette_k(
        X, D, lambda k: KMeans(k, n_init=10, random_state=seed).fit_predict(X))
    _, out["umap+kmeans, k by silhouette"] = silhouette_k(
        X, D, lambda k: KMeans(k, n_init=10, random_state=seed).fit_predict(red))
    if "ward" not in cache:
        cache["ward"] = silhouette_k(X, D, lambda k: AgglomerativeClustering(k, linkage="ward").fit_predict(X))[1]
    out["agglomerative ward, k by silhouette"] = cache["ward"]
    _, out["umap+ward, k by silhouette"] = silhouette_k(
        X, D, lambda k: AgglomerativeClustering(k, linkage="ward").fit_predict(red))
    _, out["spectral (cosine kNN), k by silhouette"] = silhouette_k(
        X, D, lambda k: SpectralClustering(k, affinity="nearest_neighbors", n_neighbors=15, random_state=seed,
                                           assign_labels="cluster_qr").fit_predict(X))
    return out


def seed_stability(texts, X, y, fit=None, **params) -> dict:
    """The discoverer (defaults, or *params*; or *fit(texts, X, seed)*) with seeds 0-4 and once
    with the notes shuffled (seed 0): mean pairwise ARI between the five seeds, ARI of the
    shuffled run to seed 0, gold NMI per seed."""
    from itertools import combinations

    from kvalitativ.discover import Discoverer

    if fit is None:
        def fit(t, x, seed):
            return Discoverer(random_state=seed, diversity=0.0, **params).fit(t, x).topics_
    t0 = time.perf_counter()
    runs = [np.asarray(fit(texts, X, s)) for s in range(5)]
    perm = np.random.RandomState(0).permutation(len(texts))
    shuffled = np.empty(len(texts), dtype=int)
    shuffled[perm] = fit([texts[i] for i in perm], X[perm], 0)
    return {"params": params or {"method": getattr(fit, "__name__", "fit")}, "seconds_per_fit": (time.perf_counter() - t0) / 6,
            "n_topics": [len(set(r.tolist()) - {-1}) for r in runs],
            "ami_per_seed": [score(y, r)["ami"] for r in runs],
            "ari_between_seeds": float(np.mean([adjusted_rand_score(a, b) for a, b in combinations(runs, 2)])),
            "ari_shuffled_vs_seed0": float(adjusted_rand_score(runs[0], shuffled)),
            "nmi_per_seed": [score(y, r)["nmi"] for r in runs]}


def run_dataset(name, texts, y, n_missing, embedder, skip_silhouette=False, stability_only=False, core=False,
                stability_params=None, graph_variants=False, lexical_variants=False,
                sixth_round=False, sixth_round_params=None, seventh_round=False) -> dict:
    from kvalitativ.discover.representatives import normalise

    X = normalise(embedder.encode(texts)).astype(np.float32)
    if stability_only and stability_params:
        return {"n": len(texts), "stability": [seed_stability(texts, X, y, **p) for p in stability_params]}
    if stability_only:
        return {"n": len(texts), "stability": [seed_stability(texts, X, y, min_topic_size=m, clustering="hdbscan") for m in (15, 10)]
                + [seed_stability(texts, X, y, **leiden(r)) for r in (1.0, 2.0)]
                + [seed_stability(texts, X, y, fit=umap_epochs_hdbscan)]}
    core = core or graph_variants or lexical_variants or sixth_round or seventh_round
    cache = {"true_k": int(pd.Series(y).dropna().nunique()), "skip_silhouette": skip_silhouette or core, "core": core,
             "graph_variants": graph_variants, "lexical_variants": lexical_variants, "sixth_round": sixth_round,
             "sixth_round_params": sixth_round_params, "seventh_round": seventh_round}
    if not cache["skip_silhouette"]:
        cache["D"] = np.clip(1.0 - X @ X.T, 0.0, 2.0)
    seeds = DECIDE_SEEDS if core else SEEDS
    per: dict[str, list[dict]] = {}
    runs: dict[str, list[np.ndarray]] = {}
    t0 = time.perf_counter()
    for seed in seeds:
        for m, lab in methods(texts, X, seed, cache).items():
            per.setdefault(m, []).append(score(y, lab))
            runs.setdefault(m, []).append(np.asarray(lab))
    rows = {m: {k: float(np.mean([r[k] for r in rs])) for k in rs[0]} for m, rs in per.items()}
    for m, labs in runs.items():  # mean pairwise ARI between the seeds' partitions (all notes)
        rows[m]["seed_ari"] = float(np.mean([adjusted_rand_score(a, b) for a, b in combinations(labs, 2)]))
    if seventh_round:  # each row once more on the notes in a shuffled order (seed 0), against seed 0's run
        perm = np.random.RandomState(0).permutation(len(texts))
        for m, lab in methods([texts[i] for i in perm], X[perm], seeds[0], cache).items():
            back = np.empty(len(texts), dtype=int)
            back[perm] = lab
            rows[m]["shuffled_ari"] = float(adjusted_rand_score(runs[m][0], back))
    out = {"n": len(texts), "n_without_gold": n_missing, "true_k": cache["true_k"], "methods": rows,
           "seeds": list(seeds), "seconds": time.perf_counter() - t0}
    if cache.get("runs_used"):  # the consensus runs each row used (one per seed if they differ)
        out["consensus_runs_used"] = {m: sorted(r) for m, r in cache["runs_used"].items()}
    if cache.get("resolved"):  # the lexical_share rows: the weight each resolved to (one per seed if they differ)
        out["lexical_weight_used"] = {m: sorted(w) for m, w in cache["resolved"].items()}
    return out


def report(res: dict) -> str:
    lines = []
    for name, r in res.items():
        lines += ["", f"{name}: {r['n']} texts ({r['n_without_gold']} without a gold theme, left out of the scores), "
                      f"{r['true_k']} gold themes; mean of seeds {r['seeds']}; {r['seconds']:.0f} s", "",
                  "| method | topics | assigned | NMI | AMI | ARI | seed ARI |", "|---|---|---|---|---|---|---|"]
        for m, rs in (r.get("consensus_runs_used") or {}).items():
            lines.insert(-2, f"{m}: consensus runs used {', '.join(map(str, rs))}")
        for m, ws in (r.get("lexical_weight_used") or {}).items():
            lines.insert(-2, f"{m}: lexical weight used {', '.join(f'{w:.4f}' for w in ws)}")
        for m, v in sorted(r["methods"].items(), key=lambda kv: -kv[1]["nmi"]):
            lines.append(f"| {m} | {v['n_clusters']:.1f} | {1 - v['outliers']:.2f} | {v['nmi']:.3f} | {v['ami']:.3f} "
                         f"| {v['ari']:.3f} | {v['seed_ari']:.3f} |"
                         + (f" shuffled ARI {v['shuffled_ari']:.3f}" if "shuffled_ari" in v else ""))
    return "\n".join(lines)


def cached_e5():
    """e5 with the project's embedding cache: every discovery benchmark embeds the same texts once."""
    from kvalitativ.embed import CachedEmbedder, get_embedder

    return CachedEmbedder(get_embedder("e5", progress=False), REPO / ".kvalitativ-cache" / "embeddings",
                          progress=False)


def main() -> None:
    ap = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    ap.add_argument("--json", type=Path, default=None, help="also write the figures as JSON here")
    ap.add_argument("--only", choices=tuple(DATASETS), default=None,
                    help="one data set (default: sib200 and sample; the others are the held-out checks)")
    ap.add_argument("--no-silhouette", action="store_true",
                    help="skip the k-by-silhouette methods (slow on thousands of notes; they pick k = 2 on SIB-200)")
    ap.add_argument("--stability-only", action="store_true",
                    help="only the default discoverer and the stability candidates over seeds 0-4 and a "
                         "shuffled order (ARI between runs)")
    ap.add_argument("--stability-params", type=json.loads, default=None, metavar="JSON",
                    help="with --stability-only: these discoverer settings instead of the candidates, e.g. "
                         "'[{\"clustering\": \"leiden\", \"resolution\": 4.189}]'")
    ap.add_argument("--core", action="store_true",
                    help="only the issue's baselines and the candidate defaults, seeds 0-4, with the ARI between "
                         "the seeds (the run the default is decided on)")
    ap.add_argument("--graph-variants", action="store_true",
                    help="only consensus Leiden on the shipped graph and the two alternative graphs, seeds 0-4")
    ap.add_argument("--lexical-variants", action="store_true",
                    help="only consensus Leiden on the shipped graph and on vectors + words (lexical_weight "
                         f"{', '.join(map(str, LEXICAL_WEIGHTS))}), seeds 0-4")
    ap.add_argument("--sixth-round", action="store_true",
                    help="only consensus Leiden on the shipped graph and on the sixth round's candidates "
                         "(lexical_share 0.1, 0.25; center mean, abtt), seeds 0-4")
    ap.add_argument("--combined", type=json.loads, default=None, metavar="JSON",
                    help="with --sixth-round: these settings instead of the candidates, e.g. "
                         "'[{\"lexical_share\": 0.1, \"center\": \"mean\"}]'")
    ap.add_argument("--seventh-round", action="store_true",
                    help="only consensus Leiden with 10 consensus runs (the default before) and the seventh round's candidates "
                         "(30 runs; runs by the edge budget), seeds 0-4 and a shuffled order")
    args = ap.parse_args()
    os.environ.setdefault("HF_HUB_OFFLINE", "1")
    embedder = cached_e5()
    res = {}
    for name, loader in DATASETS.items():
        if args.only == name or (args.only is None and name in ("sib200", "sample")):
            res[name] = run_dataset(name, *loader(), embedder, skip_silhouette=args.no_silhouette,
                                    stability_only=args.stability_only, core=args.core,
                                    stability_params=args.stability_params, graph_variants=args.graph_variants,
                                    lexical_variants=args.lexical_variants, sixth_round=args.sixth_round,
                                    sixth_round_params=args.combined, seventh_round=args.seventh_round)
    if args.json:
        args.json.parent.mkdir(parents=True, exist_ok=True)
        args.json.write_text(json.dumps(res, indent=1), encoding="utf-8")
    print(json.dumps({k: v["stability"] for k, v in res.items()}, indent=1) if args.stability_only
          else report(res))


if __name__ == "__main__":
    main()
