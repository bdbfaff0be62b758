"""Neutralise spreadsheet formulas in text cells (CSV injection).

A note that begins with `=`, `+`, `-`, `@`, tab or carriage return would run as a formula when
a CSV opens in Excel. We prefix such cells with an apostrophe, which Excel shows as text.
Only CSV outputs get this; Parquet and DuckDB keep the value as it is.
"""

from __future__ import annotations

import pandas as pd

FORMULA_STARTS = ("=", "+", "-", "@", "\t", "\r")


def neutralise_cell(value: object) -> object:
    if isinstance(value, str) and value.startswith(FORMULA_STARTS):
        return "'" + value
    return value


def neutralise_formulas(frame: pd.DataFrame) -> pd.DataFrame:
    """A copy of `frame` with every text cell that a spreadsheet would evaluate made inert.

    Text columns are checked with one vectorised ``startswith`` and only the cells that match
    are rewritten (a million-row table in well under a second); a column of mixed objects is
    checked cell by cell."""
    out = frame.copy(deep=False)  # copy-on-write: only the rewritten columns are new
    for col in out.columns:
        values = out[col]
        if isinstance(values.dtype, pd.StringDtype):
            starts = values.str.startswith(FORMULA_STARTS).fillna(False).to_numpy(dtype=bool)
            out[col] = values.where(~starts, "'" + values) if starts.any() else values
        elif values.dtype == object or pd.api.types.is_string_dtype(values):
            out[col] = values.map(neutralise_cell).astype(object)
    return out
