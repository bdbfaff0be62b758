"""Coverage of the corrected (DSL) and the naive odds-ratio interval when a machine codes the themes.

Simulated datasets shaped like the sample corpus: 900 persons with 1–10 notes each, one theme
with person prevalence drawn from 10–30 % per dataset, outcome about 15 %, one covariate that
moves both. The theme is written in some of a person's notes; a machine coder with a given
note-level Cohen's kappa (errors balanced so it codes as many notes as the truth) codes every
note, and a person has the theme when any note carries it. A simple random sample of persons
(10 % or 25 %) is hand-coded without error. Per cell (true OR × kappa × hand-coded share) it
reports how often the 95 % interval covers the true adjusted OR — corrected (DSL) and naive
(logistic regression on the machine codes) — with Wilson intervals, and the median interval
width (upper/lower bound ratio) of both.

    .venv/bin/python scripts/benchmarks/bench_link_correction.py --reps 1000 --workers 2
    .venv/bin/python scripts/benchmarks/bench_link_correction.py --reps 1000 --workers 2 --out sim.json
"""

from __future__ import annotations

import argparse
import itertools
import json
import math
import multiprocessing
import platform
import time

import numpy as np

from kvalitativ.link.correction import dsl_odds_ratio, logit_fit
from kvalitativ.link.stats import wilson

N_PERSONS = 900
ORS = (1.0, 2.0, 3.0)
KAPPAS = (0.5, 0.7, 0.9)
SHARES = (0.10, 0.25)
NOTE_SHARE = 0.4  # of a person's notes, the share that carries the theme (at least one)
Z95 = 1.959963984540054


def simulate(rng: np.random.Generator, true_or: float, kappa: float, share: float) -> dict:
    """One dataset: outcome, covariate, true and machine person-level theme, the hand-coded persons."""
    n = N_PERSONS
    notes = rng.integers(1, 11, size=n)
    z = rng.standard_normal(n)
    prev = rng.uniform(0.10, 0.30)
    x = (rng.random(n) < 1 / (1 + np.exp(-(np.log(prev / (1 - prev)) + 0.4 * z)))).astype(float)
    eta = np.log(0.15 / 0.85) - np.log(true_or) * prev + np.log(true_or) * x + 0.5 * z
    y = (rng.random(n) < 1 / (1 + np.exp(-eta))).astype(float)
    # notes: a person with the theme has it in each note with NOTE_SHARE, and in at least one
    owner = np.repeat(np.arange(n), notes)
    first = np.r_[0, np.cumsum(notes)[:-1]]
    true_note = (rng.random(len(owner)) < NOTE_SHARE) & (x[owner] == 1)
    true_note[first[x == 1]] = True
    p_note = true_note.mean()
    err = (1 - kappa) * (1 - p_note)  # false-negative rate; false positives balance it (see module)
    fp = err * p_note / (1 - p_note)
    u = rng.random(len(owner))
    machine_note = np.where(true_note, u >= err, u < fp)
    xm = (np.bincount(owner, weights=machine_note, minlength=n) > 0).astype(float)
    k = int(round(share * n))
    labelled = np.zeros(n, dtype=bool)
    labelled[rng.choice(n, size=k, replace=False)] = True
    return {"y": y, "z": z, "x": x, "xm": xm, "labelled": labelled, "pi": np.full(n, k / n)}


def person_kappa(a: np.ndarray, b: np.ndarray) -> float:
    po = np.mean(a == b)
    pe = a.mean() * b.mean() + (1 - a.mean()) * (1 - b.mean())
    return float((po - pe) / (1 - pe)) if pe < 1 else float("nan")


