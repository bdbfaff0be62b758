"""Synthetic persons, notes, codings and indicators with a planted theme–outcome odds ratio."""

from __future__ import annotations

import numpy as np
import pandas as pd

from kvalitativ.link.persons import PersonThemes

SCHOOLS = ["Østre Skole", "Vestre Skole", "Nordre Skole"]


def make_link_data(n: int = 400, odds_ratio: float = 3.0, seed: int = 0, base_rate: float = 0.2,
                   theme_share: float = 0.3, confounded: bool = False) -> dict[str, pd.DataFrame]:
    """Persons with one planted theme (``moedestabilitet`` concern) and one null theme (``tolerance``).

    The outcome follows logit(p) = a + log(odds_ratio)·theme (+ 1.0·z_absence when
    ``confounded``, where absence also raises the chance of the theme), so ``odds_ratio`` is the
    true conditional odds ratio given absence (and the true crude one when not confounded).
    Every person has 2–4 notes dated before their outcome date.
    """
    rng = np.random.default_rng(seed)
    persons = [f"P{i:04d}" for i in range(n)]
    z = rng.normal(size=n)
    p_theme = 1 / (1 + np.exp(-(np.log(theme_share / (1 - theme_share)) + (1.0 * z if confounded else 0))))
    theme = rng.random(n) < p_theme
    null_theme = rng.random(n) < 0.35
    a = np.log(base_rate / (1 - base_rate))
    logit = a + np.log(odds_ratio) * theme + (1.0 * z if confounded else 0)
    dropout = (rng.random(n) < 1 / (1 + np.exp(-logit))).astype(int)
    outcome_date = pd.Series(pd.NaT, index=range(n), dtype="datetime64[ns]")
    outcome_date[dropout == 1] = pd.Timestamp("2024-02-01") + pd.to_timedelta(rng.integers(0, 200, dropout.sum()), "D")
    indicators = pd.DataFrame({
        "person_id": persons,
        "dropout": dropout,
        "outcome_date": outcome_date,
        "absence_pct": np.round(8 + 4 * z + rng.normal(0, 1, n), 1),
        "grade_avg": np.round(7 - 0.8 * z + rng.normal(0, 1.5, n), 1),
        "gender": rng.choice(["pige", "dreng"], n),
        "school": rng.choice(SCHOOLS, n),
    })
    notes, codings = [], []
    for i, pid in enumerate(persons):
        k = int(rng.integers(2, 5))
        dates = pd.Timestamp("2022-09-01") + pd.to_timedelta(np.sort(rng.integers(0, 500, k)), "D")
        for j in range(k):
            nid = f"{pid}-N{j}"
            notes.append({"note_id": nid, "person_id": pid, "unit_id": indicators.school[i], "date": dates[j],
                          "period": "2022/23" if dates[j] < pd.Timestamp("2023-08-01") else "2023/24",
                          "source": rng.choice(["Lærer", "UU-vejleder"])})
        if theme[i]:
            codings.append({"note_id": f"{pid}-N0", "person_id": pid, "theme_id": "moedestabilitet",
                            "valence": "concern"})
        if null_theme[i]:
            codings.append({"note_id": f"{pid}-N{k - 1}", "person_id": pid, "theme_id": "tolerance",
                            "valence": rng.choice(["strength", "concern"])})
    codings = pd.DataFrame(codings)
    codings["segment_id"] = 0
    codings["start"], codings["end"], codings["score"] = 0, 10, 0.9
    codings["method"], codings["run_id"] = "gold", "r0"
    return {"indicators": indicators, "corpus": pd.DataFrame(notes), "codings": codings}


def person_table(x: np.ndarray, theme: str = "t", valence: str = "any") -> PersonThemes:
    """A minimal person-level join (one theme, every person a row) for feeding associations() directly."""
    n = len(x)
    return PersonThemes.from_table(pd.DataFrame({
        "person_id": [f"P{i:04d}" for i in range(n)], "theme_id": theme, "valence": valence,
        "present": np.asarray(x, dtype=int), "n_notes": np.asarray(x, dtype=int)}))
