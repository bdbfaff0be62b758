"""privacy.redact: true, false or a list of the identifier types to redact; kept types stay in
the text, the last guard lets them through, run.json records them."""

from __future__ import annotations

import pandas as pd
import pytest

from kvalitativ.config import PrivacyConfig, RunConfig, config_from_dict
from kvalitativ.errors import ConfigError
from kvalitativ.io.ingest import ingest_notes
from kvalitativ.io.store import write_tables
from kvalitativ.privacy.guard import IdentifierError
from kvalitativ.privacy.kinds import TYPES, kept_types, redact_types
from kvalitativ.privacy.manifest import public_manifest
from kvalitativ.privacy.redact import Redactor
from tests.conftest import write_csv

TEXT = "Mikkel Jensen (010203-1234) bor på Vestergade 12, 5000 Odense C, tlf. 20 30 40 50, mikkel@mail.dk."


@pytest.mark.parametrize(
    "value, expected",
    [
        (True, TYPES),
        (False, ()),
        (["CPR", "TELEFON", "EMAIL", "ADRESSE"], ("CPR", "TELEFON", "EMAIL", "ADRESSE")),
        (["name", "cpr"], ("CPR", "NAVN")),
        (["[ADRESSE]", "Phone", "e-mail"], ("TELEFON", "EMAIL", "ADRESSE")),
        ("navn", ("NAVN",)),
        ([], ()),
    ],
)
def test_redact_types_reads_every_spelling(value, expected):
    assert redact_types(value) == expected
    assert kept_types(value) == tuple(t for t in TYPES if t not in expected)


@pytest.mark.parametrize("value", [["CPR", "passport"], 3, {"cpr": True}])
def test_unknown_types_are_a_config_error(value):
    with pytest.raises(ConfigError, match="privacy.redact"):
        redact_types(value)


def test_config_checks_privacy_redact_and_ingest_language_when_loaded():
    cfg = config_from_dict({"privacy": {"redact": ["cpr", "phone", "email", "address"]}, "ingest": {"language": "en"}})
    assert kept_types(cfg.privacy.redact) == ("NAVN",)
    assert cfg.ingest.language == "en"
    with pytest.raises(ConfigError, match="privacy.redact"):
        config_from_dict({"privacy": {"redact": ["cpr", "social"]}})
    with pytest.raises(ConfigError, match="ingest.language"):
        config_from_dict({"ingest": {"language": "sv"}})


def test_a_kept_type_stays_in_the_text_and_takes_no_other_placeholder():
    keep_names = Redactor(types=("CPR", "TELEFON", "EMAIL", "ADRESSE"))
    out, counts = keep_names.redact(TEXT)
    assert out.startswith("Mikkel Jensen ([CPR]) bor på [ADRESSE], tlf. [TELEFON], [EMAIL].")
    assert "NAVN" not in counts
    keep_phones = Redactor(types=("CPR", "EMAIL", "ADRESSE", "NAVN"))
    out = keep_phones.redact(TEXT)[0]
    assert "20 30 40 50" in out and "[CPR]" in out and "[NAVN]" in out
    assert Redactor(types=()).redact(TEXT)[0] == TEXT


def test_from_config_follows_privacy_redact():
    r = Redactor.from_config(PrivacyConfig(redact=["cpr"]), language="da")
    assert r.types == frozenset({"CPR"}) and r.language == "da"
    assert r.redact(TEXT)[0] == TEXT.replace("010203-1234", "[CPR]")


def test_ingest_redacts_only_the_configured_types(tmp_path):
    path = write_csv(tmp_path / "notes.csv", ["NotatID", "ElevID", "Dato", "Notat"],
                     [("N1", "E1", "2024-01-15", TEXT)])
    keep_names = ingest_notes(path, privacy=PrivacyConfig(redact=["CPR", "TELEFON", "EMAIL", "ADRESSE"]))
    text = keep_names.corpus["text"].iloc[0]
    assert "Mikkel Jensen" in text and "[CPR]" in text and "010203-1234" not in text
    assert "NAVN" not in keep_names.redactions
    default = ingest_notes(path, privacy=PrivacyConfig())
    assert "Mikkel" not in default.corpus["text"].iloc[0]


