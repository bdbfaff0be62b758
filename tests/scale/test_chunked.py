"""Streamed ingest -> redact -> code: nothing lost, ids unique across chunks, chunking changes nothing."""

from __future__ import annotations

import pandas as pd
import pytest

from kvalitativ.config import RunConfig
from kvalitativ.scale.chunked import iter_raw_chunks


@pytest.fixture
def export(tmp_path, sample_dir):
    """75 sample notes as a ';' CSV, plus trouble: a malformed row, an empty text, and a note id
    repeated in a later chunk."""
    notes = pd.read_csv(sample_dir / "notes.csv", sep=";", dtype=str, nrows=75, keep_default_na=False)
    lines = [";".join(notes.columns)]
    for i, row in enumerate(notes.itertuples(index=False)):
        cells = ['"' + str(v).replace('"', '""') + '"' for v in row]
        lines.append(";".join(cells))
        if i == 10:
            lines.append("broken;row")  # malformed: too few fields
        if i == 12:
            lines.append(";".join(['"X1"', '"E1"', '"Ida Holm"', '"Skole"', '"01-02-2020"', '"Lærer"', '""']))
    dup = list(notes.iloc[3])
    dup[-1] = "En anden tekst med samme id."
    lines.append(";".join('"' + v + '"' for v in dup))
    path = tmp_path / "notes.csv"
    path.write_text("\n".join(lines) + "\n", encoding="utf-8")
    return path


def test_chunks_keep_row_numbers_and_malformed_rows(export):
    chunks = list(iter_raw_chunks(export, chunk_size=20))
    assert [len(c.frame) for c in chunks][:3] == [20, 20, 20]
    assert sum(c.n_read for c in chunks) == 78  # 75 notes + malformed + empty + duplicate
    rejects = pd.concat([c.rejects for c in chunks])
    assert rejects["reason"].tolist() == ["malformed_row"]
    rows = pd.concat([c.frame["_source_row"] for c in chunks]).tolist()
    assert rows[0] == 2 and rows == sorted(rows)


def test_chunks_together_are_what_the_whole_file_reader_gives(export):
    """One CSV record loop: the streamed reader accepts and rejects exactly the rows read_raw does."""
    from kvalitativ.io.readers import read_raw

    with open(export, "a", encoding="utf-8") as fh:
        fh.write(";;;;;;\n")  # a line of only separators: an "empty row" reject
    whole = read_raw(export)
    for size in (1, 7, 20, 1000):
        chunks = list(iter_raw_chunks(export, chunk_size=size))
        frame = pd.concat([c.frame for c in chunks], ignore_index=True)
        rejects = pd.concat([c.rejects for c in chunks], ignore_index=True)
        pd.testing.assert_frame_equal(frame, whole.frame)
        pd.testing.assert_frame_equal(rejects, whole.rejects, check_dtype=False)
    assert sorted(whole.rejects["detail"]) == ["2 fields, header has 7", "empty row"]


def _engine_tables(engine_name: str, export, out, monkeypatch_size=None):
    """ingest_to + code_to of one engine (static embedder, chunks of 20 rows) into ``out``."""
    from kvalitativ.engines.stage_engine import StageEngine

    config = RunConfig()
    config.embed.name = "static"
    config.embed.cache_dir = str(out.parent / f"cache-{engine_name}")
    engine = StageEngine(engine_name, progress=False, chunk_size=20)
    ingested = engine.ingest_to(out, export, config.ingest, config.privacy, "r-test")
    coded = engine.code_to(out, "ungekompetencer", config, "r-test")
    return ingested, coded


@pytest.mark.parametrize("fit_sample_size", [None, 30])
def test_streamed_engine_loses_nothing_and_equals_local(export, tmp_path, monkeypatch, fit_sample_size):
    """Every file the two engines write is the same: Parquet content, CSV bytes, DuckDB rows —
    with the coder fitted on every note, and (30) on the same seeded sample of the notes."""
    import duckdb

    if fit_sample_size:
        monkeypatch.setattr("kvalitativ.sampling.FIT_SAMPLE", fit_sample_size)
    streamed, coded = _engine_tables("streamed", export, tmp_path / "streamed")
    local, local_coded = _engine_tables("local", export, tmp_path / "local")
    assert streamed.details["n_read"] == 78 == streamed.rows["notes"] + streamed.rows["rejects"]
    assert streamed.rows == local.rows and coded.rows == local_coded.rows
    assert coded.summary == local_coded.summary
    notes = pd.read_parquet(tmp_path / "streamed" / "parquet" / "notes.parquet")
    rejects = pd.read_parquet(tmp_path / "streamed" / "parquet" / "rejects.parquet")
    assert sorted(rejects["reason"]) == ["duplicate_note_id", "empty_text", "malformed_row"]
    assert notes["note_id"].is_unique and "text" not in notes.columns
    codings = pd.read_parquet(tmp_path / "streamed" / "parquet" / "codings.parquet")
    assert set(codings["note_id"]) == set(notes["note_id"])  # every kept note is coded (or 'uncoded')
    for sub, pattern in (("parquet", "*.parquet"), ("work", "*.parquet"), ("csv", "*.csv"), ("csv_da", "*.csv")):
        names = sorted(p.name for p in (tmp_path / "local" / sub).glob(pattern))
        assert names == sorted(p.name for p in (tmp_path / "streamed" / sub).glob(pattern)), sub
        for name in names:
            a, b = tmp_path / "local" / sub / name, tmp_path / "streamed" / sub / name
            if sub in ("csv", "csv_da"):
                assert a.read_bytes() == b.read_bytes(), f"{sub}/{name}"
            else:
                pd.testing.assert_frame_equal(pd.read_parquet(a), pd.read_parquet(b), obj=f"{sub}/{name}")
    dbs = [duckdb.connect(str(tmp_path / e / "kvalitativ.duckdb"), read_only=True) for e in ("local", "streamed")]
    for table in ("notes", "rejects", "codings", "themes", "redactions"):
        frames = [db.execute(f'SELECT * FROM "{table}"').df() for db in dbs]
        pd.testing.assert_frame_equal(*frames, obj=f"duckdb {table}")


