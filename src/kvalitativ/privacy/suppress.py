"""Small-cell disclosure control for every published table that holds counts of persons.

The rule (applied by the writer to every dashboard table, and by each stage that publishes counts):

1. **Primary suppression.** A row is suppressed when any of its person counts is between 1 and
   ``threshold - 1`` (default threshold 5, configurable as ``privacy.min_cell``, never below 3).
   Zero is published: "nobody" discloses nothing about a person.
2. **Secondary suppression.** Rows that share all key columns but one (``by``: e.g. every
   ``group_value`` of one theme × valence × ``group_by``) add up to a published total. If exactly
   one row of such a group is suppressed, its count could be recovered by subtraction, so the
   unsuppressed row with the next-smallest positive count is suppressed too; so it is when the
   suppressed rows of a group hold fewer than ``threshold`` persons between them (their sum is
   the total minus the others). This repeats until no group gives a row or a small sum away
   (with several partitions, across all of them).
3. **Group disclosure.** A cell in which *every* person shares the attribute (the complement is
   0: "all 6 with the theme dropped out", "all 6 pupils at a school have a substance-use
   concern") says it of each of them. Below ``ALL_ALIKE_FACTOR × threshold`` persons (20 by
   default) such a row is suppressed too, where the caller marks the attribute as disclosive
   (:func:`all_alike`): outcome cells, and prevalence rows of sensitive themes.
4. **What suppression does.** The row keeps its keys; its counts and every derived value
   (shares, rates, confidence bounds, odds ratios, p-values ...) become missing (NA), and its
   ``suppressed`` column is True.

Example::

    >>> prev = suppress_small_cells(prevalence, ["n_persons"], threshold=5,
    ...                             by=["theme_id", "valence", "group_by"])
    >>> assert_no_small_cells(prev, ["n_persons"], threshold=5)
"""

from __future__ import annotations

from collections.abc import Iterable, Sequence

import numpy as np
import pandas as pd

from kvalitativ.errors import ConfigError, KvalitativError

#: The smallest threshold allowed: below 3 a published count can identify a person.
MIN_THRESHOLD = 3
#: A cell where everyone shares the attribute is hidden below this many times the threshold:
#: "all 19 dropped out" still says it of each of them, and with 20 or more persons an
#: all-alike cell is rare unless the attribute defines the group.
ALL_ALIKE_FACTOR = 4
#: Numeric columns that are keys or parameters, never values to blank (by default).
_KEY_NAMES = frozenset({"group_value", "period", "year", "school_year", "rank", "start", "end", "threshold",
                        "min_cell", "run_id", "segment_id"})


class SmallCellError(KvalitativError, AssertionError):
    """A table about to be published shows a count of persons below the threshold."""


def check_threshold(threshold: int) -> int:
    """The threshold as an int; :class:`ConfigError` if it is below 3 or not a whole number."""
    try:
        value = int(threshold)
    except (TypeError, ValueError):
        raise ConfigError(f"privacy.min_cell is {threshold!r}: it must be a whole number of persons, at least 3.") from None
    if value != threshold or value < MIN_THRESHOLD:
        raise ConfigError(
            f"privacy.min_cell is {threshold!r}: it must be a whole number of at least {MIN_THRESHOLD} "
            "(smaller cells can identify a person). Set privacy.min_cell: 5 in the config (the default)."
        )
    return value


def all_alike(count, total, threshold: int = 5) -> np.ndarray:
    """Rows where every one of ``total`` persons (1 to ``ALL_ALIKE_FACTOR × threshold − 1``) is in
    ``count``: publishing them discloses the attribute of each person in the cell (rule 3)."""
    count = pd.to_numeric(pd.Series(count), errors="coerce").to_numpy(dtype=float, na_value=np.nan)
    total = pd.to_numeric(pd.Series(total), errors="coerce").to_numpy(dtype=float, na_value=np.nan)
    limit = ALL_ALIKE_FACTOR * check_threshold(threshold)
    return (total >= 1) & (total < limit) & (count == total)


def outcome_alike(events, total, threshold: int = 5) -> np.ndarray:
    """Outcome cells where everyone *or no one* had the outcome (rule 3, both ways): "none of
    these 16 pupils dropped out" says it of each of them as much as "all of them did", and which
    way round an outcome is coded (dropout, reached_goal) is arbitrary."""
    events = pd.to_numeric(pd.Series(events), errors="coerce").to_numpy(dtype=float, na_value=np.nan)
    total = pd.to_numeric(pd.Series(total), errors="coerce").to_numpy(dtype=float, na_value=np.nan)
    return all_alike(events, total, threshold) | all_alike(total - events, total, threshold)


