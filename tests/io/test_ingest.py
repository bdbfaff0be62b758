"""Ingest maps Danish exports with no options, keeps æøå, and accounts for every row."""

from __future__ import annotations

import pandas as pd
import pytest

from kvalitativ.config import ColumnMapping, IngestConfig, PrivacyConfig
from kvalitativ.errors import InputError
from kvalitativ.io.dates import parse_date, period_of
from kvalitativ.io.ingest import ingest_notes, pseudonymize, read_indicators
from tests.conftest import DANISH_ROWS, write_csv

NO_REDACT = PrivacyConfig(redact=False)


def test_danish_cp1252_export_needs_no_options(danish_export):
    result = ingest_notes(danish_export, privacy=NO_REDACT)
    assert result.columns == {"note_id": "Notat-ID", "person_id": "Elev-ID", "unit_id": "Skole", "date": "Dato",
                              "source": "Faggruppe", "text": "Notat"}
    assert result.corpus["text"].tolist() == [r[5] for r in DANISH_ROWS]
    assert result.corpus["unit_id"].tolist()[0] == "Østre Skole"
    assert result.corpus["date"].dt.strftime("%Y-%m-%d").tolist() == ["2023-12-31", "2023-12-31", "2024-01-15"]
    assert result.corpus["period"].tolist() == ["2023/24"] * 3
    assert len(result.rejects) == 0 and result.n_read == 3


@pytest.mark.parametrize("value, iso", [("31-12-2023", "2023-12-31"), ("31.12.2023", "2023-12-31"),
                                        ("2023-12-31", "2023-12-31"), ("03-04-2023", "2023-04-03"),
                                        ("3. april 2023", "2023-04-03"), ("31/12/2023 14:05", "2023-12-31")])
def test_danish_dates(value, iso):
    assert parse_date(value).strftime("%Y-%m-%d") == iso


def test_school_year_period():
    assert period_of(pd.Timestamp("2023-07-31")) == "2022/23"
    assert period_of(pd.Timestamp("2023-08-01")) == "2023/24"
    assert period_of(pd.Timestamp("2023-08-01"), "quarter") == "2023-Q3"


def test_bad_rows_go_to_rejects_and_nothing_is_lost(tmp_path):
    rows = [
        ("N1", "E1", "A", "01-02-2023", "Møder stabilt."),
        ("N2", "E2", "A", "01-02-2023", "   "),                 # empty text
        ("N3", "E3", "A", "31-02-2023", "Dato findes ikke."),   # impossible date
        ("N1", "E4", "A", "01-02-2023", "Andet notat."),        # duplicate note_id
        ("N1", "E1", "A", "01-02-2023", "Møder stabilt."),      # duplicate row
        ("N6", "E6", "A", "01-02-2023", "x" * 60),              # too long
        ("N7", "", "A", "01-02-2023", "Ingen elev."),           # no person
    ]
    path = write_csv(tmp_path / "n.csv", ["NotatID", "ElevID", "Skole", "Dato", "Tekst"], rows)
    result = ingest_notes(path, IngestConfig(max_chars=50), NO_REDACT)
    assert result.corpus["note_id"].tolist() == ["N1"]
    reasons = dict(zip(result.rejects["source_row"], result.rejects["reason"]))
    assert reasons == {3: "empty_text", 4: "unparseable_date", 5: "duplicate_note_id", 6: "duplicate_row",
                       7: "text_too_long", 8: "missing_person_id"}
    assert len(result.corpus) + len(result.rejects) == result.n_read == 7


