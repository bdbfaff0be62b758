"""From human codings to training codes for the supervised coder, and the before/after comparison.

The rule that turns several people's codes into one training label is a research
decision, so it is a named parameter, never implicit:

* ``"majority"`` (default): a theme is present in a note when more than half of
  the people who coded that note marked it. With two coders that means both
  agree; a disagreement counts as absent (it is not clear enough to learn from).
* ``"any"``: present when at least one person marked it (recall first).
* ``"coder:NAME"``: one person's codes only (e.g. the most experienced coder).

Every note someone coded is a training example; themes not in its codes are
negatives. The valence of a present theme is the most frequent valence among
those who marked it (None on a tie or when none was given).
"""

from __future__ import annotations

import pandas as pd

from kvalitativ.errors import ConfigError, InputError

TRAINING_COLUMNS = ["note_id", "theme_id", "valence"]


def _check(human: pd.DataFrame) -> None:
    missing = [c for c in ("note_id", "coder", "theme_id", "present") if c not in human.columns]
    if missing:
        raise InputError(f"human_codings: column(s) {missing} missing; pass the output of `kvalitativ review import`.")


def _mode(values: pd.Series) -> str | None:
    counts = values.dropna().value_counts()
    if counts.empty or (len(counts) > 1 and counts.iloc[0] == counts.iloc[1]):
        return None
    return str(counts.index[0])


def consensus(human: pd.DataFrame, rule: str = "majority") -> pd.DataFrame:
    """One row per coded note × theme: note_id, theme_id, present, valence, n_coders, n_present."""
    _check(human)
    df = human.copy()
    df["note_id"] = df["note_id"].astype(str)
    if rule.startswith("coder:"):
        name = rule.split(":", 1)[1]
        if name not in set(df["coder"]):
            raise ConfigError(f"retrain rule {rule!r}: no coder named {name!r}; coders are {sorted(set(df['coder']))}.")
        df = df[df["coder"] == name]
    elif rule not in ("majority", "any"):
        raise ConfigError(f"retrain rule {rule!r}: use 'majority', 'any' or 'coder:NAME'.")
    df["present"] = df["present"].astype(bool)
    g = df.groupby(["note_id", "theme_id"], sort=True)
    out = g.agg(n_coders=("coder", "nunique"), n_present=("present", "sum")).reset_index()
    if rule == "any":
        out["present"] = out["n_present"] >= 1
    else:
        out["present"] = out["n_present"] * 2 > out["n_coders"]
    val = df[df["present"]].groupby(["note_id", "theme_id"])["valence"].agg(_mode) if "valence" in df else None
    out["valence"] = None if val is None else [val.get((n, t)) if p else None for n, t, p in zip(out.note_id, out.theme_id, out.present)]
    out["valence"] = out["valence"].astype(object)
    return out[["note_id", "theme_id", "present", "valence", "n_coders", "n_present"]]


def training_codes(human: pd.DataFrame, rule: str = "majority") -> tuple[pd.DataFrame, list[str]]:
    """(codes, note_ids): the positive note × theme codes, and every note used for training.

    ``codes`` has note_id, theme_id, valence — the format ``kvalitativ code --train``
    reads; notes in ``note_ids`` without a code are negatives for every theme.
    """
    c = consensus(human, rule)
    notes = sorted(c["note_id"].unique().tolist())
    codes = c.loc[c["present"], TRAINING_COLUMNS].reset_index(drop=True)
    return codes, notes
