"""The linking rules as one small object, written into every output row.

Dropout has no single definition and the note rule decides what can leak into an association,
so every linking table states the outcome, the dropout window, the cut-off and the note rule it
used. A reader of a dashboard row never has to guess how the number was made.
"""

from __future__ import annotations

import re

from dataclasses import dataclass

import numpy as np
import pandas as pd

from kvalitativ.errors import ConfigError

#: Columns added to every linking output (see :meth:`LinkRules.columns`).
RULE_COLUMNS = ("outcome", "dropout_window_months", "cutoff", "note_rule", "population", "population_label",
                "outcome_label")

POPULATIONS = ("with_notes", "all")

#: ``dated``: only notes dated before the outcome (and cut-off) count. ``landmark``: only notes
#: dated before a common date (the cut-off) count, and only persons whose outcome came after it
#: are compared — every person is watched over the same dates, so a person who left early does
#: not look theme-free for want of notes. ``none``: cross-sectional, for exports without dates:
#: every note counts, and note_rule says so.
TIMINGS = ("dated", "landmark", "none")


def timing_of(note_rule) -> str:
    """The ``timing`` a published ``note_rule`` sentence (:attr:`LinkRules.note_rule`) was made
    with — ``none``, ``landmark`` or ``dated`` (also for an unknown rule) — for readers of the
    tables (the report, the evidence sentences) that have the sentence, not the rule."""
    if not isinstance(note_rule, str):
        return "dated"
    if note_rule.startswith("every note counts"):
        return "none"
    return "landmark" if note_rule.startswith("landmark ") else "dated"


def lookback_of(note_rule) -> int | None:
    """The look-back window (months) a ``note_rule`` sentence states, or None."""
    found = re.search(r"at most (\d+) months", note_rule) if isinstance(note_rule, str) else None
    return int(found.group(1)) if found else None


def parse_cutoff(cutoff) -> pd.Timestamp | None:
    """A cut-off given as text, date or Timestamp, as a naive Timestamp (None stays None).

    Text is read as ingest reads the notes' dates: ISO (``2024-08-01``) or day first
    (``01-08-2024``, ``1/8/2024``, ``01.08.2024`` = 1 August), never month first: pandas alone read
    ``01-08-2023`` as 8 January, a Danish user's 1 August (a trial)."""
    if cutoff is None or (isinstance(cutoff, str) and not cutoff.strip()):
        return None
    if isinstance(cutoff, str):
        from kvalitativ.io.dates import parse_date

        day = parse_date(cutoff.strip())
        if day is None and re.fullmatch(r"\d{4}(-\d{2})?", cutoff.strip()):
            day = pd.Timestamp(cutoff.strip())  # "2024-08" / "2024": the first day of it, as pandas reads it
        if day is None:
            raise ConfigError(f"cutoff '{cutoff}' is not a date: write it as YYYY-MM-DD (or day first, "
                              "DD-MM-YYYY), e.g. 2024-08-01.")
        cutoff = day
    try:
        ts = pd.Timestamp(cutoff)
    except (ValueError, TypeError):
        raise ConfigError(f"cutoff '{cutoff}' is not a date: write it as YYYY-MM-DD, e.g. 2024-08-01.") from None
    if ts is pd.NaT:
        raise ConfigError(f"cutoff '{cutoff}' is not a date: write it as YYYY-MM-DD, e.g. 2024-08-01.")
    if ts.tzinfo is not None:
        ts = ts.tz_convert(None)
    return ts.normalize() if ts == ts.normalize() else ts


