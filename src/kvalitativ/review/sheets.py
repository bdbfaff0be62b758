"""Coding sheets for people: export an XLSX (+ CSV twin) to fill in, import it back validated.

Design of the sheet (sheet ``Kodning``), chosen so a coder needs one click per theme:

* ``nr``, ``note_id``, ``tekst`` (the redacted note, wrapped) are frozen on the left
  and locked; ``koder`` and ``dato`` follow; then one column per theme whose cell
  is a dropdown ``ja-styrke`` / ``ja-bekymring`` / ``ja-neutral`` / ``nej``;
  then a free ``kommentar``; last a hidden, locked ``tekst_hash``.
* A row with at least one filled theme cell is *coded*: its empty theme cells
  mean ``nej``. A row with every theme cell empty is *not coded* and is left
  out, so silence never counts as agreement.
* The model's codings are not in the sheet: people code independently.

The instructions (sheet ``Vejledning``, Danish), the themes with their
definitions (``Temaer``) and a hidden ``_kvalitativ`` sheet with the theme ids
travel in the workbook. The CSV twin has the same columns (``;``, UTF-8 with
BOM, formulas neutralised) for coders without Excel.
"""

from __future__ import annotations

import csv
import difflib
import io
import re
import unicodedata
from collections.abc import Iterable, Sequence
from pathlib import Path

import numpy as np
import pandas as pd

from kvalitativ.constants import UNCODED
from kvalitativ.errors import InputError
from kvalitativ.io.atomic import atomic_path, write_bytes_atomic
from kvalitativ.io.dates import parse_date
from kvalitativ.io.readers import read_raw
from kvalitativ.privacy.formulas import FORMULA_STARTS, neutralise_cell

from kvalitativ.review.hashes import excel_number, hash_of_clean, verify
from kvalitativ.review.workbook import CHOICES, FORMAT_VERSION, META_SHEET, SHEET  # noqa: F401 (re-exported)

FIXED_COLUMNS = ["nr", "note_id", "tekst", "koder", "dato"]
TAIL_COLUMNS = ["kommentar", "tekst_hash"]
#: Every spelling import accepts (lower-cased, stripped) → (present, valence).
VALUES: dict[str, tuple[bool, str | None]] = {
    "ja-styrke": (True, "strength"),
    "ja-bekymring": (True, "concern"),
    "ja-neutral": (True, "neutral"),
    "ja": (True, None),
    "nej": (False, None),
    "styrke": (True, "strength"),
    "bekymring": (True, "concern"),
    "neutral": (True, "neutral"),
    "yes": (True, None),
    "no": (False, None),
    "strength": (True, "strength"),
    "concern": (True, "concern"),
    "1": (True, None),
    "0": (False, None),
    "x": (True, None),
}
HUMAN_CODINGS_COLUMNS = ["note_id", "coder", "theme_id", "present", "valence", "coded_at", "source_file", "text_hash"]
_ILLEGAL = re.compile(r"[\x00-\x08\x0b\x0c\x0e-\x1f]")


def clean_text(text: object) -> str:
    """The text exactly as the sheet holds it: NFC, ``\\n`` line ends, no control characters."""
    s = "" if text is None or (isinstance(text, float) and np.isnan(text)) else str(text)
    s = unicodedata.normalize("NFC", s.replace("\r\n", "\n").replace("\r", "\n"))
    return _ILLEGAL.sub(" ", s).strip()


def text_hash(text: object, note_id: object = None) -> str:
    """``h`` + a short SHA-256 of the note id and the cleaned text: detects a note edited in the sheet,
    or a row given another note's id (the letter keeps Excel from making a number of it;
    :mod:`kvalitativ.review.hashes`)."""
    return hash_of_clean(clean_text(text), note_id)


def theme_frame(themes) -> pd.DataFrame:
    """Accept a themes table, a list of ids, or a codebook-like object with ``.themes``."""
    if isinstance(themes, pd.DataFrame):
        df = themes.copy()
    else:
        items = getattr(themes, "themes", themes)
        rows = []
        for t in items:
            if isinstance(t, str):
                rows.append({"theme_id": t})
            elif isinstance(t, dict):
                rows.append({"theme_id": t.get("theme_id", t.get("id")), **{k: t.get(k) for k in ("label", "definition")}})
            else:
                rows.append({"theme_id": getattr(t, "theme_id", getattr(t, "id", None)),
                             "label": getattr(t, "label", None), "definition": getattr(t, "definition", None)})
        df = pd.DataFrame(rows)
    if "theme_id" not in df or df["theme_id"].isna().any():
        raise InputError("themes: every theme needs a theme_id.")
    if "parent_id" in df:  # groups (a parent of other themes) are not coded, their leaves are
        df = df[~df["theme_id"].isin(set(df["parent_id"].dropna()))]
    df = df[df["theme_id"] != UNCODED]
    for col in ("label", "definition"):
        if col not in df:
            df[col] = None
    df["label"] = df["label"].where(df["label"].notna(), df["theme_id"])
    return df.drop_duplicates("theme_id")[["theme_id", "label", "definition"]].reset_index(drop=True)


