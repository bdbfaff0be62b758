"""Evidence: per-theme summaries with Danish headlines, redacted quotes, the joint display.

Everything here reads the coding and linking tables and returns DataFrames ready for a
dashboard; :func:`summarize` runs the whole stage.
"""

from kvalitativ.evidence.citizen import citizen_tables
from kvalitativ.evidence.joint_display import joint_display
from kvalitativ.evidence.keywords import theme_keywords
from kvalitativ.evidence.quotes import select_quotes
from kvalitativ.evidence.stage import summarize
from kvalitativ.evidence.summaries import build_evidence

__all__ = ["build_evidence", "citizen_tables", "joint_display", "select_quotes", "summarize", "theme_keywords"]
