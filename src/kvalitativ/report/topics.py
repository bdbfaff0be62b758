"""The report of a folder that holds discovered topics but no evidence (discovery without link).

A researcher exploring what notes are about runs `kvalitativ discover` and wants to read the
topics before deciding on a codebook or a link; that folder has no `evidence` table, so the
full report cannot be made. This page shows what discovery published: each topic's label,
size (small counts hidden), keywords, the nearest codebook theme and stability (unstable topics
marked), three redacted sentences from its representative notes; emergent topics come first.
It reads only published tables — never the corpus — so the only note text it holds is those
sentences, redacted a second time when discovery published them. Its texts are in the language of
the data, like the main report (:func:`~kvalitativ.report.outcome_words.report_language`; the
English in :mod:`kvalitativ.report.text_en`, keyed by the Danish).
"""

from __future__ import annotations

import html
from pathlib import Path

import pandas as pd

from kvalitativ.discover.stability import UNSTABLE
from kvalitativ.evidence.fmt import fmt_num
from kvalitativ.io.atomic import write_text_atomic
from kvalitativ.report.outcome_words import report_language, title
from kvalitativ.report.words import translator

_STYLE = ("body{font-family:system-ui,sans-serif;max-width:60rem;margin:2rem auto;padding:0 1rem;color:#222}"
          "table{border-collapse:collapse;width:100%}td,th{border-bottom:1px solid #ddd;padding:.35rem;"
          "text-align:left;vertical-align:top}td.num,th.num{text-align:right}.caveat{color:#555}")


def _texts(language: str):
    """The page's texts in ``language`` as plain strings (the page is built by concatenation, and
    a ``Markup`` on the right of ``+`` would escape the HTML on its left)."""
    translate = translator(language)
    return lambda text, **fields: str(translate(text, **fields))


def topic_overview(tables: dict[str, pd.DataFrame]) -> pd.DataFrame | None:
    """What the page lists: ``topic_map`` (discovery with a codebook), else — `kvalitativ discover`
    without ``--codebook`` writes no topic map — the discovered themes with their notes and persons
    counted from the topic codings; None when the folder holds no discovered topics."""
    if "topic_map" in tables:
        return tables["topic_map"]
    themes, codings = tables.get("themes"), tables.get("codings")
    if themes is None or "origin" not in themes or codings is None or "method" not in codings:
        return None
    topics = themes[themes["origin"].astype(str) == "discovered"]
    if topics.empty:
        return None
    coded = codings[codings["method"].astype(str) == "topic"]
    n_notes = coded.groupby("theme_id")["note_id"].nunique()
    n_persons = coded.groupby("theme_id")["person_id"].nunique()
    out = pd.DataFrame({"theme_id": topics["theme_id"].astype(str).to_numpy(), "label": topics["label"].to_numpy()})
    out["n_notes"] = out["theme_id"].map(n_notes).fillna(0).astype(int)
    out["n_persons"] = out["theme_id"].map(n_persons).fillna(0).astype(int)
    if "stability" in topics:
        out["stability"] = topics["stability"].to_numpy()
    return out


def _count(value, min_cell: int) -> str:
    if value is None or pd.isna(value):
        return "–"
    return f"&lt;{min_cell}" if int(value) < min_cell else str(int(value))  # escaped: the cell is HTML


def _ordered(topic_map: pd.DataFrame) -> pd.DataFrame:
    """Emergent topics first (near no codebook theme: what to read first), then the largest."""
    keys = [c for c in ("is_emergent", "n_notes") if c in topic_map]
    if not keys:
        return topic_map
    return topic_map.sort_values(keys, ascending=[False] * len(keys), kind="stable")


def _examples(reps: pd.DataFrame | None) -> dict[str, str]:
    """Per topic: its representative sentences (already redacted at discovery), as an HTML list;
    each distinct sentence once (short stock sentences such as "Drøftes på næste teammøde." recur
    in many notes, and the table may list them several times per topic)."""
    if reps is None or reps.empty or "sentence" not in reps.columns:
        return {}
    rows = reps[reps["sentence"].notna() & (reps["sentence"].astype(str).str.strip() != "")]
    rows = rows.sort_values(["theme_id", "rank"])
    norm = rows["sentence"].astype(str).map(lambda x: " ".join(x.split()).casefold())
    rows = rows[~pd.DataFrame({"t": rows["theme_id"].astype(str), "s": norm}).duplicated().to_numpy()]
    out = {}
    for t, g in rows.sort_values(["theme_id", "rank"]).groupby("theme_id", sort=False):
        out[str(t)] = "<ul>" + "".join(f"<li>{html.escape(str(x))}</li>" for x in g["sentence"].head(3)) + "</ul>"
    return out


