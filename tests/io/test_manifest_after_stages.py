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
