"""Readers for the formats municipalities export: CSV (any separator), XLSX, JSON Lines, Parquet.

Every reader returns a :class:`RawTable`: all cells as text, the spreadsheet row number of
each row, and the rows it could not parse (as rejects) — so that every input row can be
accounted for downstream.
"""

from __future__ import annotations

import csv
import io
import itertools
import json
from collections.abc import Iterable, Iterator
from dataclasses import dataclass, field
from pathlib import Path

import pandas as pd

from kvalitativ.errors import InputError
from kvalitativ.io.decoding import read_bytes, read_text_file
from kvalitativ.io.header import PREAMBLE, SEARCH_ROWS, header_index, preamble_detail

REJECT_COLUMNS = ["source_file", "source_row", "reason", "detail"]
SUPPORTED = (".csv", ".tsv", ".txt", ".xlsx", ".xlsm", ".jsonl", ".ndjson", ".json", ".parquet")

#: One CSV record: its first line number, its fields (None when rejected) and why it was rejected.
CsvRecord = tuple[int, "list[str] | None", "str | None"]


@dataclass
class RawTable:
    """A parsed export before column mapping: text cells, row numbers and parse rejects."""

    frame: pd.DataFrame  # object columns; plus `_source_row`
    path: Path
    rejects: pd.DataFrame = field(default_factory=lambda: pd.DataFrame(columns=REJECT_COLUMNS))
    encoding: str | None = None
    separator: str | None = None
    header_row: int = 1  # the file's row that holds the header (below a title: 3, say)

    @property
    def n_read(self) -> int:
        return len(self.frame) + len(self.rejects)


def make_rejects(path: Path | str, rows: list[int], reason: str, details: list[str] | None = None) -> pd.DataFrame:
    return pd.DataFrame(
        {
            "source_file": [Path(path).name] * len(rows),
            "source_row": pd.array(rows, dtype="Int64"),
            "reason": [reason] * len(rows),
            "detail": details if details is not None else [""] * len(rows),
        },
        columns=REJECT_COLUMNS,
    )


def sniff_separator(text: str) -> str:
    """Pick `,`, `;` or tab: the one giving the most consistent field count over the first lines."""
    head = text[:65536].splitlines()[:50]
    best, best_score = ",", -1.0
    for sep in (";", "\t", ","):
        counts = [len(row) for row in csv.reader(head, delimiter=sep)]
        counts = [c for c in counts if c > 0]
        skip = next((i for i, c in enumerate(counts[:SEARCH_ROWS]) if c >= 2), None)
        if skip is None:
            continue
        counts = counts[skip:]  # a title line above the header has no separator: judged from the header on
        consistent = sum(1 for c in counts if c == counts[0]) / len(counts)
        score = consistent * 10 + min(counts[0], 50) / 50 - (1 if skip else 0)
        if score > best_score:
            best, best_score = sep, score
    return best


BOM = "\ufeff"


def csv_records(lines: Iterable[str], path: Path, separator: str) -> tuple[list[str], Iterator[CsvRecord]]:
    """The header and then every record of a CSV, each with its first line number.

    The one CSV record loop: ``read_csv_text`` (whole file) and the streamed reader (chunk by
    chunk) both use it, so a row is accepted or rejected the same way whichever path reads it.
    A record is ``(line_no, fields, None)`` when it has the header's width, or ``(line_no,
    None, why)`` for a line of only separators ("empty row") or a wrong field count; blank
    lines are skipped. ``lines`` keep their line endings (``io.StringIO(text, newline="")`` or
    a file's lines).
    """
    csv.field_size_limit(2**31 - 1)  # huge notes are rejected by ingest with a reason, not by the parser
    lines, preamble, offset = _without_preamble(iter(lines), separator)
    lines = _RecordLines(lines)
    reader = csv.reader(lines, delimiter=separator)
    try:
        header = next(reader)
    except StopIteration:
        raise InputError(f"{path}: the file is empty.") from None
    except csv.Error as exc:
        raise InputError(f"{path}: line 1: cannot be parsed as CSV ({exc}).") from None
    header = [h.strip().lstrip(BOM) for h in header]
    if not any(header):
        raise InputError(f"{path}: the first line (the header) is empty.")
    _check_header(header, path)
    lines.taken()
    records = _records(reader, lines, path, len(header), separator, offset)
    return Header(header, offset + 1), itertools.chain(preamble, records)


