"""Keyed pseudonyms: not reversible by enumerating a birth year, stable under one key, apart under two."""

from __future__ import annotations

import hashlib
import hmac
import json
import stat
from datetime import date, timedelta

import pandas as pd
import pytest

from kvalitativ.config import config_from_dict, load_config
from kvalitativ.errors import ConfigError
from kvalitativ.io.ingest import ingest_notes, read_indicators
from kvalitativ.privacy.pseudonym import (KEY_ENV, KEY_FILE_ENV, key_fingerprint, load_key, pseudonym,
                                         pseudonymize_ids)

#: CPR-shaped ids of young people born on three days of 2008 (serials chosen at random by hand).
BIRTHS = [date(2008, 3, 15), date(2008, 7, 1), date(2008, 11, 30)]
CPRS = [f"{d:%d%m%y}-{serial:04d}" for d in BIRTHS for serial in (1234, 4821, 9907)]


def _old_scheme(cpr_digits: str, salt: str = "kvalitativ") -> str:
    """The scheme before keyed pseudonyms (public in the old source, salt published in run.json)."""
    return "P" + hashlib.sha256(f"{salt}:{cpr_digits}".encode()).hexdigest()[:12]


def _enumerate_day(day: date, hash_fn) -> dict[str, str]:
    """An attacker's table for one birth date: every one of its 10,000 CPR numbers → hash."""
    return {hash_fn(f"{day:%d%m%y}{serial:04d}"): f"{day:%d%m%y}{serial:04d}" for serial in range(10_000)}


def _notes_file(tmp_path, ids):
    path = tmp_path / "notes.csv"
    rows = [f"N{i};{pid};Skole A;0{1 + i % 9}-02-2024;Eleven har svært ved at møde til tiden." for i, pid in enumerate(ids)]
    path.write_text("NotatID;CPR;Skole;Dato;Notat\n" + "\n".join(rows) + "\n", encoding="utf-8")
    return path


def test_birth_year_enumeration_does_not_reverse_keyed_pseudonyms(tmp_path):
    """The attack of the issue, with everything an outsider has: the old formula with the
    published default salt, an unkeyed hash, and HMAC under every hex string and word the
    published folder holds. The positive control shows the same enumeration reverses the old scheme."""
    cfg = config_from_dict({"ingest": {"notes": str(_notes_file(tmp_path, CPRS))}}, base_dir=tmp_path)
    published = set(ingest_notes(cfg.ingest.notes, cfg.ingest, cfg.privacy).corpus["person_id"])
    assert len(published) == len(CPRS) and all(p.startswith("P") for p in published)
    key = load_key(cfg.privacy.key_file)
    guesses = [b"", b"kvalitativ", key_fingerprint(key).encode(), bytes.fromhex(key_fingerprint(key))]
    attacks = [lambda d: _old_scheme(d), lambda d: "P" + hashlib.sha256(d.encode()).hexdigest()[:16]]
    attacks += [lambda d, g=g: pseudonym(d, g) for g in guesses]
    recovered = set()
    for attack in attacks:
        for day in BIRTHS:
            table = _enumerate_day(day, attack)
            recovered |= {table[p] for p in published if p in table}
    assert recovered == set()
    # positive control: the same enumeration reverses every id under the old scheme
    old = {_old_scheme(c.replace("-", "")) for c in CPRS}
    found = set()
    for day in BIRTHS:
        table = _enumerate_day(day, _old_scheme)
        found |= {table[p] for p in old if p in table}
    assert found == {c.replace("-", "") for c in CPRS}


def test_key_is_created_once_with_0600_outside_the_output(tmp_path):
    cfg = config_from_dict({"out": str(tmp_path / "out")}, base_dir=tmp_path)
    key_file = tmp_path / "kvalitativ-pseudonym.key"
    assert cfg.privacy.key_file == str(key_file)
    key = load_key(cfg.privacy.key_file)
    assert len(key) == 32 and stat.S_IMODE(key_file.stat().st_mode) == 0o600
    assert load_key(cfg.privacy.key_file) == key  # read, not made again
    assert not (tmp_path / "out").exists()


def test_one_key_gives_equal_pseudonyms_two_keys_disjoint(tmp_path, monkeypatch):
    notes = _notes_file(tmp_path, CPRS)
    ind = tmp_path / "ind.csv"
    ind.write_text("CPR;dropout\n" + "\n".join(f"{c};0" for c in CPRS) + "\n", encoding="utf-8")

    def persons(key_file):
        cfg = config_from_dict({"ingest": {"notes": str(notes)}, "privacy": {"key_file": str(key_file)}})
        corpus = ingest_notes(notes, cfg.ingest, cfg.privacy).corpus
        indicators, _ = read_indicators(ind, cfg.ingest, cfg.privacy)
        assert set(corpus["person_id"]) == set(indicators["person_id"])  # notes and indicators join
        return list(corpus["person_id"])

    first, again = persons(tmp_path / "a.key"), persons(tmp_path / "a.key")
    other = persons(tmp_path / "b.key")
    assert first == again
    assert set(first).isdisjoint(other)
    # the environment names the key the same way
    monkeypatch.setenv(KEY_FILE_ENV, str(tmp_path / "a.key"))
    assert persons(tmp_path / "ignored.key") == first
    monkeypatch.setenv(KEY_ENV, (tmp_path / "b.key").read_text().strip())
    assert persons(tmp_path / "ignored.key") == other


