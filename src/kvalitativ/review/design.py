"""``review export --strategy active``: a sample with a known design, for learning and for correction.

Two strata, each with its inclusion probabilities recorded per note, so that an estimate made
from the hand codes can be weighted back to the whole corpus (issue 14's correction of links
under coding error) while the coder still learns most from every hand code (active learning):

1. **Persons at random.** ``n_persons`` persons are drawn by simple random sampling without
   replacement; *all* of their notes go on the sheet. Every person's inclusion probability is
   ``p_person = n_persons / N`` (N persons in the corpus). Person-level truth needs every note
   of a person, which is why the unit drawn is the person, not the note.
2. **Active notes on top.** Each remaining note is drawn independently (Poisson sampling) with
   probability ``p_active`` proportional to the model's uncertainty about it, with a floor above
   0 so every note can be drawn: ``w = max(uncertainty, floor)``, ``p_active = min(1, n_active *
   w / sum(w))``. Uncertainty is ``1 - min(1, margin / 0.5)``, margin the distance of the note's
   closest theme score to the threshold (the same margin ``select_for_review`` uses).

Every selected note carries ``p_person`` (its person's probability of the person draw),
``p_active`` (its probability in the active draw, were its person not drawn) and ``p_include =
p_person + (1 - p_person) * p_active``, its overall probability of being on the sheet.
"""

from __future__ import annotations

from typing import Mapping

import numpy as np
import pandas as pd

from kvalitativ.errors import InputError

from .sample import select_margins

ACTIVE_COLUMNS = ["note_id", "order", "reason", "stratum", "margin", "p_person", "p_active", "p_include"]


def active_probabilities(margin: np.ndarray, n_active: float, floor: float = 0.05) -> np.ndarray:
    """Poisson inclusion probabilities proportional to uncertainty, floored, capped at 1.

    Capping can leave the expected size below ``n_active``; the excess of capped notes is
    handed on to the others (iterated), so the expected sample size is ``n_active`` whenever
    that is possible. A probability is never below ``floor``'s share, so no note is excluded.
    """
    if not 0 < floor <= 1:
        raise InputError(f"floor is {floor}: use a number above 0 and at most 1.")
    m = np.asarray(margin, dtype=float)
    if len(m) == 0 or n_active <= 0:
        return np.zeros(len(m))
    w = np.maximum(1.0 - np.minimum(np.nan_to_num(m, nan=0.5, posinf=0.5) / 0.5, 1.0), floor)
    p = np.zeros(len(w))
    capped = np.zeros(len(w), dtype=bool)
    target = min(float(n_active), float(len(w)))
    for _ in range(len(w)):
        free = ~capped
        p[free] = (target - capped.sum()) * w[free] / w[free].sum()
        over = free & (p >= 1.0)
        if not over.any():
            break
        capped |= over
        p[capped] = 1.0
    return np.clip(p, 0.0, 1.0)


def select_active(codings: pd.DataFrame, corpus: pd.DataFrame, n_persons: int = 50, n_active: int = 100,
                  floor: float = 0.05, thresholds: float | Mapping[str, float] = 0.5,
                  themes: list[str] | None = None, random_state: int = 0) -> pd.DataFrame:
    """Persons at random (all their notes) plus active notes drawn by uncertainty; see the module.

    ``corpus`` needs ``note_id`` and ``person_id``. Returns :data:`ACTIVE_COLUMNS`: ``reason``
    is ``person`` or ``aktiv``, ``stratum`` the stratum's name, ``order`` a shuffled order for
    the sheet. Deterministic for a given ``random_state``.
    """
    for col in ("note_id", "person_id"):
        if col not in corpus.columns:
            raise InputError(f"corpus: column '{col}' is missing; the active design draws persons, so the "
                             "corpus needs a person id.")
    notes = corpus.assign(note_id=corpus["note_id"].astype(str), person_id=corpus["person_id"].astype(str))
    notes = notes.drop_duplicates("note_id").reset_index(drop=True)
    rng = np.random.default_rng(random_state)
    persons = np.array(sorted(notes["person_id"].unique()), dtype=object)
    k = int(min(max(n_persons, 0), len(persons)))
    p_person = k / len(persons) if len(persons) else 0.0
    drawn = set(rng.choice(persons, size=k, replace=False).tolist()) if k else set()
    margin = select_margins(codings, notes["note_id"], themes, thresholds)
    in_person = notes["person_id"].isin(drawn).to_numpy()
    p_active = active_probabilities(margin, n_active, floor)
    # the active draw: every note of a person not drawn, independently with its probability
    u = rng.random(len(notes))
    in_active = ~in_person & (u < p_active)
    keep = in_person | in_active
    out = pd.DataFrame({
        "note_id": notes["note_id"].to_numpy()[keep],
        "reason": np.where(in_person[keep], "person", "aktiv"),
        "stratum": np.where(in_person[keep], "tilfældige personer", "usikkerhed"),
        "margin": margin[keep],
        "p_person": p_person,
        "p_active": p_active[keep],
    })
    out["p_include"] = out["p_person"] + (1.0 - out["p_person"]) * out["p_active"]
    out = out.iloc[rng.permutation(len(out))].reset_index(drop=True)
    out.insert(1, "order", np.arange(1, len(out) + 1))
    return out[ACTIVE_COLUMNS]


DESIGN_COLUMNS = ["reason", "p_person", "p_active", "p_include"]


def attach_design(human: pd.DataFrame, selection: pd.DataFrame, where: str = "selection") -> pd.DataFrame:
    """``human`` (the imported codes) with each note's design columns from an active selection
    (``reason, p_person, p_active, p_include``), so the weights travel with the hand codes.

    Every coded note must be in the selection: a sheet and a selection that do not belong
    together are an error, not a silent mix of weighted and unweighted notes.
    """
    missing = [c for c in ["note_id", *DESIGN_COLUMNS] if c not in selection.columns]
    if missing:
        raise InputError(f"{where}: column(s) {', '.join(missing)} missing; pass the .selection.csv that "
                         "`kvalitativ review export --strategy active` wrote beside the sheet.")
    sel = selection.assign(note_id=selection["note_id"].astype(str)).drop_duplicates("note_id")
    for col in ("p_person", "p_active", "p_include"):
        sel[col] = pd.to_numeric(sel[col], errors="coerce")
        if sel[col].isna().any() or not sel[col].between(0, 1).all():
            raise InputError(f"{where}: column {col} must hold probabilities between 0 and 1; was the file edited?")
    out = human.assign(note_id=human["note_id"].astype(str))
    unknown = sorted(set(out["note_id"]) - set(sel["note_id"]))
    if unknown:
        raise InputError(f"{where}: {len(unknown)} coded note(s) are not in the selection (e.g. {unknown[0]!r}); "
                         "use the selection file of the sheet these codes were made on.")
    return out.drop(columns=[c for c in DESIGN_COLUMNS if c in out.columns]).merge(
        sel[["note_id", *DESIGN_COLUMNS]], on="note_id", how="left")


__all__ = ["ACTIVE_COLUMNS", "DESIGN_COLUMNS", "active_probabilities", "attach_design", "select_active"]
