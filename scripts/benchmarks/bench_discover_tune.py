"""Can a researcher trust `kvalitativ tune`'s recommendation, and the stability column? Gold says.

On SIB-200 Danish and the sample corpus (gold themes as in ``bench_discover_methods``), on the
same cached e5 vectors:

* ``tune`` over a grid (``min_topic_size`` × ``n_neighbors``, seeds 0–2), coherence = NPMI over a
  10-token sliding window (gensim's ``c_npmi``): the gold NMI/ARI of the setting its rule
  recommends (coherence × stability, no gold) next to the best setting of the grid by gold NMI;
* the default discoverer (seed 0) with its per-topic stability (5 other seeds + a shuffled
  order, refits of the clustering step): overall ARI, per-topic stability, unstable topics, the
  time it took, and whether stable topics match the gold better (per-topic best-match Jaccard
  with a gold theme, for stable and unstable topics).

Usage::

    .venv/bin/python scripts/benchmarks/bench_discover_tune.py [--only sib200|sample] [--json out.json]
"""

from __future__ import annotations

import argparse
import json
import os
import time
from pathlib import Path

import numpy as np
import pandas as pd

from scripts.benchmarks.bench_discover_methods import cached_e5, load_sample, load_sib, score

GRID = {"min_topic_size": [10, 15, 25], "n_neighbors": [15, 30]}
SEEDS = (0, 1, 2)


def run_tune(texts, X, y, grid=None) -> dict:
    from kvalitativ.discover.tune import tune

    t0 = time.perf_counter()
    table = tune(texts, X, grid or GRID, seeds=SEEDS, gold=y)
    seconds = time.perf_counter() - t0
    # the rule before (coherence × ARI across seeds), on the same table: the baseline of the rule
    table["score_ari_rule"] = (table.coherence_npmi + 1) / 2 * table.stability_ari
    pool = table[table.eligible] if table.eligible.any() else table
    old = pool.sort_values(["score_ari_rule", "outlier_share", "min_topic_size"], ascending=[False, True, False],
                           kind="stable").index[0]
    table["recommended_by_ari_rule"] = table.index == old
    rec = table[table.recommended].iloc[0]
    best = table.sort_values("nmi", ascending=False).iloc[0]
    cols = [c for c in ("clustering", "resolution") if c in table.columns] + [
        "min_topic_size", "n_neighbors", "n_topics", "coherence_npmi", "stability_ari", "stability_mi", "score",
        "score_ari_rule", "nmi", "ari", "recommended", "recommended_by_ari_rule"]
    keys = tuple(c for c in ("resolution",) if c in table.columns) + ("min_topic_size", "n_neighbors", "nmi", "ari")
    return {"table": table[cols].to_dict("records"), "seconds": seconds,
            "recommended": {k: float(rec[k]) for k in keys},
            "recommended_by_ari_rule": {k: float(table.loc[old, k]) for k in keys},
            "best": {k: float(best[k]) for k in keys},
            "rank_of_recommended_by_nmi": int((table.nmi > rec.nmi + 1e-12).sum()) + 1,
            "rank_of_ari_rule_by_nmi": int((table.nmi > table.loc[old, "nmi"] + 1e-12).sum()) + 1}


def run_stability(texts, X, y) -> dict:
    from kvalitativ.discover import Discoverer
    from kvalitativ.discover.stability import UNSTABLE, best_match_jaccard, topic_stability

    d = Discoverer(random_state=0, diversity=0.0).fit(texts, X)
    # the refits cluster what the fit clustered (the vectors beside the words since the sixth round), as discover does
    cluster_input = d._cluster_emb if getattr(d, "_cluster_emb", None) is not None else X
    st = topic_stability(d, cluster_input, d.topics_, n_seeds=5, random_state=0)
    known = ~pd.isna(y)
    gold_codes = pd.factorize(pd.Series(y[known]).astype(str))[0]
    # per topic: how well it matches one gold theme (best-match Jaccard, topic -> gold theme)
    match = best_match_jaccard(d.topics_[known], gold_codes, list(st.per_topic.topic_id))
    per = st.per_topic.assign(gold_match=st.per_topic.topic_id.map(match))
    stable = per[per.stability >= UNSTABLE]
    unstable = per[per.stability < UNSTABLE]
    return {"n_topics": len(per), "ari": st.ari, "refit_aris": st.refit_aris, "seconds": st.seconds,
            "n_notes": st.n_notes, "stability_median": float(per.stability.median()),
            "stability_min": float(per.stability.min()), "n_unstable": len(unstable),
            "gold_match_stable": float(stable.gold_match.mean()) if len(stable) else float("nan"),
            "gold_match_unstable": float(unstable.gold_match.mean()) if len(unstable) else float("nan"),
            "gold": score(y, d.topics_),
            "labels": [(int(r.size), r.label, float(st.of(r.topic_id)))
                       for r in d.topic_info_.sort_values("size", ascending=False).itertuples()]}


