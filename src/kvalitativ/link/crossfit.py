"""Hand codes for the link stage: where they come from, and machine codes the coder did not learn from.

When the same hand codes trained the supervised coder, its codes for the hand-coded persons are
near-copies of the truth, and a correction built on them is optimistic (it sees almost no coding
error). So the machine codes used for a hand-coded person come from a coder refitted without that
person: the hand-coded persons are split into seeded folds, and each fold is coded by a coder
trained on the other folds' codes (K-fold cross-fitting).
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass, replace

import numpy as np
import pandas as pd

from kvalitativ.constants import UNCODED
from kvalitativ.link.correction import N_FOLDS, fold_ids
from kvalitativ.link.corrected import Correction
from kvalitativ.link.human import DESIGN_HELP, human_sample
from kvalitativ.link.params import LinkRules
from kvalitativ.link.persons import person_themes
from kvalitativ.link.presence import presence

#: ``recode(train_codes, notes)``: codings of ``notes`` by a coder trained on ``train_codes``.
Recoder = Callable[[pd.DataFrame, pd.DataFrame], pd.DataFrame]


@dataclass(frozen=True)
class HumanCodes:
    """Hand codes for the correction, and how the coder relates to them.

    ``codes``: a codes file or the ``human_codings`` table (see :mod:`kvalitativ.link.human`);
    ``where``: their name in messages; ``train``: the codes the supervised coder learned from
    (None for a zero-shot coder); ``recode``: refits that coder on a subset of ``train`` and codes
    notes, for cross-fitting (needed whenever ``train`` shares notes with ``codes``).
    """

    codes: pd.DataFrame
    where: str = "hand codes"
    train: pd.DataFrame | None = None
    recode: Recoder | None = None
    #: True when the user named the codes for correction: a missing design is then an error,
    #: not a note.
    required: bool = False


def crossfit_codings(corpus: pd.DataFrame, train: pd.DataFrame, persons, recode: Recoder,
                     n_folds: int = N_FOLDS, random_state: int = 0) -> pd.DataFrame:
    """Codings of every note of ``persons``, each from a coder trained without that person's notes."""
    notes = corpus.assign(note_id=corpus["note_id"].astype(str), person_id=corpus["person_id"].astype(str))
    person_of = dict(zip(notes["note_id"], notes["person_id"]))
    persons = np.array(sorted(str(p) for p in persons), dtype=object)
    folds = fold_ids(len(persons), n_folds, random_state)
    train = train.assign(note_id=train["note_id"].astype(str))
    train_person = train["note_id"].map(person_of)
    parts = []
    for k in range(n_folds):
        held = set(persons[folds == k])
        if not held:
            continue
        fold_notes = notes[notes["person_id"].isin(held)]
        parts.append(recode(train[~train_person.isin(held)], fold_notes))
    return pd.concat(parts, ignore_index=True) if parts else pd.DataFrame(columns=["note_id", "theme_id", "valence"])


def build_correction(human: HumanCodes, corpus: pd.DataFrame, indicators: pd.DataFrame, rules: LinkRules,
                     persons, random_state: int = 0) -> Correction | str:
    """The :class:`~kvalitativ.link.corrected.Correction` of the link stage: the hand-coded
    persons, and — when the coder learned from their codes — cross-fitted machine codes for them.
    Hand codes found on their own (training codes, a plain review sheet) without a recorded
    design give, instead, the reason there is no correction."""
    if "p_person" not in human.codes.columns and not human.required:
        return f"not corrected for coding error: {human.where} has no p_person column ({DESIGN_HELP})"
    sample = human_sample(human.codes, corpus, indicators, rules, persons, where=human.where)
    machine = None
    if human.train is not None and human.recode is not None and sample.n_persons:
        trained = set(human.train["note_id"].astype(str))
        seen = corpus.loc[corpus["note_id"].astype(str).isin(trained), "person_id"].astype(str)
        refit = sorted(set(sample.presence.persons) & set(seen))
        if refit:
            codings = crossfit_codings(corpus, human.train, refit, human.recode, random_state=random_state)
            codings = codings[codings["theme_id"].astype(str) != UNCODED]
            pt = person_themes(codings, corpus, indicators, rules=replace(rules, population="all"))
            pres = presence(pt)
            machine = pres.rows(pres.persons.isin(refit))
    return Correction(human=sample, machine=machine, random_state=random_state)
