"""Redact identifiers from free text: typed placeholders, counts by type, never the values.

Example::

    >>> from kvalitativ.privacy.redact import Redactor
    >>> text, counts = Redactor().redact("Mikkel Jensen (010203-1234) bor på Vestergade 12, 5000 Odense C.")
    >>> text
    '[NAVN] ([CPR]) bor på [ADRESSE].'
    >>> dict(counts)
    {'NAVN': 1, 'CPR': 1, 'ADRESSE': 1}

What is found, in this order (an earlier type wins where two overlap): e-mail, CPR number,
phone number, street address (see :mod:`kvalitativ.privacy.patterns`), person name (see
:mod:`kvalitativ.privacy.names`). Adjacent name finds ("[NAVN] [NAVN]") merge into one.

Redaction is deterministic and idempotent (redacting a redacted text changes nothing: a text is
redacted again until a pass finds nothing more, which is rare after the first pass), and it
uses only precompiled regular expressions and set look-ups, so a 4,000-note export takes seconds
and a million notes minutes on one core (see docs/benchmarks.md, "Redaction").
"""

from __future__ import annotations

from collections import Counter
from collections.abc import Iterable, Sequence
from dataclasses import dataclass, field

import pandas as pd

from kvalitativ.errors import ConfigError
from kvalitativ.privacy.foreign_phones import find_foreign_phones
from kvalitativ.privacy.gazetteer import load_gazetteer
from kvalitativ.privacy.kinds import TYPES, redact_types
from kvalitativ.privacy.names import NameFinder
from kvalitativ.privacy.normalise import normalise, to_original
from kvalitativ.privacy.obfuscated import find_digit_chains, find_lookalike_digits, find_obfuscated_emails
from kvalitativ.privacy.patterns import (
    PLACEHOLDERS,
    PRIORITY,
    Find,
    Spans,
    find_addresses,
    find_cpr,
    find_emails,
    find_phones,
)

#: Redaction repeats until a pass finds nothing (a placeholder can change the context of its
#: neighbour: "5000 2023/24a@b.dk"), at most this many times; that makes it idempotent.
MAX_PASSES = 3
#: ``privacy.strictness`` values, strongest first (see :class:`Redactor`).
STRICTNESS: tuple[str, ...] = ("strict", "standard")


class Redactor:
    """Replaces CPR numbers, phones, e-mails, street addresses and person names with placeholders.

    Parameters
    ----------
    known_names:
        Person names to redact in every text (full names; each part is also redacted), e.g. the
        whole name column of an export or a staff list.
    gazetteer:
        Also find names that are not given, from the shipped lists of Danish first names and
        surnames with context rules. False = only exact names.
    strictness:
        ``"strict"`` (the default, ``privacy.strictness``): Unicode normalisation first (NFKC,
        zero-width characters and soft hyphens removed), identifiers written as digit groups
        with any separator or split by a line break, spelled-out e-mails
        (:mod:`kvalitativ.privacy.obfuscated`) and names in lower case or capitals where context
        says person (:mod:`kvalitativ.privacy.name_case`). ``"standard"``: the plain spellings
        and capitalised names only (what kvalitativ did before; fewer changes to ordinary words,
        more identifiers missed; docs/benchmarks.md, "Redaction", compares the two).
    types:
        The identifier types to redact (``privacy.redact``; default all of :data:`TYPES`). A type
        left out is kept in the text: docs/privacy.md says what that risks.
    language:
        ``ingest.language``: ``auto`` (guess per text), ``da`` or ``en``; selects the name rules.
    """

    def __init__(self, known_names: Iterable[str] = (), gazetteer: bool = True, strictness: str = "strict",
                 types: Iterable[str] = TYPES, language: str = "auto"):
        if strictness not in STRICTNESS:
            raise ConfigError(f"privacy.strictness is '{strictness}': use {' or '.join(STRICTNESS)}.")
        self.known_names = tuple(known_names)
        self.gazetteer = gazetteer
        self.strictness = strictness
        self.types = frozenset(types)
        if not self.types <= set(TYPES):
            raise ConfigError(f"Unknown identifier types {sorted(self.types - set(TYPES))}: use {', '.join(TYPES)}.")
        self.language = language
        self._strict = strictness == "strict"
        self._names = NameFinder(self.known_names, gazetteer=gazetteer, restore_case=self._strict, language=language)
        self._keep = load_gazetteer().keep

    @classmethod
    def from_config(cls, privacy, language: str = "auto", known_names: Iterable[str] = ()) -> "Redactor":
        """The redactor a run uses: ``privacy.strictness``, the types ``privacy.redact`` asks for
        and the rules of ``ingest.language`` (one definition for ingest, engines and quotes)."""
        return cls(known_names, strictness=privacy.strictness, types=redact_types(privacy.redact), language=language)

    def find(self, text: str, names: Iterable[str] = ()) -> list[Find]:
        """The identifier spans of ``text`` after overlaps are resolved, in text order."""
        if not text:
            return []
        norm, origin = normalise(text) if self._strict else (text, None)
        finds = self.find_patterns(norm)
        if "NAVN" in self.types:
            finds += self._names.find(norm, names, taken=finds)
        finds = _merge_names(norm, _resolve(finds))
        if len(self.types) < len(TYPES):  # a kept type is found (so no other type takes it) but stays
            finds = [f for f in finds if f.type in self.types]
        if origin is None:
            return finds
        return [Find(f.type, *to_original(origin, f.start, f.end), f.confidence) for f in finds]

    def find_patterns(self, text: str) -> list[Find]:
        """The pattern identifiers (CPR, phone, e-mail, address) of an already normalised text;
        no names. The one definition of what an identifier pattern is: the writer's last guard
        and the redaction of id and unit columns use it too."""
        finds = (find_emails(text) + find_cpr(text) + find_phones(text) + find_foreign_phones(text)
                 + find_addresses(text, self._keep))
        if self._strict:
            finds += find_obfuscated_emails(text) + find_digit_chains(text) + find_lookalike_digits(text)
        return _resolve(finds)

    def redact(self, text: str, names: Iterable[str] = ()) -> tuple[str, Counter]:
        """``text`` with each identifier replaced by its placeholder, and the finds counted by type.

        ``names`` are exact person names for this text (the export's name column for the row).
        """
        if not isinstance(text, str) or not text:
            return text, Counter()
        names = list(names)
        counts: Counter = Counter()
        for _ in range(MAX_PASSES):
            finds = self.find(text, names)
            if not finds:
                break
            text = _replace(text, finds)
            counts.update(f.type for f in finds)
        return text, counts

    def redact_texts(
        self, texts: Iterable[str], names_per_row: Sequence[Iterable[str]] | None = None
    ) -> tuple[list[str], Counter]:
        """Redact a whole column; ``names_per_row[i]`` are the exact names for ``texts[i]``."""
        out: list[str] = []
        total: Counter = Counter()
        for i, text in enumerate(texts):
            names = names_per_row[i] if names_per_row is not None else ()
            if isinstance(names, str):
                names = (names,)
            red, counts = self.redact(text, [n for n in (names or ()) if isinstance(n, str)])
            out.append(red)
            total.update(counts)
        return out, total


