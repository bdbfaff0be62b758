"""`render_report()`: one self-contained, offline HTML file from the output tables.

Why self-contained: the report is mailed to a school leader and opened on a municipal PC
that may have no internet and strict policies; plotly.js is embedded once, there are no
fonts, images or scripts from elsewhere, and every text is escaped by Jinja's autoescape
(quotes are free text, however redacted). The file is written atomically.
"""

from __future__ import annotations

from collections.abc import Mapping
from datetime import date
from pathlib import Path

import pandas as pd
import plotly.io as pio
from jinja2 import Environment, FileSystemLoader, StrictUndefined, select_autoescape
from markupsafe import Markup
from plotly.offline import get_plotlyjs

from kvalitativ.codebook import discovered_theme_ids
from kvalitativ.errors import InputError
from kvalitativ.evidence.counts import ALL, UNCODED
from kvalitativ.evidence.fmt import fmt_int, fmt_num, fmt_pct, fmt_pp, fmt_ratio, is_missing
from kvalitativ.io.atomic import write_text_atomic
from kvalitativ.report import figures as F
from kvalitativ.report.outcome_words import correction_line, outcome_words, report_language, title
from kvalitativ.report.outcome_words import first_value as _first
from kvalitativ.report.outcome_words import is_na as _na
from kvalitativ.report.units import match_unit
from kvalitativ.report.words import TEXTS, method_phrase, translator, word

__all__ = ["render_report", "build_figures", "report_context", "report_language"]

_TEMPLATES = Path(__file__).resolve().parent / "templates"
_UPV_GROUPS = {"personlige_kompetencer", "sociale_kompetencer", "praksisfaglige_kompetencer"}
_PLOT_CONFIG = {"displaylogo": False, "responsive": True, "locale": "da",
                "modeBarButtonsToRemove": ["sendDataToCloud", "lasso2d", "select2d"]}


def _env(language: str = "da") -> Environment:
    """The templates with their texts (``_``) and numbers in ``language``."""
    env = Environment(loader=FileSystemLoader(str(_TEMPLATES)), autoescape=select_autoescape(default=True),
                      undefined=StrictUndefined, trim_blocks=True, lstrip_blocks=True)
    lang = {"language": language}
    env.filters.update(pct=lambda v, d=None: fmt_pct(v, d, **lang), num=lambda v, d=1: fmt_num(v, d, **lang),
                       int=lambda v: fmt_int(v, **lang), ratio=lambda v, d=2: fmt_ratio(v, d, **lang),
                       pp=lambda v, d=1: fmt_pp(v, d, **lang), missing=is_missing,
                       valence=lambda v: word("valence", v, language),
                       value=lambda v, kind: _fmt_value(v, kind, language),
                       trend=lambda v: TEXTS.get(language, {}).get(str(v), str(v)),
                       model_name=lambda v: word("model", v, language), coder=lambda v: word("coder", v, language))
    env.globals["_"] = translator(language)
    return env


def _fmt_value(value, kind: str | None, language: str = "da") -> str:
    if is_missing(value):
        return "–"
    if kind == "pct":
        return fmt_pct(value, language=language)
    v = float(value)
    return fmt_num(v, 0 if abs(v) >= 1000 or v == int(v) else 1, language)


def _records(df: pd.DataFrame | None) -> list[dict]:
    """Rows as dicts with NaN/NA turned into None (so templates test `is none`)."""
    if df is None or df.empty:
        return []
    out = []
    for rec in df.to_dict("records"):
        out.append({k: (None if _na(v) else v) for k, v in rec.items()})
    return out


def _get(tables: Mapping, name: str) -> pd.DataFrame | None:
    df = tables.get(name)
    return df if isinstance(df, pd.DataFrame) and not df.empty else None


def _first_row(df: pd.DataFrame | None) -> dict | None:
    return None if df is None or df.empty else df.iloc[0].to_dict()


def _labels(themes: pd.DataFrame | None) -> dict[str, str]:
    return F._labels(themes)


