"""The run configuration: one dataclass per stage, loaded from YAML.

Every default lives here, once. Commands and the pipeline read these objects; nothing else
hard-codes a default. Unknown keys are errors (with a suggestion), because a typo in a
config file that silently falls back to a default is the worst kind of bug in an analysis.
"""

from __future__ import annotations

import dataclasses
import difflib
import typing
from dataclasses import dataclass, field, fields, is_dataclass
from pathlib import Path
from typing import Any

import yaml

from kvalitativ.config_values import check_exclusive, check_ranges, check_retired_keys, check_value
from kvalitativ.constants import CLUSTERINGS, ENGINES, LEVELS
from kvalitativ.errors import ConfigError

#: The pseudonym key's file name beside a config file (privacy.key_file's default).
PSEUDONYM_KEY_NAME = "kvalitativ-pseudonym.key"

#: Canonical note columns an export is mapped onto.
NOTE_COLUMNS = ("note_id", "person_id", "unit_id", "date", "source", "category", "text")


@dataclass
class ColumnMapping:
    """Which export header holds each canonical column (None = guess from the headers)."""

    #: The header of the note's own id (None = guess from the headers).
    note_id: str | None = None
    #: The header of the person's id (CPR-shaped ids are pseudonymised; see ingest.pseudonymize).
    person_id: str | None = None
    #: The header of the unit (school, department) the note belongs to.
    unit_id: str | None = None
    #: The header of the note's date (none: an undated export; see link.timing).
    date: str | None = None
    #: The header of the note's source (e.g. the professional group that wrote it).
    source: str | None = None
    #: The header of the note's category (e.g. the kind of meeting).
    category: str | None = None
    #: The header of the free text.
    text: str | None = None
    #: Columns holding person names (used only to redact those names from the text).
    names: list[str] | None = None


@dataclass
class IngestConfig:
    #: The notes export (CSV, TSV or XLSX); `kvalitativ ingest`'s first argument overrides it.
    notes: str | None = None
    #: The indicators export: one row per person with the outcome and covariates (optional).
    indicators: str | None = None
    columns: ColumnMapping = field(default_factory=ColumnMapping)
    #: Indicator export: which header holds the person id (None = guess).
    indicator_person_col: str | None = None
    encoding: str | None = None  # None = detect
    separator: str | None = None  # None = sniff
    sheet: str | None = None  # XLSX sheet (None = first)
    max_chars: int = 20_000  # longer notes are rejected, not truncated
    #: Periods: "school_year" (1 Aug – 31 Jul, "2022/23"), "year" or "quarter".
    period: str = "school_year"
    #: Hash person ids: "auto" (only when they look like CPR numbers), "always" or "never".
    pseudonymize: str = "auto"
    #: The language of the notes: auto (guessed per note), da or en. It chooses the redaction
    #: rules (e.g. English word shapes for English text; docs/privacy.md) and the lemmas and stop
    #: words of the evidence keywords and of discovery's topic keywords, labels and coherence
    #: (auto: English when most notes are English).
    language: str = "auto"

    def __post_init__(self) -> None:
        if self.language not in ("auto", "da", "en"):
            raise ConfigError(f"ingest.language is '{self.language}': use auto, da or en.")


@dataclass
class PrivacyConfig:
    #: Cells for fewer persons than this are suppressed (never below 3).
    min_cell: int = 5
    #: Replace identifiers in the text at ingest (and in quotes): true = every type (CPR, TELEFON,
    #: EMAIL, ADRESSE, NAVN), false = none (only for text anonymised before export), or a list of the
    #: types to redact, e.g. [CPR, TELEFON, EMAIL, ADRESSE] keeps names. A kept type is recorded in
    #: run.json; docs/privacy.md says what keeping each type risks.
    redact: bool | list[str] = True
    #: The secret pseudonym key (kept outside the output folder; created with mode 0600 on first
    #: use). None = kvalitativ-pseudonym.key beside the config file; see docs/privacy.md.
    key_file: str | None = None
    #: strict (default): Unicode tricks, digit groups, spelled-out e-mails, lower-case and capital
    #: names too; standard: the plain spellings only (docs/privacy.md).
    strictness: str = "strict"

    def __post_init__(self) -> None:
        from kvalitativ.privacy.kinds import redact_types

        redact_types(self.redact)  # a clear ConfigError for an unknown type


