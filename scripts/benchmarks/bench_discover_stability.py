"""Stability at less cost: per-topic stability with fewer consensus runs per refit, against the shipped.

``discover``'s per-topic stability refits the clustering (consensus Leiden) on 80 % draws of the
notes, 5 other seeds and a shuffled order; each refit takes the consensus runs the fit used
(about 50 on corpora of a few thousand notes). Here every set is fitted with the default
discoverer (seeds 0-2 by default), and its stability measured with the shipped refits and with
refits of R consensus runs (``topic_stability(refit_runs=R)``) on the same fit, one after the
other: per-topic stability differences, the topics whose unstable flag (``stability.UNSTABLE``)
flips, the overall ARI difference and the stability step's wall time.

``--noise-floor``: also the shipped refits with other seeds and draws (a row "shipped, other draws"),
compared with the shipped as the candidates are: the measure's own variation (not a candidate).

``--profile``: instead, where one refit's time goes (cProfile of one refit, one process).

Usage::

    .venv/bin/python scripts/benchmarks/bench_discover_stability.py --only sib200 --runs 10 20 [--json out.json]
    .venv/bin/python scripts/benchmarks/bench_discover_stability.py --only sample --profile
"""

from __future__ import annotations

import argparse
import json
import time

import numpy as np

from scripts.benchmarks.bench_discover_methods import DATASETS, cached_e5


def fit(texts, X, seed: int):
    from kvalitativ.discover import Discoverer

    t0 = time.perf_counter()
    d = Discoverer(random_state=seed, diversity=0.0).fit(texts, X)
    return d, time.perf_counter() - t0


#: ``--noise-floor``: the shipped refits once more with other seeds and draws (``random_state`` the fit's
#: seed + this), compared with the shipped like a candidate: how much the measure moves by itself.
OTHER_DRAWS = 100


def measure(d, seed: int, refit_runs, workers: int, offset: int = 0) -> dict:
    from kvalitativ.discover.stability import topic_stability

    st = topic_stability(d, None, d.topics_, n_seeds=5, random_state=seed + offset, workers=workers,
                         refit_runs=refit_runs)
    return {"stability": st.per_topic.stability.tolist(), "topic_id": st.per_topic.topic_id.tolist(),
            "ari": st.ari, "refit_aris": st.refit_aris, "seconds": st.seconds, "workers": st.workers}


def compare(shipped: list[dict], cand: list[dict]) -> dict:
    """Pooled over seeds: mean |Δ per-topic stability|, flips of the unstable flag, ARI difference, time."""
    from kvalitativ.discover.stability import UNSTABLE

    a = np.concatenate([np.asarray(s["stability"], dtype=float) for s in shipped])
    b = np.concatenate([np.asarray(c["stability"], dtype=float) for c in cand])
    ok = np.isfinite(a) & np.isfinite(b)
    flips = int(np.sum((a[ok] < UNSTABLE) != (b[ok] < UNSTABLE)))
    dari = [c["ari"] - s["ari"] for s, c in zip(shipped, cand)]
    return {"mean_abs_diff": float(np.mean(np.abs(a[ok] - b[ok]))), "max_abs_diff": float(np.max(np.abs(a[ok] - b[ok]))),
            "mean_diff": float(np.mean(b[ok] - a[ok])), "flips": flips, "topics": int(ok.sum()),
            "flip_share": flips / max(1, int(ok.sum())), "ari_diff_mean": float(np.mean(dari)),
            "ari_diff_max_abs": float(np.max(np.abs(dari))),
            "seconds_median": float(np.median([c["seconds"] for c in cand])),
            "shipped_seconds_median": float(np.median([s["seconds"] for s in shipped])),
            "unstable": int(np.sum(b[ok] < UNSTABLE)), "shipped_unstable": int(np.sum(a[ok] < UNSTABLE))}


