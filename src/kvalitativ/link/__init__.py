"""Link themes to dropout and other indicators: associations, prevalence, predictive added value.

Everything here describes association and prediction in observational data, never cause; every
table states the outcome, the dropout window and the note rule it was made with.
"""

from kvalitativ.link.added_value import added_value
from kvalitativ.link.associations import associations
from kvalitativ.link.params import LinkRules
from kvalitativ.link.persons import exclusions, person_themes
from kvalitativ.link.prevalence import prevalence
from kvalitativ.link.stage import link, link_from_dirs, run_link

__all__ = ["LinkRules", "added_value", "associations", "exclusions", "link", "link_from_dirs", "person_themes",
           "prevalence", "run_link"]
