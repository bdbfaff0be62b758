"""The report's rules come from the tables, not from a run.json that stage commands have outdated."""

from __future__ import annotations

import pandas as pd

from kvalitativ.io.store import write_manifest, write_tables


def test_the_report_takes_the_window_from_the_tables_not_from_an_outdated_run_json(tmp_path, report_tables):
    """A trial: `kvalitativ link --window-months …` into a run folder; the report said the run's window."""
    from kvalitativ.report.stage import report_from_dir

    out = tmp_path / "out"
    write_tables(out, {k: v for k, v in report_tables.items() if isinstance(v, pd.DataFrame)}, "r2")
    write_manifest(out, "rdeadbeef0042", config={"link": {"window_months": 12}, "privacy": {"min_cell": 5}}, inputs={},
                   extra={"changed_since_run": [{"command": "kvalitativ link", "at": "2026-12-08T00:00:00+00:00"}]})
    html = report_from_dir(out, tmp_path / "report.html").read_text(encoding="utf-8")
    assert "15 måneder" in html and "12 måneder" not in html  # the link tables were made with 15
    assert "rdeadbeef0042" not in html  # nor its run id: the tables carry their own
