"""`link()`: the whole linking stage from codings, corpus, indicators and a LinkConfig."""

from __future__ import annotations

import math

from collections.abc import Collection, Mapping
from dataclasses import dataclass, replace
from pathlib import Path

import pandas as pd

from kvalitativ.codebook import discovered_theme_ids
from kvalitativ.config import LinkConfig, RunConfig
from kvalitativ.constants import UNCODED
from kvalitativ.link.added_value import added_value
from kvalitativ.link.associations import associations
from kvalitativ.link.checks import require_persons, usable_columns
from kvalitativ.link.crossfit import HumanCodes, build_correction
from kvalitativ.link.trained import cross_fit_if_trained_on, human_source, require_cross_fit
from kvalitativ.link.duplicates import shared_texts
from kvalitativ.link.language import language_of, output_language
from kvalitativ.link.params import LinkRules, parse_cutoff
from kvalitativ.link.persons import PersonThemes, person_themes
from kvalitativ.link.prevalence import prevalence

#: Tables link() returns that may go to a dashboard; person_themes is internal (person ids).
DASHBOARD_TABLES = ("associations", "prevalence", "added_value", "link_exclusions")


def default_quantitative(config: LinkConfig) -> list[str]:
    """The baseline "numbers alone": the covariates and numeric indicators the user already named.

    Not every numeric column: an indicator export may hold columns measured at or after the
    outcome (age at outcome date, days enrolled) that would make the numbers look better than
    they are.
    """
    return list(dict.fromkeys([*config.covariates, *config.numeric_indicators]))


@dataclass(frozen=True)
class LinkResult:
    """What the link stage made: the tables to write, and the person-level join behind them
    (its population, exclusions and rule, which the tables alone do not carry)."""

    tables: dict[str, pd.DataFrame]
    person_themes: PersonThemes
    #: default indicator columns the export lacks, left out (one line each, for the summary)
    left_out: tuple[str, ...] = ()


def link(codings: pd.DataFrame, corpus: pd.DataFrame, indicators: pd.DataFrame,
         config: LinkConfig | RunConfig | Mapping | None = None, **options) -> dict[str, pd.DataFrame]:
    """The link stage's tables (see :func:`link_result`, which also returns the person-level join).

    Example
    -------
    >>> from kvalitativ.config import LinkConfig
    >>> tables = link(codings, corpus, indicators, LinkConfig(cutoff="2024-08-01"))
    >>> tables["associations"].query("q_value < 0.05")
    """
    return link_result(codings, corpus, indicators, config, **options).tables


