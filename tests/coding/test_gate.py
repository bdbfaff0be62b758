"""Two-level agreement: sentence codes gated by the note-level coder (``make_coder(note_gate=...)``; tfidf)."""

from __future__ import annotations

import numpy as np
import pandas as pd
import pytest

from kvalitativ.coding import GatedCoder, ZeroShotCoder, code_notes
from kvalitativ.coding.api import make_coder
from kvalitativ.coding.gate import gate_decisions, note_texts
from kvalitativ.coding.units import segment_corpus

from .conftest import make_corpus


def _pairs(codings: pd.DataFrame) -> set:
    c = codings[codings["theme_id"] != "uncoded"]
    return set(zip(c["segment_id"], c["theme_id"]))


def test_off_by_default_and_identical_codings_with_the_option_off(mini_codebook):
    corpus, _ = make_corpus(60)
    plain = ZeroShotCoder(mini_codebook, embedder="tfidf", progress=False).code(corpus)
    assert isinstance(make_coder(corpus, mini_codebook, embedder="tfidf"), ZeroShotCoder)
    assert isinstance(make_coder(corpus, mini_codebook, embedder="tfidf", note_gate=0.0), ZeroShotCoder)
    pd.testing.assert_frame_equal(code_notes(corpus, mini_codebook, embedder="tfidf", progress=False), plain)
    pd.testing.assert_frame_equal(code_notes(corpus, mini_codebook, embedder="tfidf", progress=False, note_gate=0), plain)
    # at note level there is nothing to gate: the plain coder, whatever the gate (SIB-200 is coded so)
    assert isinstance(make_coder(corpus, mini_codebook, embedder="tfidf", level="note", note_gate=0.5), ZeroShotCoder)


def test_a_sentence_code_is_dropped_when_its_note_as_a_whole_is_about_something_else():
    # note 0: two sentences; the second is coded motivation (theme 1) on its own, but the note read
    # whole is about bullying (theme 2) and scores motivation far below the note threshold
    coded = np.array([[0, 0, 1], [0, 1, 0], [0, 1, 0]], dtype=bool)
    scores = np.array([[0.1, 0.2, 0.9], [0.1, 0.7, 0.3], [0.1, 0.8, 0.1]])
    note_of = np.array([0, 0, 1])
    note_scores = np.array([[0.05, 0.1, 0.95], [0.1, 0.9, 0.1]])
    thr = np.full(3, 0.5)
    out = gate_decisions(coded, scores, note_of, note_scores, thr, 0.5)
    assert out.tolist() == [[False, False, True], [False, False, False], [False, True, False]]
    # at a bar the note reaches (0.1 >= 0.1 * 0.5) the code stays
    assert gate_decisions(coded, scores, note_of, note_scores, thr, 0.1)[1, 1]


def test_the_gate_wired_through_code_drops_what_the_note_coder_rejects(mini_codebook, monkeypatch):
    corpus = pd.DataFrame({"note_id": ["A", "B"],
                           "text": ["Hun bliver mobbet i frikvarteret. Eleven er umotiveret.", "Eleven er umotiveret."]})
    big, _ = make_corpus(60)
    fit_on = pd.concat([big, corpus], ignore_index=True)
    coder = GatedCoder(mini_codebook, embedder="tfidf", gate=0.5, options=dict(progress=False))
    units = segment_corpus(fit_on)
    coder.fit(list(units["text"]), groups=units["note_id"].to_numpy(dtype=object))
    plain = coder.unit_coder_.code(corpus)
    assert ("A:s2", "motivation") in _pairs(plain) and ("B:s1", "motivation") in _pairs(plain)
    classes = list(coder.classes_)

    def note_scores(U, texts=None, groups=None):  # note A is about bullying only, note B about motivation
        out = np.zeros((len(texts), len(classes)))
        for i, t in enumerate(texts):
            out[i, classes.index("mobning" if "mobbet" in t else "motivation")] = 0.9
        return out

    monkeypatch.setattr(coder.note_coder_, "_scores", note_scores)
    gated = coder.code(corpus)
    assert ("A:s2", "motivation") not in _pairs(gated)
    assert ("B:s1", "motivation") in _pairs(gated)
    assert _pairs(gated) <= _pairs(plain)
    assert list(gated.columns) == list(plain.columns)
    kept = gated[gated["theme_id"] != "uncoded"].merge(plain, on=["segment_id", "theme_id"])
    np.testing.assert_array_equal(kept["score_x"], kept["score_y"])  # scores unchanged


@pytest.mark.parametrize("gate", [0.5, 0.75])
def test_the_gate_never_adds_a_theme_the_note_coder_rejects(mini_codebook, gate):
    corpus, _ = make_corpus(80, seed=3)
    coder = GatedCoder(mini_codebook, embedder="tfidf", gate=gate, options=dict(progress=False))
    gated = coder.code(corpus)
    plain = coder.unit_coder_.code(corpus)
    assert _pairs(gated) <= _pairs(plain)
    units = segment_corpus(corpus)
    notes, note_of = note_texts(units["text"], units["note_id"].to_numpy(dtype=object))
    nc = coder.note_coder_
    ns = nc.predict_proba(notes)
    note_row = dict(zip(units["note_id"].to_numpy(dtype=object)[np.unique(note_of, return_index=True)[1]],
                        range(len(notes))))
    col = {c: j for j, c in enumerate(coder.classes_)}
    thr = nc.decision_thresholds()
    for nid, th in zip(gated["note_id"], gated["theme_id"]):
        if th != "uncoded":
            assert ns[note_row[nid], col[th]] >= gate * thr[col[th]]


def test_the_reverse_variant_adds_only_what_the_note_coder_codes(mini_codebook):
    corpus, _ = make_corpus(80, seed=3)
    coder = GatedCoder(mini_codebook, embedder="tfidf", gate=0.5, add=True, options=dict(progress=False))
    gated = coder.code(corpus)
    only_gate = GatedCoder(mini_codebook, embedder="tfidf", gate=0.5, options=dict(progress=False)).code(corpus)
    added = _pairs(gated) - _pairs(only_gate)
    units = segment_corpus(corpus)
    notes, _ = note_texts(units["text"], units["note_id"].to_numpy(dtype=object))
    note_ids = list(dict.fromkeys(units["note_id"]))
    decided = coder.note_coder_.decide(coder.note_coder_.predict_proba(notes))
    col = {c: j for j, c in enumerate(coder.classes_)}
    for seg, th in added:
        assert decided[note_ids.index(seg.split(":")[0]), col[th]]
    # hand-made: theme 0 coded for the note, no sentence has it: it goes to the sentence scoring highest for it
    out = gate_decisions(np.zeros((2, 2), bool), np.array([[0.2, 0.1], [0.4, 0.1]]), np.array([0, 0]),
                         np.array([[0.9, 0.1]]), np.full(2, 0.5), 0.5, note_coded=np.array([[True, False]]))
    assert out.tolist() == [[False, False], [True, False]]


def test_chunked_coding_of_whole_notes_equals_coding_the_whole_corpus(mini_codebook):
    corpus, _ = make_corpus(90, seed=5)
    for add in (False, True):
        coder = GatedCoder(mini_codebook, embedder="tfidf", gate=0.75, add=add, options=dict(progress=False))
        units = segment_corpus(corpus)
        coder.fit(list(units["text"]), groups=units["note_id"].to_numpy(dtype=object))
        whole = coder.code(corpus)
        chunks = pd.concat([coder.code(corpus.iloc[i:i + 17]) for i in range(0, len(corpus), 17)], ignore_index=True)
        pd.testing.assert_frame_equal(chunks, whole)