class Header(list):
    """The header's cells, and the file's line that holds them (``row``; 1 without a title above)."""

    def __init__(self, cells: list[str], row: int = 1):
        super().__init__(cells)
        self.row = row


def _without_preamble(lines: Iterator[str], separator: str) -> tuple[Iterator[str], list[CsvRecord], int]:
    """The lines from the header on, a record for each line above it (a title: a ``preamble``
    reject; a line of only separators: an empty row; a blank line: none) and how many lines
    lie above the header."""
    head = list(itertools.islice(lines, SEARCH_ROWS))
    rows = []
    for line in head:
        try:
            rows.append(next(csv.reader([line.lstrip(BOM)], delimiter=separator), []))
        except csv.Error:
            rows.append([line])
    top = header_index(rows)
    preamble: list[CsvRecord] = []
    for i, row in enumerate(rows[:top], start=1):
        if any(c.strip() for c in row):
            preamble.append((i, None, preamble_detail(top + 1)))
        elif row:
            preamble.append((i, None, "empty row"))
    return itertools.chain(head[top:], lines), preamble, top


class _RecordLines:
    """The file's lines as the CSV parser takes them, remembering those of the current record.

    Why: an unbalanced quote makes the parser read on, line after line, into one "field" — in
    one export 190 of 200 rows vanished into a single record that had the right number of
    fields and was kept. The raw lines of each record let :func:`_swallowed` count the
    physical rows independently of the parser that was fooled.
    """

    def __init__(self, lines: Iterable[str]):
        self._lines = iter(lines)
        self._current: list[str] = []

    def __iter__(self) -> "_RecordLines":
        return self

    def __next__(self) -> str:
        line = next(self._lines)
        self._current.append(line)
        return line

    def taken(self) -> list[str]:
        """The lines read since the last call (the last record's lines)."""
        out, self._current = self._current, []
        return out


def _swallowed(record_lines: list[str], width: int, separator: str) -> list[int]:
    """Offsets of the lines after a record's first that look like rows of their own.

    Read with quoting off, a line with the header's number of fields (and a first field) is a
    row; inside a real multi-line note such lines do not occur, after an unbalanced quote they
    are the rows it swallowed."""
    found = []
    for k, line in enumerate(record_lines[1:], start=1):
        fields = line.rstrip("\r\n").split(separator)
        if width > 1 and len(fields) == width and fields[0].strip():
            found.append(k)
    return found


def _records(reader, lines: _RecordLines, path: Path, width: int, separator: str,
             offset: int = 0) -> Iterator[CsvRecord]:
    """The records after the header; ``offset``: the lines above the header (a title)."""
    line_start = reader.line_num + 1 + offset
    try:
        for record in reader:
            row_no = line_start
            line_start = reader.line_num + 1 + offset
            swallowed = _swallowed(lines.taken(), width, separator)
            if swallowed:
                last = line_start - 1
                yield row_no, None, (f"lines {row_no}–{last}: an unbalanced quote (\") joins {len(swallowed)} "
                                     "following rows into this one; fix the quote in the export and read it again")
                for k in swallowed:
                    yield row_no + k, None, f"swallowed by the unbalanced quote on line {row_no}"
                continue
            if not record or all(not c.strip() for c in record):
                if record:  # a line of only separators: an empty row, accounted as a reject
                    yield row_no, None, "empty row"
                continue
            if len(record) != width:
                yield row_no, None, f"{len(record)} fields, header has {width}"
                continue
            yield row_no, record, None
    except csv.Error as exc:
        raise InputError(f"{path}: line {reader.line_num + offset}: cannot be parsed as CSV ({exc}).") from None


