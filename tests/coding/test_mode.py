"""``code.exclusive: auto``: single-label when the hand codes give every note at most one theme."""

from __future__ import annotations

import numpy as np
import pandas as pd
import pytest
import yaml
from click.testing import CliRunner

from kvalitativ.cli import cli
from kvalitativ.coding.api import make_coder
from kvalitativ.coding.base import note_top_only
from kvalitativ.coding.mode import MIN_NOTES, resolve_exclusive
from kvalitativ.config import config_from_dict
from kvalitativ.errors import ConfigError
from kvalitativ.io.store import read_stage_table

from .conftest import CODEBOOK, make_corpus


def _single(gold: pd.DataFrame) -> pd.DataFrame:
    """The gold with each note's first theme only (notes without a theme listed as 'uncoded')."""
    return gold.drop_duplicates("note_id")


def _codes(corpus, gold, n, single):
    ids = list(corpus["note_id"])[:n]
    g = gold[gold["note_id"].isin(ids)]
    g = _single(g) if single else g
    rest = [i for i in ids if i not in set(g["note_id"])]
    return pd.concat([g, pd.DataFrame({"note_id": rest, "theme_id": "uncoded"})], ignore_index=True)


def test_resolve_auto_from_the_hand_codes():
    corpus, gold = make_corpus(80, seed=4)
    assert gold.groupby("note_id")["theme_id"].nunique().max() == 2  # the gold itself is multi-label
    one = resolve_exclusive("auto", _codes(corpus, gold, 60, True), "note")
    assert one.exclusive and "every one of the 60 hand-coded notes" in one.reason
    assert "single-label" in one.line() and "--multi-label to override" in one.line()
    multi = resolve_exclusive("auto", _codes(corpus, gold, 60, False), "note")
    assert not multi.exclusive and "several themes" in multi.reason and "--exclusive to override" in multi.line()
    few = resolve_exclusive("auto", _codes(corpus, gold, MIN_NOTES - 1, True), "note")
    assert not few.exclusive and "only 19" in few.reason
    one_theme = pd.DataFrame({"note_id": [f"N{i}" for i in range(40)], "theme_id": "mobning"})
    assert not resolve_exclusive("auto", one_theme, "note").exclusive
    # explicit values win over the hand codes; zero-shot and sentence level stay multi-label
    assert resolve_exclusive(True, _codes(corpus, gold, 60, False), "note").exclusive
    assert not resolve_exclusive(False, _codes(corpus, gold, 60, True), "note").exclusive
    assert not resolve_exclusive("auto", None, "note").exclusive
    sentence = resolve_exclusive("auto", _codes(corpus, gold, 60, True), "sentence")
    assert sentence.exclusive and sentence.note_top and "each note keeps its top theme" in sentence.reason
    assert not resolve_exclusive("auto", _codes(corpus, gold, 60, False), "sentence").note_top
    assert not resolve_exclusive(True, _codes(corpus, gold, 60, True), "sentence").note_top  # true: per unit


def test_note_top_keeps_each_notes_best_theme():
    scores = np.array([[0.9, 0.1, 0.0], [0.2, 0.95, 0.0], [0.6, 0.0, 0.7], [0.0, 0.0, 0.1]])
    coded = np.array([[1, 0, 0], [0, 1, 0], [1, 0, 0], [0, 0, 0]], dtype=bool)
    notes = np.array(["a", "a", "b", "c"], dtype=object)
    got = note_top_only(scores, coded, notes)
    assert got.tolist() == [[False, False, False], [False, True, False], [True, False, False], [False, False, False]]


def test_sentence_level_auto_codes_one_theme_per_note(mini_codebook):
    corpus, gold = make_corpus(80, seed=4)
    kw = dict(level="sentence", embedder="tfidf", progress=False, prior=False)
    coder = make_coder(corpus, mini_codebook, "supervised", train=_codes(corpus, gold, 60, True), **kw)
    assert coder.note_top and coder.exclusive
    coded = coder.code(corpus)
    assert coded.groupby("note_id")["theme_id"].nunique().max() == 1
    multi = make_coder(corpus, mini_codebook, "supervised", train=_codes(corpus, gold, 60, True), exclusive=False, **kw)
    assert not multi.note_top and multi.code(corpus).groupby("note_id")["theme_id"].nunique().max() > 1


def test_note_top_is_a_parameter_that_clone_keeps(mini_codebook):
    from sklearn.base import clone

    corpus, gold = make_corpus(80, seed=4)
    kw = dict(level="sentence", embedder="tfidf", progress=False, prior=False)
    coder = make_coder(corpus, mini_codebook, "supervised", train=_codes(corpus, gold, 60, True), **kw)
    assert coder.get_params()["note_top"] is True
    assert clone(coder).note_top is True  # set after construction, clone dropped it


