"""Three redacted sentences per topic, for a reader who wants to see what a topic holds.

Why sentences and not notes: a note runs over several subjects; the sentence that carries the
topic's words shows what the topic is about and keeps the text that leaves the corpus short.
For a topic's representative notes in order (central and different from each other, see
:mod:`kvalitativ.discover.representatives`) we take the sentence with the most c-TF-IDF weight of
the topic's keywords (lemmatised as the keywords are; ties go to the earlier sentence) that is not
shown yet (a sentence many notes share is shown once; the note's next sentence with any of the
keywords, or the next note, fills in) until :data:`PER_TOPIC` are found, trim it at a word boundary and redact it once more — the corpus text is already
redacted by ingest, but a sentence in a published table is free text that reaches a dashboard,
so it gets the same second pass as the evidence quotes.
"""

from __future__ import annotations

from kvalitativ.text.clean import trim_quote
from kvalitativ.text.lemmas import DanishAnalyzer
from kvalitativ.text.sentences import split_sentences

__all__ = ["PER_TOPIC", "representative_sentences", "best_sentence", "ranked_sentences", "configured_redact"]

PER_TOPIC = 3
MAX_CHARS = 200


def _sentences(text: str) -> list[str]:
    out = [sent for _, _, sent in split_sentences(text) if sent.strip()]
    return out or [text]


def ranked_sentences(text: str, weights: dict[str, float], analyzer: DanishAnalyzer) -> list[str]:
    """The sentences of *text* that may stand for its topic, trimmed: the one whose keyword tokens
    carry the most weight first (the earlier sentence first on ties), then the others that carry
    any of the keywords' weight, by weight."""
    sents = _sentences(text)
    scores = [sum(weights.get(t, 0.0) for t in set(analyzer(sent))) for sent in sents]
    order = sorted(range(len(sents)), key=lambda i: (-round(scores[i], 12), i))
    return [trim_quote(sents[i], MAX_CHARS) for k, i in enumerate(order) if k == 0 or scores[i] > 1e-12]


def best_sentence(text: str, weights: dict[str, float], analyzer: DanishAnalyzer) -> str:
    """The sentence of *text* whose keyword tokens carry the most weight (first on ties)."""
    return ranked_sentences(text, weights, analyzer)[0]


def _same(sentence: str) -> str:
    return " ".join(sentence.lower().split())


def representative_sentences(topic_info, texts, redact=None, per_topic: int = PER_TOPIC,
                             language: str = "da") -> dict[tuple[int, int], str]:
    """``{(topic_id, rank): sentence}`` for the first *per_topic* representatives of each topic.

    *texts*: the notes the representatives' row numbers point into. *redact*: text -> text
    (default: :class:`kvalitativ.privacy.redact.Redactor`). *language*: the keywords' language
    (the discoverer's ``language_``), so a sentence's words are lemmatised as the keywords were.
    """
    if redact is None:
        from kvalitativ.privacy.redact import Redactor

        redactor = Redactor()

        def redact(s):
            return redactor.redact(s)[0]

    analyzer = DanishAnalyzer(ngram_range=(1, 2), language=language)
    out = {}
    for row in topic_info.itertuples():
        weights = dict(zip(row.keywords, row.weights))
        # the representatives in order, each by its best sentence not shown yet: boilerplate
        # ("Drøftes på næste teammøde.") in several notes is shown once, and the next note fills in
        shown: set[str] = set()
        for doc in list(row.representative_docs):
            if len(shown) >= per_topic:
                break
            if not (0 <= doc < len(texts) and isinstance(texts[doc], str) and texts[doc].strip()):
                continue
            for sent in ranked_sentences(texts[doc], weights, analyzer):
                sent = redact(sent)
                if _same(sent) not in shown:
                    shown.add(_same(sent))
                    out[(int(row.topic_id), len(shown))] = sent
                    break
    return out


def configured_redact(config):
    """The run's own second redaction as text -> text (``privacy.redact``, ``privacy.strictness``,
    ``ingest.language``: the same redactor as ingest and the evidence quotes)."""
    from kvalitativ.privacy.redact import Redactor

    redactor = Redactor.from_config(config.privacy, config.ingest.language)
    return lambda text: redactor.redact(text)[0]