def test_a_rejected_date_cell_is_described_not_quoted_and_punctuation_is_no_text(tmp_path):
    """A name shifted into the date column reached the published rejects table, and a bad date
    read as a phone number ('[TELEFON]'); a note of '-' was coded (a new user's trial)."""
    rows = [("N1", "E1", "A", "Benjamin Petersen", "Møder stabilt."),
            ("N2", "E2", "A", "31-02-2025", "Dato findes ikke."),
            ("N3", "E3", "A", "01-02-2023", " - "),
            ("N4", "E4", "A", "01-02-2023", "Kom til tiden.")]
    path = write_csv(tmp_path / "n.csv", ["NotatID", "ElevID", "Skole", "Dato", "Tekst"], rows)
    result = ingest_notes(path, privacy=NO_REDACT)
    detail = dict(zip(result.rejects["source_row"], result.rejects["detail"]))
    assert "Benjamin" not in detail[2] and "'Aaaaaaaa Aaaaaaaa'" in detail[2]
    assert "'##-##-####'" in detail[3]
    assert dict(zip(result.rejects["source_row"], result.rejects["reason"]))[4] == "empty_text"
    assert result.corpus["note_id"].tolist() == ["N4"]


def test_names_of_the_export_are_taken_out_of_unit_and_source_but_a_school_keeps_its_name(tmp_path):
    """'Østerbyskolen, Mathias Yilmazs klasse' and 'Mentor Nikolaj Olsen' were published although
    both names stood in the export's own name column (a new user's trial)."""
    rows = [("N1", "E1", "Mathias Yilmaz", "Østerbyskolen, Mathias Yilmazs klasse", "Lærer", "Kom til tiden."),
            ("N2", "E2", "Nikolaj Olsen", "H.C. Andersen Skolen", "Mentor", "Godt fremmøde."),
            ("N3", "E3", "Sara Berg", "H.C. Andersen Skolen", "Mentor Nikolaj Olsen", "Mødte op.")]
    path = write_csv(tmp_path / "n.csv", ["NotatID", "ElevID", "Navn", "Skole", "Faggruppe", "Tekst"], rows)
    corpus = ingest_notes(path).corpus
    published = " ".join(corpus["unit_id"].tolist() + corpus["source"].tolist())
    assert "Yilmaz" not in published and "Olsen" not in published
    assert corpus["unit_id"].tolist() == ["Østerbyskolen, [NAVN]s klasse", "H.C. Andersen Skolen",
                                          "H.C. Andersen Skolen"]
    assert corpus["source"].tolist()[2] == "Mentor [NAVN]"


def test_export_names_are_found_in_labels_however_they_are_written():
    """A review: the genitive of a name ending in s/x/z ("Ali Hassan' klasse"), a hyphenated
    ending, odd white space and "Surname, First name" in the name column got through."""
    from kvalitativ.io.ingest import _export_names, _without_names

    frame = pd.DataFrame({"Navn": ["Ali Hassan", "Yilmaz, Mathias", "Jens Hansen"]})
    names = _export_names(frame, ["Navn"])
    assert _without_names("Vestskolen, Ali Hassan' klasse", names) == "Vestskolen, [NAVN]' klasse"
    assert _without_names("Mathias Yilmaz-klassen", names) == "[NAVN]-klassen"
    assert _without_names("Mentor Jens\u00a0 Hansen", names) == "Mentor [NAVN]"
    assert _without_names("H.C.  Andersen Skolen", names) == "H.C.  Andersen Skolen"  # no name: unchanged


def test_missing_text_column_suggests_closest(tmp_path):
    path = write_csv(tmp_path / "n.csv", ["ElevID", "Notatet"], [("E1", "hej")])
    with pytest.raises(InputError, match="Closest header: 'Notatet'") as info:
        ingest_notes(path, privacy=NO_REDACT)
    assert "n.csv" in str(info.value) and "--text-col" in str(info.value)


def test_explicit_mapping_wins(tmp_path):
    path = write_csv(tmp_path / "n.csv", ["A", "B"], [("E1", "Kommer ikke til tiden.")])
    result = ingest_notes(path, IngestConfig(columns=ColumnMapping(person_id="A", text="B")), NO_REDACT)
    assert result.corpus.loc[0, "person_id"] == "E1"


def test_no_usable_rows(tmp_path):
    path = write_csv(tmp_path / "n.csv", ["ElevID", "Notat"], [("E1", ""), ("E2", " ")])
    with pytest.raises(InputError, match="no usable rows"):
        ingest_notes(path, privacy=NO_REDACT)


