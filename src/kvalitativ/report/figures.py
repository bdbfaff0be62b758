"""The report's plotly figures, built from the output tables only.

Why only from the tables: the report must show exactly what a dashboard would show, so every
figure reads a published (suppressed) table; a hidden cell is a gap in a chart, never a bar.
Text inside figures is HTML-escaped (plotly renders a small HTML subset in labels).
"""

from __future__ import annotations

import html

import numpy as np
import pandas as pd
import plotly.graph_objects as go

from kvalitativ.evidence.counts import ALL
from kvalitativ.evidence.fmt import fmt_pct, fmt_ratio

__all__ = ["prevalence_figure", "forest_figure", "trend_figure", "unit_figure", "channel_figure",
           "VALENCE_COLORS", "VALENCE_WORDS", "FIGURE_WORDS", "figure_words"]

VALENCE_COLORS = {"concern": "#c0392b", "strength": "#1e8449", "neutral": "#7f8c8d", "any": "#34495e"}
VALENCE_WORDS = {"concern": "bekymring", "strength": "styrke", "neutral": "neutral", "any": "alle"}
#: The figures' words, per language (Danish the default).
FIGURE_WORDS = {
    "da": {"valence": VALENCE_WORDS, "share_ci": "Andel af personerne (95 %-konfidensinterval)",
           "share": "Andel af personerne", "citizen_share_ci": "Andel af henvendelserne (95 %-konfidensinterval)",
           "citizen_share": "Andel af henvendelserne", "ci": "95 %-KI", "persons": "personer", "dropout": "frafald",
           "unadjusted": "Ujusteret OR", "adjusted": "Justeret OR", "corrected": "Korrigeret for kodningsfejl",
           "or_axis": "Odds ratio for {what} (logaritmisk skala; 1 = ingen forskel)", "hidden": "skjult/ingen",
           "period": "Skoleår", "municipality": "Kommunen", "in_municipality": "kommunen", "separators": ",."},
    "en": {"valence": {"concern": "concern", "strength": "strength", "neutral": "neutral", "any": "all"},
           "share_ci": "Share of persons (95% confidence interval)", "share": "Share of persons",
           "citizen_share_ci": "Share of inquiries (95% confidence interval)", "citizen_share": "Share of inquiries",
           "ci": "95% CI", "persons": "persons", "dropout": "dropout", "unadjusted": "Unadjusted OR",
           "adjusted": "Adjusted OR", "corrected": "Corrected for coding error",
           "or_axis": "Odds ratio for {what} (logarithmic scale; 1 = no difference)", "hidden": "hidden/none",
           "period": "School year", "municipality": "Municipality", "in_municipality": "the municipality",
           "separators": ".,"},
}


def figure_words(language: str | None = "da") -> dict:
    """The figures' words in ``language`` (Danish for anything else)."""
    return FIGURE_WORDS.get(language or "da", FIGURE_WORDS["da"])
_LOG_TICKS = [0.1, 0.25, 0.5, 1, 2, 4, 10, 25, 50]
_FONT = "system-ui, -apple-system, 'Segoe UI', Roboto, Helvetica, Arial, sans-serif"


def _esc(text) -> str:
    return html.escape(str(text), quote=False)


def _layout(fig: go.Figure, *, height: int, title: str | None = None, language: str = "da", **kw) -> go.Figure:
    fig.update_layout(
        template="plotly_white", height=height, margin=dict(l=10, r=20, t=40 if title else 10, b=40),
        font=dict(family=_FONT, size=13), separators=figure_words(language)["separators"],
        title=_esc(title) if title else None,
        legend=dict(orientation="h", yanchor="bottom", y=1.0, xanchor="left", x=0), **kw,
    )
    return fig


def _valence_order(valences) -> list[str]:
    order = ["concern", "strength", "neutral"]
    return [v for v in order if v in set(valences)] + sorted(set(valences) - set(order))


