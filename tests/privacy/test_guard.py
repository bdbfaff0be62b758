"""Identifiers outside the note text: labels, ids and the writer's last guard (issue 19)."""

from __future__ import annotations

import pandas as pd
import pytest

from kvalitativ.errors import KvalitativError
from kvalitativ.io.store import write_tables
from kvalitativ.privacy.guard import (
    IdentifierError,
    assert_no_identifiers,
    holds_identifier,
    identifier_hits,
    redact_labels,
)


def test_ids_that_hold_an_identifier():
    assert holds_identifier("J-1503871235-7")  # a case-file number with a CPR number inside
    assert holds_identifier("SAG1503871235")  # letters glued to it
    assert holds_identifier("elev-mette@skole.dk")
    assert not holds_identifier("N000123") and not holds_identifier("E00876") and not holds_identifier("2023-10-15")
    assert not holds_identifier("J-9999999999-7")  # ten digits that are no date


def test_labels_lose_pattern_identifiers_but_keep_names():
    units = pd.Series(["Kontakt 20 30 40 50", "H.C. Andersen Skolen", "Kontakt 20 30 40 50", None, "Skole 150387-1235"])
    out, n = redact_labels(units)
    assert out.fillna("<missing>").tolist() == ["Kontakt [TELEFON]", "H.C. Andersen Skolen", "Kontakt [TELEFON]",
                                                "<missing>", "Skole [CPR]"]
    assert n == 3


def test_guard_names_table_and_column_never_the_value():
    frame = pd.DataFrame({"unit_id": ["Vestre Skole", "Kontakt 20 30 40 50"], "n_persons": [10, 12]})
    with pytest.raises(IdentifierError) as err:
        assert_no_identifiers("prevalence", frame)
    message = str(err.value)
    assert "'prevalence'" in message and "'unit_id'" in message and "TELEFON" in message
    assert "20 30" not in message
    assert isinstance(err.value, KvalitativError)  # the CLI's one error family: one line, exit 2


def test_guard_skips_what_kvalitativ_generated():
    """Run ids and pseudonyms are hex: their digits may look like a CPR number or a phone."""
    frame = pd.DataFrame({
        "run_id": ["r150387123500"],
        "person_id": ["P1503871235abcdef"],
        "segment_id": ["N2030405020304050:s3"],
        "label": ["fravær, trivsel"],
    })
    assert identifier_hits(frame) == {}
    frame["label"] = ["ring 20 30 40 50"]
    assert identifier_hits(frame) == {"label": {"TELEFON": 1}}


def test_guard_refuses_an_english_phone_in_a_quote():
    """A trial's English notes: `07700 900142` was in no pattern, so it reached `quotes` and the report."""
    frame = pd.DataFrame({"quote": ["Counsellor informed. [NAVN] called from 07700 900142.",
                                    "Lives at 12 Baker Street, London.", "Met on 12 May."]})
    assert identifier_hits(frame) == {"quote": {"TELEFON": 1, "ADRESSE": 1}}
    # an address that opens a cell is scanned too (a review: the quick filter let "12 Oak Road" by),
    # and an English class or court is no address (it stopped the run)
    units = pd.DataFrame({"unit_id": ["12 Baker Street, London", "221B Baker Street", "Year 9 Oak Court",
                                      "2 Youth Court", "Vestskolen"]})
    assert identifier_hits(units) == {"unit_id": {"ADRESSE": 2}}


def test_guard_refuses_the_foreign_formats_the_redactor_finds():
    """The guard shares the redactor's patterns: each new spelling stops a write, also alone in a cell
    (the quick filter let "350 5th Avenue" by), and the look-alikes do not."""
    phones = ["555 123 4567", "Dad: 1-555-123-4567", "(0)7700 900839", "07700.900.839", "06 45 12 34 56"]
    addresses = ["12 baker street", "12 O'Connell Street", "350 5th Avenue", "350 Fifth Avenue, New York"]
    frame = pd.DataFrame({"phone": phones + [None] * (len(addresses) - len(phones)),
                          "unit_id": addresses + [None] * (len(phones) - len(addresses))})
    assert identifier_hits(frame) == {"phone": {"TELEFON": len(phones)}, "unit_id": {"ADRESSE": len(addresses)}}
    values = ["Afdeling nr. 0123 456789", "Account no. 0161 496 0000", "Open 08 00 12 00", "Scores 3 4 5 6 7",
              "5th Avenue", "Year 9 Oak Court", "Class 12 Baker Street trip", "a 2 hour drive", "2019 2020 2021",
              "Minutes 05 15 25 35 45"]
    assert identifier_hits(pd.DataFrame({"label": values})) == {}
    # the part left readable before: "(0)20" before the number
    assert redact_labels(pd.Series(["Aunt (0)20 7946 0958"]), ("TELEFON",))[0].tolist() == ["Aunt [TELEFON]"]


def test_write_tables_refuses_and_writes_nothing(tmp_path):
    tables = {"themes": pd.DataFrame({"theme_id": ["t1"], "label": ["mail: mette@gmail.com"]})}
    with pytest.raises(IdentifierError, match="'themes'.*'label'"):
        write_tables(tmp_path, tables)
    assert not any(tmp_path.rglob("themes*"))


def test_guard_cost_is_per_distinct_value():
    """A million rows of a few units is a few scans (the guard reads distinct values)."""
    frame = pd.DataFrame({"unit_id": ["Vestre Skole", "Østre Skole 2"] * 500_000})
    assert identifier_hits(frame) == {}


def test_report_pages_are_scanned_too(tmp_path):
    from kvalitativ.privacy.guard import assert_no_identifiers_in_report

    page = tmp_path / "report.html"
    library = "<script>/**\n* plotly.js v4.1.1\n*/\nvar x=1503871235;</script>"  # an inline library: skipped
    page.write_text(f"<html>{library}<p>Run r150387123500, person P1503871235abcdef</p></html>", encoding="utf-8")
    assert_no_identifiers_in_report(page)
    page.write_text('<html><script>var data={"unit":"Kontakt 20 30 40 50"};</script></html>', encoding="utf-8")
    with pytest.raises(IdentifierError, match="report.html.*TELEFON") as err:
        assert_no_identifiers_in_report(page)
    assert "20 30" not in str(err.value)


def test_a_report_with_an_identifier_is_not_published(tmp_path):
    from kvalitativ.io.publish import publishing

    out = tmp_path / "out"
    with pytest.raises(IdentifierError):
        with publishing(out, keep_published=False) as pub:
            (pub.staging / "report.html").write_text("<p>ring 20 30 40 50</p>", encoding="utf-8")
    assert not out.exists() and not list(tmp_path.glob("out.staging-*"))
