"""The trend test when persons recur over school years: false alarms and power, old against new.

Each seeded export: persons written about in two or three consecutive school years of five
(start year uniform), each with their own propensity for the theme (Beta, mean 20 %, intraclass
correlation 0.5: a pupil with a concern one year often has it the next), so one person's years
are alike. *null*: the share is the same every year (no trend); *planted*: the log-odds rise by
0.25 a year. *once*: every person in one year only (no recurrence; both tests should hold α).

Per export the municipality's trend test of the evidence stage
(:func:`kvalitativ.evidence.trend.cochran_armitage`), on the same counts two ways: *old*, every
person × year an independent row (the test before its variance was clustered); *new*, the
variance clustered by person (the evidence stage's). Reported: how often p < 0.05, with a 95 %
Wilson interval. A few exports are also run through ``build_evidence`` to check that the stage
gives the new p-value.

    python scripts/benchmarks/bench_trend.py [--seeds 2000] [--write-docs]
"""

from __future__ import annotations

import argparse
import platform
import sys
import time
from pathlib import Path

import numpy as np
import pandas as pd

try:  # as a module of the scripts package, or as a file run from this folder
    from scripts.benchmarks.docs_section import replace_section
except ImportError:  # pragma: no cover
    from docs_section import replace_section

from kvalitativ.evidence.counts import wilson
from kvalitativ.evidence.summaries import build_evidence
from kvalitativ.evidence.trend import PersonPeriods, cochran_armitage

HERE = Path(__file__).resolve().parent
DOCS = HERE.parents[1] / "docs" / "benchmarks.md"
HEADING = "## Trend test with persons seen in several years"
YEARS = ["2019/20", "2020/21", "2021/22", "2022/23", "2023/24"]
#: scenario → (years a person stays: low, high; log-odds change per year)
SCENARIOS = {"null": ((2, 3), 0.0), "planted": ((2, 3), 0.25), "once": ((1, 1), 0.0)}
MEAN, ICC = 0.2, 0.5


def simulate(seed: int, n: int, stay: tuple[int, int], slope: float) -> tuple[np.ndarray, np.ndarray, np.ndarray]:
    """(person, year index, has the theme) rows of one export: one row per person × year seen."""
    rng = np.random.default_rng(seed)
    conc = 1 / ICC - 1  # Beta(a, b) with a + b = conc has intraclass correlation 1 / (1 + conc)
    p = np.clip(rng.beta(MEAN * conc, (1 - MEAN) * conc, n), 1e-6, 1 - 1e-6)
    stays = rng.integers(stay[0], stay[1] + 1, n)
    starts = rng.integers(0, len(YEARS) - stays + 1)
    person = np.repeat(np.arange(n), stays)
    year = np.concatenate([np.arange(s, s + k) for s, k in zip(starts, stays)])
    logit = np.log(p[person] / (1 - p[person])) + slope * (year - (len(YEARS) - 1) / 2)
    has = rng.random(len(person)) < 1 / (1 + np.exp(-logit))
    return person, year, has


def both_tests(person: np.ndarray, year: np.ndarray, has: np.ndarray) -> tuple[float, float]:
    """(old p, new p) of the municipality's trend test on one export."""
    periods = np.array(YEARS, dtype=object)
    totals = np.bincount(year, minlength=len(YEARS))
    counts = np.bincount(year[has], minlength=len(YEARS))
    old = cochran_armitage(YEARS, counts, totals).p_value
    persons = PersonPeriods.from_labels(person, periods[year], person[has], periods[year[has]])
    new = cochran_armitage(YEARS, counts, totals, persons=persons).p_value
    return old, new


def through_the_stage(person: np.ndarray, year: np.ndarray, has: np.ndarray) -> float:
    """The municipality's trend p-value as ``build_evidence`` reports it for the same export."""
    note = [f"N{i}" for i in range(len(person))]
    corpus = pd.DataFrame({"note_id": note, "person_id": [f"P{p}" for p in person],
                           "unit_id": "Skole", "period": [YEARS[y] for y in year]})
    codings = pd.DataFrame({"note_id": [n for n, h in zip(note, has) if h], "theme_id": "tema",
                            "valence": "concern"})
    ev = build_evidence(codings, corpus, min_cell=5, outcome=None, by_unit=False)
    return float(ev.loc[ev["valence"] == "concern", "trend_p_value"].iloc[0])


def rate(hits: int, n: int) -> str:
    lo, hi = wilson([hits], [n])
    return f"{hits / n:.3f} ({lo[0]:.3f}–{hi[0]:.3f})"


def run(seeds: int, sizes=(150, 900)) -> tuple[pd.DataFrame, float]:
    rows, worst = [], 0.0
    for name, (stay, slope) in SCENARIOS.items():
        for n in sizes:
            ps = np.array([both_tests(*simulate(seed, n, stay, slope)) for seed in range(seeds)])
            rows.append({"scenario": name, "persons": n, "rows per person": np.mean(
                [len(simulate(s, n, stay, slope)[0]) / n for s in range(5)]),
                "old": rate(int((ps[:, 0] < 0.05).sum()), seeds), "new": rate(int((ps[:, 1] < 0.05).sum()), seeds)})
            for seed in range(3):  # the stage gives the new p-value
                export = simulate(seed, n, stay, slope)
                worst = max(worst, abs(through_the_stage(*export) - both_tests(*export)[1]))
    return pd.DataFrame(rows), worst


def main(argv=None) -> int:
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("--seeds", type=int, default=2000)
    ap.add_argument("--write-docs", action="store_true")
    args = ap.parse_args(argv)
    t0 = time.perf_counter()
    table, worst = run(args.seeds)
    took = time.perf_counter() - t0
    lines = ["| scenario | persons | person × years per person | old: p < 0.05 (95 % CI) | new: p < 0.05 (95 % CI) |",
             "|---|---:|---:|---:|---:|"]
    lines += [f"| {r['scenario']} | {r['persons']} | {r['rows per person']:.2f} | {r['old']} | {r['new']} |"
              for r in table.to_dict("records")]
    section = "\n".join([
        HEADING, "",
        f"Command: `python scripts/benchmarks/bench_trend.py --seeds {args.seeds} --write-docs` "
        f"({args.seeds} seeded exports per row, both tests on the same exports; {took:.0f} s on "
        f"{platform.machine()}, Python {platform.python_version()}).", "",
        "Each export: persons written about in 2–3 consecutive school years of five, each with their own "
        f"propensity for the theme (Beta, mean {MEAN:.0%}, intraclass correlation {ICC}), so a person's years "
        "are alike. *null*: the same share every year; *planted*: the log-odds rise by 0.25 a year; *once*: "
        "every person in one year only. *old*: Cochran–Armitage with every person × year an independent row; "
        "*new*: the same statistic with its variance clustered by person (the evidence stage's). Under *null* "
        "and *once* a correct test says p < 0.05 about 5 % of the time.", "",
        *lines, "",
        f"The stage (`build_evidence`) gave the new p-value on 3 exports per row (largest difference {worst:.1e}).",
        "",
    ])
    print(section)
    if args.write_docs:
        replace_section(DOCS, section, HEADING)
    return 0


if __name__ == "__main__":
    sys.exit(main())
