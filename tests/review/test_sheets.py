"""Coding sheets: what the workbook holds, and every import validation error."""

from __future__ import annotations

from pathlib import Path

import pandas as pd
import pytest
from openpyxl import load_workbook

from kvalitativ.errors import InputError
from kvalitativ.review.sample import select_for_review
from kvalitativ.review.sheets import CHOICES, export_review, import_reviews, text_hash

from .conftest import THEMES


def fill(xlsx: Path, out: Path, coder: str | None, values: dict[int, dict[str, str]], date="03-04-2025") -> Path:
    """Fill a sheet as a coder would: name, date and dropdown values in the given data rows (0-based)."""
    wb = load_workbook(xlsx)
    ws = wb["Kodning"]
    header = [c.value for c in ws[1]]
    for i, cells in values.items():
        r = i + 2
        if coder is not None:
            ws.cell(r, header.index("koder") + 1, coder)
        ws.cell(r, header.index("dato") + 1, date)
        for theme, v in cells.items():
            ws.cell(r, header.index(theme) + 1, v)
    wb.save(out)
    return out


@pytest.fixture
def sheet(small, tmp_path):
    corpus, codings, _ = small
    corpus = corpus.copy()
    corpus.loc[0, "text"] = "=HYPERLINK(\"x\") Eleven trives.\nNy linje æøå"  # must stay text
    sel = select_for_review(codings, corpus, n=10, random_state=0)
    sel = pd.concat([pd.DataFrame({"note_id": ["N000"], "order": [0]}), sel[sel.note_id != "N000"]]).head(10)
    xlsx, csv = export_review(sel, corpus, THEMES, tmp_path / "review.xlsx")
    return xlsx, csv, corpus


def test_workbook_layout(sheet):
    xlsx, csv, corpus = sheet
    wb = load_workbook(xlsx)
    assert wb.sheetnames[:3] == ["Vejledning", "Kodning", "Temaer"]
    assert "Formål" in [c.value for c in wb["Vejledning"]["A"]]
    ws = wb["Kodning"]
    header = [c.value for c in ws[1]]
    assert header[:5] == ["nr", "note_id", "tekst", "koder", "dato"] and header[-1] == "tekst_hash"
    assert header[5:9] == THEMES
    assert ws.freeze_panes == "D2"
    hash_col = ws.cell(1, len(header)).column_letter
    assert ws.column_dimensions[hash_col].hidden
    assert ws.protection.sheet and ws.cell(1, 3).protection.locked  # the headers are locked
    # coders sort and filter: allowed by the protection, and no data cell locked (Excel sorts no range
    # that holds one); the hidden hash still catches an edited text
    assert ws.protection.sort is False and ws.protection.autoFilter is False
    assert ws.auto_filter.ref == f"A1:{hash_col}{ws.max_row}"
    assert not any(ws.cell(r, c).protection.locked for r in range(2, ws.max_row + 1) for c in range(1, len(header) + 1))
    dv = ws.data_validations.dataValidation
    assert any(",".join(CHOICES) in (d.formula1 or "") for d in dv)
    assert ws.cell(2, 3).data_type == "s" and ws.cell(2, 3).value.startswith("=HYPERLINK")
    assert ws.cell(2, 3).alignment.wrap_text
    # no model output in the sheet: theme cells start empty, no score column
    assert all(ws.cell(r, 6).value is None for r in range(2, ws.max_row + 1))
    assert not any("score" in str(h) for h in header)
    assert ws.cell(2, len(header)).value == text_hash(corpus.loc[0, "text"], ws.cell(2, 2).value)
    twin = pd.read_csv(csv, sep=";", encoding="utf-8-sig", dtype=str)
    assert list(twin.columns) == header and twin.loc[0, "tekst"].startswith("'=HYPERLINK")


