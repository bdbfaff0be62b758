"""The hidden ``tekst_hash`` of a coding sheet: made so Excel leaves it alone, checked kindly when it did not.

A sheet's hash is ``h`` + the first 16 hex digits of the SHA-256 of the note id and the cleaned text. The letter
is there for Excel: sheets exported before it carried the bare 16 hex digits, and about one in
a hundred of those is all digits (``1662481990928994``) or digits with one ``e``
(``0250244804816e50``), which Excel, opening the CSV twin, turns into a number and writes back as
``1,66248E+15`` or ``1662481990928990``. Those sheets still import: an old unprefixed hash
verifies as before, and a hash that Excel made a number is compared as the number it became (to
the digits Excel kept). When that number does not fit the text either, the message says that
Excel changed the hidden column, not that the text was changed.
"""

from __future__ import annotations

import hashlib
import re
from decimal import Decimal, InvalidOperation

PREFIX = "h"
_HEX16 = re.compile(r"^[0-9a-f]{16}$")
_NUMBER = re.compile(r"^[+-]?\d+([.,]\d*)?([eE][+-]?\d+)?$")
#: Fewer digits than this cannot tell a kept text from a changed one (Excel's narrowest is 5,1037E+51).
_MIN_DIGITS = 5


def _digest(clean: str) -> str:
    return hashlib.sha256(clean.encode("utf-8")).hexdigest()[:16]


def hash_of_clean(clean: str, note_id: object = None) -> str:
    """The sheet's hash of an already cleaned text and its note id (``h`` + 16 hex digits). The id is
    in it because a coder may sort the sheet (its cells are unlocked): a note id typed over another
    row's would move that row's codes to another note, and the text alone would not tell (a review)."""
    return PREFIX + _digest(clean if note_id is None else f"{note_id}\x1f{clean}")


def excel_number(stored: str) -> bool:
    """True when ``stored`` is no hash of ours but a number Excel made of one."""
    return not _HEX16.match(stored) and not stored.startswith(PREFIX) and bool(_NUMBER.match(stored))


def _same_number(stored: str, old: str) -> bool:
    """Whether Excel's number ``stored`` is the old hash ``old`` read as a number, to the digits kept."""
    try:
        value = Decimal(stored.replace(",", "."))
        target = Decimal(old)
    except InvalidOperation:
        return False
    if not value.is_finite() or len(value.as_tuple().digits) < _MIN_DIGITS:
        return False
    unit = Decimal(10) ** value.as_tuple().exponent  # the last place the cell shows
    tolerance = max(unit / 2, abs(target) * Decimal("1e-14"))  # Excel keeps 15 significant digits
    return abs(value - target) <= tolerance


def verify(clean: str, stored: str, note_id: object = None) -> str | None:
    """The hash of ``clean`` and ``note_id`` when ``stored`` vouches for them (a new hash; an old one of
    the text alone, or an old one Excel made a number of); None when it does not."""
    new = hash_of_clean(clean, note_id)
    old = _digest(clean)
    if stored in (new, old):
        return new
    if excel_number(stored) and _NUMBER.match(old) and _same_number(stored, old):
        return new
    return None


__all__ = ["PREFIX", "excel_number", "hash_of_clean", "verify"]