def report(res: dict) -> str:
    lines = []
    for name, r in res.items():
        t, s = r["tune"], r.get("stability")
        lines += ["", f"### {name} ({r['n']} texts)", "",
                  "| clustering, resolution | min_topic_size | n_neighbors | topics | NPMI (c_npmi) | stability ARI | reproduced bits (MI) "
                  "| score | score of the ARI rule | gold NMI | gold ARI | recommended | ARI rule's pick |",
                  "|---|---:|---:|---:|---:|---:|---:|---:|---:|---:|---:|---|---|"]
        for row in t["table"]:
            lines.append(f"| {row.get('clustering', '')} {row.get('resolution', '')} | {row['min_topic_size']} | {row['n_neighbors']} | {row['n_topics']:.1f} | "
                         f"{row['coherence_npmi']:.3f} | {row['stability_ari']:.3f} | {row['stability_mi']:.2f} | "
                         f"{row['score']:.3f} | {row['score_ari_rule']:.3f} | {row['nmi']:.3f} | {row['ari']:.3f} | "
                         f"{'**yes**' if row['recommended'] else ''} | {'yes' if row['recommended_by_ari_rule'] else ''} |")
        old = t["recommended_by_ari_rule"]
        lines += ["", f"recommended: NMI {t['recommended']['nmi']:.3f}, ARI {t['recommended']['ari']:.3f} "
                      f"(rank {t['rank_of_recommended_by_nmi']} of {len(t['table'])} by gold NMI); the ARI rule's "
                      f"pick: NMI {old['nmi']:.3f}, ARI {old['ari']:.3f} (rank {t['rank_of_ari_rule_by_nmi']}); best in "
                      f"grid: NMI {t['best']['nmi']:.3f}, ARI {t['best']['ari']:.3f}; tune took {t['seconds']:.0f} s"]
        if s is None:
            continue
        lines += ["",
                  f"stability of the default discoverer (seed 0): {s['n_topics']} topics, ARI to 6 refits "
                  f"{s['ari']:.3f} ({', '.join(f'{a:.2f}' for a in s['refit_aris'])}), per-topic median "
                  f"{s['stability_median']:.2f}, min {s['stability_min']:.2f}, {s['n_unstable']} unstable; "
                  f"gold match (best Jaccard) of stable topics {s['gold_match_stable']:.2f} vs unstable "
                  f"{s['gold_match_unstable']:.2f}; took {s['seconds']:.1f} s on {s['n_notes']} notes; "
                  f"gold NMI of the fit {s['gold']['nmi']:.3f}", "",
                  "labels (size, stability): " + " · ".join(f"{lab} ({n}, {st:.2f})" for n, lab, st in s["labels"])]
    return "\n".join(lines)


def main() -> None:
    ap = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    ap.add_argument("--json", type=Path, default=None, help="also write the figures as JSON here")
    ap.add_argument("--only", choices=("sib200", "sample"), default=None, help="one data set")
    ap.add_argument("--tune-only", action="store_true", help="only the tune table (not the stability of the default fit)")
    ap.add_argument("--grid", default=None, metavar="SPEC",
                    help="another grid, as `kvalitativ tune --grid` (e.g. 'min_topic_size=5,7,10;n_neighbors=15')")
    args = ap.parse_args()
    os.environ.setdefault("HF_HUB_OFFLINE", "1")
    from kvalitativ.discover.representatives import normalise
    from kvalitativ.commands.tune import parse_grid

    grid = parse_grid(args.grid) if args.grid else None
    embedder = cached_e5()
    res = {}
    for name, loader in (("sib200", load_sib), ("sample", load_sample)):
        if args.only in (None, name):
            texts, y, _ = loader()
            X = normalise(embedder.encode(texts)).astype(np.float32)
            res[name] = {"n": len(texts), "tune": run_tune(texts, X, y, grid)}
            if not args.tune_only:
                res[name]["stability"] = run_stability(texts, X, y)
    if args.json:
        args.json.parent.mkdir(parents=True, exist_ok=True)
        args.json.write_text(json.dumps(res, indent=1, default=float), encoding="utf-8")
    print(report(res))


if __name__ == "__main__":
    main()