def test_round_trip_two_coders_xlsx_and_csv(sheet, tmp_path):
    xlsx, csv, _ = sheet
    anna = fill(xlsx, tmp_path / "anna.xlsx", "anna", {0: {"trivsel": "ja-styrke"}, 1: {"motivation": "ja-bekymring"}, 2: {"respekt": "nej"}})
    twin = pd.read_csv(csv, sep=";", encoding="utf-8-sig", dtype=str, keep_default_na=False)
    twin.loc[0, ["koder", "trivsel"]] = ["bo", "ja-neutral"]
    twin.loc[1, ["koder", "motivation", "trivsel"]] = ["bo", "ja", "JA-BEKYMRING "]
    bo = tmp_path / "bo.csv"
    twin.to_csv(bo, sep=";", index=False, encoding="utf-8-sig")
    human = import_reviews([anna, bo])
    assert set(human.columns) >= {"note_id", "coder", "theme_id", "present", "valence", "coded_at"}
    assert human.groupby("coder")["note_id"].nunique().to_dict() == {"anna": 3, "bo": 2}
    assert len(human) == 5 * len(THEMES)  # coded rows only; blanks in a coded row are "nej"
    a = human[(human.coder == "anna")].set_index(["note_id", "theme_id"])
    first = twin.loc[0, "note_id"]
    assert a.loc[(first, "trivsel"), "present"] and a.loc[(first, "trivsel"), "valence"] == "strength"
    assert not a.loc[(first, "motivation"), "present"]
    assert a["coded_at"].iloc[0] == pd.Timestamp(2025, 4, 3)
    b = human[(human.coder == "bo")].set_index(["note_id", "theme_id"])
    assert b.loc[(twin.loc[1, "note_id"], "trivsel"), "valence"] == "concern"
    assert b.loc[(twin.loc[1, "note_id"], "motivation"), "present"] and pd.isna(b.loc[(twin.loc[1, "note_id"], "motivation"), "valence"])


def test_unknown_theme_column(sheet, tmp_path):
    xlsx, _, _ = sheet
    wb = load_workbook(xlsx)
    ws = wb["Kodning"]
    ws.cell(1, 7, "trivssel")
    wb.save(tmp_path / "bad.xlsx")
    with pytest.raises(InputError, match=r"bad.xlsx: column 'trivssel' is not a theme.*Did you mean 'trivsel'"):
        import_reviews([tmp_path / "bad.xlsx"])


def test_unknown_theme_column_in_csv_against_given_themes(sheet, tmp_path):
    _, csv, _ = sheet
    twin = pd.read_csv(csv, sep=";", encoding="utf-8-sig", dtype=str, keep_default_na=False)
    twin.insert(9, "andet", "")
    twin.to_csv(tmp_path / "x.csv", sep=";", index=False)
    with pytest.raises(InputError, match=r"x.csv: column 'andet' is not a theme"):
        import_reviews([tmp_path / "x.csv"], themes=THEMES)


def test_changed_text_is_detected(sheet, tmp_path):
    xlsx, _, _ = sheet
    path = fill(xlsx, tmp_path / "anna.xlsx", "anna", {1: {"trivsel": "nej"}})
    wb = load_workbook(path)
    wb["Kodning"].cell(3, 3).value += " (rettet)"
    wb.save(path)
    with pytest.raises(InputError, match=r"anna.xlsx, row 3, column 'tekst': the text of note .* was changed"):
        import_reviews([path])


def test_missing_coder_name(sheet, tmp_path):
    xlsx, _, _ = sheet
    path = fill(xlsx, tmp_path / "x.xlsx", None, {4: {"trivsel": "ja-styrke"}})
    with pytest.raises(InputError, match=r"x.xlsx, row 6, column 'koder': the coder name is missing"):
        import_reviews([path])


def test_unknown_cell_value(sheet, tmp_path):
    xlsx, _, _ = sheet
    path = fill(xlsx, tmp_path / "x.xlsx", "anna", {0: {"respekt": "måske"}})
    with pytest.raises(InputError, match=r"x.xlsx, row 2, column 'respekt': 'måske' is not a valid value"):
        import_reviews([path])


def test_same_coder_twice_for_one_note(sheet, tmp_path):
    xlsx, _, _ = sheet
    a = fill(xlsx, tmp_path / "a1.xlsx", "anna", {0: {"respekt": "nej"}})
    b = fill(xlsx, tmp_path / "a2.xlsx", "anna", {0: {"respekt": "ja-styrke"}})
    with pytest.raises(InputError, match=r"a2.xlsx, row 2: coder 'anna' coded note .* twice \(also in a1.xlsx, row 2\)"):
        import_reviews([a, b])


def test_uncoded_rows_and_bad_date(sheet, tmp_path):
    xlsx, _, _ = sheet
    path = fill(xlsx, tmp_path / "a.xlsx", "anna", {0: {}, 1: {"trivsel": "nej"}})  # row 0: name only
    human = import_reviews([path])
    assert human["note_id"].nunique() == 1
    bad = fill(xlsx, tmp_path / "b.xlsx", "anna", {1: {"trivsel": "nej"}}, date="i går")
    with pytest.raises(InputError, match=r"b.xlsx, row 3, column 'dato': 'i går' is not a date"):
        import_reviews([bad])