@dataclass
class EmbedConfig:
    name: str = "e5"  # e5 | tfidf | sentence-transformers | static
    model: str | None = None  # for sentence-transformers: a path or an installed model package
    #: Where computed vectors are kept between runs (keyed by text and model; safe to delete).
    cache_dir: str = ".kvalitativ-cache"
    #: Texts embedded at a time (memory against speed; 32 suits 2 cores).
    batch_size: int = 32


@dataclass
class CodeConfig:
    codebook: str = "ungekompetencer"  # a shipped name or a path to a YAML codebook
    train: str | None = None  # human codes (note_id, theme_id[, valence]) for the supervised coder
    level: str = "sentence"  # sentence | note
    threshold: float | None = None  # None = the coder's calibrated per-theme thresholds
    exclusive: bool | str = "auto"  # true: single-label (top theme or "uncoded"); false: multi-label; auto: single-label when the hand codes (--train) give every note at most one theme (20+ notes, 2+ themes; at sentence level each note also keeps its top theme), else multi-label (zero-shot: multi-label; set true for themes that exclude each other)


@dataclass
class DiscoverConfig:
    #: Find topics the codebook lacks (BERTopic) during `kvalitativ run`.
    enabled: bool = False
    #: The smallest topic, in notes (Leiden's smaller communities join a neighbour; HDBSCAN's
    #: min_cluster_size). 10 (was 15, BERTopic's own
    #: default is 10): `tune`'s rule recommends it without gold on SIB-200 Danish and the sample,
    #: and it is the grid's best by gold NMI on both (docs/benchmarks.md, Discovery quality).
    min_topic_size: int = 10
    #: On large corpora the smallest topic grows with the notes (at least this share of them), so
    #: 100,000 notes give tens of themes an analyst can read, not 1,700 topics of 60 notes.
    #: 0.002: no change below 5,000 notes. 0 turns it off.
    min_topic_share: float = 0.002
    #: Neighbours of each note in the neighbour graph (Leiden) or UMAP's neighbourhood (hdbscan),
    #: and the fitted notes that vote for a new note's topic (``assignment: knn``): larger gives
    #: fewer, broader topics. None: 30 with Leiden (chosen by a rule set before the run, over six
    #: data sets: docs/benchmarks.md, Discovery quality), 15 with hdbscan (UMAP's default).
    n_neighbors: int | None = None
    #: hdbscan only: UMAP's output dimensions the topics are clustered in (Leiden clusters the
    #: neighbour graph of the full vectors).
    n_components: int = 5
    #: hdbscan only (Leiden leaves no outliers). 0: every note joins its nearest topic (HDBSCAN's
    #: outliers move to the nearest centroid).
    #: Assigning all found the human themes better than leaving 20 % out, on SIB-200 Danish and
    #: on the sample corpus alike (docs/benchmarks.md, Discovery quality).
    outlier_target: float = 0.0
    #: A folder to save the fitted topic model in (no pickles; `discover --use-model` reloads it); none = not saved.
    model_dir: str | None = None
    min_samples: int | None = None  # HDBSCAN min_samples (None = min_topic_size)
    #: The clustering step: "leiden" (consensus Leiden communities of the notes' neighbour graph,
    #: identical notes one node) or "hdbscan" (UMAP + HDBSCAN). Leiden is the default: in one run per
    #: data set with every baseline (seeds 0-4) it is ahead of BERTopic's defaults, + reduce_outliers
    #: and k-means on SIB-200 Danish (NMI 0.492; 0.490 with its 30 neighbours since) and the sample
    #: (0.187; 0.182), with ARI between 5 seeds 0.92 / 0.83 (0.925 / 0.838; UMAP + HDBSCAN 0.60 /
    #: 0.65); with the words (``lexical_share``) and ``consensus_runs`` 0.520 / 0.193, ARI 0.897 / 0.910;
    #: docs/benchmarks.md, Discovery quality. With
    #: "leiden", min_samples, n_components and outlier_target do nothing (every note gets a topic).
    clustering: str = "leiden"
    #: Leiden's modularity resolution per 1,000 notes (clustering "leiden"; at least this value
    #: below 1,000 notes): higher = more, smaller topics. Growing with the notes keeps topics of a
    #: comparable size on small and large corpora. 1.0 (plain modularity at 1,000 notes) was set
    #: after seeing SIB-200 Danish and the sample; checked since on held-out sets it was not formed
    #: on (SIB-200 Swedish/Norwegian/English, SIGHT; docs/benchmarks.md), not tuned on them.
    resolution: float = 1.0
    #: How notes outside the fit sample (corpora above 20,000 notes), and new notes given
    #: to a saved model (``--use-model``), get a topic: "knn" (the similarity-weighted vote of their
    #: ``n_neighbors`` nearest fitted notes; follows the shape of a graph community) or "centroid"
    #: (the nearest topic centre). A saved model keeps the rule and the neighbours it was fitted
    #: with: ``--use-model`` votes only if the model was saved with "knn" (it then carries the
    #: fitted vectors), with the saved number of neighbours. See docs/benchmarks.md, Discovery
    #: quality, for the agreement with a full fit.
    assignment: str = "centroid"
    #: A fixed share of words in the similarity Leiden's graph (or UMAP) is built on, 0 to below 1:
    #: cosine = (1 - a) x the vectors' cosine + a x the cosine of the notes' TF-IDF over their
    #: keyword lemmas (reduced to 100 dimensions). 0 = no fixed weight (then ``lexical_share``
    #: sets it from the data; both 0 = the vectors alone). Keywords, centroids and
    #: assignment stay on the vectors. Not with ``guided``. Measured in docs/benchmarks.md,
    #: Discovery quality ("words beside meaning").
    lexical_weight: float = 0.0
    #: The words' weight in that similarity set from the data: the weight a for which the words
    #: carry this share s (0 to below 1) of the similarity's spread, a x sd(words' cosines) =
    #: s / (1 - s) x (1 - a) x sd(vectors' cosines), the two standard deviations over 20,000
    #: seeded random pairs of notes (no labels). None (default) = 0.1 with ``clustering: leiden``
    #: (adopted by the sixth round's rule: mean NMI over six sets 0.417 against 0.407 for the
    #: vectors alone; docs/benchmarks.md, Discovery quality), 0 with ``hdbscan``, with ``guided`` or
    #: with ``lexical_weight`` above 0. 0 = the vectors alone. The weight used is saved with the model.
    lexical_share: float | None = None
    #: The vectors Leiden's neighbour graph is built on: "none" (the unit vectors), "mean" (their
    #: mean over the notes subtracted and each rescaled to unit length, against the common
    #: component all e5 vectors share) or "abtt" (also the top principal direction removed).
    #: Leiden only, not with ``guided``; keywords, centroids and assignment stay on the vectors.
    #: Measured in docs/benchmarks.md, Discovery quality ("sixth round").
    center: str = "none"
    #: Leiden's consensus runs: a whole number (1 = no consensus), or none (default) = by the graph's
    #: size, 10 to 50 within an edge budget (steadier topics across seeds at no cost at scale; the
    #: seventh round's rule, docs/benchmarks.md, Discovery quality). Saved with the model.
    consensus_runs: int | None = None
    outlier_strategy: str = "embeddings"  # embeddings | c-tf-idf
    #: Keywords kept per topic.
    n_keywords: int = 10
    diversity: float = 0.3  # MMR weight for keywords (0 = plain c-TF-IDF)
    n_representative: int = 8  # representative notes per topic (5-20)
    #: Keyword lengths in words: [1, 2] = single words and two-word phrases.
    ngram_range: list[int] = field(default_factory=lambda: [1, 2])
    min_df: int = 3  # a keyword must occur in at least this many notes (drops typos, one-off phrases)
    #: A topic is "emergent" when its centred cosine to the nearest codebook theme is below this. "auto":
    #: per topic, the 0.95 quantile of what 200 seeded random groups of notes of its size reach. None
    #: (default): 0.15 with e5, "auto" with other embedders (docs/benchmarks.md, "Emergent topics").
    emergent_threshold: float | str | None = None
    #: Guide discovery with the codebook's labels and keywords (seed topics).
    guided: bool = False
    #: Per-topic stability: refits of the clustering step with this many other seeds (plus one
    #: in a shuffled order) on a seeded subsample of at most ``stability_sample`` notes, each refit
    #: on its own seeded draw of 80 % of them (so refits differ in data, not only in seed). 0 = off.
    stability_seeds: int = 5
    #: The largest seeded subsample (notes) the stability refits run on.
    stability_sample: int = 10_000
    #: Processes the stability refits run in, side by side (Leiden only; 0 = one per core,
    #: 1 = one after another). Each refit is seeded on its own: the table does not depend on it.
    stability_workers: int = 0