def _as_list(cols: str | Iterable[str] | None) -> list[str]:
    if cols is None:
        return []
    return [cols] if isinstance(cols, str) else list(cols)


def _partitions(df: pd.DataFrame, by, count_cols: list[str]) -> list[list[str]]:
    """The groupings for secondary suppression; ``None`` = every key column except group_value."""
    if by is None:
        if "group_value" not in df.columns:
            return []
        keys = [
            c for c in df.columns
            if c not in count_cols and c not in ("group_value", "suppressed", "run_id")
            and not pd.api.types.is_numeric_dtype(df[c]) and not pd.api.types.is_bool_dtype(df[c])
        ]
        return [keys]
    by = list(by) if not isinstance(by, str) else [by]
    if by and all(isinstance(b, (list, tuple)) for b in by):
        return [list(b) for b in by]
    return [by] if by else []


def default_value_cols(df: pd.DataFrame, count_cols: Sequence[str], by_cols: Iterable[str] = ()) -> list[str]:
    """Numeric columns derived from the counts: every numeric column that is no count, key or parameter."""
    skip = set(count_cols) | set(by_cols) | {"suppressed"}
    out = []
    for c in df.columns:
        name = str(c)
        if c in skip or name in _KEY_NAMES or name.endswith("_id") or "window" in name:
            continue
        if pd.api.types.is_bool_dtype(df[c]) or not pd.api.types.is_numeric_dtype(df[c]):
            continue
        out.append(c)
    return out


def suppress_small_cells(
    df: pd.DataFrame,
    count_cols: str | Sequence[str],
    threshold: int = 5,
    by: Sequence[str] | Sequence[Sequence[str]] | None = None,
    value_cols: Sequence[str] | None = None,
) -> pd.DataFrame:
    """A copy of ``df`` with small cells (and the cells that would reveal them) suppressed.

    Parameters
    ----------
    count_cols:
        Columns holding numbers of persons (e.g. ``n_persons``; ``n_with``, ``n_without``).
    threshold:
        Counts from 1 to ``threshold - 1`` are suppressed; must be at least 3 (else ConfigError).
    by:
        Key columns of the groups whose rows add up to a published total, for secondary
        suppression; a list of such lists for several groupings. ``None`` (default): when the
        table has a ``group_value`` column, rows that share every other non-numeric key column
        form a group (prevalence: theme × valence × group_by); otherwise no secondary suppression.
        ``[]`` switches secondary suppression off.
    value_cols:
        Derived columns to blank on suppressed rows; default: every numeric column that is no
        count, no key (``*_id``, ``group_value``, ``period``, ``rank`` ...) and no parameter
        (``*window*``, ``threshold``).

    Rows already marked ``suppressed`` stay suppressed. See the module docstring for the rule.
    """
    threshold = check_threshold(threshold)
    counts = _as_list(count_cols)
    missing = [c for c in counts if c not in df.columns]
    if missing:
        raise KvalitativError(f"suppress_small_cells: count column(s) {missing} not in the table (has {list(df.columns)}).")
    out = df.copy()
    partitions = _partitions(out, by, counts)
    for part in partitions:
        bad = [c for c in part if c not in out.columns]
        if bad:
            raise KvalitativError(f"suppress_small_cells: grouping column(s) {bad} not in the table.")
    values = list(value_cols) if value_cols is not None else default_value_cols(
        out, counts, {c for p in partitions for c in p})

    numeric = {c: pd.to_numeric(out[c], errors="coerce") for c in counts}
    hidden = np.zeros(len(out), dtype=bool)
    if "suppressed" in out.columns:
        hidden |= out["suppressed"].fillna(False).astype(bool).to_numpy()
    for c in counts:
        v = numeric[c].to_numpy(dtype=float, na_value=np.nan)
        hidden |= (v >= 1) & (v < threshold)

    if partitions and len(out):
        # the person count that orders candidates for secondary suppression: the first count column
        size = numeric[counts[0]].to_numpy(dtype=float, na_value=np.nan)
        hidden = _secondary(out, partitions, hidden, size, threshold)

    for c in counts + values:
        col = out[c]
        if pd.api.types.is_bool_dtype(col):
            col = col.astype("boolean")
        elif pd.api.types.is_integer_dtype(col) or (c in counts and _whole(col)):
            col = col.astype("Int64")
        elif not pd.api.types.is_numeric_dtype(col):
            col = col.astype(object)
        out[c] = col.mask(hidden)  # positional: safe with a duplicated index
    out["suppressed"] = hidden
    return out


