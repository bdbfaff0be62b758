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
import hashlib
import io
import re
import unicodedata
from collections.abc import Iterable, Sequence
from datetime import datetime
from pathlib import Path

import numpy as np
import pandas as pd

from kvalitativ.constants import UNCODED
from kvalitativ.errors import InputError
from kvalitativ.io.atomic import atomic_path, write_bytes_atomic
from kvalitativ.io.dates import parse_date
from kvalitativ.io.readers import read_raw
from kvalitativ.privacy.formulas import FORMULA_STARTS, neutralise_cell

SHEET = "Kodning"
META_SHEET = "_kvalitativ"
FORMAT_VERSION = "1"
FIXED_COLUMNS = ["nr", "note_id", "tekst", "koder", "dato"]
TAIL_COLUMNS = ["kommentar", "tekst_hash"]
#: Dropdown choices, in the order the coder sees them.
CHOICES = ["ja-styrke", "ja-bekymring", "ja-neutral", "nej"]
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


def text_hash(text: object) -> str:
    """Short SHA-256 of the cleaned text: detects a note edited in the sheet."""
    return hashlib.sha256(clean_text(text).encode("utf-8")).hexdigest()[:16]


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
    out["tekst_hash"] = [text_hash(t) for t in out["tekst"]]
    return out


