"""Curation (merging and renaming topics) that survives refitting on next year's notes.

Topic ids are arbitrary: a refit numbers topics anew. So every curation step is recorded
with a *snapshot* of the topics as they were when the analyst made it (ids, centroids,
top keywords). To re-apply it to a new model we match old topics to new ones:

**Matching rule.** Similarity between an old and a new topic is the cosine of their
centroids when both live in the same embedding space (same dimension), otherwise the
Jaccard overlap of their top keywords. An old topic *o* matches a new topic *n* when they
are each other's best match (*n* is the most similar new topic to *o* and *o* the most
similar old topic to *n*) and the similarity is at least ``min_similarity`` (0.5 for
cosine, 0.1 for Jaccard). A merge is re-applied to the new topics its old topics matched
(if at least two distinct ones); a rename to the new topic its old topic matched.
Steps that find no match are kept and reported, never guessed.

The steps themselves are plain JSON-able data (lists, dicts, floats, strings), saved with the
model. :class:`CurationMixin` gives the discoverer its curation methods (``merge_topics``,
``rename_topics``, and re-applying recorded steps after a refit); it needs of the model only
its fitted attributes, the BERTopic object and ``_refresh``.
"""

from __future__ import annotations

import numpy as np

from kvalitativ.discover.backend import _quiet_bertopic
from kvalitativ.errors import ConfigError, InputError, KvalitativError

__all__ = ["snapshot", "similarity_matrix", "match_topics", "CurationMixin", "MIN_COSINE", "MIN_JACCARD"]

MIN_COSINE = 0.5
MIN_JACCARD = 0.1


def snapshot(topic_ids, centroids: np.ndarray, keywords: list[list[str]]) -> dict:
    """JSON-able picture of a model's topics (outlier topic -1 excluded)."""
    keep = [i for i, t in enumerate(topic_ids) if int(t) != -1]
    return {
        "topic_ids": [int(topic_ids[i]) for i in keep],
        "keywords": [list(keywords[i][:10]) for i in keep],
        "centroids": [[round(float(v), 6) for v in centroids[i]] for i in keep],
    }


def similarity_matrix(old: dict, new: dict) -> tuple[np.ndarray, str]:
    """(old × new similarities, "cosine" | "jaccard")."""
    a = np.asarray(old.get("centroids") or [], dtype=np.float64)
    b = np.asarray(new.get("centroids") or [], dtype=np.float64)
    if a.ndim == 2 and b.ndim == 2 and a.size and b.size and a.shape[1] == b.shape[1]:
        an = a / np.maximum(np.linalg.norm(a, axis=1, keepdims=True), 1e-12)
        bn = b / np.maximum(np.linalg.norm(b, axis=1, keepdims=True), 1e-12)
        return an @ bn.T, "cosine"
    sim = np.zeros((len(old["keywords"]), len(new["keywords"])))
    for i, ka in enumerate(old["keywords"]):
        for j, kb in enumerate(new["keywords"]):
            sa, sb = set(ka), set(kb)
            sim[i, j] = len(sa & sb) / len(sa | sb) if sa | sb else 0.0
    return sim, "jaccard"


def match_topics(old: dict, new: dict, min_similarity: float | None = None) -> dict[int, tuple[int, float]]:
    """Old topic id -> (new topic id, similarity) by the mutual-best rule above."""
    if not old["topic_ids"] or not new["topic_ids"]:
        return {}
    sim, kind = similarity_matrix(old, new)
    floor = min_similarity if min_similarity is not None else (MIN_COSINE if kind == "cosine" else MIN_JACCARD)
    best_new = sim.argmax(axis=1)
    best_old = sim.argmax(axis=0)
    out = {}
    for i, j in enumerate(best_new):
        if best_old[j] == i and sim[i, j] >= floor:
            out[int(old["topic_ids"][i])] = (int(new["topic_ids"][j]), float(sim[i, j]))
    return out


