"""The report shows people's and the model's agreement when a `reliability` table is present."""

from __future__ import annotations

import pandas as pd

from kvalitativ.report.render import render_report
from kvalitativ.review.agreement import reliability_table


def test_reliability_section_lists_coder_pairs(tmp_path, report_tables):
    rows = []
    for i in range(30):
        for coder in ("anna", "bo", "model_before", "model_after"):
            present = (i % 3 == 0) if coder in ("anna", "bo", "model_after") else (i % 2 == 0)
            if coder == "bo" and i == 4:
                present = not present
            rows.append({"coder": coder, "note_id": f"n{i}", "theme_id": "motivation", "present": present,
                         "valence": "concern" if present else None})
    without = render_report(report_tables, tmp_path / "plain.html").read_text(encoding="utf-8")
    assert "Pålidelighed" not in without
    reliability = reliability_table(pd.DataFrame(rows), n_boot=50)
    html = render_report({**report_tables, "reliability": reliability}, tmp_path / "r.html").read_text(encoding="utf-8")
    assert "Pålidelighed: mennesker og model" in html
    for coder in ("anna", "modellen før genoptræning", "modellen efter genoptræning"):  # model names in Danish
        assert f"<td>{coder}</td>" in html
    assert "model_before" not in html and "model_after" not in html


def test_themes_sharing_a_label_still_render(tmp_path, report_tables):
    """Discovered topics can share a label (with each other or a codebook theme): the report names them apart."""
    tables = dict(report_tables)
    ev = tables["evidence"].copy()
    ids = ev["theme_id"].dropna().unique()[:2]
    ev.loc[ev["theme_id"].isin(ids), "theme_label"] = "Samme navn"
    tables["evidence"] = ev
    html = render_report(tables, tmp_path / "r.html").read_text(encoding="utf-8")
    for theme_id in ids:
        assert f"Samme navn ({theme_id})" in html
