"""`kvalitativ link`: themes × indicators → associations, prevalence, added value."""

from __future__ import annotations

from pathlib import Path

import click

from kvalitativ.commands._common import echo_summary, out_option, public_lines, published, wait_option


def _split(value: str | None) -> list[str] | None:
    if value is None:
        return None
    return [v.strip() for v in value.split(",") if v.strip()]


@click.command(name="link", context_settings={"max_content_width": 100})
@click.option("--codings", "codings_dir", required=True, type=click.Path(file_okay=False, path_type=Path),
              help="Output folder of `kvalitativ code` (holds the codings table).")
@click.option("--indicators", "indicators_path", type=click.Path(dir_okay=False, path_type=Path), default=None,
              help="Indicators export, one row per person (person_id, dropout, outcome_date, absence_pct, …). "
                   "Default: the indicators table stored by `kvalitativ ingest`.")
@click.option("--notes", "notes_dir", type=click.Path(file_okay=False, path_type=Path), default=None,
              help="Output folder of `kvalitativ ingest` (holds the corpus). Default: the --codings folder.")
@out_option
@wait_option
@click.option("--config", "config_path", type=click.Path(path_type=Path), default=None,
              help="A kvalitativ.yaml whose `link:`, `ingest:` and `privacy:` sections are used; options override it.")
@click.option("--outcome", default=None, help="Binary (0/1) indicator column to explain (default: dropout).")
@click.option("--outcome-date-col", default=None,
              help="Indicator column with the date the outcome was observed (default: outcome_date). "
                   "Only notes dated strictly before it count.")
@click.option("--covariates", default=None, metavar="COL,COL",
              help="Covariates of the adjusted odds ratio, comma-separated (default: absence_pct,grade_avg,gender). "
                   "Text columns (gender, school) are one-hot encoded. Give '' for none.")
@click.option("--numeric-indicators", default=None, metavar="COL,COL",
              help="Numeric indicators compared by mean difference (default: absence_pct,grade_avg).")
@click.option("--quantitative", default=None, metavar="COL,COL",
              help="Baseline predictors of the added-value AUC (default: the covariates and numeric indicators).")
@click.option("--window-months", type=int, default=None,
              help="The dropout window the indicator export used (months; stated in every output, default 15).")
@click.option("--cutoff", default=None, metavar="YYYY-MM-DD",
              help="Notes dated on or after this never count (with --timing landmark: the landmark date).")
@click.option("--timing", type=click.Choice(["dated", "landmark", "none"]), default=None,
              help="dated (default): only notes dated before each person's outcome count. landmark: only notes "
                   "before --cutoff count, and persons whose outcome date is before it are left out — everyone "
                   "is watched over the same dates (use it when the link warns that persons with the outcome "
                   "had fewer notes to be noted in). none: cross-sectional, for exports without dates "
                   "(every note counts; note_rule says so).")
@click.option("--lookback-months", type=int, default=None,
              help="Only notes at most this many months before the outcome date (dated) or the landmark count.")
@click.option("--population", type=click.Choice(["with_notes", "all"]), default=None,
              help="Persons compared: with at least one note before the outcome (default), or all with an outcome.")
@click.option("--human", "human_path", type=click.Path(dir_okay=False, path_type=Path), default=None,
              help="Hand codes for correcting the associations for coding error (DSL): note_id, theme_id[, valence], "
                   "p_person[, p_active] — all notes of a random sample of persons, with each person's probability "
                   "of being drawn. Default: link.human_codes, the human_codings of `review import`, or code.train.")
@click.option("--train", "train_path", type=click.Path(dir_okay=False, path_type=Path), default=None,
              help="The hand codes `kvalitativ code --train` read, when the codes for the correction share notes "
                   "with them but are another file (a sheet imported again): the correction is then cross-fitted.")
@click.option("--min-cell", type=int, default=None, help="Suppress cells of fewer persons than this (default 5, min 3).")
@click.option("--n-boot", type=int, default=None, help="Bootstrap resamples for the AUC intervals (default 1000).")
@click.option("--seed", type=int, default=None, help="Random seed (folds and bootstrap; default 0).")
def command(codings_dir: Path, indicators_path: Path | None, notes_dir: Path | None, out_dir: Path,
            config_path: Path | None, outcome: str | None, outcome_date_col: str | None, covariates: str | None,
            numeric_indicators: str | None, quantitative: str | None, window_months: int | None,
            cutoff: str | None, population: str | None, min_cell: int | None, n_boot: int | None,
            seed: int | None, human_path: Path | None = None, train_path: Path | None = None, wait: bool = False,
            timing: str | None = None, lookback_months: int | None = None) -> None:
    """Associate themes with dropout and other indicators (with honest uncertainty).

    A person has a theme (with a valence) when any of their notes dated strictly before their
    outcome date (and before --cutoff) carries it; later and undated notes are excluded and
    counted in `link_exclusions`. Writes `associations` (counts, rates, risk difference, risk
    ratio, odds ratio with exact intervals for small cells, adjusted odds ratio, p and
    Benjamini–Hochberg q values; mean differences for numeric indicators), `prevalence`
    (shares with Wilson intervals, overall and by school, school year and source),
    `added_value` (cross-validated AUC of the numbers alone vs numbers + themes) and, under
    work/ only, `person_themes`. With hand codes for a random sample of persons (--human), each
    binary row also gets the adjusted odds ratio corrected for the coder's errors
    (aor_corrected, its interval, p and q; cross-fitted when the same codes trained the coder).
    Cells under --min-cell persons are suppressed. Every result is
    an association, not a cause. --indicators are pseudonymised with the same key as `ingest`
    used (the same --config, or KVALITATIV_PSEUDONYM_KEY_FILE), or they will not join.

    \b
    Example:
      kvalitativ link --codings out/ --indicators corpora/sample/indicators.csv --out out/
      kvalitativ link --codings out/ --human corpora/sample/human_codes.csv --out out/
      kvalitativ link --codings out/ --timing landmark --cutoff 2024-01-01 --lookback-months 12 --out out/
      kvalitativ link --codings out/ --indicators ind.csv --covariates absence_pct,grade_avg,gender,school \\
          --window-months 15 --cutoff 2024-08-01 --out out/link
    """
    from kvalitativ.config import RunConfig, load_config, validate
    from kvalitativ.link.stage import link_from_dirs

    config = load_config(config_path) if config_path else RunConfig()
    lc = config.link
    if outcome:
        lc.outcome = outcome
    if outcome_date_col:
        lc.outcome_date_col = outcome_date_col
    if covariates is not None:
        lc.covariates = _split(covariates)
    if numeric_indicators is not None:
        lc.numeric_indicators = _split(numeric_indicators)
    if quantitative is not None:
        lc.quantitative = _split(quantitative)
    if window_months is not None:
        lc.window_months = window_months
    if cutoff:
        lc.cutoff = cutoff
    if population:
        lc.population = population
    if timing:
        lc.timing = timing
    if lookback_months is not None:
        lc.lookback_months = lookback_months
    if n_boot is not None:
        lc.n_boot = n_boot
    if min_cell is not None:
        config.privacy.min_cell = min_cell
    if seed is not None:
        config.seed = seed
    validate(config)
    with published(out_dir, "kvalitativ link", wait, config=config,
                   inputs={"indicators": indicators_path, "human": human_path, "train": train_path}) as pub:
        result = link_from_dirs(codings_dir, pub.staging, config, notes_dir=notes_dir, indicators_path=indicators_path,
                                human_path=human_path, train_path=train_path)
    echo_summary(public_lines(result["summary"], pub))
