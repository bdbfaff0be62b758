"""What `review import` checks whatever shape the sheet comes back in (a new user's trial).

A CSV twin, or a workbook re-saved by pandas (no hidden sheet), with a misspelt theme header
imported silently; an unknown note id was accepted; hashes Excel made numbers read as changed
texts; the protection blocked sorting and filtering.
"""

from __future__ import annotations

import hashlib
from pathlib import Path

import pandas as pd
import pytest
from click.testing import CliRunner
from openpyxl import load_workbook

from kvalitativ.cli import cli
from kvalitativ.errors import InputError
from kvalitativ.io.store import write_tables
from kvalitativ.review.sample import select_for_review
from kvalitativ.review.sheets import clean_text, export_review, import_reviews, text_hash

from .conftest import THEMES, make_corpus


@pytest.fixture
def made(tmp_path):
    corpus, codings, _ = make_corpus(n=60, seed=0)
    sel = select_for_review(codings, corpus, n=12, random_state=0)
    xlsx, csv = export_review(sel, corpus, THEMES, tmp_path / "review.xlsx")
    return xlsx, csv, corpus, codings


def twin(csv: Path) -> pd.DataFrame:
    return pd.read_csv(csv, sep=";", encoding="utf-8-sig", dtype=str, keep_default_na=False)


def coded_twin(csv: Path, rows=(0, 1, 2)) -> pd.DataFrame:
    frame = twin(csv)
    for i in rows:
        frame.loc[i, ["koder", THEMES[0]]] = ["anna", "ja-styrke"]
    return frame


def test_a_misspelt_header_of_a_csv_stops_unless_the_themes_are_known(made, tmp_path):
    _, csv, _, _ = made
    frame = coded_twin(csv).rename(columns={"motivation": "motivaton"})
    frame.to_csv(tmp_path / "anna.csv", sep=";", index=False, encoding="utf-8-sig")
    with pytest.raises(InputError, match=r"anna.csv: the sheet does not record its themes.*--codings.*--codebook"):
        import_reviews([tmp_path / "anna.csv"])
    with pytest.raises(InputError, match=r"column 'motivaton' is not a theme.*Did you mean 'motivation'"):
        import_reviews([tmp_path / "anna.csv"], themes=THEMES)


def test_a_workbook_resaved_by_pandas_is_checked_too(made, tmp_path):
    xlsx, _, _, _ = made
    frame = pd.read_excel(xlsx, sheet_name="Kodning", dtype=str).fillna("")
    frame.loc[0, ["koder", "trivsel"]] = ["anna", "nej"]
    frame.rename(columns={"trivsel": "trivssel"}).to_excel(tmp_path / "anna.xlsx", sheet_name="Kodning", index=False)
    with pytest.raises(InputError, match=r"anna.xlsx: the sheet does not record its themes"):
        import_reviews([tmp_path / "anna.xlsx"])
    # with the exported workbook beside it, its record serves
    with pytest.raises(InputError, match=r"column 'trivssel' is not a theme"):
        import_reviews([xlsx, tmp_path / "anna.xlsx"])


def test_cli_codebook_option_checks_a_csv(made, tmp_path):
    import yaml

    _, csv, _, _ = made
    cb = tmp_path / "cb.yaml"
    cb.write_text(yaml.safe_dump({"name": "t", "themes": [{"id": t, "label": t} for t in THEMES]}), encoding="utf-8")
    coded_twin(csv).rename(columns={"motivation": "motivaton"}).to_csv(tmp_path / "anna.csv", sep=";", index=False)
    res = CliRunner().invoke(cli, ["review", "import", str(tmp_path / "anna.csv"), "--codebook", str(cb),
                                   "--out", str(tmp_path / "r")])
    assert res.exit_code != 0 and "column 'motivaton' is not a theme" in str(res.exception)
    coded_twin(csv).to_csv(tmp_path / "bo.csv", sep=";", index=False)
    res = CliRunner().invoke(cli, ["review", "import", str(tmp_path / "bo.csv"), "--codebook", str(cb),
                                   "--out", str(tmp_path / "r")])
    assert res.exit_code == 0, res.output


def test_an_unknown_note_id_is_rejected_with_its_row(made, tmp_path):
    _, csv, corpus, codings = made
    out = tmp_path / "out"
    write_tables(out, {"corpus": corpus, "codings": codings,
                       "themes": pd.DataFrame({"theme_id": THEMES, "label": THEMES})}, run_id="r0")
    frame = coded_twin(csv)
    frame.loc[1, "note_id"] = "N999999"
    frame.to_csv(tmp_path / "anna.csv", sep=";", index=False)
    res = CliRunner().invoke(cli, ["review", "import", str(tmp_path / "anna.csv"), "--codings", str(out),
                                   "--out", str(tmp_path / "r")])
    assert res.exit_code != 0
    assert "anna.csv, row 3: note N999999 is not in the notes of" in str(res.exception)


def _numeric_hash_text(pattern: str) -> str:
    """A note text whose old (unprefixed) hash Excel reads as a number."""
    import re

    for i in range(200000):
        text = f"Eleven mødte op til samtale nr. {i}."
        if re.fullmatch(pattern, hashlib.sha256(clean_text(text).encode()).hexdigest()[:16]):
            return text
    raise AssertionError("no such text")