def test_domains_and_modes():
    key = bytes(range(32))
    ids = pd.Series(["150308-1234", "1503081234", "E77", ""])
    auto = pseudonymize_ids(ids, key)
    assert auto[0] == auto[1] and auto[2] == "E77" and auto[3] == ""
    assert auto[0] == "P" + hmac.new(key, b"id:person_id:1503081234", hashlib.sha256).hexdigest()[:16]
    always = pseudonymize_ids(ids, key, "always", prefix="N", domain="note_id")
    assert always[2].startswith("N") and always[0] != auto[0]
    assert pseudonymize_ids(ids, key, "never").equals(ids)
    with pytest.raises(ConfigError, match="auto, always or never"):
        pseudonymize_ids(ids, key, "sometimes")


def test_a_damaged_or_missing_key_is_a_clear_error(tmp_path):
    bad = tmp_path / "bad.key"
    bad.write_text("not a key\n")
    with pytest.raises(ConfigError, match="Restore the key"):
        load_key(bad)
    with pytest.raises(ConfigError, match="not found"):
        load_key(tmp_path / "none.key", create=False)


def test_a_key_file_inside_the_output_folder_is_refused(tmp_path):
    with pytest.raises(ConfigError, match="inside the output folder"):
        config_from_dict({"out": "out", "privacy": {"key_file": "out/k.key"}}, base_dir=tmp_path)


def test_a_config_with_a_salt_says_what_to_do(tmp_path):
    path = tmp_path / "k.yaml"
    path.write_text("ingest:\n  pseudonym_salt: hemmelig\n", encoding="utf-8")
    with pytest.raises(ConfigError, match="pseudonym_salt.*Delete the line.*privacy.key_file"):
        load_config(path)


def test_run_json_holds_no_key_salt_or_local_path(tmp_path):
    from kvalitativ.privacy.manifest import public_manifest

    notes = _notes_file(tmp_path, CPRS)
    cfg = config_from_dict({"out": "out", "ingest": {"notes": "notes.csv"}}, base_dir=tmp_path)
    text = json.dumps(public_manifest(cfg))
    key = load_key(cfg.privacy.key_file)
    assert key.hex() not in text and str(tmp_path) not in text and "salt" not in text
    manifest = json.loads(text)
    assert manifest["inputs"]["notes"]["file"] == "notes.csv"
    assert manifest["inputs"]["notes"]["sha256"] == hashlib.sha256(notes.read_bytes()).hexdigest()
    assert manifest["pseudonym_key"]["fingerprint"] == key_fingerprint(key)


def test_cpr_numbers_that_lost_their_leading_zero_are_pseudonymised_and_join_the_full_ones():
    """Excel makes a CPR column a number and drops the zero of everyone born on day 1–9: the
    nine-digit values were published as person ids (a new user's trial, .xlsx and saved CSV)."""
    key = bytes(range(32))
    excel = pd.Series(["0803558023", "803558023", "1503871235", "501249644"])  # half lost their zero
    out = pseudonymize_ids(excel, key)
    assert all(str(v).startswith("P") and len(v) == 17 for v in out)
    assert out[0] == out[1]  # the same person, both spellings: notes and indicators still join
    all_lost = pseudonymize_ids(pd.Series(["803558023", "501249644", "408779172"]), key)
    assert all(v.startswith("P") for v in all_lost)
    text_export = pseudonymize_ids(pd.Series(["0501249644"]), key)
    assert text_export[0] == all_lost[1]


def test_made_up_nine_digit_ids_stay_as_they_are():
    """About one in ten random nine-digit numbers fit a CPR date: that alone is no CPR column."""
    import numpy as np

    rng = np.random.default_rng(0)
    ids = pd.Series([str(v) for v in rng.integers(100_000_000, 999_999_999, 200)])
    assert pseudonymize_ids(ids, bytes(range(32))).equals(ids)


def test_an_id_column_holding_names_is_pseudonymised_under_auto():
    """An export whose 'Elev' column holds the pupil's name published the names as person_id."""
    ids = pd.Series(["Villads Madsen", "Ahmed Al-Sayed", "Anne-Marie Ø. Jensen", "Hansen, Mette", "Mette\u00a0Hansen",
                     "Mette  Hansen", "E00123", "Østerbyskolen"])
    out = pseudonymize_ids(ids, bytes(range(32)))
    assert all(v.startswith("P") and len(v) == 17 for v in out[:6])
    assert out[6] == "E00123" and out[7] == "Østerbyskolen"  # internal ids stay (one word, or digits)
