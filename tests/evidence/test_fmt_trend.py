import math

import numpy as np
import pytest
from statsmodels.stats.contingency_tables import Table

from kvalitativ.evidence.fmt import NBSP, fmt_num, fmt_pct, fmt_pp, fmt_ratio
from kvalitativ.evidence.trend import cochran_armitage, period_position


def test_danish_number_formats():
    assert fmt_pct(0.183) == f"18{NBSP}%"
    assert fmt_pct(0.046) == f"4,6{NBSP}%"
    assert fmt_pct(0.05) == f"5{NBSP}%"
    assert fmt_pct(float("nan")) == ""
    assert fmt_num(1234.5) == "1.234,5"
    assert fmt_ratio(2.345) == "2,35" or fmt_ratio(2.345) == "2,34"
    assert fmt_pp(0.015) == "+1,5 procentpoint"
    assert fmt_pp(-0.02).startswith("−2,0")


def test_period_position_reads_school_years_and_quarters():
    assert period_position("2022/23") == 2022.0
    assert period_position("2022Q3") == 2022.5
    assert period_position("ukendt") is None


def test_rising_share_is_stigende_and_agrees_with_linear_by_linear_test():
    periods = ["2019/20", "2020/21", "2021/22", "2022/23", "2023/24"]
    counts = [10, 14, 20, 26, 33]
    totals = [100, 100, 100, 100, 100]
    t = cochran_armitage(periods, counts, totals)
    assert t.direction == "stigende"
    assert t.slope == pytest.approx(0.058, abs=0.002)  # about 5.8 percentage points a year
    assert t.periods == "2019/20–2023/24"
    # the Cochran–Armitage chi-square is N/(N-1) times the linear-by-linear statistic
    table = np.array([counts, [n - c for n, c in zip(totals, counts)]]).T
    lbl = Table(table).test_ordinal_association(row_scores=np.arange(5), col_scores=np.array([0, 1]))
    n = sum(totals)
    assert t.z**2 == pytest.approx(lbl.zscore**2 * n / (n - 1), rel=1e-6)


def test_flat_or_noisy_share_is_stabil_and_falling_is_faldende():
    periods = ["2019/20", "2020/21", "2021/22", "2022/23"]
    assert cochran_armitage(periods, [20, 22, 19, 21], [100] * 4).direction == "stabil"
    assert cochran_armitage(periods, [40, 30, 20, 10], [100] * 4).direction == "faldende"


def test_too_few_periods_or_small_periods_give_no_direction():
    t = cochran_armitage(["2021/22", "2022/23"], [5, 9], [50, 50])
    assert t.direction is None and math.isnan(t.slope)
    # periods below the disclosure threshold are left out before counting periods
    t = cochran_armitage(["2019/20", "2020/21", "2021/22"], [1, 10, 12], [3, 50, 50], min_total=5)
    assert t.n_periods == 2 and t.direction is None
