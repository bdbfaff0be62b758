"""Connecting to a Dask cluster, and mapping a function over partitions with one progress bar.

Connection problems are the commonest failure of a distributed run, so they end in a
:class:`~kvalitativ.errors.KvalitativError` that says what to check, within a time limit,
instead of a hang: a wrong address, a scheduler without workers, or workers that run another
kvalitativ version (their results would not equal the local engine's).
"""

from __future__ import annotations

import contextlib
import logging
import math
import os
from collections.abc import Callable, Iterator, Sequence
from typing import Any

import pandas as pd

from kvalitativ.cores import usable_cores
from kvalitativ.errors import ConfigError, KvalitativError

__all__ = ["connect", "map_partitions", "split_frame", "n_workers", "CONNECT_TIMEOUT"]

#: Seconds to wait for a scheduler (and for its first worker); KVALITATIV_DASK_TIMEOUT overrides.
CONNECT_TIMEOUT = 20.0


def _timeout() -> float:
    value = os.environ.get("KVALITATIV_DASK_TIMEOUT")
    try:
        return float(value) if value else CONNECT_TIMEOUT
    except ValueError:
        raise ConfigError(f"KVALITATIV_DASK_TIMEOUT is {value!r}: give a number of seconds.") from None


def _worker_version() -> str:
    from importlib import metadata

    try:
        return metadata.version("kvalitativ")
    except metadata.PackageNotFoundError:  # pragma: no cover - a source checkout on sys.path
        return "unknown"


@contextlib.contextmanager
def connect(scheduler: str | None = None, *, timeout: float | None = None,
            n_workers: int | None = None, threads_per_worker: int = 1) -> Iterator[Any]:
    """A ``dask.distributed.Client``: to ``scheduler`` (an address) or to a new ``LocalCluster``.

    The local cluster has one single-threaded worker process per core (``n_workers``
    overrides), so redaction and coding, which hold Python's GIL, really run in parallel.
    """
    try:
        from dask.distributed import Client, LocalCluster
    except ImportError:  # pragma: no cover - a declared dependency
        raise ConfigError("the dask engine needs the 'distributed' package: pip install 'dask[distributed]', "
                          "or run with --engine local.") from None
    timeout = _timeout() if timeout is None else float(timeout)
    cluster = None
    if scheduler:
        try:
            client = Client(scheduler, timeout=timeout, set_as_default=False)
        except (OSError, TimeoutError, ValueError, TypeError) as exc:
            why = str(exc).splitlines()[0] if str(exc) else type(exc).__name__
            raise KvalitativError(
                f"dask scheduler {scheduler}: could not connect within {timeout:g} s ({why}). Check the address "
                "(e.g. tcp://10.0.0.5:8786) and that `dask scheduler` runs there and is reachable, or leave "
                "--scheduler out to start a local cluster.") from None
    else:
        cores = usable_cores()
        try:
            cluster = LocalCluster(n_workers=n_workers or cores, threads_per_worker=threads_per_worker,
                                   processes=True, dashboard_address=":0", silence_logs=logging.ERROR)
        except RuntimeError as exc:
            raise KvalitativError(
                f"could not start a local dask cluster ({exc}). Worker processes re-import the main module: "
                "in a Python script, call the pipeline under `if __name__ == \"__main__\":`; or give --scheduler."
            ) from None
        client = Client(cluster, set_as_default=False)
    try:
        _check_workers(client, scheduler, timeout)
        yield client
    finally:
        client.close()
        if cluster is not None:
            cluster.close()


def _check_workers(client: Any, scheduler: str | None, timeout: float) -> None:
    where = f"dask scheduler {scheduler}" if scheduler else "the local dask cluster"
    try:
        client.wait_for_workers(1, timeout=timeout)
    except (TimeoutError, OSError):
        raise KvalitativError(f"{where}: no worker joined within {timeout:g} s. Start workers with "
                              f"`dask worker {scheduler or 'ADDRESS'}` (kvalitativ must be installed on them).") from None
    mine = _worker_version()
    try:
        theirs = client.run(_worker_version)
    except Exception as exc:  # the function cannot even be unpickled there
        raise KvalitativError(f"{where}: the workers cannot run kvalitativ ({type(exc).__name__}: {exc}); install "
                              f"kvalitativ {mine} on every worker.") from None
    other = {addr: v for addr, v in theirs.items() if v != mine}
    if other:
        addr, v = next(iter(other.items()))
        raise KvalitativError(f"{where}: worker {addr} runs kvalitativ {v}, this process {mine}; install the same "
                              "version everywhere (results would differ from the local engine's).")


def n_workers(client: Any) -> int:
    return max(1, len(client.scheduler_info().get("workers", {})))


def split_frame(frame: pd.DataFrame, n_parts: int) -> list[pd.DataFrame]:
    """``frame`` cut into at most ``n_parts`` contiguous, non-empty pieces, in order."""
    n = len(frame)
    if n == 0:
        return []
    size = math.ceil(n / max(1, min(n_parts, n)))
    return [frame.iloc[i: i + size] for i in range(0, n, size)]


def n_partitions(n_rows: int, client: Any, *, per_worker: int = 4, max_rows: int = 5_000) -> int:
    """Enough partitions to keep every worker busy (and a bar that moves), none too big."""
    return max(1, min(n_rows, max(per_worker * n_workers(client), math.ceil(n_rows / max_rows))))


def map_partitions(client: Any, fn: Callable[..., Any], *iterables: Sequence[Any], desc: str,
                   progress: bool = True, **kwargs: Any) -> list[Any]:
    """``[fn(a, b, ..., **kwargs) for a, b, ... in zip(*iterables)]`` on the cluster, in order.

    The partitions are scattered first (not embedded in the task graph); ``kwargs`` may hold
    futures of objects scattered once (a fitted model), which every task on a worker shares.
    A bar counts finished partitions.
    """
    from dask.distributed import as_completed

    iterables = [list(it) for it in iterables]
    if not iterables or not iterables[0]:
        return []
    scattered = [client.scatter(it, hash=False) for it in iterables]
    futures = client.map(fn, *scattered, pure=False, **kwargs)
    try:
        if progress:
            from tqdm.auto import tqdm

            with tqdm(total=len(futures), desc=desc, unit="partition", leave=False) as bar:
                for _ in as_completed(futures, loop=client.loop):
                    bar.update(1)
        return client.gather(futures)
    except KvalitativError:
        raise
    except Exception as exc:
        name = type(exc).__name__
        if name in ("KilledWorker", "CommClosedError", "FutureCancelledError", "CancelledError"):
            raise KvalitativError(f"{desc}: a dask worker died or the cluster went away ({name}: {exc}). Give the "
                                  "workers more memory, or check the scheduler's log.") from None
        raise
    finally:
        client.cancel(futures)