def redact_texts(
    texts: Iterable[str],
    names_per_row: Sequence[Iterable[str]] | None = None,
    known_names: Iterable[str] = (),
    gazetteer: bool = True,
    strictness: str = "strict",
    types: Iterable[str] = TYPES,
) -> tuple[list[str], Counter]:
    """Redact a column of notes: ``(redacted texts, counts by type)``.

    Example::

        texts, counts = redact_texts(df["Notat"], names_per_row=df[["Navn"]].to_numpy().tolist())
        print(RedactionReport(counts).to_frame())
    """
    return Redactor(known_names, gazetteer=gazetteer, strictness=strictness, types=types).redact_texts(texts, names_per_row)


@dataclass
class RedactionReport:
    """How many identifiers of each type were redacted (counts only, never the values)."""

    counts: Counter = field(default_factory=Counter)
    n_texts: int | None = None

    def to_frame(self) -> pd.DataFrame:
        """One row per identifier type: ``type``, ``placeholder``, ``n_redacted``."""
        return redaction_report(self.counts)


def redaction_report(counts: Counter) -> pd.DataFrame:
    """Counts by type as a table (every type listed, zero where nothing was found)."""
    types = list(TYPES) + sorted(t for t in counts if t not in TYPES)
    return pd.DataFrame(
        {
            "type": types,
            "placeholder": [PLACEHOLDERS.get(t, "") for t in types],
            "n_redacted": [int(counts.get(t, 0)) for t in types],
        }
    )


def _replace(text: str, finds: list[Find]) -> str:
    parts = []
    pos = 0
    for f in finds:
        parts.append(text[pos : f.start])
        parts.append(PLACEHOLDERS[f.type])
        pos = f.end
    parts.append(text[pos:])
    return "".join(parts)


def _resolve(finds: list[Find]) -> list[Find]:
    """Drop finds that overlap a higher-priority (or, at equal priority, earlier/longer) find."""
    finds = sorted(finds, key=lambda f: (PRIORITY[f.type], f.start, -(f.end - f.start)))
    kept: list[Find] = []
    spans = Spans()
    for f in finds:
        if not spans.overlaps(f.start, f.end):
            kept.append(f)
            spans.add(f.start, f.end)
    return sorted(kept, key=lambda f: f.start)


def _merge_names(text: str, finds: list[Find]) -> list[Find]:
    """Join name finds separated only by spaces or a hyphen into one ("Mikkel" + "Jensen")."""
    out: list[Find] = []
    for f in finds:
        if (
            out
            and f.type == "NAVN"
            and out[-1].type == "NAVN"
            and text[out[-1].end : f.start].strip(" \u00a0-") == ""
            and "\n" not in text[out[-1].end : f.start]
        ):
            prev = out.pop()
            f = Find("NAVN", prev.start, f.end, prev.confidence)
        out.append(f)
    return out
