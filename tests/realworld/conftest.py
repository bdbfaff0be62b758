"""Made-here exports in the shapes real ones have and the sample lacks (see make_fixtures.py).

Each command runs in process as the console entry point would run it: a KvalitativError is a
clean exit 2 with one line; anything else escaping is a traceback, which these tests forbid.
"""

from __future__ import annotations

from pathlib import Path

import pytest
import yaml
from click.testing import CliRunner

from kvalitativ.cli import cli
from kvalitativ.errors import KvalitativError

DATA = Path(__file__).parent / "data"


def kv(*args) -> tuple[int, str]:
    """(exit status, output) of `kvalitativ ARGS`; fails the test on a traceback."""
    result = CliRunner().invoke(cli, [str(a) for a in args])
    exc = result.exception
    if isinstance(exc, KvalitativError):
        return 2, f"{result.output}Error: {exc}"
    if exc is not None and not isinstance(exc, SystemExit):
        raise AssertionError(f"kvalitativ {' '.join(map(str, args))}: traceback {exc!r}\n{result.output}") from exc
    return result.exit_code, result.output


def petitions_config(tmp: Path, **link) -> Path:
    """The committed petitions config with absolute paths, output and cache in ``tmp``."""
    data = yaml.safe_load((DATA / "petitions.yaml").read_text(encoding="utf-8"))
    data["out"] = str(tmp / "run")
    data["embed"]["cache_dir"] = str(tmp / "cache")
    for key in ("notes", "indicators"):
        data["ingest"][key] = str(DATA / data["ingest"][key])
    data["code"]["codebook"] = str(DATA / data["code"]["codebook"])
    data["link"].update(link)
    data["link"]["n_boot"] = 50
    path = tmp / "petitions.yaml"
    path.write_text(yaml.safe_dump(data, allow_unicode=True), encoding="utf-8")
    return path


@pytest.fixture(scope="module")
def petitions(tmp_path_factory) -> dict[str, Path]:
    """The petitions ingested and coded once per module: {'config', 'ing', 'code', 'tmp'}."""
    tmp = tmp_path_factory.mktemp("petitions")
    config = petitions_config(tmp)
    ing, code = tmp / "ing", tmp / "code"
    status, out = kv("ingest", DATA / "petitions.csv", "--config", config, "--out", ing)
    assert status == 0, out
    status, out = kv("code", ing, "--config", config, "--out", code)
    assert status == 0, out
    return {"config": config, "ing": ing, "code": code, "tmp": tmp}
