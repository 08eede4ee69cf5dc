"""The problems of a report: data issues, and the errors that leave a measure unanalysed.

A leaf module: every other module of the report imports its issues and errors from here.
"""
from __future__ import annotations

import dataclasses

__all__ = ["Issue", "SourceError", "MeasureDataError"]


@dataclasses.dataclass(frozen=True)
class Issue:
    """A problem found in the specification or the data, and what the report did about it."""

    measure: str
    problem: str
    consequence: str = ""


class SourceError(ValueError):
    """A source that cannot be read."""


class MeasureDataError(ValueError):
    """The data cannot give this measure (the message says why)."""
