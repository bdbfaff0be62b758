"""Privacy: identifier redaction and small-cell disclosure control (and CSV formula neutralising).

* :mod:`kvalitativ.privacy.redact` — :class:`Redactor`, :func:`redact_texts`, :class:`RedactionReport`.
* :mod:`kvalitativ.privacy.suppress` — :func:`suppress_small_cells`, :func:`assert_no_small_cells`.
* :mod:`kvalitativ.privacy.formulas` — spreadsheet-formula neutralising for CSV outputs.
* :mod:`kvalitativ.privacy.pseudonym` — :func:`pseudonymize_ids` (keyed HMAC pseudonyms for any id
  column), :func:`load_key`, :func:`key_fingerprint`.
* :mod:`kvalitativ.privacy.manifest` — what run.json may say (no key, salt or local path).

Names are imported lazily so ``import kvalitativ.privacy`` stays cheap.
"""

from __future__ import annotations

import importlib

_EXPORTS = {
    "Redactor": "kvalitativ.privacy.redact",
    "redact_texts": "kvalitativ.privacy.redact",
    "RedactionReport": "kvalitativ.privacy.redact",
    "redaction_report": "kvalitativ.privacy.redact",
    "suppress_small_cells": "kvalitativ.privacy.suppress",
    "assert_no_small_cells": "kvalitativ.privacy.suppress",
    "SmallCellError": "kvalitativ.privacy.suppress",
    "pseudonymize_ids": "kvalitativ.privacy.pseudonym",
    "load_key": "kvalitativ.privacy.pseudonym",
    "key_fingerprint": "kvalitativ.privacy.pseudonym",
}

__all__ = sorted(_EXPORTS)


def __getattr__(name: str):
    if name in _EXPORTS:
        return getattr(importlib.import_module(_EXPORTS[name]), name)
    raise AttributeError(f"module 'kvalitativ.privacy' has no attribute {name!r}")
