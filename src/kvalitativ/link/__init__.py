"""Link themes to dropout and other indicators: associations, prevalence, predictive added value.

Everything here describes association and prediction in observational data, never cause; every
table states the outcome, the dropout window and the note rule it was made with.
"""

from kvalitativ.link.added_value import added_value
from kvalitativ.link.associations import associations
from kvalitativ.link.params import LinkRules
from kvalitativ.link.persons import PersonThemes, person_themes
from kvalitativ.link.prevalence import prevalence
from kvalitativ.link.stage import LinkResult, link, link_from_dirs, link_result, run_link

__all__ = ["LinkResult", "LinkRules", "PersonThemes", "added_value", "associations", "link", "link_from_dirs",
           "link_result", "person_themes", "prevalence", "run_link"]
