"""Were the persons with and without the outcome watched for as long? The notes that count.

Under ``timing: dated`` a person's notes count until their own outcome date: a pupil who
dropped out after three months has three months of notes, one who stayed has the whole window.
"Has the theme in any note" then goes with staying for that reason alone, and every theme looks
protective (a simulation with a theme independent of dropout, 3,000 persons: OR 0.42,
q < 1e-20). The number of notes that count per person is what carries the imbalance, so it is
measured and, when it is large, the link says so and points to ``timing: landmark``.
"""

from __future__ import annotations

from dataclasses import dataclass

import pandas as pd

__all__ = ["NoteBalance", "note_balance", "imbalanced", "IMBALANCE_RATIO"]

#: Mean notes per person differing by more than this factor between persons with and without
#: the outcome is worth a warning (a theme noted in 10 % of notes: 1.25× the notes already moves
#: "any note" from 41 % to 48 %).
IMBALANCE_RATIO = 1.25


def imbalanced(ratio: float) -> bool:
    """Whether a notes ratio (without ÷ with the outcome) is far enough from 1 to say so."""
    return ratio == ratio and not (1 / IMBALANCE_RATIO <= ratio <= IMBALANCE_RATIO)  # NaN: unknown, not far


@dataclass(frozen=True)
class NoteBalance:
    """Mean notes that count per person, for persons with and without the outcome."""

    with_outcome: float
    without_outcome: float

    @property
    def ratio(self) -> float:
        """Without over with (> 1: the persons without the outcome had more notes to be noted in)."""
        return self.without_outcome / self.with_outcome if self.with_outcome > 0 else float("inf")

    def warning(self, timing: str) -> str | None:
        """One line for the link's summary, or None when the two are close (or not dated)."""
        if timing != "dated" or not (self.with_outcome > 0 and self.without_outcome > 0):
            return None
        if not imbalanced(self.ratio):
            return None
        more, fewer = ("without", "with") if self.ratio > 1 else ("with", "without")
        goes_with = "not having the outcome" if self.ratio > 1 else "the outcome"
        return (f"Warning: persons {more} the outcome had {max(self.ratio, 1 / self.ratio):.1f}× as many notes "
                f"before their outcome date as persons {fewer} it (mean {self.without_outcome:.1f} vs "
                f"{self.with_outcome:.1f}), so a theme noted in any of them goes with {goes_with} for that "
                "reason alone. Compare over the same dates: link.timing: landmark with link.cutoff "
                "(--timing landmark --cutoff YYYY-MM-DD; see link.timing in docs/config.md).")


def note_balance(eligible_notes: pd.DataFrame, persons: pd.DataFrame) -> NoteBalance:
    """``eligible_notes``: note_id, person_id of the notes that count; ``persons``: person_id and
    the outcome as ``_y`` (0/1) for the population compared (persons with no note count 0)."""
    counts = eligible_notes.groupby("person_id")["note_id"].nunique()
    per_person = persons["person_id"].map(counts).fillna(0).astype(float)
    y = persons["_y"].astype(float).to_numpy()
    return NoteBalance(with_outcome=_mean(per_person, y == 1), without_outcome=_mean(per_person, y == 0))


def _mean(values: pd.Series, mask) -> float:
    return float(values[mask].mean()) if mask.any() else 0.0