def _legacy_upv(themes: pd.DataFrame | None) -> set[str]:
    """Theme ids of the former UPV criteria (a 'legacy_upv'/'tags' column, or an UPV parent group)."""
    if themes is None:
        return set()
    if "legacy_upv" in themes.columns:
        return set(themes.loc[themes["legacy_upv"].fillna(False).astype(bool), "theme_id"].astype(str))
    if "tags" in themes.columns:
        return set(themes.loc[themes["tags"].astype("string").str.contains("upv", na=False), "theme_id"].astype(str))
    parent = themes["parent_id"].astype("string") if "parent_id" in themes.columns else \
        pd.Series(pd.NA, index=themes.index, dtype="string")  # a themes table without groups
    return set(themes.loc[parent.isin(_UPV_GROUPS).fillna(False), "theme_id"].astype(str))


def _without_uncoded(tables: Mapping[str, pd.DataFrame]) -> dict[str, pd.DataFrame]:
    """The tables without rows for the coders' 'uncoded' pseudo-theme (not a finding to show)."""
    out = {}
    for name, df in tables.items():
        if isinstance(df, pd.DataFrame) and "theme_id" in df.columns and name != "codings":
            df = df[df["theme_id"].astype("string").fillna("") != UNCODED]
        out[name] = df
    return out


def _distinct_labels(tables: Mapping[str, pd.DataFrame]) -> dict[str, pd.DataFrame]:
    """Labels that name one theme each: discovered topics may share a label with each other or
    with a codebook theme, and figures and tables key rows by label, so a shared label gets its
    theme id added ("trivsel, skole (topic_12)")."""
    out = dict(tables)
    for name, df in tables.items():
        if not isinstance(df, pd.DataFrame) or "theme_id" not in df.columns:
            continue
        for col in ("label", "theme_label"):
            if col not in df.columns:
                continue
            ids_per_label = df.groupby(df[col].astype("string"))["theme_id"].nunique()
            shared = set(ids_per_label[ids_per_label > 1].index)
            if shared:
                df = df.copy()
                hit = df[col].astype("string").isin(shared).fillna(False).to_numpy()
                df.loc[hit, col] = df.loc[hit, col].astype(str) + " (" + df.loc[hit, "theme_id"].astype(str) + ")"
        out[name] = df
    return out


def build_figures(tables: Mapping[str, pd.DataFrame], unit: str | None = None,
                  outcome: str = "dropout", language: str = "da") -> dict[str, object]:
    """The plotly figures the report holds, by div id (None entries are left out).

    Exposed so a test can know how many charts must render.
    """
    tables = _distinct_labels(_without_uncoded(tables))
    themes = _get(tables, "themes")
    figs: dict[str, object] = {}
    evidence = _get(tables, "evidence")
    lang = {"language": language}
    if unit is not None:
        if evidence is not None:
            figs["fig-unit"] = F.unit_figure(evidence, unit, **lang)
        return {k: v for k, v in figs.items() if v is not None}
    prevalence = _get(tables, "prevalence")
    figs["fig-prevalence"] = F.prevalence_figure(evidence, **lang)
    figs["fig-forest"] = F.forest_figure(_get(tables, "associations"), themes, outcome=outcome, **lang)
    figs["fig-trend-concern"] = F.trend_figure(prevalence, themes, "concern", **lang)
    figs["fig-trend-strength"] = F.trend_figure(prevalence, themes, "strength", **lang)
    cthemes = _get(tables, "citizen_themes") if _get(tables, "citizen_themes") is not None else themes
    words = F.figure_words(language)
    figs["fig-citizen-prevalence"] = F.prevalence_figure(
        _get(tables, "citizen_evidence"), axis_title=words["citizen_share_ci"], **lang)
    figs["fig-citizen-channel"] = F.channel_figure(_get(tables, "citizen_prevalence"), cthemes, **lang)
    figs["fig-citizen-trend"] = F.trend_figure(_get(tables, "citizen_prevalence"), cthemes, "any",
                                               axis_title=words["citizen_share"], **lang)
    return {k: v for k, v in figs.items() if v is not None}


