"""Every format, encoding and separator a municipality exports reads to the same table."""

from __future__ import annotations

import json

import pandas as pd
import pytest

from kvalitativ.errors import InputError
from kvalitativ.io.readers import read_raw, sniff_separator
from tests.conftest import DANISH_ROWS, write_csv

HEADER = ["Notat-ID", "Elev-ID", "Skole", "Dato", "Faggruppe", "Notat"]


def expected() -> pd.DataFrame:
    return pd.DataFrame(DANISH_ROWS, columns=HEADER)


@pytest.mark.parametrize("sep", [",", ";", "\t"])
@pytest.mark.parametrize("encoding", ["utf-8", "utf-8-sig", "cp1252", "latin-1"])
def test_csv_separators_and_encodings(tmp_path, sep, encoding):
    rows = [tuple(f'"{c}"' if sep in c else c for c in r) for r in DANISH_ROWS]
    path = write_csv(tmp_path / "x.csv", HEADER, rows, sep=sep, encoding=encoding)
    raw = read_raw(path)
    assert raw.separator == sep
    got = raw.frame.drop(columns="_source_row")
    pd.testing.assert_frame_equal(got.reset_index(drop=True), expected(), check_dtype=False)
    assert raw.frame["_source_row"].tolist() == [2, 3, 4]


def test_danish_letters_byte_for_byte(danish_export):
    raw = read_raw(danish_export)
    assert raw.encoding == "cp1252"
    assert raw.frame.loc[0, "Notat"].encode("utf-8") == DANISH_ROWS[0][5].encode("utf-8")


def test_mixed_encodings_line_by_line(tmp_path):
    head = ";".join(HEADER).encode()
    a = ";".join(DANISH_ROWS[0]).encode("utf-8")
    b = ";".join(DANISH_ROWS[1]).encode("cp1252")
    (tmp_path / "mixed.csv").write_bytes(head + b"\n" + a + b"\n" + b + b"\n")
    raw = read_raw(tmp_path / "mixed.csv")
    assert raw.frame["Notat"].tolist() == [DANISH_ROWS[0][5], DANISH_ROWS[1][5]]


def test_malformed_rows_become_rejects(tmp_path):
    path = tmp_path / "bad.csv"
    path.write_text("id;tekst\n1;god\n2;to;felter;for mange\n3;ok\n", encoding="utf-8")
    raw = read_raw(path)
    assert raw.frame["id"].tolist() == ["1", "3"]
    assert raw.rejects["source_row"].tolist() == [3]
    assert raw.rejects["reason"].tolist() == ["malformed_row"]
    assert raw.n_read == 3


def test_xlsx(tmp_path):
    path = tmp_path / "x.xlsx"
    expected().to_excel(path, index=False)
    raw = read_raw(path)
    pd.testing.assert_frame_equal(raw.frame.drop(columns="_source_row"), expected(), check_dtype=False)


def test_jsonl_with_a_bad_line(tmp_path):
    path = tmp_path / "x.jsonl"
    lines = [json.dumps(dict(zip(HEADER, r)), ensure_ascii=False) for r in DANISH_ROWS]
    path.write_text(lines[0] + "\n{broken\n" + "\n".join(lines[1:]) + "\n", encoding="utf-8")
    raw = read_raw(path)
    assert raw.frame["Notat"].tolist() == [r[5] for r in DANISH_ROWS]
    assert raw.rejects["source_row"].tolist() == [2]
    assert raw.n_read == 4


def test_parquet(tmp_path):
    path = tmp_path / "x.parquet"
    expected().to_parquet(path)
    raw = read_raw(path)
    pd.testing.assert_frame_equal(raw.frame.drop(columns="_source_row"), expected(), check_dtype=False)


@pytest.mark.parametrize(
    "content, message",
    [(None, "file not found"), (b"", "empty"), (b"\x00\x01\x02\x00binary\x00\xff" * 50, "unreadable bytes")],
)
def test_bad_files_have_clear_errors(tmp_path, content, message):
    path = tmp_path / "bad.csv"
    if content is not None:
        path.write_bytes(content)
    with pytest.raises(InputError, match=message) as info:
        read_raw(path)
    assert "bad.csv" in str(info.value)


def test_sniffer_prefers_consistent_separator():
    assert sniff_separator("a;b;c\n1,5;2;3\n4;5,5;6\n") == ";"
    assert sniff_separator("a,b\n1,2\n") == ","


def test_an_unbalanced_quote_swallows_no_row_silently(tmp_path):
    """One stray quote used to join 190 of 200 rows into one kept record ("10 rows read"). The
    physical rows are now counted apart from the parser: every one is kept or rejected by line."""
    from kvalitativ.io.ingest import ingest_notes

    lines = ["note_id;person_id;date;text"]
    lines += [f"N{i};P{i % 40};2024-01-{1 + i % 28:02d};Eleven har haft en god uge nummer {i}." for i in range(200)]
    lines[11] = 'N10;P10;2024-01-11;"Hun sagde: hej, og gik.'  # the opening quote is never closed
    lines[5] = 'N4;P4;2024-01-05;"En note over to linjer:\nanden linje; uden felter."'  # a real multi-line note
    path = tmp_path / "notes.csv"
    path.write_text("\n".join(lines) + "\n", encoding="utf-8")
    raw = read_raw(path)
    assert raw.n_read == 200  # physical rows, not what the fooled parser returned
    assert "anden linje" in raw.frame.set_index("note_id").loc["N4", "text"]  # a real line break is kept
    first = raw.rejects.iloc[0]  # line 13: the note with a line break above adds a line
    assert first["source_row"] == 13 and "unbalanced quote" in first["detail"] and "13–202" in first["detail"]
    assert list(raw.rejects["source_row"]) == list(range(13, 203))
    assert len(raw.frame) + len(raw.rejects) == 200
    assert "Eleven har haft en god uge nummer 11." not in " ".join(raw.frame["text"])  # swallowed, so rejected
    result = ingest_notes(path)
    assert len(result.corpus) + len(result.rejects) == 200
    assert len(result.rejects) >= 190
