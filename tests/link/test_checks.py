"""The indicators' columns: one error naming every missing column, with the hint that fits it."""

from __future__ import annotations

import pandas as pd
import pytest

from kvalitativ.config import LinkConfig
from kvalitativ.errors import InputError
from kvalitativ.link.checks import usable_columns
from kvalitativ.link.stage import _why_not

INDICATORS = pd.DataFrame({"person_id": ["a"], "dropout": [0], "absence_pct": [1.0]})


def test_a_wrong_outcome_gets_no_covariates_hint():
    with pytest.raises(InputError) as err:
        usable_columns(INDICATORS, LinkConfig(outcome="frafald"))
    assert "outcome 'frafald'" in str(err.value) and "--covariates ''" not in str(err.value)


def test_missing_covariates_get_the_hint():
    with pytest.raises(InputError, match="--covariates '' for none"):
        usable_columns(INDICATORS, LinkConfig(covariates=["karakter"]))


def test_no_hand_codes_is_said_once():
    line = f"not corrected for coding error: {_why_not(pd.DataFrame({'note': [None]}))}"
    assert line.count("not corrected for coding error") == 1 and "no hand codes" in line


def test_the_summary_gives_the_reason_there_is_no_correction_not_a_column_to_read():
    """'hand codes too few or without their design (see note)' sent the user to associations.note
    while link --human said the reason (a new user's trial)."""
    reason = "human_codings has no p_person column; hand codes need the design they were drawn with"
    line = _why_not(pd.DataFrame({"note": [reason, reason, "fewer than 2 values in a group: no interval"]}))
    assert line.startswith(reason) and "see note" not in line