INSTRUCTIONS = [
    ("Kodning af noter — vejledning", None),
    ("", None),
    ("Formål", "Du koder noterne uafhængigt af andre kodere. Modellens kodning vises ikke, så din vurdering ikke påvirkes. "
               "Sammenlign ikke med andre, før alle har afleveret."),
    ("1. Dit navn", "Skriv dit navn eller dine initialer i kolonnen 'koder' i hver række, du koder (kopiér ned). "
                    "Brug samme navn i alle rækker og filer."),
    ("2. Dato", "Skriv datoen for kodningen i kolonnen 'dato' (fx 03-04-2025). Kan udelades."),
    ("3. Temaer", "Vælg for hvert tema i rullelisten: "
                  "'ja-styrke' = temaet er nævnt som en styrke/ressource; "
                  "'ja-bekymring' = nævnt som en bekymring/udfordring; "
                  "'ja-neutral' = nævnt uden at være positivt eller negativt; "
                  "'nej' = temaet er ikke i noten. Temaernes definitioner står i arket 'Temaer'."),
    ("Tomme celler", "I en række, hvor du har udfyldt mindst ét tema, tæller tomme temaceller som 'nej'. "
                     "En række uden nogen udfyldt temacelle tæller som ikke kodet og indgår ikke i beregningerne. "
                     "Passer intet tema, så vælg 'nej' i mindst én temacelle."),
    ("4. Rør ikke", "Ret ikke i tekst, note_id eller kolonneoverskrifter, og tilføj ikke kolonner. "
                    "Ændrede tekster opdages, når arket læses ind igen."),
    ("5. Kommentar", "Kolonnen 'kommentar' er fri til dine bemærkninger (fx tvivl om et tema)."),
    ("6. Aflevering", "Gem som .xlsx (eller .csv), gerne med dine initialer i filnavnet, og aflever filen. "
                      "Indlæses med: kvalitativ review import FILER... --out MAPPE"),
    ("Fortrolighed", "Teksterne er pseudonymiserede, men kan stadig være følsomme. Del ikke filen uden for projektet."),
]


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
    from openpyxl import Workbook
    from openpyxl.comments import Comment
    from openpyxl.formatting.rule import FormulaRule
    from openpyxl.styles import Alignment, Font, PatternFill, Protection
    from openpyxl.utils import get_column_letter
    from openpyxl.worksheet.datavalidation import DataValidation

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

    wb = Workbook()
    guide = wb.active
    guide.title = "Vejledning"
    for r, (head, body) in enumerate(INSTRUCTIONS, start=1):
        guide.cell(r, 1, head).font = Font(bold=True, size=14 if r == 1 else 11)
        if body:
            c = guide.cell(r, 2, body)
            c.alignment = Alignment(wrap_text=True, vertical="top")
    guide.column_dimensions["A"].width = 18
    guide.column_dimensions["B"].width = 100

    ws = wb.create_sheet(SHEET)
    head_font = Font(bold=True)
    head_fill = PatternFill("solid", fgColor="DDE5F0")
    for j, col in enumerate(columns, start=1):
        c = ws.cell(1, j, col)
        c.font, c.fill = head_font, head_fill
        c.alignment = Alignment(wrap_text=True, vertical="center", horizontal="center")
        c.protection = Protection(locked=True)
        if col in theme_ids:
            row = tf.loc[tf["theme_id"] == col].iloc[0]
            note = str(row["label"]) + (f": {row['definition']}" if isinstance(row["definition"], str) else "")
            c.comment = Comment(note[:1000], "kvalitativ")
    editable = {"koder", "dato", "kommentar", *theme_ids}
    for i, rec in enumerate(frame.itertuples(index=False), start=2):
        for j, (col, value) in enumerate(zip(columns, rec), start=1):
            c = ws.cell(i, j)
            c.value = value if value != "" else None
            if isinstance(c.value, str):
                c.data_type = "s"  # a note starting with '=' stays text, never a formula
            c.protection = Protection(locked=col not in editable)
            if col == "tekst":
                c.alignment = Alignment(wrap_text=True, vertical="top")
            else:
                c.alignment = Alignment(vertical="top", wrap_text=col == "kommentar")
    n_rows = len(frame) + 1
    widths = {"nr": 5, "note_id": 14, "tekst": 70, "koder": 12, "dato": 12, "kommentar": 30, "tekst_hash": 18}
    for j, col in enumerate(columns, start=1):
        ws.column_dimensions[get_column_letter(j)].width = widths.get(col, max(14, min(len(col) + 2, 24)))
    ws.column_dimensions[get_column_letter(columns.index("tekst_hash") + 1)].hidden = True
    ws.freeze_panes = ws.cell(2, columns.index("tekst") + 2)  # header row and nr/note_id/tekst stay put
    if n_rows > 1:
        first = get_column_letter(columns.index(theme_ids[0]) + 1) if theme_ids else None
        last = get_column_letter(columns.index(theme_ids[-1]) + 1) if theme_ids else None
        if theme_ids:
            dv = DataValidation(type="list", formula1='"' + ",".join(CHOICES) + '"', allow_blank=True)
            dv.error, dv.errorTitle = "Vælg en værdi fra listen: " + ", ".join(CHOICES), "Ugyldig værdi"
            dv.prompt, dv.promptTitle = "ja-styrke / ja-bekymring / ja-neutral / nej", "Tema"
            dv.showErrorMessage = dv.showInputMessage = True
            dv.add(f"{first}2:{last}{n_rows}")
            ws.add_data_validation(dv)
            rng = f"{first}2:{last}{n_rows}"
            for value, colour in (("ja-styrke", "C6EFCE"), ("ja-bekymring", "FFC7CE"), ("ja-neutral", "FFEB9C"), ("nej", "EDEDED")):
                ws.conditional_formatting.add(
                    rng, FormulaRule(formula=[f'{first}2="{value}"'], fill=PatternFill("solid", bgColor=colour))
                )
        dcol = get_column_letter(columns.index("dato") + 1)
        dd = DataValidation(type="date", operator="greaterThan", formula1="36526", allow_blank=True)
        dd.error, dd.errorTitle = "Skriv en dato, fx 03-04-2025.", "Ugyldig dato"
        dd.add(f"{dcol}2:{dcol}{n_rows}")
        ws.add_data_validation(dd)
        for r in range(2, n_rows + 1):
            ws.cell(r, columns.index("dato") + 1).number_format = "DD-MM-YYYY"
    ws.protection.sheet = True  # no password: it guards against slips, not against intent
    ws.protection.formatColumns = False
    ws.protection.formatRows = False
    ws.protection.formatCells = False

    tw = wb.create_sheet("Temaer")
    for j, h in enumerate(["theme_id", "label", "definition"], start=1):
        tw.cell(1, j, h).font = head_font
    for i, row in enumerate(tf.itertuples(index=False), start=2):
        for j, v in enumerate(row, start=1):
            tw.cell(i, j, None if v is None or (isinstance(v, float) and np.isnan(v)) else str(v)).alignment = Alignment(wrap_text=True, vertical="top")
    tw.column_dimensions["A"].width, tw.column_dimensions["B"].width, tw.column_dimensions["C"].width = 24, 30, 90

    meta = wb.create_sheet(META_SHEET)
    for i, (k, v) in enumerate(
        [("format_version", FORMAT_VERSION), ("themes", ",".join(theme_ids)), ("n_notes", str(len(frame))),
         ("created", datetime.now().strftime("%Y-%m-%d"))],
        start=1,
    ):
        meta.cell(i, 1, k)
        meta.cell(i, 2, v).data_type = "s"
    meta.sheet_state = "hidden"
    wb.active = wb.index(guide)

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