def review_frame(selection: pd.DataFrame, corpus: pd.DataFrame, theme_ids: Sequence[str]) -> pd.DataFrame:
    """The rows of the coding sheet: selected notes with text and hash, empty coding cells."""
    texts = corpus.assign(note_id=corpus["note_id"].astype(str)).drop_duplicates("note_id").set_index("note_id")["text"]
    sel = selection.assign(note_id=selection["note_id"].astype(str))
    if "order" in sel:
        sel = sel.sort_values("order", kind="mergesort")
    missing = sel.loc[~sel["note_id"].isin(texts.index), "note_id"]
    if len(missing):
        raise InputError(f"{len(missing)} selected notes are not in the corpus (first: {missing.iloc[0]}).")
    out = pd.DataFrame({"nr": np.arange(1, len(sel) + 1), "note_id": sel["note_id"].to_numpy()})
    out["tekst"] = [clean_text(texts[n]) for n in out["note_id"]]
    for col in ["koder", "dato", *theme_ids, "kommentar"]:
        out[col] = ""
    out["tekst_hash"] = [text_hash(t, n) for t, n in zip(out["tekst"], out["note_id"])]
    return out




def export_review(
    selection: pd.DataFrame,
    corpus: pd.DataFrame,
    themes,
    out_path: str | Path,
    csv_path: str | Path | None = None,
) -> tuple[Path, Path]:
    """Write the coding workbook (XLSX) and its CSV twin; return both paths.

    ``selection`` comes from :func:`kvalitativ.review.sample.select_for_review`,
    ``corpus`` has note_id and the redacted ``text``; ``themes`` is a themes table
    (theme_id, label, definition), a codebook or a list of theme ids. The CSV
    twin goes next to the workbook with the suffix ``.csv`` unless ``csv_path``
    is given.
    """
    from kvalitativ.review.workbook import build_workbook

    out_path = Path(out_path)
    if out_path.suffix.lower() != ".xlsx":
        raise InputError(f"{out_path}: the review sheet must be an .xlsx file.")
    csv_path = Path(csv_path) if csv_path else out_path.with_suffix(".csv")
    tf = theme_frame(themes)
    theme_ids = tf["theme_id"].tolist()
    clash = set(theme_ids) & set(FIXED_COLUMNS + TAIL_COLUMNS)
    if clash:
        raise InputError(f"theme id(s) {sorted(clash)} clash with the sheet's own columns; rename the theme(s).")
    frame = review_frame(selection, corpus, theme_ids)
    columns = list(frame.columns)

    wb = build_workbook(frame, tf, theme_ids)
    with atomic_path(out_path) as tmp:
        wb.save(tmp)
    buf = io.StringIO()
    writer = csv.writer(buf, delimiter=";", lineterminator="\r\n")
    writer.writerow(columns)
    for rec in frame.itertuples(index=False):
        writer.writerow([neutralise_cell(v if isinstance(v, str) else str(v)) for v in rec])
    write_bytes_atomic(csv_path, ("\ufeff" + buf.getvalue()).encode("utf-8"))
    return out_path, csv_path


# --------------------------------------------------------------------------- import


def _sheet_themes(path: Path) -> list[str] | None:
    """Theme ids recorded in the workbook's hidden metadata sheet (None for CSV / foreign sheets)."""
    if path.suffix.lower() not in (".xlsx", ".xlsm"):
        return None
    from openpyxl import load_workbook

    try:
        wb = load_workbook(path, read_only=True)
    except Exception as exc:  # openpyxl raises many types for broken files
        raise InputError(f"{path}: cannot be read as an Excel workbook ({type(exc).__name__}: {exc}).") from None
    try:
        if META_SHEET not in wb.sheetnames:
            return None
        meta = {str(r[0]): r[1] for r in wb[META_SHEET].iter_rows(values_only=True) if r and r[0]}
        return [t for t in str(meta.get("themes") or "").split(",") if t]
    finally:
        wb.close()