def link_result(
    codings: pd.DataFrame,
    corpus: pd.DataFrame,
    indicators: pd.DataFrame,
    config: LinkConfig | RunConfig | Mapping | None = None,
    *,
    min_cell: int | None = None,
    random_state: int | None = None,
    theme_labels: Mapping[str, str] | None = None,
    human: HumanCodes | None = None,
    discovered: Collection[str] | None = None,
    sensitive: Collection[str] = (),
    language: str | None = None,
) -> LinkResult:
    """Run the linking stage: person join, associations, prevalence and added value.

    ``config`` is a :class:`~kvalitativ.config.LinkConfig` (or a whole RunConfig, whose
    ``link``, ``privacy.min_cell`` and ``seed`` are used, or a dict of the config file's ``link:`` keys). Returns a :class:`LinkResult` whose
    ``tables`` are:

    - ``associations``, ``prevalence``, ``added_value``: dashboard tables (suppressed, no ids);
    - ``link_exclusions``: notes that did not count, by reason (reason, n_notes, n_persons);
    - ``person_themes``: INTERNAL — holds person ids, never a dashboard table (the store keeps
      it under work/ only).

    Every table carries the rule columns outcome, dropout_window_months, cutoff, note_rule and
    population, so each output states the window and note rule it was made with. ``human``: hand
    codes with their design, for the associations' corrected columns (cross-fitted when they
    also trained the coder); without them those columns are empty and ``note`` says why.
    ``discovered``: theme ids of topics from ``kvalitativ discover`` (default: the codings' rows
    with method "topic") — their own q-value family, and no added-value features while codebook
    themes are there. ``sensitive``: theme ids whose prevalence rows are hidden where everyone in
    a small group has the theme (:func:`sensitive_theme_ids`). ``language``: of the sentences
    (``da``, ``en`` or ``auto``; default the RunConfig's ``ingest.language``, else ``auto``: the
    language of most notes, :func:`kvalitativ.link.language.output_language`).
    """
    if isinstance(config, Mapping):  # {"outcome": "dropout", …}: the link section of a config file
        from kvalitativ.config import config_from_dict

        config = config_from_dict({"link": dict(config)}).link
    if isinstance(config, RunConfig):
        language = language or config.ingest.language
        min_cell = config.privacy.min_cell if min_cell is None else min_cell
        random_state = config.seed if random_state is None else random_state
        config = config.link
    config = config or LinkConfig()
    min_cell = 5 if min_cell is None else min_cell
    random_state = 0 if random_state is None else random_state

    config, _left_out = usable_columns(indicators, config)
    rules = LinkRules(outcome=config.outcome, outcome_date_col=config.outcome_date_col,
                      window_months=config.window_months, cutoff=parse_cutoff(config.cutoff),
                      population=config.population, timing=config.timing,
                      lookback_months=config.lookback_months, population_label=config.population_label, outcome_label=config.outcome_label,
                      language=output_language(language, language_of(corpus)))
    # "uncoded" marks notes with no theme: not a theme to associate or count prevalence of
    codings = codings[codings["theme_id"].astype(str) != UNCODED]
    # topics of `kvalitativ discover` in the same folder are exploratory: their own q-value family,
    # and no features of the added-value model (unless they are all there is)
    if discovered is None:
        discovered = codings.loc[codings["method"].astype(str) == "topic", "theme_id"] \
            if "method" in codings.columns else []
    topics = sorted(set(map(str, discovered)) & set(codings["theme_id"].astype(str)))
    only_topics = set(codings["theme_id"].astype(str)) <= set(topics)
    pt = person_themes(codings, corpus, indicators, rules=rules)
    require_persons(pt.n_persons, pt.n_notes_used, pt.exclusions, rules.note_rule)
    correction = build_correction(human, corpus, indicators, rules, pt.persons, random_state) if human else None
    assoc = associations(pt, indicators, covariates=list(config.covariates), min_cell=min_cell,
                         numeric_indicators=list(config.numeric_indicators), theme_labels=theme_labels,
                         rules=rules, correction=correction, families=dict.fromkeys(topics, "discovered"))
    # were persons with and without the outcome watched for as long? (link.followup; the report's caveat)
    ratio = pt.balance.ratio if pt.balance else float("nan")
    assoc["notes_ratio"] = round(ratio, 3) if math.isfinite(ratio) else float("nan")
    prev = prevalence(codings, corpus, group_by=list(config.group_by), min_cell=min_cell, cutoff=rules.cutoff,
                      rules=rules, sensitive=sensitive)
    quantitative = list(config.quantitative) if config.quantitative is not None else default_quantitative(config)
    shared = shared_texts(corpus)
    added = added_value(pt, indicators, quantitative=quantitative, n_splits=config.n_splits,
                        n_boot=config.n_boot, random_state=random_state, min_cell=min_cell, rules=rules,
                        groups=shared.groups, leave_out=[] if only_topics else topics)
    excl = rules.stamp(pt.exclusions.copy())
    excl["suppressed"] = False
    from kvalitativ.privacy.suppress import suppress_small_cells

    excl = suppress_small_cells(excl, ["n_persons"], threshold=min_cell, by=[], value_cols=["n_notes"])
    for col in ("n_notes", "n_persons"):
        excl[col] = pd.to_numeric(excl[col], errors="coerce").round().astype("Int64")
    excl["suppressed"] = excl["suppressed"].astype(bool)
    tables = {"associations": assoc, "prevalence": prev, "added_value": added, "link_exclusions": excl,
              "person_themes": pt.table}
    return LinkResult(tables=tables, person_themes=pt,
                      left_out=tuple(_left_out) + tuple(filter(None, [shared.line()])))


