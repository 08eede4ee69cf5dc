"""The problems of a report: data issues, and the errors that leave a measure unanalysed.

A leaf module: every other module of the report imports its issues and errors from here.
"""
from __future__ import annotations

import dataclasses

__all__ = ["Issue", "SourceError", "MeasureDataError", "TooLittleData"]


@dataclasses.dataclass(frozen=True)
class Issue:
    """A problem found in the specification or the data, and what the report did about it."""

    measure: str
    problem: str
    consequence: str = ""
    note: bool = False   # a limit of what the data can support, not a fault in them

    @property
    def kind(self) -> str:
        """"note" or "data issue", as the command line and ``data_issues.csv`` word it."""
        return "note" if self.note else "data issue"


class SourceError(ValueError):
    """A source that cannot be read."""


class MeasureDataError(ValueError):
    """The data cannot give this measure (the message says why)."""


class TooLittleData(ValueError):
    """A step the data are too few for (e.g. an SPC chart on 8 months): a note, not a fault."""
