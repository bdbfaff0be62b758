"""Discovery at scale: time and peak memory at 100,000 notes, and what fitting on a sample costs.

1. Generated notes (``make_sample_corpus.write_corpus``, as ``bench.py stages``), ingested, then
   the pipeline's discover stage in a fresh process (``bench.py _stage``: the stage's own
   seconds, the process's peak resident memory), with the ``static`` embedder: once with per-topic
   stability off (``discover.stability_seeds`` 0) and once with it on (the default: 5 seeds + a
   shuffled order on a subsample of at most ``discover.stability_sample`` notes). Above
   ``sampling.FIT_SAMPLE`` (20,000) notes the topics are fitted on a seeded sample and the
   other notes assigned to their nearest topic (``discover/sampled.py``).
2. Agreement of "fit on a sample, assign the rest" with a full fit, at 20,000 notes: the full
   fit against a fit on a seeded 4,000-note sample (the same 1-in-5 share as 20,000 of 100,000),
   every note assigned; ARI and NMI between the two assignments (same vectors, same seed), next
   to the agreement of the full fit with a full fit of the next seed (the yardstick). For each
   clustering (``leiden``, ``hdbscan``; ``--clustering`` picks one) the sampled fit is made once
   and its rest assigned by both rules (``centroid`` and ``knn``, ``discover.assignment``) on the
   same vectors, each timed; beside them the agreement on the sampled notes alone (the fit,
   no assignment) and on the assigned notes alone (``ari_rest``).

Usage::

    .venv/bin/python -m scripts.benchmarks.bench_discover_scale [--n 100000] [--agreement-n 20000]
"""

from __future__ import annotations

import argparse
import copy
import dataclasses
import json
import time
from pathlib import Path

from scripts.benchmarks.bench import bench_config, generate_corpus, stage_subprocess

ROOT = Path(__file__).resolve().parents[2]


def stage_runs(n: int, work: Path, timeout: float, stability_on: bool = True, clustering: str | None = None,
               assignment: str | None = None, lexical_share: float | None = None,
               consensus_runs: int | None = None) -> dict:
    from kvalitativ.pipeline import run_id_for

    corpus_dir = generate_corpus(work / f"corpus-{n}", n)
    out, cache = work / f"out-{n}", work / f"cache-{n}"
    config = bench_config(corpus_dir, out, "static", cache)
    if clustering:
        config.discover.clustering = clustering
    if assignment:
        config.discover.assignment = assignment
    if lexical_share is not None:
        config.discover.lexical_share = lexical_share
    if consensus_runs is not None:
        config.discover.consensus_runs = consensus_runs
    run_id = run_id_for(config)
    res = {"ingest": stage_subprocess("ingest", dataclasses.asdict(config), run_id, timeout)}
    runs = (("stability off", 0), ("stability on", config.discover.stability_seeds))
    for label, seeds in runs if stability_on else runs[:1]:
        config.discover.stability_seeds = seeds
        res[label] = stage_subprocess("discover", dataclasses.asdict(config), run_id, timeout)
        print(label, res[label], flush=True)
    return res


def _assign_both(timings: dict, kept: dict, embedder):
    """An ``assign_rest`` for ``discover_sampled`` that assigns the rest with both rules on the same
    vectors: returns the ``knn`` assignment (the tables), keeps both in *kept*, times both."""
    import numpy as np

    def assign_rest(light, texts):
        if light.fit_vectors_ is None:  # the light copy of a centroid model carries no vectors to vote with
            raise RuntimeError("the sampled fit must be made with discover.assignment knn to compare both rules")
        vectors = np.asarray(embedder.encode(texts), dtype=np.float32)
        out = {}
        for rule in ("centroid", "knn"):
            t0 = time.perf_counter()
            out[rule] = light.set_params(assignment=rule).assign(texts, embeddings=vectors)
            timings[rule] = time.perf_counter() - t0
        kept.update(out)
        return out["knn"]
    return assign_rest