def import_reviews(paths: Iterable[str | Path], themes: Sequence[str] | None = None, run_id: str | None = None) -> pd.DataFrame:
    """Read filled-in coding sheets (XLSX or CSV) into the ``human_codings`` table.

    One row per coder × coded note × theme: note_id, coder, theme_id, present
    (bool), valence (strength/concern/neutral, or None when absent or not
    given), coded_at, source_file, text_hash (of the text the coder saw). ``themes`` (optional) are the theme ids the
    columns must belong to; a workbook from ``review export`` carries its own.

    Raises :class:`~kvalitativ.errors.InputError` naming file, row and column for:
    a theme column that is not a theme, a changed note text (hash mismatch), a
    coded row without a coder name, an unknown cell value, and the same coder
    coding one note twice.
    """
    paths = [Path(p) for p in paths]
    if not paths:
        raise InputError("no review files given: pass one or more filled-in .xlsx or .csv sheets.")
    records: list[dict] = []
    seen: dict[tuple[str, str], str] = {}
    hashes: dict[str, tuple[str, str]] = {}
    for path in paths:
        frame = _read_sheet(path)
        name = path.name
        cols = list(frame.columns)
        for req in ("note_id", "tekst", "koder", "tekst_hash"):
            if req not in cols:
                raise InputError(
                    f"{name}: column '{req}' is missing. Use a sheet made by `kvalitativ review export` "
                    "and do not rename its headers."
                )
        known = _sheet_themes(path)
        sheet_themes = [c for c in cols if c not in FIXED_COLUMNS + TAIL_COLUMNS and c != "_source_row"]
        allowed = set(themes) if themes is not None else (set(known) if known is not None else None)
        if allowed is not None:
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
        for rec in frame.to_dict("records"):
            row = rec.get("_source_row", "?")
            where = f"{name}, row {row}"
            note_id = _cell(rec["note_id"])
            if not note_id:
                raise InputError(f"{where}: column 'note_id' is empty; do not delete note ids.")
            text = _unquote(_cell(rec["tekst"])) if path.suffix.lower() not in (".xlsx", ".xlsm") else _cell(rec["tekst"])
            expected = _cell(rec["tekst_hash"])
            if text_hash(text) != expected:
                raise InputError(
                    f"{where}, column 'tekst': the text of note {note_id} was changed after export "
                    "(hash mismatch). Restore the original text, or export a new sheet."
                )
            if note_id in hashes and hashes[note_id][0] != expected:
                raise InputError(f"{where}: note {note_id} has a different text than in {hashes[note_id][1]}.")
            hashes[note_id] = (expected, where)
            cells = {t: _cell(rec[t]).lower() for t in sheet_themes}
            if not any(cells.values()):
                continue  # not coded: left out, never counted as "nej"
            coder = _cell(rec["koder"])
            if not coder:
                raise InputError(f"{where}, column 'koder': the coder name is missing. Write the coder's name in every coded row.")
            key = (coder, note_id)
            if key in seen:
                raise InputError(f"{where}: coder '{coder}' coded note {note_id} twice (also in {seen[key]}). Keep one.")
            seen[key] = where
            coded_at = None
            raw_date = rec.get("dato")
            if _cell(raw_date):
                coded_at = parse_date(raw_date)
                if coded_at is None:
                    raise InputError(f"{where}, column 'dato': '{_cell(raw_date)}' is not a date; write it as 03-04-2025.")
            for theme, value in cells.items():
                if value and value not in VALUES:
                    raise InputError(
                        f"{where}, column '{theme}': '{value}' is not a valid value; use one of {', '.join(CHOICES)} or leave empty."
                    )
                present, valence = VALUES[value] if value else (False, None)
                records.append(
                    {"note_id": note_id, "coder": coder, "theme_id": theme, "present": present,
                     "valence": valence, "coded_at": coded_at, "source_file": name,
                     "text_hash": expected}
                )
    out = pd.DataFrame.from_records(records, columns=HUMAN_CODINGS_COLUMNS)
    out["present"] = out["present"].astype(bool)
    out["coded_at"] = pd.to_datetime(out["coded_at"])
    out["valence"] = out["valence"].astype(object)
    if run_id is not None:
        out.insert(0, "run_id", run_id)
    return out

