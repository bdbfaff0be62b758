"""Theme coding: zero-shot and supervised coders with valence, roll-ups and evaluation.

>>> from kvalitativ.coding import code_notes, rollup_notes, evaluate_codings
>>> codings = code_notes(corpus, "ungekompetencer", embedder="e5")   # doctest: +SKIP
>>> per_theme, summary = evaluate_codings(codings, gold)            # doctest: +SKIP

``codings`` columns and the ``uncoded`` convention: see :mod:`kvalitativ.coding.api`.
"""

from .api import code_notes, rollup_notes, rollup_persons, training_from_codes
from .base import CODINGS_COLUMNS, UNCODED, BaseCoder
from .evaluate import evaluate_codings
from .gate import GatedCoder
from .keyword import KeywordCoder
from .supervised import SupervisedCoder
from .units import LEVELS, segment_corpus
from .zeroshot import ZeroShotCoder

__all__ = ["code_notes", "rollup_notes", "rollup_persons", "training_from_codes", "evaluate_codings",
           "ZeroShotCoder", "GatedCoder", "SupervisedCoder", "KeywordCoder", "BaseCoder", "segment_corpus", "CODINGS_COLUMNS",
           "UNCODED", "LEVELS"]