@dataclass
class LinkConfig:
    #: Link themes to the outcome (needs an indicators export); false: codes and summaries only.
    enabled: bool = True
    #: The indicators' 0/1 outcome column (e.g. dropout, reached_goal).
    outcome: str = "dropout"
    #: The indicators' column with the date of the outcome (notes after it do not count).
    outcome_date_col: str = "outcome_date"
    #: The dropout window the indicator export used (months); stated in every output.
    window_months: int = 15
    #: Indicator columns the adjusted odds ratios control for (defaults: those present).
    covariates: list[str] = field(default_factory=lambda: ["absence_pct", "grade_avg", "gender"])
    #: Numeric indicator columns shown beside the themes and used by the added-value baseline.
    numeric_indicators: list[str] = field(default_factory=lambda: ["absence_pct", "grade_avg"])
    cutoff: str | None = None  # ISO date: notes after it never count
    #: Persons compared: "with_notes" (at least one eligible note) or "all" (every person with an outcome).
    population: str = "with_notes"
    #: "dated": notes dated before the outcome (and cutoff) count. "landmark": notes before the cutoff
    #: count, persons whose outcome date is before it are left out (everyone watched over the same
    #: dates; see the link's warning). "none": cross-sectional, every note counts (no dates).
    timing: str = "dated"
    #: Only notes this many months before the outcome date (dated) or cutoff (landmark); None = all.
    lookback_months: int | None = None
    #: The report's word for the persons (Danish: "elever", "borgere", "henvendelser"); None = "personer".
    population_label: str | None = None
    #: And for the outcome ("faldt fra", "nåede 100.000 underskrifter"); None = "havde udfaldet '<outcome>'".
    outcome_label: str | None = None
    #: Prevalence groupings: "overall" and/or note columns.
    group_by: list[str] = field(default_factory=lambda: ["overall", "unit_id", "period", "source"])
    #: Baseline predictors for the added-value AUC (None = the covariates + numeric_indicators).
    quantitative: list[str] | None = None
    n_splits: int = 5  # cross-validation folds for the added-value AUC
    n_boot: int = 1000  # bootstrap resamples for AUC intervals
    #: Hand codes (note_id, theme_id[, valence], p_person[, p_active]) for the correction of the
    #: associations for coding error; None = the review import's human_codings, else code.train.
    human_codes: str | None = None


