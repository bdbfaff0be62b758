"""The corrected columns of the associations table: each binary row's odds ratio, honest about coding error.

:mod:`kvalitativ.link.correction` holds the estimator; this module lines its inputs up with the
associations table — the same persons and covariates as the adjusted odds ratio, the machine
presence (for hand-coded persons, cross-fitted when the coder learned from them) and the
hand-coded presence of :class:`~kvalitativ.link.human.HumanSample`.
"""

from __future__ import annotations

import math
from dataclasses import dataclass

import numpy as np

from kvalitativ.link import stats
from kvalitativ.link.correction import METHOD, dsl_odds_ratio
from kvalitativ.link.human import HumanSample
from kvalitativ.link.presence import Presence

#: Added to every binary associations row (empty, with a note, without hand codes).
COLUMNS = ["aor_corrected", "aor_corrected_ci_low", "aor_corrected_ci_high", "p_corrected", "q_corrected",
           "correction", "n_human_persons"]
#: The note of a row without hand codes.
#: How to get a correction (the end of :data:`NO_HUMAN`; the link summary's line ends with it too).
HOW_TO_CORRECT = ("(give --human FILE, hand codes with their p_person — the file given to `code --train` is "
                  "cross-fitted with that coder's settings — or link.human_codes in the config)")
NO_HUMAN = f"no hand codes: not corrected for coding error {HOW_TO_CORRECT}"


@dataclass(frozen=True)
class Correction:
    """What the correction needs beyond the associations' own inputs.

    ``human``: the hand-coded persons; ``machine``: machine presence of those persons from coders
    that did not learn from them (cross-fitting), or None when the coder never saw the hand codes
    (zero-shot, or a coder trained on other notes) and the ordinary machine codes serve.
    """

    human: HumanSample
    machine: Presence | None = None
    random_state: int = 0


def _lookup(p: Presence, key: tuple, rows: np.ndarray) -> np.ndarray:
    """Column ``key`` of ``p`` at row positions ``rows`` (−1 or a missing column: 0)."""
    out = np.zeros(len(rows))
    if key not in p.columns:
        return out
    col = p.column(p.columns.get_loc(key))
    ok = rows >= 0
    out[ok] = col[rows[ok]]
    return out


class CorrectedColumns:
    """Works out the corrected columns for one outcome, column by column of a Presence.

    Built once per associations table: the persons of the adjusted model, their hand-coded
    rows and probabilities, and the covariate columns do not depend on the theme.
    """

    def __init__(self, pres: Presence, y: np.ndarray, design: stats.CovariateDesign, correction: Correction,
                 alpha: float = 0.05):
        self.pres, self.correction, self.alpha = pres, correction, alpha
        self.idx = np.flatnonzero(design.complete)[design.keep]
        persons = pres.persons[self.idx]
        human = correction.human
        self.y = np.asarray(y, dtype=float)[self.idx]
        self.h_rows = human.presence.persons.get_indexer(persons)
        self.labelled = self.h_rows >= 0
        self.pi = np.ones(len(persons))
        self.pi[self.labelled] = human.pi[self.h_rows[self.labelled]]
        machine = correction.machine
        self.m_rows = machine.persons.get_indexer(persons) if machine is not None else None
        cov = design.matrix
        if cov.shape[1]:  # the adjusted model's covariates, without constant or collinear columns
            cov = cov[:, cov.std(axis=0) > 0]
            kept = stats._full_rank(np.column_stack([np.ones(len(cov)), cov]), [])
            cov = cov[:, [j - 1 for j in kept if j > 0]]
        self.cov = cov if cov.shape[1] else None

    def row(self, j: int) -> dict:
        """The corrected columns (and ``corrected_note``) of presence column ``j``."""
        key = tuple(self.pres.columns[j])
        x_machine = self.pres.column(j)[self.idx].astype(float)
        if self.m_rows is not None:  # hand-coded persons: the cross-fitted machine codes
            crossfit = _lookup(self.correction.machine, key, self.m_rows)
            x_machine = np.where(self.labelled & (self.m_rows >= 0), crossfit, x_machine)
        x_human = _lookup(self.correction.human.presence, key, self.h_rows)
        res = dsl_odds_ratio(self.y, x_machine, x_human, self.labelled, self.pi, self.cov, alpha=self.alpha,
                             random_state=self.correction.random_state)
        out = empty_row(int(self.labelled.sum()))
        if isinstance(res, str):
            out["corrected_note"] = res
            return out
        out.update(aor_corrected=res.odds_ratio, aor_corrected_ci_low=res.ci_low, aor_corrected_ci_high=res.ci_high,
                   p_corrected=res.p_value, correction=METHOD)
        return out


def empty_row(n_human: int | None = None, note: str | None = None) -> dict:
    """The corrected columns of a row without a corrected estimate (``corrected_note`` says why)."""
    return {"aor_corrected": np.nan, "aor_corrected_ci_low": np.nan, "aor_corrected_ci_high": np.nan,
            "p_corrected": np.nan, "correction": None, "n_human_persons": n_human, "corrected_note": note}


def hand_coding_needed(associations, target: float = 1.25) -> dict | None:
    """What the honesty costs, and what would lower the cost: the median ratio of the corrected
    to the uncorrected (adjusted) interval width on the log scale, and about how many hand-coded
    persons would bring the median corrected interval to ``target`` times the uncorrected one.

    The corrected variance is the uncorrected one plus a part from the hand-coded sample, which
    shrinks as 1/n with n hand-coded persons (Bernoulli sampling); the figure is that rule applied
    to the median row, a planning number, not a promise. None without corrected rows.
    """
    import pandas as pd

    a = associations
    if a is None or "aor_corrected" not in a.columns:
        return None
    a = a[(a["indicator_type"].astype("string") == "binary") & ~a["suppressed"].astype(bool)]
    cols = ["aor_corrected", "aor_corrected_ci_low", "aor_corrected_ci_high", "aor_ci_low", "aor_ci_high", "n_human_persons"]
    a = a[cols].apply(pd.to_numeric, errors="coerce").dropna()
    a = a[(a > 0).all(axis=1)]
    if a.empty:
        return None
    w_c = np.log(a["aor_corrected_ci_high"] / a["aor_corrected_ci_low"])
    w_n = np.log(a["aor_ci_high"] / a["aor_ci_low"])
    ratio = float(np.median(w_c / w_n))
    n_human = int(a["n_human_persons"].max())
    extra = float(np.median((w_c ** 2 - w_n ** 2) / w_n ** 2))  # the sample's part, per unit of naive variance
    needed = n_human if ratio <= target else int(math.ceil(n_human * extra / (target ** 2 - 1)))
    return {"n_human": n_human, "width_ratio": ratio, "target": target, "n_persons_needed": needed}
