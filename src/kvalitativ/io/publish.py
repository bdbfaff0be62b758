"""A run is one transaction: build the outputs beside the published folder, then swap them in.

Why: every file kvalitativ writes is atomic, but a run writes some sixty of them, one after the
other, into the folder a dashboard reads. Killed half-way (a scheduler's timeout, a closed
laptop, a full disk), that folder held ``codings`` of the new run next to ``associations`` of
the old one, and nothing said so. Here a run (or a stage command) writes into a staging folder
beside the published one, on the same filesystem, and publishes with one atomic switch:

- Linux: ``renameat2(RENAME_EXCHANGE)`` swaps the two folders in one step, so at every instant
  the published path is one complete run;
- elsewhere (or on a filesystem that refuses the exchange): two renames, the old folder aside
  and the new one in; the window in which the path is missing is as short as a rename.
  ``method`` says which one ran (``run.json`` records it).

The folder that was published before is kept as ``<out>.previous`` (one generation, for a roll
back by hand) and dropped when the next run starts building, so at most one extra copy exists.
Staging folders left by killed runs are removed at the next start. One writer per folder: an OS
lock on ``<out>.lock`` (beside the folder, which is swapped), released by the OS when a process
dies, so a lock is never stale. Readers are never blocked.
"""

from __future__ import annotations

import contextlib
import ctypes
import errno
import os
import shutil
import sys
import tempfile
from collections.abc import Iterator
from dataclasses import dataclass, field
from datetime import datetime, timezone
from pathlib import Path

from kvalitativ.errors import OutputError

__all__ = ["Publication", "publishing", "output_lock", "exchange_supported", "sibling"]

#: renameat2 flag (linux/fs.h) and "relative to the current directory" for the *at calls.
RENAME_EXCHANGE = 2
AT_FDCWD = -100
#: What marks a folder as a kvalitativ output folder (so a run never swaps away a folder of
#: the user's own files).
MARKERS = ("run.json", "parquet", "csv", "work", "kvalitativ.duckdb", "report.html")
#: OSErrors that are the environment's, not kvalitativ's: they end in one line, not a traceback.
ENVIRONMENT_ERRNOS = {errno.ENOSPC, getattr(errno, "EDQUOT", errno.ENOSPC), errno.EACCES, errno.EPERM, errno.EROFS}


def sibling(out: Path, suffix: str) -> Path:
    """``<parent>/<name><suffix>``: lock, staging and previous live beside the folder."""
    return out.parent / f"{out.name}{suffix}"


# --- the lock ----------------------------------------------------------------------------------
def _lock(fd: int, wait: bool) -> None:
    if os.name == "nt":  # pragma: no cover - exercised on Windows only
        import msvcrt

        mode = msvcrt.LK_LOCK if wait else msvcrt.LK_NBLCK
        msvcrt.locking(fd, mode, 1)
    else:
        import fcntl

        fcntl.flock(fd, fcntl.LOCK_EX | (0 if wait else fcntl.LOCK_NB))


@contextlib.contextmanager
def output_lock(out: Path, *, wait: bool = False, what: str = "") -> Iterator[None]:
    """Hold ``<out>.lock`` exclusively; a second writer gets one line naming the first.

    The lock file stays (deleting it would race a waiting process that already opened it); it
    holds who has the lock: pid, start time and ``what`` (the command).
    """
    path = sibling(out, ".lock")
    try:
        handle = open(path, "a+", encoding="utf-8")
    except OSError as exc:
        raise OutputError(describe(exc, out)) from None
    with handle:
        try:
            _lock(handle.fileno(), wait)
        except OSError as exc:
            if exc.errno not in (errno.EAGAIN, errno.EACCES, errno.EWOULDBLOCK, errno.EDEADLK):
                raise
            handle.seek(0)
            holder = handle.read().strip() or "unknown"
            raise OutputError(f"{out}: another kvalitativ run is writing this folder ({holder}). "
                              "Wait for it to finish, or rerun with --wait.") from None
        handle.seek(0)
        handle.truncate()
        started = datetime.now(timezone.utc).isoformat(timespec="seconds")
        handle.write(f"pid {os.getpid()}, started {started}" + (f", {what}" if what else ""))
        handle.flush()
        yield


