"""The coding workbook people fill in: a guide, the coding sheet, the themes, hidden metadata.

Built with openpyxl from the frame :func:`kvalitativ.review.sheets.review_frame` gives (one row
per note, one column per theme); :func:`kvalitativ.review.sheets.export_review` saves it with its
CSV twin and documents the sheet's design. Every cell holding text is stored as text, so a note
that begins with ``=`` never becomes a formula.
"""

from __future__ import annotations

from datetime import datetime

import numpy as np
import pandas as pd

__all__ = ["build_workbook", "SHEET", "META_SHEET", "FORMAT_VERSION", "CHOICES", "INSTRUCTIONS"]

SHEET = "Kodning"
META_SHEET = "_kvalitativ"
FORMAT_VERSION = "1"
#: Dropdown choices, in the order the coder sees them.
CHOICES = ["ja-styrke", "ja-bekymring", "ja-neutral", "nej"]
#: Fill colour of a theme cell per choice (conditional formatting).
COLOURS = (("ja-styrke", "C6EFCE"), ("ja-bekymring", "FFC7CE"), ("ja-neutral", "FFEB9C"), ("nej", "EDEDED"))
WIDTHS = {"nr": 5, "note_id": 14, "tekst": 70, "koder": 12, "dato": 12, "kommentar": 30, "tekst_hash": 18}

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
                    "Ændrede tekster opdages, når arket læses ind igen. Du må gerne sortere og filtrere rækkerne."),
    ("5. Kommentar", "Kolonnen 'kommentar' er fri til dine bemærkninger (fx tvivl om et tema)."),
    ("6. Aflevering", "Gem som .xlsx (eller .csv), gerne med dine initialer i filnavnet, og aflever filen. "
                      "Indlæses med: kvalitativ review import FILER... --out MAPPE"),
    ("Fortrolighed", "Teksterne er pseudonymiserede, men kan stadig være følsomme. Del ikke filen uden for projektet."),
]


def build_workbook(frame: pd.DataFrame, tf: pd.DataFrame, theme_ids: list[str]):
    """The workbook for ``frame`` (columns nr, note_id, tekst, koder, dato, themes…, kommentar,
    tekst_hash) with the themes table ``tf`` (theme_id, label, definition)."""
    from openpyxl import Workbook

    wb = Workbook()
    guide = _guide(wb)
    _coding_sheet(wb, frame, tf, theme_ids)
    _themes_sheet(wb, tf)
    _meta_sheet(wb, theme_ids, len(frame))
    wb.active = wb.index(guide)
    return wb


def _guide(wb):
    from openpyxl.styles import Alignment, Font

    guide = wb.active
    guide.title = "Vejledning"
    for r, (head, body) in enumerate(INSTRUCTIONS, start=1):
        guide.cell(r, 1, head).font = Font(bold=True, size=14 if r == 1 else 11)
        if body:
            c = guide.cell(r, 2, body)
            c.alignment = Alignment(wrap_text=True, vertical="top")
    guide.column_dimensions["A"].width = 18
    guide.column_dimensions["B"].width = 100
    return guide


def _coding_sheet(wb, frame: pd.DataFrame, tf: pd.DataFrame, theme_ids: list[str]) -> None:
    """Header with each theme's definition as a comment, locked; the sheet protected without a
    password (against slips, not intent), with sorting and filtering allowed.

    Excel sorts a protected sheet only where no cell of the range is locked, so the data rows are
    not locked: the hidden hash still catches an edited text, and import matches rows by note id,
    so a sorted or filtered sheet imports the same. The header row stays locked (renamed theme
    columns are what import cannot guess back)."""
    from openpyxl.comments import Comment
    from openpyxl.styles import Alignment, Font, PatternFill, Protection
    from openpyxl.utils import get_column_letter

    ws = wb.create_sheet(SHEET)
    columns = list(frame.columns)
    head_font, head_fill = Font(bold=True), PatternFill("solid", fgColor="DDE5F0")
    for j, col in enumerate(columns, start=1):
        c = ws.cell(1, j, col)
        c.font, c.fill = head_font, head_fill
        c.alignment = Alignment(wrap_text=True, vertical="center", horizontal="center")
        c.protection = Protection(locked=True)
        if col in theme_ids:
            row = tf.loc[tf["theme_id"] == col].iloc[0]
            note = str(row["label"]) + (f": {row['definition']}" if isinstance(row["definition"], str) else "")
            c.comment = Comment(note[:1000], "kvalitativ")
    for i, rec in enumerate(frame.itertuples(index=False), start=2):
        for j, (col, value) in enumerate(zip(columns, rec), start=1):
            c = ws.cell(i, j)
            c.value = value if value != "" else None
            if isinstance(c.value, str):
                c.data_type = "s"  # a note starting with '=' stays text, never a formula
            c.protection = Protection(locked=False)
            if col == "tekst":
                c.alignment = Alignment(wrap_text=True, vertical="top")
            else:
                c.alignment = Alignment(vertical="top", wrap_text=col == "kommentar")
    for j, col in enumerate(columns, start=1):
        ws.column_dimensions[get_column_letter(j)].width = WIDTHS.get(col, max(14, min(len(col) + 2, 24)))
    ws.column_dimensions[get_column_letter(columns.index("tekst_hash") + 1)].hidden = True
    ws.freeze_panes = ws.cell(2, columns.index("tekst") + 2)  # header row and nr/note_id/tekst stay put
    if len(frame):
        _validations(ws, columns, theme_ids, len(frame) + 1)
    ws.protection.sheet = True  # no password: it guards against slips, not against intent
    ws.protection.formatColumns = False
    ws.protection.formatRows = False
    ws.protection.formatCells = False
    ws.protection.sort = False  # False = allowed: coders sort and filter the rows
    ws.protection.autoFilter = False
    ws.auto_filter.ref = f"A1:{get_column_letter(len(columns))}{max(len(frame), 1) + 1}"