def prevalence_figure(evidence: pd.DataFrame, title: str | None = None, axis_title: str | None = None,
                      language: str = "da") -> go.Figure | None:
    """Horizontal bars: share of persons per theme (municipality), by valence, with 95 % CIs."""
    if evidence is None or evidence.empty:
        return None
    w, lang = figure_words(language), {"language": language}
    axis_title = axis_title or w["share_ci"]
    ev = evidence[(evidence["unit_id"] == ALL) & ~evidence["suppressed"].astype(bool)].copy()
    ev = ev.dropna(subset=["share"])
    if ev.empty:
        return None
    label_col = "theme_label" if "theme_label" in ev.columns else "theme_id"
    order = (ev.groupby(label_col)["share"].max().sort_values().index.tolist())
    fig = go.Figure()
    for valence in _valence_order(ev["valence"]):
        g = ev[ev["valence"] == valence].set_index(label_col).reindex(order).dropna(subset=["share"])
        fig.add_trace(go.Bar(
            x=g["share"], y=[_esc(i) for i in g.index], orientation="h", name=w["valence"].get(valence, valence),
            marker_color=VALENCE_COLORS.get(valence, "#34495e"),
            error_x=dict(type="data", symmetric=False, array=(g["ci_high"] - g["share"]).to_numpy(),
                         arrayminus=(g["share"] - g["ci_low"]).to_numpy(), thickness=1.2, width=3),
            hovertext=[f"{_esc(i)} ({w['valence'].get(valence, valence)}): {fmt_pct(s, **lang)} "
                       f"({w['ci']} {fmt_pct(lo, **lang)}–{fmt_pct(hi, **lang)}), {int(n)} {w['persons']}"
                       for i, s, lo, hi, n in zip(g.index, g["share"], g["ci_low"], g["ci_high"], g["n_persons"])],
            hoverinfo="text",
        ))
    fig.update_xaxes(tickformat=".0%", title_text=axis_title, rangemode="tozero")
    return _layout(fig, height=max(260, 100 + 22 * len(order) * len(fig.data)), title=title, barmode="group", **lang)


def _outcome_title(a: pd.DataFrame, outcome: str, language: str = "da") -> str:
    """'frafald', or the outcome in the user's words (link.outcome_label, carried by the table)."""
    from kvalitativ.link.wording import is_dropout_label, outcome_noun

    words = {"outcome": outcome, "language": language}
    label = a["outcome_label"].dropna() if "outcome_label" in a.columns else pd.Series([], dtype=str)
    if outcome == "dropout" and (label.empty or is_dropout_label(label.iloc[0], words)):
        return figure_words(language)["dropout"]
    return outcome_noun({**words, "outcome_label": label.iloc[0] if len(label) else None})


