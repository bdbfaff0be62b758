"""Hand memory a finished piece of work freed back to the operating system.

Used between the stages of a run and inside a stage before it writes a large table, so that
what one step freed is not counted again on top of the next (a million notes' run must stay
under 4 GB).
"""

from __future__ import annotations

__all__ = ["release_memory"]


def release_memory() -> None:
    """Hand memory the last stage freed back to the operating system before the next one starts.

    Why: CPython and glibc keep freed memory in the process, so one large stage (discovery
    at a million notes) raises the resident size every later stage starts from. As Dask's
    workers do, collect garbage and ask glibc to return the free heap (``malloc_trim``); a
    no-op where that call does not exist (macOS, Windows, musl). Arrow's memory pool (pandas'
    strings and every Parquet read) keeps freed memory too, and far more: after a million notes'
    codings and corpus are read and dropped it held 1.8 GB, which ``release_unused`` returns.
    """
    import ctypes
    import ctypes.util
    import gc

    import pyarrow

    gc.collect()
    pyarrow.default_memory_pool().release_unused()
    name = ctypes.util.find_library("c")
    try:
        ctypes.CDLL(name).malloc_trim(0)
    except (OSError, AttributeError, TypeError):  # no glibc: nothing to hand back this way
        pass
