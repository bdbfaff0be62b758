"""Ingest: an export of notes → the canonical, cleaned, redacted corpus, and the rejects.

The contract that matters most: every row read ends either in the corpus or in the rejects,
with the file and row number and a reason; and no identifier survives into the corpus text.
"""

from __future__ import annotations

import re
from collections import Counter
from collections.abc import Iterable
from dataclasses import dataclass, field
from pathlib import Path

import numpy as np
import pandas as pd

from kvalitativ.config import IngestConfig, PrivacyConfig
from kvalitativ.errors import InputError
from kvalitativ.io.columns import HEADER_GUESSES, normalise_header, resolve_columns
from kvalitativ.io.dates import parse_dates, periods_of
from kvalitativ.io.header import header_note
from kvalitativ.io.readers import REJECT_COLUMNS, RawTable, make_rejects, read_raw
from kvalitativ.text.clean import clean_text, junk_share
from kvalitativ.text.language import guess_language

CORPUS_COLUMNS = ["note_id", "person_id", "unit_id", "date", "period", "source", "category", "language",
                  "text", "n_chars", "source_file", "source_row"]
NOTES_COLUMNS = ["note_id", "person_id", "unit_id", "period", "date", "source", "category", "n_chars", "language"]
_NUMBER = re.compile(r"^[+-]?(\d{1,3}(\.\d{3})+|\d+)?([.,]\d+)?$")
#: Dots only between groups of three digits, an optional decimal comma: `1.234`, `1.234.567,5`.
_THOUSANDS = re.compile(r"^[+-]?\d{1,3}(\.\d{3})+(,\d+)?$")


@dataclass
class IngestResult:
    """What ingest returns: the corpus (internal, holds redacted text), the `notes` and `rejects` tables."""

    corpus: pd.DataFrame
    rejects: pd.DataFrame
    n_read: int
    redactions: Counter = field(default_factory=Counter)
    encoding: str | None = None
    separator: str | None = None
    columns: dict[str, str] = field(default_factory=dict)
    header_row: int = 1  # the export's row that holds the header (below a title, say)

    @property
    def notes(self) -> pd.DataFrame:
        return self.corpus[NOTES_COLUMNS].copy()

    def summary(self) -> str:
        line = f"{self.n_read} rows read: {len(self.corpus)} kept, {len(self.rejects)} rejected"
        return f"{line} ({header_note(self.header_row)})" if self.header_row > 1 else line


def pseudonymize(values: pd.Series, mode: str = "auto", privacy: PrivacyConfig | None = None,
                 cpr_column: bool | None = None) -> pd.Series:
    """Person ids → keyed pseudonyms (:func:`kvalitativ.privacy.pseudonym.pseudonymize_ids`) under
    the key that ``privacy.key_file`` (or the environment) names; the key is made on first use.
    ``cpr_column``: whether the whole export's id column is one of CPR numbers (None: judge ``values``)."""
    from kvalitativ.privacy.pseudonym import pseudonymize_ids

    return pseudonymize_ids(values, mode=mode, key_file=(privacy or PrivacyConfig()).key_file,
                            whole_column=cpr_column)


@dataclass(frozen=True)
class ExportFacts:
    """What ingest judges on a whole export's columns, not row by row: the full names of its name
    columns (taken out of unit, source and category labels) and whether its person ids are a column
    of CPR numbers some of which lost their leading zero (then every id is pseudonymised).

    Why a type: the streamed engine reads an export a chunk at a time; judged per chunk, a label in
    one chunk kept the name of a person whose row was in another, and a chunk without a ten-digit
    CPR number could publish nine-digit ones. It gathers these facts in a first pass over the
    export (:func:`gather_export_facts`) and gives them to every chunk, as the local engine's one
    pass over the whole export has them."""

    names: frozenset[str]
    cpr_ids: bool


def _cpr_ids(facts: ExportFacts, kept: pd.Series) -> bool:
    """Whether to pseudonymise every id as a CPR column: the whole export's verdict or the kept
    rows' own. Either alone could miss one: the export's ids include rejected rows, which can
    outvote the kept ones (a review: one kept nine-digit CPR number among four rejected rows' ids
    was published), and a chunk's kept rows are only part of the column."""
    from kvalitativ.privacy.pseudonym import cpr_column

    return facts.cpr_ids or cpr_column(kept)