@dataclass
class SummarizeConfig:
    quotes_per_theme: int = 5  # municipality quotes per theme × valence (1–10)
    unit_figures: str | None = None  # CSV with unit_id + numeric unit-level figures
    quotes_per_unit: int = 2  # quotes per theme × valence × unit (for the joint display)
    max_quote_chars: int = 200  # quotes are cut at a word boundary before this length
    top_themes: int = 3  # concerns and strengths per unit in the joint display
    #: Quotes of themes the codebook marks ``sensitive``: "none", "municipality" (the default:
    #: never per unit) or "unit" (per unit too: a small school's quote can single out a child).
    sensitive_quotes: str = "municipality"


@dataclass
class ReportConfig:
    #: Write report.html at the end of `kvalitativ run`.
    enabled: bool = True
    #: The report's title.
    title: str = "Kvalitativ evidens"
    #: One unit's report (e.g. one school) instead of the municipality's.
    unit: str | None = None


@dataclass
class CitizenConfig:
    """Optional citizen-input corpus, coded with its own codebook, summarised without outcome."""

    #: The citizen-input export (CSV, TSV or XLSX); none = no citizen input.
    notes: str | None = None
    #: The codebook for citizen input: a shipped name or a path to a YAML codebook.
    codebook: str = "borgerinput"
    columns: ColumnMapping = field(default_factory=ColumnMapping)


