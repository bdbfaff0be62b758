import pandas as pd
import pytest

from kvalitativ.evidence.counts import ALL
from kvalitativ.evidence.joint_display import JOINT_COLUMNS, joint_display


def test_indicators_sit_beside_the_municipality(summarized, dataset):
    jd = summarized["joint_display"]
    assert list(jd.columns) == ["run_id", *JOINT_COLUMNS]
    ind = dataset.indicators
    for unit in ["Nordskolen", "Sydskolen"]:
        rows = jd[(jd["unit_id"] == unit) & (jd["kind"] == "indicator")].set_index("key")
        sub = ind[ind["school"] == unit]
        assert rows.loc["dropout", "value"] == pytest.approx(sub["dropout"].mean())
        assert rows.loc["dropout", "value_municipality"] == pytest.approx(ind["dropout"].mean())
        assert rows.loc["absence_pct", "value"] == pytest.approx(sub["absence_pct"].mean())
        assert rows.loc["grade_avg", "value_municipality"] == pytest.approx(ind["grade_avg"].mean())
        assert rows.loc["dropout", "value_format"] == "pct"


def test_unit_figures_with_municipality_mean(summarized, dataset):
    jd = summarized["joint_display"]
    fig = jd[(jd["kind"] == "figure") & (jd["key"] == "udgift_pr_elev")].set_index("unit_id")
    uf = dataset.unit_figures.set_index("unit_id")
    assert fig.loc["Vestskolen", "value"] == uf.loc["Vestskolen", "udgift_pr_elev"]
    assert fig["value_municipality"].tolist() == pytest.approx([uf["udgift_pr_elev"].mean()] * len(fig))
    assert (fig["note"] == "gennemsnit af enhederne").all()


def test_top_themes_come_from_evidence_with_a_unit_quote(summarized):
    jd, ev, q = summarized["joint_display"], summarized["evidence"], summarized["quotes"]
    themes = jd[jd["kind"] == "theme"]
    assert len(themes)
    for r in themes.to_dict("records"):
        e = ev[(ev["unit_id"] == r["unit_id"]) & (ev["theme_id"] == r["key"]) & (ev["valence"] == r["valence"])].iloc[0]
        assert not e["suppressed"]
        assert r["value"] == pytest.approx(e["share"]) and r["value_municipality"] == pytest.approx(e["share_municipality"])
        if pd.notna(r["quote"]):
            hit = q[(q["unit_id"] == r["unit_id"]) & (q["theme_id"] == r["key"]) & (q["valence"] == r["valence"]) & (q["rank"] == 1)]
            assert hit["quote"].iloc[0] == r["quote"]
    for (unit, valence), g in themes.groupby(["unit_id", "valence"]):
        assert len(g) <= 3
        assert g["value"].is_monotonic_decreasing
    assert "rusmidler" not in set(themes["key"])


def test_small_units_are_suppressed(dataset, summarized):
    ind = dataset.indicators.copy()
    small = ind.index[:3]
    ind.loc[small, "school"] = "Lilleskolen"  # three persons only
    uf = pd.concat([dataset.unit_figures, pd.DataFrame({"unit_id": ["Lilleskolen", "kommune"],
                                                        "udgift_pr_elev": [90000.0, 70000.0], "elevtal": [30, 2000]})])
    jd = joint_display(summarized["evidence"], summarized["quotes"], ind, dataset.corpus, uf, min_cell=5,
                       unit_col="school")
    lille = jd[(jd["unit_id"] == "Lilleskolen") & (jd["kind"] == "indicator")]
    assert len(lille) == 3 and lille["suppressed"].all() and lille["value"].isna().all() and lille["n_persons"].isna().all()
    figs = jd[(jd["kind"] == "figure") & (jd["key"] == "udgift_pr_elev")]
    assert (figs["value_municipality"] == 70000.0).all() and (figs["note"] == "kommunens tal").all()
    assert ALL not in set(jd["unit_id"])


def test_persons_count_for_every_unit_that_wrote_about_them(dataset, summarized):
    from kvalitativ.evidence.joint_display import person_units

    corpus = dataset.corpus.copy()
    moved = corpus.index[corpus["unit_id"] == "Nordskolen"][:40]
    corpus.loc[moved, "unit_id"] = "Sydskolen"  # some Nordskolen pupils also have notes from Sydskolen
    pairs = person_units(dataset.indicators, corpus)
    members = set(pairs.loc[pairs["unit_id"] == "Sydskolen", "person_id"])
    jd = joint_display(summarized["evidence"], None, dataset.indicators, corpus, None, min_cell=5)
    row = jd[(jd["unit_id"] == "Sydskolen") & (jd["key"] == "dropout")].iloc[0]
    ind = dataset.indicators.set_index("person_id")
    assert row["value"] == pytest.approx(ind.loc[sorted(members), "dropout"].mean())
    assert row["n_persons"] == len(members) > (dataset.indicators["school"] == "Sydskolen").sum()