def gather_export_facts(frames: Iterable[pd.DataFrame], config: IngestConfig | None = None,
                        path: str | Path = "<input>") -> ExportFacts:
    """:class:`ExportFacts` of an export read as ``frames`` (its chunks, or the whole frame)."""
    from kvalitativ.privacy.pseudonym import cpr_column

    config = config or IngestConfig()
    names: set[str] = set()
    ids: set[str] = set()
    for frame in frames:
        headers = [c for c in frame.columns if c != "_source_row"]
        columns, name_columns = resolve_columns(headers, config.columns, path, frame=frame)
        names |= _export_names(frame, name_columns)
        header = columns.get("person_id") or columns.get("note_id")  # no person column: the note is the person
        if header is not None:
            ids |= {str(v).strip() for v in pd.unique(frame[header].dropna())} - {""}
    return ExportFacts(frozenset(names), cpr_column(pd.Series(sorted(ids), dtype=object)))


def published_note_ids(values: pd.Series, privacy: PrivacyConfig | None = None) -> pd.Series:
    """Note ids as they are published: an id that holds an identifier (a CPR number in a case-file
    number, ``J-1503871235-7``) becomes a keyed pseudonym (``N`` + 16 hex digits), the others stay.

    Why not every id: review sheets, hand codes (``code.train``) and gold files are joined on note
    ids, and ids like ``N000123`` identify nobody; keeping them keeps those joins. A file of hand
    codes whose ids hold identifiers joins when its ids are passed through this function too (same
    key, same pseudonyms). Segment ids are made from the published note id, so they follow."""
    from kvalitativ.privacy.pseudonym import pseudonymize_ids

    return pseudonymize_ids(values, mode="auto", prefix="N", domain="note_id",
                            key_file=(privacy or PrivacyConfig()).key_file)


def _published_label(values: pd.Series, export_names: frozenset[str] = frozenset()) -> pd.Series:
    """A text column that reaches dashboard tables (unit, source, category) with its CPR numbers,
    phones and e-mails replaced (the same value always gets the same replacement). Names stay —
    schools are named after people — except the full names of the export's own name column
    (``export_names``: "Østerbyskolen, Mathias Yilmazs klasse", "Mentor Nikolaj Olsen").
    Always on: the writer's last guard would refuse a pattern identifier anyway."""
    from kvalitativ.privacy.guard import redact_labels

    labels = redact_labels(values)[0]
    if not export_names:
        return labels
    distinct = {v: _without_names(v, export_names) for v in pd.unique(labels.dropna()) if isinstance(v, str)}
    changed = {v: r for v, r in distinct.items() if r != v}
    return labels.map(lambda v: changed.get(v, v)) if changed else labels


def _without_names(label: str, names: frozenset[str]) -> str:
    """``label`` with every run of two to four words that is one of ``names`` (lower case) replaced
    by [NAVN]. The last word may carry a genitive (``Yilmazs``, ``Hassan'``) or a hyphenated ending
    (``Yilmaz-klassen``); white space of any kind counts as one space."""
    words = " ".join(label.split()).split(" ")
    out, i, found = [], 0, False
    while i < len(words):
        for size in (4, 3, 2):
            run = [w.strip(",.;:()") for w in words[i:i + size]]
            if len(run) == size and (tail := _name_run(run, names)) is not None:
                out.append("[NAVN]" + tail)
                i += size
                found = True
                break
        else:
            out.append(words[i])
            i += 1
    return " ".join(out) if found else label


def _name_run(run: list[str], names: frozenset[str]) -> str | None:
    """What follows the name when ``run`` is one of ``names`` — "" for the name alone, the
    genitive or hyphenated ending otherwise — or None when it is no name of the export."""
    *first, last = run
    head, hyphen, rest = last.partition("-")
    for word, tail in ((last, ""), (last.rstrip("'’"), last[len(last.rstrip("'’")):]),
                       (last[:-1] if last[-1:] in "sS" else None, last[-1:]), (head if hyphen else None, hyphen + rest)):
        if word and " ".join([*first, word]).lower() in names:
            return tail
    return None


def _export_names(frame: pd.DataFrame, name_columns: list[str]) -> frozenset[str]:
    """The full names (two words or more, lower case) in the export's name columns."""
    names = set()
    for col in name_columns:
        for value in pd.unique(frame[col].dropna().astype(str)):
            value = " ".join(value.split())
            if " " in value:
                names.add(value.lower())
                if "," in value:  # "Hansen, Mette" is also written "Mette Hansen"
                    last, _, first = value.partition(",")
                    names.add(f"{first.strip()} {last.strip()}".lower())
    return frozenset(names)


