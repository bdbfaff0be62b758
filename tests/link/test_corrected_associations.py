"""Corrected columns of the associations table: from hand codes with their design, through link()."""

from __future__ import annotations

import numpy as np
import pandas as pd
import pytest

from kvalitativ.config import LinkConfig
from kvalitativ.errors import InputError
from kvalitativ.link.corrected import COLUMNS, NO_HUMAN, hand_coding_needed
from kvalitativ.link.crossfit import HumanCodes, crossfit_codings
from kvalitativ.link.human import human_sample
from kvalitativ.link.params import LinkRules
from kvalitativ.link.stage import link_result
from kvalitativ.link.stats import bh
from tests.link.synth import make_link_data


def _noisy(codings: pd.DataFrame, corpus: pd.DataFrame, seed: int) -> pd.DataFrame:
    """A machine coder: misses 45 % of the planted theme and adds it to 12 % of other notes."""
    rng = np.random.default_rng(seed)
    planted = codings["theme_id"] == "moedestabilitet"
    kept = codings[~planted | (rng.random(len(codings)) > 0.45)]
    coded = set(codings.loc[planted, "note_id"])
    extra = corpus[~corpus["note_id"].isin(coded) & (rng.random(len(corpus)) < 0.12)]
    add = extra[["note_id", "person_id"]].assign(theme_id="moedestabilitet", valence="concern", segment_id=0,
                                                 start=0, end=10, score=0.6, method="machine", run_id="r0")
    return pd.concat([kept, add], ignore_index=True)


def _human(d: dict, share: float, seed: int) -> pd.DataFrame:
    """Gold codes for every note of a random ``share`` of persons, with the design column p_person."""
    rng = np.random.default_rng(seed)
    persons = d["indicators"]["person_id"]
    drawn = set(persons[rng.random(len(persons)) < share])
    notes = d["corpus"].loc[d["corpus"]["person_id"].isin(drawn), "note_id"]
    gold = d["codings"][d["codings"]["note_id"].isin(set(notes))][["note_id", "theme_id", "valence"]]
    empty = pd.DataFrame({"note_id": sorted(set(notes) - set(gold["note_id"])), "theme_id": "uncoded", "valence": ""})
    return pd.concat([gold, empty], ignore_index=True).assign(p_person=share)


@pytest.fixture(scope="module")
def linked():
    d = make_link_data(n=900, odds_ratio=3.0, seed=14, theme_share=0.25)
    machine = _noisy(d["codings"], d["corpus"], 1)
    human = _human(d, 0.3, 2)
    config = LinkConfig(covariates=["absence_pct"], numeric_indicators=["absence_pct"], n_boot=50)
    out = link_result(machine, d["corpus"], d["indicators"], config, human=HumanCodes(human, "human.csv"))
    plain = link_result(machine, d["corpus"], d["indicators"], config)
    return out.tables["associations"], plain.tables["associations"], human


def test_corrected_columns_recover_the_planted_odds_ratio(linked):
    assoc, _, human = linked
    row = assoc.set_index(["theme_id", "valence", "indicator"]).loc[("moedestabilitet", "concern", "dropout")]
    assert row["aor_ci_high"] < 3.0  # the machine codes shrink it below the truth
    assert row["aor_corrected_ci_low"] <= 3.0 <= row["aor_corrected_ci_high"]
    assert row["aor_corrected"] > row["adjusted_odds_ratio"]
    assert row["correction"] == "dsl"
    persons = set(human["note_id"].str.split("-").str[0])
    assert row["n_human_persons"] == len(persons)
    assert "korrigeret for kodningsfejl ud fra" in row["interpretation"]
    assert f"{len(persons)} håndkodede elever" in row["interpretation"]


def test_q_corrected_is_benjamini_hochberg_over_the_corrected_p_values(linked):
    assoc, _, _ = linked
    for col in COLUMNS:
        assert col in assoc.columns
    np.testing.assert_allclose(assoc["q_corrected"].to_numpy(float), bh(assoc["p_corrected"].to_numpy(float)),
                               equal_nan=True)
    numeric = assoc[assoc["indicator_type"] == "numeric"]
    assert numeric["aor_corrected"].isna().all() and numeric["correction"].isna().all()
    assert str(assoc["n_human_persons"].dtype) == "Int64"


def test_without_hand_codes_the_columns_are_empty_and_the_note_says_why(linked):
    _, plain, _ = linked
    binary = plain[plain["indicator_type"] == "binary"]
    assert binary["aor_corrected"].isna().all() and binary["n_human_persons"].isna().all()
    assert binary["note"].str.contains(NO_HUMAN, regex=False).all()


def test_deterministic():
    d = make_link_data(n=300, odds_ratio=2.0, seed=3)
    human = _human(d, 0.4, 5)
    config = LinkConfig(covariates=[], numeric_indicators=[], n_boot=20)
    a = link_result(d["codings"], d["corpus"], d["indicators"], config, human=HumanCodes(human)).tables
    b = link_result(d["codings"], d["corpus"], d["indicators"], config, human=HumanCodes(human)).tables
    pd.testing.assert_frame_equal(a["associations"], b["associations"])


def test_suppressed_rows_hide_the_corrected_numbers_too():
    d = make_link_data(n=120, odds_ratio=2.0, seed=9, theme_share=0.04)
    human = _human(d, 0.5, 1)
    config = LinkConfig(covariates=[], numeric_indicators=[], n_boot=20)
    assoc = link_result(d["codings"], d["corpus"], d["indicators"], config, min_cell=5,
                        human=HumanCodes(human)).tables["associations"]
    hidden = assoc[assoc["suppressed"]]
    assert len(hidden)
    assert hidden[["aor_corrected", "aor_corrected_ci_low", "p_corrected", "n_human_persons"]].isna().all().all()