def forest_figure(associations: pd.DataFrame, themes: pd.DataFrame | None, outcome: str = "dropout",
                  title: str | None = None, language: str = "da") -> go.Figure | None:
    """Odds ratios (log scale) with 95 % CIs per theme × valence: unadjusted, adjusted and — when
    hand codes allowed it — corrected for coding error, the uncorrected ones beside it."""
    if associations is None or associations.empty or "odds_ratio" not in associations.columns:
        return None
    a = associations.copy()
    if "indicator" in a.columns:
        a = a[a["indicator"].astype("string") == outcome]
    a = a[~a["suppressed"].astype(bool) & (a["valence"].astype("string") != "any")]
    a = a[np.isfinite(pd.to_numeric(a["odds_ratio"], errors="coerce")) & (a["odds_ratio"] > 0)]
    if a.empty:
        return None
    labels, w, lang = _labels(themes), figure_words(language), {"language": language}
    a["_y"] = [f"{_esc(labels.get(t, t))} – {w['valence'].get(v, v)}" for t, v in zip(a["theme_id"], a["valence"])]
    a = a.sort_values("odds_ratio", kind="stable").reset_index(drop=True)
    a["_pos"] = np.arange(len(a), dtype=float)
    fig = go.Figure()
    specs = [("odds_ratio", "or_ci_low", "or_ci_high", w["unadjusted"], "#2c3e50", "circle", 0.0)]
    adjusted = "covariates" not in a.columns or (a["covariates"].fillna("").astype(str).str.strip() != "").any()
    if adjusted and "adjusted_odds_ratio" in a.columns and a["adjusted_odds_ratio"].notna().any():
        specs = [(*specs[0][:-1], 0.17),
                 ("adjusted_odds_ratio", "aor_ci_low", "aor_ci_high", w["adjusted"], "#d35400", "diamond", -0.17)]
    if "aor_corrected" in a.columns and pd.to_numeric(a["aor_corrected"], errors="coerce").notna().any():
        specs = [(*specs[0][:-1], 0.25), (*specs[-1][:-1], 0.0)] if len(specs) > 1 else [(*specs[0][:-1], 0.17)]
        specs.append(("aor_corrected", "aor_corrected_ci_low", "aor_corrected_ci_high",
                      w["corrected"], "#16a085", "square", -0.25 if len(specs) > 1 else -0.17))
    for est, lo, hi, name, color, symbol, offset in specs:
        g = a[np.isfinite(pd.to_numeric(a[est], errors="coerce")) & (a[est] > 0)]
        lo_v = g[lo].clip(lower=1e-3)
        hi_v = g[hi].replace(np.inf, np.nan).fillna(g[est] * 50)
        fig.add_trace(go.Scatter(
            x=g[est], y=g["_pos"] + offset, mode="markers", name=name, marker=dict(color=color, size=9, symbol=symbol),
            error_x=dict(type="data", symmetric=False, array=(hi_v - g[est]).to_numpy(),
                         arrayminus=(g[est] - lo_v).to_numpy(), thickness=1.5, width=4),
            hovertext=[f"{y}: {name} {fmt_ratio(v, **lang)} ({w['ci']} {fmt_ratio(l, **lang)}–{fmt_ratio(h, **lang)})"
                       for y, v, l, h in zip(g["_y"], g[est], g[lo], g[hi])],
            hoverinfo="text",
        ))
    fig.add_vline(x=1, line_dash="dash", line_color="#7f8c8d")
    lows = pd.concat([pd.to_numeric(a[spec[1]], errors="coerce") for spec in specs])
    highs = pd.concat([pd.to_numeric(a[spec[2]], errors="coerce") for spec in specs])
    lo_all = float(np.nanmin(lows.clip(lower=1e-3).to_numpy()))
    hi_all = float(np.nanmax(highs.replace(np.inf, np.nan).to_numpy()))
    ticks = [t for t in _LOG_TICKS if lo_all / 1.5 <= t <= hi_all * 1.5] or [1]
    fig.update_yaxes(tickvals=a["_pos"].tolist(), ticktext=a["_y"].tolist(), range=[-0.7, len(a) - 0.3],
                     showgrid=False, zeroline=False)
    fig.update_xaxes(type="log", tickvals=ticks,
                     ticktext=[fmt_ratio(t, 2, **lang).rstrip("0").rstrip(",.") for t in ticks],
                     title_text=w["or_axis"].format(what=_outcome_title(a, outcome, language)))
    return _layout(fig, height=max(280, 30 * len(a) + 100), title=title, **lang)


def trend_figure(prevalence: pd.DataFrame, themes: pd.DataFrame | None, valence: str = "concern",
                 title: str | None = None, group_by: str = "period", max_visible: int = 6,
                 axis_title: str | None = None, language: str = "da") -> go.Figure | None:
    """Share per period for each theme with the given valence (suppressed periods are gaps);
    the ``max_visible`` most common themes are drawn, the others can be switched on in the legend."""
    if prevalence is None or prevalence.empty or "group_by" not in prevalence.columns:
        return None
    p = prevalence[(prevalence["group_by"] == group_by) & (prevalence["valence"] == valence)].copy()
    if p.empty or p["share"].notna().sum() == 0:
        return None
    labels, w, lang = _labels(themes), figure_words(language), {"language": language}
    axis_title = axis_title or w["share"]
    periods = sorted(p["group_value"].dropna().astype(str).unique())
    # the most common themes are drawn; the rest wait in the legend (a click shows them)
    top = set(p.groupby("theme_id")["share"].mean().sort_values(ascending=False, kind="stable").index[:max_visible])
    fig = go.Figure()
    for theme, g in p.groupby("theme_id", sort=True):
        g = g.set_index(g["group_value"].astype(str)).reindex(periods)
        if g["share"].notna().sum() == 0:
            continue
        name = _esc(labels.get(theme, theme))
        fig.add_trace(go.Scatter(
            x=periods, y=g["share"], mode="lines+markers", name=name, connectgaps=False,
            visible=True if theme in top else "legendonly",
            hovertext=[f"{name} {per}: {fmt_pct(s, **lang)}" if pd.notna(s) else f"{name} {per}: {w['hidden']}"
                       for per, s in zip(periods, g["share"])],
            hoverinfo="text",
        ))
    if not fig.data:
        return None
    fig.update_yaxes(tickformat=".0%", title_text=axis_title, rangemode="tozero")
    fig.update_xaxes(title_text=w["period"] if group_by == "period" else group_by, type="category")
    return _layout(fig, height=380, title=title, **lang)