def _redactor(privacy: PrivacyConfig | None = None, language: str = "auto"):
    """The configured redactor: privacy.strictness, the types privacy.redact asks for, ingest.language."""
    from kvalitativ.privacy.redact import Redactor

    return Redactor.from_config(privacy or PrivacyConfig(), language)


def ingest_notes(
    path: str | Path,
    config: IngestConfig | None = None,
    privacy: PrivacyConfig | None = None,
    raw: RawTable | None = None,
    *,
    allow_empty: bool = False,
    facts: ExportFacts | None = None,
) -> IngestResult:
    """Read, map, clean, validate and redact one notes export.

    ``allow_empty``: return an empty corpus (every row a reject) instead of stopping — for a
    chunk of a larger export, where the other chunks may hold the usable rows. ``facts``: the
    whole export's :class:`ExportFacts` when ``raw`` is one chunk of it (default: judged on ``raw``)."""
    config = config or IngestConfig()
    privacy = privacy or PrivacyConfig()
    path = Path(path)
    raw = raw or read_raw(path, encoding=config.encoding, separator=config.separator, sheet=config.sheet)
    headers = [c for c in raw.frame.columns if c != "_source_row"]
    columns, name_columns = resolve_columns(headers, config.columns, path, frame=raw.frame)
    frame = raw.frame
    n = len(frame)
    rows = frame["_source_row"].to_numpy()
    facts = facts or gather_export_facts([frame], config, path)

    def col(name: str) -> pd.Series:
        header = columns.get(name)
        if header is None:
            return pd.Series([""] * n, index=frame.index, dtype=object)
        return frame[header].astype(object).map(lambda v: "" if v is None else str(v).strip() if name != "text" else str(v))

    text = col("text").map(clean_text)
    reason = pd.Series([None] * n, index=frame.index, dtype=object)
    detail = pd.Series([""] * n, index=frame.index, dtype=object)

    def reject(mask: pd.Series, why: str, what: pd.Series | str = "") -> None:
        mask = mask & reason.isna()
        reason[mask] = why
        detail[mask] = what[mask] if isinstance(what, pd.Series) else what

    reject(text.map(junk_share) > 0.2, "binary_content", "text is mostly unreadable bytes")
    # no letter or digit ("-", "...", "?"): nothing to code, so as empty as an empty cell
    reject(~text.str.contains(r"[^\W_]", regex=True), "empty_text")
    lengths = text.str.len()
    reject(lengths > config.max_chars, "text_too_long", lengths.map(lambda k: f"{k} characters > max_chars {config.max_chars}"))

    date_raw = col("date")
    dates = parse_dates(date_raw)
    reject(dates.isna() & (date_raw != ""), "unparseable_date", date_raw.map(_date_shape))

    note_id = col("note_id")
    generated = note_id == ""
    note_id[generated] = [f"{path.stem}-r{r}" for r in rows[generated.to_numpy()]]
    person_id = col("person_id") if "person_id" in columns else note_id.copy()
    reject(person_id == "", "missing_person_id")

    _reject_duplicates(note_id, text, reason.isna(), reject)
    keep = reason.isna().to_numpy()
    rejects = _rejects_table(raw, path, rows, keep, reason, detail)
    kept_text, redactions = _redacted(text[keep].tolist(), frame.loc[keep], name_columns, privacy, config.language)

    export_names = facts.names if privacy.redact else frozenset()
    labels = {name: _published_label(col(name)[keep].replace("", None), export_names)
              for name in ("unit_id", "source", "category")}
    corpus = pd.DataFrame(
        {
            "note_id": published_note_ids(note_id[keep], privacy).to_numpy(dtype=object),
            "person_id": pseudonymize(person_id[keep], config.pseudonymize, privacy,
                                      cpr_column=_cpr_ids(facts, person_id[keep])).to_numpy(dtype=object),
            "unit_id": labels["unit_id"].to_numpy(dtype=object),
            "date": dates[keep].to_numpy(),
            "period": periods_of(dates[keep], config.period).to_numpy(dtype=object),
            "source": labels["source"].to_numpy(dtype=object),
            "category": labels["category"].to_numpy(dtype=object),
            "language": [guess_language(t) for t in kept_text],
            "text": np.asarray(kept_text, dtype=object),
            "n_chars": np.asarray([len(t) for t in kept_text], dtype="int64"),
            "source_file": path.name,
            "source_row": rows[keep].astype("int64"),
        },
        columns=CORPUS_COLUMNS,
    )
    if len(corpus) + len(rejects) != raw.n_read:  # the accounting invariant; a bug if it fails
        raise AssertionError(f"ingest lost rows: {len(corpus)} kept + {len(rejects)} rejected != {raw.n_read} read")
    if corpus.empty and not allow_empty:
        top = rejects["reason"].value_counts().head(3)
        why = ", ".join(f"{k}: {v}" for k, v in top.items())
        raise InputError(f"{path}: no usable rows — all {raw.n_read} rows were rejected ({why}). "
                         f"Check the text column ('{columns.get('text')}') and the date format.")
    return IngestResult(corpus, rejects, raw.n_read, redactions, raw.encoding, raw.separator, columns,
                        header_row=raw.header_row)



