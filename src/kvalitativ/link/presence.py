"""Persons × (theme, valence) presence as a sparse 0/1 matrix, built from the long person_themes.

Why sparse: with discovered topics a run holds thousands of theme × valence pairs, and a dense
persons × pairs table (100,000 notes: 21,680 persons × 3,350 pairs) costs gigabytes while the
cells that are 1 number only as many as the codings. Associations need one column at a time
and the added-value model only the columns it uses, so nothing here is ever made dense whole.
"""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np
import pandas as pd
from scipy import sparse

from kvalitativ.link.persons import PersonThemes

KEYS = ["person_id", "theme_id", "valence"]


@dataclass(frozen=True)
class Presence:
    """``matrix[i, j]`` is 1 when person ``persons[i]`` has pair ``columns[j]`` (else 0)."""

    persons: pd.Index  # person ids as text, the rows
    columns: pd.MultiIndex  # (theme_id, valence), sorted
    matrix: sparse.csc_array  # len(persons) × len(columns)

    def column(self, j: int) -> np.ndarray:
        """Column ``j`` as a dense int64 vector over persons."""
        m = self.matrix
        out = np.zeros(m.shape[0], dtype="int64")
        lo, hi = m.indptr[j], m.indptr[j + 1]
        out[m.indices[lo:hi]] = m.data[lo:hi]
        return out

    def key(self, j: int) -> bytes:
        """Column ``j``'s cells as bytes: equal keys, equal columns (to work each distinct one out once)."""
        m = self.matrix
        lo, hi = m.indptr[j], m.indptr[j + 1]
        return m.indices[lo:hi].tobytes() + b"|" + m.data[lo:hi].tobytes()

    def rows(self, keep: np.ndarray) -> "Presence":
        """Only the persons where the boolean ``keep`` is True (same order)."""
        return Presence(self.persons[keep], self.columns, sparse.csc_array(self.matrix[np.flatnonzero(keep)]))

    def dense(self, columns: list | None = None, dtype="int64") -> pd.DataFrame:
        """Persons × ``columns`` (default: all) as a DataFrame; make only what you need dense."""
        if columns is None:
            idx = np.arange(len(self.columns))
        else:
            idx = np.asarray([self.columns.get_loc(tuple(c)) for c in columns], dtype=int)
        values = self.matrix[:, idx].toarray().astype(dtype, copy=False)
        return pd.DataFrame(values, index=self.persons, columns=self.columns[idx])


def presence(person_themes: PersonThemes) -> Presence:
    """A :class:`~kvalitativ.link.persons.PersonThemes` as a :class:`Presence`.

    Same cells as ``pivot_table(index="person_id", columns=["theme_id", "valence"],
    values="present", aggfunc="max", fill_value=0)`` on its table, but the rows are its
    population, ``persons`` (persons without any theme included); columns are the (theme_id,
    valence) pairs in the table, sorted.
    """
    if not isinstance(person_themes, PersonThemes):
        raise TypeError("presence() needs the PersonThemes that person_themes() returns (its persons are the "
                        f"population), not a {type(person_themes).__name__}; wrap a full table with "
                        "PersonThemes.from_table(table).")
    table = person_themes.table
    cell = table.groupby(KEYS, observed=True, sort=False)["present"].max()
    keys = cell.index.to_frame(index=False)
    persons = pd.Index(list(person_themes.persons), name="person_id").astype(str)
    columns = pd.MultiIndex.from_frame(keys[["theme_id", "valence"]].drop_duplicates()).sort_values()
    rows = persons.get_indexer(keys["person_id"].astype(str))
    cols = columns.get_indexer(pd.MultiIndex.from_frame(keys[["theme_id", "valence"]]))
    values = pd.to_numeric(cell, errors="coerce").fillna(0).to_numpy("int64")
    ok = (rows >= 0) & (values != 0)
    matrix = sparse.csc_array((values[ok], (rows[ok], cols[ok])), shape=(len(persons), len(columns)), dtype="int64")
    return Presence(persons, columns, matrix)