def test_new_hashes_are_not_numbers_and_old_ones_still_verify(tmp_path):
    corpus = pd.DataFrame({"note_id": ["N1", "N2"], "person_id": ["P1", "P2"],
                           "text": [_numeric_hash_text(r"\d{16}"), _numeric_hash_text(r"[1-9]\d*e[1-5]\d")]})
    h = [text_hash(t, n) for t, n in zip(corpus["text"], corpus["note_id"])]
    assert all(x.startswith("h") and len(x) == 17 for x in h)  # Excel keeps a text that starts with a letter
    xlsx, csv = export_review(pd.DataFrame({"note_id": ["N1", "N2"]}), corpus, THEMES, tmp_path / "r.xlsx")
    frame = coded_twin(csv, rows=(0, 1))
    old = [hashlib.sha256(clean_text(t).encode()).hexdigest()[:16] for t in corpus["text"]]
    frame["tekst_hash"] = old  # a sheet exported before the letter
    frame.to_csv(tmp_path / "old.csv", sep=";", index=False)
    human = import_reviews([tmp_path / "old.csv"], themes=THEMES)
    assert set(human["text_hash"]) == set(h)
    # the CSV twin re-saved by Danish Excel: the all-digit hash lost its last digit, the other became 2,5E+62
    mangled = [f"{float(old[0]):.14E}".replace(".", ","), f"{float(old[1]):.4E}".replace(".", ",")]
    frame["tekst_hash"] = mangled
    frame.to_csv(tmp_path / "excel.csv", sep=";", index=False)
    assert len(import_reviews([tmp_path / "excel.csv"], themes=THEMES)) == len(human)
    # a number that no longer fits: Excel changed the hidden column, the text was not the problem
    frame["tekst_hash"] = ["1,23E+15", mangled[1]]
    frame.to_csv(tmp_path / "bad.csv", sep=";", index=False)
    with pytest.raises(InputError, match=r"bad.csv, row 2, column 'tekst_hash': Excel changed the hidden check value"):
        import_reviews([tmp_path / "bad.csv"], themes=THEMES)


def test_a_sorted_sheet_imports_the_same(made, tmp_path):
    """Sorting and filtering are allowed in the sheet: row order must not matter at import."""
    xlsx, _, _, _ = made
    wb = load_workbook(xlsx)
    ws = wb["Kodning"]
    header = [c.value for c in ws[1]]
    for r in range(2, ws.max_row + 1):
        ws.cell(r, header.index("koder") + 1, "anna")
        ws.cell(r, header.index(THEMES[r % 4]) + 1, "ja-bekymring" if r % 3 else "nej")
    wb.save(tmp_path / "anna.xlsx")
    rows = [[c.value for c in row] for row in ws.iter_rows(min_row=2)]
    for i, values in enumerate(sorted(rows, key=lambda v: str(v[2]), reverse=True), start=2):  # sorted by text
        for j, v in enumerate(values, start=1):
            ws.cell(i, j).value = v
    wb.save(tmp_path / "sorted.xlsx")
    a = import_reviews([tmp_path / "anna.xlsx"]).drop(columns="source_file")
    b = import_reviews([tmp_path / "sorted.xlsx"]).drop(columns="source_file")
    key = ["note_id", "theme_id"]
    assert [r[1] for r in rows] != [ws.cell(i, 2).value for i in range(2, ws.max_row + 1)]  # the order did change
    pd.testing.assert_frame_equal(a.sort_values(key).reset_index(drop=True), b.sort_values(key).reset_index(drop=True))


def test_persons_default_agrees_with_the_help_and_the_readme():
    """--persons said 50, its help example 40, and the README 200 (after saying 40 is too few)."""
    import re

    from kvalitativ.commands.review import export_command

    default = next(p.default for p in export_command.params if p.name == "n_persons")
    readme = (Path(__file__).resolve().parents[2] / "README.md").read_text(encoding="utf-8")
    assert {int(x) for x in re.findall(r"--persons (\d+)", export_command.help)} == {default}
    assert {int(x) for x in re.findall(r"--strategy active --persons (\d+)", readme)} == {default}


def test_a_row_given_another_notes_id_stops_the_import(tmp_path):
    """The sheet's cells are unlocked for sorting, and the hash covered the text alone: two note ids
    swapped imported with exit 0, the codes of one note's text landing on the other (a review)."""
    corpus = pd.DataFrame({"note_id": ["N1", "N2"], "person_id": ["P1", "P2"],
                           "text": ["Eleven kom for sent.", "Eleven var glad i dag."]})
    xlsx, csv = export_review(pd.DataFrame({"note_id": ["N1", "N2"]}), corpus, THEMES, tmp_path / "r.xlsx")
    frame = coded_twin(csv, rows=(0, 1))
    frame.to_csv(tmp_path / "ok.csv", sep=";", index=False)
    assert len(import_reviews([tmp_path / "ok.csv"], themes=THEMES))
    frame["note_id"] = frame["note_id"].iloc[::-1].to_numpy()
    frame.to_csv(tmp_path / "swapped.csv", sep=";", index=False)
    with pytest.raises(InputError, match="or the row's note_id was"):
        import_reviews([tmp_path / "swapped.csv"], themes=THEMES)
