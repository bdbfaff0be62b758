"""Shared fixtures: small exports written in the formats and encodings municipalities use."""

from __future__ import annotations

import os
from pathlib import Path

import pytest
from hypothesis import settings

# Property-based tests run the same examples every time: CI must be deterministic, and a
# failure must reproduce. (To explore new examples locally, load a profile with derandomize=False.)
settings.register_profile("kvalitativ", derandomize=True, print_blob=True)
settings.load_profile("kvalitativ")

os.environ.setdefault("HF_HUB_OFFLINE", "1")
os.environ.setdefault("TRANSFORMERS_OFFLINE", "1")

REPO = Path(__file__).resolve().parents[1]
SAMPLE = REPO / "corpora" / "sample"
EVAL = REPO.parent / "shared" / "eval"

DANISH_ROWS = [
    ("N1", "E1", "Østre Skole", "31-12-2023", "Lærer", "Eleven har svært ved at møde til tiden, æøå ÆØÅ er med."),
    ("N2", "E2", "Vestre Skole", "31.12.2023", "UU-vejleder", "God trivsel i klassen, sød og hjælpsom over for de andre."),
    ("N3", "E3", "Vestre Skole", "2024-01-15", "Mentor", "Mangler motivation for skolearbejdet pga. søvnbesvær."),
]


@pytest.fixture(autouse=True)
def _own_pseudonym_key(tmp_path_factory, monkeypatch):
    """Commands without a config keep their key in the user's config folder: in tests, a fresh
    folder, so no test reads or writes the developer's own key (and none leaks between tests
    through the environment)."""
    monkeypatch.setenv("XDG_CONFIG_HOME", str(tmp_path_factory.mktemp("xdg")))
    monkeypatch.delenv("KVALITATIV_PSEUDONYM_KEY", raising=False)
    monkeypatch.delenv("KVALITATIV_PSEUDONYM_KEY_FILE", raising=False)


@pytest.fixture
def repo() -> Path:
    return REPO


@pytest.fixture
def sample_dir() -> Path:
    if not (SAMPLE / "notes.csv").exists():
        pytest.skip("corpora/sample has not been generated")
    return SAMPLE


def write_csv(path: Path, header: list[str], rows: list[tuple], sep: str = ";", encoding: str = "utf-8", newline: str = "\r\n") -> Path:
    lines = [sep.join(header)] + [sep.join(r) for r in rows]
    path.write_bytes((newline.join(lines) + newline).encode(encoding))
    return path


@pytest.fixture
def danish_export(tmp_path: Path) -> Path:
    """A cp1252, `;`-separated export with Danish headers and æøå, as case systems write it."""
    return write_csv(tmp_path / "notater.csv", ["Notat-ID", "Elev-ID", "Skole", "Dato", "Faggruppe", "Notat"],
                     DANISH_ROWS, sep=";", encoding="cp1252")
