"""Texts shared across persons: counted, and never split across cross-validation folds."""

from __future__ import annotations

import numpy as np
import pandas as pd
import yaml

from kvalitativ.link.added_value import _folds
from kvalitativ.link.duplicates import shared_texts

from .conftest import DATA


def test_persons_with_the_same_notes_are_grouped_a_shared_line_is_only_counted():
    corpus = pd.DataFrame({"person_id": ["a", "b", "c", "c", "d"],
                           "text": ["Same  letter.", "same letter.", "Same letter.", "More of my own.", "alone"]})
    shared = shared_texts(corpus)
    assert shared.n_notes == 3 and shared.n_persons == 3  # the letter, in a, b and c
    assert shared.groups == {"a": "a", "b": "a"}  # c wrote more than the copy: not grouped
    assert "d" not in shared.groups


def test_stored_text_hashes_group_as_the_text_does_and_the_link_reads_no_text(tmp_path):
    """The link reads each note's text as a hash made a batch at a time: the same groups, no text in memory."""
    from kvalitativ.config import RunConfig
    from kvalitativ.io.duplicates import stored_text_hashes
    from kvalitativ.io.store import write_tables
    from kvalitativ.link.stage import read_link_inputs

    notes = pd.read_csv(DATA / "petitions.csv").rename(columns={"author_id": "person_id", "body": "text"})
    notes = notes.assign(note_id=[f"n{i}" for i in range(len(notes))], person_id=notes["person_id"].astype(str))
    notes.loc[[0, 1], "text"] = ["", None]  # empty notes are copies of nothing
    write_tables(tmp_path, {"corpus": notes[["note_id", "person_id", "text"]],
                            "codings": pd.DataFrame({"note_id": ["n0"], "theme_id": ["t"], "valence": ["neutral"]})},
                 run_id="r1", formats=("parquet",))
    hashes = stored_text_hashes(tmp_path, batch_size=7)  # many batches
    by_text, by_hash = shared_texts(notes), shared_texts(notes.assign(text_hash=hashes).drop(columns="text"))
    assert by_hash.groups == by_text.groups and len(by_text.groups) >= 20
    assert (by_hash.n_notes, by_hash.n_persons) == (by_text.n_notes, by_text.n_persons)
    codings, corpus = read_link_inputs(tmp_path, tmp_path, RunConfig())
    assert "text" not in corpus.columns and (corpus["text_hash"].to_numpy() == hashes).all()
    assert list(codings.columns) == ["run_id", "note_id", "theme_id", "valence"]


def test_folds_never_split_a_group_of_the_petitions_template_letter():
    notes = pd.read_csv(DATA / "petitions.csv")
    shared = shared_texts(notes.rename(columns={"author_id": "person_id", "body": "text"}))
    assert len(shared.groups) >= 20  # the template letter and recurring short petitions
    persons = notes["author_id"].astype(str).tolist()
    y = np.array([i % 3 == 0 for i in range(len(persons))], dtype=int)
    for _, test in _folds(y, persons, shared.groups, 5, 0):
        held_out = {shared.groups.get(persons[i], persons[i]) for i in test}
        trained = {shared.groups.get(persons[i], persons[i]) for i in set(range(len(persons))) - set(test)}
        assert not held_out & trained


def test_ingest_reports_shared_texts_in_a_table_and_a_line(tmp_path):
    """The petitions export holds a template letter signed by many: ingest says so and lists the
    notes; the streamed engine (chunks of 40 rows, so copies fall in different chunks) writes the
    same table."""
    from .conftest import kv, petitions_config

    config = petitions_config(tmp_path)
    status, out = kv("ingest", DATA / "petitions.csv", "--config", config, "--out", tmp_path / "ing")
    assert status == 0, out
    assert "integrity:" in out and "duplicate_texts" in out
    table = pd.read_parquet(tmp_path / "ing" / "parquet" / "duplicate_texts.parquet")
    notes = pd.read_csv(DATA / "petitions.csv")
    keys = notes["body"].astype(str).str.lower().str.split().str.join(" ")
    by_key = notes.assign(key=keys).groupby("key")["author_id"].nunique()
    expected = notes[keys.isin(by_key[by_key > 1].index)]
    assert len(table) == len(expected) > 0
    top = table[table["text_group"] == 1]
    assert top["n_persons"].iloc[0] == by_key.max() and top["n_notes"].iloc[0] == len(top)
    assert {"text", "body", "person_id"}.isdisjoint(table.columns)

    cfg = yaml.safe_load(config.read_text(encoding="utf-8"))
    cfg["chunk_size"] = 40
    streamed_config = tmp_path / "streamed.yaml"
    streamed_config.write_text(yaml.safe_dump(cfg, allow_unicode=True), encoding="utf-8")
    status, out = kv("ingest", DATA / "petitions.csv", "--config", streamed_config, "--engine", "streamed",
                     "--out", tmp_path / "ing-streamed")
    assert status == 0, out
    streamed = pd.read_parquet(tmp_path / "ing-streamed" / "parquet" / "duplicate_texts.parquet")
    pd.testing.assert_frame_equal(streamed, table)