def _date_shape(value: str) -> str:
    """What a date cell that could not be read looks like, without what it says: every digit a #,
    every letter an a (`31-02-2025` → `##-##-####`, a name shifted into the date column →
    `Aaaaaaaa Aaaaaaa`). A rejected cell may hold anything, a name or a phone number included,
    and the rejects table is published; the row number says where to look. (Not 9s: eight of
    them would read as a phone number to the guard.)"""
    shape = re.sub(r"\d", "#", value[:40])
    shape = re.sub(r"[^\W\d_]", lambda m: "A" if m.group().isupper() else "a", shape)
    return f"date not understood: '{shape}' (see the row in the export)"


def _reject_duplicates(note_id: pd.Series, text: pd.Series, alive: pd.Series, reject) -> None:
    """Among rows still kept, the first of each note_id wins; a later one is a ``duplicate_row``
    (same text) or a ``duplicate_note_id`` (other text)."""
    if not (alive & note_id.duplicated(keep=False)).any():
        return
    first_text = text[alive].groupby(note_id[alive]).transform("first")
    same = pd.Series(False, index=text.index)
    same[alive] = text[alive] == first_text
    later = alive & note_id.where(alive).duplicated(keep="first")
    reject(later & same, "duplicate_row", note_id.map(lambda v: f"same note_id and text as an earlier row ({v})"))
    reject(later, "duplicate_note_id", note_id.map(lambda v: f"note_id {v} already used by an earlier row"))


def _rejects_table(raw: RawTable, path: Path, rows: np.ndarray, keep: np.ndarray, reason: pd.Series,
                   detail: pd.Series) -> pd.DataFrame:
    """The reader's rejects and the rows ingest rejected, in file order."""
    rejects = pd.concat(
        [raw.rejects, make_rejects(path, rows[~keep].tolist(), "", None).assign(reason=reason[~keep].to_numpy(),
                                                                               detail=detail[~keep].to_numpy())],
        ignore_index=True,
    )
    from kvalitativ.privacy.guard import GUARD_TYPES, redact_labels

    rejects = rejects.sort_values("source_row", kind="stable").reset_index(drop=True)[REJECT_COLUMNS].astype(
        {"source_file": "string", "source_row": "Int64", "reason": "string", "detail": "string"})
    rejects["detail"] = redact_labels(rejects["detail"], GUARD_TYPES)[0]  # details quote cells of the input
    return rejects


def _redacted(kept_text: list[str], kept_rows: pd.DataFrame, name_columns: list[str],
              privacy: PrivacyConfig, language: str = "auto") -> tuple[list[str], Counter]:
    """The kept texts redacted (the row's own name columns help find its names), and the counts."""
    if not (privacy.redact and kept_text):
        return kept_text, Counter()
    names = None
    if name_columns:
        names = [[str(v) for v in vals if str(v).strip()] for vals in kept_rows[name_columns].itertuples(index=False)]
    return _redactor(privacy, language).redact_texts(kept_text, names)