def _whole(col: pd.Series) -> bool:
    """True when a numeric column holds only whole numbers (so it can be a nullable integer)."""
    if not pd.api.types.is_numeric_dtype(col):
        return False
    v = pd.to_numeric(col, errors="coerce").to_numpy(dtype=float, na_value=np.nan)
    v = v[~np.isnan(v)]
    return bool(np.all(v == np.round(v)))


def _secondary(df: pd.DataFrame, partitions: list[list[str]], hidden: np.ndarray, size: np.ndarray,
               threshold: int = 5) -> np.ndarray:
    """Hide the next-smallest cell of every group whose hidden cells give something away by
    subtraction, until stable: exactly one hidden cell, or hidden cells that hold fewer than
    ``threshold`` persons between them (five small schools of 1, 1, 0, 0, 0 pupils: their sum
    of 2 is the total minus the others, and a rate over those 2 says it of both)."""
    hidden = hidden.copy()
    groups = []
    for part in partitions:
        if not part:
            groups.append([np.arange(len(df))])
            continue
        keys = df[part].astype(object).where(df[part].notna(), "\0na")
        groups.append([np.asarray(ix) for ix in keys.groupby(part, sort=True, dropna=False).indices.values()])
    changed = True
    while changed:
        changed = False
        for grouping in groups:
            for ix in grouping:
                n_hidden = hidden[ix].sum()
                hidden_persons = np.nansum(size[ix][hidden[ix]])
                if len(ix) < 2 or n_hidden == 0 or (n_hidden != 1 and not 1 <= hidden_persons < threshold):
                    continue
                if not (~hidden[ix]).any():
                    continue
                open_ix = ix[~hidden[ix]]
                sizes = np.where(np.isnan(size[open_ix]), np.inf, size[open_ix])
                positive = sizes > 0
                pool = open_ix[positive] if positive.any() else open_ix
                pool_sizes = sizes[positive] if positive.any() else sizes
                pick = pool[np.argmin(pool_sizes)]  # argmin: the first of equal sizes, so deterministic
                hidden[pick] = True
                changed = True
    return hidden


def assert_no_small_cells(
    df: pd.DataFrame,
    count_cols: str | Sequence[str],
    threshold: int = 5,
    by: Sequence[str] | Sequence[Sequence[str]] | None = (),
    table: str | None = None,
) -> None:
    """Raise :class:`SmallCellError` if any shown count is between 1 and ``threshold - 1``.

    With ``by`` (same meaning as in :func:`suppress_small_cells`; default: not checked) it also
    fails when a group holds exactly one suppressed row, which subtraction could reveal.
    """
    threshold = check_threshold(threshold)
    where = f"table '{table}'" if table else "the table"
    for c in _as_list(count_cols):
        if c not in df.columns:
            continue
        v = pd.to_numeric(df[c], errors="coerce")
        n_bad = int(((v >= 1) & (v < threshold)).sum())
        if n_bad:
            raise SmallCellError(
                f"{where}: {n_bad} row(s) show {c} between 1 and {threshold - 1}; "
                f"run suppress_small_cells(df, {list(_as_list(count_cols))!r}, threshold={threshold}) before publishing."
            )
    if by is not None and len(by) == 0:
        return
    if "suppressed" not in df.columns:
        return
    hidden = df["suppressed"].fillna(False).astype(bool).to_numpy()
    for part in _partitions(df, by, _as_list(count_cols)):
        keys = df[part].astype(object).where(df[part].notna(), "\0na") if part else None
        groups = keys.groupby(part, dropna=False).indices.values() if part else [np.arange(len(df))]
        for ix in groups:
            ix = np.asarray(ix)
            if len(ix) >= 2 and hidden[ix].sum() == 1:
                raise SmallCellError(
                    f"{where}: a group of {part} holds exactly one suppressed row; its count can be "
                    "recovered from the total. Use suppress_small_cells with the same `by`."
                )