@dataclass(frozen=True)
class LinkRules:
    """How persons, notes and the outcome were joined.

    outcome: the binary indicator column (e.g. ``dropout``).
    outcome_date_col: the indicator column with the date the outcome was observed.
    window_months: the dropout window the indicator export used; a label, stated in every output.
    cutoff: notes dated on or after it never count (None = no global cut-off); with timing
        ``landmark`` the common date itself (required).
    lookback_months: only notes dated at most this many months before the person's outcome date
        (``dated``) or before the landmark (``landmark``) count (None = every earlier note).
    population: ``with_notes`` (persons with at least one eligible note) or ``all`` (every
        person with a known outcome, those without eligible notes counting as "without theme").
    """

    outcome: str = "dropout"
    outcome_date_col: str = "outcome_date"
    window_months: int | None = None
    cutoff: pd.Timestamp | None = None
    population: str = "with_notes"
    timing: str = "dated"
    lookback_months: int | None = None
    #: The user's words for the persons and the outcome (link.population_label, link.outcome_label):
    #: carried in every table so the report and summaries speak of them, not of "elever"/"frafald".
    population_label: str | None = None
    outcome_label: str | None = None
    #: The language of the sentences (:func:`kvalitativ.link.language.output_language`); not a column.
    language: str = "da"
    #: "outcome" for tables that use the outcome (notes before it); "descriptive" for prevalence,
    #: which describes all notes (before the cut-off, if any) and never touches the outcome — under
    #: a landmark, of every person (:attr:`descriptive_population`).
    scope: str = "outcome"

    def __post_init__(self):
        if self.population not in POPULATIONS:
            raise ConfigError(f"population '{self.population}': use one of {', '.join(POPULATIONS)}.")
        if self.timing not in TIMINGS:
            raise ConfigError(f"link.timing '{self.timing}': use dated (notes before the outcome count), "
                              "landmark (notes before link.cutoff; persons whose outcome came after it) or "
                              "none (cross-sectional, for exports without dates).")
        if self.timing == "landmark" and self.cutoff is None:
            raise ConfigError("link.timing landmark needs the landmark date: set link.cutoff (--cutoff), e.g. "
                              "the first school day of the year the outcome is counted for.")
        if self.lookback_months is not None and (self.timing == "none" or int(self.lookback_months) < 1):
            raise ConfigError("link.lookback_months: a whole number of months ≥ 1, with timing dated or landmark.")

    @property
    def note_rule(self) -> str:
        """The note rule in words (one short English sentence, machine-stable)."""
        if self.timing == "none":
            return ("every note counts, dates not used (cross-sectional: a theme may have been written "
                    "after the outcome)")
        if self.scope == "descriptive":
            if self.timing == "landmark":
                day = self.cutoff.date().isoformat()
                return (f"landmark {day}: notes dated before {day} of every person, also those whose "
                        f"{self.outcome_date_col} is before {day}; undated notes excluded (descriptive; the "
                        "outcome is not used)")
            if self.cutoff is None:
                return "all notes (descriptive; the outcome is not used)"
            return (f"notes dated before cutoff {self.cutoff.date().isoformat()}; undated notes excluded "
                    "(descriptive; the outcome is not used)")
        back = f" and at most {self.lookback_months} months before it" if self.lookback_months else ""
        if self.timing == "landmark":
            day = self.cutoff.date().isoformat()
            return (f"landmark {day}: notes dated before {day}{back}; persons whose {self.outcome_date_col} "
                    f"is before {day} excluded; undated notes excluded")
        parts = [f"notes dated strictly before {self.outcome_date_col}{back}"]
        if self.cutoff is not None:
            parts.append(f"and before cutoff {self.cutoff.date().isoformat()}")
        return " ".join(parts) + "; undated notes excluded"

    @property
    def descriptive_population(self) -> str:
        """Whom ``prevalence`` counts: ``all_notes`` (everyone with a note that counts), under a
        landmark ``all_notes_before_landmark`` — everyone with a note before it, *also* those the
        associations leave out because their outcome came first.

        Why prevalence keeps them: the share answers "how many of the pupils we wrote about
        carry this theme", the school's picture beside its other numbers; dropping the pupils who
        left early would make that picture depend on the outcome and hide the very pupils a
        school leader asks about. The associations compare the landmark's persons and say so in
        their own population and n_with/n_without; the value here says the two differ."""
        return "all_notes_before_landmark" if self.timing == "landmark" else "all_notes"

    def columns(self) -> dict[str, object]:
        """The rule columns with their values, for one output row."""
        return {
            "outcome": self.outcome,
            "dropout_window_months": self.window_months,
            "cutoff": None if self.cutoff is None else self.cutoff.date().isoformat(),
            "note_rule": self.note_rule,
            "population": self.population if self.scope == "outcome" else self.descriptive_population,
            "population_label": self.population_label,
            "outcome_label": self.outcome_label,
        }

    def stamp(self, df: pd.DataFrame, *, compact: bool = False) -> pd.DataFrame:
        """Add the rule columns to ``df`` (in place and returned): each output states its rules.

        ``compact``: as categoricals of their one value (the same values; a byte a row instead
        of a copy of the text), for the internal ``person_themes``, whose millions of rows would
        otherwise carry the note rule's sentence in every row (0.5 GB at a million notes).
        """
        for name, value in self.columns().items():
            dtype = "Int64" if name == "dropout_window_months" else "string"
            one = pd.Series([value], dtype=dtype)
            if compact and one.notna().all():  # (a missing value costs nothing either way)
                codes = np.zeros(len(df), dtype=np.int8)
                df[name] = pd.Categorical.from_codes(codes, dtype=pd.CategoricalDtype(pd.Index(one)))
            else:
                df[name] = pd.Series([value] * len(df), index=df.index, dtype=dtype)
        return df
