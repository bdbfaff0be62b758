"""Config values checked against the types their fields declare, and against their ranges.

A YAML file is typed loosely: ``seed: nul``, ``discover.enabled: nej`` or ``link.window_months:
femten`` load as strings. Unchecked, the first crashed deep inside scikit-learn after minutes of
work, the second turned discovery *on* (any non-empty string is true) and the third failed at the
link stage. Each value is checked here when the config is loaded, with one line that says what to
write instead; only a list of words may also be written as one comma-separated string
(``covariates: absence_pct, grade_avg``), as on the command line.
"""

from __future__ import annotations

import types
import typing
from typing import Any

from kvalitativ.errors import ConfigError

__all__ = ["check_value", "check_ranges", "check_exclusive", "check_retired_keys", "RANGES"]

#: (section, key): (the smallest allowed value, an example) for numbers whose type alone allows nonsense.
RANGES = {
    ("discover", "min_topic_size"): (2, "10"),
    ("ingest", "max_chars"): (1, "20000"),
    ("link", "window_months"): (1, "12"),
    ("chunk_size",): (1, "50000"),
    ("discover", "stability_workers"): (0, "1 (one after another; 0 = one per core)"),
    ("discover", "consensus_runs"): (1, "20 (or leave it out: by the graph's size)"),
    ("discover", "n_neighbors"): (2, "30 (or leave it out)"),
    ("discover", "stability_seeds"): (0, "5 (0 = no stability)"),
    ("code", "threshold"): (0, "0.5 (or leave it out: each theme's calibrated threshold)"),
}


def _describe(hint) -> str:
    if typing.get_origin(hint) is list:
        return "a list"
    return {bool: "true or false", int: "a whole number", float: "a number", str: "a text"}.get(hint, str(hint))


def check_value(value: Any, hint, where: str) -> Any:
    """*value* if it fits the field's type *hint*, else a :class:`ConfigError` naming *where*.
    Numbers stay as written (a ``str`` field keeps ``sheet: 2`` as the number 2)."""
    origin, args = typing.get_origin(hint), typing.get_args(hint)
    if origin in (typing.Union, types.UnionType):
        if value is None and type(None) in args:
            return None
        options = [a for a in args if a is not type(None)]
        for a in options:
            try:
                return check_value(value, a, where)
            except ConfigError:
                continue
        blank = " (or leave it out)" if type(None) in args else ""
        raise ConfigError(f"{where} is {value!r}: give {' or '.join(_describe(a) for a in options)}{blank}.")
    if origin is list:
        item = args[0] if args else Any
        if isinstance(value, str) and item is str:
            value = [v.strip() for v in value.split(",") if v.strip()]
        if not isinstance(value, (list, tuple)):
            raise ConfigError(f"{where} is {value!r}: give a list, e.g. [a, b].")
        return [check_value(v, item, f"{where}[{i}]") for i, v in enumerate(value)]
    if hint is bool and not isinstance(value, bool):
        raise ConfigError(f"{where} is {value!r}: give true or false (yes or no, without quotes).")
    if hint is int and (isinstance(value, bool) or not isinstance(value, int)):
        raise ConfigError(f"{where} is {value!r}: give a whole number (digits, e.g. 0 or 12).")
    if hint is float and (isinstance(value, bool) or not isinstance(value, (int, float))):
        raise ConfigError(f"{where} is {value!r}: give a number (with a point, e.g. 0.5"
                          + (f"; YAML reads {value} as text: write {float(value):f}".rstrip("0") + ")."
                             if isinstance(value, str) and _number(value) else ")."))
    if hint is str and (isinstance(value, bool) or not isinstance(value, (str, int, float))):
        raise ConfigError(f"{where} is {value!r}: give a text value (in quotes if it has special characters).")
    return value


def _number(text: str) -> bool:
    try:
        float(text)
    except ValueError:
        return False
    return True


#: (section, key): the largest sensible value, where more only costs time without a word of progress.
HIGHEST = {("discover", "consensus_runs"): 1000, ("code", "threshold"): 1}


def check_ranges(config) -> None:
    """Numbers below their smallest meaningful value (:data:`RANGES`) or above their largest
    (:data:`HIGHEST`) are refused."""
    for path, (low, example) in RANGES.items():
        value = config
        for part in path:
            value = getattr(value, part)
        if value is not None and value < low:
            raise ConfigError(f"{'.'.join(path)} is {value}: it must be at least {low}, e.g. {example}.")
        high = HIGHEST.get(path)
        if value is not None and high is not None and value > high:
            raise ConfigError(f"{'.'.join(path)} is {value}: at most {high}, e.g. {example}.")


def check_exclusive(value) -> None:
    """``code.exclusive`` is true, false or "auto" (see ``kvalitativ.coding.mode``), else a ConfigError."""
    if isinstance(value, bool) or value == "auto":
        return
    raise ConfigError(f"code.exclusive is {value!r}: use true (single-label), false (multi-label) or auto "
                      "(single-label when every hand-coded note has one theme; the default).")


def check_retired_keys(data: dict[str, Any]) -> None:
    """Stop on a key kvalitativ no longer reads where ignoring it would be unsafe."""
    if isinstance(data.get("ingest"), dict) and "pseudonym_salt" in data["ingest"]:
        raise ConfigError("ingest.pseudonym_salt: no longer used — a salt written in a config (and once in run.json) "
                          "does not stop anyone from reversing CPR-shaped ids. Delete the line; pseudonyms are now "
                          "keyed with a secret key file (privacy.key_file, see docs/privacy.md). Pseudonyms change "
                          "once: rerun earlier years with the new key to keep them joinable.")