def _figure_html(figs: dict[str, object], language: str = "da") -> dict[str, Markup]:
    config = {**_PLOT_CONFIG, "locale": language}
    return {
        fid: Markup(pio.to_html(fig, full_html=False, include_plotlyjs=False, div_id=fid, config=config))
        for fid, fig in figs.items()
    }


def _overview(tables: Mapping, meta: dict) -> dict:
    notes = _get(tables, "notes")
    if notes is None:
        notes = _get(tables, "corpus")
    o: dict = {}
    if notes is not None:
        o["n_notes"] = int(notes["note_id"].nunique()) if "note_id" in notes.columns else len(notes)
        if "person_id" in notes.columns:
            o["n_persons"] = int(notes["person_id"].nunique())
        if "unit_id" in notes.columns and notes["unit_id"].notna().any():
            o["n_units"] = int(notes["unit_id"].nunique())
        o["undated"] = "date" not in notes.columns or bool(notes["date"].isna().all())
        if "date" in notes.columns:
            d = pd.to_datetime(notes["date"], errors="coerce").dropna()
            if len(d):
                o["first_date"], o["last_date"] = d.min().date().isoformat(), d.max().date().isoformat()
        if "period" in notes.columns:
            p = sorted(notes["period"].dropna().astype(str).unique())
            if p:
                o["periods"] = f"{p[0]}–{p[-1]}" if len(p) > 1 else p[0]
    codings = _get(tables, "codings")
    if codings is not None and "method" in codings.columns:
        o["methods"] = ", ".join(sorted(codings["method"].dropna().astype(str).unique()))
    o["methods"] = meta.get("coding_method") or o.get("methods")
    return o


def report_context(tables: Mapping[str, pd.DataFrame], unit: str | None = None, meta: dict | None = None) -> dict:
    """Everything the templates need, as plain Python values."""
    meta = dict(meta or {})
    tables = _distinct_labels(_without_uncoded(tables))
    lang = report_language(tables, meta)
    themes = _get(tables, "themes")
    labels = _labels(themes)
    evidence = _get(tables, "evidence")
    associations = _get(tables, "associations")
    quotes = _get(tables, "quotes")
    jd = _get(tables, "joint_display")
    outcome = meta.get("outcome") or _first(associations, "outcome") or _first(evidence, "outcome") or "dropout"
    # the tables state the rule their numbers were computed with: that wins over what a manifest says
    window = _first(associations, "dropout_window_months") or _first(evidence, "dropout_window_months")
    if window is None or _na(window):
        window = meta.get("window_months")
    run_id = meta.get("run_id")
    if run_id is None:
        for df in tables.values():
            run_id = _first(df, "run_id") if isinstance(df, pd.DataFrame) else None
            if run_id:
                break
    codebook_version = meta.get("codebook_version") or (
        ", ".join(sorted(themes["codebook_version"].dropna().astype(str).unique()))
        if themes is not None and "codebook_version" in themes.columns else None)
    legacy = _legacy_upv(themes)

    ev_all = evidence[evidence["unit_id"] == ALL] if evidence is not None else None
    theme_rows = _records(ev_all.sort_values(["valence", "share"], ascending=[True, False], kind="stable")
                          if ev_all is not None else None)
    for r in theme_rows:
        r["legacy_upv"] = r["theme_id"] in legacy
    quote_map: dict[tuple, list] = {}
    for q in _records(quotes):
        quote_map.setdefault((q["unit_id"], q["theme_id"], q["valence"]), []).append(q)

    assoc_rows, numeric_assoc = _association_rows(associations, outcome, labels, discovered_theme_ids(themes))
    units = _unit_sections(jd, evidence, unit, quote_map)
    citizen = _citizen_section(tables, labels)
    overview = _overview(tables, meta)

    added = _records(_get(tables, "added_value"))
    reliability = _get(tables, "reliability")
    reliability_rows = _records(reliability[reliability["theme_id"].astype(str) == "_overall"]) \
        if reliability is not None and "theme_id" in reliability.columns else []
    return {
        "reliability": reliability_rows,
        "lang": lang,
        "title": title(lang, unit, meta.get("title")),
        "municipality": meta.get("municipality"),
        "run_id": run_id,
        "created": meta.get("created") or date.today().isoformat(),
        "codebook_version": codebook_version,
        "outcome": outcome,
        **outcome_words(outcome, associations, evidence, associations is not None, lang),
        "window_months": None if _na(window) else int(window),
        "cutoff": meta.get("cutoff") or _first(associations, "cutoff"),
        "note_rule": _first(associations, "note_rule"),
        "min_cell": int(meta.get("min_cell") or 5),
        "overview": overview,
        "method_phrase": method_phrase(overview.get("methods"), lang),
        "themes": theme_rows,
        "labels": labels,
        "quotes": quote_map,
        "all": ALL,
        "associations": assoc_rows,
        "corrected": any(not _na(r.get("aor_corrected")) for r in assoc_rows),
        "n_human": max((int(r["n_human_persons"]) for r in assoc_rows if not _na(r.get("aor_corrected"))
                        and not _na(r.get("n_human_persons"))), default=None),
        "correction_line": correction_line(associations, _first_row(associations) or outcome, overview, lang),
        "numeric_associations": numeric_assoc,
        "added_value": added,
        "units": units,
        "unit": unit,
        "citizen": citizen,
        "legacy_upv": sorted(legacy),
        "legacy_labels": [labels.get(t, t) for t in sorted(legacy)],
    }


