"""Lexical valence with Danish negation."""

from __future__ import annotations

import pytest

from kvalitativ.coding.valence import lexical_polarity


@pytest.mark.parametrize(
    "text, sign",
    [
        ("Ingen problemer med fremmødet.", 1),
        ("Han er ikke motiveret.", -1),
        ("Han mangler motivation.", -1),
        ("Han bliver ikke længere drillet.", 1),
        ("Hun er ikke længere motiveret.", -1),
        ("Han er stoppet med at ryge hash.", 1),
        ("Eleven er umotiveret og gider ikke.", -1),
        ("Der er ingen bekymring for hans fravær.", 1),
        ("Han har svært ved at samarbejde.", -1),
        ("Hun trives godt i klassen.", 1),
        ("Møde aflyst, ny tid sendt.", 0),
    ],
)
def test_polarity_sign(text, sign):
    p = lexical_polarity(text)
    assert (p > 0) - (p < 0) == sign


def test_negation_stops_at_a_clause_break():
    # "ikke" belongs to the first clause; "mobbet" after "men" is not negated
    assert lexical_polarity("Han er ikke glad, men han bliver mobbet") < 0


# --- the fast lexicon pass scores exactly as the first, per-word version ---------------------------
from hypothesis import given, settings  # noqa: E402
from hypothesis import strategies as st  # noqa: E402

from kvalitativ.coding.valence import lexical_polarities  # noqa: E402
from tests.coding.reference_valence import lexical_polarity as reference_polarity  # noqa: E402

# words with and without stems, negators, clause breaks, phrases and their parts, hyphen
# compounds (a clause break inside a word: "sort-og-hvid"), letters outside the token alphabet
_WORDS = ["motiveret", "umotiveret", "motivation", "fravær", "glad", "god", "godt", "trives", "mobbet", "drillet",
          "problemer", "ikke", "Ikke", "ingen", "mangler", "manglende", "aldrig", "uden", "neg", "længere", "mere",
          "men", "og", "mens", "dog", "selvom", "har", "det", "svært", "ved", "for", "sent", "kommer", "går",
          "dårligt", "bedre", "stoppet med", "holder sig fra", "fri for", "ikke noget at lave", "giver op",
          "til tiden", "i god trivsel", "sort-og-hvid", "skole-hjem", "og-ikke", "ikke-motiveret", "-glad",
          "glad-", "2og", "3", "café", "müde", "öglad", "éfravær", "ügod", "ÆBLE", "støtter", "bekymret",
          "hash", "han", "er", "eleven", "hun", "at", "op", "slås", "ind", "xog"]
_SEPS = [" ", " ", " ", ", ", ". ", "! ", "; ", ": ", "? ", "-", "", "  ", "\n", " men ", " og "]


@settings(max_examples=300)
@given(st.lists(st.tuples(st.sampled_from(_WORDS), st.sampled_from(_SEPS)), max_size=25))
def test_same_polarity_as_the_reference(parts):
    text = "".join(w + s for w, s in parts)
    assert lexical_polarity(text) == reference_polarity(text)


@pytest.mark.parametrize("text", [
    "Han er ikke glad, men han bliver mobbet", "Hun er sort-og-hvid glad", "Ikke sort-og-ikke glad",
    "Han har det svært, men ikke noget at lave", "ikke ikke motiveret", "Han har svært ved svært ved det",
    "Han kommer for sent, for sent og for sent", "holder sig fra hash og er ikke længere drillet",
    "éfravær og ügod", "xog ikke glad", "ikke-motiveret", "glad-ikke motiveret", "", "!!!", "Ingen. Glad.",
])
def test_same_polarity_as_the_reference_on_edge_cases(text):
    assert lexical_polarity(text) == reference_polarity(text)


def test_polarities_score_each_text_once_in_order():
    texts = ["Han er ikke motiveret.", "Hun trives.", "Han er ikke motiveret.", ""]
    assert lexical_polarities(texts).tolist() == [reference_polarity(t) for t in texts]
    assert lexical_polarities([]).shape == (0,)


# --- neutral is the default: the embedding contrast counts only where it is clearly there ----------
import numpy as np  # noqa: E402

from kvalitativ.codebook import Theme  # noqa: E402
from kvalitativ.coding.valence import GENERIC_CONCERN, GENERIC_NEUTRAL, GENERIC_STRENGTH, ValenceScorer  # noqa: E402

# a vector space in which strength phrasings point one way, concern phrasings another and
# neutral phrasings a third; the words of the test texts carry no lexicon cue
_STRENGTH, _CONCERN, _NEUTRAL = np.eye(3)[0], np.eye(3)[1], np.eye(3)[2]
_TEXTS = {"gnu": _STRENGTH, "zebra": _CONCERN, "okapi": 0.03 * _STRENGTH + _NEUTRAL,
          "tapir": 0.6 * _STRENGTH + 0.4 * _NEUTRAL}


def _encode(texts):
    def vec(t):
        if t in _TEXTS:
            return _TEXTS[t]
        if t in GENERIC_STRENGTH or t.startswith("styrke"):
            return _STRENGTH
        if t in GENERIC_CONCERN or t.startswith("bekymring"):
            return _CONCERN
        # neutral phrasings scatter a little around the neutral direction
        return _NEUTRAL + 0.02 * (len(t) % 5 - 2) * (_STRENGTH - _CONCERN)
    return np.array([vec(t) / np.linalg.norm(vec(t)) for t in texts], dtype=np.float32)


