"""The Danish keyword analyzer and the curated stop list."""

from sklearn.feature_extraction.text import CountVectorizer

from kvalitativ.text.lemmas import DanishAnalyzer, lemma, lemmatise_phrase
from kvalitativ.text.stopwords import DANISH_STOPWORDS, MEANING_BEARING, derive_stopwords


def test_lowercases_and_lemmatises_danish_keeping_aeoeaa():
    toks = DanishAnalyzer()("Skolebørnene sover dårligt. Trivslen i skolen og bæredygtigheden på årgangen")
    assert toks == ["skolebarn", "sove", "dårlig", "trivsel", "skole", "bæredygtighed", "årgang"]


def test_keeps_meaning_bearing_words_and_drops_plain_stop_words():
    toks = DanishAnalyzer()("Han er ikke motiveret, meget alene og har ingen venner; han klarer sig selv")
    for word in ("ikke", "meget", "alene", "ingen", "selv"):
        assert word in toks
    for word in ("han", "er", "og", "har", "sig"):
        assert word not in toks


def test_meaning_bearing_words_are_not_in_the_stop_list():
    assert not (MEANING_BEARING & DANISH_STOPWORDS)
    assert {"og", "at", "det", "er", "fx"} <= DANISH_STOPWORDS


def test_shipped_stop_list_matches_its_derivation_from_spacy():
    assert DANISH_STOPWORDS == derive_stopwords()


def test_redaction_placeholders_and_numbers_are_not_tokens():
    toks = DanishAnalyzer()("Samtale med [NAVN] ([CPR]) den 12.03 om fravær <EMAIL> [NAVN_2]")
    assert toks == ["samtale", "fravær"]


def test_bigrams_stay_inside_a_phrase():
    grams = DanishAnalyzer(ngram_range=(1, 2))("Dårlig søvn. Godt fremmøde")
    assert "dårlig søvn" in grams and "god fremmøde" in grams
    assert "søvn god" not in grams


def test_lookup_lemmas_and_overrides():
    assert lemma("børnene") == "barn"
    assert lemma("godt") == "god"  # the lookup table says "godte" (sweets)
    assert lemmatise_phrase("Mødestabilitet og fravær") == "mødestabilitet fravær"


def test_usable_as_countvectorizer_analyzer():
    cv = CountVectorizer(analyzer=DanishAnalyzer(ngram_range=(1, 2)))
    cv.fit(["Søvnen er dårlig", "Fremmødet er godt", "Eleven trives på årgangen"])
    vocab = set(cv.get_feature_names_out())
    assert {"søvn", "dårlig", "fremmøde", "god", "årgang"} <= vocab
    assert "søvn dårlig" in vocab


def test_empty_and_missing_text():
    assert DanishAnalyzer()("") == [] and DanishAnalyzer()(None) == []