def _validations(ws, columns: list[str], theme_ids: list[str], n_rows: int) -> None:
    """Dropdowns (and their colours) in the theme cells, a date check in ``dato``."""
    from openpyxl.formatting.rule import FormulaRule
    from openpyxl.styles import PatternFill
    from openpyxl.utils import get_column_letter
    from openpyxl.worksheet.datavalidation import DataValidation

    if theme_ids:
        first = get_column_letter(columns.index(theme_ids[0]) + 1)
        last = get_column_letter(columns.index(theme_ids[-1]) + 1)
        dv = DataValidation(type="list", formula1='"' + ",".join(CHOICES) + '"', allow_blank=True)
        dv.error, dv.errorTitle = "Vælg en værdi fra listen: " + ", ".join(CHOICES), "Ugyldig værdi"
        dv.prompt, dv.promptTitle = "ja-styrke / ja-bekymring / ja-neutral / nej", "Tema"
        dv.showErrorMessage = dv.showInputMessage = True
        dv.add(f"{first}2:{last}{n_rows}")
        ws.add_data_validation(dv)
        rng = f"{first}2:{last}{n_rows}"
        for value, colour in COLOURS:
            ws.conditional_formatting.add(
                rng, FormulaRule(formula=[f'{first}2="{value}"'], fill=PatternFill("solid", bgColor=colour)))
    dcol = get_column_letter(columns.index("dato") + 1)
    dd = DataValidation(type="date", operator="greaterThan", formula1="36526", allow_blank=True)
    dd.error, dd.errorTitle = "Skriv en dato, fx 03-04-2025.", "Ugyldig dato"
    dd.add(f"{dcol}2:{dcol}{n_rows}")
    ws.add_data_validation(dd)
    for r in range(2, n_rows + 1):
        ws.cell(r, columns.index("dato") + 1).number_format = "DD-MM-YYYY"


def _themes_sheet(wb, tf: pd.DataFrame) -> None:
    from openpyxl.styles import Alignment, Font

    tw = wb.create_sheet("Temaer")
    for j, h in enumerate(["theme_id", "label", "definition"], start=1):
        tw.cell(1, j, h).font = Font(bold=True)
    for i, row in enumerate(tf.itertuples(index=False), start=2):
        for j, v in enumerate(row, start=1):
            value = None if v is None or (isinstance(v, float) and np.isnan(v)) else str(v)
            tw.cell(i, j, value).alignment = Alignment(wrap_text=True, vertical="top")
    tw.column_dimensions["A"].width, tw.column_dimensions["B"].width, tw.column_dimensions["C"].width = 24, 30, 90


def _meta_sheet(wb, theme_ids: list[str], n_notes: int) -> None:
    """Hidden: the format version and the theme ids, so import can check the columns."""
    meta = wb.create_sheet(META_SHEET)
    for i, (k, v) in enumerate(
        [("format_version", FORMAT_VERSION), ("themes", ",".join(theme_ids)), ("n_notes", str(n_notes)),
         ("created", datetime.now().strftime("%Y-%m-%d"))],
        start=1,
    ):
        meta.cell(i, 1, k)
        meta.cell(i, 2, v).data_type = "s"
    meta.sheet_state = "hidden"