def test_replace_rows_keeps_old_rows_only_of_a_shared_table(tmp_path):
    """Old rows are kept only when the stored table names its owner (as merge_with_existing does);
    a table without the owner column is replaced whole, and the kept rows come first."""
    import pandas as pd

    from kvalitativ.io.store import read_stage_table, write_tables
    from kvalitativ.scale.chunked import replace_rows

    new = pd.DataFrame({"note_id": ["n9"], "theme_id": ["topic_1"], "method": ["topic"]})
    write_tables(tmp_path, {"codings": pd.DataFrame({"note_id": ["n1", "n2"], "theme_id": ["a", "b"]})}, run_id="r0")
    replace_rows(tmp_path, "codings", ("method", "topic"), new, "r1", chunk_size=1)
    assert read_stage_table(tmp_path, "codings")["note_id"].tolist() == ["n9"]
    old = pd.DataFrame({"note_id": ["n1", "n2", "n3"], "theme_id": ["a", "topic_0", "b"],
                        "method": ["zeroshot", "topic", "zeroshot"]})
    write_tables(tmp_path, {"codings": old}, run_id="r0")
    replace_rows(tmp_path, "codings", ("method", "topic"), new, "r1", chunk_size=1)
    out = read_stage_table(tmp_path, "codings")
    assert out["note_id"].tolist() == ["n1", "n3", "n9"] and set(out["run_id"]) == {"r1"}


def test_streamed_ingest_judges_whole_columns_as_local_does(tmp_path):
    """A chunk is only part of a column: a unit label in the second chunk named a person whose row
    was in the first (kept by the streamed engine), and a chunk whose ids held no ten-digit CPR
    number published the nine-digit ones (CPR numbers Excel stripped of their leading zero)."""
    from kvalitativ.engines.stage_engine import StageEngine

    lines = ["NotatID;ElevID;Navn;Skole;Dato;Notat"]
    for i in range(20):  # chunk 1: ten-digit CPR numbers, the export's name column
        lines.append(f"N{i:03d};{150387 + i:06d}1235;{'Nikolaj Olsen' if i == 3 else ''};Vestskolen;01-02-2024;"
                     f"Eleven kom til tiden i dag, note {i}.")
    for i in range(20, 30):  # chunk 2: two ids that lost their zero, other ids, the name in a label
        pid = ("803558023", "905049876")[i % 2] if i < 22 else f"E{i:04d}"
        lines.append(f"N{i:03d};{pid};;Mentor Nikolaj Olsen;01-03-2024;Samtale om fravær, note {i}.")
    export = tmp_path / "notes.csv"
    export.write_text("\n".join(lines) + "\n", encoding="utf-8")
    config = RunConfig()
    notes = {}
    for name in ("streamed", "local"):
        StageEngine(name, progress=False, chunk_size=20).ingest_to(tmp_path / name, export, config.ingest,
                                                                   config.privacy, "r-test")
        notes[name] = pd.read_parquet(tmp_path / name / "parquet" / "notes.parquet")
    streamed = notes["streamed"]
    assert not streamed["person_id"].isin(["803558023", "905049876", "0803558023", "0905049876"]).any()
    assert not streamed["unit_id"].astype(str).str.contains("Olsen").any()
    assert "Mentor [NAVN]" in set(streamed["unit_id"])
    pd.testing.assert_frame_equal(streamed, notes["local"])


def test_rejected_rows_ids_do_not_outvote_a_kept_cpr_number(tmp_path):
    """A review: the whole export's CPR verdict counted rejected rows' ids too, and four of them
    outvoted the one kept nine-digit CPR number, published in clear (local ingest as well)."""
    from kvalitativ.engines.stage_engine import StageEngine

    export = tmp_path / "notes.csv"
    export.write_text('NotatID;ElevID;Notat;Dato\nN1;803558023;"Eleven mødte ikke op i dag.";01-02-2024\n'
                      'N2;X1;"Godt fremmøde i dag.";01-02-2024\nN3;X2;"";01-02-2024\nN4;X3;"   ";01-02-2024\n'
                      'N5;X4;"-";01-02-2024\n', encoding="utf-8")
    config = RunConfig()
    for name in ("local", "streamed"):
        StageEngine(name, progress=False, chunk_size=2).ingest_to(tmp_path / name, export, config.ingest,
                                                                  config.privacy, "r-test")
        ids = pd.read_parquet(tmp_path / name / "parquet" / "notes.parquet")["person_id"].tolist()
        assert len(ids) == 2 and all(i.startswith("P") for i in ids), (name, ids)