def _read_sheet(path: Path) -> pd.DataFrame:
    if path.suffix.lower() in (".xlsx", ".xlsm"):
        from openpyxl import load_workbook

        try:
            names = load_workbook(path, read_only=True).sheetnames
        except Exception as exc:
            raise InputError(f"{path}: cannot be read as an Excel workbook ({type(exc).__name__}: {exc}).") from None
        sheet = SHEET if SHEET in names else None
        raw = read_raw(path, sheet=sheet)
    else:
        raw = read_raw(path)
    return raw.frame


def _unquote(text: str) -> str:
    """Undo the CSV twin's formula neutralising so the hash matches the original."""
    if text.startswith("'") and text[1:].startswith(FORMULA_STARTS):
        return text[1:]
    return text


def _cell(value: object) -> str:
    if value is None or (isinstance(value, float) and np.isnan(value)):
        return ""
    if isinstance(value, float) and value.is_integer():
        return str(int(value))
    return str(value).strip()


def _theme_columns(path: Path, frame: pd.DataFrame, themes: Sequence[str] | None,
                   sibling: Sequence[str] | None = None) -> list[str]:
    """The sheet's theme columns, checked: the fixed columns present, every theme column a
    theme (of ``themes``, else of the workbook's own record, else of the record of another
    workbook imported with it: ``sibling``), none deleted. No list to check against is an error."""
    name, cols = path.name, list(frame.columns)
    for req in ("note_id", "tekst", "koder", "tekst_hash"):
        if req not in cols:
            raise InputError(
                f"{name}: column '{req}' is missing. Use a sheet made by `kvalitativ review export` "
                "and do not rename its headers."
            )
    known = _sheet_themes(path)
    sheet_themes = [c for c in cols if c not in FIXED_COLUMNS + TAIL_COLUMNS and c != "_source_row"]
    allowed = next((set(t) for t in (themes, known, sibling) if t is not None), None)
    if allowed is None:
        raise InputError(
            f"{name}: the sheet does not record its themes (a CSV sheet, or a workbook saved without its hidden "
            f"'{META_SHEET}' sheet), so a misspelt theme column would become a theme. Give the themes to check "
            "the columns against: --codings OUT (the folder of `kvalitativ code`) or --codebook NAME."
        )
    for col in sheet_themes:
        if col not in allowed:
            close = difflib.get_close_matches(col, sorted(allowed), n=1)
            hint = f" Did you mean '{close[0]}'?" if close else " Delete the column or add the theme to the codebook."
            raise InputError(f"{name}: column '{col}' is not a theme of the codebook.{hint}")
    if known is not None:
        lost = [t for t in known if t not in sheet_themes]
        if lost:
            raise InputError(f"{name}: theme column '{lost[0]}' was deleted from the sheet; restore it (leave it empty if unused).")
    if not sheet_themes:
        raise InputError(f"{name}: the sheet has no theme columns.")
    return sheet_themes


def _checked_hash(where: str, note_id: str, text: str, stored: str) -> str:
    """The text's hash once the sheet's hidden ``tekst_hash`` vouches for it (old sheets' hashes,
    and those Excel turned into numbers, included); else the error that says which happened."""
    verified = verify(clean_text(text), stored, note_id)
    if verified is not None:
        return verified
    if excel_number(stored):
        raise InputError(
            f"{where}, column 'tekst_hash': Excel changed the hidden check value of note {note_id} into the "
            f"number '{stored}', so the text can no longer be checked (this says nothing about the text itself). "
            "Import the .xlsx sheet instead of a CSV re-saved by Excel, or copy the tekst_hash column back from "
            "the exported CSV twin as text. Sheets exported now have check values Excel leaves alone."
        )
    raise InputError(
        f"{where}, column 'tekst': the text of note {note_id} was changed after export, or the row's note_id "
        "was (hash mismatch). Restore the original text and note_id, or export a new sheet."
    )


