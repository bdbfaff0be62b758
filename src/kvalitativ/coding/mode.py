"""Single-label or multi-label: what ``code.exclusive: auto`` (the default) resolves to.

``true``/``false`` (``--exclusive``/``--multi-label``) decide. ``auto`` reads the hand codes:

* **Supervised** (``code --train``): single-label when every hand-coded note carries at most one
  theme, at least two themes occur among them, and at least :data:`MIN_NOTES` notes are
  hand-coded; otherwise multi-label. Per-theme thresholds leave single-label units with no theme
  or two; taking each note's top theme gained 0.033 macro-F1 on real municipal topic labels
  (issue 15) and more on SIB-200 Danish (docs/benchmarks.md, "Coding quality").
* **At sentence level** hand codes are per note, and one theme per sentence does not make a note
  single-label: "auto" then codes each sentence's top theme *and* keeps each note's top theme
  (the theme of its best-scoring coded sentence; ``note_top``). On SIB-200 Danish sentences paired
  into two-sentence single-label notes this gave macro-F1 0.920 against 0.898 multi-label and
  0.834 for one theme per sentence alone (docs/benchmarks.md, "Coding quality"). An explicit
  ``true`` keeps its meaning: one theme per unit.
* **Zero-shot** (no hand codes): multi-label. Whether a codebook's themes exclude each other is
  for its author or the user to say (``--exclusive``); nothing in the notes says it.

The mode is resolved once per run from the whole hand-code table (:func:`config_mode`), and that
:class:`Mode` is what every coder of the run gets (every engine, the link stage's cross-fitting
folds, which would otherwise each decide on a part of the codes).
"""

from __future__ import annotations

from dataclasses import dataclass

import pandas as pd

from kvalitativ.coding.handcodes import one_reading
from kvalitativ.config_values import check_exclusive
from kvalitativ.constants import UNCODED

__all__ = ["AUTO", "MIN_NOTES", "Mode", "check_exclusive", "resolve_exclusive", "config_mode"]

AUTO = "auto"
#: Fewer hand-coded notes than this say little about whether the themes exclude each other
#: (20 notes with two or more themes each show one theme per note by chance far less often
#: than 1 in 1,000 when half the notes really carry two); below it ``auto`` stays multi-label.
MIN_NOTES = 20


@dataclass(frozen=True)
class Mode:
    """The resolved mode: ``exclusive`` and the reason, for the summary line."""
    exclusive: bool
    reason: str
    note_top: bool = False  # sentence level: each note keeps only its top theme

    def line(self) -> str:
        other = "--multi-label" if self.exclusive else "--exclusive"
        return f"{'single-label' if self.exclusive else 'multi-label'}: {self.reason}; {other} to override"


def resolve_exclusive(value, train: pd.DataFrame | None, level: str = "note") -> Mode:
    """The mode ``value`` (True, False or "auto") means for these hand codes (``note_id,
    theme_id``; None: zero-shot) at ``level``."""
    check_exclusive(value)
    if isinstance(value, bool):
        return Mode(value, f"code.exclusive is {str(value).lower()}")
    if train is None:
        return Mode(False, "zero-shot (no hand codes to tell whether themes exclude each other)")
    if not {"note_id", "theme_id"} <= set(train.columns):
        return Mode(False, "the hand codes lack note_id or theme_id")
    # read as the supervised coder's training reads them (``training_from_codes``): every note with a
    # row is hand-coded; an empty or missing theme and "uncoded" mean coded, no theme
    codes = one_reading(train)[["note_id", "theme_id"]].dropna(subset=["note_id"])
    theme = codes["theme_id"].fillna("").astype(str).str.strip()
    codes = pd.DataFrame({"note_id": codes["note_id"].astype(str), "theme_id": theme})
    n_notes = codes["note_id"].nunique()
    themed = codes[~codes["theme_id"].isin(["", UNCODED])].drop_duplicates()
    per_note = themed.groupby("note_id")["theme_id"].nunique()
    n_themes = themed["theme_id"].nunique()
    if n_notes < MIN_NOTES:
        return Mode(False, f"only {n_notes} hand-coded notes (auto needs {MIN_NOTES} to decide)")
    if len(per_note) and per_note.max() > 1:
        return Mode(False, f"{int((per_note > 1).sum())} of the {n_notes} hand-coded notes have several themes")
    if n_themes < 2:
        return Mode(False, f"the {n_notes} hand-coded notes use {n_themes} theme{'' if n_themes == 1 else 's'}")
    reason = f"every one of the {n_notes} hand-coded notes has at most one theme"
    if level != "note":
        return Mode(True, reason + " (each sentence and each note keeps its top theme)", note_top=True)
    return Mode(True, reason)


def config_mode(config, train: pd.DataFrame | None = None) -> Mode:
    """The mode of a run's notes coding: ``code.exclusive`` resolved against ``code.train`` (read
    here unless the table ``train`` is given) at ``code.level``."""
    if train is None and config.code.train:
        from kvalitativ.io.readers import read_table

        train = read_table(config.code.train)
    return resolve_exclusive(config.code.exclusive, train, config.code.level)
