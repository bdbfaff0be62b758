"""Trend of a share over ordered periods: Cochran–Armitage test plus a weighted slope.

Why Cochran–Armitage: the question "is this concern becoming more common?" is a test for a
linear trend in proportions across ordered groups. It needs only the counts per period
(which the evidence stage has), is exact enough for the sizes met here, and its statistic
is the numerator of the weighted least-squares slope, so the test and the reported slope
can never disagree in sign.
"""

from __future__ import annotations

import math
import re
from dataclasses import dataclass

import numpy as np
from scipy import stats

from kvalitativ.link.stats import bh

__all__ = ["Trend", "cochran_armitage", "period_position", "TREND_WORDS", "trend_words_by_q"]

#: The words a trend is reported in (Danish), by direction.
TREND_WORDS = {1: "stigende", -1: "faldende", 0: "stabil"}

_YEAR = re.compile(r"(\d{4})")
_QUARTER = re.compile(r"[Qq]([1-4])")


def period_position(period: str) -> float | None:
    """A number on a yearly scale for a period label, so slopes are 'per year'.

    ``"2022/23" -> 2022.0``, ``"2022" -> 2022.0``, ``"2022Q3" -> 2022.5``; None when the
    label holds no year.
    """
    m = _YEAR.search(str(period))
    if not m:
        return None
    pos = float(m.group(1))
    q = _QUARTER.search(str(period))
    if q:
        pos += (int(q.group(1)) - 1) / 4
    return pos


@dataclass(frozen=True)
class Trend:
    """Result of a trend test over periods."""

    direction: str | None  # stigende | faldende | stabil | None (too few periods)
    slope: float  # change in share per year (fraction; 0.015 = 1.5 percentage points)
    p_value: float
    z: float
    n_periods: int
    first_period: str | None
    last_period: str | None

    @property
    def periods(self) -> str | None:
        """``"2019/20–2024/25"`` (en dash), or None."""
        if self.first_period is None:
            return None
        return f"{self.first_period}–{self.last_period}"


def cochran_armitage(
    periods, counts, totals, *, min_total: int = 5, min_periods: int = 3, alpha: float = 0.05
) -> Trend:
    """Test for a linear trend in ``counts / totals`` across ``periods``.

    Periods whose total is below ``min_total`` are left out (too small to say anything and
    not to be shown). With fewer than ``min_periods`` left, the direction is None.
    The slope is the weighted (by totals) least-squares slope of the share on the period's
    position in years; the two-sided p-value is the Cochran–Armitage test's.
    """
    rows = []
    for p, x, n in zip(periods, counts, totals):
        pos = period_position(p)
        if pos is None or n is None or n < min_total:
            continue
        rows.append((pos, str(p), float(x), float(n)))
    rows.sort()
    nan = float("nan")
    if len(rows) < min_periods:
        first = rows[0][1] if rows else None
        last = rows[-1][1] if rows else None
        return Trend(None, nan, nan, nan, len(rows), first, last)
    t = np.array([r[0] for r in rows])
    x = np.array([r[2] for r in rows])
    n = np.array([r[3] for r in rows])
    big_n = n.sum()
    p_bar = x.sum() / big_n
    t_bar = (n * t).sum() / big_n
    sxx = (n * (t - t_bar) ** 2).sum()
    stat = (t * (x - n * p_bar)).sum()
    slope = stat / sxx if sxx > 0 else 0.0
    var = p_bar * (1 - p_bar) * sxx
    if var <= 0:
        z, p_value = 0.0, 1.0
    else:
        z = stat / math.sqrt(var)
        p_value = float(2 * stats.norm.sf(abs(z)))
    direction = TREND_WORDS[int(np.sign(slope))] if p_value < alpha else TREND_WORDS[0]
    return Trend(direction, float(slope), p_value, float(z), len(rows), rows[0][1], rows[-1][1])


def trend_words_by_q(directions, slopes, p_values, alpha: float = 0.05) -> tuple[np.ndarray, list]:
    """Benjamini–Hochberg q-values over one family of trend tests (e.g. every theme × valence × unit)
    and the words from them: 'stigende'/'faldende' only where q < alpha.

    Why: a report tests a trend per theme, valence and unit, so about one in twenty flat shares
    passes p < 0.05 by chance; the association words already need q < 0.05, and so do these.
    A test without a direction (too few periods) stays without one.
    """
    q = bh(np.asarray(p_values, dtype=float))
    words = [None if not isinstance(d, str) else
             TREND_WORDS[int(np.sign(s))] if qv < alpha else TREND_WORDS[0]
             for d, s, qv in zip(directions, slopes, q)]
    return q, words