class CurationMixin:
    """Merging and renaming topics, recorded in ``curation_`` so a refit can re-apply them."""

    def _snapshot(self) -> dict:
        kws = [list(k) for k in self.topic_info_.keywords]
        return snapshot(list(self.topic_info_.topic_id), self.centroids_, kws)

    def _require_docs(self) -> None:
        if getattr(self, "_texts", None) is None or getattr(self, "_emb", None) is None:
            raise KvalitativError("discover: merging needs the notes the model was fitted on; a loaded model "
                                  "has not got them: call attach(notes, embeddings) first, or refit")

    # ------------------------------------------------------------------ curation
    def merge_topics(self, groups) -> "Discoverer":
        """Merge topics, e.g. ``[[1, 4], [2, 7, 9]]`` (a flat ``[1, 4]`` is one group).

        Recorded in ``curation_`` and re-applied when the model is refitted (see curation.py
        for the matching rule). Topic ids are renumbered by size afterwards.
        """
        self._check_fitted()
        self._require_docs()
        if groups and all(isinstance(g, (int, np.integer)) for g in groups):
            groups = [groups]
        groups = [[int(t) for t in g] for g in groups]
        valid, seen = set(self.topic_ids_.tolist()), set()
        for g in groups:
            bad = [t for t in g if t not in valid]
            if bad:
                raise InputError(f"discover: cannot merge unknown topic id(s) {bad}; topics are "
                                 f"{sorted(valid)} (the outlier topic -1 cannot be merged)")
            if seen & set(g):
                raise InputError(f"discover: topic(s) {sorted(seen & set(g))} appear in two merge groups")
            seen |= set(g)
        groups = [g for g in groups if len(set(g)) >= 2]
        if not groups:
            return self
        self.curation_.append({"op": "merge", "topics": groups, "context": self._snapshot()})
        self._apply_merge(groups)
        return self

    def _apply_merge(self, groups) -> None:
        old_topics = self.topics_.copy()
        with _quiet_bertopic():
            self.model_.merge_topics(self._texts, [list(g) for g in groups])
        new_topics = np.asarray(self.model_.topics_, dtype=int)
        new_labels: dict[int, str] = {}
        order = [t for g in groups for t in g] + sorted(self.labels_)
        for t in order:
            if t in self.labels_:
                nid = int(new_topics[np.flatnonzero(old_topics == t)[0]])
                new_labels.setdefault(nid, self.labels_[t])
        self.labels_ = new_labels
        self._refresh()

    def rename_topics(self, labels: dict) -> "Discoverer":
        """Give topics human labels, e.g. ``{0: "Søvn og træthed"}``; kept across refits."""
        self._check_fitted()
        valid = set(self.topic_ids_.tolist())
        for t, lab in labels.items():
            if int(t) not in valid:
                raise InputError(f"discover: cannot rename unknown topic id {t}; topics are {sorted(valid)}")
            if not str(lab).strip():
                raise InputError(f"discover: the new label for topic {t} is empty")
        ctx = self._snapshot()
        for t, lab in labels.items():
            self.curation_.append({"op": "rename", "topic": int(t), "label": str(lab).strip(), "context": ctx})
            self.labels_[int(t)] = str(lab).strip()
        self._refresh()
        return self

    def _reapply(self, steps: list[dict]) -> None:
        for step, op in enumerate(steps):
            matches = match_topics(op["context"], self._snapshot())
            if op["op"] == "merge":
                new_groups, used = [], set()
                for g in op["topics"]:
                    targets = []
                    for t in g:
                        nt, sim = matches.get(int(t), (None, float("nan")))
                        self._report.append({"step": step, "op": "merge", "old_topic": int(t), "new_topic": nt,
                                             "similarity": sim, "applied": False})
                        if nt is not None and nt not in targets and nt not in used:
                            targets.append(nt)
                    if len(targets) >= 2:
                        new_groups.append(targets)
                        used |= set(targets)
                if new_groups:
                    applied = {t for g in new_groups for t in g}
                    for r in self._report:
                        if r["step"] == step and r["new_topic"] in applied:
                            r["applied"] = True
                    self.merge_topics(new_groups)
                else:
                    self.curation_.append(op)  # carried forward, for a later refit
            elif op["op"] == "rename":
                nt, sim = matches.get(int(op["topic"]), (None, float("nan")))
                self._report.append({"step": step, "op": "rename", "old_topic": int(op["topic"]),
                                     "new_topic": nt, "similarity": sim, "applied": nt is not None})
                if nt is not None:
                    self.rename_topics({nt: op["label"]})
                else:
                    self.curation_.append(op)
            else:
                raise ConfigError(f"discover: unknown curation step {op.get('op')!r}")
