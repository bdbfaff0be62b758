"""Row accounting that a broken quote cannot fool: stray quotes planted at random places."""

from __future__ import annotations

from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from kvalitativ.io.readers import read_raw

N_ROWS = 40


@settings(max_examples=80, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture])
@given(
    quotes=st.lists(st.tuples(st.integers(0, N_ROWS - 1), st.integers(0, 3), st.integers(0, 30)), min_size=1, max_size=4),
    sep=st.sampled_from([";", ","]),
)
def test_kept_plus_rejected_is_the_physical_records(tmp_path_factory, quotes, sep):
    """kept + rejected = records, and every row is kept or rejected by its own line number."""
    rows = [[f"N{i}", f"P{i % 7}", f"2024-01-{1 + i % 28:02d}", f"Eleven har haft en god uge nummer {i} og mere"]
            for i in range(N_ROWS)]
    for row, field, pos in quotes:  # a quote at the start, inside or at the end of a field
        cell = rows[row][field]
        pos = min(pos, len(cell))
        rows[row][field] = cell[:pos] + '"' + cell[pos:]
    lines = [sep.join(["note_id", "person_id", "date", "text"])] + [sep.join(r) for r in rows]
    path = tmp_path_factory.mktemp("q") / "notes.csv"
    path.write_text("\n".join(lines) + "\n", encoding="utf-8")
    raw = read_raw(path, separator=sep)
    assert raw.n_read == N_ROWS
    assert len(raw.frame) + len(raw.rejects) == raw.n_read
    kept_lines = set(raw.frame["_source_row"].astype(int))
    rejected_lines = set(raw.rejects["source_row"].astype(int))
    assert kept_lines.isdisjoint(rejected_lines)
    assert kept_lines | rejected_lines == set(range(2, N_ROWS + 2))  # no row disappears
    for _, row in raw.frame.iterrows():  # a kept row holds its own note, not a swallowed neighbour
        i = int(row["_source_row"]) - 2
        text = row["text"].replace('"', "")
        assert text.count("nummer") == 1 and f"nummer {i} " in text
        assert "\n" not in "".join(str(v) for v in row.to_numpy())
