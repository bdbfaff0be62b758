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

import numpy as np
import pandas as pd

from kvalitativ.constants import UNCODED
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
    """(codes, note_ids): training codes in the format ``kvalitativ code --train`` reads, and the notes.

    ``codes`` has note_id, theme_id, valence: one row per present note × theme, and
    one ``uncoded`` row for a reviewed note with no theme, so it still trains as a
    negative for every theme (``kvalitativ.coding.training_from_codes`` convention); and the
    design columns ``p_person`` (``p_active``) of an active sheet where the codes carry them.
    """
    c = consensus(human, rule)
    notes = sorted(c["note_id"].unique().tolist())
    codes = c.loc[c["present"], TRAINING_COLUMNS]
    empty = sorted(set(notes) - set(codes["note_id"]))
    if empty:
        codes = pd.concat([codes, pd.DataFrame({"note_id": empty, "theme_id": UNCODED, "valence": None})])
    codes = codes.sort_values(["note_id", "theme_id"], kind="mergesort").reset_index(drop=True)
    codes["valence"] = codes["valence"].astype(object)
    design = [c for c in ("p_person", "p_active") if c in human.columns]
    if design:  # the sheet's design travels on, so these codes can correct the links (link.human)
        per_note = human.assign(note_id=human["note_id"].astype(str)).groupby("note_id")[design].first()
        codes = codes.join(per_note, on="note_id")
    return codes, notes


# --------------------------------------------------------------------------- the supervised coder


def _embedder_maker(embedder, embedder_options: dict | None):
    """A factory for the coder's embedder: one shared instance for pretrained models (their
    vectors are memoised across folds), a fresh one per fit for corpus-fitted ones (``tfidf``),
    so no fold's features are learnt from its test notes."""
    from kvalitativ.embed import resolve_embedder

    name = embedder or "e5"
    opts = dict(embedder_options or {})
    first = resolve_embedder(name, progress=False, **opts) if isinstance(name, str) else name
    inner = getattr(first, "inner", first)
    if getattr(inner, "needs_fit", False) or getattr(first, "needs_fit", False):
        opts.pop("cache_dir", None)  # a space fitted per fold is not worth a folder on disk each
        return lambda: resolve_embedder(name, progress=False, **opts) if isinstance(name, str) else name
    return lambda: first


def _fit(human: pd.DataFrame, corpus: pd.DataFrame, rule: str, make_embedder, random_state: int, level: str):
    """Fit the coding engineer's SupervisedCoder on the consensus codes of ``human``."""
    import warnings

    from kvalitativ.coding import SupervisedCoder, training_from_codes

    codes, _ = training_codes(human, rule)
    texts, y, valence = training_from_codes(corpus, codes, where="human_codings")
    with warnings.catch_warnings():
        warnings.simplefilter("ignore", UserWarning)  # rare themes left out are listed in skipped_themes_
        coder = SupervisedCoder(embedder=make_embedder(), level=level, random_state=random_state, progress=False)
        coder.fit(texts, y, valence=valence)
    return coder, codes