@dataclass
class RunConfig:
    #: The output folder (tables, report.html, run.json); a run replaces it whole.
    out: str = "out"
    #: Seeds every random choice (samples, folds, bootstrap, topic model): same seed, same tables.
    seed: int = 0
    engine: str = "auto"  # auto | local | streamed | dask
    scheduler: str | None = None  # dask scheduler address (None = a LocalCluster)
    chunk_size: int = 50_000  # streamed engine: rows read, ingested and coded at a time
    ingest: IngestConfig = field(default_factory=IngestConfig)
    privacy: PrivacyConfig = field(default_factory=PrivacyConfig)
    embed: EmbedConfig = field(default_factory=EmbedConfig)
    code: CodeConfig = field(default_factory=CodeConfig)
    discover: DiscoverConfig = field(default_factory=DiscoverConfig)
    link: LinkConfig = field(default_factory=LinkConfig)
    summarize: SummarizeConfig = field(default_factory=SummarizeConfig)
    report: ReportConfig = field(default_factory=ReportConfig)
    citizen: CitizenConfig = field(default_factory=CitizenConfig)

    def to_dict(self) -> dict[str, Any]:
        return dataclasses.asdict(self)


#: Config fields holding file paths, resolved relative to the config file's folder.
_PATH_FIELDS = {
    ("out",),
    ("ingest", "notes"),
    ("ingest", "indicators"),
    ("embed", "cache_dir"),
    ("code", "train"),
    ("link", "human_codes"),
    ("discover", "model_dir"),
    ("summarize", "unit_figures"),
    ("citizen", "notes"),
    ("privacy", "key_file"),
}


def _build(cls: type, data: Any, where: str) -> Any:
    if data is None:
        return cls()
    if not isinstance(data, dict):
        raise ConfigError(f"{where or 'config'}: expected a mapping of settings, got {type(data).__name__}")
    known = {f.name: f for f in fields(cls)}
    hints = typing.get_type_hints(cls)
    kwargs = {}
    for key, value in data.items():
        if key not in known:
            close = difflib.get_close_matches(str(key), known, n=1)
            hint = f" Did you mean '{close[0]}'?" if close else f" Known keys: {', '.join(known)}."
            raise ConfigError(f"{where + '.' if where else ''}{key}: unknown setting.{hint}")
        f = known[key]
        default = f.default_factory() if f.default_factory is not dataclasses.MISSING else f.default
        if is_dataclass(default):
            kwargs[key] = _build(type(default), value, f"{where + '.' if where else ''}{key}")
        else:
            kwargs[key] = check_value(value, hints[key], f"{where + '.' if where else ''}{key}")
    return cls(**kwargs)


