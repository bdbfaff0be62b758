"""Parse the date formats Danish exports use, and derive periods (school years)."""

from __future__ import annotations

import re

import pandas as pd

_FORMATS = (
    "%d-%m-%Y", "%d.%m.%Y", "%d/%m/%Y", "%Y-%m-%d", "%d-%m-%y", "%d.%m.%y", "%Y/%m/%d", "%Y%m%d",
)
_TIME_TAIL = re.compile(r"[ T]\d{1,2}[:.]\d{2}([:.]\d{2}(\.\d+)?)?(Z|[+-]\d{2}:?\d{2})?$")
_MONTHS = {
    "januar": 1, "jan": 1, "februar": 2, "feb": 2, "marts": 3, "mar": 3, "april": 4, "apr": 4, "maj": 5,
    "juni": 6, "jun": 6, "juli": 7, "jul": 7, "august": 8, "aug": 8, "september": 9, "sep": 9, "sept": 9,
    "oktober": 10, "okt": 10, "november": 11, "nov": 11, "december": 12, "dec": 12,
}
_LONG = re.compile(r"^(\d{1,2})\.?\s+([a-zæøå]+)\.?\s+(\d{4})$")


def parse_date(value: object) -> pd.Timestamp | None:
    """One date cell → Timestamp (date only), or None when it cannot be read.

    Day-first always: `03-04-2023` is 3 April, as in every Danish export.
    """
    if value is None:
        return None
    if isinstance(value, pd.Timestamp):
        return value.normalize()
    if hasattr(value, "year") and hasattr(value, "month"):
        return pd.Timestamp(value).normalize()
    text = str(value).strip()
    if not text:
        return None
    text = _TIME_TAIL.sub("", text)
    for fmt in _FORMATS:
        try:
            return pd.Timestamp(pd.to_datetime(text, format=fmt))
        except (ValueError, TypeError):
            continue
    match = _LONG.match(text.lower())
    if match and match.group(2) in _MONTHS:
        try:
            return pd.Timestamp(int(match.group(3)), _MONTHS[match.group(2)], int(match.group(1)))
        except ValueError:
            return None
    return None


def period_of(date: pd.Timestamp | None, kind: str = "school_year") -> str | None:
    """The period label a note belongs to: school year '2022/23' (from 1 August), year or quarter."""
    if date is None or pd.isna(date):
        return None
    if kind == "year":
        return str(date.year)
    if kind == "quarter":
        return f"{date.year}-Q{(date.month - 1) // 3 + 1}"
    start = date.year if date.month >= 8 else date.year - 1
    return f"{start}/{(start + 1) % 100:02d}"


def parse_dates(values: pd.Series) -> pd.Series:
    """Vectorised :func:`parse_date` over a column: datetime64 with NaT where unreadable or empty."""
    text = values.astype(object).map(lambda v: "" if v is None else str(v).strip())
    text = text.str.replace(_TIME_TAIL, "", regex=True)
    result = pd.Series(pd.NaT, index=values.index, dtype="datetime64[ns]")
    todo = text != ""
    for fmt in _FORMATS:
        if not todo.any():
            break
        parsed = pd.to_datetime(text[todo], format=fmt, errors="coerce")
        hit = parsed.notna()
        result.loc[parsed.index[hit]] = parsed[hit].astype("datetime64[ns]")
        todo.loc[parsed.index[hit]] = False
    for idx in text.index[todo]:
        one = parse_date(values.loc[idx])
        if one is not None:
            result.loc[idx] = one
    return result


def periods_of(dates: pd.Series, kind: str = "school_year") -> pd.Series:
    """Vectorised :func:`period_of`."""
    year = dates.dt.year
    if kind == "year":
        out = year.astype("Int64").astype("string")
    elif kind == "quarter":
        out = year.astype("Int64").astype("string") + "-Q" + ((dates.dt.month - 1) // 3 + 1).astype("Int64").astype("string")
    else:
        start = (year - (dates.dt.month < 8).astype("Int64")).astype("Int64")
        out = start.astype("string") + "/" + ((start + 1) % 100).astype("string").str.zfill(2)
    return out.astype(object).where(dates.notna(), None)
