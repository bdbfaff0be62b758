"""The associations table: suppression, wording, rule columns and the logistic-regression guards."""

from __future__ import annotations

import numpy as np
import pandas as pd

from kvalitativ.link import associations, person_themes
from kvalitativ.link.associations import COLUMNS
from kvalitativ.link import wording
from tests.link.synth import make_link_data, person_table

CELLS = ["n_with", "n_without", "events_with", "events_without"]


def _small_table(min_cell: int = 5) -> pd.DataFrame:
    d = make_link_data(n=60, odds_ratio=3.0, seed=21, theme_share=0.15)
    pt = person_themes(d["codings"], d["corpus"], d["indicators"], window_months=6)
    return associations(pt, d["indicators"], covariates=["absence_pct", "gender"], min_cell=min_cell,
                        numeric_indicators=["absence_pct", "grade_avg"])


def test_no_unsuppressed_row_has_a_small_cell():
    table = _small_table()
    assert table["suppressed"].any() and (~table["suppressed"]).any()
    shown = table[~table["suppressed"]]
    for col in CELLS:
        v = shown[col].dropna().astype(int)
        assert not ((v >= 1) & (v <= 4)).any(), col
    binary = shown[shown["indicator_type"] == "binary"]
    for n, e in (("n_with", "events_with"), ("n_without", "events_without")):
        non_events = (binary[n] - binary[e]).astype(int)
        assert not ((non_events >= 1) & (non_events <= 4)).any()


def test_suppressed_rows_are_blank_and_say_so():
    table = _small_table()
    hidden = table[table["suppressed"]]
    for col in CELLS + ["odds_ratio", "or_ci_low", "rate_with", "p_value", "q_value", "adjusted_odds_ratio",
                        "mean_difference"]:
        assert hidden[col].isna().all(), col
    assert hidden["interpretation"].str.startswith("Skjult").all()


def test_every_row_states_the_rules_and_columns_are_stable():
    table = _small_table()
    assert list(table.columns) == COLUMNS
    assert (table["outcome"] == "dropout").all()
    assert (table["dropout_window_months"] == 6).all()
    assert table["note_rule"].str.contains("strictly before outcome_date").all()
    assert (table["population"] == "with_notes").all()


def test_interpretation_says_association_not_cause():
    rng = np.random.default_rng(0)
    n = 400
    x = (rng.random(n) < 0.4).astype(int)
    y = (rng.random(n) < np.where(x == 1, 0.45, 0.15)).astype(int)
    ind = pd.DataFrame({"person_id": [f"P{i:04d}" for i in range(n)], "dropout": y,
                        "absence_pct": rng.normal(8, 3, n) + 4 * x})
    table = associations(person_table(x, theme="moedestabilitet", valence="concern"), ind,
                         numeric_indicators=["absence_pct"], theme_labels={"moedestabilitet": "fremmøde"})
    binary, numeric = table.iloc[0], table.iloc[1]
    assert binary["interpretation"].startswith("Elever med bekymring om fremmøde faldt oftere fra (OR ")
    assert "95 % KI" in binary["interpretation"] and "ikke en årsag" in binary["interpretation"]
    assert "," in binary["interpretation"].split("OR ")[1][:4]  # decimal comma
    assert numeric["interpretation"].startswith("Elever med bekymring om fremmøde havde i gennemsnit")
    assert "procentpoint højere fravær" in numeric["interpretation"] and "ikke en årsag" in numeric["interpretation"]
    assert "absence_pct" not in numeric["interpretation"]  # the indicator in words, not its column name
    for text in table["interpretation"]:
        assert "forårsag" not in text and "skyldes" not in text


def test_numeric_sentence_names_an_unknown_column_in_quotes():
    row = {"mean_difference": 2.5, "md_ci_low": 1.0, "md_ci_high": 4.0, "valence": "concern"}
    text = wording.numeric_sentence(row, "fremmøde", "dropout", "trivsel_score")
    assert "2,5 højere 'trivsel_score'" in text
    assert "karaktergennemsnit" in wording.numeric_sentence(row, "fremmøde", "dropout", "grade_avg")