def test_a_person_counts_only_when_every_eligible_note_was_hand_coded():
    d = make_link_data(n=60, seed=2)
    corpus = d["corpus"]
    first = corpus[corpus["person_id"] == "P0000"]["note_id"].tolist()
    second = corpus[corpus["person_id"] == "P0001"]["note_id"].tolist()
    codes = pd.DataFrame({"note_id": first + second[:1], "theme_id": "uncoded", "valence": "",
                          "p_person": 0.2, "p_active": 0.5})
    sample = human_sample(codes, corpus, d["indicators"], LinkRules(), d["indicators"]["person_id"])
    assert list(sample.presence.persons) == ["P0000"]
    # drawn as a person (0.2), or else every one of its n notes by the added draw (0.5 each)
    assert sample.pi[0] == pytest.approx(0.2 + 0.8 * 0.5 ** len(first))


def test_after_several_review_rounds_only_persons_drawn_at_random_count():
    """A review's simulation: over two rounds, persons reached only through the uncertainty draw
    weighed too much (E[Σ1/π] 435 for N 400), their notes' probabilities in the rounds before their
    sheet being unknown. After several rounds a person counts through the person draw alone."""
    d = make_link_data(n=60, seed=2)
    corpus = d["corpus"]
    first = corpus[corpus["person_id"] == "P0000"]["note_id"].tolist()
    second = corpus[corpus["person_id"] == "P0001"]["note_id"].tolist()
    codes = pd.DataFrame({"note_id": first + second, "theme_id": "uncoded", "valence": "", "p_person": 0.2,
                          "p_active": 0.5, "reason": ["person"] * len(first) + ["aktiv"] * len(second)})
    one_round = human_sample(codes.assign(round=1), corpus, d["indicators"], LinkRules(), d["indicators"]["person_id"])
    assert list(one_round.presence.persons) == ["P0000", "P0001"]  # one round: the exact formula, both count
    rounds = codes.assign(round=[1] * len(first) + [2] * len(second))
    sample = human_sample(rounds, corpus, d["indicators"], LinkRules(), d["indicators"]["person_id"])
    assert list(sample.presence.persons) == ["P0000"] and sample.pi[0] == pytest.approx(0.2)
    with pytest.raises(InputError, match="reason"):
        human_sample(rounds.drop(columns="reason"), corpus, d["indicators"], LinkRules(), d["indicators"]["person_id"])


def test_hand_codes_without_their_design_are_an_error_that_says_what_to_add():
    d = make_link_data(n=60, seed=2)
    codes = pd.DataFrame({"note_id": d["corpus"]["note_id"][:3], "theme_id": "uncoded"})
    with pytest.raises(InputError, match="p_person"):
        human_sample(codes, d["corpus"], d["indicators"], LinkRules(), d["indicators"]["person_id"])


def test_training_codes_without_a_design_leave_a_note_not_an_error():
    d = make_link_data(n=200, seed=4)
    codes = _human(d, 0.3, 1).drop(columns="p_person")
    assoc = link_result(d["codings"], d["corpus"], d["indicators"], LinkConfig(covariates=[], n_boot=20),
                        human=HumanCodes(codes, "train.csv", train=codes)).tables["associations"]
    binary = assoc[assoc["indicator_type"] == "binary"]
    assert binary["aor_corrected"].isna().all()
    assert binary["note"].str.contains("train.csv has no p_person column").all()


def test_crossfit_codes_each_person_with_a_coder_that_never_saw_them():
    d = make_link_data(n=100, seed=6)
    human = _human(d, 0.5, 3)
    corpus = d["corpus"]
    person_of = dict(zip(corpus["note_id"], corpus["person_id"]))
    persons = sorted({person_of[n] for n in human["note_id"]})
    calls = []

    def recode(train, notes):  # a stand-in coder: records what it learned from and what it codes
        calls.append(({person_of[n] for n in train["note_id"]}, set(notes["person_id"])))
        return notes[["note_id", "person_id"]].assign(theme_id="moedestabilitet", valence="concern")

    out = crossfit_codings(corpus, human, persons, recode)
    assert len(calls) == 5
    for learned, coded in calls:
        assert not learned & coded
    assert set(out["person_id"]) == set(persons)


def test_hand_coding_needed_reads_the_price_off_the_table(linked):
    assoc, plain, _ = linked
    advice = hand_coding_needed(assoc)
    assert advice["width_ratio"] > 1
    assert advice["n_persons_needed"] >= advice["n_human"]
    assert hand_coding_needed(plain) is None


def test_review_import_table_uses_each_notes_first_coder_and_its_present_rows():
    from kvalitativ.link.human import normalise_codes

    table = pd.DataFrame({
        "note_id": ["N1", "N1", "N1", "N1", "N2", "N2"],
        "coder": ["b", "b", "a", "a", "a", "a"],
        "theme_id": ["motivation", "trivsel", "motivation", "trivsel", "motivation", "trivsel"],
        "present": [1, 1, 0, 1, 0, 0],
        "valence": ["concern", "strength", None, "strength", None, None],
        "reason": "person", "p_person": 0.1, "p_active": 0.3, "p_include": 0.37,
    })
    out = normalise_codes(table, "human_codings")
    n1 = out[out["note_id"] == "N1"]
    assert set(n1["theme_id"]) == {"uncoded", "trivsel"}  # coder "a" read N1: trivsel only
    assert set(out[out["note_id"] == "N2"]["theme_id"]) == {"uncoded"}
    assert (out["p_person"] == 0.1).all() and (out["p_active"] == 0.3).all()
