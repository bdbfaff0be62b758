"""run.json after stage commands: it says they ran, and the report takes its rules from the tables."""

from __future__ import annotations

import json

import pandas as pd

from kvalitativ.commands._common import published
from kvalitativ.io.store import write_manifest, write_tables


def _run_folder(folder, window_months: int = 12):
    write_tables(folder, {"themes": pd.DataFrame({"theme_id": ["motivation"], "label": ["Motivation"]})}, "r1")
    write_manifest(folder, "r1", config={"link": {"window_months": window_months}, "privacy": {"min_cell": 5}},
                   inputs={}, tables={"themes": 1})


def test_a_stage_command_into_a_run_folder_is_recorded_in_run_json(tmp_path):
    out = tmp_path / "out"
    _run_folder(out)
    with published(out, "kvalitativ link") as pub:
        write_tables(pub.staging, {"associations": pd.DataFrame({"theme_id": ["motivation"], "n_persons": [40]})}, "r2")
    manifest = json.loads((out / "run.json").read_text(encoding="utf-8"))
    assert [c["command"] for c in manifest["changed_since_run"]] == ["kvalitativ link"]
    assert manifest["tables"]["associations"] == 1 and manifest["tables"]["themes"] == 1  # counted again
    assert manifest["run_id"] == "r1"  # the run's own id stays: it names what `kvalitativ run` made


def test_a_folder_without_run_json_gets_none(tmp_path):
    out = tmp_path / "out"
    with published(out, "kvalitativ code") as pub:
        write_tables(pub.staging, {"themes": pd.DataFrame({"theme_id": ["m"], "label": ["M"]})}, "r1")
    assert not (out / "run.json").exists()


def test_a_stage_command_records_what_it_read_and_how_it_was_set(tmp_path):
    """A trial: `kvalitativ code --train rev_more/…` into a run folder left run.json naming only the
    run's hand codes (`inputs.train`, `config.code.train`) beside the codings of the new ones. The
    entry now says which files the command read (names and hashes, never paths) and its settings."""
    from kvalitativ.config import RunConfig
    from kvalitativ.io.store import file_sha256

    out = tmp_path / "out"
    _run_folder(out)
    (tmp_path / "case anna").mkdir()
    train = tmp_path / "case anna" / "rev_more.csv"
    train.write_text("note_id,theme_id\nn1,motivation\n", encoding="utf-8")
    notes = tmp_path / "notes.csv"
    notes.write_text("x\n", encoding="utf-8")
    config = RunConfig()
    config.code.train, config.code.level, config.ingest.notes = str(train), "note", str(notes)
    with published(out, "kvalitativ code", config=config) as pub:
        write_tables(pub.staging, {"themes": pd.DataFrame({"theme_id": ["m"], "label": ["M"]})}, "r2")
    human = tmp_path / "sheet.parquet"
    human.write_bytes(b"PAR1")
    with published(out, "kvalitativ link", config=RunConfig(), inputs={"human": human, "train": None}) as pub:
        write_tables(pub.staging, {"associations": pd.DataFrame({"theme_id": ["m"], "n_persons": [40]})}, "r3")
    text = (out / "run.json").read_text(encoding="utf-8")
    code, link = json.loads(text)["changed_since_run"]
    assert code["inputs"] == {"train": {"file": "rev_more.csv", "sha256": file_sha256(train)}}  # not the notes: not read
    assert code["config"]["code"]["train"] == "rev_more.csv" and code["config"]["code"]["level"] == "note"
    assert set(code["config"]) == {"code", "embed"}
    assert link["inputs"] == {"human": {"file": "sheet.parquet", "sha256": file_sha256(human)}}
    assert "case anna" not in text and str(tmp_path) not in text  # no path, no folder name


def test_a_stage_command_that_changes_what_the_report_showed_removes_the_old_report(tmp_path, capsys):
    """A trial: after `kvalitativ run`, `kvalitativ code --train … --out` the run's folder left the old
    report.html in place, unmarked, while `kvalitativ report` refused to write it again."""
    out = tmp_path / "out"
    _run_folder(out)
    (out / "report.html").write_text("<p>old</p>", encoding="utf-8")
    with published(out, "kvalitativ tune") as pub:  # a table the report does not read: the report stays
        write_tables(pub.staging, {"tune_results": pd.DataFrame({"setting": ["a"], "score": [1.0]})}, "r2")
    assert (out / "report.html").is_file()
    with published(out, "kvalitativ code") as pub:
        write_tables(pub.staging, {"themes": pd.DataFrame({"theme_id": ["m"], "label": ["Motivation!"]})}, "r3")
    assert not (out / "report.html").exists()
    assert "Removed report.html" in capsys.readouterr().err


def test_a_stale_table_the_report_does_not_read_keeps_the_report(tmp_path):
    """Only what `kvalitativ report` itself would refuse for removes report.html (a review: any stale
    table did, e.g. an `evaluation` built from older codings)."""
    out = tmp_path / "out"
    _run_folder(out)
    write_tables(out, {"codings": pd.DataFrame({"note_id": ["n1"], "theme_id": ["m"]})}, "r1")
    write_tables(out, {"evaluation": pd.DataFrame({"theme_id": ["m"], "f1": [0.5]})}, "r1",
                 read={"codings": "an-older-digest"})
    (out / "report.html").write_text("<p>still right</p>", encoding="utf-8")
    with published(out, "kvalitativ tune") as pub:
        write_tables(pub.staging, {"tune_results": pd.DataFrame({"setting": ["a"], "score": [1.0]})}, "r2")
    assert (out / "report.html").is_file()