def _rows(topic_map: pd.DataFrame, terms: pd.DataFrame | None, min_cell: int,
          reps: pd.DataFrame | None = None, language: str = "da") -> list[str]:
    _ = _texts(language)
    examples = _examples(reps)
    words = {}
    if terms is not None and not terms.empty:
        ordered = terms.sort_values(["theme_id", "rank"])
        words = {str(t): ", ".join(map(str, g["term"].head(8))) for t, g in ordered.groupby("theme_id", sort=False)}
    rows = []
    for r in _ordered(topic_map).to_dict("records"):
        near = r.get("codebook_label")
        similarity = fmt_num(float(r.get("similarity", float("nan"))), 2, language)
        near = "–" if near is None or pd.isna(near) else f"{near} ({similarity})"
        stability = r.get("stability")
        unstable = " <b>" + _("ustabil") + "</b>"
        stability = "–" if stability is None or pd.isna(stability) else (
            fmt_num(float(stability), 2, language) + (unstable if float(stability) < UNSTABLE else ""))
        new = "–" if "is_emergent" not in r else _("ja") if bool(r["is_emergent"]) else _("nej")
        cells = [html.escape(str(r.get("label", r["theme_id"]))), _count(r.get("n_notes"), min_cell),
                 _count(r.get("n_persons"), min_cell), html.escape(words.get(str(r["theme_id"]), "")),
                 html.escape(near), new, stability, examples.get(str(r["theme_id"]), "")]
        rows.append("<tr>" + "".join(f"<td class='num'>{c}</td>" if i in (1, 2, 6) else f"<td>{c}</td>"
                                     for i, c in enumerate(cells)) + "</tr>")
    return rows


def render_topics_report(tables: dict[str, pd.DataFrame], out_path: str | Path, meta: dict | None = None) -> Path:
    """Write the discovery-only report (self-contained HTML) and return its path; ``meta`` as the
    main report's (min_cell, title, language)."""
    meta = meta or {}
    min_cell = int(meta.get("min_cell") or 5)
    topic_map = topic_overview(tables)
    if topic_map is None:
        raise ValueError("no discovered topics in these tables: run `kvalitativ discover` first")
    lang = report_language(tables, meta)
    _ = _texts(lang)
    heading = html.escape(title(lang, given=meta.get("title")))
    n_notes = pd.to_numeric(topic_map.get("n_notes"), errors="coerce")
    share = (n_notes.max() / n_notes.sum()) if n_notes is not None and n_notes.sum() > 0 else float("nan")
    warn = ("<p class='caveat'><b>" + _("Bemærk:") + "</b> " + _(
        "ét emne rummer {share} af notaterne; prøv <code>kvalitativ tune</code> eller en mindre "
        "<code>min_topic_size</code>.", share=f"{share:.0%}") + "</p>" if share == share and share > 0.5 else "")
    stab = pd.to_numeric(topic_map.get("stability"), errors="coerce") if "stability" in topic_map else None
    if stab is not None and (stab < UNSTABLE).any():
        warn += ("<p class='caveat'><b>" + _("Ustabile emner:") + "</b> " + _(
            "{n} emne(r) kom ikke igen med de samme notater, når grupperingen blev gentaget med andre frø "
            "(stabilitet under {bound}: mindre end halvdelen af notaterne blev sammen). Læs dem med forsigtighed.",
            n=int((stab < UNSTABLE).sum()), bound=fmt_num(UNSTABLE, 1, lang)) + "</p>")
    head = ["Emne", "Notater", "Personer", "Nøgleord", "Nærmeste kodebogstema (lighed)", "Nyt tema", "Stabilitet",
            "Eksempler (redigerede sætninger)"]
    body = "\n".join(_rows(topic_map, tables.get("topic_terms"), min_cell, tables.get("topic_representatives"),
                           lang))
    intro = _("Emner fundet i notaterne (BERTopic), {n} i alt. Mappen har ingen evidenstabel (ingen "
              "<code>kvalitativ summarize</code>/<code>link</code>): rapporten viser derfor kun emnerne. "
              "Antal under {min_cell} personer vises som &lt;{min_cell}.", n=len(topic_map), min_cell=min_cell)
    if "is_emergent" not in topic_map:
        intro += " " + _("Der var ingen kodebog med i <code>kvalitativ discover</code>: kør den igen med "
                         "<code>--codebook</code> for at se hvert emnes nærmeste kodebogstema, og hvilke emner "
                         "der er nye.")
    page = (f"<!doctype html><html lang='{lang}'><head><meta charset='utf-8'><title>{heading}</title>"
            f"<style>{_STYLE}</style></head><body><h1>{heading}</h1><p>{intro}</p>{warn}"
            "<table><thead><tr>" + "".join(f"<th>{_(h)}</th>" for h in head) + f"</tr></thead><tbody>{body}"
            "</tbody></table></body></html>")
    out_path = Path(out_path)
    write_text_atomic(out_path, page)
    return out_path