def test_the_last_guard_lets_only_kept_types_through(tmp_path):
    quotes = pd.DataFrame({"theme_id": ["t1"], "quote": ["Ring på 20 30 40 50 i morgen."], "n_persons": [9]})
    with pytest.raises(IdentifierError):
        write_tables(tmp_path / "a", {"quotes": quotes}, "r1", formats=("csv",))
    written = write_tables(tmp_path / "b", {"quotes": quotes}, "r1", formats=("csv",), kept_types=("TELEFON",))
    assert written["quotes"]
    cpr = quotes.assign(quote=["CPR 010203-1234 står her."])
    with pytest.raises(IdentifierError):  # keeping phones does not let a CPR number through
        write_tables(tmp_path / "c", {"quotes": cpr}, "r1", formats=("csv",), kept_types=("TELEFON",))


def test_run_json_records_the_kept_types(tmp_path):
    cfg = RunConfig()
    cfg.privacy = PrivacyConfig(redact=["CPR", "TELEFON", "EMAIL", "ADRESSE"], key_file=str(tmp_path / "k.key"))
    cfg.ingest.pseudonymize = "never"
    assert public_manifest(cfg)["redaction"] == {"redacted": ["CPR", "TELEFON", "EMAIL", "ADRESSE"], "kept": ["NAVN"]}


def _with_a_name_in_every_quote(dataset):
    """The synthetic corpus with the first 7 characters of each note's first coded span replaced by
    "Mikkel " (same length, so every span's offsets still hold)."""
    corpus = dataset.corpus.copy()
    first = dataset.codings.sort_values("start").groupby("note_id")["start"].first()
    texts = dict(zip(corpus["note_id"], corpus["text"]))
    for note_id, start in first.items():
        t = texts[note_id]
        texts[note_id] = t[:start] + "Mikkel " + t[start + 7:]
    corpus["text"] = corpus["note_id"].map(texts)
    return corpus


def test_quotes_are_redacted_again_with_the_configured_redactor():
    from kvalitativ.evidence import summarize
    from tests.evidence.synthetic import make_dataset

    dataset = make_dataset()
    tables = dict(codings=dataset.codings, corpus=_with_a_name_in_every_quote(dataset), themes=dataset.themes)
    default = RunConfig()
    default.link.enabled = False
    keep_names = RunConfig()
    keep_names.link.enabled = False
    keep_names.privacy = PrivacyConfig(redact=["CPR", "TELEFON", "EMAIL", "ADRESSE"])
    quotes = summarize(tables, default)["quotes"]["quote"]
    kept = summarize(tables, keep_names)["quotes"]["quote"]
    assert len(quotes) and not quotes.str.contains("Mikkel").any() and quotes.str.contains(r"\[NAVN\]").any()
    assert kept.str.contains("Mikkel").any() and not kept.str.contains(r"\[NAVN\]").any()


def test_the_report_guard_follows_the_types_run_json_says_were_kept(tmp_path):
    import json

    import pytest

    from kvalitativ.privacy.guard import (GUARD_TYPES, IdentifierError, assert_no_identifiers_in_report,
                                          guard_types_of_folder)

    page = tmp_path / "report.html"
    page.write_text("<html><body><p>Ring til kontoret på 23 45 67 89.</p></body></html>", encoding="utf-8")
    assert guard_types_of_folder(tmp_path) == GUARD_TYPES  # no run.json: every type
    with pytest.raises(IdentifierError, match="TELEFON"):
        assert_no_identifiers_in_report(page, guard_types_of_folder(tmp_path))
    (tmp_path / "run.json").write_text(json.dumps({"redaction": {"redacted": ["CPR"], "kept": ["TELEFON"]}}),
                                       encoding="utf-8")
    assert "TELEFON" not in guard_types_of_folder(tmp_path)
    assert_no_identifiers_in_report(page, guard_types_of_folder(tmp_path))  # kept on purpose: no error
