"""`summarize()`: the whole evidence stage from the earlier stages' tables and the config.

The pipeline and the `kvalitativ summarize` command both call this, so the two give the same
tables. Input tables are looked up by name in a dict; optional ones may be absent.
"""

from __future__ import annotations

from collections.abc import Mapping
from pathlib import Path

import pandas as pd

from kvalitativ.config import RunConfig, SummarizeConfig
from kvalitativ.errors import InputError
from kvalitativ.evidence.citizen import citizen_tables
from kvalitativ.evidence.joint_display import joint_display
from kvalitativ.evidence.keywords import theme_keywords
from kvalitativ.evidence.quotes import select_quotes, sensitive_themes
from kvalitativ.evidence.summaries import build_evidence
from kvalitativ.link.language import language_of, output_language

__all__ = ["summarize", "summarize_from_dirs", "INPUT_TABLES", "OUTPUT_TABLES"]

#: Tables summarize() reads (required: codings, corpus; the rest optional).
INPUT_TABLES = ("codings", "corpus", "themes", "prevalence", "associations", "person_themes", "indicators",
                "unit_figures", "citizen_codings", "citizen_corpus", "citizen_themes")
#: The columns of ``codings`` and ``corpus`` the evidence reads from a folder (a million notes'
#: codings are 2.6 million rows: the coder's segment ids and method names stay on disk).
CODINGS_READ = ["run_id", "note_id", "theme_id", "valence", "start", "end", "score"]
CORPUS_READ = ["note_id", "person_id", "unit_id", "date", "period", "source", "language", "text"]
#: Tables it may return.
OUTPUT_TABLES = ("evidence", "quotes", "joint_display", "citizen_prevalence", "citizen_evidence", "citizen_quotes")


def _get(tables: Mapping[str, pd.DataFrame | None], name: str) -> pd.DataFrame | None:
    df = tables.get(name)
    return df if isinstance(df, pd.DataFrame) else None


def summarize(
    tables: Mapping[str, pd.DataFrame | None],
    config: RunConfig | SummarizeConfig | None = None,
    *,
    min_cell: int | None = None,
    outcome: str | None = None,
    window_months: int | None = None,
    random_state: int | None = None,
    redactor=None,
    run_id: str | None = None,
) -> dict[str, pd.DataFrame]:
    """Evidence, quotes and the joint display (and the citizen tables when citizen input is given).

    ``tables`` holds DataFrames by name: ``codings`` and ``corpus`` (required for the youth
    tables), optionally ``themes``, ``prevalence``, ``associations``, ``person_themes`` (from
    the link stage), ``indicators`` and ``unit_figures``; and for citizen input
    ``citizen_codings``, ``citizen_corpus``, ``citizen_themes``. ``config`` is a RunConfig (its
    summarize, privacy.min_cell, link.outcome/window_months and seed are used) or a
    SummarizeConfig.

    Returns a dict with ``evidence``, ``quotes``, ``joint_display`` and, with citizen input,
    ``citizen_prevalence``, ``citizen_evidence``, ``citizen_quotes``.

    Example
    -------
    >>> out = summarize({"codings": codings, "corpus": corpus, "themes": themes,
    ...                  "prevalence": prev, "associations": assoc}, load_config("kvalitativ.yaml"))
    """
    if isinstance(config, RunConfig):
        if redactor is None:  # quotes are redacted again with the run's own redactor (privacy.redact)
            from kvalitativ.privacy.redact import Redactor

            redactor = Redactor.from_config(config.privacy, config.ingest.language) if config.privacy.redact else False
        min_cell = config.privacy.min_cell if min_cell is None else min_cell
        random_state = config.seed if random_state is None else random_state
        outcome = config.link.outcome if outcome is None and config.link.enabled else outcome
        population_label = config.link.population_label
        language = config.ingest.language
        window_months = config.link.window_months if window_months is None else window_months
        config = config.summarize
    else:
        population_label = language = None
    config = config or SummarizeConfig()
    min_cell = 5 if min_cell is None else min_cell
    random_state = 0 if random_state is None else random_state
    outcome = outcome or "dropout"

    out: dict[str, pd.DataFrame] = {}
    codings, corpus = _get(tables, "codings"), _get(tables, "corpus")
    citizen_codings, citizen_corpus = _get(tables, "citizen_codings"), _get(tables, "citizen_corpus")
    if codings is None or corpus is None:
        if citizen_codings is None:
            raise InputError("summarize needs the 'codings' and 'corpus' tables (from `kvalitativ code` and "
                             "`kvalitativ ingest`), or citizen_codings and citizen_corpus.")
    else:
        codings = _with_valence(codings)
        associations = _get(tables, "associations")
        keywords = theme_keywords(codings, corpus, min_persons=min_cell, language=language)
        evidence = build_evidence(
            codings, corpus, _get(tables, "themes"), _get(tables, "prevalence"), associations, min_cell,
            person_themes=_get(tables, "person_themes"),
            outcome=outcome if (associations is not None or _get(tables, "person_themes") is not None) else None,
            window_months=window_months, keywords=keywords, population_label=population_label, language=language,
        )
        quotes = select_quotes(codings, corpus, per_theme=config.quotes_per_theme, per_unit=config.quotes_per_unit,
                               min_persons=min_cell, max_chars=config.max_quote_chars, redactor=redactor,
                               random_state=random_state, sensitive=sensitive_themes(_get(tables, "themes")),
                               sensitive_quotes=config.sensitive_quotes)
        jd = joint_display(evidence, quotes, _get(tables, "indicators"), corpus, _get(tables, "unit_figures"),
                           outcome=outcome, top_n=config.top_themes, min_cell=min_cell,
                           language=output_language(language, language_of(corpus)))
        out.update(evidence=evidence, quotes=quotes, joint_display=jd)
    if citizen_codings is not None and citizen_corpus is not None:
        out.update(citizen_tables(citizen_codings, citizen_corpus, _get(tables, "citizen_themes"),
                                  min_cell=min_cell, per_theme=config.quotes_per_theme,
                                  per_unit=config.quotes_per_unit, max_chars=config.max_quote_chars,
                                  redactor=redactor, random_state=random_state,
                                  sensitive_quotes=config.sensitive_quotes, language=language))
    if run_id is not None:
        for df in out.values():
            if "run_id" in df.columns:
                df["run_id"] = run_id
            else:
                df.insert(0, "run_id", run_id)
    return out


