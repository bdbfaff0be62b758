"""Streamed ingest -> redact -> code: nothing lost, ids unique across chunks, chunking changes nothing."""

from __future__ import annotations

import pandas as pd
import pytest

from kvalitativ.coding import ZeroShotCoder
from kvalitativ.config import RunConfig
from kvalitativ.io.ingest import ingest_notes
from kvalitativ.scale.chunked import code_notes_streamed, iter_raw_chunks


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


def test_streamed_coding_loses_nothing_and_equals_unchunked(export, tmp_path):
    out = tmp_path / "out"
    stats = code_notes_streamed(export, out, embedder="static", chunk_size=20, fit_notes=30, progress=False)
    notes = pd.read_parquet(out / "parquet" / "notes.parquet")
    rejects = pd.read_parquet(out / "parquet" / "rejects.parquet")
    codings = pd.read_parquet(out / "parquet" / "codings.parquet")
    assert stats["n_read"] == 78 == len(notes) + len(rejects)
    assert sorted(rejects["reason"]) == ["duplicate_note_id", "empty_text", "malformed_row"]
    assert notes["note_id"].is_unique
    assert set(codings["note_id"]) == set(notes["note_id"])  # every kept note is coded (or 'uncoded')
    assert "text" not in notes.columns
    # the same coder, fitted on the same first 30 notes, coding the whole corpus at once
    res = ingest_notes(export, RunConfig().ingest, RunConfig().privacy)
    corpus = res.corpus
    from kvalitativ.coding import segment_corpus

    units = segment_corpus(corpus.iloc[:30], "sentence")["text"].astype(str).tolist()
    from kvalitativ.embed import get_embedder

    coder = ZeroShotCoder("ungekompetencer", embedder=get_embedder("static"), level="sentence", progress=False).fit(units)
    whole = coder.code(corpus, run_id="streamed")
    key = ["note_id", "segment_id", "theme_id"]
    a = codings.sort_values(key).reset_index(drop=True)
    b = whole.sort_values(key).reset_index(drop=True)
    assert a[key].equals(b[key])
    pd.testing.assert_series_equal(a["score"], b["score"], check_names=False, atol=1e-6)