def _to_number(values: pd.Series, where: str = "") -> pd.Series | None:
    """Numbers written the Danish way (`12,5`, `1.234,5`) or the machine way; None if not numeric.

    One decimal mark per column: a column with decimal commas may have dots only between groups
    of three digits (`1.234,5`). A `7.8` beside a `7,5` is an error naming both — read the
    Danish way it would silently become 78 (a grade average of 78 in the adjusted odds ratios)."""
    filled = values[values != ""]
    if filled.empty or not filled.map(lambda v: bool(_NUMBER.match(v))).all():
        return None
    comma = filled[filled.str.contains(",", regex=False)]
    if comma.empty:
        return pd.to_numeric(values.replace("", None), errors="coerce")
    dotted = filled[filled.str.contains(".", regex=False) & ~filled.map(lambda v: bool(_THOUSANDS.match(v)))]
    if len(dotted):
        raise InputError(f"{where}column holds '{comma.iloc[0]}' (decimal comma) and '{dotted.iloc[0]}' "
                         "(decimal point): write every number of a column the same way, or the ones with a "
                         "point would be read as thousands.")
    cleaned = values.str.replace(".", "", regex=False).str.replace(",", ".", regex=False)
    number = pd.to_numeric(cleaned.replace("", None), errors="coerce")
    # `1.250` beside `7,5`: thousands (1250) or a machine's 1.25? Only a column that also has
    # thousands with a decimal comma (`1.234,5`) says; else a dotted value that becomes a thousand
    # or more where every comma value is below one is too likely a point read the wrong way
    bare = filled.str.contains(".", regex=False) & ~filled.str.contains(",", regex=False)
    if bare.any() and (number[comma.index].abs() < 1000).all() and (number[bare[bare].index].abs() >= 1000).any():
        first = filled[bare].iloc[0]
        raise InputError(f"{where}column holds '{comma.iloc[0]}' (decimal comma) and '{first}', which would be read "
                         f"as {number[bare[bare].index[0]]:g}: if it is a decimal number, write it with a comma; if it "
                         "is thousands, write the column's other numbers the same way (e.g. 1.250,0).")
    return number


def read_indicators(path: str | Path, config: IngestConfig | None = None,
                    privacy: PrivacyConfig | None = None) -> tuple[pd.DataFrame, pd.DataFrame]:
    """Read an indicators export: one row per person, person_id + indicator columns.

    Returns (indicators, rejects). Numeric columns become numbers (Danish decimal commas
    understood), columns named like dates become dates, person ids are pseudonymised exactly
    as in the notes (same key: give the same ``privacy``) so the two join.
    """
    config = config or IngestConfig()
    path = Path(path)
    raw = read_raw(path, encoding=config.encoding, separator=config.separator, sheet=config.sheet)
    headers = [c for c in raw.frame.columns if c != "_source_row"]
    person_col = config.indicator_person_col
    if person_col is None:
        normal = {normalise_header(h): h for h in headers}
        person_col = next((normal[g] for g in ("personid",) + HEADER_GUESSES["person_id"] if g in normal), None)
    if person_col is None or person_col not in headers:
        from kvalitativ.io.columns import _missing_message

        raise InputError(_missing_message(path, person_col, headers, "person_id", explicit=person_col is not None)
                         .replace("--person-id-col", "--indicator-person-col"))
    frame = raw.frame.rename(columns={person_col: "person_id"})
    frame["person_id"] = frame["person_id"].astype(object).map(lambda v: str(v).strip())
    empty = frame["person_id"] == ""
    dup = ~empty & frame["person_id"].duplicated(keep="first")
    rejects = pd.concat(
        [raw.rejects, make_rejects(path, frame.loc[empty, "_source_row"].tolist(), "missing_person_id"),
         make_rejects(path, frame.loc[dup, "_source_row"].tolist(), "duplicate_person_id")],
        ignore_index=True,
    )
    frame = frame.loc[~empty & ~dup].drop(columns="_source_row").reset_index(drop=True)
    frame["person_id"] = pseudonymize(frame["person_id"], config.pseudonymize, privacy)
    for col in frame.columns:
        if col == "person_id":
            continue
        values = frame[col].astype(object).map(lambda v: "" if v is None else str(v).strip())
        if "date" in col.lower() or "dato" in col.lower():
            frame[col] = parse_dates(values)
            continue
        number = _to_number(values, f"{path}: indicator '{col}': ")
        frame[col] = number if number is not None else values.replace("", None)
    if frame.empty:
        raise InputError(f"{path}: no usable rows in the indicators file (every row lacked a person id or repeated one).")
    return frame, rejects