def test_an_interval_below_zero_never_reads_as_zero():
    """On the sample: 'havde i gennemsnit 0,3 lavere karaktergennemsnit (95 % KI −0,7–−0,0)'."""
    row = {"mean_difference": -0.34, "md_ci_low": -0.71, "md_ci_high": -0.04, "valence": "any"}
    text = wording.numeric_sentence(row, "ansvarlighed", "dropout", "grade_avg")
    assert "0,34 lavere karaktergennemsnit (95 % KI fra −0,71 til −0,04)" in text
    assert "−0,0)" not in text and "–−" not in text
    assert wording.num(-0.04) == "0,0" and wording.num(-0.06) == "−0,1"
    gain = wording.added_value_sentence({"n_features": 2, "auc": 0.61, "ci_low": 0.56, "ci_high": 0.66},
                                        {"auc": 0.58, "ci_low": 0.53, "ci_high": 0.63},
                                        {"auc": -0.03, "ci_low": -0.07, "ci_high": 0.02}, "dropout")
    assert "en forskel på −0,03 (fra −0,07 til 0,02). Temaerne gør ingen tydelig forskel" in gain
    up = wording.added_value_sentence({"n_features": 2, "auc": 0.66, "ci_low": 0.61, "ci_high": 0.70},
                                      {"auc": 0.73, "ci_low": 0.69, "ci_high": 0.77},
                                      {"auc": 0.07, "ci_low": 0.03, "ci_high": 0.11}, "dropout")
    assert "en forskel på 0,07 (0,03–0,11). Temaerne forbedrer forudsigelsen." in up
    no_interval = wording.added_value_sentence({"n_features": 2, "auc": 0.61, "ci_low": 0.56, "ci_high": 0.66},
                                               {"auc": 0.58, "ci_low": 0.53, "ci_high": 0.63},
                                               {"auc": -0.03, "ci_low": float("nan"), "ci_high": float("nan")}, "dropout")
    assert "Temaerne" not in no_interval  # no interval, no verdict
    row = {"mean_difference": 4.2, "md_ci_low": 2.1, "md_ci_high": 6.3, "valence": "concern"}
    assert "4,2 procentpoint højere fravær (95 % KI 2,1–6,3)" in wording.numeric_sentence(row, "x", "dropout",
                                                                                          "absence_pct")


def test_numeric_indicator_rows_compare_means():
    d = make_link_data(n=300, seed=22, confounded=True)
    pt = person_themes(d["codings"], d["corpus"], d["indicators"])
    table = associations(pt, d["indicators"], numeric_indicators=["absence_pct"])
    row = table.set_index(["theme_id", "valence", "indicator"]).loc[("moedestabilitet", "concern", "absence_pct")]
    ind = d["indicators"].set_index("person_id")
    with_theme = set(pt.table.query("theme_id == 'moedestabilitet' and valence == 'concern' and present == 1").person_id)
    persons = set(pt.persons)  # the population: persons without any theme have no row
    inside = ind.loc[sorted(with_theme), "absence_pct"]
    outside = ind.loc[sorted(persons - with_theme), "absence_pct"]
    assert row["mean_difference"] == np.float64(inside.mean() - outside.mean())
    assert row["md_ci_low"] > 0  # confounded data: the theme goes with more absence
    assert row["p_method"] == "welch_t" and pd.isna(row["events_with"])


def test_missing_covariate_is_a_clear_error():
    import pytest

    from kvalitativ.errors import ConfigError

    d = make_link_data(n=50, seed=23)
    pt = person_themes(d["codings"], d["corpus"], d["indicators"])
    with pytest.raises(ConfigError, match="national_test_5th"):
        associations(pt, d["indicators"], covariates=["national_test_5th"])