# --- the swap ----------------------------------------------------------------------------------
def _renameat2_exchange(a: Path, b: Path) -> None:
    libc = ctypes.CDLL(None, use_errno=True)
    fn = libc.renameat2  # AttributeError where libc has none (not Linux, old glibc)
    fn.argtypes = [ctypes.c_int, ctypes.c_char_p, ctypes.c_int, ctypes.c_char_p, ctypes.c_uint]
    if fn(AT_FDCWD, os.fsencode(a), AT_FDCWD, os.fsencode(b), RENAME_EXCHANGE) != 0:
        err = ctypes.get_errno()
        raise OSError(err, os.strerror(err), str(a))


def exchange_supported(folder: Path) -> bool:
    """Whether two folders in ``folder`` can be swapped atomically (tried on two empty ones)."""
    if not sys.platform.startswith("linux"):
        return False
    try:
        with tempfile.TemporaryDirectory(prefix=".kvalitativ-probe-", dir=folder) as probe:
            a, b = Path(probe) / "a", Path(probe) / "b"
            a.mkdir()
            b.mkdir()
            _renameat2_exchange(a, b)
        return True
    except (AttributeError, OSError):
        return False


def _fsync_dir(folder: Path) -> None:
    if os.name == "nt":  # pragma: no cover
        return
    fd = os.open(folder, os.O_RDONLY)
    try:
        os.fsync(fd)
    finally:
        os.close(fd)


@dataclass
class Publication:
    """A run being built in ``staging``; :meth:`publish` makes it the folder at ``out``."""

    out: Path
    staging: Path
    method: str  # "exchange" (renameat2) or "rename" (the fallback)
    notes: list[str] = field(default_factory=list)  # lines for the run's summary

    @property
    def previous(self) -> Path:
        return sibling(self.out, ".previous")

    def publish(self) -> None:
        """Switch ``staging`` in at ``out``; the folder that was there becomes ``<out>.previous``.

        The report pages are scanned first (the writer's last guard, as for every table): a page
        with an identifier pattern stops the publishing, and nothing is published."""
        from kvalitativ.privacy.guard import assert_no_identifiers_in_report, guard_types_of_folder

        types = guard_types_of_folder(self.staging)  # a type privacy.redact kept is not an error
        for page in sorted(self.staging.glob("*.html")):
            assert_no_identifiers_in_report(page, types)
        _fsync_dir(self.staging)
        if not self.out.exists():
            os.rename(self.staging, self.out)
        elif self.method == "exchange":
            _renameat2_exchange(self.staging, self.out)
            os.rename(self.staging, self.previous)  # the staging path now holds the old folder
        else:
            os.rename(self.out, self.previous)
            os.rename(self.staging, self.out)
        _fsync_dir(self.out.parent)


def _link_tree(src: Path, dst: Path) -> None:
    """Copy ``src`` into ``dst`` as hard links (a copy costs no space; every kvalitativ write
    replaces a file by rename and never changes one in place, so the published files stay as
    they are). Falls back to a real copy where links are not possible."""
    for root, dirs, files in os.walk(src):
        rel = Path(root).relative_to(src)
        (dst / rel).mkdir(parents=True, exist_ok=True)
        for name in files:
            if name.endswith(".tmp"):
                continue
            a, b = Path(root) / name, dst / rel / name
            try:
                os.link(a, b)
            except OSError:
                shutil.copy2(a, b)


def _is_output_folder(out: Path) -> bool:
    return not any(out.iterdir()) or any((out / m).exists() for m in MARKERS)


def _clear_leftovers(out: Path) -> list[str]:
    """Remove staging folders of killed runs and the previous generation; say what went.

    A run killed between the two renames of the fallback left no ``out`` but a whole
    ``<out>.previous``: that one is put back first, so the path never stays empty."""
    lines = []
    previous = sibling(out, ".previous")
    if not out.exists() and previous.is_dir():
        os.rename(previous, out)
        lines.append(f"Restored {out} from {previous.name}: the last run was interrupted while publishing.")
    stale = sorted(out.parent.glob(f"{out.name}.staging-*"))
    for folder in stale:
        shutil.rmtree(folder, ignore_errors=True)
    if stale:
        lines.append(f"Removed {len(stale)} unfinished output folder(s) left by an interrupted run "
                     f"({', '.join(p.name for p in stale)}).")
    if previous.exists():
        shutil.rmtree(previous)
    return lines


