import re

import pandas as pd
import pytest

from kvalitativ.errors import InputError
from kvalitativ.report import build_figures, render_report


@pytest.fixture(scope="module")
def html(report_tables, meta, tmp_path_factory):
    path = render_report(report_tables, tmp_path_factory.mktemp("r") / "report.html", meta=meta)
    return path.read_text(encoding="utf-8")


def test_report_is_self_contained(html):
    assert html.count("<script") - html.count("<script>") == html.count('<script type="text/javascript">')
    assert not re.search(r"<script[^>]+src=", html)
    assert not re.search(r"<link[^>]+href=", html)
    assert "@import" not in html and "cdn.plot.ly" not in html.split("</head>")[1]
    assert 'Content-Security-Policy' in html
    assert html.count("plotly.js v") >= 1  # the bundle is inline


def test_report_sections_in_danish(html, report_tables):
    for heading in ("Overblik", "Temaernes udbredelse", "Sammenhæng med frafald", "Udvikling over tid", "Enheder",
                    "Borgerinput", "Metode og forbehold"):
        assert f">{heading}" in html, heading
    assert "sammenhænge, ikke årsager" in html.lower()
    assert "15 måneder" in html  # the dropout window from the link output
    assert "UPV" not in html  # no former UPV criterion among these themes: no UPV caveat
    assert "færre end 5 personer" in html
    for unit in ("Nordskolen", "Sydskolen", "Vestskolen", "Østskolen"):
        assert f'id="enhed-{unit.lower()}"' in html
    ev = report_tables["evidence"]
    headline = ev.loc[~ev["suppressed"], "headline"].iloc[0]
    assert headline in html


def test_figures_are_embedded_once_each(html, report_tables):
    figs = build_figures(report_tables)
    assert set(figs) >= {"fig-prevalence", "fig-forest", "fig-trend-concern", "fig-citizen-prevalence"}
    for fid in figs:
        assert html.count(f'id="{fid}"') == 1
    assert f'data-n-figures="{len(figs)}"' in html


def test_text_is_escaped(report_tables, meta, tmp_path):
    tables = dict(report_tables)
    q = tables["quotes"].copy()
    q.loc[q.index[0], "quote"] = '<script>alert("x")</script> & <b>fed</b>'
    tables["quotes"] = q
    ev = tables["evidence"].copy()
    ev.loc[ev.index[0], "theme_label"] = "<img src=x onerror=alert(1)>"
    tables["evidence"] = ev
    html = render_report(tables, tmp_path / "r.html", meta={**meta, "municipality": "<i>Kommune</i>"}).read_text()
    assert "<script>alert" not in html and "&lt;script&gt;alert" in html
    assert "<img src=x" not in html
    assert "<i>Kommune</i>" not in html


def test_unit_brief(report_tables, meta, tmp_path):
    path = render_report(report_tables, tmp_path / "nord.html", unit="Nordskolen", meta=meta)
    html = path.read_text(encoding="utf-8")
    assert "Nordskolen" in html and "Sydskolen" not in html
    assert "Frafald fra ungdomsuddannelse" in html and "Kommunen" in html
    assert build_figures(report_tables, unit="Nordskolen").keys() == {"fig-unit"}
    with pytest.raises(InputError, match="Nordskolen"):
        render_report(report_tables, tmp_path / "x.html", unit="Skole X")
    assert not (tmp_path / "x.html").exists()


def test_deterministic(report_tables, meta, tmp_path):
    a = render_report(report_tables, tmp_path / "a.html", meta=meta).read_bytes()
    b = render_report(report_tables, tmp_path / "b.html", meta=meta).read_bytes()
    assert a == b


def test_report_without_link_or_citizen(report_tables, meta, tmp_path):
    tables = {k: v for k, v in report_tables.items() if k in ("evidence", "quotes", "joint_display", "themes")}
    html = render_report(tables, tmp_path / "r.html", meta=meta).read_text()
    assert "Borgerinput" not in html and 'id="fig-forest"' not in html
    with pytest.raises(InputError):
        render_report({"themes": pd.DataFrame()}, tmp_path / "none.html")


def test_upv_caveat_only_with_former_upv_themes(report_tables, meta, tmp_path):
    themes = report_tables["themes"].copy()
    themes["parent_id"] = themes["parent_id"].astype("object") if "parent_id" in themes else None
    themes.loc[themes.index[0], "parent_id"] = "personlige_kompetencer"
    path = render_report({**report_tables, "themes": themes}, tmp_path / "r.html", meta=meta)
    html = path.read_text(encoding="utf-8")
    assert "2024/25" in html and "UPV" in html


def test_method_says_trend_words_need_the_adjusted_q(html):
    # the evidence words a trend from its Benjamini–Hochberg q-value, and the method must say so
    assert "kræver q &lt; 0,05" in html and "kræver p &lt; 0,05" not in html


def test_the_method_says_which_note_rule_compared_the_persons(report_tables, meta, tmp_path, html):
    """A landmark comparison (link.timing landmark) is a different claim from 'notes before the
    outcome': the report must say which one its associations rest on."""
    assert "Kun notater skrevet <em>før</em> udfaldet tæller" in html and "stadig var der" not in html
    associations = report_tables["associations"].copy()
    associations["note_rule"] = ("landmark 2023-08-01: notes dated before 2023-08-01 and at most 12 months before "
                                 "it; persons whose outcome_date is before 2023-08-01 excluded; undated notes excluded")
    associations["cutoff"] = "2023-08-01"
    path = render_report({**report_tables, "associations": associations}, tmp_path / "r.html", meta=meta)
    landmark = path.read_text(encoding="utf-8")
    assert "Kun notater skrevet <em>før</em> 2023-08-01 tæller (og højst 12 måneder før)" in landmark
    assert "der stadig var der den dag, sammenlignes" in landmark
    assert "Udbredelsen tæller alle med notater før den dato" in landmark  # a different count than the links'
    assert "Udbredelsen tæller alle" not in html
    assert "Kun notater skrevet <em>før</em> udfaldet tæller" not in landmark


def test_the_report_warns_when_one_group_was_watched_longer(report_tables, meta, tmp_path, html):
    """Under the default note rule, persons who stayed had more notes to be noted in: the school
    leader must read that beside the associations, not only the analyst in the link's output."""
    assert "gange så mange notater" not in html
    associations = report_tables["associations"].assign(notes_ratio=1.8)
    path = render_report({**report_tables, "associations": associations}, tmp_path / "r.html", meta=meta)
    warned = path.read_text(encoding="utf-8")
    assert "uden udfaldet havde i gennemsnit 1,8 gange så mange notater" in warned
    assert "sammen med ikke at have udfaldet alene af den grund" in warned
    balanced = render_report({**report_tables, "associations": associations.assign(notes_ratio=1.1)},
                             tmp_path / "b.html", meta=meta).read_text(encoding="utf-8")
    assert "gange så mange notater" not in balanced


def test_one_quote_is_one_citat_not_1_citater(report_tables, meta, tmp_path):
    """A theme with a single quote says "1 citat" (the English report: "1 quote")."""
    one = {k: report_tables[k][report_tables[k]["rank"] == 1] for k in ("quotes", "citizen_quotes")}
    text = render_report({**report_tables, **one}, tmp_path / "r.html", meta=meta).read_text()
    assert "1 citater" not in text
    assert "1 citat</summary>" in text
    english = render_report({**report_tables, **one}, tmp_path / "en.html", meta={**meta, "language": "en"}).read_text()
    assert "1 quotes" not in english and "1 quote</summary>" in english
