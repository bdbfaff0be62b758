"""Trend words need q < 0.05 over the tests of their level, as the association words do.

The null data (the reviewer's): 12 schools × 5 school years × 40 new persons, 8 concerns each
noted for 20 % of the persons every year, so no trend anywhere; an unadjusted p < 0.05 calls two
of the 96 unit rows rising or falling.
"""

import numpy as np
import pandas as pd
import pytest

from kvalitativ.evidence.summaries import build_evidence
from kvalitativ.link.stats import bh

PERIODS = ["2019/20", "2020/21", "2021/22", "2022/23", "2023/24"]


@pytest.fixture(scope="module")
def flat_evidence():
    rng = np.random.default_rng(3)
    notes, cod = [], []
    pid = 0
    for u in range(12):
        for per in PERIODS:
            for _ in range(40):
                nid = f"N{pid}"
                notes.append({"note_id": nid, "person_id": f"P{pid}", "unit_id": f"Skole {u:02d}", "period": per})
                for t in range(8):
                    if rng.random() < 0.2:
                        cod.append({"note_id": nid, "theme_id": f"tema{t}", "valence": "concern"})
                pid += 1
    return build_evidence(pd.DataFrame(cod), pd.DataFrame(notes), min_cell=5, outcome=None)


def test_a_flat_share_is_not_called_rising_or_falling_by_chance(flat_evidence):
    units = flat_evidence[flat_evidence["unit_id"] != "_all"]
    chance = units[units["trend_p_value"] < 0.05]
    assert len(chance) >= 2  # an unadjusted p < 0.05 would have worded these as a trend
    assert (chance["trend"] == "stabil").all()
    assert (chance["trend_q_value"] >= 0.05).all()
    assert not units["headline"].str.contains("andelen er stigende|andelen er faldende").any()


def test_trend_q_value_is_benjamini_hochberg_within_each_level(flat_evidence):
    for is_unit in (False, True):
        level = flat_evidence[(flat_evidence["unit_id"] != "_all") == is_unit]
        assert level["trend_q_value"].to_numpy() == pytest.approx(bh(level["trend_p_value"].to_numpy()), nan_ok=True)


def test_a_real_trend_is_still_worded():
    # at Skole A one concern rises from 10 % to 50 % of 40 persons a year; three more stay at 20 %
    notes, cod = [], []
    for unit in ("Skole A", "Skole B"):
        for year, per in enumerate(PERIODS):
            for i in range(40):
                nid = f"{unit[-1]}{year}-{i}"
                notes.append({"note_id": nid, "person_id": nid, "unit_id": unit, "period": per})
                themes = [f"tema{t}" for t in range(3) if (i + 3 * t) % 5 == 0]
                themes += ["stigning"] if unit == "Skole A" and i < 4 * (year + 1) else []
                cod += [{"note_id": nid, "theme_id": t, "valence": "concern"} for t in themes]
    ev = build_evidence(pd.DataFrame(cod), pd.DataFrame(notes), min_cell=5, outcome=None)
    row = ev[(ev["unit_id"] == "Skole A") & (ev["theme_id"] == "stigning")].iloc[0]
    assert row["trend_q_value"] < 0.05 and row["trend"] == "stigende"
    assert "andelen er stigende i 2019/20–2023/24" in row["headline"]
    assert (ev.loc[ev["theme_id"] != "stigning", "trend"] == "stabil").all()


def test_trend_words_follow_the_q_value_and_keep_missing_directions():
    from kvalitativ.evidence.trend import trend_words_by_q

    q, words = trend_words_by_q(["faldende", "stigende", None], [-0.01, 0.02, np.nan], [0.04, 0.001, np.nan])
    assert q[:2] == pytest.approx([0.04, 0.002]) and np.isnan(q[2])
    assert words == ["faldende", "stigende", None]
