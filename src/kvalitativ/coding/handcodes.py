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

__all__ = ["one_reading", "check_code_columns", "in_corpus_order"]


def check_code_columns(codes: pd.DataFrame, where: str) -> None:
    """Stop (exit 2) when ``codes`` lacks note_id or theme_id, naming the columns it has."""
    for col in ("note_id", "theme_id"):
        if col not in codes.columns:
            raise InputError(f"{where}: missing column '{col}'; hand codes need note_id, theme_id[, valence] "
                             f"(columns present: {', '.join(map(str, codes.columns))}).")


def _present(values: pd.Series, where: str) -> pd.Series:
    """``present`` as booleans, read as the link reads a yes/no column (``link.persons.as_binary``:
    true/false, ja/nej, sand/falsk, 1/0); an unknown value is an error, never a silent "not ticked"."""
    from kvalitativ.link.persons import as_binary  # here: the link imports this module

    return as_binary(values, f"{where}, column 'present'").fillna(0).astype(bool)


def one_reading(codes: pd.DataFrame, where: str = "hand codes") -> pd.DataFrame:
    """``codes`` with ``note_id`` as text, one coder per note (the first by name, where a ``coder``
    column names several), and the rows a coder left unticked (``present`` false) turned into
    ``uncoded``: the note was read, the theme is not there."""
    check_code_columns(codes, where)
    out = codes.copy()
    out["note_id"] = out["note_id"].astype(str)
    if "coder" in out.columns and len(out):
        coder = out["coder"].astype("string").fillna("")  # a blank coder cell sorts first, never a crash
        out = out[coder == coder.groupby(out["note_id"]).transform("min")]
    if "present" in out.columns:
        out["theme_id"] = out["theme_id"].astype(object).where(_present(out["present"], where).to_numpy(), UNCODED)
    return out


def in_corpus_order(codes: pd.DataFrame, note_ids) -> pd.DataFrame:
    """``codes`` sorted by their notes' place in the corpus (``note_ids``), then theme: whatever the
    file's row order, every fit (the model, its calibration folds, a hand-code prior's folds) sees
    the codes in one order, so the same codes give the same model."""
    position = {str(n): i for i, n in enumerate(note_ids)}
    key = pd.DataFrame({"pos": codes["note_id"].astype(str).map(position), "theme": codes["theme_id"].astype(str)},
                       index=codes.index)
    return codes.loc[key.sort_values(["pos", "theme"], kind="stable").index]
