"""Adversarial redaction benchmark: recall per spelling class, look-alikes changed, strict vs standard.

Both settings of ``privacy.strictness`` run in one process on the same inputs: ``standard`` (the
plain spellings and capitalised names: what the redactor did before issue 19) and ``strict``
(the default: Unicode normalisation, digit groups, spelled-out e-mails, lower-case and capital
names). Inputs:

(a) the adversarial set of ``scripts/tools/make_adversarial_pii.py`` (seeded, in memory):
    recall per type and per spelling class, and the share of identifier-free look-alikes changed;
(b) the false-positive sets of the plain benchmark: the identifier-free generated sentences of
    ``scripts/tools/make_pii_sentences.py`` and the sample corpus's notes without a planted
    identifier (names column passed, as ingest does);
(c) SIB-200 Danish (``../shared/eval/sib200/dan_Latn``): sentences changed (no labels);
(d) the writer's last guard (:func:`kvalitativ.privacy.guard.identifier_hits`) over every
    dashboard table of an output folder (``--tables``, default ``out/sample`` from ``make demo``):
    median seconds of 5 runs, and the same tables' write time for scale.

An identifier counts as caught when every character of it lies inside a redacted span.

Usage::

    python scripts/benchmarks/bench_redaction_adversarial.py [--tables out/sample] [--write-docs]
"""

from __future__ import annotations

import argparse
import statistics
import sys
import tempfile
import time
from collections import Counter
from pathlib import Path

import pandas as pd

REPO = Path(__file__).resolve().parents[2]
sys.path.insert(0, str(REPO / "src"))
sys.path.insert(0, str(REPO / "scripts" / "benchmarks"))

from bench_redaction import SAMPLE, _covered, bench_out_of_domain  # noqa: E402
from docs_section import replace_section  # noqa: E402
from tool_scripts import load_tool  # noqa: E402

from kvalitativ.privacy.redact import TYPES, Redactor  # noqa: E402

COMMAND = "python scripts/benchmarks/bench_redaction_adversarial.py --tables out/sample --write-docs"
SETTINGS = ("standard", "strict")
TARGETS = {"CPR": "≥ 99%", "TELEFON": "≥ 99%", "EMAIL": "≥ 99%", "ADRESSE": "≥ 95%", "NAVN": "≥ 95%"}


def bench_adversarial(redactor: Redactor, seed: int, n: int) -> dict:
    gen = load_tool("make_adversarial_pii")
    rows = gen.generate(seed=seed, n=n)
    caught, total, classes = Counter(), Counter(), Counter()
    class_total: Counter = Counter()
    clean = clean_changed = 0
    clean_by: Counter = Counter()
    misses: dict[str, list[str]] = {}
    t0 = time.perf_counter()
    for row in rows:
        finds = redactor.find(row.text)
        if row.kind == "clean":
            clean += 1
            if finds:
                clean_changed += 1
                clean_by[row.type] += 1
                misses.setdefault("look-alike changed", []).append(redactor.redact(row.text)[0])
            continue
        ok = _covered([(f.start, f.end, f.type) for f in finds], row.start, row.end)[0]
        total[row.type] += 1
        caught[row.type] += ok
        class_total[(row.type, row.spelling)] += 1
        classes[(row.type, row.spelling)] += ok
        if not ok:
            misses.setdefault(row.type, []).append(row.text)
    return {"caught": caught, "total": total, "classes": classes, "class_total": class_total, "clean": clean,
            "clean_changed": clean_changed, "clean_by": clean_by, "misses": misses,
            "seconds": time.perf_counter() - t0, "n_rows": len(rows)}


