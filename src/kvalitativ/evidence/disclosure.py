"""Secondary suppression for unit rows whose values add up to a published municipal total.

Why here: the joint display's indicator rows (a unit's dropout rate or mean absence) and the
evidence's unit outcome rates are values over counts the tables do not show. When one unit is
hidden among units that publish both value and number of persons, the hidden unit's count is the
municipal total (``value_municipality`` × N, or ``associations.events_with``) minus the others'
value × n. The package's rule (:mod:`kvalitativ.privacy.suppress`) closes that: a group holding
exactly one hidden unit hides the unit with the next-smallest number of persons too, so
subtraction gives only the sum of two hidden units. (A single unit needs no partner: the
municipal figure is over the same persons and is hidden by the same rule.)
"""

from __future__ import annotations

import numpy as np
import pandas as pd

from kvalitativ.privacy.suppress import suppress_small_cells

__all__ = ["hide_partners", "cover_the_rest"]


def hide_partners(rows: pd.DataFrame, by: list[str], size: str, hidden: str, min_cell: int) -> np.ndarray:
    """Which of ``rows`` to hide: the ``hidden`` ones plus, in every group of ``by`` (the units of
    one total) with exactly one hidden row, the visible row with the smallest ``size`` (persons).

    A hidden row for nobody (``size`` 0) adds nothing to the total, so it needs no partner.
    """
    if rows.empty:
        return np.zeros(0, dtype=bool)
    n = pd.to_numeric(rows[size], errors="coerce").fillna(0).to_numpy(float)
    primary = rows[hidden].astype("boolean").fillna(False).to_numpy(bool)
    frame = rows[by].reset_index(drop=True).assign(_n=n, suppressed=primary & (n > 0))
    out = suppress_small_cells(frame, ["_n"], threshold=min_cell, by=[by], value_cols=[])
    return out["suppressed"].to_numpy(bool) | primary



def cover_the_rest(units: list, members: dict, hidden: list[bool], min_cell: int,
                   everyone: set | frozenset | None = None) -> list[bool]:
    """``hidden``, with more units hidden (the smallest shown first) until the persons found in no
    shown unit are none or at least ``min_cell``. ``everyone``: the persons the total counts, when
    more than the units' (persons whose notes have no unit are in the total, in no unit row).

    Why: the municipal figure is over every unit's persons; minus the shown units it describes
    the persons of hidden units only. Persons of several units make the hidden units' sum of
    persons useless as a guard (five small schools of 12 pupils held only 2 found nowhere else,
    whose dropout and mean absence the subtraction then gave away: a new user's trial). What
    matters is who is left. ``members``: unit → the set of its persons."""
    hidden = list(hidden)
    in_units = set().union(*(members.get(u, set()) for u in units)) if units else set()
    everyone = in_units if everyone is None else in_units | set(everyone)
    while True:
        shown = [i for i, h in enumerate(hidden) if not h]
        covered = set().union(*(members.get(units[i], set()) for i in shown)) if shown else set()
        rest = len(everyone - covered)
        if not shown or rest == 0 or rest >= min_cell:
            return hidden
        smallest = min(shown, key=lambda i: (len(members.get(units[i], ())), str(units[i])))
        hidden[smallest] = True