def _with_valence(codings: pd.DataFrame) -> pd.DataFrame:
    """Discovered topics carry no valence (their ``valence`` is empty): count them as neutral, so
    the evidence and quotes of a discovery-only folder group by theme like any other."""
    if "valence" not in codings.columns:
        return codings.assign(valence="neutral")
    missing = codings["valence"].isna()
    if not bool(missing.any()):
        return codings
    return codings.assign(valence=codings["valence"].astype("string").fillna("neutral"))


def _citizen_from_dir(citizen_dir: Path) -> dict[str, pd.DataFrame]:
    """Citizen tables from a folder: citizen_* tables, or the plain codings/corpus/themes of a
    separate ingest + code run on the citizen export."""
    from kvalitativ.io.store import read_stage_table

    found = {}
    for name in ("codings", "corpus", "themes"):
        df = read_stage_table(citizen_dir, f"citizen_{name}", required=False)
        if df is None:
            df = read_stage_table(citizen_dir, name, required=name != "themes")
        if df is not None:
            found[f"citizen_{name}"] = df
    return found


def _person_themes_read(link_dir: Path, outcome: str) -> pd.DataFrame | None:
    """The link's person × theme rows that the evidence uses: present ones of a real valence (the
    link's any-valence rows match no coding), and only the columns the unit outcome rates read (a
    million persons' table is four million rows, half of them any-valence)."""
    from kvalitativ.io.store import read_stage_table
    from kvalitativ.link.persons import ANY

    return read_stage_table(link_dir, "person_themes", required=False,
                            filters=[("present", "==", 1), ("valence", "!=", ANY)],
                            columns=["person_id", "theme_id", "valence", "present", outcome])