def _row_codes(path: Path, rec: dict, sheet_themes: list[str], seen: dict, hashes: dict,
               known: tuple[set, str] | None = None) -> list[dict]:
    """The ``human_codings`` rows of one sheet row (none when it is not coded), validated: a known
    note (``known``: the note ids and where they are from), unchanged text, a coder, a date, known
    values, no note coded twice by one coder."""
    name = path.name
    where = f"{name}, row {rec.get('_source_row', '?')}"
    note_id = _cell(rec["note_id"])
    if not note_id:
        raise InputError(f"{where}: column 'note_id' is empty; do not delete note ids.")
    if known is not None and note_id not in known[0]:
        raise InputError(f"{where}: note {note_id} is not in {known[1]}. Do not edit note ids; use the sheet "
                         "exported from these notes (and its selection file).")
    text = _unquote(_cell(rec["tekst"])) if path.suffix.lower() not in (".xlsx", ".xlsm") else _cell(rec["tekst"])
    expected = _checked_hash(where, note_id, text, _cell(rec["tekst_hash"]))
    if note_id in hashes and hashes[note_id][0] != expected:
        raise InputError(f"{where}: note {note_id} has a different text than in {hashes[note_id][1]}.")
    hashes[note_id] = (expected, where)
    cells = {t: _cell(rec[t]).lower() for t in sheet_themes}
    if not any(cells.values()):
        return []  # not coded: left out, never counted as "nej"
    coder = _cell(rec["koder"])
    if not coder:
        raise InputError(f"{where}, column 'koder': the coder name is missing. Write the coder's name in every coded row.")
    if (coder, note_id) in seen:
        raise InputError(f"{where}: coder '{coder}' coded note {note_id} twice (also in {seen[(coder, note_id)]}). Keep one.")
    seen[(coder, note_id)] = where
    coded_at = None
    raw_date = rec.get("dato")
    if _cell(raw_date):
        coded_at = parse_date(raw_date)
        if coded_at is None:
            raise InputError(f"{where}, column 'dato': '{_cell(raw_date)}' is not a date; write it as 03-04-2025.")
    rows = []
    for theme, value in cells.items():
        if value and value not in VALUES:
            raise InputError(
                f"{where}, column '{theme}': '{value}' is not a valid value; use one of {', '.join(CHOICES)} or leave empty."
            )
        present, valence = VALUES[value] if value else (False, None)
        rows.append({"note_id": note_id, "coder": coder, "theme_id": theme, "present": present, "valence": valence,
                     "coded_at": coded_at, "source_file": name, "text_hash": expected})
    return rows


def import_reviews(paths: Iterable[str | Path], themes: Sequence[str] | None = None, run_id: str | None = None,
                   note_ids: Iterable[str] | None = None, notes_from: str = "the corpus") -> pd.DataFrame:
    """Read filled-in coding sheets (XLSX or CSV) into the ``human_codings`` table.

    One row per coder × coded note × theme: note_id, coder, theme_id, present
    (bool), valence (strength/concern/neutral, or None when absent or not
    given), coded_at, source_file, text_hash (of the text the coder saw). ``themes`` are the theme ids the
    columns must belong to; a workbook from ``review export`` carries its own, and a sheet that does
    not (a CSV, a workbook re-saved without the hidden sheet) needs them. ``note_ids`` (optional) are
    the notes a row may hold (``notes_from`` says where they come from, for the message).

    Raises :class:`~kvalitativ.errors.InputError` naming file, row and column for:
    a theme column that is not a theme, an unknown note id, a changed note text (hash mismatch),
    a coded row without a coder name, an unknown cell value, and the same coder coding one note
    twice. Row order does not matter: rows are matched by note id, so a sorted sheet imports the same.
    """
    paths = [Path(p) for p in paths]
    if not paths:
        raise InputError("no review files given: pass one or more filled-in .xlsx or .csv sheets.")
    records: list[dict] = []
    seen: dict[tuple[str, str], str] = {}
    hashes: dict[str, tuple[str, str]] = {}
    known = None if note_ids is None else ({str(n) for n in note_ids}, notes_from)
    sibling = None if themes is not None else next((t for t in map(_sheet_themes, paths) if t is not None), None)
    for path in paths:
        frame = _read_sheet(path)
        sheet_themes = _theme_columns(path, frame, themes, sibling)
        for rec in frame.to_dict("records"):
            records += _row_codes(path, rec, sheet_themes, seen, hashes, known)
    out = pd.DataFrame.from_records(records, columns=HUMAN_CODINGS_COLUMNS)
    out["present"] = out["present"].astype(bool)
    out["coded_at"] = pd.to_datetime(out["coded_at"])
    out["valence"] = out["valence"].astype(object)
    if run_id is not None:
        out.insert(0, "run_id", run_id)
    return out

