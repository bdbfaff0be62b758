"""Identifiers outside the note text: ids and labels that are published, and the writer's last guard.

Why: the redactor guards the notes, but a note id can hold a CPR number (``J-1503871235-7``, as
real case-file numbers do) and a school column can hold a phone number (``Kontakt 20 30 40 50``),
and both reach every dashboard table and the report. Three things close those doors, all with
the redactor's own pattern types (:meth:`~kvalitativ.privacy.redact.Redactor.find_patterns`,
after the same Unicode normalisation), so there is one definition of an identifier pattern:

* :func:`redact_labels` replaces the pattern identifiers (CPR, phone, e-mail) in a published text
  column such as ``unit_id``; the same value always gets the same replacement, so joins hold.
  Names are left alone: schools are named after people ("H.C. Andersen Skolen").
* :func:`holds_identifier` says whether an id holds one, so ingest can pseudonymise it
  (keyed, :mod:`kvalitativ.privacy.pseudonym`). In ids a CPR number also counts when letters
  are glued to it (``SAG1503871235``): ten digits that form a CPR date.
* :func:`assert_no_identifiers` is the writer's last guard: every string cell of a dashboard
  table (distinct values only) is scanned (and, with :func:`assert_no_identifiers_in_report`,
  the text and chart data of every report page before it is published), and a hit stops the write with an error that names
  the table, the column and the type, never the value. What kvalitativ made itself is skipped
  by its known format: run ids (``r`` + 12 hex digits) and pseudonyms (``P``/``N`` + 16 hex
  digits), wherever they stand in a cell, so hex digits in a hash never stop a run.
"""

from __future__ import annotations

import functools
import re
from collections.abc import Iterable

import pandas as pd

from kvalitativ.errors import KvalitativError
from kvalitativ.privacy.normalise import normalise, to_original
from kvalitativ.privacy.patterns import PLACEHOLDERS, Find, cpr_date_ok

#: What is replaced in ids and labels (names are not: "H.C. Andersen Skolen").
ID_TYPES: tuple[str, ...] = ("CPR", "TELEFON", "EMAIL")
#: What the last guard looks for: every pattern type of the redactor.
GUARD_TYPES: tuple[str, ...] = ("CPR", "TELEFON", "EMAIL", "ADRESSE")
#: Values kvalitativ generates: run ids and keyed pseudonyms (see pseudonym.PSEUDONYM_HEX).
GENERATED_RE = re.compile(r"(?<![0-9A-Za-z])(?:r[0-9a-f]{12}|[PN][0-9a-f]{16})(?![0-9A-Za-z])")
#: What a value needs to hold any pattern type, besides eight digits (every CPR number and phone
#: has them, in any spelling): an at sign (also fullwidth or small), the word "at", or a word and
#: a number (an address), also across invisible characters.
_MAY_HOLD_RE = (r"(?i)[@\uff20\ufe6b]|\bat\b|snabel|[^\W\d_][\s\u200b\u200c\u200d\u2060\ufeff\u00ad]+\d"
                # the last: an English-order address at a cell's start ("12 Oak Road", "350 5th Avenue")
                r"|\d[a-z]{0,2},?\s+[^\W\d_]")
_TEN_DIGITS_RE = re.compile(r"(?<!\d)\d{10}(?!\d)")


class IdentifierError(KvalitativError):
    """A table about to be published holds an identifier; nothing is written."""


@functools.lru_cache(maxsize=1)
def _redactor():
    from kvalitativ.privacy.redact import Redactor

    return Redactor(gazetteer=False)


def find_identifiers(value: str, types: Iterable[str] = GUARD_TYPES) -> list[Find]:
    """The pattern identifiers of ``types`` in ``value``, as spans of the original ``value``."""
    if not isinstance(value, str) or not value:
        return []
    types = frozenset(types)
    norm, origin = normalise(value)
    finds = [f for f in _redactor().find_patterns(norm) if f.type in types]
    return [Find(f.type, *to_original(origin, f.start, f.end), f.confidence) for f in finds]


def _glued_cpr(value: str) -> bool:
    digits_only = normalise(value)[0]
    for m in _TEN_DIGITS_RE.finditer(digits_only):
        d = m.group(0)
        if cpr_date_ok(int(d[:2]), int(d[2:4]), int(d[4:6]), int(d[6])):
            return True
    return False


def holds_identifier(value, types: Iterable[str] = ID_TYPES) -> bool:
    """Whether an id holds a pattern identifier (a CPR number also when letters are glued to it)."""
    if not isinstance(value, str) or not value:
        return False
    return bool(find_identifiers(value, types)) or ("CPR" in types and _glued_cpr(value))


def redact_label(value, types: Iterable[str] = ID_TYPES):
    """``value`` with its pattern identifiers replaced by their placeholders (non-strings as they are)."""
    finds = find_identifiers(value, types) if isinstance(value, str) else []
    if not finds:
        return value
    parts, pos = [], 0
    for f in finds:
        parts += [value[pos:f.start], PLACEHOLDERS[f.type]]
        pos = f.end
    return "".join(parts) + value[pos:]