def bench_clean_sets(redactor: Redactor, seed: int) -> dict:
    gen = load_tool("make_pii_sentences")
    rows = [r for r in gen.generate(seed=seed) if r.kind == "clean"]
    changed = sum(bool(redactor.find(r.text)) for r in rows)
    out = {"generated": (changed, len(rows))}
    notes_path, planted_path = SAMPLE / "notes.csv", SAMPLE / "pii_planted.csv"
    if notes_path.exists() and planted_path.exists():
        notes = pd.read_csv(notes_path, sep=";", dtype=str, keep_default_na=False)
        with_pii = set(pd.read_csv(planted_path, dtype=str)["note_id"])
        free = notes[~notes["NotatID"].isin(with_pii)]
        changed = sum(bool(redactor.find(t, [n] if n else [])) for t, n in zip(free["Notat"], free["Navn"]))
        out["sample"] = (changed, len(free))
    t0 = time.perf_counter()
    texts = notes["Notat"].tolist() if notes_path.exists() else [r.text for r in rows]
    redactor.redact_texts(texts)
    out["throughput"] = len(texts) / (time.perf_counter() - t0)
    return out


def bench_guard(tables_dir: Path | None) -> dict | None:
    """Median time of the last guard over every dashboard table of an output folder, and of writing them."""
    if tables_dir is None or not (tables_dir / "parquet").exists():
        return None
    from kvalitativ.io.store import write_tables
    from kvalitativ.privacy.guard import identifier_hits

    tables = {p.stem: pd.read_parquet(p) for p in sorted((tables_dir / "parquet").glob("*.parquet"))}
    cells = sum(int(f.select_dtypes(include=["object", "string"]).size) for f in tables.values())
    times, hits = [], {}
    for _ in range(5):
        t0 = time.perf_counter()
        hits = {name: identifier_hits(frame) for name, frame in tables.items()}
        times.append(time.perf_counter() - t0)
    report_times = []
    if (tables_dir / "report.html").exists():
        from kvalitativ.privacy.guard import assert_no_identifiers_in_report

        for _ in range(5):
            t0 = time.perf_counter()
            assert_no_identifiers_in_report(tables_dir / "report.html")
            report_times.append(time.perf_counter() - t0)
    write_times = []
    for _ in range(3):
        with tempfile.TemporaryDirectory() as tmp:
            t0 = time.perf_counter()
            write_tables(tmp, {k: v.drop(columns="run_id", errors="ignore") for k, v in tables.items()})
            write_times.append(time.perf_counter() - t0)
    return {"n_tables": len(tables), "cells": cells, "median": statistics.median(times),
            "report_median": statistics.median(report_times) if report_times else None,
            "write_median": statistics.median(write_times), "hits": {k: v for k, v in hits.items() if v}}


def _pct(a: int, b: int) -> str:
    return f"{a / b:.1%}" if b else "–"


