"""Identifiers in ids and unit columns never reach the corpus as they were written (issue 19)."""

from __future__ import annotations

import pandas as pd

from kvalitativ.config import PrivacyConfig
from kvalitativ.io.ingest import ingest_notes, published_note_ids, read_indicators

ROWS = [
    ("J-1503871235-7", "S-1503871235", "Kontakt 20 30 40 50", "01-02-2024", "Eleven har haft en god uge."),
    ("J-1503871235-8", "S-1503871235", "Kontakt 20 30 40 50", "02-02-2024", "Fravær i tre dage."),
    ("N000003", "E00003", "H.C. Andersen Skolen", "03-02-2024", "Trives i klassen."),
    ("J-1503871235-7", "E00004", "H.C. Andersen Skolen", "04-02-2024", "En anden note med samme id."),
]


def _export(tmp_path):
    path = tmp_path / "notes.csv"
    frame = pd.DataFrame(ROWS, columns=["NotatID", "ElevID", "Skole", "Dato", "Notat"])
    frame.to_csv(path, sep=";", index=False)
    (tmp_path / "ind.csv").write_text("person_id,dropout\nS-1503871235,1\nE00003,0\n", encoding="utf-8")
    return path


def test_ids_and_units_with_identifiers(tmp_path):
    privacy = PrivacyConfig(key_file=str(tmp_path / "key"))
    result = ingest_notes(_export(tmp_path), privacy=privacy)
    corpus = result.corpus
    note_ids = corpus["note_id"].tolist()
    # case-file numbers with a CPR number become keyed pseudonyms; plain ids stay (joins with hand codes hold)
    assert note_ids[2] == "N000003"
    assert all(n.startswith("N") and len(n) == 17 for n in (note_ids[0], note_ids[1])) and note_ids[0] != note_ids[1]
    assert note_ids == published_note_ids(pd.Series([r[0] for r in ROWS[:3]]), privacy).tolist()
    # the unit column: the phone number is replaced, the same value the same way; names in unit names stay
    assert corpus["unit_id"].tolist() == ["Kontakt [TELEFON]", "Kontakt [TELEFON]", "H.C. Andersen Skolen"]
    # the reject of the repeated id does not quote the CPR number
    detail = " ".join(result.rejects["detail"].astype(str))
    assert "1503871235" not in detail and "duplicate_note_id" in result.rejects["reason"].tolist()
    # person ids holding a CPR number are pseudonymised in notes and indicators alike, so they join
    indicators, _ = read_indicators(tmp_path / "ind.csv", privacy=privacy)
    assert set(corpus["person_id"]) >= set(indicators["person_id"])
    assert not any("1503871235" in str(v) for v in corpus.astype(str).to_numpy().ravel())
