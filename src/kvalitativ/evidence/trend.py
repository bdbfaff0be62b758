"""Trend of a share over ordered periods: Cochran–Armitage test plus a weighted slope.

Why Cochran–Armitage: the question "is this concern becoming more common?" is a test for a
linear trend in proportions across ordered groups. Its statistic is the numerator of the
weighted least-squares slope, so the test and the reported slope can never disagree in sign.

Why a variance clustered by person: the share of a period counts every person with a note in
it, so a pupil written about in three school years is three rows, and their rows are alike (the
same pupil). The textbook variance treats the rows as independent, and where persons recur over
a few neighbouring years its p-values are too small (8.6 % false alarms at α = 0.05 against 5.1 %
clustered, in ``scripts/benchmarks/bench_trend.py``). Given who was seen when
(:class:`PersonPeriods`), the variance is the cluster-robust (sandwich) one of the same
statistic, summed over persons: the score test of a GEE with an independence working
correlation, grouped by person.
"""

from __future__ import annotations

import math
import re
from dataclasses import dataclass

import numpy as np
import pandas as pd
from scipy import stats

from kvalitativ.link.stats import bh

__all__ = ["Trend", "PersonPeriods", "cochran_armitage", "period_position", "TREND_WORDS", "trend_words_by_q"]

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


@dataclass(frozen=True)
class PersonPeriods:
    """Who was seen in which period, and in which of those they had the theme: the clusters of
    the trend test. ``periods``: the period labels; ``seen_person``/``seen_period``: one entry
    per person × period with a note (the periods' totals), ``hit_person``/``hit_period``: the
    person × periods with the theme (the counts). Persons are integer codes (0 … persons − 1),
    periods indexes into ``periods``: a unit's rows are looked up once per theme, so no text."""

    periods: np.ndarray
    seen_person: np.ndarray
    seen_period: np.ndarray
    hit_person: np.ndarray
    hit_period: np.ndarray

    @classmethod
    def from_labels(cls, seen_person, seen_labels, hit_person, hit_labels) -> "PersonPeriods":
        """From period labels (as the period column holds them) instead of indexes."""
        labels = pd.Index(np.asarray(seen_labels, dtype=object)).astype(str)
        periods = labels.unique()
        hits = periods.get_indexer(pd.Index(np.asarray(hit_labels, dtype=object)).astype(str))
        return cls(np.asarray(periods, dtype=object), np.asarray(seen_person), periods.get_indexer(labels),
                   np.asarray(hit_person), hits)

    def variance(self, position: dict, t_bar: float, p_bar: float) -> float:
        """Σ over persons of (Σ over their kept periods (t − t̄)(y − p̄))², times G / (G − 1) for G
        persons: the statistic's variance when a person's rows may be alike, not independent."""
        t_of = np.array([position.get(str(p), np.nan) for p in self.periods] + [np.nan], dtype=float)
        t_seen, t_hit = t_of[self.seen_period], t_of[self.hit_period]  # index −1 (unknown): NaN
        kept, kept_hit = ~np.isnan(t_seen), ~np.isnan(t_hit)
        size = int(max(self.seen_person.max(initial=-1), self.hit_person.max(initial=-1))) + 1
        a = np.bincount(self.seen_person[kept], weights=t_seen[kept] - t_bar, minlength=size)
        b = np.bincount(self.hit_person[kept_hit], weights=t_hit[kept_hit] - t_bar, minlength=size)
        g = int(np.count_nonzero(np.bincount(self.seen_person[kept], minlength=size)))
        if g < 2:
            return 0.0
        return float(((b - p_bar * a) ** 2).sum() * g / (g - 1))


def cochran_armitage(
    periods, counts, totals, *, min_total: int = 5, min_periods: int = 3, alpha: float = 0.05,
    persons: PersonPeriods | None = None,
) -> Trend:
    """Test for a linear trend in ``counts / totals`` across ``periods``.

    Periods whose total is below ``min_total`` are left out (too small to say anything and
    not to be shown). With fewer than ``min_periods`` left, the direction is None.
    The slope is the weighted (by totals) least-squares slope of the share on the period's
    position in years; the two-sided p-value is the Cochran–Armitage test's, with its variance
    clustered by person when ``persons`` says who was seen when (the evidence stage always
    does; without it every person × period counts as independent, too small a p-value where
    persons recur).
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
    if persons is None:
        var = p_bar * (1 - p_bar) * sxx
    else:
        var = persons.variance({r[1]: r[0] for r in rows}, t_bar, p_bar)
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
