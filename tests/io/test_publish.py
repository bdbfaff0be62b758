"""A run is one transaction: staging, one switch, one writer, faults in one line."""

from __future__ import annotations

import errno
import os
import subprocess
import sys
import textwrap
import time
from pathlib import Path

import pytest

from kvalitativ.errors import OutputError
from kvalitativ.io.publish import exchange_supported, output_lock, publishing, sibling


def _fill(folder: Path, run: str) -> None:
    (folder / "parquet").mkdir(parents=True, exist_ok=True)
    (folder / "parquet" / "codings.parquet").write_text(run)
    (folder / "run.json").write_text(run)


def _runs(out: Path) -> set[str]:
    return {(out / "parquet" / "codings.parquet").read_text(), (out / "run.json").read_text()}


@pytest.mark.parametrize("fallback", [False, True])
def test_a_run_is_published_whole_and_the_one_before_kept(tmp_path, fallback):
    out = tmp_path / "out"
    with publishing(out, keep_published=False, force_fallback=fallback) as pub:
        _fill(pub.staging, "A")
        assert not out.exists()  # nothing published before the end
    assert _runs(out) == {"A"}
    with publishing(out, keep_published=False, force_fallback=fallback) as pub:
        _fill(pub.staging, "B")
        assert _runs(out) == {"A"}  # readers see the old run while the new one is built
    assert _runs(out) == {"B"}
    assert _runs(sibling(out, ".previous")) == {"A"}
    assert pub.method == ("rename" if fallback else "exchange" if exchange_supported(tmp_path) else "rename")
    assert sorted(p.name for p in tmp_path.iterdir()) == ["out", "out.lock", "out.previous"]


def test_a_failed_run_publishes_nothing_and_leaves_no_staging(tmp_path):
    out = tmp_path / "out"
    with publishing(out, keep_published=False) as pub:
        _fill(pub.staging, "A")
    with pytest.raises(RuntimeError):
        with publishing(out, keep_published=False) as pub:
            _fill(pub.staging, "B")
            (pub.staging / "parquet" / "codings.parquet").write_text("B")
            raise RuntimeError("stage failed half-way")
    assert _runs(out) == {"A"}
    assert not list(tmp_path.glob("out.staging-*"))


def test_disk_full_half_way_is_one_line_and_the_published_run_untouched(tmp_path):
    out = tmp_path / "out"
    with publishing(out, keep_published=False) as pub:
        _fill(pub.staging, "A")
    with pytest.raises(OutputError, match=r"no space left on the device.*untouched"):
        with publishing(out, keep_published=False) as pub:
            _fill(pub.staging, "B")
            raise OSError(errno.ENOSPC, "No space left on device", str(pub.staging / "kvalitativ.duckdb"))
    assert _runs(out) == {"A"}
    assert not list(tmp_path.glob("out.staging-*"))


def test_a_stage_command_keeps_the_other_stages_tables(tmp_path):
    out = tmp_path / "out"
    with publishing(out, keep_published=False) as pub:
        _fill(pub.staging, "A")
        (pub.staging / "parquet" / "associations.parquet").write_text("A")
    with publishing(out, keep_published=True) as pub:
        (pub.staging / "parquet" / "codings.parquet").unlink()  # replaced, as the writer does (new inode)
        (pub.staging / "parquet" / "codings.parquet").write_text("B")
    assert (out / "parquet" / "codings.parquet").read_text() == "B"
    assert (out / "parquet" / "associations.parquet").read_text() == "A"
    assert (sibling(out, ".previous") / "parquet" / "codings.parquet").read_text() == "A"  # not changed through a link


def test_stale_staging_and_previous_go_at_the_next_start(tmp_path):
    out = tmp_path / "out"
    with publishing(out, keep_published=False) as pub:
        _fill(pub.staging, "A")
    with publishing(out, keep_published=False) as pub:
        _fill(pub.staging, "B")
    killed = tmp_path / "out.staging-killedrun"
    _fill(killed, "C")
    with publishing(out, keep_published=False) as pub:
        assert not killed.exists() and not sibling(out, ".previous").exists()  # at most one extra copy
        assert any("interrupted" in line for line in pub.notes)
        _fill(pub.staging, "D")
    assert _runs(out) == {"D"}


