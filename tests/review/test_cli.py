"""CLI round trip: review export → two coders fill in (openpyxl) → review import → agreement → retrain."""

from __future__ import annotations

import subprocess
import sys
from pathlib import Path

import numpy as np
import pandas as pd
import pytest
from click.testing import CliRunner
from openpyxl import load_workbook

from kvalitativ.io.store import read_stage_table, write_tables

from .conftest import THEMES, make_corpus


def _cli():
    """The real entry point once the lead registers our commands; our command objects until then."""
    from kvalitativ.cli import cli

    return cli


@pytest.fixture
def stage_dir(tmp_path):
    corpus, codings, truth = make_corpus(n=80, seed=1)
    codings = codings[codings.score >= 0.5]  # a coder writes only the themes it codes
    themes = pd.DataFrame({"theme_id": THEMES, "label": [t.title() for t in THEMES],
                           "definition": [f"Noten handler om {t}." for t in THEMES]})
    out = tmp_path / "out"
    write_tables(out, {"corpus": corpus, "codings": codings, "themes": themes}, run_id="r0")
    return out, corpus, truth


def _code_sheet(xlsx: Path, out: Path, coder: str, corpus: pd.DataFrame, truth: np.ndarray, noise: float, seed: int,
                skip: int = 0) -> Path:
    """Fill the sheet as a person would: the true themes, with some slips; the last `skip` rows left blank."""
    rng = np.random.default_rng(seed)
    index = {n: i for i, n in enumerate(corpus.note_id)}
    wb = load_workbook(xlsx)
    ws = wb["Kodning"]
    header = [c.value for c in ws[1]]
    for r in range(2, ws.max_row + 1 - skip):
        i = index[ws.cell(r, header.index("note_id") + 1).value]
        ws.cell(r, header.index("koder") + 1, coder)
        ws.cell(r, header.index("dato") + 1, "01-02-2025")
        for j, t in enumerate(THEMES):
            yes = bool(truth[i, j]) ^ (rng.random() < noise)
            ws.cell(r, header.index(t) + 1, ("ja-bekymring" if rng.random() < 0.5 else "ja-styrke") if yes else "nej")
    wb.save(out)
    return out


def test_round_trip(stage_dir, tmp_path):
    out, corpus, truth = stage_dir
    runner = CliRunner()
    cli = _cli()
    xlsx = tmp_path / "review.xlsx"
    res = runner.invoke(cli, ["review", "export", "--codings", str(out), "--n", "40", "--out", str(xlsx)])
    assert res.exit_code == 0, res.output
    assert xlsx.exists() and xlsx.with_suffix(".csv").exists() and "Selected 40 notes" in res.output
    anna = _code_sheet(xlsx, tmp_path / "anna.xlsx", "anna", corpus, truth, noise=0.05, seed=1)
    bo = _code_sheet(xlsx, tmp_path / "bo.xlsx", "bo", corpus, truth, noise=0.10, seed=2, skip=5)
    review = tmp_path / "review"
    res = runner.invoke(cli, ["review", "import", str(anna), str(bo), "--out", str(review), "--codings", str(out)])
    assert res.exit_code == 0, res.output
    human = read_stage_table(review, "human_codings")
    assert human.groupby("coder")["note_id"].nunique().to_dict() == {"anna": 40, "bo": 35}

    res = runner.invoke(cli, ["agreement", "--human", str(review), "--codings", str(out), "--out", str(review),
                              "--n-boot", "200"])
    assert res.exit_code == 0, res.output
    rel = read_stage_table(review, "reliability")
    assert {"model", "anna", "all"} <= set(rel.coder_a)
    overall = rel[(rel.theme_id == "_overall") & (rel.coder_a == "anna") & (rel.coder_b == "bo")].iloc[0]
    assert overall.n_units == 35 * len(THEMES)  # bo's five blank rows are not counted
    assert overall.cohen_kappa > 0.6 and overall.kappa_ci_low < overall.cohen_kappa < overall.kappa_ci_high
    assert (rel.run_id == "r0").all()
    assert Path(review, "csv_da", "reliability.csv").exists()


def test_import_error_exits_2_with_one_line(stage_dir, tmp_path):
    out, corpus, truth = stage_dir
    runner = CliRunner()
    xlsx = tmp_path / "review.xlsx"
    assert runner.invoke(_cli(), ["review", "export", "--codings", str(out), "--n", "10", "--out", str(xlsx)]).exit_code == 0
    wb = load_workbook(xlsx)
    ws = wb["Kodning"]
    ws.cell(2, 6, "ja-styrke")  # a theme cell filled, no coder name
    wb.save(tmp_path / "x.xlsx")
    res = subprocess.run([sys.executable, "-m", "kvalitativ.cli", "review", "import", str(tmp_path / "x.xlsx"),
                          "--out", str(tmp_path / "r")], capture_output=True, text=True)
    assert res.returncode == 2
    assert "x.xlsx, row 2, column 'koder'" in res.stderr and "Traceback" not in res.stderr