def _fit(**theme):
    return ValenceScorer().fit([Theme("t", "T", **theme)], _encode, ["neutral a", "neutral b"])


def test_a_theme_without_examples_gets_no_valence_from_the_embedding():
    v = _fit()
    assert not v.has_examples_[0]
    assert v.label(v.score(_encode(["gnu", "zebra"]), ["gnu", "zebra"], np.array([0, 0]))).tolist() == ["neutral"] * 2
    # the lexicon still speaks: "Hun trives godt." is a strength whatever the vector
    assert v.label(v.score(_encode(["okapi"]), ["Hun trives godt."], np.array([0]))).tolist() == ["strength"]


def test_with_examples_the_contrast_counts_only_beyond_the_neutral_scatter():
    v = _fit(examples_strength=["styrke 1"], examples_concern=["bekymring 1"])
    assert v.has_examples_[0] and v.band_[0] > 0
    labels = v.label(v.score(_encode(["gnu", "zebra", "okapi", "tapir"]), ["gnu", "zebra", "okapi", "tapir"],
                             np.zeros(4, dtype=int))).tolist()
    assert labels == ["strength", "concern", "neutral", "strength"]
    # without the band (centring only) the slight lean of "okapi" towards strength would count
    v0 = ValenceScorer(neutral_spread=0).fit([Theme("t", "T", examples_strength=["styrke 1"],
                                                    examples_concern=["bekymring 1"])], _encode, ["neutral a"])
    assert v0.label(v0.score(_encode(["okapi"]), ["okapi"], np.array([0]))).tolist() == ["strength"]


# --- English notes: the codebook's language chooses the lexicon (a trial's English notes got Danish rules) ----
@pytest.mark.parametrize(
    "text, sign",
    [
        ("No problems with attendance at all.", 1),  # Danish rules: "problem" a concern, "no" no negator
        ("Truanting again; absent without notice.", -1),
        ("Frequently absent, missed 6 days this month.", -1),
        ("She has lost interest in her studies.", -1),
        ("He is not motivated.", -1),
        ("She doesn't seem happy.", -1),
        ("He is no longer bullied.", 1),
        ("He is no longer motivated.", -1),
        ("Stopped smoking cannabis.", 1),
        ("Arrives on time and is doing well.", 1),
        ("He is not happy, but he is never late for class.", 0),  # one concern, one negated concern
        ("The meeting is moved to Tuesday.", 0),
        # a review: English stems started other words ("quit" quite, "late" later, "safe" safeguarding ...)
        ("She is quite motivated.", 1),
        ("We will follow up later.", 0),
        ("Safeguarding lead informed about the bruises.", 0),
        ("This note is confidential.", 0),
        ("Parents were fined for non-attendance.", 0),
        ("He plays badminton after school.", 0),
        ("Works in harmony with the group.", 0),
        ("Skipping classes again.", -1),
    ],
)
def test_english_polarity_sign(text, sign):
    p = lexical_polarity(text, "en")
    assert (p > 0) - (p < 0) == sign


def test_the_language_picks_the_lexicon_and_the_generic_phrasings():
    from kvalitativ.coding.valence import generic_phrasings

    assert lexical_polarity("No problems with attendance at all.") < 0  # the Danish lexicon stays the default
    assert lexical_polarity("Ingen problemer med fremmødet.", "sv") > 0  # no lexicon of its own: Danish
    assert generic_phrasings("en")[0][0].startswith("Things are going well")
    v = ValenceScorer(language="en").fit([Theme("t", "T")], _encode, [])
    assert v.label(v.score(_encode(["okapi"]), ["No problems with attendance at all."], np.array([0]))).tolist() == \
        ["strength"]


def test_an_english_codebook_gives_english_valence(tmp_path):
    """The zero-shot coder reads the codebook's language (a trial: "No problems with attendance at all." was a
    concern 20 times in 20 with an English codebook)."""
    from kvalitativ.codebook import codebook_from_dict
    from kvalitativ.coding import ZeroShotCoder

    cb = codebook_from_dict({"name": "en_test", "version": "1", "language": "en", "themes": [
        {"id": "attendance", "label": "Attendance", "definition": "Coming to school, absence and lateness.",
         "examples": {"strength": ["Comes to school every day."], "concern": ["Often absent from school."]}},
        {"id": "wellbeing", "label": "Wellbeing", "definition": "How the pupil feels at school.",
         "examples": {"strength": ["Seems happy at school."], "concern": ["Seems sad and lonely."]}}]})
    texts = ["No problems with attendance at all.", "Truanting again; absent without notice.",
             "Frequently absent from school, missed 6 days this month."]
    coder = ZeroShotCoder(cb, embedder="tfidf", level="note", progress=False).fit(texts)
    assert coder.valence_.language == "en"
    attendance = list(coder.classes_).index("attendance")
    Y = np.zeros((3, len(coder.classes_)), dtype=int)
    Y[:, attendance] = 1  # valence of the attendance theme in each text
    assert coder.predict_valence(texts, Y)[:, attendance].tolist() == ["strength", "concern", "concern"]