def run_cell(args: tuple) -> dict:
    """``reps`` seeded datasets of one cell: coverage and widths of both intervals."""
    true_or, kappa, share, reps, seed = args
    beta = math.log(true_or)
    cov_c, cov_n, width_c, width_n, kap, fails = [], [], [], [], [], 0
    for rep in range(reps):
        rng = np.random.default_rng([seed, rep])
        d = simulate(rng, true_or, kappa, share)
        kap.append(person_kappa(d["x"], d["xm"]))
        naive = logit_fit(np.column_stack([np.ones(N_PERSONS), d["xm"], d["z"]]), d["y"])
        corr = dsl_odds_ratio(d["y"], d["xm"], d["x"], d["labelled"], d["pi"], d["z"][:, None], random_state=rep)
        if naive is None or isinstance(corr, str):
            fails += 1
            continue
        b, se = naive[0][1], math.sqrt(naive[1][1, 1])
        cov_n.append(abs(b - beta) <= Z95 * se)
        width_n.append(math.exp(2 * Z95 * se))
        cov_c.append(corr.ci_low <= true_or <= corr.ci_high)
        width_c.append(corr.ci_high / corr.ci_low)
    n = len(cov_c)
    lo_c, hi_c = wilson(np.array([sum(cov_c)]), np.array([n]))
    lo_n, hi_n = wilson(np.array([sum(cov_n)]), np.array([n]))
    return {"true_or": true_or, "kappa": kappa, "share": share, "reps": reps, "n_ok": n, "fails": fails,
            "person_kappa": float(np.median(kap)),
            "coverage_corrected": sum(cov_c) / n, "wilson_corrected": [float(lo_c[0]), float(hi_c[0])],
            "coverage_naive": sum(cov_n) / n, "wilson_naive": [float(lo_n[0]), float(hi_n[0])],
            "median_width_corrected": float(np.median(width_c)), "median_width_naive": float(np.median(width_n))}


def fail_text(r: dict) -> str:
    return f" ({r['fails']} failed)" if r["fails"] else ""


def markdown(rows: list[dict], command: str, seconds: float, workers: int) -> str:
    lines = [
        f"`{command}` — {platform.machine()}, {workers} worker(s), no GPU; {seconds:.0f} s in all.",
        "",
        "| true OR | kappa (note) | kappa (person, median) | hand-coded | datasets | corrected coverage (Wilson 95 %) "
        "| naive coverage (Wilson 95 %) | median width corrected | median width naive | width ratio |",
        "|---|---|---|---|---|---|---|---|---|---|",
    ]
    for r in rows:
        lines.append(
            f"| {r['true_or']:g} | {r['kappa']:g} | {r['person_kappa']:.2f} | {r['share']:.0%} | {r['n_ok']}"
            f"{fail_text(r)} "
            f"| {r['coverage_corrected']:.1%} ({r['wilson_corrected'][0]:.1%}–{r['wilson_corrected'][1]:.1%}) "
            f"| {r['coverage_naive']:.1%} ({r['wilson_naive'][0]:.1%}–{r['wilson_naive'][1]:.1%}) "
            f"| {r['median_width_corrected']:.2f} | {r['median_width_naive']:.2f} "
            f"| {r['median_width_corrected'] / r['median_width_naive']:.2f} |")
    return "\n".join(lines)


def main(argv=None) -> None:
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("--reps", type=int, default=1000, help="seeded datasets per cell (default 1000)")
    ap.add_argument("--workers", type=int, default=2, help="processes (default 2)")
    ap.add_argument("--seed", type=int, default=2026)
    ap.add_argument("--out", default=None, help="also write the rows as JSON here")
    args = ap.parse_args(argv)
    cells = [(o, k, s, args.reps, args.seed + i)
             for i, (o, k, s) in enumerate(itertools.product(ORS, KAPPAS, SHARES))]
    t0 = time.perf_counter()
    if args.workers > 1:
        with multiprocessing.get_context("spawn").Pool(args.workers) as pool:
            rows = pool.map(run_cell, cells, chunksize=1)
    else:
        rows = [run_cell(c) for c in cells]
    seconds = time.perf_counter() - t0
    command = ("python scripts/benchmarks/bench_link_correction.py "
               f"--reps {args.reps} --workers {args.workers}")
    print(markdown(rows, command, seconds, args.workers))
    if args.out:
        with open(args.out, "w", encoding="utf-8") as fh:
            json.dump({"command": command, "seconds": seconds, "rows": rows}, fh, indent=1)


if __name__ == "__main__":
    main()