def test_an_unfilled_sheet_is_exit_2_not_an_empty_table(stage_dir, tmp_path):
    """It printed "Read 1 file(s): ." and wrote a 0-row human_codings with exit 0 (a new user's trial)."""
    out, _, _ = stage_dir
    xlsx = tmp_path / "review.xlsx"
    assert CliRunner().invoke(_cli(), ["review", "export", "--codings", str(out), "--n", "10", "--out",
                                       str(xlsx)]).exit_code == 0
    res = subprocess.run([sys.executable, "-m", "kvalitativ.cli", "review", "import", str(xlsx),
                          "--out", str(tmp_path / "r")], capture_output=True, text=True)
    assert res.returncode == 2 and "no note is coded in review.xlsx" in res.stderr
    assert not (tmp_path / "r" / "work" / "human_codings.parquet").exists()


def _reviewed_by_two(runner, cli, stage_dir, tmp_path) -> Path:
    """review export (50 notes) → coders anna and bo fill it (5 % slips) → review import: the folder."""
    out, corpus, truth = stage_dir
    xlsx = tmp_path / "review.xlsx"
    assert runner.invoke(cli, ["review", "export", "--codings", str(out), "--n", "50", "--out", str(xlsx)]).exit_code == 0
    sheets = [_code_sheet(xlsx, tmp_path / f"{c}.xlsx", c, corpus, truth, noise=0.05, seed=s)
              for c, s in (("anna", 1), ("bo", 2))]
    review = tmp_path / "review"
    assert runner.invoke(cli, ["review", "import", *map(str, sheets), "--out", str(review)]).exit_code == 0
    return review


def test_round_trip_with_retrain(stage_dir, tmp_path):
    """export → two coders → import → agreement --retrain (tfidf): model_before and model_after rows."""
    out, corpus, truth = stage_dir
    runner = CliRunner()
    cli = _cli()
    review = _reviewed_by_two(runner, cli, stage_dir, tmp_path)
    res = runner.invoke(cli, ["agreement", "--human", str(review), "--codings", str(out), "--out", str(review),
                              "--retrain", "--embedder", "tfidf", "--folds", "3", "--n-boot", "100"])
    assert res.exit_code == 0, res.output
    assert "model_after vs anna" in res.output
    # model_after is not what `code --train` builds: the output says so (a new user's trial read it so)
    assert "`kvalitativ code --train` on the same training codes builds a stronger one" in res.output
    rel = read_stage_table(review, "reliability")
    assert {"model_before", "model_after"} <= set(rel.coder_a) and "model" not in set(rel.coder_a)
    k = rel[rel.theme_id == "_overall"].set_index(["coder_a", "coder_b"])["cohen_kappa"]
    assert k[("model_after", "anna")] > 0.5  # learnt from people, judged on notes it did not see
    retrained = read_stage_table(review, "codings_retrained")
    assert set(retrained.note_id) == set(corpus.note_id) and (retrained.method == "supervised").all()
    codes = read_stage_table(review, "training_codes")
    assert {"note_id", "theme_id", "valence"} <= set(codes.columns)


def test_retrain_with_the_codebook_is_the_coder_code_train_builds(stage_dir, tmp_path):
    """agreement --retrain judged a bare note-level coder (kappa 0.55 -> 0.20 in a new user's trial)
    while `code --train` on the same codes was better; with --codebook it refits that very coder:
    its whole-corpus codings equal `code --train`'s on the same training codes."""
    import yaml

    from kvalitativ.coding import code_notes

    out, corpus, truth = stage_dir
    cb = tmp_path / "cb.yaml"
    cb.write_text(yaml.safe_dump({"name": "t", "version": "1", "themes": [
        {"id": t, "label": t.title(), "definition": f"Noten handler om {t}."} for t in THEMES]},
        allow_unicode=True), encoding="utf-8")
    runner, cli = CliRunner(), _cli()
    review = _reviewed_by_two(runner, cli, stage_dir, tmp_path)
    res = runner.invoke(cli, ["agreement", "--human", str(review), "--codings", str(out), "--out", str(review),
                              "--retrain", "--embedder", "tfidf", "--folds", "3", "--n-boot", "50",
                              "--codebook", str(cb)])
    assert res.exit_code == 0, res.output
    assert "model_after is the coder `code --train` builds" in res.output
    codes = read_stage_table(review, "training_codes")
    retrained = read_stage_table(review, "codings_retrained")
    from kvalitativ.review.compare import coder_level

    level = coder_level(read_stage_table(out, "codings"))
    assert f"level {level}" in res.output
    direct = code_notes(corpus, codebook=str(cb), coder="supervised", train=codes, level=level, embedder="tfidf",
                        progress=False)
    key = ["note_id", "theme_id"]
    assert retrained[key].sort_values(key).reset_index(drop=True).equals(
        direct[key].astype(retrained[key].dtypes.to_dict()).sort_values(key).reset_index(drop=True))