def test_a_run_killed_between_the_fallbacks_two_renames_is_put_back(tmp_path):
    out = tmp_path / "out"
    previous = sibling(out, ".previous")
    _fill(previous, "A")  # the old folder moved aside, the new one never moved in
    with publishing(out, keep_published=True) as pub:
        assert any("Restored" in line for line in pub.notes)
        assert _runs(pub.staging) == {"A"}


def test_bad_output_paths_are_one_line(tmp_path):
    a_file = tmp_path / "file"
    a_file.write_text("x")
    with pytest.raises(OutputError, match="is a file"):
        with publishing(a_file, keep_published=False):
            pass
    theirs = tmp_path / "documents"
    theirs.mkdir()
    (theirs / "budget.xlsx").write_text("x")
    with pytest.raises(OutputError, match="not kvalitativ outputs"):
        with publishing(theirs, keep_published=False):
            pass
    assert (theirs / "budget.xlsx").exists()


@pytest.mark.skipif(os.geteuid() == 0 if hasattr(os, "geteuid") else True,
                    reason="root writes anywhere; permissions cannot be tested as root")
def test_a_folder_without_write_permission_is_one_line(tmp_path):  # pragma: no cover - not as root
    locked = tmp_path / "locked"
    locked.mkdir()
    locked.chmod(0o500)
    try:
        with pytest.raises(OutputError, match="permission"):
            with publishing(locked / "out", keep_published=False):
                pass
    finally:
        locked.chmod(0o700)


HOLDER = textwrap.dedent("""
    import sys, time
    from pathlib import Path
    from kvalitativ.io.publish import output_lock
    with output_lock(Path(sys.argv[1]), what="kvalitativ run --config first.yaml"):
        print("locked", flush=True)
        time.sleep(float(sys.argv[2]))
""")


def test_a_second_writer_stops_with_one_line_naming_the_first(tmp_path):
    out = tmp_path / "out"
    holder = subprocess.Popen([sys.executable, "-c", HOLDER, str(out), "30"], stdout=subprocess.PIPE, text=True)
    try:
        assert holder.stdout.readline().strip() == "locked"
        with pytest.raises(OutputError, match=rf"pid {holder.pid}.*first.yaml.*--wait"):
            with output_lock(out):
                pass
    finally:
        holder.kill()
        holder.wait()
    with output_lock(out):  # the OS released the dead process's lock: never stale
        pass


def test_wait_waits_for_the_other_writer(tmp_path):
    out = tmp_path / "out"
    holder = subprocess.Popen([sys.executable, "-c", HOLDER, str(out), "1.5"], stdout=subprocess.PIPE, text=True)
    try:
        assert holder.stdout.readline().strip() == "locked"
        t0 = time.monotonic()
        with output_lock(out, wait=True):
            waited = time.monotonic() - t0
        assert holder.wait(timeout=30) == 0
        assert waited > 0.5
    finally:
        holder.kill()


def test_duckdb_disk_full_becomes_the_os_error_it_is(tmp_path):
    """DuckDB reports a full disk as its own exception; the writer turns it into ENOSPC so the run
    ends in one line instead of a traceback."""
    import duckdb

    from kvalitativ.io.store import _as_os_error

    exc = duckdb.IOException('Could not write file "x.tmp": No space left on device')
    mapped = _as_os_error(exc, tmp_path / "x.tmp")
    assert isinstance(mapped, OSError) and mapped.errno == errno.ENOSPC
    other = duckdb.CatalogException("Table with name t does not exist")
    assert _as_os_error(other, tmp_path / "x.tmp") is other
    out = tmp_path / "out"
    with pytest.raises(OutputError, match=rf"^{out}: no space left"):
        with publishing(out, keep_published=False) as pub:
            raise mapped.__class__(mapped.errno, mapped.strerror, str(pub.staging / "kvalitativ.duckdb"))
