"""Every stage command on every folder another stage command writes: a result or one clear
error (exit 2), never a traceback (kv() fails the test on one)."""

from __future__ import annotations

import pytest

from .conftest import kv


@pytest.fixture(scope="module")
def folders(petitions):
    """Separate --out folders of ingest, code, link and summarize on the petitions."""
    tmp, config = petitions["tmp"], petitions["config"]
    link, summ = tmp / "link_only", tmp / "summ_only"
    status, out = kv("link", "--codings", petitions["code"], "--notes", petitions["ing"], "--config", config,
                     "--out", link)
    assert status == 0, out
    status, out = kv("summarize", "--codings", petitions["code"], "--notes", petitions["ing"], "--link", link,
                     "--config", config, "--out", summ)
    assert status == 0, out
    return {"ingest": petitions["ing"], "code": petitions["code"], "link": link, "summarize": summ,
            "config": config}


COMMANDS = {
    "code": lambda f, out, c: ("code", f, "--config", c, "--out", out),
    "link": lambda f, out, c: ("link", "--codings", f, "--config", c, "--out", out),
    "summarize": lambda f, out, c: ("summarize", "--codings", f, "--config", c, "--out", out),
    "report": lambda f, out, c: ("report", "--tables", f, "--out", out / "report.html"),
}


@pytest.mark.parametrize("command", sorted(COMMANDS))
@pytest.mark.parametrize("folder", ["ingest", "code", "link", "summarize"])
def test_command_on_folder(folders, command, folder, tmp_path):
    status, out = kv(*COMMANDS[command](folders[folder], tmp_path / "out", folders["config"]))
    assert status in (0, 2), out
    if status == 2:
        message = out.strip().splitlines()[-1]
        assert message.startswith("Error: ") and len(message) > 40  # says what is missing and what to do