def test_a_direction_needs_its_interval_and_its_q_value_in_both_tables():
    """The sample's ansvarlighed/strength (true OR 1): 'faldt oftere fra (OR 2,3; 95 % KI 1,2–4,3)'
    in associations, 'ingen klar sammenhæng' in evidence — now one rule: the leading estimate
    (corrected, else adjusted, else crude) with its q-value below 0.05."""
    from kvalitativ.evidence.summaries import _association_words

    row = {"valence": "strength", "odds_ratio": 2.27, "or_ci_low": 1.19, "or_ci_high": 4.33, "q_value": 0.45,
           "covariates": None, "adjusted_odds_ratio": float("nan")}
    text = wording.binary_sentence(row, "ansvarlighed", "dropout")
    assert "faldt hverken tydeligt oftere eller sjældnere fra (OR 2,3; 95 % KI 1,2–4,3; q 0,450: ikke tydelig" in text
    assert _association_words(row, "dropout").startswith("ingen klar sammenhæng med frafald")
    # and says why, as the associations' sentence does: an interval that excludes 1 beside "ingen klar
    # sammenhæng" read as a contradiction in the dashboard's evidence (a trial)
    assert _association_words(dict(row, p_value=0.01), "dropout") == (
        "ingen klar sammenhæng med frafald (OR 2,27, 95 %-KI 1,19–4,33; q 0,450: ikke tydelig blandt så mange "
        "sammenligninger)")
    clear = dict(row, q_value=0.01)
    assert "faldt oftere fra (OR 2,3; 95 % KI 1,2–4,3)" in wording.binary_sentence(clear, "ansvarlighed", "dropout")
    assert _association_words(clear, "dropout").startswith("hyppigere frafald")
    # with covariates the adjusted OR leads, with its own q-value
    adj = dict(clear, covariates="absence_pct", adjusted_odds_ratio=1.8, aor_ci_low=0.8, aor_ci_high=3.9,
               adjusted_q_value=0.3)
    assert wording.binary_sentence(adj, "x", "dropout").startswith(
        "Elever med styrke i x faldt hverken tydeligt oftere eller sjældnere fra (justeret OR 1,8; 95 % KI 0,8–3,9; "
        "ujusteret OR 2,3, 1,2–4,3)")
    assert _association_words(adj, "dropout").startswith("ingen klar sammenhæng med frafald (justeret OR 1,80")
    numeric = {"mean_difference": 2.0, "md_ci_low": 0.5, "md_ci_high": 3.5, "valence": "any", "q_value": 0.4}
    assert "adskilte sig ikke tydeligt i fravær" in wording.numeric_sentence(numeric, "x", "dropout", "absence_pct")


def test_discovered_topics_are_their_own_family_and_no_added_value_features(tmp_path):
    """After `discover` into the code folder, link put 106 topics into one FDR family with the
    codebook's themes (mødestabilitet/concern q 0.45 -> 0.82) and into the added-value model.
    Through the stage folders, as `kvalitativ link` and `run` read them (the codings without
    their method column: the themes table's origin says which are topics)."""
    from kvalitativ.config import RunConfig
    from kvalitativ.io.store import write_tables
    from kvalitativ.link.stage import link_from_dirs

    d = make_link_data(n=300, seed=5)
    codings = d["codings"].assign(method="zeroshot")
    rng = np.random.default_rng(0)
    notes = d["corpus"]["note_id"].to_numpy()
    topics = pd.DataFrame({"note_id": notes, "theme_id": [f"topic_{i}" for i in rng.integers(0, 40, len(notes))]})
    topics = topics.merge(d["corpus"][["note_id", "person_id"]], on="note_id").assign(
        method="topic", valence=None, score=0.5)
    themes = pd.DataFrame({"theme_id": sorted(codings["theme_id"].unique()), "origin": "codebook"}).assign(label=lambda t: t["theme_id"])
    topic_themes = pd.DataFrame({"theme_id": sorted(topics["theme_id"].unique()), "origin": "discovered"}).assign(label=lambda t: t["theme_id"])
    config = RunConfig()
    config.link.window_months, config.link.n_boot = 15, 20
    config.link.covariates, config.link.numeric_indicators = [], []
    out = {}
    for name, cod, th in (("alone", codings, themes), ("mixed", pd.concat([codings, topics], ignore_index=True),
                                                         pd.concat([themes, topic_themes], ignore_index=True))):
        folder = tmp_path / name
        write_tables(folder, {"codings": cod.assign(run_id="r1"), "themes": th, "corpus": d["corpus"],
                              "indicators": d["indicators"]}, run_id="r1")
        out[name] = link_from_dirs(folder, folder, config)["tables"]
    key = ["theme_id", "valence", "indicator"]
    a = out["alone"]["associations"].set_index(key)
    m = out["mixed"]["associations"].set_index(key).loc[a.index]
    assert np.allclose(a["q_value"], m["q_value"], equal_nan=True)  # the codebook's family is unchanged
    assert out["mixed"]["associations"]["theme_id"].str.startswith("topic_").any()  # topics are still linked
    assert out["mixed"]["added_value"]["n_features"].tolist() == out["alone"]["added_value"]["n_features"].tolist()
    # a folder of topics alone: they are the features (leaving them out left an empty model)
    from kvalitativ.link.stage import link_result

    only = link_result(topics, d["corpus"], d["indicators"], config).tables["added_value"]
    assert only.set_index("model").loc["difference", "n_features"] > 0
