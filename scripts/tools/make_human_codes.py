"""Make `corpora/sample/human_codes.csv`: the gold codes of a fixed quarter of the sample's persons.

It stands in for what a municipality really has: two coders read a few hundred notes and coded
them by hand (`kvalitativ review export/import` makes such a file). The demo trains the
supervised coder on it and codes every note. Notes read and found to carry no theme are listed
with theme_id `uncoded`, as the coder's training format asks.

The file states its design in the column `p_person`: every person had the same probability,
SHARE, of being drawn (a hash of the id acts as an independent random draw), and all notes of a
drawn person are coded. That known probability is what lets `kvalitativ link` correct the
associations for the machine coder's errors (docs/schema.md, associations).

    python scripts/tools/make_human_codes.py            # writes corpora/sample/human_codes.csv (deterministic)
"""

from __future__ import annotations

import hashlib
from pathlib import Path

import pandas as pd

SAMPLE = Path(__file__).resolve().parents[2] / "corpora" / "sample"
SHARE = 0.25


def chosen(person_id: str) -> bool:
    """A person is in the hand-coded quarter by a hash of the id: stable and independent of order."""
    return int(hashlib.sha256(person_id.encode()).hexdigest()[:8], 16) / 0xFFFFFFFF < SHARE


def main() -> None:
    notes = pd.read_csv(SAMPLE / "notes.csv", sep=";", dtype=str, keep_default_na=False)
    gold = pd.read_csv(SAMPLE / "gold_codings.csv", dtype=str, keep_default_na=False)
    picked = notes.loc[notes["ElevID"].map(chosen), "NotatID"]
    codes = gold[gold["note_id"].isin(set(picked))][["note_id", "theme_id", "valence"]]
    uncoded = sorted(set(picked) - set(codes["note_id"]))
    codes = pd.concat([codes, pd.DataFrame({"note_id": uncoded, "theme_id": "uncoded", "valence": ""})])
    codes = codes.sort_values(["note_id", "theme_id", "valence"], kind="stable")
    codes["p_person"] = SHARE
    codes.to_csv(SAMPLE / "human_codes.csv", index=False, lineterminator="\n")
    print(f"{len(picked)} of {len(notes)} notes hand-coded ({len(codes)} rows) -> {SAMPLE / 'human_codes.csv'}")


if __name__ == "__main__":
    main()
