"""`kvalitativ tune`: grid-search the discovery settings; recommends one by a stated rule."""

from __future__ import annotations

from pathlib import Path

import click

from kvalitativ.commands._common import cache_dir_option, echo_summary, is_quiet, out_option, published


def parse_grid(text: str | None) -> dict | None:
    """``"min_topic_size=10,20;n_neighbors=15,30"`` -> {"min_topic_size": [10, 20], "n_neighbors": [15, 30]}."""
    from kvalitativ.errors import ConfigError

    if not text:
        return None
    grid = {}
    for part in text.split(";"):
        if not part.strip():
            continue
        if "=" not in part:
            raise ConfigError(f"--grid: '{part}' is not NAME=V1,V2 (example: min_topic_size=10,20;n_neighbors=15)")
        name, values = part.split("=", 1)
        vals = [_grid_value(v.strip()) for v in values.split(",") if v.strip()]
        if any(isinstance(v, float) for v in vals):  # 0.5,1 -> 0.5, 1.0: one type per column of the table
            vals = [float(v) if isinstance(v, int) else v for v in vals]
        grid[name.strip().replace("-", "_")] = vals
    return grid


def _grid_value(text: str):
    """A grid value as the setting takes it: None, a whole number, a decimal, else text."""
    if text.lower() == "none":
        return None
    for kind in (int, float):
        try:
            return kind(text)
        except ValueError:
            pass
    return text


def _resampled_words(row) -> str:
    """The stability discover will print for the recommended setting, when measured."""
    value = row.get("stability_resampled")
    if value is None or value != value:
        return ""
    return f"; stability ARI {value:.2f} on resampled refits, as discover reports it"


def read_gold(path: Path, corpus, column: str | None):
    """Gold labels aligned to the corpus by note_id (None where a note has none)."""
    import numpy as np

    from kvalitativ.errors import InputError
    from kvalitativ.io.readers import read_table

    gold = read_table(path)
    if "note_id" not in gold.columns:
        raise InputError(f"{path}: needs a note_id column (and a label column) to compare topics with")
    candidates = [column] if column else ["label", "theme_id", "category", "topic"]
    col = next((c for c in candidates if c in gold.columns), None)
    if col is None:
        raise InputError(f"{path}: no label column (looked for {', '.join(candidates)}); name it with --gold-col")
    lookup = dict(zip(gold["note_id"].astype(str), gold[col]))
    labels = np.asarray([lookup.get(str(n)) for n in corpus["note_id"]], dtype=object)
    if all(v is None for v in labels):
        raise InputError(f"{path}: no note_id matches a note in the corpus")
    return labels


@click.command(name="tune", context_settings={"max_content_width": 100})
@click.argument("notes", type=click.Path(path_type=Path))
@out_option
@click.option("--gold", type=click.Path(dir_okay=False, path_type=Path), default=None,
              help="Human labels (note_id + label column) to report NMI/ARI against; never used to choose.")
@click.option("--gold-col", default=None, help="Label column of --gold (default: label, theme_id or category).")
@click.option("--grid", default=None, metavar="SPEC",
              help="Settings to try, e.g. 'min_topic_size=10,15,25;n_neighbors=10,15,30' or "
                   "'resolution=0.5,1,2' (tunable: min_topic_size, n_neighbors, "
                   "resolution — Leiden's, per 1,000 notes —, clustering, and for hdbscan n_components, "
                   "min_samples, outlier_strategy).")
@click.option("--seeds", default="0,1,2", show_default=True, help="Seeds per setting (stability across them: ARI and reproduced bits).")
@click.option("--outlier-target", type=float, default=None, help="Outlier share to reach (default 0: every note assigned).")
@click.option("--min-topics", type=int, default=3, show_default=True,
              help="Fewest topics a recommended setting may find (coherence and stability favour few broad ones).")
@click.option("--stability-seeds", type=int, default=None,
              help="Refits for the stability discover publishes (stability_resampled, on each setting's first-seed "
                   "fit; default: discover.stability_seeds, 5; 0 = off, faster).")
@click.option("--embedder", default=None, help="e5 (default), static (fast, e5-like), tfidf or sentence-transformers.")
@cache_dir_option
@click.option("--config", "config_path", type=click.Path(path_type=Path), default=None,
              help="A kvalitativ.yaml whose `discover:`, `embed:` and `ingest:` sections are used.")