def render(results: dict, seed: int, n: int, guard: dict | None) -> str:
    adv = {s: results[s]["adv"] for s in SETTINGS}
    lines = ["## Redaction: adversarial spellings", "",
             f"Command: `{COMMAND}` (seed {seed}, {n} sentences per spelling class). Both `privacy.strictness` "
             "settings run in one process on the same inputs: *standard* = the plain spellings and capitalised names "
             "(the redactor before issue 19, except for two rules added with it that need no extra layer and so run "
             "in both: street names of a preposition and a noun, *Ved Stranden 14*, and a month-name before what only "
             "a person does, *August var syg*), *strict* = the default (Unicode normalisation, digit groups, spelled-out "
             "e-mails, lower-case and capital names). Caught = every character of the identifier lies in a redacted "
             "span. Set: `scripts/tools/make_adversarial_pii.py` (its docstring lists the classes; they are "
             "generated from each identifier's parts by rule).", "",
             "| type | sentences | standard | strict | target |", "|---|---:|---:|---:|---|"]
    for t in TYPES:
        a, b = adv["standard"], adv["strict"]
        lines.append(f"| {t} | {b['total'][t]} | {_pct(a['caught'][t], a['total'][t])} | "
                     f"{_pct(b['caught'][t], b['total'][t])} | {TARGETS[t]} |")
    a, b = adv["standard"], adv["strict"]
    lines.append(f"| look-alikes changed | {b['clean']} | {_pct(a['clean_changed'], a['clean'])} | "
                 f"{_pct(b['clean_changed'], b['clean'])} | < 1% |")
    lines += ["", "Per spelling class (recall):", "", "| type | spelling | standard | strict |", "|---|---|---:|---:|"]
    for key in sorted(b["class_total"]):
        lines.append(f"| {key[0]} | {key[1]} | {_pct(a['classes'][key], a['class_total'][key])} | "
                     f"{_pct(b['classes'][key], b['class_total'][key])} |")
    lines += ["", "False positives on identifier-free text, same run:", "",
              "| set | texts | standard changed | strict changed |", "|---|---:|---:|---:|"]
    cs = {s: results[s]["clean"] for s in SETTINGS}
    for key, label in (("generated", "generated clean sentences (`make_pii_sentences.py`)"),
                       ("sample", "sample notes without a planted identifier")):
        if key in cs["strict"]:
            (x, nx), (y, _) = cs["standard"][key], cs["strict"][key]
            lines.append(f"| {label} | {nx} | {x} ({_pct(x, nx)}) | {y} ({_pct(y, nx)}) |")
    ood = {s: results[s]["ood"] for s in SETTINGS}
    if ood["strict"]:
        n_ood = ood["strict"]["n"]
        lines.append(f"| SIB-200 Danish, all splits (no labels; mostly foreign names and places) | {n_ood} | "
                     f"{ood['standard']['changed']} ({_pct(ood['standard']['changed'], n_ood)}) | "
                     f"{ood['strict']['changed']} ({_pct(ood['strict']['changed'], n_ood)}) |")
    lines += ["", f"Throughput on the sample notes (one core, no names column): standard "
              f"{cs['standard']['throughput']:,.0f} notes/s, strict {cs['strict']['throughput']:,.0f} notes/s "
              f"(ratio {cs['strict']['throughput'] / cs['standard']['throughput']:.2f}).", ""]
    if b["misses"]:
        lines += ["Misses and changed look-alikes of *strict* (up to 3 each):", ""]
        for key, texts in sorted(b["misses"].items()):
            lines += [f"- {key}: " + " · ".join(repr(t) for t in texts[:3])]
        lines.append("")
    if guard:
        lines += [f"**The writer's last guard** over the {guard['n_tables']} dashboard tables of the demo output "
                  f"({guard['cells']:,} string cells, distinct values scanned): median {guard['median']:.2f} s of 5 "
                  f"runs; writing the same tables in every format (guard included) takes {guard['write_median']:.2f} s "
                  f"(median of 3). Hits on the demo: {guard['hits'] or 'none'}."
                  + (f" The report page (`report.html`, its text and chart data, without the inline plotly.js): "
                     f"median {guard['report_median']:.2f} s of 5." if guard["report_median"] is not None else ""), ""]
    lines += ["Limits: lower-case and capital names are found only when they are in the shipped name lists (or the "
              "name column); the look-alikes are written by the same person as the rules, so they are not held out.", ""]
    return "\n".join(lines)


def main(argv: list[str] | None = None) -> None:
    ap = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    ap.add_argument("--seed", type=int, default=19)
    ap.add_argument("--n", type=int, default=60, help="sentences per spelling class")
    ap.add_argument("--tables", type=Path, default=REPO / "out" / "sample", help="an output folder for the guard timing")
    ap.add_argument("--write-docs", action="store_true", help="replace that section of docs/benchmarks.md")
    args = ap.parse_args(argv)
    results = {}
    for setting in SETTINGS:
        redactor = Redactor(strictness=setting)
        results[setting] = {"adv": bench_adversarial(redactor, args.seed, args.n),
                            "clean": bench_clean_sets(redactor, 8), "ood": bench_out_of_domain(redactor)}
    section = render(results, args.seed, args.n, bench_guard(args.tables))
    print(section)
    if args.write_docs:
        replace_section(REPO / "docs" / "benchmarks.md", section, heading="## Redaction: adversarial spellings")


if __name__ == "__main__":
    main()
