"""Find the header row of an export that has a title (and maybe empty rows) above it.

Exports saved from a report often start with a title ("Henvendelser til Borgerservice –
udtræk 2024") in row 1, an empty row and then the real header. Read as the header, the title
gives one named column and placeholders for the rest, and no text column is found. When the
first row looks like a title (one filled cell), the first rows are searched for one that
looks like a header (most cells filled with short, distinct words); rows above it are the
preamble: accounted for as rejects (reason ``preamble``), never read as notes.
"""

from __future__ import annotations

import re

#: How many rows at the top of a file may hold a title and the header.
SEARCH_ROWS = 10
#: Reject reason of a filled row above the header (a title, a note on the extract).
PREAMBLE = "preamble"
#: Column names pandas invents for header cells that are empty.
UNNAMED = re.compile(r"^Unnamed: \d+$")
_MAX_HEADER_CHARS = 60


def filled(row: list[str]) -> list[str]:
    """The cells of ``row`` that hold something (not empty, not a pandas placeholder)."""
    return [c.strip() for c in row if c is not None and c.strip() and not UNNAMED.match(c.strip())]


def looks_like_title(row: list[str]) -> bool:
    """A row with exactly one filled cell: a title, not a header."""
    return len(filled(row)) == 1


def looks_like_header(row: list[str]) -> bool:
    """Most cells filled with short, distinct strings that hold a letter (no numbers or dates)."""
    cells = filled(row)
    if len(cells) < 2 or len(cells) * 2 <= len(row):
        return False
    return (len(set(cells)) == len(cells) and all(len(c) <= _MAX_HEADER_CHARS for c in cells)
            and all(re.search(r"[^\W\d_]", c) for c in cells))


def header_index(rows: list[list[str]]) -> int:
    """The 0-based index of the header among the first rows of a file: 0 unless the first row
    looks like a title and one of the next rows (up to :data:`SEARCH_ROWS`) like a header."""
    if not rows or not looks_like_title(rows[0]):
        return 0
    for i, row in enumerate(rows[1:SEARCH_ROWS], start=1):
        if looks_like_header(row) and _rows_fit(row, rows[i + 1:SEARCH_ROWS]):
            return i
    return 0


def _rows_fit(header: list[str], below: list[list[str]]) -> bool:
    """Whether most filled rows below a candidate header have its width (or there are none):
    a line of a one-column export that happens to hold a separator is no header."""
    widths = [len(r) for r in below if any(c.strip() for c in r)]
    return not widths or sum(w == len(header) for w in widths) * 2 > len(widths)


def preamble_detail(header_row: int) -> str:
    """The reject detail of a row above the header (``header_row`` is 1-based)."""
    return f"above the header: {header_note(header_row)}"


def header_note(header_row: int) -> str:
    """The summary's words for a header below row 1 ('' when it is in row 1)."""
    if header_row <= 1:
        return ""
    skipped = "row 1" if header_row == 2 else f"rows 1–{header_row - 1}"
    return f"header found in row {header_row}; {skipped} skipped"
