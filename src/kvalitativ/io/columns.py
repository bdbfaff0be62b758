"""Map an export's headers onto the canonical column names.

Explicit options win; otherwise we guess from headers that Danish case systems really use
(`Notat`, `Tekst`, `CPR`, `Elev-ID`, `Skole`, `Dato` …). A missing required column is an
error that lists the headers and suggests the closest one.
"""

from __future__ import annotations

import difflib
import re

from kvalitativ.config import ColumnMapping
from kvalitativ.errors import InputError
from kvalitativ.io.header import UNNAMED

#: Known header spellings per canonical column, compared after normalising (lower-case, letters only).
HEADER_GUESSES: dict[str, tuple[str, ...]] = {
    "note_id": ("noteid", "notatid", "notatnr", "notatnummer", "id", "journalid", "journalnr", "henvendelsesid",
                "henvendelsesnr", "sagsid", "løbenr", "lbnr", "observationid", "recordid"),
    "person_id": ("personid", "elevid", "elevnr", "elevnummer", "cpr", "cprnr", "cprnummer", "personnummer",
                  "borgerid", "ungeid", "ungid", "deltagerid", "studieid", "studentid", "pupilid", "citizenid"),
    "unit_id": ("unitid", "unit", "skole", "skolenavn", "institution", "institutionsnavn", "enhed", "afdeling",
                "bydel", "distrikt", "district", "school", "uddannelsessted", "område", "omraade"),
    "date": ("date", "dato", "notatdato", "oprettet", "oprettetdato", "registreringsdato", "created",
             "createdat", "tidspunkt", "modtaget", "modtagetdato", "henvendelsesdato"),
    "source": ("source", "kilde", "faggruppe", "rolle", "forfatterrolle", "kanal", "channel", "authorrole",
               "skrevetaf", "fagperson", "afsender"),
    "category": ("category", "type", "kategori", "notattype", "henvendelsestype", "emne", "sagstype"),
    "text": ("text", "tekst", "notat", "notattekst", "note", "notes", "beskrivelse", "indhold", "fritekst",
             "observation", "henvendelse", "kommentar", "body", "besked", "svar", "høringssvar"),
}
#: Canonical columns an export must have.
REQUIRED = ("text",)
#: Header words that mark a column of person names (redaction input, never stored).
NAME_HEADER = re.compile(r"(navn|name)", re.IGNORECASE)
NOT_A_PERSON_NAME = re.compile(r"(skole|institution|bydel|enhed|afdeling|school|unit|fil|file|kanal)", re.IGNORECASE)

_OPTION_FOR = {c: f"--{c.replace('_', '-')}-col" for c in HEADER_GUESSES}


def normalise_header(header: str) -> str:
    return re.sub(r"[^0-9a-zæøå]", "", str(header).lower())


def resolve_columns(headers: list[str], mapping: ColumnMapping | None, path: object = "<input>",
                    frame=None) -> tuple[dict[str, str], list[str]]:
    """Return ({canonical: header}, name_headers) for an export's headers.

    ``frame`` (the export's rows, optional) lets a missing text column's message suggest the
    column whose values read most like text, rather than the header spelled most like one."""
    mapping = mapping or ColumnMapping()
    normal = {normalise_header(h): h for h in headers}
    resolved: dict[str, str] = {}
    for canonical in HEADER_GUESSES:
        explicit = getattr(mapping, canonical)
        if explicit:
            if explicit not in headers:
                raise InputError(_missing_message(path, explicit, headers, canonical, explicit=True))
            resolved[canonical] = explicit
            continue
        for guess in (canonical.replace("_", ""),) + HEADER_GUESSES[canonical]:
            header = normal.get(guess)
            if header is not None and header not in resolved.values():
                resolved[canonical] = header
                break
    for canonical in REQUIRED:
        if canonical not in resolved:
            suggest = _text_like_column(frame, headers, set(resolved.values())) if canonical == "text" else None
            raise InputError(_missing_message(path, None, headers, canonical, suggest=suggest,
                                              by_values=frame is not None and canonical == "text"))
    if mapping.names is not None:
        missing = [n for n in mapping.names if n not in headers]
        if missing:
            raise InputError(_missing_message(path, missing[0], headers, "names", explicit=True))
        names = list(mapping.names)
    else:
        used = set(resolved.values())
        names = [h for h in headers if h not in used and NAME_HEADER.search(h) and not NOT_A_PERSON_NAME.search(h)]
    return resolved, names


_ID_HEADER = re.compile(r"(id|nr|nummer|cpr)$")


def _id_like(header: str, values: list[str]) -> bool:
    """An identifier column: an id-like header, or mostly unique short tokens without spaces
    (digits, or letters with digits: "N17", "2023-0042")."""
    if not values:
        return True
    id_header = _ID_HEADER.search(normalise_header(header)) or normalise_header(header) in HEADER_GUESSES["note_id"] \
        + HEADER_GUESSES["person_id"]
    if id_header and sum(map(len, values)) / len(values) < 30:
        return True
    tokens = [v for v in values if not re.search(r"\s", v) and len(v) <= 20 and re.search(r"\d", v)]
    return len(tokens) >= 0.9 * len(values) and len(set(values)) >= 0.9 * len(values)


def _text_like_column(frame, headers: list[str], taken: set[str], n_rows: int = 1000) -> str | None:
    """The header whose (string) values are longest on average, never an id-like column or one
    already mapped to another canonical column; None without rows or a candidate."""
    if frame is None:
        return None
    best, best_len = None, 0.0
    for h in headers:
        if h in taken or h not in frame.columns or UNNAMED.match(str(h)):
            continue  # a placeholder pandas gave an empty header cell: no name to give an option
        values = [str(v).strip() for v in frame[h].head(n_rows).tolist() if v is not None and str(v).strip()
                  and str(v) not in ("nan", "<NA>", "None")]
        if _id_like(h, values):
            continue
        mean = sum(map(len, values)) / len(values)
        if mean > best_len:
            best, best_len = h, mean
    return best


def _missing_message(path: object, wanted: str | None, headers: list[str], canonical: str, explicit: bool = False,
                     suggest: str | None = None, by_values: bool = False) -> str:
    shown = ", ".join(f"'{h}'" for h in headers[:20])
    target = wanted or canonical
    pool = {normalise_header(h): h for h in headers if not UNNAMED.match(str(h))}
    close = difflib.get_close_matches(normalise_header(target), list(pool), n=1, cutoff=0.5)
    if not close and not explicit:
        for guess in HEADER_GUESSES.get(canonical, ()):
            close = difflib.get_close_matches(guess, list(pool), n=1, cutoff=0.6)
            if close:
                break
    if by_values:  # the rows are known: the column that reads like text, or no guess at all
        close = [normalise_header(suggest)] if suggest is not None else []
        pool = {normalise_header(suggest): suggest} if suggest is not None else pool
    hint = f" Closest header: '{pool[close[0]]}'." if close else ""
    if any(UNNAMED.match(str(h)) for h in headers):
        hint += (" ('Unnamed: N' are empty header cells, not names: if the header is not in the first row, "
                 "delete the rows above it.)")
    option = _OPTION_FOR.get(canonical, "--names-col")
    if explicit:
        return f"{path}: column '{wanted}' not found (headers: {shown}).{hint} Fix {option} or the config's column mapping."
    return (f"{path}: no {canonical} column found (headers: {shown}).{hint} "
            f"Name it in the config under ingest.columns.{canonical} (--config), or with kvalitativ ingest "
            f"{option} HEADER.")  # code, discover and run read exports too, without ingest's column options