def _association_rows(associations: pd.DataFrame | None, outcome: str, labels: dict,
                      discovered: frozenset[str] = frozenset()) -> tuple[list, list]:
    """(binary rows for the outcome, strongest first and suppressed last; numeric-indicator rows).
    A discovered topic's row says so (``discovered``): its q-value is of its own family."""
    assoc_rows = []
    if associations is not None:
        a = associations
        if "indicator" in a.columns:
            a = a[a["indicator"].astype("string") == outcome]
        a = a[a["valence"].astype("string") != "any"]
        if "odds_ratio" in a.columns:
            a = a.assign(_s=a["suppressed"].astype(bool)).sort_values(["_s", "odds_ratio"], ascending=[True, False])
        for r in _records(a):
            r["label"] = labels.get(r["theme_id"], r["theme_id"])
            r["discovered"] = str(r["theme_id"]) in discovered
            assoc_rows.append(r)
    numeric_assoc = []
    if associations is not None and "indicator_type" in associations.columns:
        nm = associations[(associations["indicator_type"].astype("string") == "numeric")
                          & (associations["valence"].astype("string") != "any")]
        numeric_assoc = [dict(r, label=labels.get(r["theme_id"], r["theme_id"])) for r in _records(nm)]
    return assoc_rows, numeric_assoc


def _unit_names(jd: pd.DataFrame | None, evidence: pd.DataFrame | None) -> list[str]:
    return sorted(set(jd["unit_id"].astype(str)) if jd is not None else
                  set(evidence.loc[evidence["unit_id"] != ALL, "unit_id"].astype(str)) if evidence is not None else set())


def _unit_sections(jd: pd.DataFrame | None, evidence: pd.DataFrame | None, unit: str | None,
                   quote_map: dict) -> list[dict]:
    """One section per unit (or only ``unit``): its figures, themes, headlines and quotes."""
    units = []
    unit_names = _unit_names(jd, evidence)
    if unit is not None:
        unit_names = [match_unit(unit, unit_names)]
    for name in unit_names:
        u = jd[jd["unit_id"].astype(str) == name] if jd is not None else None
        ev_u = evidence[(evidence["unit_id"] == name)] if evidence is not None else None
        headlines = _records(ev_u[~ev_u["suppressed"].astype(bool)].sort_values("share", ascending=False))[:8] \
            if ev_u is not None else []
        units.append({
            "name": name,
            "anchor": "enhed-" + "".join(ch if ch.isalnum() else "-" for ch in name.lower()),
            "indicators": _records(u[u["kind"].isin(["indicator", "figure"])]) if u is not None else [],
            "themes": _records(u[u["kind"] == "theme"]) if u is not None else [],
            "headlines": headlines,
            "n_hidden": int(ev_u["suppressed"].astype(bool).sum()) if ev_u is not None else 0,
            "quotes": [q for (un, _, _), qs in sorted(quote_map.items()) if un == name for q in qs],
        })
    return units


