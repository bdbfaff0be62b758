"""Benchmark theme discovery on SIB-200 Danish: NMI/ARI against k-means on the same e5 vectors,
emergent-theme detection, and the wall time of each stage.

Data: ../shared/eval/sib200/dan_Latn/{train,dev,test}.tsv (1,004 sentences, 7 topics); read in
place, never copied. Protocol:

1. Embed every sentence once with the project's e5 embedder ("query: " prefix) through the
   on-disk cache (``--no-cache`` to time a cold embed).
2. Stage timings on one default fit: UMAP first call in this process (numba compiles), UMAP
   again, HDBSCAN, and the rest of the fit (c-TF-IDF, MMR keywords embedded with e5, outlier
   reduction, representatives), plus the codebook mapping.
3. k-means (k = 7, the true number) on the same vectors, seeds 0-4.
4. The discoverer with its defaults (DiscoverConfig), seeds 0-4; also with outlier_target=0
   (every sentence assigned). Outliers left over count as one more cluster in NMI/ARI.
5. ``tune`` on the train split only (gold reported, never used by its rule); the recommended
   setting is then fitted on all 1,004 sentences, seeds 0-4.
6. Emergent themes: a 7-theme Danish codebook (labels + one-line definitions written for this
   benchmark, no SIB sentences); each theme left out in turn; a topic is "from" the category most
   of its sentences have. Recall = share of the left-out category's topics flagged emergent;
   false alarms = share of the other topics flagged.

Usage::

    .venv/bin/python scripts/benchmarks/bench_discover.py [--json out/bench_discover.json] [--no-cache]
"""

from __future__ import annotations

import argparse
import json
import os
import platform
import sys
import time
from pathlib import Path

import numpy as np
import pandas as pd
from sklearn.cluster import KMeans
from sklearn.metrics import adjusted_rand_score, normalized_mutual_info_score

REPO = Path(__file__).resolve().parents[2]
SIB = REPO.parent / "shared" / "eval" / "sib200" / "dan_Latn"
SEEDS = (0, 1, 2, 3, 4)

CODEBOOK = {"name": "sib200-da", "version": "bench", "themes": [
    {"id": "science_technology", "label": "Videnskab og teknologi",
     "definition": "Forskning, naturvidenskab, opfindelser, computere og teknik."},
    {"id": "travel", "label": "Rejser", "definition": "Rejser, turisme, ferie, transport og at besøge steder."},
    {"id": "politics", "label": "Politik", "definition": "Regeringer, valg, politikere, love og protester."},
    {"id": "sports", "label": "Sport", "definition": "Sportsgrene, kampe, turneringer, atleter og resultater."},
    {"id": "health", "label": "Sundhed", "definition": "Sygdom, medicin, læger, hospitaler og helbred."},
    {"id": "entertainment", "label": "Underholdning",
     "definition": "Film, musik, tv, kunst, festivaler og kendte personer."},
    {"id": "geography", "label": "Geografi", "definition": "Lande, landskaber, klima, hav, bjerge og befolkning."},
]}


def load_sib() -> pd.DataFrame:
    if not SIB.is_dir():
        sys.exit(f"{SIB}: not found (the shared eval data sits beside the repository)")
    frames = [pd.read_csv(SIB / f"{s}.tsv", sep="\t").assign(split=s) for s in ("train", "dev", "test")]
    return pd.concat(frames, ignore_index=True)


def scores(y, labels, mask=None) -> tuple[float, float]:
    if mask is not None:
        y, labels = y[mask], labels[mask]
    return normalized_mutual_info_score(y, labels), adjusted_rand_score(y, labels)


def summarise(runs: list[dict]) -> dict:
    out = {}
    for key in runs[0]:
        vals = np.array([r[key] for r in runs], dtype=float)
        out[key] = {"mean": float(vals.mean()), "sd": float(vals.std(ddof=1)) if len(vals) > 1 else 0.0}
    return out


