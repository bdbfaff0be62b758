"""Topic labels: lemmatised key phrases, no place names, no stem twice across topics."""

from __future__ import annotations

from kvalitativ.discover.labels import NO_WORDS, topic_labels
from kvalitativ.text.places import is_place
from kvalitativ.text.stems import stem


def test_place_names_never_make_a_label():
    labels = topic_labels({0: ["esbjerg", "hillerød", "randers", "fravær", "fremmøde", "for sent"]})
    assert labels[0] == "fravær, fremmøde, for sent"
    assert topic_labels({0: ["the", "up", "follow-up", "after", "side"]})[0] == "follow-up, side"
    assert is_place("Randers") and is_place("hillerød kommune") and not is_place("søvn")


def test_larger_topic_keeps_a_shared_word_and_the_smaller_is_named_by_what_sets_it_apart():
    kw = {0: ["skole", "trivsel", "ven"], 1: ["skoler", "fravær", "pjække", "sent"]}
    labels = topic_labels(kw, sizes={0: 10, 1: 40})
    assert labels[1] == "skoler, fravær, pjække"
    assert labels[0] == "trivsel, ven"  # "skole" has the stem of topic 1's "skoler"
    # a topic whose every word is taken still gets its own words rather than none
    assert topic_labels({0: ["søvn"], 1: ["søvnen"]}, {0: 5, 1: 3})[1] == "søvnen"
    assert topic_labels({0: ["aarhus"]})[0] == NO_WORDS


def test_inflections_share_one_stem_within_a_label():
    assert topic_labels({0: ["skolerne", "skole", "lærer"]})[0] == "skolerne, lærer"
    assert stem("skolerne") == stem("skoler") == stem("skole")


def test_no_number_words_and_a_hyphen_joins_like_a_space():
    """'anxiety, to' and 'follow-up, school, follow up' were labels of the sample's topics."""
    assert topic_labels({0: ["anxiety", "to", "tre uger", "panik"]})[0] == "anxiety, panik"
    assert topic_labels({0: ["follow-up", "school", "follow up", "meeting"]})[0] == "follow-up, school, meeting"
    # across topics too: "uu-vejleder" shares "uu" with the larger topic's "uu"
    assert topic_labels({0: ["uu", "vejledning"], 1: ["uu-vejleder", "praktik"]}, {0: 9, 1: 3})[1] == "praktik"
    # English notes take the English number words only ("fem" is no number there, "ten" is)
    assert topic_labels({0: ["fem", "ten", "alarm"]}, language="en")[0] == "fem, alarm"
    assert topic_labels({0: ["fem", "ten", "alarm"]})[0] == "alarm"