def sensitive_theme_ids(themes: pd.DataFrame | None) -> frozenset[str]:
    """Themes a ``themes`` table marks sensitive, and every discovered topic (what a topic holds
    is known only once someone has read it): the same set whose quotes stay at municipality level."""
    if themes is None or "theme_id" not in themes.columns:
        return frozenset()
    ids = discovered_theme_ids(themes)
    if "sensitive" in themes.columns:
        flag = themes["sensitive"].astype("boolean").fillna(False).to_numpy(bool)
        ids |= frozenset(themes.loc[flag, "theme_id"].astype(str))
    return ids


def _theme_labels(themes: pd.DataFrame | None) -> dict[str, str]:
    if themes is None or "theme_id" not in themes.columns or "label" not in themes.columns:
        return {}
    return {str(t): str(lbl) for t, lbl in zip(themes["theme_id"], themes["label"]) if pd.notna(lbl)}


def _recoder(config: RunConfig, corpus: pd.DataFrame, codes: pd.DataFrame):
    """Refit the run's supervised coder on some of its training codes and code some notes: the
    cross-fitting step of :func:`~kvalitativ.link.crossfit.crossfit_codings`. ``codes``: all the
    training codes, which decide ``code.exclusive: auto`` as they did for the run's coder (not each fold)."""
    from kvalitativ.coding.mode import config_mode

    exclusive = config_mode(config, codes)

    def recode(train: pd.DataFrame, notes: pd.DataFrame) -> pd.DataFrame:
        from kvalitativ.coding.api import make_coder
        from kvalitativ.embed.configured import configured_embedder

        model = make_coder(corpus, config.code.codebook, "supervised", level=config.code.level,
                           embedder=configured_embedder(config, progress=False), train=train,
                           threshold=config.code.threshold, random_state=config.seed, progress=False,
                           exclusive=exclusive)
        return model.code(notes)
    return recode


def _correction_line(binary: pd.DataFrame, is_topic) -> list[str]:
    """The summary's line on the correction for coding error, with the clear count of the same rows
    by the uncorrected estimate (the clear count before it leads with the corrected one)."""
    from kvalitativ.link.wording import leading_estimate, ratio_direction

    n_fixed = int(binary["aor_corrected"].notna().sum())
    if not n_fixed:
        return [f"not corrected for coding error: {_why_not(binary)}"]
    plain = sum(ratio_direction(leading_estimate({**r, "aor_corrected": None})) != "none" and not t
                for r, t in zip(binary.to_dict("records"), is_topic))
    return [f"corrected for coding error (DSL) from {int(binary['n_human_persons'].max())} hand-coded persons: "
            f"{n_fixed} rows, {int((binary['q_corrected'] < 0.05).sum())} with corrected q < 0.05; without the "
            f"correction {plain} theme × valence would read as a clear association."]


def human_codes_for(config: RunConfig, corpus: pd.DataFrame, stage_dirs=(), human_path=None) -> HumanCodes | None:
    """The hand codes the correction uses, first found of: ``human_path`` (``--human``),
    ``link.human_codes``, a ``human_codings`` table (``review import``) in ``stage_dirs``, and
    ``code.train``. When ``code.train`` trained the coder, the codes are cross-fitted."""
    from kvalitativ.io.readers import read_table
    from kvalitativ.io.store import read_stage_table

    train = read_table(config.code.train) if config.code.train else None
    recode = _recoder(config, corpus, train) if train is not None else None
    path = human_path or config.link.human_codes
    if path:
        return HumanCodes(read_table(path), str(path), train, recode, required=True)
    for folder in stage_dirs:
        table = read_stage_table(folder, "human_codings", required=False)
        if table is not None:
            return HumanCodes(table, "human_codings", train, recode)
    if train is not None:
        return HumanCodes(train, str(config.code.train), train, recode)
    return None


#: The codings' columns the link uses (the person join, prevalence, the run id).
CODINGS_READ = ["run_id", "note_id", "theme_id", "valence"]


