"""What run.json may say about a run: nothing secret and nothing local.

Why: run.json travels with the published folder. A salt or key in it undoes the
pseudonyms; a path such as ``/home/anna.jensen/sager/notater.csv`` names the analyst and the
case folder. So the manifest keeps file names and content hashes (enough to tell which export
a run read), and a fingerprint of the pseudonym key (enough to tell two runs used one key).
"""

from __future__ import annotations

from pathlib import Path
from typing import Any

from kvalitativ.config import _PATH_FIELDS, RunConfig
from kvalitativ.io.store import file_sha256
from kvalitativ.privacy.kinds import kept_types, redact_types
from kvalitativ.privacy.pseudonym import key_fingerprint, load_key, resolve_key_file

__all__ = ["public_config", "public_inputs", "public_manifest"]

#: The input files a run reads, by their role (config field).
INPUT_FIELDS = {"notes": ("ingest", "notes"), "indicators": ("ingest", "indicators"), "train": ("code", "train"),
                "citizen": ("citizen", "notes"), "unit_figures": ("summarize", "unit_figures")}


def _get(data: dict[str, Any], path: tuple[str, ...]) -> Any:
    for part in path:
        data = data.get(part) if isinstance(data, dict) else None
    return data


def public_config(config: RunConfig) -> dict[str, Any]:
    """The config as a dict with every path field reduced to its file or folder name."""
    data = config.to_dict()
    for path in _PATH_FIELDS:
        holder = _get(data, path[:-1]) if len(path) > 1 else data
        if isinstance(holder, dict) and holder.get(path[-1]):
            holder[path[-1]] = Path(str(holder[path[-1]])).name
    return data


def public_inputs(config: RunConfig) -> dict[str, dict[str, str]]:
    """Each input file the run read: its name and the SHA-256 of its content."""
    data = config.to_dict()
    out = {}
    for role, path in INPUT_FIELDS.items():
        value = _get(data, path)
        if value and Path(value).is_file():
            out[role] = {"file": Path(value).name, "sha256": file_sha256(value)}
    return out


def public_manifest(config: RunConfig) -> dict[str, Any]:
    """``config``, ``inputs``, ``pseudonym_key`` (fingerprint and file name) and ``redaction`` (the
    identifier types redacted and those ``privacy.redact`` keeps) for run.json."""
    key_info: dict[str, Any] = {"used": config.ingest.pseudonymize != "never"}
    if key_info["used"]:
        key_info["fingerprint"] = key_fingerprint(load_key(config.privacy.key_file))
        key_info["file"] = resolve_key_file(config.privacy.key_file).name
    redaction = {"redacted": list(redact_types(config.privacy.redact)), "kept": list(kept_types(config.privacy.redact))}
    return {"config": public_config(config), "inputs": public_inputs(config), "pseudonym_key": key_info,
            "redaction": redaction}
