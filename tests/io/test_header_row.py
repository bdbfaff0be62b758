"""An export with a title (and an empty row) above the header reads from the real header."""

from __future__ import annotations

import pandas as pd
import pytest

from kvalitativ.errors import InputError
from kvalitativ.io.columns import resolve_columns
from kvalitativ.io.ingest import ingest_notes
from kvalitativ.io.readers import read_raw

TITLE = "Henvendelser til Borgerservice – udtræk 2024"
HEADER = ["HenvendelsesID", "Dato", "Kanal", "Type", "Bydel", "Tekst"]
ROWS = [
    ["H-1001", "2024-01-03", "Telefon", "Klage", "Nord", "Borgeren ringede om ventetiden på pas og var utilfreds."],
    ["H-1002", "2024-01-04", "Mail", "Spørgsmål", "Syd", "Spørger om åbningstider i julen og om man kan bestille tid."],
    ["H-1003", "2024-01-05", "Skranke", "Ros", "Vest", "Tak for god og venlig hjælp med sygesikringskortet i går."],
]


def _xlsx(path, rows=ROWS):
    cells = [[TITLE] + [None] * 5, [None] * 6, HEADER, *rows]
    pd.DataFrame(cells).to_excel(path, index=False, header=False)
    return path


def _csv(path, title_line=TITLE, blank_line=""):
    lines = [title_line, blank_line, ";".join(HEADER), *(";".join(r) for r in ROWS)]
    path.write_text("\n".join(lines) + "\n", encoding="utf-8")
    return path


def test_xlsx_title_row_above_the_header(tmp_path):
    raw = read_raw(_xlsx(tmp_path / "borgerservice.xlsx"))
    assert [c for c in raw.frame.columns if c != "_source_row"] == HEADER
    assert raw.frame["HenvendelsesID"].tolist() == ["H-1001", "H-1002", "H-1003"]
    assert raw.frame["_source_row"].tolist() == [4, 5, 6]
    assert raw.header_row == 3
    assert raw.rejects["source_row"].tolist() == [1, 2]
    assert raw.rejects["reason"].tolist() == ["preamble", "malformed_row"]
    assert raw.n_read == 5  # rows 1–2 and 4–6: every row but the header's is accounted for


@pytest.mark.parametrize("title_line,blank_line", [(TITLE, ""), (TITLE + ";;;;;", ";;;;;"),
                                                   ("Henvendelser, udtræk 2024", "")])
def test_csv_title_line_above_the_header(tmp_path, title_line, blank_line):
    raw = read_raw(_csv(tmp_path / "borgerservice.csv", title_line, blank_line))
    assert raw.separator == ";"
    assert [c for c in raw.frame.columns if c != "_source_row"] == HEADER
    assert raw.frame["_source_row"].tolist() == [4, 5, 6]
    assert raw.header_row == 3
    assert raw.rejects["source_row"].tolist()[0] == 1
    assert raw.rejects["reason"].tolist()[0] == "preamble"
    assert "header found in row 3; rows 1–2 skipped" in raw.rejects["detail"].iloc[0]


@pytest.mark.parametrize("maker", [_xlsx, _csv])
def test_ingest_keeps_ids_dates_and_districts_below_a_title(tmp_path, maker):
    path = maker(tmp_path / ("x.xlsx" if maker is _xlsx else "x.csv"))
    result = ingest_notes(path)
    assert len(result.corpus) == 3
    assert "Tekst" not in result.corpus["text"].tolist()
    assert result.corpus["date"].notna().all()
    assert result.corpus["unit_id"].tolist() == ["Nord", "Syd", "Vest"]
    assert "preamble" in result.rejects["reason"].tolist()
    assert len(result.corpus) + len(result.rejects) == result.n_read
    assert "header found in row 3; rows 1–2 skipped" in result.summary()


def test_streamed_chunks_read_below_a_title(tmp_path):
    from kvalitativ.scale.chunked import iter_raw_chunks

    chunks = list(iter_raw_chunks(_csv(tmp_path / "x.csv"), chunk_size=2))
    assert sum(len(c.frame) for c in chunks) == 3
    assert chunks[0].rejects["reason"].tolist() == ["preamble"]
    assert [r for c in chunks for r in c.frame["_source_row"]] == [4, 5, 6]


def test_a_plain_export_still_reads_from_row_1(tmp_path):
    path = tmp_path / "plain.csv"
    path.write_text("Tekst\nen note\nen anden note\n", encoding="utf-8")
    raw = read_raw(path)
    assert raw.header_row == 1 and raw.frame["Tekst"].tolist() == ["en note", "en anden note"]


def test_missing_text_column_never_suggests_a_pandas_placeholder():
    headers = ["Titel", "Unnamed: 1", "Unnamed: 2"]
    frame = pd.DataFrame({"Titel": ["1", "2"], "Unnamed: 1": ["", ""], "Unnamed: 2": ["lang tekst her " * 3] * 2})
    with pytest.raises(InputError) as err:
        resolve_columns(headers, None, "x.xlsx", frame=frame)
    assert "Closest header: 'Unnamed" not in str(err.value)
    assert "Unnamed" not in str(err.value).split("headers:")[0]


def test_a_one_column_export_with_separators_in_its_notes_keeps_row_1(tmp_path):
    path = tmp_path / "one.csv"
    path.write_text("Tekst\nja; nej\nen lang note uden noget\nen note mere; og lidt til; og mere\nslut\n", encoding="utf-8")
    raw = read_raw(path)
    assert raw.header_row == 1 and len(raw.frame) + len(raw.rejects) == 4


def test_the_ingest_command_says_the_header_was_below_a_title(tmp_path):
    from click.testing import CliRunner

    from kvalitativ.cli import cli

    path = _xlsx(tmp_path / "x.xlsx")
    res = CliRunner().invoke(cli, ["ingest", str(path), "--out", str(tmp_path / "out")])
    assert res.exit_code == 0, res.output
    assert "The header is not in the first row" in res.output and "preamble" in res.output
