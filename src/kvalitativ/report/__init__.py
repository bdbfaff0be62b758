"""The HTML report: one self-contained, offline file (plotly embedded), in Danish."""

from kvalitativ.report.render import build_figures, render_report, report_context

__all__ = ["render_report", "build_figures", "report_context"]
