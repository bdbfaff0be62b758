"""Danish sentence splitting keeps spans and does not break at abbreviations or ordinals."""

from __future__ import annotations

from hypothesis import given
from hypothesis import strategies as st

from kvalitativ.text.sentences import split_sentences


def sentences(text):
    return [s for _, _, s in split_sentences(text)]


def test_spans_point_into_the_text():
    text = "  Han går i 9. klasse.  Han kommer pga. sygdom ikke!\nNæste møde d. 3. marts kl. 10. "
    spans = split_sentences(text)
    assert [s for _, _, s in spans] == ["Han går i 9. klasse.", "Han kommer pga. sygdom ikke!",
                                        "Næste møde d. 3. marts kl. 10."]
    for a, b, s in spans:
        assert text[a:b] == s


def test_abbreviations_do_not_end_sentences():
    text = "Vi talte bl.a. om fravær, f.eks. om mandagen. Mht. Matematik går det fint ift. sidste år. Ca. 20 elever."
    assert sentences(text) == ["Vi talte bl.a. om fravær, f.eks. om mandagen.",
                               "Mht. Matematik går det fint ift. sidste år.", "Ca. 20 elever."]


def test_english_titles_and_abbreviations_do_not_end_sentences():
    """A trial's English notes: "Met Mr." | "Jones and Dr. Patel today." | "He was absent approx." | ..."""
    text = "Met Mr. Jones and Mrs. Patel today. He was absent approx. 3 days. Ms. Holm agreed."
    assert [s for _, _, s in split_sentences(text)] == [
        "Met Mr. Jones and Mrs. Patel today.", "He was absent approx. 3 days.", "Ms. Holm agreed."]
    # an abbreviation that often ends a sentence is no exception (a review: "Missed appt." ran on)
    assert len(split_sentences("Missed appt. Mum called later.")) == 2


def test_line_breaks_and_bullets_end_sentences():
    assert sentences("- ingen problemer med fremmødet\n- Ikke længere motiveret") == [
        "- ingen problemer med fremmødet", "- Ikke længere motiveret"]


def test_question_exclamation_quotes_and_ellipsis():
    assert sentences('Hvorfor? Det ved vi ikke! "Jeg gider ikke." Sagde han... Så gik han.') == [
        "Hvorfor?", "Det ved vi ikke!", '"Jeg gider ikke."', "Sagde han...", "Så gik han."]


def test_decimals_initials_and_osv():
    assert sentences("Prisen var 3.5 kr. Det er dyrt.") == ["Prisen var 3.5 kr.", "Det er dyrt."]
    assert sentences("H. C. Andersen skrev eventyr osv. Det er godt.") == ["H. C. Andersen skrev eventyr osv.",
                                                                          "Det er godt."]


def test_empty():
    assert split_sentences("") == [] and split_sentences("   \n ") == []


@given(st.text(alphabet=st.sampled_from(list("abc ÆØå.!?\n 9")), max_size=80))
def test_spans_are_exact_ordered_and_disjoint(text):
    last = 0
    for a, b, s in split_sentences(text):
        assert text[a:b] == s and s == s.strip() and s
        assert a >= last
        last = b


# --- the fast splitter gives exactly the spans of the first, per-terminator version ----------------
from tests.text.reference_sentences import split_sentences as reference_split  # noqa: E402

_PIECES = ["Han", "går", "i", "9.", "klasse", "pga.", "f.eks.", "Covid", "kl.", "10.", "H.", "C.", "osv.", "etc.",
           "3.5", "www.x.dk", "Det", "ikke", "d.", "Marts", "Mht.", "ca.", "20", "nr.", "Stk.", "kr.", "Ja", "æble",
           "Øen", "Ålborg", "«Nej»", '"Jeg', 'gider."', "(fx", "Matematik).", "-", "•", "*", "—", "x.Y", "a.b.",
           ".", "!", "?", "...", "?!", "…", '."', ".)", ".]", ".»", "’", ".”", "!!!", "'", "”Han", "(Så"]
_SPACES = [" ", " ", " ", "  ", "\n", "\r\n", "\r", "\t", "\u00a0", "\u2028", "\x0c", "", " \n "]


@given(st.lists(st.tuples(st.sampled_from(_PIECES), st.sampled_from(_SPACES)), max_size=30))
def test_same_spans_as_the_reference_splitter(parts):
    text = "".join(p + s for p, s in parts)
    assert split_sentences(text) == reference_split(text)


@given(st.text(alphabet=st.sampled_from(list("aB .!?…\"')»\n\r\t9\u00a0")), max_size=60))
def test_same_spans_as_the_reference_splitter_on_noise(text):
    assert split_sentences(text) == reference_split(text)


def test_same_spans_as_the_reference_on_edge_cases():
    for text in ["A. B", "A.  ", "A.\tB", "A.\u00a0B", "A.\u2028B", "3.5. Og", ".) Han", ".). Han", '." Han', "...x Y",
                 "Hej... Du", "Hej... du", "kl.\nHan", "Slut.", "  ", "A.B. C", "osv. Han", "osv. 3", "pga. Han"]:
        assert split_sentences(text) == reference_split(text), text
