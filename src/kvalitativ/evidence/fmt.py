"""Number formatting for headlines and the report, Danish by default, English on request.

Why its own module: every number a headline states must equal a column value, so the
headline and the report format numbers through the same few functions (Danish: decimal comma,
``%`` with a space, thousands separated by a dot; English: decimal point, ``%`` without a
space, thousands separated by a comma), and tests can format a column the same way to check
the sentence.
"""

from __future__ import annotations

import math

#: No-break space between a number and "%" (Danish style, and the two never wrap apart).
NBSP = "\u00a0"

__all__ = ["fmt_pct", "fmt_num", "fmt_int", "fmt_pp", "fmt_ratio", "is_missing", "NBSP"]


def is_missing(value) -> bool:
    """True for None, NaN and pandas NA."""
    if value is None:
        return True
    try:
        return bool(math.isnan(float(value)))
    except (TypeError, ValueError):
        return False


def fmt_num(value, decimals: int = 1, language: str | None = "da") -> str:
    """``1234.5 -> '1.234,5'`` (English: ``'1,234.5'``); empty string for a missing value."""
    if is_missing(value):
        return ""
    text = f"{float(value):,.{decimals}f}"
    if language == "en":
        return text
    return text.replace(",", "\u0000").replace(".", ",").replace("\u0000", ".")


def fmt_int(value, language: str | None = "da") -> str:
    """``1234 -> '1.234'``."""
    return fmt_num(value, 0, language)


def fmt_pct(share, decimals: int | None = None, language: str | None = "da") -> str:
    """A share (0–1) as a Danish percentage: ``0.183 -> '18 %'``, ``0.046 -> '4,6 %'`` (with a no-break space);
    English ``'18%'``, ``'4.6%'``.

    Below 10 % one decimal is kept, because "0 %" or "5 %" would hide a real difference.
    """
    if is_missing(share):
        return ""
    pct = float(share) * 100
    if decimals is None:
        decimals = 1 if abs(pct) < 10 and round(pct, 1) != round(pct) else 0
    return f"{fmt_num(pct, decimals, language)}{'' if language == 'en' else NBSP}%"


def fmt_pp(delta_share, decimals: int = 1, language: str | None = "da") -> str:
    """A change in share as signed percentage points: ``0.015 -> '+1,5 procentpoint'``."""
    if is_missing(delta_share):
        return ""
    pp = float(delta_share) * 100
    sign = "+" if pp > 0 else ("−" if pp < 0 else "±")
    return f"{sign}{fmt_num(abs(pp), decimals, language)} {'percentage points' if language == 'en' else 'procentpoint'}"


def fmt_ratio(value, decimals: int = 2, language: str | None = "da") -> str:
    """An odds or risk ratio: ``2.345 -> '2,35'``."""
    return fmt_num(value, decimals, language)
