"""Human review: sample notes for coding, coding sheets, inter-coder agreement, retraining.

>>> from kvalitativ.review import select_for_review, export_review, import_reviews, reliability_table  # doctest: +SKIP
"""

from kvalitativ.review.agreement import cohen_kappa, krippendorff_alpha, model_as_coder, reliability_table
from kvalitativ.review.sample import select_for_review
from kvalitativ.review.sheets import export_review, import_reviews

__all__ = ["select_for_review", "export_review", "import_reviews", "reliability_table", "model_as_coder",
           "cohen_kappa", "krippendorff_alpha"]
