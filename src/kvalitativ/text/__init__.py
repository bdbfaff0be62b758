"""Danish text handling: cleaning, sentences, language, lemmas and stop words for keywords."""
