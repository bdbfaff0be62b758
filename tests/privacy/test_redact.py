"""The Redactor API: placeholders, counts by type (never values), whole columns, the report."""

from __future__ import annotations

from collections import Counter

import pandas as pd

from kvalitativ.privacy import RedactionReport, Redactor, redact_texts
from kvalitativ.privacy.redact import redaction_report

NOTE = (
    "Samtale med Mikkel Holm Jensen (cpr 010203-1234) og mor Birgitte, tlf. +45 20 30 40 50, "
    "mail birgitte.jensen@gmail.com. Familien er flyttet til Skovvænget 12, 2. tv., 5200 Odense V. "
    "Han går på Tarup Skole og fik 7 i dansk den 31-12-2023."
)


def test_every_type_replaced_by_its_placeholder():
    out, counts = Redactor().redact(NOTE, ["Mikkel Holm Jensen"])
    assert out == (
        "Samtale med [NAVN] (cpr [CPR]) og mor [NAVN], tlf. [TELEFON], "
        "mail [EMAIL]. Familien er flyttet til [ADRESSE]. "
        "Han går på Tarup Skole og fik 7 i dansk den 31-12-2023."
    )
    assert counts == Counter({"NAVN": 2, "CPR": 1, "TELEFON": 1, "EMAIL": 1, "ADRESSE": 1})


def test_find_reports_spans_types_and_confidence():
    finds = Redactor().find("Ring 20304050 eller skriv til a@b.dk")
    assert [(f.type, f.confidence) for f in finds] == [("TELEFON", "high"), ("EMAIL", "high")]


def test_empty_and_missing_texts_pass_through():
    r = Redactor()
    assert r.redact("") == ("", Counter())
    assert r.redact(None) == (None, Counter())
    texts, counts = r.redact_texts(["", None, "Intet at fjerne her."])
    assert texts == ["", None, "Intet at fjerne her."] and counts == Counter()


def test_redact_texts_uses_each_rows_names():
    texts = ["Zenobia kom i dag.", "Zenobia kom i dag.", "Qvist ringede."]
    out, counts = redact_texts(texts, names_per_row=[["Zenobia Qvist"], [], "Zenobia Qvist"], gazetteer=False)
    assert out == ["[NAVN] kom i dag.", "Zenobia kom i dag.", "[NAVN] ringede."]
    assert counts == Counter({"NAVN": 2})


def test_redact_texts_matches_redact_one_by_one():
    texts = [NOTE, "Per uge har han 3 fraværsdage.", "Hun bor på Vestergade 3."]
    r = Redactor()
    out, counts = r.redact_texts(texts)
    assert out == [r.redact(t)[0] for t in texts]
    assert counts == sum((r.redact(t)[1] for t in texts), Counter())


def test_report_counts_types_never_values():
    _, counts = Redactor().redact(NOTE, ["Mikkel Holm Jensen"])
    frame = RedactionReport(counts).to_frame()
    assert list(frame.columns) == ["type", "placeholder", "n_redacted"]
    assert frame.set_index("type")["n_redacted"].to_dict() == {"CPR": 1, "TELEFON": 1, "EMAIL": 1, "ADRESSE": 1, "NAVN": 2}
    flat = frame.to_csv(index=False)
    for value in ("Mikkel", "010203", "20 30", "gmail", "Skovvænget"):
        assert value not in flat


def test_report_lists_every_type_even_when_none_found():
    frame = redaction_report(Counter())
    assert frame["n_redacted"].tolist() == [0, 0, 0, 0, 0]
    assert isinstance(frame, pd.DataFrame)


def test_sample_corpus_planted_identifiers_do_not_survive(sample_dir):
    """Every planted identifier of the shipped sample corpus is gone after redaction."""
    notes_path, planted_path = sample_dir / "notes.csv", sample_dir / "pii_planted.csv"
    if not planted_path.exists():
        import pytest

        pytest.skip("sample corpus not generated")
    notes = pd.read_csv(notes_path, sep=";", dtype=str, keep_default_na=False)
    planted = pd.read_csv(planted_path, dtype=str, keep_default_na=False)
    planted = planted[planted["note_id"].isin(set(notes["NotatID"]))]
    by_id = notes.set_index("NotatID")
    r = Redactor()
    leaks = []
    for nid, group in planted.groupby("note_id"):
        row = by_id.loc[nid]
        out = r.redact(row["Notat"], [row["Navn"]])[0]
        for value in group["value"]:
            if value in out:
                leaks.append((nid, value))
    assert leaks == []


def test_idempotent_where_a_placeholder_changes_its_neighbours_context():
    r = Redactor()
    for text, names in [
        ("5000 2023/24a@b.dk", []),  # the e-mail takes "24", then "5000 2023" reads as a phone
        ("Mikkel Mikkel-Per", ["Mikkel Jensen"]),  # an exact name inside a longer name
        ("Mikkel010203-1234", []),
        ("010203-1234-010203-1234", []),
    ]:
        once = r.redact(text, names)[0]
        assert r.redact(once, names)[0] == once, text
