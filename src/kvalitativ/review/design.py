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
   0 so every note can be drawn: ``w = max(uncertainty, floor)``, ``p_active = min(1, s * w)``,
   the scale ``s`` set so the probabilities of the notes not yet on a sheet sum to ``n_active``.
   Uncertainty is ``1 - min(1, margin / 0.5)``, margin the distance of the note's closest theme
   score to the threshold (the same margin ``select_for_review`` uses).

Every selected note carries ``p_person`` (its person's probability of the person draw),
``p_active`` (its probability in the active draw, were its person not drawn) and ``p_include =
p_person + (1 - p_person) * p_active``, its overall probability of being on the sheet.

**Rounds** (``previous``: the selection of the earlier rounds). Round k leaves out every note
already on an earlier sheet and draws its ``n_k`` persons by simple random sampling without
replacement from the persons not drawn before, so the persons drawn in rounds 1..k together are
a simple random sample of ``n_1 + … + n_k`` of the N persons (as long as each round's size is
not chosen from what the drawn persons' codes showed). The selection returned is cumulative:
the earlier rows and this round's, with

* ``p_person = (n_1 + … + n_k) / N`` on every row (exact); ``persons_drawn`` and
  ``persons_total`` hold the two counts; ``reason`` ``person`` for every note of a person drawn in
  any round (a note an earlier round drew by uncertainty becomes ``person`` when its person is
  drawn now); ``round`` the round whose sheet holds the note.
* ``p_active = 1 - Π_j (1 - p_j)`` over the rounds j from the one whose sheet holds the note to
  k, ``p_j`` the note's probability in round j's active draw (computed for notes already on a
  sheet as if they were not, with that round's scale and model). Two honest limits: a note's
  probability in the rounds *before* its sheet is not known (those rounds' models are gone, and
  only the notes on a sheet are recorded), so for notes added in later rounds ``p_active`` is
  too small by that part; and each round's model learnt from the earlier rounds' codes, so
  ``p_j`` is the probability given the earlier rounds as they happened. Both concern only the
  uncertainty draw; the correction of links counts a person drawn at random with ``p_person``,
  which is exact, and a person whose every note came by the uncertainty draw only through
  ``p_active`` (see docs/schema.md, "review selection").
* ``p_include = p_person + (1 - p_person) * p_active`` on every row.
"""

from __future__ import annotations

from typing import Mapping

import numpy as np
import pandas as pd

from kvalitativ.errors import InputError

from .rounds import design_selection
from .sample import select_margins

ACTIVE_COLUMNS = ["note_id", "order", "reason", "stratum", "margin", "p_person", "p_active", "p_include",
                  "round", "person_id", "persons_drawn", "persons_total"]
STRATA = {"person": "tilfældige personer", "aktiv": "usikkerhed"}


def active_weights(margin: np.ndarray, floor: float = 0.05) -> np.ndarray:
    """Each note's weight in the active draw: its uncertainty, at least ``floor``."""
    if not 0 < floor <= 1:
        raise InputError(f"floor is {floor}: use a number above 0 and at most 1.")
    m = np.asarray(margin, dtype=float)
    return np.maximum(1.0 - np.minimum(np.nan_to_num(m, nan=0.5, posinf=0.5) / 0.5, 1.0), floor)


def active_scale(w: np.ndarray, n_active: float) -> float:
    """The scale ``s`` with ``sum(min(1, s * w)) = min(n_active, len(w))``: capping at 1 hands the
    excess of the capped notes on to the others (iterated), so the expected size is ``n_active``
    whenever that is possible. ``inf`` when every note is certain."""
    w = np.asarray(w, dtype=float)
    if len(w) == 0 or n_active <= 0:
        return 0.0
    capped = np.zeros(len(w), dtype=bool)
    target = min(float(n_active), float(len(w)))
    for _ in range(len(w)):
        free = ~capped
        if not free.any():
            break
        s = (target - capped.sum()) / w[free].sum()
        over = free & (s * w >= 1.0)
        if not over.any():
            return float(s)
        capped |= over
    return float("inf")


def active_probabilities(margin: np.ndarray, n_active: float, floor: float = 0.05) -> np.ndarray:
    """Poisson inclusion probabilities proportional to uncertainty, floored, capped at 1.

    Capping can leave the expected size below ``n_active``; the excess of capped notes is
    handed on to the others (iterated), so the expected sample size is ``n_active`` whenever
    that is possible. A probability is never below ``floor``'s share, so no note is excluded.
    """
    w = active_weights(margin, floor)
    return np.minimum(1.0, active_scale(w, n_active) * w) if len(w) else np.zeros(0)


def _notes(corpus: pd.DataFrame) -> pd.DataFrame:
    for col in ("note_id", "person_id"):
        if col not in corpus.columns:
            raise InputError(f"corpus: column '{col}' is missing; the active design draws persons, so the "
                             "corpus needs a person id.")
    notes = corpus.assign(note_id=corpus["note_id"].astype(str), person_id=corpus["person_id"].astype(str))
    return notes.drop_duplicates("note_id").reset_index(drop=True)


def _previous_rounds(previous: pd.DataFrame | None, notes: pd.DataFrame, n_total: int) -> pd.DataFrame:
    """The earlier rounds' selection, checked against this corpus, with person ids and counts."""
    if previous is None or previous.empty:
        return pd.DataFrame(columns=ACTIVE_COLUMNS)
    where = "--previous"
    prev = design_selection(previous, where)
    person_of = notes.set_index("note_id")["person_id"]
    unknown = prev.loc[~prev["note_id"].isin(person_of.index), "note_id"]
    if len(unknown):
        raise InputError(f"{where}: note {unknown.iloc[0]} of an earlier round is not in this corpus: export every "
                         "round from the same corpus (the output folder of the same `kvalitativ ingest`).")
    prev["person_id"] = prev["note_id"].map(person_of)
    drawn = prev.loc[prev["reason"] == "person", "person_id"].nunique()
    total = prev["persons_total"].iloc[0] if "persons_total" in prev else drawn / max(prev["p_person"].iloc[0], 1e-12)
    if round(float(total)) != n_total:
        raise InputError(f"{where}: the earlier rounds drew from {round(float(total))} persons, this corpus has "
                         f"{n_total}: export every round from the same corpus.")
    for col in ("order", "margin"):
        prev[col] = prev[col].fillna(0) if col in prev else 0
    return prev


def _rows(notes: pd.DataFrame, keep: np.ndarray, drawn: set, margin, p_active, round_k: int) -> pd.DataFrame:
    reason = np.where(notes["person_id"].isin(drawn).to_numpy()[keep], "person", "aktiv")
    return pd.DataFrame({"note_id": notes["note_id"].to_numpy()[keep], "reason": reason,
                         "stratum": [STRATA[r] for r in reason], "margin": margin[keep], "p_active": p_active[keep],
                         "round": round_k, "person_id": notes["person_id"].to_numpy()[keep]})


def select_active(codings: pd.DataFrame, corpus: pd.DataFrame, n_persons: int = 100, n_active: int = 100,
                  floor: float = 0.05, thresholds: float | Mapping[str, float] = 0.5,
                  themes: list[str] | None = None, random_state: int = 0,
                  previous: pd.DataFrame | None = None) -> pd.DataFrame:
    """Persons at random (all their notes) plus active notes drawn by uncertainty; see the module.

    ``corpus`` needs ``note_id`` and ``person_id``; ``previous`` is the selection of the earlier
    rounds (the latest round's file holds them all). Returns :data:`ACTIVE_COLUMNS`, the
    earlier rows first, then this round's (``round`` the largest): ``reason`` is ``person`` or
    ``aktiv``, ``stratum`` the stratum's name, ``order`` a shuffled order for the round's sheet.
    Deterministic for a given ``random_state``.
    """
    notes = _notes(corpus)
    persons = np.array(sorted(notes["person_id"].unique()), dtype=object)
    before = _previous_rounds(previous, notes, len(persons))
    drawn_before = set(before.loc[before["reason"] == "person", "person_id"])
    round_k = int(before["round"].max()) + 1 if len(before) else 1
    # each round its own stream: with the same --seed, round 2 drew the very uniforms of round 1, so
    # its uncertainty draw took about max(p1, p2), not what the file records (a review)
    rng = np.random.default_rng(random_state if round_k == 1 else [random_state, round_k])
    candidates = np.array([p for p in persons if p not in drawn_before], dtype=object)
    k = int(min(max(n_persons, 0), len(candidates)))
    drawn = drawn_before | (set(rng.choice(candidates, size=k, replace=False).tolist()) if k else set())
    p_person = len(drawn) / len(persons) if len(persons) else 0.0
    margin = select_margins(codings, notes["note_id"], themes, thresholds)
    w = active_weights(margin, floor)
    on_sheet = notes["note_id"].isin(set(before["note_id"])).to_numpy()
    p_round = np.minimum(1.0, active_scale(w[~on_sheet], n_active) * w) if len(w) else np.zeros(0)
    in_person = notes["person_id"].isin(drawn).to_numpy()
    u = rng.random(len(notes))
    fresh = ~on_sheet & (in_person | (u < p_round))  # the active draw: notes of persons not drawn
    out = _rows(notes, fresh, drawn, margin, p_round, round_k)
    out = out.iloc[rng.permutation(len(out))].reset_index(drop=True)
    out.insert(1, "order", np.arange(1, len(out) + 1))
    if len(before):
        earlier = before.sort_values(["round", "order"], kind="mergesort").reset_index(drop=True)
        p_now = pd.Series(p_round, index=notes["note_id"]).reindex(earlier["note_id"]).to_numpy()
        earlier["p_active"] = 1.0 - (1.0 - earlier["p_active"].astype(float)) * (1.0 - p_now)
        earlier["reason"] = np.where(earlier["person_id"].isin(drawn), "person", earlier["reason"])
        earlier["stratum"] = [STRATA.get(r, r) for r in earlier["reason"]]
        out = pd.concat([earlier[[c for c in out.columns]], out], ignore_index=True)
    out = out.assign(p_person=p_person, persons_drawn=len(drawn), persons_total=len(persons))
    out["p_include"] = out["p_person"] + (1.0 - out["p_person"]) * out["p_active"]
    out["round"] = out["round"].astype(int)
    out["order"] = out["order"].astype(int)
    return out[ACTIVE_COLUMNS]


DESIGN_COLUMNS = ["reason", "p_person", "p_active", "p_include", "round"]


def attach_design(human: pd.DataFrame, selection: pd.DataFrame, where: str = "selection") -> pd.DataFrame:
    """``human`` (the imported codes) with each note's design columns from an active selection
    (``reason, p_person, p_active, p_include``), so the weights travel with the hand codes.

    Every coded note must be in the selection: a sheet and a selection that do not belong
    together are an error, not a silent mix of weighted and unweighted notes.
    """
    sel = design_selection(selection, where)
    out = human.assign(note_id=human["note_id"].astype(str))
    unknown = sorted(set(out["note_id"]) - set(sel["note_id"]))
    if unknown:
        raise InputError(f"{where}: {len(unknown)} coded note(s) are not in the selection (e.g. {unknown[0]!r}); "
                         "use the selection file of the sheet these codes were made on.")
    return out.drop(columns=[c for c in DESIGN_COLUMNS if c in out.columns]).merge(
        sel[["note_id", *DESIGN_COLUMNS]], on="note_id", how="left")


__all__ = ["ACTIVE_COLUMNS", "DESIGN_COLUMNS", "active_probabilities", "active_scale", "active_weights",
           "attach_design", "select_active"]
