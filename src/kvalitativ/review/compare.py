"""The whole `agreement` step as one library call: people, the model, and (optionally) retraining.

Why the retrained model is judged out of fold: a model scored on the very notes
it learned from agrees with people by construction. ``model_after`` is the
supervised coder's agreement on notes held out of its training folds, so the
before/after comparison is honest; the model fitted on all reviewed notes is
the one that re-codes the corpus (``codings_retrained``).
"""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import Mapping, Sequence

import numpy as np
import pandas as pd

from kvalitativ.errors import InputError
from kvalitativ.review.agreement import OVERALL, model_as_coder, reliability_table


@dataclass
class CompareResult:
    tables: dict[str, pd.DataFrame]
    summary: list[str] = field(default_factory=list)


def _line(table: pd.DataFrame, a: str, b: str) -> str | None:
    row = table[(table.theme_id == OVERALL) & (table.coder_a == a) & (table.coder_b == b)]
    if row.empty:
        return None
    r = row.iloc[0]
    kappa = "n/a" if np.isnan(r.cohen_kappa) else f"{r.cohen_kappa:.2f} [{r.kappa_ci_low:.2f}, {r.kappa_ci_high:.2f}]"
    return f"  {a} vs {b}: kappa {kappa}, alpha {r.krippendorff_alpha:.2f}, agreement {r.percent_agreement:.1%} ({r.n_units} note-themes)"


#: What model_after is, and is not: a new user's trial read kappa 0.55 → 0.20 as "retraining made the
#: coder worse", while `code --train` on the same training codes scored 0.585 on held-out notes.
RETRAIN_CAVEAT = ("Note: model_after is a quick note-level coder without the codebook's prior, judged out of fold; "
                  "`kvalitativ code --train` on the same training codes builds a stronger one (sentence level, the "
                  "codebook's prior). Give --codebook (the one `code` used) to retrain that coder instead.")


def coder_level(codings: pd.DataFrame | None) -> str:
    """The level the codings were made at: ``note`` when their units are whole notes, else sentence."""
    if codings is None or "segment_id" not in codings.columns or codings.empty:
        return "sentence"
    units = codings["segment_id"].dropna().astype(str)
    return "note" if len(units) and units.str.endswith(":note").all() else "sentence"


def compare(
    human: pd.DataFrame,
    codings: pd.DataFrame | None = None,
    themes: Sequence[str] | None = None,
    threshold: float | Mapping[str, float] | None = None,
    level: str = "presence",
    n_boot: int = 1000,
    random_state: int = 0,
    retrain: bool = False,
    corpus: pd.DataFrame | None = None,
    rule: str = "majority",
    embedder: str | None = None,
    embedder_options: dict | None = None,
    n_splits: int = 5,
    run_id: str | None = None,
    codebook: str | None = None,
) -> CompareResult:
    """Build ``reliability`` (and with ``retrain`` also ``codings_retrained`` and ``training_codes``).

    ``human`` is the human_codings table; ``codings`` the model's codings (coder
    ``model``, or ``model_before`` when retraining); ``corpus`` gives the note
    texts for retraining. Themes default to those people coded (restricted to
    ``themes`` when given).
    """
    if human is None or human.empty:
        raise InputError("human_codings is empty: import coded sheets with `kvalitativ review import` first.")
    human = human.assign(note_id=human["note_id"].astype(str))
    coded_themes = sorted(human["theme_id"].unique().tolist())
    theme_ids = [t for t in (themes or coded_themes) if t in set(coded_themes)]
    if not theme_ids:
        raise InputError("none of the codebook's themes was coded by people; check the review sheets' columns.")
    people = sorted(human["coder"].unique().tolist())
    reserved = {"model", "model_before", "model_after", "all"} & set(people)
    if reserved:
        raise InputError(f"coder name(s) {sorted(reserved)} are reserved for the model; rename the coder in the sheet.")
    notes = sorted(human["note_id"].unique().tolist())
    frames = [human[["coder", "note_id", "theme_id", "present", "valence"]]]
    models: list[str] = []
    tables: dict[str, pd.DataFrame] = {}
    before = "model_before" if retrain else "model"
    if codings is not None:
        frames.append(model_as_coder(codings, notes, theme_ids, threshold=threshold, coder=before))
        models.append(before)
    summary = []
    if retrain:
        from kvalitativ.review.retrain import fit_and_code, out_of_fold_codings, training_codes

        if corpus is None:
            raise InputError("retraining needs the corpus (note texts); give the folder of `kvalitativ ingest`.")
        texts = corpus.assign(note_id=corpus["note_id"].astype(str))
        missing = sorted(set(notes) - set(texts["note_id"]))
        if missing:
            raise InputError(f"{len(missing)} reviewed notes are not in the corpus (first: {missing[0]}); "
                             "give the corpus the review sheet was exported from.")
        # with the codebook, the coder `code --train` builds (its level, the codebook's prior); else a quick one
        level_of_coder = coder_level(codings) if codebook else "note"
        opts = dict(embedder=embedder, embedder_options=embedder_options, random_state=random_state, rule=rule,
                    level=level_of_coder, codebook=codebook)
        frames.append(out_of_fold_codings(human, texts, theme_ids, n_splits=n_splits, coder="model_after", **opts))
        models.append("model_after")
        retrained, codes = fit_and_code(human, texts, theme_ids, **opts)
        tables["codings_retrained"] = retrained
        tables["training_codes"] = codes
        summary.append(f"Retrained the supervised coder on {len(notes)} reviewed notes "
                       f"({int((codes['theme_id'] != 'uncoded').sum())} positive codes, rule {rule}); {len(retrained)} codings of {texts['note_id'].nunique()} notes.")
        summary.append(RETRAIN_CAVEAT if codebook is None else
                       f"model_after is the coder `code --train` builds from these codes (codebook {codebook}, "
                       f"level {level_of_coder}), judged out of fold.")
    table = reliability_table(pd.concat(frames, ignore_index=True), themes=theme_ids, human_coders=people,
                              model_coders=models, level=level, n_boot=n_boot, random_state=random_state, run_id=run_id)
    tables["reliability"] = table
    summary.insert(0, f"Agreement over {len(notes)} reviewed notes, {len(theme_ids)} themes, {len(people)} {'person' if len(people) == 1 else 'people'} ({level}):")
    lines = [_line(table, a, b) for i, a in enumerate(people) for b in people[i + 1:]]
    lines += [_line(table, m, p) for m in models for p in people]
    summary[1:1] = [ln for ln in lines if ln]
    return CompareResult(tables, summary)
