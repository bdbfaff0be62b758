"""The report of a folder that holds discovered topics but no evidence (discovery without link).

A researcher exploring what notes are about runs `kvalitativ discover` and wants to read the
topics before deciding on a codebook or a link; that folder has no `evidence` table, so the
full report cannot be made. This page shows what discovery published: each topic's label,
size (small counts hidden), keywords, the nearest codebook theme and stability (unstable topics
marked), three redacted sentences from its representative notes; emergent topics come first.
It reads only published tables — never the corpus — so the only note text it holds is those
sentences, redacted a second time when discovery published them.
"""

from __future__ import annotations

import html
from pathlib import Path

import pandas as pd

from kvalitativ.discover.stability import UNSTABLE
from kvalitativ.evidence.fmt import fmt_num
from kvalitativ.io.atomic import write_text_atomic

_STYLE = ("body{font-family:system-ui,sans-serif;max-width:60rem;margin:2rem auto;padding:0 1rem;color:#222}"
          "table{border-collapse:collapse;width:100%}td,th{border-bottom:1px solid #ddd;padding:.35rem;"
          "text-align:left;vertical-align:top}td.num,th.num{text-align:right}.caveat{color:#555}")


def _count(value, min_cell: int) -> str:
    if value is None or pd.isna(value):
        return "–"
    return f"<{min_cell}" if int(value) < min_cell else str(int(value))


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
          reps: pd.DataFrame | None = None) -> list[str]:
    examples = _examples(reps)
    words = {}
    if terms is not None and not terms.empty:
        ordered = terms.sort_values(["theme_id", "rank"])
        words = {str(t): ", ".join(map(str, g["term"].head(8))) for t, g in ordered.groupby("theme_id", sort=False)}
    rows = []
    for r in _ordered(topic_map).to_dict("records"):
        near = r.get("codebook_label")
        near = "–" if near is None or pd.isna(near) else f"{near} ({fmt_num(float(r.get('similarity', float('nan'))), 2)})"
        stability = r.get("stability")
        stability = "–" if stability is None or pd.isna(stability) else (
            fmt_num(float(stability), 2) + (" <b>ustabil</b>" if float(stability) < UNSTABLE else ""))
        new = "ja" if bool(r.get("is_emergent", False)) else "nej"
        cells = [html.escape(str(r.get("label", r["theme_id"]))), _count(r.get("n_notes"), min_cell),
                 _count(r.get("n_persons"), min_cell), html.escape(words.get(str(r["theme_id"]), "")),
                 html.escape(near), new, stability, examples.get(str(r["theme_id"]), "")]
        rows.append("<tr>" + "".join(f"<td class='num'>{c}</td>" if i in (1, 2, 6) else f"<td>{c}</td>"
                                     for i, c in enumerate(cells)) + "</tr>")
    return rows


def render_topics_report(tables: dict[str, pd.DataFrame], out_path: str | Path, meta: dict | None = None) -> Path:
    """Write the discovery-only report (self-contained HTML) and return its path."""
    meta = meta or {}
    min_cell = int(meta.get("min_cell") or 5)
    topic_map = tables["topic_map"]
    title = html.escape(str(meta.get("title") or "Kvalitativ evidens"))
    n_notes = pd.to_numeric(topic_map.get("n_notes"), errors="coerce")
    share = (n_notes.max() / n_notes.sum()) if n_notes is not None and n_notes.sum() > 0 else float("nan")
    warn = (f"<p class='caveat'><b>Bemærk:</b> ét emne rummer {share:.0%} af notaterne; prøv "
            "<code>kvalitativ tune</code> eller en mindre <code>min_topic_size</code>.</p>"
            if share == share and share > 0.5 else "")
    stab = pd.to_numeric(topic_map.get("stability"), errors="coerce") if "stability" in topic_map else None
    if stab is not None and (stab < UNSTABLE).any():
        warn += (f"<p class='caveat'><b>Ustabile emner:</b> {int((stab < UNSTABLE).sum())} emne(r) kom ikke igen "
                 f"med de samme notater, når grupperingen blev gentaget med andre frø (stabilitet under "
                 f"{fmt_num(UNSTABLE, 1)}: mindre end halvdelen af notaterne blev sammen). Læs dem med forsigtighed.</p>")
    head = ["Emne", "Notater", "Personer", "Nøgleord", "Nærmeste kodebogstema (lighed)", "Nyt tema", "Stabilitet",
            "Eksempler (redigerede sætninger)"]
    body = "\n".join(_rows(topic_map, tables.get("topic_terms"), min_cell, tables.get("topic_representatives")))
    page = (f"<!doctype html><html lang='da'><head><meta charset='utf-8'><title>{title}</title>"
            f"<style>{_STYLE}</style></head><body><h1>{title}</h1>"
            f"<p>Emner fundet i notaterne (BERTopic), {len(topic_map)} i alt. Mappen har ingen evidenstabel "
            "(ingen <code>kvalitativ summarize</code>/<code>link</code>): rapporten viser derfor kun emnerne. "
            f"Antal under {min_cell} personer vises som &lt;{min_cell}.</p>{warn}"
            "<table><thead><tr>" + "".join(f"<th>{h}</th>" for h in head) + f"</tr></thead><tbody>{body}"
            "</tbody></table></body></html>")
    out_path = Path(out_path)
    write_text_atomic(out_path, page)
    return out_path
