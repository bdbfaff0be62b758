"""What a stage of a run returns: the lines it reports, the rows it wrote, and its tables.

Why typed: ``run.json`` counts every table's rows and the commands print the summary lines,
whatever engine ran the stage. An engine that streams a table to disk chunk by chunk (the
streamed engine) never holds it whole, so ``rows`` is the contract and ``tables`` holds only
what the stage kept in memory (everything on the local engine).
"""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import Any

import pandas as pd

__all__ = ["StageResult"]


@dataclass
class StageResult:
    """``summary``: lines for the user; ``rows``: table → rows written; ``tables``: the tables the
    stage holds in memory (may be fewer than ``rows`` names); ``details``: stage-specific facts
    (e.g. ingest's ``n_read``)."""

    summary: list[str] = field(default_factory=list)
    rows: dict[str, int] = field(default_factory=dict)
    tables: dict[str, pd.DataFrame] = field(default_factory=dict)
    details: dict[str, Any] = field(default_factory=dict)

    @classmethod
    def from_tables(cls, tables: dict[str, pd.DataFrame], summary: list[str], **details: Any) -> "StageResult":
        """A stage that held every table it wrote."""
        return cls(list(summary), {name: len(frame) for name, frame in tables.items()}, dict(tables), details)

    @classmethod
    def of(cls, result: "StageResult | dict[str, Any]") -> "StageResult":
        """The stage functions of the packages (link, evidence, discover) return
        ``{"tables", "summary", ...}``; this is the one place that reads that shape."""
        if isinstance(result, StageResult):
            return result
        rest = {k: v for k, v in result.items() if k not in ("tables", "summary")}
        return cls.from_tables(result.get("tables", {}), result.get("summary", []), **rest)