def profile(d, seed: int, refit_runs) -> str:
    """cProfile of one refit (seed+1, not shuffled) in this process."""
    import cProfile
    import io
    import pstats

    from kvalitativ.discover.stability import topic_stability

    pr = cProfile.Profile()
    t0 = time.perf_counter()
    pr.enable()
    topic_stability(d, None, d.topics_, n_seeds=1, shuffled=False, random_state=seed, workers=1, refit_runs=refit_runs)
    pr.disable()
    out = io.StringIO()
    pstats.Stats(pr, stream=out).sort_stats("cumulative").print_stats(25)
    return f"one refit: {time.perf_counter() - t0:.2f} s (refit_runs {refit_runs})\n" + out.getvalue()


def main() -> None:
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("--only", nargs="+", default=["sib200"], choices=sorted(DATASETS))
    ap.add_argument("--seeds", nargs="+", type=int, default=[0, 1, 2])
    ap.add_argument("--runs", nargs="*", type=int, default=[10, 20], help="the candidates' consensus runs per refit")
    ap.add_argument("--workers", type=int, default=0, help="stability's processes (0: one per core, as discover)")
    ap.add_argument("--noise-floor", action="store_true",
                    help="also the shipped refits with other draws (random_state + %d)" % OTHER_DRAWS)
    ap.add_argument("--profile", action="store_true", help="cProfile one refit (shipped runs, and each of --runs)")
    ap.add_argument("--json", help="write the results here")
    args = ap.parse_args()
    from kvalitativ.discover.representatives import normalise

    emb = cached_e5()
    results = {}
    for name in args.only:
        texts, y, _ = DATASETS[name]()
        X = normalise(emb.encode(texts)).astype(np.float32)
        if args.profile:
            d, fs = fit(texts, X, args.seeds[0])
            print(f"== {name}: {len(texts)} notes, fit {fs:.1f} s, fit's consensus runs {d.consensus_runs_}")
            for r in [None] + args.runs:
                print(profile(d, args.seeds[0], r))
            continue
        rows = {"shipped": []} | {f"R={r}": [] for r in args.runs}
        if args.noise_floor:
            rows["shipped, other draws"] = []
        fits = []
        for seed in args.seeds:
            d, fs = fit(texts, X, seed)
            fits.append({"seed": seed, "seconds": fs, "consensus_runs": int(d.consensus_runs_),
                         "topics": len(d.topic_ids_)})
            rows["shipped"].append(measure(d, seed, None, args.workers))
            for r in args.runs:
                rows[f"R={r}"].append(measure(d, seed, r, args.workers))
            if args.noise_floor:
                rows["shipped, other draws"].append(measure(d, seed, None, args.workers, OTHER_DRAWS))
            line = ", ".join(f"{k} {v[-1]['seconds']:.1f} s ARI {v[-1]['ari']:.3f}" for k, v in rows.items())
            print(f"{name} seed {seed}: fit {fs:.1f} s ({d.consensus_runs_} runs, {len(d.topic_ids_)} topics); {line}",
                  flush=True)
        summary = {k: compare(rows["shipped"], v) for k, v in rows.items() if k != "shipped"}
        results[name] = {"n": len(texts), "fits": fits, "rows": rows, "summary": summary}
        for k, s in summary.items():
            print(f"{name} {k}: mean|Δ| {s['mean_abs_diff']:.3f} (max {s['max_abs_diff']:.3f}, mean Δ "
                  f"{s['mean_diff']:+.3f}), flips {s['flips']}/{s['topics']} ({s['flip_share']:.1%}), ΔARI "
                  f"{s['ari_diff_mean']:+.3f} (max |·| {s['ari_diff_max_abs']:.3f}), time median "
                  f"{s['seconds_median']:.1f} s vs shipped {s['shipped_seconds_median']:.1f} s "
                  f"({s['seconds_median'] / s['shipped_seconds_median']:.2f}×)", flush=True)
    if args.json:
        with open(args.json, "w") as f:
            json.dump(results, f, indent=1)


if __name__ == "__main__":
    main()