def main() -> None:
    ap = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    ap.add_argument("--json", type=Path, default=None, help="also write the figures as JSON here")
    ap.add_argument("--no-cache", action="store_true", help="embed without the on-disk cache (cold timing)")
    ap.add_argument("--smoke", action="store_true", help="300 sentences, 2 seeds, 2 settings: check the script runs")
    args = ap.parse_args()
    global SEEDS
    os.environ.setdefault("HF_HUB_OFFLINE", "1")

    from kvalitativ.codebook import codebook_from_dict
    from kvalitativ.config import DiscoverConfig
    from kvalitativ.discover import Discoverer, map_to_codebook
    from kvalitativ.discover.representatives import normalise
    from kvalitativ.discover.tune import DEFAULT_GRID, _Precomputed, tune
    from kvalitativ.embed import CachedEmbedder, get_embedder

    dc = DiscoverConfig()
    df = load_sib()
    grid = DEFAULT_GRID
    if args.smoke:
        df = df.sample(300, random_state=0).reset_index(drop=True)
        SEEDS = (0, 1)
        grid = {"min_topic_size": [10, 15], "n_neighbors": [15]}
    texts = df.text.tolist()
    y = df.category.str.replace("/", "_").to_numpy()  # category names double as codebook theme ids
    test = (df.split == "test").to_numpy()
    train = (df.split == "train").to_numpy()
    res: dict = {"n": len(df), "machine": f"{platform.machine()}, {os.cpu_count()} cores, no GPU",
                 "python": platform.python_version()}
    t_all = time.perf_counter()

    # 1. embed ------------------------------------------------------------------------------
    e5 = get_embedder("e5", progress=False)
    embedder = e5 if args.no_cache else CachedEmbedder(e5, REPO / ".kvalitativ-cache" / "embeddings", progress=False)
    t = time.perf_counter()
    X = embedder.encode(texts)
    res["embed_s"] = time.perf_counter() - t
    X = normalise(X).astype(np.float32)  # exactly what Discoverer.fit feeds UMAP
    res["embed_cache"] = (None if args.no_cache else {"hits": embedder.hits, "misses": embedder.misses})

    # 2. stage timings on one default fit ---------------------------------------------------
    t = time.perf_counter()
    import bertopic  # noqa: F401  (imports transformers: seconds, once per process)
    from hdbscan import HDBSCAN
    from umap import UMAP

    from kvalitativ.text.lemmas import DanishAnalyzer

    DanishAnalyzer()("spaCy indlæses én gang")
    res["imports_s"] = time.perf_counter() - t

    def umap_model(seed):
        return UMAP(n_neighbors=15 if dc.n_neighbors is None else dc.n_neighbors, n_components=dc.n_components, min_dist=0.0, metric="cosine",
                    random_state=seed, n_jobs=1)

    t = time.perf_counter()
    red = umap_model(0).fit_transform(X)
    res["umap_first_s"] = time.perf_counter() - t
    t = time.perf_counter()
    red = umap_model(0).fit_transform(X)
    res["umap_again_s"] = time.perf_counter() - t
    t = time.perf_counter()
    HDBSCAN(min_cluster_size=dc.min_topic_size, metric="euclidean").fit(red)
    res["cluster_s"] = time.perf_counter() - t
    t = time.perf_counter()
    d0 = Discoverer(embedder=embedder, reducer=_Precomputed(red), random_state=0).fit(texts, X)
    res["fit_without_umap_s"] = time.perf_counter() - t
    res["represent_s"] = res["fit_without_umap_s"] - res["cluster_s"]
    t = time.perf_counter()
    d_full = Discoverer(embedder=embedder, random_state=0).fit(texts, X)
    res["full_fit_s"] = time.perf_counter() - t
    d_again = Discoverer(embedder=embedder, random_state=0).fit(texts, X)
    res["same_seed_identical"] = bool(np.array_equal(d_full.topics_, d_again.topics_)
                                      and d_full.topic_info_.label.tolist() == d_again.topic_info_.label.tolist())
    res["precomputed_umap_identical"] = bool(np.array_equal(d_full.topics_, d0.topics_))
    t = time.perf_counter()
    cb = codebook_from_dict(CODEBOOK)
    map_to_codebook(d0, cb, embedder)
    res["map_s"] = time.perf_counter() - t
    res["example_topics"] = [
        {"topic_id": int(r.topic_id), "label": r.label, "size": int(r["size"]), "keywords": list(r.keywords)[:6]}
        for _, r in d0.topic_info_.iterrows()]

    # 3. k-means ----------------------------------------------------------------------------
    km = []
    for s in SEEDS:
        lab = KMeans(7, n_init=10, random_state=s).fit_predict(X)
        nmi, ari = scores(y, lab)
        nmi_t, ari_t = scores(y, lab, test)
        km.append({"nmi": nmi, "ari": ari, "nmi_test": nmi_t, "ari_test": ari_t})
    res["kmeans"] = summarise(km)

    # 4. discoverer, defaults ---------------------------------------------------------------
    def discover_runs(**params):
        runs = []
        for s in SEEDS:
            d = Discoverer(random_state=s, diversity=0.0, **params).fit(texts, X)
            nmi, ari = scores(y, d.topics_)
            nmi_t, ari_t = scores(y, d.topics_, test)
            runs.append({"nmi": nmi, "ari": ari, "nmi_test": nmi_t, "ari_test": ari_t,
                         "n_topics": len(d.topic_ids_), "outlier_share": d.outlier_share_,
                         "outlier_share_before": d.outlier_share_before_})
        return summarise(runs)

    res["discover_default"] = discover_runs()
    res["discover_default"]["params"] = {"min_topic_size": dc.min_topic_size, "n_neighbors": dc.n_neighbors,
                                         "n_components": dc.n_components, "outlier_target": dc.outlier_target}
    res["discover_assign_all"] = discover_runs(outlier_target=0.0)

    # 5. tune on train, apply to all --------------------------------------------------------
    t = time.perf_counter()
    table = tune([x for x, m in zip(texts, train) if m], X[train], grid, seeds=(0, 1, 2), gold=y[train])
    res["tune_s"] = time.perf_counter() - t
    res["tune_table"] = table.drop(columns=["rule"]).round(4).to_dict(orient="records")
    res["tune_rule"] = table.attrs["rule"]
    best = table[table.recommended].iloc[0]
    chosen = {k: int(best[k]) for k in ("min_topic_size", "n_neighbors", "n_components")}
    res["discover_tuned"] = discover_runs(**chosen)
    res["discover_tuned"]["params"] = chosen

    # 6. emergent themes (leave one codebook theme out) -------------------------------------
    topic_major = {}
    for t_id in d0.topic_ids_:
        members = y[d0.topics_ == t_id]
        vals, counts = np.unique(members, return_counts=True)
        topic_major[int(t_id)] = vals[np.argmax(counts)]
    curve = {}
    sims = {}
    for left in [th["id"] for th in CODEBOOK["themes"]]:
        sub = {**CODEBOOK, "themes": [th for th in CODEBOOK["themes"] if th["id"] != left]}
        m = map_to_codebook(d0, codebook_from_dict(sub), embedder, threshold=0.0)
        sims[left] = dict(zip(m.topic_id.astype(int), m.similarity))
    for thr in (0.1, 0.15, 0.2, 0.25, 0.3, 0.4):
        hit = miss = fa = neg = 0
        for left, s in sims.items():
            for t_id, sim in s.items():
                flagged = sim < thr
                if topic_major[t_id] == left:
                    hit += flagged
                    miss += not flagged
                else:
                    fa += flagged
                    neg += 1
        curve[str(thr)] = {"recall": hit / max(hit + miss, 1), "false_alarm": fa / max(neg, 1)}
    res["emergent"] = {"threshold_default": dc.emergent_threshold, "curve": curve}
    full = map_to_codebook(d0, cb, embedder)
    res["mapping_full_codebook"] = {
        "accuracy": float(np.mean([topic_major[int(t)] == th for t, th in zip(full.topic_id, full.theme_id)])),
        "flagged_emergent": int(full.is_emergent.sum()), "n_topics": len(full)}
    res["total_s"] = time.perf_counter() - t_all

    if args.json:
        args.json.parent.mkdir(parents=True, exist_ok=True)
        args.json.write_text(json.dumps(res, indent=1, ensure_ascii=False, default=float), encoding="utf-8")
    print(report(res))