def _with_errno(exc: OSError) -> OSError:
    """Some writers (pyarrow) raise an OSError without errno; read it from the message then."""
    if exc.errno is not None:
        return exc
    for text, code in (("No space left on device", errno.ENOSPC), ("Permission denied", errno.EACCES),
                       ("Read-only file system", errno.EROFS), ("Disk quota exceeded", errno.ENOSPC)):
        if text in str(exc):
            return OSError(code, text, exc.filename)
    return exc


def describe(exc: OSError, out: Path) -> str:
    """One line for an environment fault: the path, what happened and what to do."""
    where = exc.filename or out
    if ".staging-" in str(where):  # a file of the run being built: the user knows the folder, not it
        where = out
    if exc.errno == errno.ENOSPC or exc.errno == getattr(errno, "EDQUOT", -1):
        what = "no space left on the device"
        todo = "free space there or choose another --out"
    elif exc.errno in (errno.EACCES, errno.EPERM):
        what = "no permission to write"
        todo = "choose a folder you can write to with --out"
    elif exc.errno == errno.EROFS:
        what = "the filesystem is read-only"
        todo = "choose a folder on a writable disk with --out"
    elif exc.errno in (errno.ENOTDIR, errno.EEXIST):
        what = "a file is in the way of a folder"
        todo = "choose a folder (not a file) for --out"
    else:
        what = exc.strerror or str(exc)
        todo = "check the output folder"
    return f"{where}: {what}; {todo}. The outputs already published in {out} are untouched."


@contextlib.contextmanager
def publishing(out: str | os.PathLike, *, keep_published: bool, wait: bool = False, what: str = "",
               force_fallback: bool = False) -> Iterator[Publication]:
    """Build into a staging folder beside ``out`` and publish it at the end, as one transaction.

    ``keep_published``: start the staging folder as a copy of what is published (a stage
    command adds its tables to the other stages' ones); else start empty (``kvalitativ run``
    makes every output anew). On an error nothing is published, the staging folder goes, and an
    environment fault (no space, no permission, read-only) becomes one :class:`OutputError`.
    ``force_fallback`` uses the two-rename switch even where the exchange works (for tests).
    """
    out = Path(out)
    if out.exists() and not out.is_dir():
        raise OutputError(f"{out}: is a file, not a folder; choose a folder for --out.")
    if out.is_dir() and not _is_output_folder(out):
        raise OutputError(f"{out}: holds files that are not kvalitativ outputs, and a run replaces the whole "
                          "folder; choose a new or empty folder for --out.")
    try:
        out.parent.mkdir(parents=True, exist_ok=True)
    except OSError as exc:
        raise OutputError(describe(exc, out)) from None
    with output_lock(out, wait=wait, what=what):
        try:
            notes = _clear_leftovers(out)
            staging = Path(tempfile.mkdtemp(prefix=f"{out.name}.staging-", dir=out.parent))
        except OSError as exc:
            raise OutputError(describe(exc, out)) from None
        method = "rename" if force_fallback or not exchange_supported(out.parent) else "exchange"
        pub = Publication(out, staging, method, notes)
        try:
            if keep_published and out.is_dir():
                _link_tree(out, staging)
            yield pub
            pub.publish()
        except OSError as exc:
            exc = _with_errno(exc)
            if exc.errno not in ENVIRONMENT_ERRNOS:
                raise
            raise OutputError(describe(exc, out)) from None
        finally:
            if staging.exists():
                shutil.rmtree(staging, ignore_errors=True)


def manifest_entry(pub: Publication) -> dict[str, str]:
    """What run.json says about the publishing: the switch used and where the last run went."""
    return {"method": "renameat2(RENAME_EXCHANGE)" if pub.method == "exchange" else "two renames (fallback)",
            "previous": pub.previous.name}
