"""Issue 19's must-show: ids and unit names that carry identifiers leave no trace in any output."""

from __future__ import annotations

import re

import pandas as pd
import pytest

from kvalitativ.pipeline import run
from tests.test_pipeline import _all_output_text, config_for, parquet_tables, small_sample


def _cpr(i: int) -> str:
    return f"{1 + i % 28:02d}{1 + i % 12:02d}{80 + i % 20:02d}{1000 + i:04d}"


@pytest.mark.slow
def test_ids_and_unit_names_with_identifiers_reach_no_output(sample_dir, tmp_path):
    notes_path, ind_path = small_sample(sample_dir, tmp_path)
    notes = pd.read_csv(notes_path, sep=";", dtype=str, keep_default_na=False)
    ind = pd.read_csv(ind_path, dtype=str, keep_default_na=False)
    persons = {p: f"S-{_cpr(i)}" for i, p in enumerate(sorted(notes["ElevID"].unique()))}
    schools = {s: f"{s} Kontakt {20 + i} {30 + i} {40 + i} {50 + i}" for i, s in enumerate(sorted(notes["Skole"].unique()))}
    notes["NotatID"] = [f"J-{_cpr(500 + i)}-{i % 9}" for i in range(len(notes))]  # case-file numbers
    notes["ElevID"] = notes["ElevID"].map(persons)
    notes["Skole"] = notes["Skole"].map(schools)
    ind["person_id"] = ind["person_id"].map(persons)
    notes.to_csv(notes_path, sep=";", index=False)
    ind.to_csv(ind_path, index=False)

    out = tmp_path / "out"
    run(config_for(notes_path, ind_path, out, tmp_path / "cache"), progress=False)
    text = _all_output_text(out)
    planted = [v[2:] for v in persons.values()] + [n[2:12] for n in notes["NotatID"]]
    planted += [s.split("Kontakt ")[1] for s in schools.values()]
    leaked = [v for v in planted if re.search(rf"(?<!\w){re.escape(v)}(?!\w)", text)]
    assert leaked == []
    assert "Kontakt [TELEFON]" in text  # the unit names are kept, only their phone numbers replaced
    tables = parquet_tables(out)
    assert len(tables["notes"]) + (tables["rejects"]["source_file"] == "notes.csv").sum() == len(notes)
    assert tables["notes"]["note_id"].str.fullmatch(r"N[0-9a-f]{16}").all()
    assert len(tables["prevalence"]) and len(tables["associations"])  # notes and indicators still join
    codings = tables["codings"]
    assert codings["segment_id"].str.startswith(tuple(tables["notes"]["note_id"])).all()
