"""Hand codes in either format, read as one person's reading per note.

Two formats reach the coders, `evaluate` and the link's correction:

* a codes file (``code.train``, a gold file): ``note_id, theme_id[, valence]``, theme ``uncoded``
  for a note read and found to carry no theme;
* the ``human_codings`` table of ``review import``: one row per coder × note × theme with
  ``present`` (true where the coder ticked the theme, false where they left it).

Why one reader: counting the ``present = false`` rows as codes made every theme of a sheet a code
(micro-F1 0.075 instead of 0.68 in `evaluate`, and no theme with three examples in `code --train`),
while the link already honoured ``present``. With several coders each note keeps its first coder
(by name), so the truth is one person's reading, not a mix; `kvalitativ agreement --retrain`
resolves two coders into one set of codes instead.
"""

from __future__ import annotations

import pandas as pd

from kvalitativ.constants import UNCODED
from kvalitativ.errors import InputError

__all__ = ["one_reading", "check_code_columns"]

_TRUE = {"true", "1", "1.0", "ja", "yes", "x"}


def check_code_columns(codes: pd.DataFrame, where: str) -> None:
    """Stop (exit 2) when ``codes`` lacks note_id or theme_id, naming the columns it has."""
    for col in ("note_id", "theme_id"):
        if col not in codes.columns:
            raise InputError(f"{where}: missing column '{col}'; hand codes need note_id, theme_id[, valence] "
                             f"(columns present: {', '.join(map(str, codes.columns))}).")


def _present(values: pd.Series) -> pd.Series:
    if pd.api.types.is_bool_dtype(values) or pd.api.types.is_numeric_dtype(values):
        return pd.to_numeric(values, errors="coerce").fillna(0) > 0
    return values.astype("string").str.strip().str.lower().isin(_TRUE).fillna(False).astype(bool)


def one_reading(codes: pd.DataFrame, where: str = "hand codes") -> pd.DataFrame:
    """``codes`` with ``note_id`` as text, one coder per note (the first by name, where a ``coder``
    column names several), and the rows a coder left unticked (``present`` false) turned into
    ``uncoded``: the note was read, the theme is not there."""
    check_code_columns(codes, where)
    out = codes.copy()
    out["note_id"] = out["note_id"].astype(str)
    if "coder" in out.columns and len(out):
        first = out.groupby("note_id")["coder"].transform(lambda s: sorted(s.astype(str))[0])
        out = out[out["coder"].astype(str) == first]
    if "present" in out.columns:
        out["theme_id"] = out["theme_id"].astype(object).where(_present(out["present"]).to_numpy(), UNCODED)
    return out
