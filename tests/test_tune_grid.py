"""`kvalitativ tune --grid`: values typed as the settings take them, one type per column."""

from __future__ import annotations

import pandas as pd

from kvalitativ.commands.tune import parse_grid
from kvalitativ.io.store import read_stage_table, write_tables


def test_a_grid_of_whole_and_decimal_numbers_is_one_float_column(tmp_path):
    """`--grid "resolution=0.5,1"` (the help's own kind of example) ran every fit and then failed
    to write the table: 0.5 was kept as text and 1 as a number in one column (a new user's trial)."""
    grid = parse_grid("resolution=0.5,1;min_topic_size=10,15;outlier_strategy=embeddings,none")
    assert grid == {"resolution": [0.5, 1.0], "min_topic_size": [10, 15], "outlier_strategy": ["embeddings", None]}
    assert all(isinstance(v, float) for v in grid["resolution"])
    table = pd.DataFrame({"resolution": grid["resolution"], "min_topic_size": grid["min_topic_size"]})
    write_tables(tmp_path, {"tuning": table}, run_id="r1")
    back = read_stage_table(tmp_path, "tuning")
    assert back["resolution"].tolist() == [0.5, 1.0] and back["resolution"].dtype == "float64"