def report(r: dict) -> str:
    def ms(block, key):
        return f"{block[key]['mean']:.3f} ± {block[key]['sd']:.3f}"

    lines = [f"SIB-200 Danish, {r['n']} sentences, 7 topics; e5 (query) vectors; seeds 0-4 (mean ± sd)", "",
             "| method | topics | outliers | NMI (all) | ARI (all) | NMI (test 204) | ARI (test 204) |",
             "|---|---|---|---|---|---|---|",
             f"| k-means, k = 7 | 7 | 0 | {ms(r['kmeans'], 'nmi')} | {ms(r['kmeans'], 'ari')} | "
             f"{ms(r['kmeans'], 'nmi_test')} | {ms(r['kmeans'], 'ari_test')} |"]
    for key, name in (("discover_default", "discoverer, defaults"), ("discover_assign_all", "discoverer, outlier_target 0"),
                      ("discover_tuned", "discoverer, tuned on train")):
        b = r[key]
        extra = f" {b['params']}" if "params" in b else ""
        lines.append(f"| {name}{extra} | {b['n_topics']['mean']:.1f} | {b['outlier_share']['mean']:.2f} | "
                     f"{ms(b, 'nmi')} | {ms(b, 'ari')} | {ms(b, 'nmi_test')} | {ms(b, 'ari_test')} |")
    lines += ["", f"tune rule: {r['tune_rule']}", "",
              "| stage | seconds |", "|---|---|",
              f"| embed {r['n']} sentences (e5; cache {r['embed_cache']}) | {r['embed_s']:.1f} |",
              f"| import BERTopic + load spaCy lemmas (once per process) | {r['imports_s']:.1f} |",
              f"| UMAP, first call in the process (incl. numba compile) | {r['umap_first_s']:.1f} |",
              f"| UMAP, again | {r['umap_again_s']:.1f} |",
              f"| cluster (HDBSCAN) | {r['cluster_s']:.2f} |",
              f"| represent (c-TF-IDF, MMR keywords via e5, outliers, representatives) | {r['represent_s']:.1f} |",
              f"| full fit (UMAP warm) | {r['full_fit_s']:.1f} |",
              f"| map to codebook (7 themes) | {r['map_s']:.1f} |",
              f"| tune on train (9 settings × 3 seeds) | {r['tune_s']:.1f} |",
              "", "emergent themes (leave-one-theme-out): threshold -> recall / false alarms"]
    for thr, v in r["emergent"]["curve"].items():
        lines.append(f"  {thr}: {v['recall']:.2f} / {v['false_alarm']:.2f}")
    lines.append(f"mapping with the full codebook: {r['mapping_full_codebook']}")
    lines.append(f"same seed twice -> identical topics and labels: {r['same_seed_identical']}")
    lines.append("example topics: " + "; ".join(f"{t['label']} ({t['size']})" for t in r["example_topics"]))
    lines.append(f"total {r['total_s']:.0f} s")
    return "\n".join(lines)


if __name__ == "__main__":
    main()
