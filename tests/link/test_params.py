"""Link settings read as a Danish analyst writes them."""

from __future__ import annotations

import pandas as pd
import pytest

from kvalitativ.errors import ConfigError
from kvalitativ.link.params import parse_cutoff


@pytest.mark.parametrize("text", ["2023-08-01", "01-08-2023", "01/08/2023", "01.08.2023", "1/8/2023"])
def test_a_cutoff_is_read_day_first_as_the_notes_dates_are(text):
    """A trial: `--cutoff 01-08-2023` (1 August) was read as 8 January, shown only in the rule line."""
    assert parse_cutoff(text) == pd.Timestamp("2023-08-01")


def test_a_cutoff_that_is_no_date_stops_with_the_format_to_use():
    with pytest.raises(ConfigError, match="YYYY-MM-DD"):
        parse_cutoff("13-13-2023")
    assert parse_cutoff(None) is None and parse_cutoff(" ") is None
    assert parse_cutoff("2024-08") == pd.Timestamp("2024-08-01") and parse_cutoff("2024") == pd.Timestamp("2024-01-01")
    assert parse_cutoff(pd.Timestamp("2024-02-29")) == pd.Timestamp("2024-02-29")


def test_link_takes_the_link_section_as_a_dict():
    """A trial: link(codings, corpus, indicators, {"outcome": "dropout"}) was an AttributeError."""
    from kvalitativ.link import link
    from tests.evidence.synthetic import make_dataset

    d = make_dataset(n_persons=120, seed=5)
    tables = link(d.codings, d.corpus, d.indicators, {"window_months": 15, "n_boot": 20})
    assert set(tables["associations"]["dropout_window_months"].dropna()) == {15}
    with pytest.raises(ConfigError):
        link(d.codings, d.corpus, d.indicators, {"window_monts": 15})
