"""A curated Danish stop list for *keywords only* (c-TF-IDF, topic terms).

Why curated: spaCy's Danish list contains words that carry meaning in notes about
young people — ``ikke``, ``meget``, ``alene``, ``selv``, ``ingen``, ``aldrig`` …
("ikke motiveret", "meget alene", "ingen venner"). Dropping them would turn a
concern into its opposite. The list here is spaCy's list MINUS
:data:`MEANING_BEARING`, PLUS :data:`EXTRA` (abbreviations and function words
spaCy lacks). It is frozen in ``resources/danish_stopwords.txt`` so that a spaCy
upgrade cannot silently change topic words; :func:`derive_stopwords` rebuilds it.

Never strip stop words before embedding: embedders need the whole sentence.
"""

from __future__ import annotations

from functools import lru_cache
from pathlib import Path

#: Words in spaCy's Danish stop list that we keep because they carry meaning
#: (negation, degree, quantity, being alone/with others, frequency, quality).
MEANING_BEARING: frozenset[str] = frozenset(
    {
        "ikke", "ingen", "intet", "aldrig", "altid", "tit",
        "meget", "mange", "mere", "mest", "mindre", "mindst", "lidt", "lille",
        "flere", "fleste", "selv", "alene", "andre", "sammen", "uden", "imod",
        "god", "godt", "dårligt", "lav", "længere", "stadig", "ny", "nyt",
    }
)

#: Function words and abbreviations common in case notes but missing from spaCy.
EXTRA: frozenset[str] = frozenset(
    {
        "sin", "sit", "sine", "hos", "mod", "når", "ja", "nej", "hinanden",
        "hvilket", "sådant", "sådanne", "dets", "vort", "dit", "både", "samt",
        "måtte", "fx", "f.eks", "f.eks.", "bl.a", "bl.a.", "pga", "pga.", "osv",
        "osv.", "ca", "ca.", "mv", "mv.", "evt", "evt.", "ift", "ift.", "mht",
        "mht.", "hhv", "hhv.", "dvs", "dvs.", "iht", "jf", "jf.", "kl", "kl.",
        "nr", "nr.", "mfl", "m.fl.", "etc", "etc.",
    }
)

_RESOURCE = "danish_stopwords.txt"


def derive_stopwords() -> frozenset[str]:
    """Rebuild the list from spaCy: spaCy's Danish stop words - MEANING_BEARING + EXTRA."""
    from spacy.lang.da.stop_words import STOP_WORDS

    return frozenset((set(STOP_WORDS) - MEANING_BEARING) | EXTRA)


def _load() -> frozenset[str]:
    text = (Path(__file__).resolve().parent.parent / "resources" / _RESOURCE).read_text(encoding="utf-8")
    words = (line.split("#", 1)[0].strip() for line in text.splitlines())
    return frozenset(w for w in words if w)


def write_resource(path) -> None:
    """Write :func:`derive_stopwords` to *path* (how the shipped file was made)."""
    header = (
        "# Danish stop words for keywords (c-TF-IDF) in kvalitativ; one per line.\n"
        "# = spaCy's Danish STOP_WORDS - kvalitativ.text.stopwords.MEANING_BEARING\n"
        "#   + kvalitativ.text.stopwords.EXTRA. Regenerate with write_resource().\n"
    )
    body = "\n".join(sorted(derive_stopwords()))
    with open(path, "w", encoding="utf-8") as fh:
        fh.write(header + body + "\n")


DANISH_STOPWORDS: frozenset[str] = _load()



@lru_cache(maxsize=1)
def english_stopwords() -> frozenset[str]:
    """scikit-learn's English stop list, the one list for English notes (keywords of English
    evidence, English words kept out of topic labels); loaded on first use."""
    from sklearn.feature_extraction.text import ENGLISH_STOP_WORDS

    return frozenset(ENGLISH_STOP_WORDS)


__all__ = ["DANISH_STOPWORDS", "MEANING_BEARING", "EXTRA", "derive_stopwords", "write_resource", "english_stopwords"]