def test_make_coder_resolves_auto(mini_codebook):
    corpus, gold = make_corpus(80, seed=4)
    kw = dict(level="note", embedder="tfidf", progress=False, prior=False)
    assert make_coder(corpus, mini_codebook, "supervised", train=_codes(corpus, gold, 60, True), **kw).exclusive is True
    assert make_coder(corpus, mini_codebook, "supervised", train=_codes(corpus, gold, 60, False), **kw).exclusive is False
    assert make_coder(corpus, mini_codebook, "supervised", train=_codes(corpus, gold, 10, True), **kw).exclusive is False
    assert make_coder(corpus, mini_codebook, "supervised", train=_codes(corpus, gold, 60, True), exclusive=False,
                      **kw).exclusive is False
    assert make_coder(corpus, mini_codebook, "supervised", train=_codes(corpus, gold, 60, False), exclusive=True,
                      **kw).exclusive is True
    assert make_coder(corpus, mini_codebook, "zeroshot", level="note", embedder="tfidf").exclusive is False
    coded = make_coder(corpus, mini_codebook, "supervised", train=_codes(corpus, gold, 60, True), **kw).code(corpus)
    assert not coded["note_id"].duplicated().any()  # single-label: one row per note


@pytest.mark.parametrize("value", ["ja", "yes please", 1, "exclusive"])
def test_other_values_are_refused(value):
    with pytest.raises(ConfigError, match="code.exclusive is .*true.*false.*auto"):
        config_from_dict({"code": {"exclusive": value}})


def test_auto_is_the_default_and_true_false_load():
    assert config_from_dict({}).code.exclusive == "auto"
    assert config_from_dict({"code": {"exclusive": "auto"}}).code.exclusive == "auto"
    assert config_from_dict({"code": {"exclusive": True}}).code.exclusive is True
    assert config_from_dict({"code": {"exclusive": False}}).code.exclusive is False


def _cli(tmp_path, train, *extra):
    corpus, _ = make_corpus(80, seed=4)
    tmp_path.mkdir()
    notes = tmp_path / "notes.csv"
    corpus.to_csv(notes, index=False)
    (tmp_path / "mini.yaml").write_text(yaml.safe_dump(CODEBOOK, allow_unicode=True), encoding="utf-8")
    args = ["code", str(notes), "--codebook", str(tmp_path / "mini.yaml"), "--embedder", "tfidf", "--level", "note",
            "--out", str(tmp_path / "out"), "--cache-dir", str(tmp_path / "cache"), *extra]
    if train is not None:
        train.to_csv(tmp_path / "train.csv", index=False)
        args += ["--train", str(tmp_path / "train.csv")]
    res = CliRunner().invoke(cli, args)
    assert res.exit_code == 0, res.output
    return res.output, read_stage_table(tmp_path / "out", "codings")


def test_the_summary_names_the_mode(tmp_path):
    corpus, gold = make_corpus(80, seed=4)
    out, codings = _cli(tmp_path / "a", _codes(corpus, gold, 60, True))
    assert "single-label: every one of the 60 hand-coded notes has at most one theme; --multi-label to override" in out
    assert not codings["note_id"].duplicated().any()
    out, codings = _cli(tmp_path / "b", _codes(corpus, gold, 60, True), "--multi-label")
    assert "multi-label: code.exclusive is false; --exclusive to override" in out
    out, _ = _cli(tmp_path / "c", _codes(corpus, gold, 60, False))
    assert "multi-label:" in out and "have several themes" in out
    out, _ = _cli(tmp_path / "d", None)
    assert "multi-label: zero-shot" in out


def test_hand_codes_are_read_as_training_reads_them():
    """Empty or missing themes and 'uncoded' mean coded, no theme (as training_from_codes reads
    them): they neither count as a theme nor drop the note."""
    one = [f"n{i}" for i in range(30)]
    themes = ["a", "b"] * 15
    # one theme really used, plus empty rows: not two themes
    only_a = pd.DataFrame({"note_id": one, "theme_id": ["a"] * 25 + [""] * 5})
    assert resolve_exclusive("auto", only_a).exclusive is False
    # single-label notes, five of which also carry an empty row: still single-label
    extra = pd.DataFrame({"note_id": one + one[:5], "theme_id": themes + [""] * 5})
    assert resolve_exclusive("auto", extra).exclusive is True
    # notes coded with a missing theme count as hand-coded notes
    missing = pd.DataFrame({"note_id": one, "theme_id": themes[:10] + [None] * 20})
    mode = resolve_exclusive("auto", missing)
    assert mode.exclusive is True and "30 hand-coded notes" in mode.reason


def test_the_citizen_coder_does_not_take_the_notes_hand_code_mode(tmp_path):
    """The citizen input is coded zero-shot (no hand codes of its own): multi-label under auto,
    even where the notes' hand codes (code.train) are single-label."""
    from kvalitativ.coding.stage import stage_coder

    train = tmp_path / "single.csv"
    pd.DataFrame({"note_id": [f"n{i}" for i in range(30)], "theme_id": ["a", "b"] * 15}).to_csv(train, index=False)
    config = config_from_dict({"code": {"train": str(train)}})
    citizen = pd.DataFrame({"note_id": ["c1", "c2"], "text": ["Mere cykelsti.", "Flere bænke i parken."]})
    coder = stage_coder(citizen, "borgerinput", config, train=None, embedder="tfidf", progress=False)
    assert coder.exclusive is False
