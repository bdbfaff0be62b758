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
