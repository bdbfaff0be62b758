"""``codings_frame`` as first written (before the speed-up), kept verbatim so the tests can pin the
vectorised version in ``kvalitativ.coding.base`` to exactly the same table."""

from __future__ import annotations

import numpy as np
import pandas as pd

from kvalitativ.coding.base import CODINGS_COLUMNS, UNCODED


def codings_frame(corpus: pd.DataFrame, units: pd.DataFrame, scores: np.ndarray, coded: np.ndarray,
                  valence: np.ndarray, classes: list[str], method: str, run_id: str | None) -> pd.DataFrame:
    """Rows for every coded (unit, theme), plus one ``uncoded`` row per note with none."""
    ui, ti = np.nonzero(coded)
    out = pd.DataFrame({
        "note_id": units["note_id"].to_numpy(dtype=object)[ui],
        "person_id": units["person_id"].to_numpy(dtype=object)[ui],
        "segment_id": units["segment_id"].to_numpy(dtype=object)[ui],
        "start": units["start"].to_numpy()[ui],
        "end": units["end"].to_numpy()[ui],
        "theme_id": np.asarray(classes, dtype=object)[ti],
        "score": scores[ui, ti].astype(float),
        "valence": np.asarray(valence, dtype=object)[ui, ti] if len(ui) else np.array([], dtype=object),
    })
    # notes without any coded unit
    note_ids = corpus["note_id"].astype(str).to_numpy(dtype=object)
    has = set(out["note_id"])
    best = {}
    if len(units):
        unit_max = scores.max(axis=1) if scores.shape[1] else np.zeros(len(units))
        best = pd.Series(unit_max).groupby(units["note_id"].to_numpy()).max().to_dict()
    persons = corpus["person_id"].to_numpy(dtype=object) if "person_id" in corpus.columns else [None] * len(corpus)
    texts = np.asarray(corpus["text"].fillna(""), dtype=object)
    unc = [
        {"note_id": nid, "person_id": pid, "segment_id": f"{nid}:note", "start": 0, "end": len(str(text)),
         "theme_id": UNCODED, "score": float(1.0 - best.get(nid, 0.0)), "valence": None}
        for nid, pid, text in zip(note_ids, persons, texts) if nid not in has
    ]
    if unc:
        out = pd.concat([out, pd.DataFrame(unc)], ignore_index=True) if len(out) else pd.DataFrame(unc)
    order = {nid: i for i, nid in enumerate(note_ids)}
    theme_order = {t: i for i, t in enumerate([*classes, UNCODED])}
    out["_n"] = out["note_id"].map(order)
    out["_t"] = out["theme_id"].map(theme_order)
    out = out.sort_values(["_n", "start", "_t"], kind="stable").drop(columns=["_n", "_t"])
    out.insert(0, "run_id", run_id)
    out["method"] = method
    out["start"] = out["start"].astype("int64")
    out["end"] = out["end"].astype("int64")
    out["score"] = out["score"].astype(float).round(6)
    out["valence"] = out["valence"].astype(object)
    return out[CODINGS_COLUMNS].reset_index(drop=True)
