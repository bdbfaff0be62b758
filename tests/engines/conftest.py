"""One real 2-worker LocalCluster (worker processes, as in production) for the engine tests."""

from __future__ import annotations

import pytest


@pytest.fixture(scope="session")
def cluster():
    pytest.importorskip("distributed")
    from dask.distributed import LocalCluster

    with LocalCluster(n_workers=2, threads_per_worker=1, processes=True, dashboard_address=":0") as c:
        yield c