def agreement_one(corpus, config, embedder, sample: int) -> dict:
    """Full fit vs a sampled fit whose rest is assigned by ``centroid`` and by ``knn`` (one fit, same
    vectors), and full fit vs a full fit with the next seed (the yardstick), for the config's clustering."""
    import numpy as np
    from sklearn.metrics import adjusted_rand_score, normalized_mutual_info_score

    from kvalitativ.discover.sampled import discover_sampled
    from kvalitativ.discover.stage import discover_corpus
    from kvalitativ.sampling import fit_sample

    t0 = time.perf_counter()
    full = discover_corpus(corpus, config, embedder=embedder, progress=False)["discoverer"].topics_
    t_full = time.perf_counter() - t0
    timings, kept = {}, {}
    voting = copy.deepcopy(config)  # so the light copy keeps the fitted vectors; the fit itself is the same
    voting.discover.assignment = "knn"
    part = discover_sampled(corpus, voting, embedder=embedder, progress=False, sample_size=sample,
                            assign_rest=_assign_both(timings, kept, embedder))
    chosen = np.zeros(len(corpus), dtype=bool)
    chosen[fit_sample(len(corpus), config.seed, sample)] = True
    fitted = part["discoverer"].topics_
    res = {"topics_full": int(len(set(full.tolist()))), "topics_sampled": int(len(set(fitted.tolist()))),
           "seconds_full": t_full}
    for rule in ("centroid", "knn"):
        labels = np.empty(len(corpus), dtype=int)
        labels[chosen] = fitted
        labels[~chosen] = kept[rule].topic_id.to_numpy()
        res[rule] = {"ari": float(adjusted_rand_score(full, labels)), "nmi": float(normalized_mutual_info_score(full, labels)),
                     "ari_rest": float(adjusted_rand_score(full[~chosen], labels[~chosen])),
                     "seconds_assign": timings[rule], "rest": int((~chosen).sum())}
    # how far the sampled fit itself is from the full fit, on the notes it was fitted on (no assignment)
    res["ari_fitted_notes"] = float(adjusted_rand_score(full[chosen], fitted))
    res["nmi_fitted_notes"] = float(normalized_mutual_info_score(full[chosen], fitted))
    config.seed += 1  # the yardstick: how much a full fit with another seed agrees with the first
    other = discover_corpus(corpus, config, embedder=embedder, progress=False)["discoverer"].topics_
    config.seed -= 1
    res["ari_full_other_seed"] = float(adjusted_rand_score(full, other))
    res["nmi_full_other_seed"] = float(normalized_mutual_info_score(full, other))
    return res


def agreement(n: int, sample: int, work: Path, clusterings=("leiden", "hdbscan")) -> dict:
    """:func:`agreement_one` for each clustering, on the same notes and the same (cached) vectors."""
    from kvalitativ.discover.stage import read_notes
    from kvalitativ.embed.configured import configured_embedder

    corpus_dir = generate_corpus(work / f"corpus-{n}", n)
    config = bench_config(corpus_dir, work / f"out-agree-{n}", "static", work / f"cache-agree-{n}")
    config.discover.stability_seeds = 0
    corpus, _ = read_notes(corpus_dir / "notes.csv", config)
    embedder = configured_embedder(config, progress=False)
    res = {"n": len(corpus), "sample": sample}
    for clustering in clusterings:
        config.discover.clustering = clustering
        res[clustering] = agreement_one(corpus, config, embedder, sample)
        print(clustering, json.dumps(res[clustering]), flush=True)
    return res


def main() -> None:
    ap = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    ap.add_argument("--n", type=int, default=100_000, help="notes for the time/memory runs")
    ap.add_argument("--agreement-n", type=int, default=20_000, help="notes for the full-vs-sampled comparison")
    ap.add_argument("--agreement-sample", type=int, default=4_000, help="the sample the sampled fit uses there")
    ap.add_argument("--skip-stages", action="store_true", help="only the agreement")
    ap.add_argument("--skip-agreement", action="store_true", help="only the stage runs")
    ap.add_argument("--stability-off-only", action="store_true", help="the stage runs without the stability one")
    ap.add_argument("--timeout", type=float, default=1800)
    ap.add_argument("--work", default=str(ROOT / "out" / "bench"))
    ap.add_argument("--json", type=Path, default=None)
    ap.add_argument("--clustering", choices=("hdbscan", "leiden"), default=None,
                    help="discover.clustering for the stage runs (default: the config's) and the agreement "
                         "(default: both)")
    ap.add_argument("--assignment", choices=("knn", "centroid"), default=None,
                    help="discover.assignment for the stage runs (default: the config's)")
    ap.add_argument("--lexical-share", type=float, default=None,
                    help="discover.lexical_share for the stage runs (default: the config's; 0 = the vectors alone)")
    ap.add_argument("--consensus-runs", type=int, default=None,
                    help="discover.consensus_runs for the stage runs (default: the config's, by the graph's size; "
                         "10 = the default before the seventh round)")
    args = ap.parse_args()
    work = Path(args.work)
    res = {} if args.skip_stages else {"stages": stage_runs(args.n, work, args.timeout, not args.stability_off_only,
                                                                  args.clustering, args.assignment,
                                                                  args.lexical_share, args.consensus_runs)}
    if not args.skip_agreement:
        res["agreement"] = agreement(args.agreement_n, args.agreement_sample, work,
                                     (args.clustering,) if args.clustering else ("leiden", "hdbscan"))
    print(json.dumps(res, indent=1, default=str))
    if args.json:
        args.json.write_text(json.dumps(res, indent=1, default=str), encoding="utf-8")


if __name__ == "__main__":
    main()
