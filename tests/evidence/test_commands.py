"""`kvalitativ summarize` and `kvalitativ report` on stage folders, as a user runs them."""

from __future__ import annotations

import subprocess
import sys
from pathlib import Path

import duckdb
import pandas as pd
import pytest

from kvalitativ.io.store import write_tables


def kv(*args: str) -> subprocess.CompletedProcess:
    return subprocess.run([sys.executable, "-m", "kvalitativ.cli", *args], capture_output=True, text=True)


@pytest.fixture(scope="module")
def stage(tmp_path_factory, dataset, citizen, linked):
    root = tmp_path_factory.mktemp("stages")
    write_tables(root / "out", {"corpus": dataset.corpus, "codings": dataset.codings, "themes": dataset.themes,
                                "indicators": dataset.indicators, "notes": dataset.corpus.drop(columns="text")},
                 run_id="r-cli")
    write_tables(root / "out", linked, run_id="r-cli")
    write_tables(root / "borger", {"corpus": citizen.corpus, "codings": citizen.codings, "themes": citizen.themes},
                 run_id="r-cli")
    dataset.unit_figures.to_csv(root / "udgifter.csv", sep=";", decimal=",", index=False)
    return root


def test_summarize_then_report(stage):
    out = stage / "out"
    result = kv("summarize", "--codings", str(out), "--link", str(out), "--citizen", str(stage / "borger"),
                "--unit-figures", str(stage / "udgifter.csv"), "--out", str(out))
    assert result.returncode == 0, result.stderr
    assert "evidence:" in result.stdout and "Wrote" in result.stdout
    for name in ("evidence", "quotes", "joint_display", "citizen_evidence", "citizen_quotes", "citizen_prevalence"):
        df = pd.read_parquet(out / "parquet" / f"{name}.parquet")
        assert (df["run_id"] == "r-cli").all(), name
        assert (out / "csv_da" / f"{name}.csv").exists()
    jd = pd.read_parquet(out / "parquet" / "joint_display.parquet")
    assert "udgift_pr_elev" in set(jd["key"])
    con = duckdb.connect(str(out / "kvalitativ.duckdb"), read_only=True)
    n = con.execute("SELECT count(*) FROM evidence WHERE unit_id = '_all' AND NOT suppressed").fetchone()[0]
    con.close()
    assert n >= 5

    report = stage / "report.html"
    result = kv("report", "--tables", str(out), "--out", str(report), "--municipality", "Testrup Kommune")
    assert result.returncode == 0, result.stderr
    html = report.read_text(encoding="utf-8")
    assert "Testrup Kommune" in html and "Nordskolen" in html and "Borgerinput" in html
    brief = stage / "nordskolen.html"
    result = kv("report", "--tables", str(out), "--unit", "Nordskolen", "--out", str(brief))
    assert result.returncode == 0, result.stderr
    assert "Nordskolen" in brief.read_text(encoding="utf-8")


def test_report_unknown_unit_is_one_clear_line(stage, dataset, linked):
    from kvalitativ.evidence import summarize

    out = stage / "only"
    tables = summarize(dict(codings=dataset.codings, corpus=dataset.corpus, themes=dataset.themes, **linked))
    write_tables(out, tables, run_id="r-cli")
    result = kv("report", "--tables", str(out), "--unit", "Skole X", "--out", str(stage / "x.html"))
    assert result.returncode == 2 and "Traceback" not in result.stderr
    assert "Skole X" in result.stderr and "Nordskolen" in result.stderr
    assert len(result.stderr.strip().splitlines()) == 1
    assert not (stage / "x.html").exists()


def test_summarize_needs_some_input(tmp_path):
    result = kv("summarize", "--out", str(tmp_path / "o"))
    assert result.returncode == 2 and "--codings" in result.stderr