def _citizen_section(tables: Mapping[str, pd.DataFrame], labels: dict) -> dict | None:
    """The citizen-input page: themes × districts with their shares and quotes (None without it)."""
    citizen = None
    cev = _get(tables, "citizen_evidence")
    if cev is not None:
        cthemes = _get(tables, "citizen_themes")
        clabels = _labels(cthemes) if cthemes is not None else labels
        cq = _records(_get(tables, "citizen_quotes"))
        districts = sorted(set(cev.loc[cev["unit_id"] != ALL, "unit_id"].astype(str)))
        pivot = []
        for r in _records(cev[cev["unit_id"] == ALL].sort_values(["valence", "share"], ascending=[True, False])):
            cells = []
            for d in districts:
                hit = cev[(cev["unit_id"] == d) & (cev["theme_id"] == r["theme_id"]) & (cev["valence"] == r["valence"])]
                cells.append(None if hit.empty or bool(hit["suppressed"].iloc[0]) or _na(hit["share"].iloc[0])
                             else float(hit["share"].iloc[0]))
            pivot.append({**r, "cells": cells,
                          "quotes": [q for q in cq if q["unit_id"] == ALL and q["theme_id"] == r["theme_id"]
                                     and q["valence"] == r["valence"]]})
        citizen = {"districts": districts, "rows": pivot, "labels": clabels,
                   "version": (", ".join(sorted(cthemes["codebook_version"].dropna().astype(str).unique()))
                               if cthemes is not None and "codebook_version" in cthemes.columns else None)}
    return citizen


def render_report(
    tables: Mapping[str, pd.DataFrame],
    out_path: str | Path,
    unit: str | None = None,
    meta: dict | None = None,
) -> Path:
    """Write the HTML report (or, with ``unit``, a one-unit brief) and return its path.

    ``tables`` holds the output tables by name: evidence, quotes, joint_display, prevalence,
    associations, added_value, themes, notes, codings (for the methods), and the citizen tables
    when present. ``meta`` may set title, municipality, run_id, created, codebook_version,
    outcome, window_months, cutoff, min_cell, coding_method, and language (``da``, ``en``, or
    ``auto``: the language of most notes, :func:`report_language`).

    Example
    -------
    >>> render_report(tables, "out/report.html", meta={"title": "Kvalitetsdialog 2025"})
    >>> render_report(tables, "out/oesterbyskolen.html", unit="østerbyskolen")  # case is forgiven
    """
    if tables.get("evidence") is None and tables.get("citizen_evidence") is None:  # empty is a report too
        raise InputError("the report needs an 'evidence' (or 'citizen_evidence') table: run `kvalitativ summarize` first.")
    if unit is not None:  # the name as the tables spell it ("østerbyskolen" → "Østerbyskolen")
        unit = match_unit(unit, _unit_names(_get(tables, "joint_display"), _get(tables, "evidence")))
    ctx = report_context(tables, unit=unit, meta=meta)
    figs = build_figures(tables, unit=unit, outcome=ctx["outcome"], language=ctx["lang"])
    ctx["figures"] = _figure_html(figs, ctx["lang"])
    ctx["n_figures"] = len(figs)
    ctx["plotlyjs"] = Markup(get_plotlyjs().replace("</script", "<\\/script"))
    template = _env(ctx["lang"]).get_template("unit.html" if unit else "report.html")
    html = template.render(**ctx, ctx=ctx)
    out_path = Path(out_path)
    write_text_atomic(out_path, html)
    return out_path