def raw_table_of(records: Iterable[CsvRecord], header: list[str], path: Path, *, encoding: str | None = None,
                 separator: str | None = None) -> RawTable:
    """Collect ``records`` of :func:`csv_records` into a :class:`RawTable` (bad ones as rejects)."""
    rows, row_numbers, bad_rows, bad_details = [], [], [], []
    for row_no, fields, problem in records:
        if fields is None:
            bad_rows.append(row_no)
            bad_details.append(problem)
        else:
            rows.append(fields)
            row_numbers.append(row_no)
    frame = pd.DataFrame(rows, columns=header, dtype=object)
    frame["_source_row"] = pd.Series(row_numbers, index=frame.index, dtype="int64")
    rejects = make_rejects(path, bad_rows, "malformed_row", bad_details)
    rejects.loc[rejects["detail"].astype(str).str.startswith("above the header"), "reason"] = PREAMBLE
    return RawTable(frame, path, rejects, encoding=encoding, separator=separator,
                    header_row=getattr(header, "row", 1))


def read_csv_text(text: str, path: Path, separator: str | None = None) -> RawTable:
    sep = separator or sniff_separator(text)
    header, records = csv_records(io.StringIO(text, newline=""), path, sep)
    return raw_table_of(records, header, path, separator=sep)


def _check_header(header: list[str], path: Path) -> None:
    seen = set()
    for h in header:
        if h and h in seen:
            raise InputError(f"{path}: the header names the column '{h}' twice. Rename one of them.")
        seen.add(h)


def read_xlsx(path: Path, sheet: str | None = None) -> RawTable:
    read_bytes(path)  # existence and emptiness checks
    top = _xlsx_header_index(path, sheet)
    frame = _read_excel(path, sheet_name=sheet or 0, dtype=object, engine="openpyxl", header=top)
    frame.columns = [str(c).strip() for c in frame.columns]
    _check_header(list(frame.columns), path)
    row_numbers = list(range(top + 2, len(frame) + top + 2))
    frame = frame.astype(object).where(frame.notna(), "")
    frame["_source_row"] = row_numbers
    empty = frame.drop(columns="_source_row").apply(lambda r: all(str(v).strip() == "" for v in r), axis=1)
    rejects = make_rejects(path, frame.loc[empty, "_source_row"].tolist(), "malformed_row", None)
    if len(rejects):
        rejects["detail"] = "empty row"
    rejects = pd.concat([_xlsx_preamble(path, sheet, top), rejects], ignore_index=True) if top else rejects
    return RawTable(frame.loc[~empty].reset_index(drop=True), path, rejects, header_row=top + 1)


def _read_excel(path: Path, **kwargs) -> pd.DataFrame:
    try:
        return pd.read_excel(path, **kwargs)
    except ValueError as exc:
        raise InputError(f"{path}: {exc}") from None
    except Exception as exc:  # openpyxl raises many types for broken files
        raise InputError(f"{path}: cannot be read as an Excel workbook ({type(exc).__name__}: {exc}).") from None


def _xlsx_top_rows(path: Path, sheet: str | None) -> list[list[str]]:
    top = _read_excel(path, sheet_name=sheet or 0, dtype=object, engine="openpyxl", header=None,
                      nrows=SEARCH_ROWS)
    return [["" if pd.isna(v) else str(v) for v in row] for row in top.itertuples(index=False)]


def _xlsx_header_index(path: Path, sheet: str | None) -> int:
    """The 0-based row of the sheet's header: 0 unless a title stands above it."""
    return header_index(_xlsx_top_rows(path, sheet))


def _xlsx_preamble(path: Path, sheet: str | None, top: int) -> pd.DataFrame:
    """Rejects for the sheet's rows above the header: a title is ``preamble``, an empty row an
    empty row (``malformed_row``), as everywhere."""
    rows = _xlsx_top_rows(path, sheet)[:top]
    titles = [i for i, row in enumerate(rows, start=1) if any(c.strip() for c in row)]
    empties = [i for i in range(1, top + 1) if i not in titles]
    out = pd.concat([make_rejects(path, titles, PREAMBLE, [preamble_detail(top + 1)] * len(titles)),
                     make_rejects(path, empties, "malformed_row", ["empty row"] * len(empties))], ignore_index=True)
    return out.sort_values("source_row", kind="stable").reset_index(drop=True)


