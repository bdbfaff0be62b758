"""The trend test counts a person seen in several school years as one person (a statistician's review).

A pupil written about in three years is three rows of the period counts, and their rows are
alike; treated as independent, the p-values were too small. The variance is now clustered by
person: the robust score test of a GEE with an independence working correlation.
"""

import numpy as np
import pandas as pd
import pytest

from kvalitativ.evidence.summaries import build_evidence
from kvalitativ.evidence.trend import cochran_armitage

YEARS = ["2019/20", "2020/21", "2021/22", "2022/23", "2023/24"]


def _export(recurring: bool):
    """Two groups of 40 pupils, each written about in two neighbouring years with the same theme
    status both years: 8 of the early group (years 1–2) and 14 of the late group (years 4–5); 40
    pupils in year 3, 10 with it. ``recurring=False``: the same rows, each row its own pupil."""
    notes, cod = [], []
    groups = [((0, 1), 8), ((2,), 10), ((3, 4), 14)]
    for g, (years, with_theme) in enumerate(groups):
        for i in range(40):
            for y in years:
                nid = f"N{g}-{i}-{y}"
                pid = f"P{g}-{i}" if recurring else nid
                notes.append({"note_id": nid, "person_id": pid, "unit_id": "Skole A", "period": YEARS[y]})
                if i < with_theme:
                    cod.append({"note_id": nid, "theme_id": "motivation", "valence": "concern"})
    return pd.DataFrame(cod), pd.DataFrame(notes)


def _municipal_p(codings, corpus) -> float:
    ev = build_evidence(codings, corpus, min_cell=5, outcome=None)
    return float(ev.loc[(ev["unit_id"] == "_all") & (ev["valence"] == "concern"), "trend_p_value"].iloc[0])


def test_a_pupil_seen_in_two_years_counts_once_not_twice():
    recurring, distinct = _municipal_p(*_export(True)), _municipal_p(*_export(False))
    # the same period counts; the recurring pupils are half as many independent observations
    assert recurring > 2 * distinct
    assert distinct < 0.05 < recurring


def test_unit_trend_is_clustered_too():
    cod, corpus = _export(True)
    ev = build_evidence(cod, corpus, min_cell=5, outcome=None)
    unit = ev.loc[(ev["unit_id"] == "Skole A") & (ev["valence"] == "concern"), "trend_p_value"].iloc[0]
    assert unit == pytest.approx(_municipal_p(cod, corpus))


def _simulated(seed: int = 1, n: int = 120):
    rng = np.random.default_rng(seed)
    p = rng.beta(0.2, 0.8, n)
    stays = rng.integers(1, 4, n)
    starts = rng.integers(0, len(YEARS) - stays + 1)
    person = np.repeat(np.arange(n), stays)
    year = np.concatenate([np.arange(s, s + k) for s, k in zip(starts, stays)])
    has = rng.random(len(person)) < p[person]
    return person, year, has


def test_clustered_statistic_is_the_gee_robust_score_test():
    import statsmodels.api as sm

    from kvalitativ.evidence.trend import PersonPeriods

    person, year, has = _simulated()
    labels = np.array(YEARS, dtype=object)
    t = cochran_armitage(YEARS, np.bincount(year[has], minlength=5), np.bincount(year, minlength=5),
                         persons=PersonPeriods.from_labels(person, labels[year], person[has], labels[year[has]]))
    y, pos = has.astype(float), 2019.0 + year
    fam = sm.families.Binomial()
    null = sm.GEE(y, np.ones((len(y), 1)), groups=person, family=fam, cov_struct=sm.cov_struct.Independence()).fit()
    full = sm.GEE(y, sm.add_constant(pos), groups=person, family=fam, cov_struct=sm.cov_struct.Independence())
    score = full.compare_score_test(null)["statistic"]
    g = len(np.unique(person))
    assert t.z ** 2 == pytest.approx(score * (g - 1) / g, rel=1e-6)  # plus the small-sample factor G / (G − 1)


def test_without_recurrence_the_clustered_test_is_close_to_the_textbook_one():
    from kvalitativ.evidence.trend import PersonPeriods

    rng = np.random.default_rng(4)
    year = rng.integers(0, 5, 600)
    has = rng.random(600) < 0.15 + 0.03 * year
    person = np.arange(600)
    labels = np.array(YEARS, dtype=object)
    counts, totals = np.bincount(year[has], minlength=5), np.bincount(year, minlength=5)
    plain = cochran_armitage(YEARS, counts, totals)
    clustered = cochran_armitage(YEARS, counts, totals,
                                 persons=PersonPeriods.from_labels(person, labels[year], person[has], labels[year[has]]))
    assert clustered.slope == plain.slope and clustered.direction == plain.direction == "stigende"
    assert clustered.z == pytest.approx(plain.z, rel=0.05)


def test_notes_without_a_unit_count_for_the_municipality_only():
    cod, corpus = _export(True)
    # every second note without a unit: 5 persons with the theme have it in no unit's notes, so the
    # municipal row minus the unit's gives no small cell (with 1 to 4 the unit's row is hidden:
    # tests/evidence/test_disclosure.py)
    corpus.loc[corpus.index[::2], "unit_id"] = None
    ev = build_evidence(cod, corpus, min_cell=5, outcome=None)
    assert set(ev["unit_id"]) == {"_all", "Skole A"}
    assert ev["trend_p_value"].notna().all()
    corpus.loc[corpus.index[::7], "unit_id"] = "Skole A"
    corpus.loc[corpus.index[::2], "unit_id"] = "Skole A"
    corpus.loc[corpus.index[::7], "unit_id"] = None  # one such person: the unit's row is hidden
    ev = build_evidence(cod, corpus, min_cell=5, outcome=None).set_index(["unit_id", "valence"])
    assert ev.loc[("Skole A", "concern"), "suppressed"] and not ev.loc[("_all", "concern"), "suppressed"]