def _inputs_read(codings_dir, notes_dir, link_dir, citizen_dir, *, indicators_from_file: bool) -> dict[str, str]:
    """The fingerprints of the tables summarize reads (:mod:`kvalitativ.io.lineage`); the citizen
    input's codings only under their own name (plain ``codings`` of a separate folder would be
    compared with the youth codings)."""
    from kvalitativ.io.lineage import fingerprints

    notes_dir = notes_dir or codings_dir
    return fingerprints([(codings_dir, "codings"), (notes_dir, "corpus"),
                         (None if indicators_from_file else notes_dir, "indicators"),
                         (link_dir, "prevalence"), (link_dir, "associations"), (citizen_dir, "citizen_codings")])


def summarize_from_dirs(
    codings_dir: str | Path | None,
    out_dir: str | Path,
    config: RunConfig | None = None,
    *,
    link_dir: str | Path | None = None,
    notes_dir: str | Path | None = None,
    indicators_path: str | Path | None = None,
    citizen_dir: str | Path | None = None,
) -> dict:
    """The summarize stage on stage folders: read, summarise, write. Returns {"tables", "written", "summary"}.

    codings and themes come from ``codings_dir``; the corpus (and stored indicators) from
    ``notes_dir`` (default: ``codings_dir``); prevalence, associations and the internal
    person_themes from ``link_dir`` (optional: without it there are no outcome columns);
    indicators from ``indicators_path`` or the stored table; unit figures from
    ``config.summarize.unit_figures``; citizen input from ``citizen_dir``.
    """
    from kvalitativ.io.ingest import read_indicators
    from kvalitativ.evidence.joint_display import read_unit_figures
    from kvalitativ.io.store import read_stage_table, write_tables
    from kvalitativ.privacy.kinds import kept_types

    config = config or RunConfig()
    tables: dict[str, pd.DataFrame | None] = {}
    read = _inputs_read(codings_dir, notes_dir, link_dir, citizen_dir, indicators_from_file=bool(indicators_path))
    if link_dir is not None:  # the links must be of these codings and notes
        from kvalitativ.io.lineage import require_built_from

        require_built_from(link_dir, ("associations", "prevalence"),
                           {k: v for k, v in read.items() if k in ("codings", "corpus")})
    if codings_dir is not None:
        codings_dir = Path(codings_dir)
        notes_dir = Path(notes_dir) if notes_dir else codings_dir
        tables["codings"] = read_stage_table(codings_dir, "codings", columns=CODINGS_READ)
        tables["themes"] = read_stage_table(codings_dir, "themes", required=False)
        tables["corpus"] = read_stage_table(notes_dir, "corpus", columns=CORPUS_READ)
        if indicators_path:
            tables["indicators"], _ = read_indicators(indicators_path, config.ingest, config.privacy)
        else:
            tables["indicators"] = read_stage_table(notes_dir, "indicators", required=False)
        if link_dir is not None:
            for name in ("prevalence", "associations"):
                tables[name] = read_stage_table(Path(link_dir), name)
            tables["person_themes"] = _person_themes_read(Path(link_dir), config.link.outcome)
    if config.summarize.unit_figures:
        tables["unit_figures"] = read_unit_figures(config.summarize.unit_figures)
    if citizen_dir is not None:
        tables.update(_citizen_from_dir(Path(citizen_dir)))
    run_id = None
    for name in ("codings", "citizen_codings"):
        df = tables.get(name)
        if isinstance(df, pd.DataFrame) and "run_id" in df.columns and df["run_id"].nunique() == 1:
            run_id = str(df["run_id"].iloc[0])
            break
    out = summarize(tables, config, run_id=run_id)
    written = write_tables(out_dir, out, run_id=run_id, min_cell=config.privacy.min_cell,
                           kept_types=kept_types(config.privacy.redact), read=read)
    lines = []
    if "evidence" in out:
        ev = out["evidence"]
        lines.append(f"evidence: {len(ev)} rows ({int((ev['unit_id'] == '_all').sum())} for the municipality), "
                     f"{int(ev['suppressed'].sum())} suppressed; quotes: {len(out['quotes'])}; "
                     f"joint display: {out['joint_display']['unit_id'].nunique()} units.")
    if "citizen_evidence" in out:
        lines.append(f"citizen input: {len(out['citizen_evidence'])} evidence rows, {len(out['citizen_quotes'])} quotes.")
    lines.append(f"Wrote {len(written)} table(s) to {out_dir}: {', '.join(sorted(written))}")
    return {"tables": out, "written": written, "summary": lines}