def out_of_fold_codings(
    human: pd.DataFrame,
    texts: pd.DataFrame,
    themes: list[str],
    n_splits: int = 5,
    folds: pd.Series | None = None,
    rule: str = "majority",
    embedder=None,
    embedder_options: dict | None = None,
    random_state: int = 0,
    coder: str = "model_after",
    level: str = "note",
    codebook: str | None = None,
) -> pd.DataFrame:
    """The supervised coder's codes for every reviewed note, each from a model that never saw it.

    ``folds`` (note_id → fold label) fixes the split; otherwise ``n_splits`` seeded folds over
    the reviewed notes. Returns coder, note_id, theme_id, present, valence — the same long
    shape as human_codings, so it enters :func:`reliability_table` as one more coder.
    A theme with too few positives in a fold's training notes is predicted absent there.
    ``codebook``: refit the coder `kvalitativ code --train` builds (``make_coder``: ``level``, the
    codebook's prior) instead of a bare note-level SupervisedCoder.
    """
    from sklearn.model_selection import KFold

    corpus = texts.assign(note_id=texts["note_id"].astype(str)).drop_duplicates("note_id")
    text = corpus.set_index("note_id")["text"].fillna("")
    human = human.assign(note_id=human["note_id"].astype(str))
    notes = np.array(sorted(human["note_id"].unique()), dtype=object)
    if folds is None:
        k = int(min(n_splits, len(notes)))
        if k < 2:
            raise InputError("out-of-fold codes need at least two reviewed notes.")
        split = [notes[te] for _, te in KFold(n_splits=k, shuffle=True, random_state=random_state).split(notes)]
    else:
        f = folds.copy()
        f.index = f.index.astype(str)
        f = f.reindex(notes)
        if f.isna().any():
            raise InputError(f"folds: no fold for note {f.index[f.isna()][0]}.")
        split = [notes[(f == v).to_numpy()] for v in sorted(f.unique())]
    make = _embedder_maker(embedder, embedder_options)
    frames = []
    for test in split:
        train = human[~human["note_id"].isin(set(test))]
        if codebook is not None:
            frames += _coded_as_code_does(train, corpus, test, themes, codebook, level, rule, make, random_state, coder)
            continue
        model, _ = _fit(train, corpus, rule, make, random_state, level)
        test_texts = list(text.loc[test].astype(str))
        Y = model.predict(test_texts)
        V = model.predict_valence(test_texts, Y)
        learned = {t: j for j, t in enumerate(model.classes_)}
        for i, note in enumerate(test):
            for t in themes:
                j = learned.get(t)
                present = bool(Y[i, j]) if j is not None else False
                frames.append((coder, note, t, present, V[i, j] if present else None))
    out = pd.DataFrame(frames, columns=["coder", "note_id", "theme_id", "present", "valence"])
    out["valence"] = out["valence"].astype(object)
    return out


def _coded_as_code_does(train, corpus, test, themes, codebook, level, rule, make, random_state, coder) -> list[tuple]:
    """One fold's (coder, note, theme, present, valence) rows from the coder `code --train` builds."""
    import warnings

    from kvalitativ.coding.api import make_coder

    codes, _ = training_codes(train, rule)
    with warnings.catch_warnings():
        warnings.simplefilter("ignore", UserWarning)
        model = make_coder(corpus, codebook, "supervised", level=level, embedder=make(), train=codes,
                           random_state=random_state, progress=False)
        rows = model.code(corpus[corpus["note_id"].isin(set(test))])
    rows = rows[rows["theme_id"].astype(str) != UNCODED]
    found = rows.groupby(["note_id", "theme_id"])["valence"].agg(
        lambda v: v.dropna().mode().iloc[0] if v.notna().any() else None).to_dict()
    return [(coder, note, t, (note, t) in found, found.get((note, t))) for note in test for t in themes]


def fit_and_code(
    human: pd.DataFrame,
    corpus: pd.DataFrame,
    themes: list[str] | None = None,
    rule: str = "majority",
    embedder=None,
    embedder_options: dict | None = None,
    random_state: int = 0,
    level: str = "note",
    run_id: str | None = None,
    codebook: str | None = None,
) -> tuple[pd.DataFrame, pd.DataFrame]:
    """Train the supervised coder on all reviewed notes and code the whole corpus.

    Returns (codings, training codes). The codings have the ``codings`` schema
    (method ``supervised``); the training codes are note_id, theme_id, valence —
    save them as CSV to train ``kvalitativ code --train`` the same way.
    """
    import warnings

    from kvalitativ.coding import code_notes

    text = corpus.assign(note_id=corpus["note_id"].astype(str)).drop_duplicates("note_id")
    codes, _ = training_codes(human, rule)
    with warnings.catch_warnings():
        warnings.simplefilter("ignore", UserWarning)
        codings = code_notes(text[[c for c in ("note_id", "person_id", "text") if c in text.columns]], codebook=codebook,
                             coder="supervised", train=codes, level=level,
                             embedder=_embedder_maker(embedder, embedder_options)(), run_id=run_id,
                             random_state=random_state, progress=False)
    if themes is not None:
        codings = codings[codings["theme_id"].isin(set(themes) | {UNCODED})].reset_index(drop=True)
    return codings, codes
