"""`--unit NAME` finds the unit as the tables spell it, and says what it means when it cannot."""

from __future__ import annotations

import re
from pathlib import Path

import pandas as pd
import pytest

from kvalitativ.commands.report import command
from kvalitativ.errors import InputError
from kvalitativ.report import render_report
from kvalitativ.report.units import match_unit

KNOWN = ["Lindehøjskolen", "Østerbyskolen", "Nørrevangskolen"]


def test_exact_then_case_insensitive():
    assert match_unit("Østerbyskolen", KNOWN) == "Østerbyskolen"
    assert match_unit("østerbyskolen", KNOWN) == "Østerbyskolen"
    assert match_unit("  ØSTERBYSKOLEN ", KNOWN) == "Østerbyskolen"


def test_exact_match_wins_over_case_variants():
    assert match_unit("Skolen", ["Skolen", "skolen"]) == "Skolen"
    with pytest.raises(InputError, match="several units") as info:
        match_unit("SKOLEN", ["Skolen", "skolen"])
    assert "'Skolen'" in str(info.value) and "'skolen'" in str(info.value)


def test_no_match_suggests_the_closest_names():
    with pytest.raises(InputError, match="Did you mean 'Østerbyskolen'") as info:
        match_unit("Østerbyskole", KNOWN)
    assert "Known units: " in str(info.value)
    with pytest.raises(InputError) as info:
        match_unit("Nordskolen", ["Lindehøjskolen"])
    assert "is not in the tables" in str(info.value)


def test_report_brief_with_lower_case_unit(report_tables, meta, tmp_path):
    path = render_report(report_tables, tmp_path / "nord.html", unit="nordskolen", meta=meta)
    html = path.read_text(encoding="utf-8")
    assert "Nordskolen" in html and "Sydskolen" not in html


def test_help_example_unit_is_in_the_sample():
    example = re.search(r"--unit (\S+) --out", command.help).group(1)
    root = Path(__file__).resolve().parents[2]
    units = set(pd.read_csv(root / "corpora" / "sample" / "notes.csv", sep=";", dtype=str)["Skole"])
    assert example in units
