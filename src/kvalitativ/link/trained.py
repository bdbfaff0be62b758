"""Which hand codes the codings were trained on, and what the correction for coding error must do about it.

Why: a supervised coder that learned from some persons' hand codes reproduces them, so comparing
those persons' hand codes with its codes sees almost no coding error and the "corrected" interval
comes out too narrow. The coding stage records the training file's fingerprint, the coder's
settings and the trained note ids (:func:`kvalitativ.io.lineage.coder_reads`); the link refits that
coder without each hand-coded person (cross-fitting) when it can, and stops when it cannot.
"""

from __future__ import annotations

from dataclasses import replace
from pathlib import Path

from kvalitativ.config import RunConfig
from kvalitativ.link.crossfit import HumanCodes

__all__ = ["cross_fit_if_trained_on", "human_source", "require_cross_fit"]


def cross_fit_if_trained_on(config: RunConfig, codings_dir: Path, human_path, train_path=None) -> RunConfig:
    """``config`` with ``code.train`` set to the hand codes the codings were trained on — ``train_path``
    (``--train``, checked against what the coding stage recorded: :func:`kvalitativ.io.lineage.trained_on`),
    or ``human_path`` when it is that very file — so the correction is cross-fitted. Without it the
    hand-coded persons carry the codes of a coder that learned them, the residual is about zero,
    and the "corrected" OR is the uncorrected one with a narrower interval (a new user's trial:
    `code --train X`, then `link --human X`)."""
    from kvalitativ.errors import InputError
    from kvalitativ.io.lineage import fingerprint, trained_on

    trained, settings = trained_on(codings_dir)
    if config.code.train:
        _check_config_train(config.code.train, trained, codings_dir)
        return config
    if train_path is not None:
        if not Path(train_path).is_file():
            raise InputError(f"--train {train_path}: no such file.")
        if not trained:
            raise InputError(f"--train {Path(train_path).name}: the codings in {codings_dir} were not trained on hand "
                             "codes (`kvalitativ code` without --train): leave --train out.")
        if fingerprint(train_path) != trained:
            raise InputError(f"--train {Path(train_path).name} is not the file the codings in {codings_dir} were "
                             "trained on (its content differs from what `kvalitativ code --train` read): give that "
                             "file, unchanged.")
        source = train_path
    elif human_path and Path(human_path).is_file() and trained == fingerprint(human_path):
        source = human_path
    else:
        return config
    # refit the coder the codings came from: its codebook, level, embedder and seed, not the defaults
    code = replace(config.code, train=str(source), **settings.get("code", {}))
    embed = replace(config.embed, **settings.get("embed", {}))
    return replace(config, code=code, embed=embed, seed=settings.get("seed", config.seed))


def _check_config_train(train, trained: str | None, codings_dir: Path) -> None:
    """Stop when the config's ``code.train`` is not what the codings were trained on: the correction
    would refit that coder for the hand-coded persons while everyone else carries another coder's
    codes (zero-shot, or trained on other codes), and compare the two (a review)."""
    from kvalitativ.errors import InputError
    from kvalitativ.io.lineage import fingerprint

    if not Path(train).is_file():
        return  # reading it says so (human_codes_for)
    name = Path(train).name
    if trained is None:
        raise InputError(f"code.train {name}: the codings in {codings_dir} were not trained on hand codes "
                         "(`kvalitativ code` without --train), so the correction cannot refit their coder; leave "
                         "code.train out of the config for `kvalitativ link`, or code with it first.")
    if fingerprint(train) != trained:
        raise InputError(f"code.train {name} is not the file the codings in {codings_dir} were trained on (its content "
                         "differs from what `kvalitativ code --train` read): give that file, or code again with this one.")


def human_source(config: RunConfig, stage_dirs, human_path) -> Path | None:
    """The file the correction's hand codes come from, in :func:`human_codes_for`'s order (a
    ``human_codings`` table of the stage folders too: `review import --out` the code folder, then
    `code --train` that very table)."""
    from kvalitativ.io.paths import stored_parquet

    given = human_path or config.link.human_codes
    if given:
        return Path(given)
    return next((p for folder in dict.fromkeys(stage_dirs) if (p := stored_parquet(folder, "human_codings"))), None)


def require_cross_fit(human: HumanCodes | None, codings_dir: Path) -> None:
    """Stop when the codings were trained on hand codes that share notes with the codes of the
    correction, but the training codes are not known (another file than ``--human``: a sheet
    imported again, a copy). The correction would compare the hand codes with a coder that learned
    them — too narrow an interval, with no word said (a new user's trial)."""
    from kvalitativ.errors import InputError
    from kvalitativ.io.lineage import trained_notes, trained_on

    if human is None or human.train is not None or ("p_person" not in human.codes.columns and not human.required):
        return
    if not trained_on(codings_dir)[0]:
        return
    notes = trained_notes(codings_dir)
    coded = set(human.codes["note_id"].astype(str)) if "note_id" in human.codes.columns else set()
    shared = None if notes is None else len(coded & notes)
    if shared == 0:
        return
    what = ("may share notes (these codings, made by an older version, do not record which notes it learned "
            "from)") if shared is None else f"share {shared} of their {len(coded)} notes"
    raise InputError(
        f"the codings in {codings_dir} were made by a coder trained on hand codes (`kvalitativ code --train`) "
        f"that {what} with {human.where}. The correction must compare those persons' hand codes with a coder "
        "that never saw them (cross-fitting), which needs the training codes: give `--train FILE`, the file "
        "`kvalitativ code --train` read (or code.train in --config).")