def test_html_and_rtf_are_cleaned(tmp_path):
    rows = [("N1", "<p>Elev m&oslash;der <b>stabilt</b></p><br>Godt.&nbsp;OK"),
            ("N2", r"{\rtf1\ansi{\fonttbl{\f0 Arial;}}\f0 Eleven er glad for skolen\par Ingen fravær.}")]
    path = write_csv(tmp_path / "n.csv", ["NotatID", "Notat"], rows, sep="\t")
    texts = ingest_notes(path, privacy=NO_REDACT).corpus["text"].tolist()
    assert texts[0] == "Elev møder stabilt\n\nGodt. OK"
    assert texts[1] == "Eleven er glad for skolen\nIngen fravær."


def test_cpr_person_ids_are_pseudonymised_consistently(tmp_path):
    ids = pd.Series(["010203-1234", "0102031234", "E77"])
    out = pseudonymize(ids)
    assert out[0] == out[1] and out[0].startswith("P") and "1234" not in out[0]
    assert out[2] == "E77"
    ind = tmp_path / "ind.csv"
    ind.write_text("CPR;dropout;absence_pct;outcome_date\n010203-1234;1;12,5;01-08-2024\n", encoding="utf-8")
    frame, rejects = read_indicators(ind)
    assert frame.loc[0, "person_id"] == out[0]
    assert frame.loc[0, "absence_pct"] == 12.5 and frame.loc[0, "dropout"] == 1
    assert str(frame.loc[0, "outcome_date"].date()) == "2024-08-01"


def test_one_number_with_the_other_decimal_mark_stops_instead_of_multiplying_the_column(tmp_path):
    """`7,5` among `7.8`s read the Danish way made every `7.8` a 78 (a new user's trial)."""
    ind = tmp_path / "ind.csv"
    ind.write_text("person_id;dropout;grade_avg\nE1;0;7,5\nE2;1;7.8\nE3;0;9.1\n", encoding="utf-8")
    with pytest.raises(InputError, match="grade_avg.*'7,5'.*'7.8'"):
        read_indicators(ind)
    ind.write_text("person_id;dropout;grade_avg;income\nE1;0;7,5;1.234,5\nE2;1;7,8;12.000\n", encoding="utf-8")
    frame, _ = read_indicators(ind)  # one Danish column: dots only between groups of three digits
    assert frame["grade_avg"].tolist() == [7.5, 7.8] and frame["income"].tolist() == [1234.5, 12000.0]
    ind.write_text("person_id;dropout;grade_avg\nE1;0;7.5\nE2;1;7.8\n", encoding="utf-8")
    assert read_indicators(ind)[0]["grade_avg"].tolist() == [7.5, 7.8]
    # a machine's 1.250 beside 7,5 would become 1250 (a review): stopped too
    ind.write_text("person_id;dropout;grade_avg\nE1;0;7,5\nE2;1;1.250\nE3;0;8,0\n", encoding="utf-8")
    with pytest.raises(InputError, match="'1.250', which would be read as 1250"):
        read_indicators(ind)


def test_missing_text_column_suggests_the_column_that_reads_like_text(tmp_path):
    rows = [("N1", "E1", "Østre Skole", "Kommer for sent de fleste dage og virker træt."),
            ("N2", "E2", "Østre Skole", "Arbejder godt sammen med de andre i gruppen."),
            ("N3", "E3", "Vestre Skole", "Drøftes på næste teammøde.")]
    path = write_csv(tmp_path / "n.csv", ["NotatID", "ElevID", "Skole", "Bemærkning"], rows)
    with pytest.raises(InputError, match="Closest header: 'Bemærkning'") as info:
        ingest_notes(path, privacy=NO_REDACT)
    assert "NotatID" not in str(info.value).split("Closest header")[1]
    assert "--text-col" in str(info.value)


def test_missing_text_column_never_suggests_an_id_column(tmp_path):
    path = write_csv(tmp_path / "n.csv", ["NotatID", "Løbenummer"], [("N1", "100231"), ("N2", "100232")])
    with pytest.raises(InputError, match="no text column found") as info:
        ingest_notes(path, privacy=NO_REDACT)
    assert "Closest header" not in str(info.value)
