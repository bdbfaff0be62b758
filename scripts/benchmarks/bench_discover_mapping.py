"""Emergent topics: the fixed threshold 0.15 against the calibrated one, e5 and static, same topics.

A topic is *emergent* when its centred cosine to the nearest codebook theme is below a threshold.
The fixed 0.15 was set for e5; this compares it with the calibrated rule (per topic, the 0.95
quantile of what 200 seeded random groups of notes of the topic's size reach) on the same fitted
topics, for each embedder.

Truth (written before the run, from the gold alone):

* a note's **first gold theme**: the theme of its first gold span by start offset (valence ignored),
  as for discovery's NMI; a note's **gold themes**: every theme of its gold spans;
* a topic's **true theme**: the most common first gold theme among its notes (notes without gold
  left out);
* a topic is **truly emergent** when no gold theme (any span) is in at least :data:`SHARE` (a third)
  of its notes, notes without gold counted: the codebook has no theme the topic is mostly about.

Measures per embedder and rule (codebook ``ungekompetencer``, its leaf themes; sensitive themes
are those the codebook marks ``sensitive``):

* **right**: share of the topics that are not truly emergent which are mapped (not flagged) to
  their true theme;
* **wrong sensitive**: topics mapped (not flagged) to a sensitive theme that is not their true
  theme (or that are truly emergent);
* **flagged**: topics marked emergent; **flagged true**: of those, truly emergent;
  **emergent found**: truly emergent topics flagged.

The topics: discovery's defaults (``DiscoverConfig``), seed 0, stability off, fitted once per
embedder; both rules map the same fit.

``--sib``: also SIB-200 Danish (1,004 sentences, 7 categories) with the 7-theme codebook of
``bench_discover.py`` (labels and one-line definitions written for it), leave one theme out: a
topic's true category is the most common of its sentences; with theme X removed, the topics of
category X should be flagged (recall) and the others not (false alarms, summed over the 7 removals);
with the full codebook, the share of topics mapped to their category and the topics flagged.

Usage::

    python scripts/benchmarks/bench_discover_mapping.py --cache-dir DIR [--json out.json]
"""

from __future__ import annotations

import argparse
import json
import sys
import time
from pathlib import Path

import numpy as np
import pandas as pd

REPO = Path(__file__).resolve().parents[2]
SAMPLE = REPO / "corpora" / "sample"
#: A gold theme in at least this share of a topic's notes: the topic is about a codebook theme.
SHARE = 1 / 3
FIXED = 0.15


def load_sample(config):
    """(corpus as discovery reads it, first gold theme per note, gold theme sets per note)."""
    from kvalitativ.discover.stage import read_notes

    corpus, _ = read_notes(SAMPLE / "notes.csv", config)
    gold = pd.read_csv(SAMPLE / "gold_codings.csv").sort_values(["note_id", "start", "end"], kind="stable")
    first = gold.drop_duplicates("note_id").set_index("note_id").theme_id
    sets = gold.groupby("note_id").theme_id.agg(lambda s: set(s))
    ids = corpus.note_id.astype(str)
    return corpus, ids.map(first).to_numpy(dtype=object), [sets.get(i, set()) for i in ids]


def topic_truth(topics: np.ndarray, first: np.ndarray, sets: list[set]) -> pd.DataFrame:
    """Per topic: its true theme (most common first gold theme) and whether it is truly emergent."""
    rows = []
    for t in sorted(set(topics.tolist()) - {-1}):
        idx = np.flatnonzero(topics == t)
        firsts = pd.Series(first[idx]).dropna()
        counts = pd.Series([th for i in idx for th in sets[i]]).value_counts()
        top_share = float(counts.iloc[0] / len(idx)) if len(counts) else 0.0
        rows.append({"topic_id": int(t), "true_theme": firsts.value_counts().index[0] if len(firsts) else None,
                     "top_share": top_share, "truly_emergent": top_share < SHARE})
    return pd.DataFrame(rows)


def score(mapping: pd.DataFrame, truth: pd.DataFrame, codebook) -> dict:
    m = mapping.merge(truth, on="topic_id")
    mapped = ~m.is_emergent
    themed = ~m.truly_emergent
    right = mapped & themed & (m.theme_id == m.true_theme)
    sensitive = m.theme_id.map(codebook.is_sensitive).astype(bool)
    wrong_sens = mapped & sensitive & (m.truly_emergent | (m.theme_id != m.true_theme))
    return {"topics": int(len(m)), "truly_emergent": int(m.truly_emergent.sum()),
            "right": float(right.sum() / max(1, themed.sum())), "right_n": int(right.sum()),
            "wrong_sensitive": int(wrong_sens.sum()), "flagged": int(m.is_emergent.sum()),
            "flagged_true": int((m.is_emergent & m.truly_emergent).sum()),
            "threshold_min": float(m.threshold.min()), "threshold_max": float(m.threshold.max()),
            "wrong_sensitive_topics": [f"{lab} -> {th}" for lab, th in zip(m.topic_label[wrong_sens],
                                                                          m.theme_id[wrong_sens])]}


def run(embedder_name: str, config, codebook, corpus, first, sets) -> dict:
    from kvalitativ.discover.mapping import map_to_codebook
    from kvalitativ.discover.stage import discover_corpus
    from kvalitativ.embed.configured import configured_embedder

    embedder = configured_embedder(config, name=embedder_name, progress=False)
    start = time.perf_counter()
    d = discover_corpus(corpus, config, embedder=embedder, progress=False)["discoverer"]
    fitted = time.perf_counter() - start
    truth = topic_truth(np.asarray(d.topics_), first, sets)
    out = {"fit_seconds": fitted}
    for rule, threshold in (("fixed 0.15", FIXED), ("calibrated", None)):
        start = time.perf_counter()
        mapping = map_to_codebook(d, codebook, embedder, threshold=threshold, random_state=config.seed)
        out[rule] = {**score(mapping, truth, codebook), "map_seconds": time.perf_counter() - start}
    return out