def redact_labels(values: pd.Series, types: Iterable[str] = ID_TYPES) -> tuple[pd.Series, int]:
    """A published text column with its pattern identifiers replaced, and how many values changed.

    Each distinct value is redacted once, so a column of a million rows with a few hundred
    units costs a few hundred scans, and equal values stay equal (joins hold)."""
    distinct = pd.unique(values.dropna())
    mapping = {v: redact_label(v, types) for v in distinct if isinstance(v, str)}
    changed = {v: r for v, r in mapping.items() if r != v}
    if not changed:
        return values, 0
    mask = values.isin(list(changed))
    out = values.copy()
    out[mask] = values[mask].map(changed)  # only the changed cells: missing values stay as they were
    return out, int(mask.sum())


def _strip_generated(value: str) -> str:
    return GENERATED_RE.sub(" ", value)


def _candidates(column: pd.Series) -> list[str]:
    """The distinct string values of a column that may hold an identifier pattern, with generated
    values taken out: a vectorised filter, so a million segment ids cost a few string operations
    and only the few candidates meet the regular expressions one by one."""
    values = pd.Series(pd.unique(column.dropna()), dtype=object)
    values = values[values.map(lambda v: isinstance(v, str))].astype(str)
    if values.empty:
        return []
    stripped = values.str.replace(GENERATED_RE, " ", regex=True)
    keep = (stripped.str.count(r"\d") >= 8) | stripped.str.contains(_MAY_HOLD_RE, regex=True)
    return stripped[keep].tolist()


def identifier_hits(frame: pd.DataFrame, types: Iterable[str] = GUARD_TYPES) -> dict[str, dict[str, int]]:
    """``{column: {type: number of distinct values}}`` for every string column of ``frame`` that holds
    an identifier pattern; generated values (run ids, pseudonyms) are skipped."""
    types = tuple(types)
    hits: dict[str, dict[str, int]] = {}
    for col in frame.columns:
        if col == "run_id" or not (frame[col].dtype == object or pd.api.types.is_string_dtype(frame[col])):
            continue
        found: dict[str, int] = {}
        for value in _candidates(frame[col]):
            for kind in {f.type for f in find_identifiers(value, types)}:
                found[kind] = found.get(kind, 0) + 1
        if found:
            hits[str(col)] = found
    return hits


def assert_no_identifiers(name: str, frame: pd.DataFrame, types: Iterable[str] = GUARD_TYPES) -> None:
    """The writer's last guard: raise :class:`IdentifierError` (naming table, column and type, never
    the value) when a string cell of ``frame`` holds an identifier pattern."""
    hits = identifier_hits(frame, types)
    if not hits:
        return
    where = "; ".join(f"column '{col}': " + ", ".join(f"{n} value(s) with {kind}" for kind, n in sorted(kinds.items()))
                      for col, kinds in hits.items())
    raise IdentifierError(
        f"table '{name}' was not written: {where}. An identifier would have been published. Remove it from "
        "that column of the input (or map the column to another one) and run again; nothing was published.")


#: A script block that opens with a library's banner ("/** plotly.js v4.1.1 ...") is a JavaScript
#: library the report carries inline, written by its authors, not data: the guard skips it. The
#: chart data are in script blocks of their own and are scanned.
_LIBRARY_BANNER_RE = re.compile(r"\s*/\*[\s*]*[\w.\-]+\.js v\d")
_SCRIPT_RE = re.compile(r"<script\b[^>]*>(.*?)</script>", re.S | re.I)


def report_text(html: str) -> str:
    """The report's text, tables and chart data: the HTML without its inline libraries and without
    the values kvalitativ generated (run ids, pseudonyms)."""
    parts, pos = [], 0
    for m in _SCRIPT_RE.finditer(html):
        parts.append(html[pos:m.start()])
        if not _LIBRARY_BANNER_RE.match(m.group(1)):
            parts.append(m.group(0))
        pos = m.end()
    parts.append(html[pos:])
    return _strip_generated("".join(parts))


def guard_types(kept: Iterable[str] = ()) -> tuple[str, ...]:
    """The pattern types the last guard scans for: all but those ``privacy.redact`` keeps."""
    kept = set(kept)
    return tuple(t for t in GUARD_TYPES if t not in kept)


def guard_types_of_folder(folder) -> tuple[str, ...]:
    """The pattern types the last guard scans for in an output folder: all but those its run.json
    records as kept (``privacy.redact``; the user kept them in the text on purpose)."""
    import json
    from pathlib import Path

    manifest = Path(folder) / "run.json"
    try:
        kept = json.loads(manifest.read_text(encoding="utf-8")).get("redaction", {}).get("kept", [])
    except (OSError, ValueError, AttributeError):
        kept = []
    return guard_types(kept)


def assert_no_identifiers_in_report(path, types: Iterable[str] = GUARD_TYPES) -> None:
    """The last guard for a report page: raise :class:`IdentifierError` (naming the page and the
    types, never a value) when its text or chart data hold an identifier pattern."""
    from pathlib import Path

    path = Path(path)
    text = report_text(path.read_text(encoding="utf-8", errors="replace"))
    kinds: dict[str, int] = {}
    for f in find_identifiers(text, types):
        kinds[f.type] = kinds.get(f.type, 0) + 1
    if kinds:
        what = ", ".join(f"{n} with {kind}" for kind, n in sorted(kinds.items()))
        raise IdentifierError(f"the report {path.name} was not published: {what}. An identifier reached the "
                              "report through a table or a quote; remove it from the input and run again.")
