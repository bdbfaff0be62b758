"""`kvalitativ agreement`: inter-coder reliability between people, and between the model and people."""

from __future__ import annotations

from pathlib import Path

import click

from kvalitativ.commands._common import cache_dir_option, echo_summary, out_option, written_summary


@click.command(name="agreement", context_settings={"max_content_width": 100})
@click.option("--human", "human_dir", required=True, type=click.Path(file_okay=False, path_type=Path),
              help="Output folder of `kvalitativ review import` (holds human_codings).")
@click.option("--codings", "codings_dir", default=None, type=click.Path(file_okay=False, path_type=Path),
              help="Output folder of `kvalitativ code`: the model joins as coder 'model'.")
@click.option("--corpus", "corpus_dir", default=None, type=click.Path(file_okay=False, path_type=Path),
              help="Folder with the redacted corpus (for --retrain; default: the --codings folder).")
@out_option
@click.option("--threshold", type=float, default=None,
              help="Score at which a model coding counts as present (default: every row in codings is a coding).")
@click.option("--level", type=click.Choice(["presence", "valence"]), default="presence", show_default=True,
              help="Compare yes/no per theme, or absent/strength/concern/neutral.")
@click.option("--n-boot", type=int, default=1000, show_default=True, help="Bootstrap replicates for the 95% CIs.")
@click.option("--seed", type=int, default=0, show_default=True, help="Random seed (bootstrap, folds).")
@click.option("--retrain", is_flag=True, help="Train the supervised coder on the human codes and compare before/after.")
@click.option("--rule", default="majority", show_default=True,
              help="How several coders make one training label: majority, any, or coder:NAME.")
@click.option("--embedder", default=None, help="Embedder for --retrain (default: the config default, e5).")
@click.option("--codebook", default=None,
              help="With --retrain: the codebook `code` used, so model_after is the coder `code --train` builds "
                   "(the codings' level, the codebook's prior). Without it, a quick note-level coder (weaker).")
@cache_dir_option
@click.option("--folds", type=int, default=5, show_default=True,
              help="Cross-validation folds: model_after is judged only on notes it was not trained on.")
def command(human_dir: Path, codings_dir: Path | None, corpus_dir: Path | None, out_dir: Path, threshold: float | None,
            level: str, n_boot: int, seed: int, retrain: bool, rule: str, embedder: str | None, cache_dir: Path | None,
            folds: int, codebook: str | None = None) -> None:
    """Inter-coder reliability (kappa, alpha) between people and the model.

    Pairs are every two people and the model against every person; alpha over
    all people is the row with coder_a = coder_b = "all". CIs are percentile
    bootstraps over notes. A note a person left blank for every theme is not
    counted. With --retrain the supervised coder is trained on the human codes
    (rule --rule) and its cross-validated agreement appears as coder
    "model_after" beside "model_before"; the retrained model's codings of the
    whole corpus are written as the table codings_retrained.

    \b
    Example:
      kvalitativ agreement --human review/ --codings out/ --out review/
      kvalitativ agreement --human review/ --codings out/ --out review/ --retrain --embedder tfidf
      kvalitativ agreement --human review/ --codings out/ --out review/ --retrain --codebook ungekompetencer
    """
    from kvalitativ.io.store import make_run_id, read_stage_table, write_tables
    from kvalitativ.config import RunConfig
    from kvalitativ.embed.configured import embedding_cache_dir
    from kvalitativ.review.compare import compare

    config = RunConfig()
    if cache_dir:
        config.embed.cache_dir = str(cache_dir)

    if retrain and codings_dir is None and corpus_dir is None:
        raise click.UsageError("--retrain needs the note texts: give --codings or --corpus.")
    human = read_stage_table(human_dir, "human_codings")
    codings = read_stage_table(codings_dir, "codings") if codings_dir else None
    themes_table = read_stage_table(codings_dir, "themes", required=False) if codings_dir else None
    corpus = read_stage_table(corpus_dir or codings_dir, "corpus") if retrain else None
    result = compare(
        human, codings, themes=None if themes_table is None else themes_table["theme_id"].tolist(),
        threshold=threshold, level=level, n_boot=n_boot, random_state=seed, retrain=retrain, corpus=corpus,
        rule=rule, embedder=embedder, n_splits=folds, codebook=codebook,
        embedder_options={"cache_dir": embedding_cache_dir(config)},
    )
    run_id = None
    for frame in (codings, human):
        if frame is not None and "run_id" in frame.columns and len(frame):
            run_id = str(frame["run_id"].iloc[0])
            break
    run_id = run_id or make_run_id({"stage": "agreement"}, {})
    from kvalitativ.io.lineage import fingerprints

    read = fingerprints([(codings_dir, "codings"), (human_dir, "human_codings")])
    written = write_tables(out_dir, result.tables, run_id=run_id, read=read)
    echo_summary([*result.summary, *written_summary(written, out_dir)])