def run_sib(embedder_name: str, config) -> dict:
    """Leave-one-theme-out on SIB-200 Danish, both rules on one fit (see the module)."""
    from kvalitativ.codebook import codebook_from_dict
    from kvalitativ.discover.mapping import map_to_codebook
    from kvalitativ.discover.stage import discover_corpus
    from kvalitativ.embed.configured import configured_embedder
    from scripts.benchmarks.bench_discover import CODEBOOK, load_sib

    df = load_sib()
    y = df.category.str.replace("/", "_").to_numpy()  # category names double as codebook theme ids
    embedder = configured_embedder(config, name=embedder_name, progress=False)
    corpus = pd.DataFrame({"note_id": [f"s{i}" for i in range(len(df))], "text": df.text})
    d = discover_corpus(corpus, config, embedder=embedder, progress=False)["discoverer"]
    major = {int(t): pd.Series(y[d.topics_ == t]).value_counts().index[0] for t in d.topic_ids_}
    out = {}
    for rule, threshold in (("fixed 0.15", FIXED), ("calibrated", None)):
        hit = miss = alarm = others = 0
        for left in [th["id"] for th in CODEBOOK["themes"]]:
            sub = codebook_from_dict({**CODEBOOK, "themes": [th for th in CODEBOOK["themes"] if th["id"] != left]})
            m = map_to_codebook(d, sub, embedder, threshold=threshold, random_state=config.seed)
            for t, flagged in zip(m.topic_id.astype(int), m.is_emergent):
                if major[t] == left:
                    hit, miss = hit + flagged, miss + (not flagged)
                else:
                    alarm, others = alarm + flagged, others + 1
        full = map_to_codebook(d, codebook_from_dict(CODEBOOK), embedder, threshold=threshold,
                               random_state=config.seed)
        right = [(not e) and major[int(t)] == th for t, th, e in zip(full.topic_id, full.theme_id, full.is_emergent)]
        out[rule] = {"topics": len(full), "recall": hit / max(1, hit + miss), "recall_n": f"{hit}/{hit + miss}",
                     "false_alarm": alarm / max(1, others), "false_alarm_n": f"{alarm}/{others}",
                     "right_full": float(np.mean(right)), "flagged_full": int(full.is_emergent.sum()),
                     "threshold_min": float(full.threshold.min()), "threshold_max": float(full.threshold.max())}
    return out


def main() -> None:
    from kvalitativ.codebook import load_codebook
    from kvalitativ.config import RunConfig

    ap = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    ap.add_argument("--cache-dir", default=".kvalitativ-cache", help="the embedding cache (embed.cache_dir)")
    ap.add_argument("--embedders", default="e5,static")
    ap.add_argument("--json", type=Path, default=None)
    ap.add_argument("--sib", action="store_true", help="also SIB-200 Danish, leave one theme out")
    ap.add_argument("--sib-only", action="store_true", help="only SIB-200 Danish")
    args = ap.parse_args()
    config = RunConfig()
    config.embed.cache_dir = args.cache_dir
    config.discover.stability_seeds = 0
    codebook = load_codebook("ungekompetencer")
    corpus, first, sets = load_sample(config)
    print(f"sample: {len(corpus)} notes, {int(pd.isna(first).sum())} without gold; truly emergent: no gold "
          f"theme in >= {SHARE:.2f} of a topic's notes")
    names = args.embedders.split(",")
    results = {} if args.sib_only else {name: run(name, config, codebook, corpus, first, sets) for name in names}
    print("| embedder | rule | topics | truly emergent | right theme | wrong sensitive | flagged (truly emergent) "
          "| threshold |")
    print("|---|---|---:|---:|---:|---:|---:|---|")
    for name, res in results.items():
        for rule in ("fixed 0.15", "calibrated"):
            r = res[rule]
            print(f"| {name} | {rule} | {r['topics']} | {r['truly_emergent']} | {r['right']:.3f} "
                  f"({r['right_n']}/{r['topics'] - r['truly_emergent']}) | {r['wrong_sensitive']} | "
                  f"{r['flagged']} ({r['flagged_true']}) | {r['threshold_min']:.3f}–{r['threshold_max']:.3f} |")
    for name, res in results.items():
        for rule in ("fixed 0.15", "calibrated"):
            print(f"{name}, {rule}: wrong sensitive: {res[rule]['wrong_sensitive_topics']}; "
                  f"map {res[rule]['map_seconds']:.2f} s (fit {res['fit_seconds']:.1f} s)")
    if args.sib or args.sib_only:
        sib = {name: run_sib(name, config) for name in names}
        print("\nSIB-200 Danish, leave one theme out")
        print("| embedder | rule | topics | removed theme's topics flagged | other topics flagged | "
              "full codebook: right theme | full codebook: flagged | threshold |")
        print("|---|---|---:|---:|---:|---:|---:|---|")
        for name, res in sib.items():
            for rule, r in res.items():
                print(f"| {name} | {rule} | {r['topics']} | {r['recall']:.2f} ({r['recall_n']}) | "
                      f"{r['false_alarm']:.2f} ({r['false_alarm_n']}) | {r['right_full']:.2f} | {r['flagged_full']} | "
                      f"{r['threshold_min']:.3f}–{r['threshold_max']:.3f} |")
        results["sib200"] = sib
    if args.json:
        args.json.write_text(json.dumps(results, indent=2, ensure_ascii=False), encoding="utf-8")


if __name__ == "__main__":
    main()