def command(notes: Path, out_dir: Path, gold: Path | None, gold_col: str | None, grid: str | None, seeds: str,
            outlier_target: float | None, min_topics: int, stability_seeds: int | None, embedder: str | None,
            cache_dir: Path | None, config_path: Path | None) -> None:
    """Grid-search the discovery settings; recommends one by a stated rule.

    For each setting and seed: number of topics, outlier share, coherence (NPMI of each topic's
    top-10 lemmatised terms over a 10-token sliding window on the notes, as gensim's c_npmi),
    topic diversity, stability (mean adjusted Rand index across seeds, and the reproduced
    information: mean mutual information between the seeds' topics in bits), the stability that
    `discover` publishes (stability_resampled: refits on 80% resamples of the first seed's fit; the
    same figure and function) and, with --gold, NMI and ARI. The rule: highest (NPMI+1)/2 ×
    reproduced information among settings with outlier share <= target, at least --min-topics
    topics and no low-stability warning from `discover` (dropped when no setting passes). Writes
    the `tuning` table.

    \b
    Example:
      kvalitativ tune out/ --grid "min_topic_size=10,20;n_neighbors=10,30" --out out/tuning
      kvalitativ tune notes.csv --gold human_codes.csv --seeds 0,1,2 --out out/tuning
    """
    import numpy as np

    from kvalitativ.config import RunConfig, load_config
    from kvalitativ.discover.stage import read_notes
    from kvalitativ.discover.submodels import configured_language
    from kvalitativ.discover.tune import tune
    from kvalitativ.embed.configured import configured_embedder
    from kvalitativ.errors import ConfigError
    from kvalitativ.io.store import make_run_id, write_tables

    config = load_config(config_path) if config_path else RunConfig()
    if embedder:
        config.embed.name = embedder
    if cache_dir:
        config.embed.cache_dir = str(cache_dir)
    target = outlier_target if outlier_target is not None else config.discover.outlier_target
    try:
        seed_list = [int(s) for s in seeds.split(",") if s.strip()]
    except ValueError:
        raise ConfigError(f"--seeds: '{seeds}' is not a comma-separated list of integers") from None
    grid_spec = parse_grid(grid)
    corpus, run_id = read_notes(notes, config)
    texts = np.asarray(corpus["text"].fillna(""), dtype=object).tolist()
    labels = read_gold(gold, corpus, gold_col) if gold else None
    emb = configured_embedder(config, progress=not is_quiet()).encode(texts)
    table = tune(texts, emb, grid_spec, seeds=seed_list, gold=labels, outlier_target=target, min_topics=min_topics,
                 progress=not is_quiet(), language=configured_language(corpus, config),
                 stability_seeds=config.discover.stability_seeds if stability_seeds is None else stability_seeds)
    run_id = run_id or make_run_id({"tune": grid, "seeds": seeds, "embed": config.embed.name},
                                   {"notes": str(len(corpus))})
    with published(out_dir, "kvalitativ tune", config=config) as pub:  # the table appears whole, or not at all
        written = write_tables(pub.staging, {"tuning": table}, run_id=run_id, min_cell=config.privacy.min_cell)
    best = table[table.recommended]
    lines = [f"Tried {len(table)} setting(s) × {len(seed_list)} seed(s) on {len(texts)} notes."]
    if len(best):
        b = best.iloc[0]
        from kvalitativ.discover.tune import DEFAULT_GRID, TUNABLE

        shown = [k for k in TUNABLE if k in (grid_spec or DEFAULT_GRID)]
        setting = ", ".join(f"{k}={b[k]}" for k in shown if k in b.index)
        lines.append(f"Recommended: {setting} ({b.n_topics:.0f} topics, outliers {b.outlier_share:.0%}, "
                     f"NPMI {b.coherence_npmi:.3f}, stability ARI {b.stability_ari:.2f} across seeds, "
                     f"reproduced {b.stability_mi:.2f} bits{_resampled_words(b)}).")
    lines.append(f"Rule: {table.attrs['rule']}.")
    lines.append(f"Wrote {len(written)} table(s) to {out_dir}: {', '.join(sorted(written))}")
    echo_summary(lines)