def read_link_inputs(codings_dir: Path, notes_dir: Path, config: RunConfig) -> tuple[pd.DataFrame, pd.DataFrame]:
    """The codings and the corpus, read as lean as the link allows.

    The notes' text is read only when a supervised coder is refitted on it (``code.train``:
    cross-fitting); otherwise each text comes in as a 64-bit key (``text_hash``, for the shared
    texts), made a batch at a time: a million notes' text, split into words to compare, would
    take gigabytes.
    """
    from kvalitativ.io.duplicates import stored_text_hashes
    from kvalitativ.io.store import read_stage_table, stage_table_columns

    codings = read_stage_table(codings_dir, "codings", columns=CODINGS_READ)
    if config.code.train:
        return codings, read_stage_table(notes_dir, "corpus")
    stored = stage_table_columns(notes_dir, "corpus")
    corpus = read_stage_table(notes_dir, "corpus", columns=[c for c in stored if c != "text"])
    return codings, (corpus.assign(text_hash=stored_text_hashes(notes_dir)) if "text" in stored else corpus)


def link_from_dirs(
    codings_dir: str | Path,
    out_dir: str | Path,
    config: RunConfig | None = None,
    *,
    notes_dir: str | Path | None = None,
    indicators_path: str | Path | None = None,
    run_id: str | None = None,
    human_path: str | Path | None = None,
    train_path: str | Path | None = None,
) -> dict:
    """The link stage on stage folders: read codings/corpus/indicators, link, write the tables.

    codings come from ``codings_dir`` (the `code` stage's --out); the corpus from ``notes_dir``
    (the `ingest` stage's --out; default: ``codings_dir``); indicators from ``indicators_path``
    (read and pseudonymised like the notes with ``config.ingest``) or else the ``indicators``
    table of the ingest folder. ``run_id`` defaults to the codings' run_id. Hand codes for the
    correction for coding error: see :func:`human_codes_for` (``human_path`` first); ``train_path``:
    the hand codes the codings were trained on, when they share notes with those (cross-fitting). Returns
    {"tables", "written", "summary"}.
    """
    from kvalitativ.errors import InputError
    from kvalitativ.io.ingest import read_indicators
    from kvalitativ.io.lineage import fingerprints, require_built_from
    from kvalitativ.io.store import file_sha256, make_run_id, read_stage_table, write_tables

    codings_dir = Path(codings_dir)
    notes_dir = Path(notes_dir) if notes_dir else codings_dir
    config = config or RunConfig()
    config = cross_fit_if_trained_on(config, codings_dir, human_source(config, [codings_dir, notes_dir], human_path),
                                      train_path)
    read = fingerprints([(codings_dir, "codings"), (notes_dir, "corpus"),
                         (None if indicators_path else notes_dir, "indicators")])
    # the codings must be of these notes (`--notes` another ingest, or ingest run again since)
    require_built_from(codings_dir, ("codings",), {k: v for k, v in read.items() if k == "corpus"})
    codings, corpus = read_link_inputs(codings_dir, notes_dir, config)
    if indicators_path:
        indicators, _rejects = read_indicators(indicators_path, config.ingest, config.privacy)
        inputs = {"indicators": file_sha256(indicators_path)}
    else:
        indicators = read_stage_table(notes_dir, "indicators", required=False)
        if indicators is None:
            raise InputError(f"{notes_dir}: has no indicators table. Give --indicators FILE "
                             "(one row per person: person_id, dropout, outcome_date, …).")
        inputs = {}
    shared = set(indicators["person_id"].astype(str).unique()) & set(corpus["person_id"].astype(str).unique())
    if not shared:
        raise InputError(
            "no person_id in the indicators matches a person in the notes. Both must be pseudonymised the same "
            "way: use the same ingest.pseudonymize setting and the same pseudonym key (privacy.key_file, or "
            "KVALITATIV_PSEUDONYM_KEY_FILE; see docs/privacy.md) for notes and indicators.")
    run_ids = codings["run_id"].dropna().unique() if "run_id" in codings.columns else []
    run_id = run_id or (str(run_ids[0]) if len(run_ids) == 1 else None) or make_run_id(
        {"link": config.to_dict()["link"]}, {**inputs, "codings": str(len(codings))})
    human = human_codes_for(config, corpus, dict.fromkeys([codings_dir, notes_dir]), human_path)
    require_cross_fit(human, codings_dir)
    # read once: the labels for the sentences, and which themes are discovered topics (the codings
    # are read without their method column, to stay lean)
    themes = read_stage_table(codings_dir, "themes", required=False)
    topics = discovered_theme_ids(themes)
    result = link_result(codings, corpus, indicators, config, theme_labels=_theme_labels(themes), human=human,
                         discovered=topics, sensitive=sensitive_theme_ids(themes))
    tables, pt = result.tables, result.person_themes
    written = write_tables(out_dir, tables, run_id=run_id, min_cell=config.privacy.min_cell, read=read)
    assoc = tables["associations"]
    binary = assoc[(assoc["indicator_type"] == "binary") & ~assoc["suppressed"]]
    # counted by the rule the sentences use (link.wording: leading estimate, its own q), per family
    from kvalitativ.link.wording import leading_estimate, ratio_direction

    clear = [ratio_direction(leading_estimate(r)) != "none" for r in binary.to_dict("records")]
    is_topic = binary["theme_id"].astype(str).isin(topics).to_numpy()
    n_sig = int(sum(c for c, t in zip(clear, is_topic) if not t))
    n_sig_topics = int(sum(c for c, t in zip(clear, is_topic) if t))
    n_fixed = int(binary["aor_corrected"].notna().sum())
    fixed_line = _correction_line(binary, is_topic)
    balance_lines = [line] if pt.balance and (line := pt.balance.warning(pt.rules.timing)) else []
    excl = tables["link_exclusions"]
    n_excl = int(pd.to_numeric(excl["n_notes"], errors="coerce").fillna(0).sum())
    av = tables["added_value"].set_index("model")
    lines = [
        f"Linked {pt.n_persons} persons "
        f"({pt.n_notes_used} notes used, {n_excl} excluded: see link_exclusions); "
        f"rule: {pt.rules.note_rule}.",
        *balance_lines,
        *result.left_out,
        f"associations: {len(assoc)} rows, {int(assoc['suppressed'].sum())} suppressed, "
        f"{n_sig} theme × valence with a clear association with '{config.link.outcome}' (interval and q < 0.05 of "
        f"the {'corrected (where hand codes allow)' if n_fixed else 'leading'} estimate, as the sentences read; "
        "associations, not causes)" + (f"; {n_sig_topics} discovered topics (their own family)." if is_topic.any()
                                        else "."),
        *fixed_line,
        (f"added value: AUC {av.loc['quantitative', 'auc']:.2f} (numbers) vs "
         f"{av.loc['quantitative+themes', 'auc']:.2f} (numbers + themes)." if av.loc['quantitative', 'n_features']
         else f"added value: no numbers to compare with; AUC {av.loc['quantitative+themes', 'auc']:.2f} (themes alone)."),
    ] + [f"Wrote {len(written)} table(s) to {out_dir}: {', '.join(sorted(written))} "
         "(person_themes under work/ only: it holds person ids)."]
    return {"tables": tables, "written": written, "summary": lines}


def _why_not(binary: pd.DataFrame) -> str:
    from kvalitativ.link.corrected import HOW_TO_CORRECT

    notes = binary["note"].dropna().astype(str)
    if notes.str.contains("no hand codes").any() or notes.empty:
        return f"no hand codes {HOW_TO_CORRECT}"
    # the reason itself, not a pointer to a column (the most common one among the rows)
    hand = notes[notes.str.contains("hand|p_person|design", case=False)]
    return (hand.value_counts().index[0] if len(hand) else "hand codes too few or without their design") + "."


def run_link(config: RunConfig, out_dir: str | Path, run_id: str | None = None) -> dict:
    """The link stage of `kvalitativ run` (pipeline Stage signature): every earlier stage wrote
    into ``out_dir``, so codings, corpus and the stored indicators are read from there."""
    return link_from_dirs(out_dir, out_dir, config, run_id=run_id)