def channel_figure(prevalence: pd.DataFrame, themes: pd.DataFrame | None, title: str | None = None,
                   language: str = "da") -> go.Figure | None:
    """Citizen input: share of submissions per theme, by channel (source)."""
    if prevalence is None or prevalence.empty:
        return None
    p = prevalence[(prevalence["group_by"] == "source") & (prevalence["valence"] == "any")]
    p = p[~p["suppressed"].astype(bool)].dropna(subset=["share"])
    if p.empty:
        return None
    labels, w, lang = _labels(themes), figure_words(language), {"language": language}
    fig = go.Figure()
    for channel, g in p.groupby("group_value", sort=True):
        fig.add_trace(go.Bar(
            x=[_esc(labels.get(t, t)) for t in g["theme_id"]], y=g["share"], name=_esc(channel),
            hovertext=[f"{_esc(channel)}, {_esc(labels.get(t, t))}: {fmt_pct(s, **lang)}"
                       for t, s in zip(g["theme_id"], g["share"])],
            hoverinfo="text",
        ))
    fig.update_yaxes(tickformat=".0%", title_text=w["citizen_share"])
    return _layout(fig, height=380, title=title, barmode="group", **lang)


def unit_figure(evidence: pd.DataFrame, unit: str, title: str | None = None, language: str = "da") -> go.Figure | None:
    """One unit's shares beside the municipality's, per theme × valence (unsuppressed rows)."""
    ev = evidence[(evidence["unit_id"] == unit) & ~evidence["suppressed"].astype(bool)].dropna(subset=["share"])
    if ev.empty:
        return None
    label_col = "theme_label" if "theme_label" in ev.columns else "theme_id"
    w, lang = figure_words(language), {"language": language}
    ev = ev.assign(_y=[f"{_esc(lab)} – {w['valence'].get(v, v)}" for lab, v in zip(ev[label_col], ev["valence"])])
    ev = ev.sort_values("share")
    fig = go.Figure()
    fig.add_trace(go.Bar(x=ev["share"], y=ev["_y"], orientation="h", name=_esc(unit), marker_color="#2874a6",
                         hovertext=[f"{y}: {fmt_pct(s, **lang)}" for y, s in zip(ev["_y"], ev["share"])],
                         hoverinfo="text"))
    fig.add_trace(go.Scatter(x=ev["share_municipality"], y=ev["_y"], mode="markers", name=w["municipality"],
                             marker=dict(color="#17202a", symbol="line-ns-open", size=18, line=dict(width=3)),
                             hovertext=[f"{y}, {w['in_municipality']}: {fmt_pct(s, **lang)}"
                                        for y, s in zip(ev["_y"], ev["share_municipality"])],
                             hoverinfo="text"))
    fig.update_xaxes(tickformat=".0%", title_text=w["share"], rangemode="tozero")
    return _layout(fig, height=max(260, 28 * len(ev) + 100), title=title, **lang)


def _labels(themes: pd.DataFrame | None) -> dict[str, str]:
    if themes is None or themes.empty or "label" not in themes.columns:
        return {}
    return {str(t): str(lab) for t, lab in zip(themes["theme_id"], themes["label"]) if isinstance(lab, str)}
