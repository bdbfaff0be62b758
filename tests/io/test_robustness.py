"""Ingest survives what real exports contain, and never loses a row (property-based)."""

from __future__ import annotations

import csv
import io

import pandas as pd
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from kvalitativ.config import IngestConfig, PrivacyConfig
from kvalitativ.io.ingest import ingest_notes
from kvalitativ.text.clean import clean_text

NO_REDACT = PrivacyConfig(redact=False)
text_cells = st.text(st.characters(blacklist_categories=("Cs",), blacklist_characters="\x00"), max_size=200)


def write_rows(path, rows, sep, encoding):
    buffer = io.StringIO()
    writer = csv.writer(buffer, delimiter=sep, lineterminator="\r\n")
    writer.writerow(["NotatID", "ElevID", "Dato", "Notat"])
    writer.writerows(rows)
    path.write_bytes(buffer.getvalue().encode(encoding, errors="replace"))


@settings(max_examples=60, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture])
@given(
    texts=st.lists(text_cells, min_size=1, max_size=25),
    sep=st.sampled_from([",", ";", "\t"]),
    encoding=st.sampled_from(["utf-8", "utf-8-sig"]),
    dup=st.booleans(),
)
def test_every_row_is_accounted_for(tmp_path_factory, texts, sep, encoding, dup):
    path = tmp_path_factory.mktemp("h") / "n.csv"
    rows = [(f"N{i}", f"E{i % 3}", "01-02-2023", t) for i, t in enumerate(texts)]
    if dup:
        rows = rows + rows[:3]
    write_rows(path, rows, sep, encoding)
    try:
        result = ingest_notes(path, privacy=NO_REDACT)
    except Exception as exc:  # only the documented, actionable error is allowed
        from kvalitativ.errors import InputError

        assert isinstance(exc, InputError), exc
        return
    assert len(result.corpus) + len(result.rejects) == result.n_read
    by_id = dict(zip(result.corpus["note_id"], result.corpus["text"]))
    for note_id, _, _, text in rows[: len(texts)]:
        if note_id in by_id:
            assert by_id[note_id] == clean_text(text)


def test_thousands_of_duplicate_rows(tmp_path):
    rows = [("N1", "E1", "01-02-2023", "Møder stabilt 😊")] * 5000
    path = tmp_path / "dups.csv"
    write_rows(path, rows, ";", "utf-8")
    result = ingest_notes(path, privacy=NO_REDACT)
    assert len(result.corpus) == 1 and result.corpus["text"][0] == "Møder stabilt 😊"
    assert (result.rejects["reason"] == "duplicate_row").sum() == 4999


def test_huge_and_junk_notes_are_rejected_with_reasons(tmp_path):
    rows = [
        ("N1", "E1", "01-02-2023", "x" * 500_000),                        # a huge note / very long line
        ("N2", "E2", "01-02-2023", "\ufffd" * 50 + "ab"),                 # replacement-char junk
        ("N3", "E3", "01-02-2023", "<div>Elev&nbsp;har det <i>godt</i></div>"),
        ("N4", "E4", "01-02-2023", ""),
    ]
    path = tmp_path / "junk.csv"
    write_rows(path, rows, ";", "utf-8")
    result = ingest_notes(path, IngestConfig(max_chars=20_000), NO_REDACT)
    reasons = dict(zip(result.rejects["source_row"], result.rejects["reason"]))
    assert reasons == {2: "text_too_long", 3: "binary_content", 5: "empty_text"}
    assert result.corpus["text"].tolist() == ["Elev har det godt"]
