import re

from kvalitativ.evidence.counts import ALL


def test_citizen_tables_have_evidence_without_outcome(summarized):
    ev = summarized["citizen_evidence"]
    assert "outcome_rate" not in ev.columns and "odds_ratio" not in ev.columns
    shown = ev[~ev["suppressed"]]
    assert shown["headline"].str.contains("af henvendelserne").all()
    assert not shown["headline"].str.contains("faldt").any()
    assert shown.loc[shown["unit_id"] != ALL, "headline"].str.contains(r" i (?:Distrikt|Midtbyen)", regex=True).all()
    assert set(ev["unit_id"]) >= {ALL, "Distrikt Nord", "Distrikt Syd", "Midtbyen"}


def test_citizen_prevalence_by_district_channel_and_period(summarized):
    prev = summarized["citizen_prevalence"]
    assert set(prev["group_by"]) == {"overall", "unit_id", "source", "period"}
    assert set(prev.loc[prev["group_by"] == "source", "group_value"]) == {"webformular", "e-mail", "borgermøde"}
    shown = prev[~prev["suppressed"]]
    assert ((shown["n_persons"] == 0) | (shown["n_persons"] >= 5)).all()


def test_citizen_quotes_and_keywords(summarized, citizen):
    q = summarized["citizen_quotes"]
    assert set(q["theme_id"]) <= set(citizen.themes["theme_id"])
    assert (q.groupby(["theme_id", "valence", "unit_id"]).size() <= 5).all()
    ev = summarized["citizen_evidence"]
    traffic = ev[(ev["unit_id"] == ALL) & (ev["theme_id"] == "trafik")].iloc[0]
    assert re.search(r"cykelsti|bil|kryds|farlig", traffic["keywords"])