def validate(config: RunConfig) -> RunConfig:
    """Check values that a type alone does not catch."""
    check_ranges(config)
    if config.privacy.strictness not in ("strict", "standard"):
        raise ConfigError(f"privacy.strictness is '{config.privacy.strictness}': use strict (the default) or standard.")
    if config.privacy.min_cell < 3:
        raise ConfigError(f"privacy.min_cell is {config.privacy.min_cell}: it must be at least 3.")
    if config.code.level not in LEVELS:
        raise ConfigError(f"code.level is '{config.code.level}': use {' or '.join(repr(x) for x in LEVELS)}.")
    check_exclusive(config.code.exclusive)
    if config.engine not in ENGINES:
        raise ConfigError(f"engine is '{config.engine}': use {' or '.join(repr(x) for x in ENGINES)}.")
    if int(config.chunk_size) < 1:
        raise ConfigError(f"chunk_size is {config.chunk_size}: give the number of rows the streamed engine "
                          "handles at a time, e.g. 50000.")
    if config.ingest.period not in ("school_year", "year", "quarter"):
        raise ConfigError(f"ingest.period is '{config.ingest.period}': use school_year, year or quarter.")
    if not 0 <= float(config.discover.min_topic_share) < 0.5:
        raise ConfigError(f"discover.min_topic_share is {config.discover.min_topic_share}: give a share of the notes "
                          "between 0 (off) and 0.5, e.g. 0.002.")
    if config.discover.clustering not in CLUSTERINGS:
        raise ConfigError(f"discover.clustering is '{config.discover.clustering}': "
                          f"use {' or '.join(repr(x) for x in CLUSTERINGS)}.")
    if isinstance(config.discover.emergent_threshold, str) and config.discover.emergent_threshold != "auto":
        raise ConfigError(f"discover.emergent_threshold is '{config.discover.emergent_threshold}': give a number "
                          "(e.g. 0.2), auto, or leave it out.")
    if config.discover.assignment not in ("knn", "centroid"):
        raise ConfigError(f"discover.assignment is '{config.discover.assignment}': use 'knn' or 'centroid'.")
    if config.ingest.pseudonymize not in ("auto", "always", "never"):
        raise ConfigError(f"ingest.pseudonymize is '{config.ingest.pseudonymize}': use auto, always or never.")
    key, out = config.privacy.key_file, config.out
    if key and out and Path(out).resolve() in Path(key).resolve().parents:
        raise ConfigError(f"privacy.key_file {key} lies inside the output folder {out}, which is published: "
                          "keep the pseudonym key beside the config or in a secret store (docs/privacy.md).")
    if config.summarize.sensitive_quotes not in ("none", "municipality", "unit"):
        raise ConfigError(f"summarize.sensitive_quotes is '{config.summarize.sensitive_quotes}': "
                          "use none, municipality or unit.")
    return config


def config_from_dict(data: dict[str, Any] | None, base_dir: Path | None = None) -> RunConfig:
    check_retired_keys(data or {})
    config = _build(RunConfig, data or {}, "")
    if base_dir is not None:
        for path in _PATH_FIELDS:
            holder = config
            for part in path[:-1]:
                holder = getattr(holder, part)
            value = getattr(holder, path[-1])
            if value and not Path(value).is_absolute():
                try:
                    setattr(holder, path[-1], str((base_dir / value).resolve()))
                except (RuntimeError, OSError):  # a symlink loop: say so in one line
                    raise ConfigError(f"{'.'.join(path)}: {base_dir / value} is a loop of symbolic links. "
                                      "Point it at the file itself.") from None
        for holder in (config.code, config.citizen):  # a codebook is a shipped name or a path
            book = holder.codebook
            if book and Path(book).suffix in (".yaml", ".yml") and not Path(book).is_absolute():
                holder.codebook = str((base_dir / book).resolve())
        if not config.privacy.key_file:  # the key lives beside the config, never in the output folder
            config.privacy.key_file = str(base_dir.resolve() / PSEUDONYM_KEY_NAME)
    return validate(config)


def load_config(path: str | Path) -> RunConfig:
    """Read a YAML run configuration; relative paths are taken from the file's own folder."""
    path = Path(path)
    if not path.is_file():
        raise ConfigError(f"{path}: config file not found. Start from corpora/sample/kvalitativ.yaml.")
    try:
        data = yaml.safe_load(path.read_text(encoding="utf-8"))
    except yaml.YAMLError as exc:
        raise ConfigError(f"{path}: not valid YAML ({exc}).") from None
    try:
        return config_from_dict(data, base_dir=path.parent.resolve())
    except ConfigError as exc:
        raise ConfigError(f"{path}: {exc}") from None


def apply_overrides(config: RunConfig, overrides: dict[str, Any]) -> RunConfig:
    """Set ``config`` fields from command options: ``{"code.level": "note", "seed": 3}``.

    Keys are dotted paths into the config; a value of None means "option not given" and leaves
    the config's value. One function, so every command copies its options the same way (and an
    unknown key is a programming error here, not a silently ignored option).
    """
    for key, value in overrides.items():
        if value is None:
            continue
        *path, name = key.split(".")
        target: Any = config
        for part in path:
            target = getattr(target, part)
        if not hasattr(target, name):
            raise AttributeError(f"apply_overrides: the config has no field {key!r}")
        setattr(target, name, value)
    return config
