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

With --sample DIR it instead runs `kvalitativ run` on corpora/sample twice into DIR — the
zero-shot coder with human_codes.csv used only for the correction (link.human_codes), and the
demo's supervised coder trained on human_codes.csv (the correction then cross-fits it) — and
checks every planted effect and null trait of corpora/sample/ground_truth.json:

    .venv/bin/python scripts/benchmarks/bench_link_correction.py --sample /tmp/kv-correction
"""

from __future__ import annotations

import argparse
import itertools
import json
import math
import multiprocessing
import os
import platform
import subprocess
import sys
import time
from pathlib import Path

import numpy as np
import pandas as pd

from kvalitativ.link.correction import dsl_odds_ratio, logit_fit
from kvalitativ.link.stats import wilson

N_PERSONS = 900
ORS = (1.0, 2.0, 3.0)
KAPPAS = (0.5, 0.7, 0.9)
SHARES = (0.10, 0.25)
NOTE_SHARE = 0.4  # of a person's notes, the share that carries the theme (at least one)
Z95 = 1.959963984540054
SAMPLE = Path(__file__).resolve().parents[2] / "corpora" / "sample"


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


def _sample_config(out: Path, zero_shot: bool) -> Path:
    """The sample's own config, with absolute paths, writing to ``out``; zero-shot: no code.train,
    human_codes.csv as link.human_codes instead."""
    import yaml

    cfg = yaml.safe_load((SAMPLE / "kvalitativ.yaml").read_text(encoding="utf-8"))
    cfg["out"] = str(out)
    cfg["ingest"]["notes"] = str(SAMPLE / cfg["ingest"]["notes"])
    cfg["ingest"]["indicators"] = str(SAMPLE / cfg["ingest"]["indicators"])
    cfg["embed"]["cache_dir"] = str((SAMPLE / cfg["embed"]["cache_dir"]).resolve())
    cfg.pop("citizen", None)
    cfg["report"] = {"enabled": False}
    if zero_shot:
        cfg["code"].pop("train")
        cfg["link"]["human_codes"] = str(SAMPLE / "human_codes.csv")
    else:
        cfg["code"]["train"] = str(SAMPLE / cfg["code"]["train"])
    path = out.with_suffix(".yaml")
    path.write_text(yaml.safe_dump(cfg, allow_unicode=True), encoding="utf-8")
    return path


def sample_check(associations: pd.DataFrame, truth: dict) -> pd.DataFrame:
    """One row per ground-truth trait: the adjusted and the corrected interval, and whether each covers."""
    a = associations[associations["indicator_type"] == "binary"].set_index(["theme_id", "valence"])
    rows = []
    for t in truth["traits"]:
        r = a.loc[(t["theme_id"], t["valence"])]
        rows.append({"trait": f"{t['theme_id']}:{t['valence']}", "true_or": t["odds_ratio"], "planted": t["planted"],
                     "aor": r["adjusted_odds_ratio"], "aor_ci": (r["aor_ci_low"], r["aor_ci_high"]),
                     "aor_covers": r["aor_ci_low"] <= t["odds_ratio"] <= r["aor_ci_high"],
                     "corrected": r["aor_corrected"], "corrected_ci": (r["aor_corrected_ci_low"], r["aor_corrected_ci_high"]),
                     "corrected_covers": r["aor_corrected_ci_low"] <= t["odds_ratio"] <= r["aor_corrected_ci_high"],
                     "adjusted_q": r["adjusted_q_value"], "q_corrected": r["q_corrected"],
                     "width_ratio": math.log(r["aor_corrected_ci_high"] / r["aor_corrected_ci_low"])
                     / math.log(r["aor_ci_high"] / r["aor_ci_low"])})
    return pd.DataFrame(rows)


def sample_markdown(name: str, check: pd.DataFrame, n_human: int, seconds: float) -> str:
    planted, null = check[check["planted"]], check[~check["planted"]]
    lines = [f"**{name}** ({n_human} hand-coded persons; `kvalitativ run` took {seconds:.0f} s):", "",
             f"- planted effects: corrected 95 % CI covers the true OR in **{int(planted['corrected_covers'].sum())}"
             f"/{len(planted)}** (uncorrected adjusted: {int(planted['aor_covers'].sum())}/{len(planted)}); "
             f"null traits with corrected q < 0.05: **{int((null['q_corrected'] < 0.05).sum())}/{len(null)}** "
             f"(uncorrected adjusted q: {int((null['adjusted_q'] < 0.05).sum())}/{len(null)}); null traits whose "
             f"corrected CI excludes 1: {int((~null['corrected_covers']).sum())}/{len(null)}.",
             f"- median width of the corrected vs the uncorrected interval (log scale): "
             f"{check['width_ratio'].median():.2f}×.", "",
             "| trait | true OR | adjusted OR (95 % CI) | corrected OR (95 % CI) | corrected q |", "|---|---|---|---|---|"]
    for r in planted.itertuples():
        lines.append(f"| {r.trait} | {r.true_or:g} | {r.aor:.2f} ({r.aor_ci[0]:.2f}–{r.aor_ci[1]:.2f}) "
                     f"| {r.corrected:.2f} ({r.corrected_ci[0]:.2f}–{r.corrected_ci[1]:.2f}) | {r.q_corrected:.3f} |")
    return "\n".join(lines)


def run_sample(out: Path) -> str:
    """Both sample runs (zero-shot + hand codes for correction; supervised, cross-fitted), as markdown."""
    truth = json.loads((SAMPLE / "ground_truth.json").read_text(encoding="utf-8"))
    parts = []
    for name, zero_shot in (("zero-shot coder, human_codes.csv for the correction only", True),
                            ("supervised demo coder trained on human_codes.csv, cross-fitted (5 folds)", False)):
        folder = out / ("zeroshot" if zero_shot else "supervised")
        config = _sample_config(folder, zero_shot)
        t0 = time.perf_counter()
        subprocess.run([sys.executable, "-m", "kvalitativ.cli", "run", "--config", str(config)], check=True,
                       env={**os.environ, "HF_HUB_OFFLINE": "1"}, stdout=subprocess.DEVNULL)
        seconds = time.perf_counter() - t0
        assoc = pd.read_parquet(folder / "parquet" / "associations.parquet")
        check = sample_check(assoc, truth)
        parts.append(sample_markdown(name, check, int(assoc["n_human_persons"].max()), seconds))
    return "\n\n".join(parts)


def main(argv=None) -> None:
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("--reps", type=int, default=1000, help="seeded datasets per cell (default 1000)")
    ap.add_argument("--workers", type=int, default=2, help="processes (default 2)")
    ap.add_argument("--seed", type=int, default=2026)
    ap.add_argument("--out", default=None, help="also write the rows as JSON here")
    ap.add_argument("--sample", type=Path, default=None, help="run the two sample checks into this folder instead")
    args = ap.parse_args(argv)
    if args.sample:
        args.sample.mkdir(parents=True, exist_ok=True)
        print(f"`python scripts/benchmarks/bench_link_correction.py --sample DIR` — {platform.machine()}, "
              "2 cores, no GPU\n")
        print(run_sample(args.sample.resolve()))
        return
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
