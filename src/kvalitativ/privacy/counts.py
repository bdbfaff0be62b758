"""Which columns of each published table count persons, and the writer's last guard on them.

The tables come from different stages; the writer (:mod:`kvalitativ.io.store`) checks them all
the same way just before publishing, so a stage that forgot a rule cannot leak a small count.
"""

from __future__ import annotations

import pandas as pd

from kvalitativ.privacy.suppress import SmallCellError, assert_no_small_cells, suppress_small_cells

#: Person-count columns per table; every row must be suppressed or count 0 or ≥ threshold.
COUNT_COLUMNS: dict[str, list[str]] = {
    "prevalence": ["n_persons", "persons_total"],
    "associations": ["n_with", "n_without", "events_with", "events_without"],
    "added_value": ["n_events"],
    "link_exclusions": ["n_persons"],
    "evidence": ["n_persons"],
    "citizen_evidence": ["n_persons"],
    "citizen_prevalence": ["n_persons", "persons_total"],
    "joint_display": ["n_persons"],
    "topic_map": ["n_persons"],
}
#: Person counts a table publishes by difference (name: (total, part)): checked like the counts,
#: computed for the check only and never written ("2 of the 30 with the theme stayed").
DERIVED_COUNTS: dict[str, dict[str, tuple[str, str]]] = {
    "prevalence": {"persons_without": ("persons_total", "n_persons")},
    "citizen_prevalence": {"persons_without": ("persons_total", "n_persons")},
    "associations": {"nonevents_with": ("n_with", "events_with"),
                     "nonevents_without": ("n_without", "events_without")},
}
#: Groups of rows that add up to a published total, for secondary suppression (None = the
#: suppression helper's default grouping). A theme's ``any`` row is the union of its valence
#: rows, so they form a group too. Listed groups are also checked by the last guard.
SUPPRESSION_GROUPS: dict[str, list[list[str]] | None] = {
    "evidence": [["theme_id", "valence"]],
    "prevalence": [["theme_id", "valence", "group_by"], ["theme_id", "group_by", "group_value"]],
    "citizen_prevalence": [["theme_id", "valence", "group_by"], ["theme_id", "group_by", "group_value"]],
    "associations": [["theme_id", "indicator"]],
}


def guard_counts(name: str, frame: pd.DataFrame, min_cell: int) -> pd.DataFrame:
    """The last guard on person counts: suppress what a stage left showing (small counts, small
    complements, a group with one hidden row), then check; the complements are dropped again."""
    derived = {d: pair for d, pair in DERIVED_COUNTS.get(name, {}).items() if set(pair) <= set(frame.columns)}
    frame = frame.assign(**{d: pd.to_numeric(frame[total], errors="coerce") - pd.to_numeric(frame[part], errors="coerce")
                            for d, (total, part) in derived.items()})
    counts = [c for c in COUNT_COLUMNS.get(name, []) if c in frame.columns] + list(derived)
    if not counts:
        return frame
    groups = SUPPRESSION_GROUPS.get(name, ())
    try:
        assert_no_small_cells(frame, counts, min_cell, by=groups, table=name)
    except SmallCellError:
        frame = suppress_small_cells(frame, counts, threshold=min_cell, by=SUPPRESSION_GROUPS.get(name))
    assert_no_small_cells(frame, counts, min_cell, by=groups, table=name)  # the last guard before publishing
    return frame.drop(columns=list(derived))
