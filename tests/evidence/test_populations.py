"""Two numbers set side by side are about the same persons, or the sentence says whom each is about.

The data: 600 young people with a note at Nordskolen, 150 of whom dropped out. 100 had the
concern noted before their outcome (40 dropouts), 110 more dropouts only in their exit note;
800 more persons in the indicator export have no note at all (5 % dropout).
"""

import pandas as pd
import pytest

from kvalitativ.evidence.joint_display import MUNICIPALITY_NOTE, joint_display
from kvalitativ.evidence.summaries import build_evidence
from kvalitativ.link.associations import associations
from kvalitativ.link.persons import person_themes
from kvalitativ.link.prevalence import prevalence


@pytest.fixture(scope="module")
def exit_notes():
    notes, cod, ind = [], [], []
    for i in range(600):
        pid = f"P{i:03d}"
        notes.append({"note_id": pid + "a", "person_id": pid, "date": pd.Timestamp("2023-10-01"),
                      "unit_id": "Nordskolen", "period": "2023/24"})
        if i < 40 or 200 <= i < 260:  # the concern before the outcome: 40 dropouts, 60 others
            cod.append({"note_id": pid + "a", "theme_id": "motivation", "valence": "concern"})
        if 40 <= i < 150:  # 110 dropouts: the concern written in the exit note, after the outcome
            notes.append({"note_id": pid + "b", "person_id": pid, "date": pd.Timestamp("2024-04-01"),
                          "unit_id": "Nordskolen", "period": "2023/24"})
            cod.append({"note_id": pid + "b", "theme_id": "motivation", "valence": "concern"})
        ind.append({"person_id": pid, "dropout": int(i < 150), "outcome_date": pd.Timestamp("2024-03-01")})
    for i in range(600, 1400):  # in the export, nobody wrote about them
        ind.append({"person_id": f"P{i:03d}", "dropout": int(i % 20 == 0), "outcome_date": pd.Timestamp("2024-03-01")})
    ind, corpus, codings = pd.DataFrame(ind), pd.DataFrame(notes), pd.DataFrame(cod)
    pt = person_themes(codings, corpus, ind)
    assoc = associations(pt, ind, theme_labels={"motivation": "Motivation"})
    prev = prevalence(codings, corpus, group_by=["overall", "unit_id"])
    ev = build_evidence(codings, corpus, prevalence=prev, associations=assoc, person_themes=pt.table, min_cell=5)
    return ind, corpus, ev


def test_headline_names_the_persons_its_outcome_rate_is_over(exit_notes):
    _, _, ev = exit_notes
    row = ev[ev["unit_id"] == "_all"].iloc[0]
    assert row["n_persons"] == 210  # the share: every note, the exit notes too
    assert row["outcome_rate"] == pytest.approx(0.40)  # the rate: the 100 noted before their outcome
    # 150 of the 210 (71 %) dropped out, so "blandt dem faldt 40 % fra" would be false
    assert "; blandt dem faldt" not in row["headline"]
    assert "; blandt dem, hvor det blev noteret før udfaldet, faldt 40\u00a0% fra mod 22\u00a0% blandt de øvrige." \
        in row["headline"]


def test_joint_display_municipality_is_the_units_persons(exit_notes):
    ind, corpus, ev = exit_notes
    jd = joint_display(ev, None, ind, corpus, indicator_cols=())
    row = jd[(jd["kind"] == "indicator") & (jd["key"] == "dropout")].iloc[0]
    assert row["value"] == pytest.approx(150 / 600)
    # every person with a note is at Nordskolen: the municipality of these persons is the same
    # 25 %, not the 14 % of an export that adds 800 persons nobody wrote about
    assert row["value_municipality"] == pytest.approx(150 / 600)
    assert row["note"] == MUNICIPALITY_NOTE


def test_every_rate_clause_names_the_link_persons():
    from kvalitativ.evidence.outcome_rates import rate_clause, rate_population

    dated = rate_population("notes dated strictly before outcome_date; undated notes excluded")
    assert dated == rate_population(None) == "hvor det blev noteret før udfaldet"
    assert rate_population("notes dated strictly before outcome_date and before cutoff 2024-08-01; undated "
                           "notes excluded", "2024-08-01") == "hvor det blev noteret før udfaldet og skæringsdatoen"
    cross = rate_population("every note counts, dates not used (cross-sectional: a theme may have been written "
                            "after the outcome)")
    assert cross == "med kendt udfald"
    words = {"outcome": "dropout", "population_label": None, "outcome_label": None}
    assert rate_clause(words, "40 %", None, cross) == "; blandt dem med kendt udfald faldt 40 % fra"
    petition = dict(words, outcome="maal", outcome_label="nåede målet")
    assert rate_clause(petition, "40 %", "9 %", dated) == \
        "; 40 % af dem, hvor det blev noteret før udfaldet, nåede målet mod 9 % blandt de øvrige"
    other = dict(words, outcome="bestod")
    assert rate_clause(other, "40 %", None, dated) == \
        "; blandt dem, hvor det blev noteret før udfaldet, har 40 % udfaldet 'bestod'"
