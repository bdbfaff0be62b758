"""The identifier types and the ``privacy.redact`` setting that chooses which of them to redact.

One definition, read by the config (to check a value when it is loaded), the redactor (to skip
a kept type), the writer's last guard (not to stop a run on a type the user chose to keep) and
run.json (to record what was kept). Imports nothing of kvalitativ but its errors, so the config
can use it.
"""

from __future__ import annotations

from typing import Any

from kvalitativ.errors import ConfigError

#: Identifier types in report order (the placeholders are ``[CPR]``, ``[TELEFON]`` ...).
TYPES: tuple[str, ...] = ("CPR", "TELEFON", "EMAIL", "ADRESSE", "NAVN")
#: Other spellings a config may use for a type: the placeholder in any case, with or without
#: brackets, and English words.
ALIASES: dict[str, str] = {
    "cpr": "CPR", "cpr-nummer": "CPR", "cpr_number": "CPR",
    "telefon": "TELEFON", "phone": "TELEFON", "tlf": "TELEFON",
    "email": "EMAIL", "e-mail": "EMAIL", "mail": "EMAIL",
    "adresse": "ADRESSE", "address": "ADRESSE",
    "navn": "NAVN", "name": "NAVN", "names": "NAVN", "navne": "NAVN",
}


def redact_types(value: Any) -> tuple[str, ...]:
    """The types ``privacy.redact`` asks to redact, in report order: ``true`` = all, ``false`` =
    none, or a list of types (``[CPR, TELEFON, EMAIL, ADRESSE]`` keeps names)."""
    if value is True or value is None:
        return TYPES
    if value is False:
        return ()
    items = [value] if isinstance(value, str) else value
    if not isinstance(items, (list, tuple, set, frozenset)):
        raise ConfigError(f"privacy.redact is {value!r}: use true (every type), false (none) or a list of "
                          f"types, e.g. [CPR, TELEFON, EMAIL, ADRESSE] to keep names.")
    chosen = set()
    for item in items:
        key = str(item).strip().strip("[]").lower()
        if key not in ALIASES:
            raise ConfigError(f"privacy.redact: '{item}' is no identifier type: use {', '.join(TYPES)} "
                              "(or cpr, phone, email, address, name).")
        chosen.add(ALIASES[key])
    return tuple(t for t in TYPES if t in chosen)


def kept_types(value: Any) -> tuple[str, ...]:
    """The types ``privacy.redact`` leaves in the text (what run.json records as kept)."""
    redacted = redact_types(value)
    return tuple(t for t in TYPES if t not in redacted)