def read_jsonl(path: Path, encoding: str | None = None) -> RawTable:
    text, enc = read_text_file(path, encoding)
    stripped = text.lstrip()
    if stripped.startswith("["):  # a JSON array of records
        try:
            records = json.loads(stripped)
        except json.JSONDecodeError as exc:
            raise InputError(f"{path}: not valid JSON ({exc}).") from None
        items = [(i + 1, r) for i, r in enumerate(records)]
        bad: list[tuple[int, str]] = []
    else:
        items, bad = [], []
        for i, line in enumerate(text.splitlines(), start=1):
            if not line.strip():
                continue
            try:
                items.append((i, json.loads(line)))
            except json.JSONDecodeError as exc:
                bad.append((i, f"invalid JSON: {exc.msg}"))
    good = [(i, r) for i, r in items if isinstance(r, dict)]
    bad += [(i, "not a JSON object") for i, r in items if not isinstance(r, dict)]
    frame = pd.DataFrame([r for _, r in good], dtype=object)
    frame = frame.map(lambda v: "" if v is None else v if isinstance(v, str) else json.dumps(v, ensure_ascii=False) if isinstance(v, (dict, list)) else str(v))
    frame["_source_row"] = [i for i, _ in good]
    rejects = make_rejects(path, [i for i, _ in bad], "malformed_row", [d for _, d in bad])
    return RawTable(frame, path, rejects, encoding=enc)


def read_parquet(path: Path) -> RawTable:
    read_bytes(path)
    try:
        frame = pd.read_parquet(path)
    except Exception as exc:
        raise InputError(f"{path}: cannot be read as Parquet ({type(exc).__name__}: {exc}).") from None
    frame = frame.astype(object).where(frame.notna(), "")
    for col in frame.columns:
        frame[col] = frame[col].map(lambda v: v if isinstance(v, str) else str(v))
    frame["_source_row"] = list(range(1, len(frame) + 1))
    return RawTable(frame.reset_index(drop=True), path)


def read_raw(path: str | Path, *, encoding: str | None = None, separator: str | None = None, sheet: str | None = None) -> RawTable:
    """Read any supported export into a :class:`RawTable` (format from the file extension).

    Every problem of the file system (no read permission, a symlink loop, an I/O error) ends in
    an :class:`InputError`, so every command that reads an export, ``run`` included, stops with
    one line and exit 2."""
    path = Path(path)
    try:
        return _read_raw(path, encoding, separator, sheet)
    except OSError as exc:
        raise unreadable(path, exc) from None


def unreadable(path: Path, exc: OSError) -> InputError:
    """The one-line error for a file the operating system will not let us read."""
    if isinstance(exc, PermissionError):
        return InputError(f"{path}: no permission to read the file. Give your user read access "
                          "(e.g. chmod u+r) or copy the export to a folder you can read.")
    return InputError(f"{path}: cannot be read ({exc.strerror or type(exc).__name__}). Check the path and the file.")


def _read_raw(path: Path, encoding: str | None, separator: str | None, sheet: str | None) -> RawTable:
    suffix = path.suffix.lower()
    if not path.exists():
        raise InputError(f"{path}: file not found. Check the path (relative paths are from the current folder).")
    if suffix in (".xlsx", ".xlsm"):
        return read_xlsx(path, sheet)
    if suffix in (".jsonl", ".ndjson", ".json"):
        return read_jsonl(path, encoding)
    if suffix == ".parquet":
        return read_parquet(path)
    if suffix in (".csv", ".tsv", ".txt", ""):
        text, enc = read_text_file(path, encoding)
        raw = read_csv_text(text, path, separator or ("\t" if suffix == ".tsv" else None))
        raw.encoding = enc
        return raw
    if suffix == ".xls":
        raise InputError(f"{path}: old .xls workbooks are not supported. Save it as .xlsx or .csv in Excel.")
    raise InputError(f"{path}: unknown file type '{suffix}'. Supported: {', '.join(SUPPORTED)}.")


def read_table(path: str | Path, **kwargs) -> pd.DataFrame:
    """Read any supported export as a DataFrame of text cells (no row bookkeeping)."""
    return read_raw(path, **kwargs).frame.drop(columns="_source_row")
