"""The result of one measure, built step by step: each step of the analysis returns its own
small typed part, and writes its findings, tidy rows and methods to the measure's
:class:`Journal`; :func:`scrutiny.report.engine.analyse` puts them together in one
:class:`MeasureResult`.
"""
from __future__ import annotations

import dataclasses
import math

from .. import _narrative as _n
from . import words

__all__ = ["Window", "Latest", "Change", "Trend", "Control", "Areas", "Journal",
           "MeasureResult"]


@dataclasses.dataclass(frozen=True)
class Window:
    """The latest window of a measure and the same window a year earlier.

    Attributes
    ----------
    latest, previous : pandas.PeriodIndex
        The periods of the two windows.
    text, previous_text, short : str
        'April 2024 to March 2025', the same a year earlier, 'Apr 2024 – Mar 2025'.
    size, present : int
        Periods the latest window should hold, and those of them with data.
    unit : str
        "month" or "quarter".
    with_data : tuple
        The periods of the latest window with data.
    """

    latest: object
    previous: object
    text: str
    previous_text: str
    short: str
    size: int
    present: int
    unit: str
    with_data: tuple = ()

    def note(self) -> str:
        """'' when the latest window is full, else e.g. '4 of 12 months with data'."""
        if self.present >= self.size:
            return ""
        return f"{self.present} of {_n.plural(self.size, self.unit)} with data"

    def lead(self) -> str:
        """'In April 2024 to March 2025', or, when the window has periods without data, 'In
        May 2023 to April 2024 (only 4 of its 12 months have data: January 2024 to April
        2024)'."""
        if self.present >= self.size:
            return f"In {self.text}"
        return (f"In {self.text} (only {self.present} of its "
                f"{_n.plural(self.size, self.unit)} "
                f"{'has' if self.present == 1 else 'have'} data: "
                f"{words.periods_text(self.with_data)})")


@dataclasses.dataclass(frozen=True)
class Latest:
    """The latest value: estimate and 95% CI (NaN when not given, ``note`` says why); for a
    wait, ``share`` is the share decided within ``target_days`` with its CI (or None) and
    ``survival`` the Kaplan-Meier result."""

    value: float
    lower: float
    upper: float
    note: str = ""
    share: tuple | None = None
    survival: object = None


@dataclasses.dataclass(frozen=True)
class Glance:
    """The latest month and the latest whole quarter beside the same period a year earlier,
    and the monthly values for a sparkline (values without intervals, for the overview).

    Attributes
    ----------
    month, quarter : str
        'Mar 2025', '2024/25 Q4' ('' when the series has none).
    month_value, month_before, quarter_value, quarter_before : float
        The values (NaN without data).
    spark : tuple of float
        The series' values, oldest first (NaN for a period without data).
    month_text, quarter_text : str
        The month's and the quarter's values in words, beside a year earlier: "89.1% (Mar
        2024: 88.0%)".
    """

    month: str = ""
    month_value: float = math.nan
    month_before: float = math.nan
    quarter: str = ""
    quarter_value: float = math.nan
    quarter_before: float = math.nan
    spark: tuple = ()
    month_text: str = ""
    quarter_text: str = ""


@dataclasses.dataclass(frozen=True)
class Change:
    """The change on last year: the verdict, its size in words ('-3.2%') and which periods it
    compares when not the full windows; for a wait, ``survival`` is the Kaplan-Meier result of
    the two years."""

    verdict: str | None
    size: str = ""
    note: str = ""
    survival: object = None


@dataclasses.dataclass(frozen=True)
class Trend:
    """The trend verdict and the series it rests on (period, value, fitted Sen line and the
    band of its slope's interval, lower and upper)."""

    verdict: str
    series: object

    def plot(self, ax=None, measure=None, **options):
        """The series, its Sen line and the band of the slope's interval, in data units over
        the periods (``measure`` and ``options`` as
        :func:`scrutiny.graphics.trend.trend_chart`); returns the Axes."""
        from ..graphics.trend import trend_chart

        s = self.series
        return trend_chart(s["value"].to_numpy(), s["fitted"].to_numpy(), time=list(s["period"]),
                           band=(s["lower"].to_numpy(), s["upper"].to_numpy()), ax=ax,
                           measure=measure, words=("value", "Sen's slope",
                                                   "95% CI of the slope"), **options)


@dataclasses.dataclass(frozen=True)
class Control:
    """The SPC chart of the measure and the variation and assurance of its latest point."""

    chart: object
    variation: str | None
    assurance: str | None


@dataclasses.dataclass(frozen=True)
class Areas:
    """The areas of a measure: how many, their table, and the funnel plot (when drawn) with
    the areas outside its limits and the window it covers."""

    count: int
    table: object
    funnel: object = None
    flagged: tuple = ()
    funnel_window: str = ""


class Journal:
    """What the steps of one measure say, in order: findings (heading, text), tidy rows and
    the methods used."""

    def __init__(self, measure):
        self.measure = measure
        self.findings: list = []
        self.rows: list = []
        self.methods: set = set()

    def finding(self, heading: str, text: str) -> None:
        self.findings.append((heading, text))

    def method(self, *keys: str) -> None:
        self.methods.update(keys)

    def add(self, area, analysis, quantity, value, lower=None, upper=None, pvalue=None,
            flag="", period="", method="", note="", unit=None) -> None:
        """One tidy row of ``results.csv``; ``value``, ``lower`` and ``upper`` are in ``unit``
        (default: :func:`unit_of` the quantity)."""
        self.rows.append({"measure": self.measure.name, "kind": self.measure.kind,
                          "area": area, "analysis": analysis, "quantity": quantity,
                          "period": period, "value": _num(value), "lower": _num(lower),
                          "upper": _num(upper),
                          "unit": unit or unit_of(self.measure, quantity),
                          "pvalue": _num(pvalue), "flag": flag, "method": method,
                          "note": note})


# The unit of each quantity of results.csv that is not in the measure's own unit.
UNITS = {"difference": "fraction (difference of proportions)", "rate ratio": "ratio",
         "rate ratio per year": "ratio", "Mann-Kendall z": "z-score",
         "z-score (no allowance for overdispersion)": "z-score",
         "z-score (allowing for overdispersion)": "z-score",
         "overdispersion factor phi": "ratio",
         "between-area variance tau2": "variance on the funnel's z scale",
         "numerator": "count", "denominator": "count", "count": "count",
         "person_years": "person-years", "cases": "count", "cases still open": "count",
         "median wait (days)": "days", "median wait a year earlier (days)": "days",
         "log-rank chi-square": "chi-square", "exact binomial test": "fraction",
         "limits recalculated from": "", "variation of the latest point": ""}


def unit_of(m, quantity: str) -> str:
    """The unit of a quantity of measure ``m`` in results.csv: a fixed unit (:data:`UNITS`),
    a share for "share ..." quantities, else the measure's own (a fraction for proportions,
    the measure's unit for rates and counts), per year for slopes."""
    if quantity in UNITS:
        return UNITS[quantity]
    if quantity.startswith("share "):
        return "fraction"
    own = "fraction" if m.kind in ("proportion", "wait") else (m.unit or "count")
    return f"{own} per year" if quantity.startswith("Sen slope") else own


def _num(v):
    if v is None:
        return math.nan
    try:
        return float(v)
    except (TypeError, ValueError):
        return math.nan


def _part(name: str, field: str, default=None, doc: str = ""):
    """A read-only attribute of the result taken from one of its parts."""
    def get(self):
        part = getattr(self, name)
        return default if part is None else getattr(part, field)
    return property(get, doc=doc)


@dataclasses.dataclass(frozen=True)
class MeasureResult:
    """Everything the report shows about one measure.

    Attributes
    ----------
    measure : Measure
    ok : bool
        Whether the measure could be analysed (``error`` says why not).
    error : str
    span : Window or None
        The latest window (``window``, ``previous_window``, ``window_short``,
        ``window_size``, ``window_present`` and ``period_unit`` read from it).
    latest : Latest or None
        ``value``, ``lower``, ``upper`` and ``value_note``.
    target_verdict : str or None
        The latest value against the target.
    change : Change or None
        ``change_verdict``, ``change_text`` and ``change_note``.
    trend : Trend or None
        ``trend_verdict`` and ``series``.
    control : Control or None
        ``spc``, ``variation`` and ``assurance``.
    areas : Areas or None
        ``n_areas``, ``area_table``, ``funnel``, ``flagged`` and ``funnel_window``.
    survival : object
        Wait measures: the Kaplan-Meier result charted.
    glance : Glance or None
        The latest month and quarter, and the sparkline's values.
    similar : Similar or None
        The force beside its most similar group (:class:`scrutiny.report.similar.Similar`).
    findings : tuple of (heading, text)
    rows : tuple of dict
        The tidy rows of ``results.csv``.
    methods : frozenset of str
    figures : tuple of (title, data URI, alternative text)
    seconds : float
    """

    measure: object
    ok: bool = False
    error: str = ""
    span: Window | None = None
    latest: Latest | None = None
    target_verdict: str | None = None
    change: Change | None = None
    trend: Trend | None = None
    control: Control | None = None
    areas: Areas | None = None
    survival: object = None
    glance: Glance | None = None
    similar: object = None
    findings: tuple = ()
    rows: tuple = ()
    methods: frozenset = frozenset()
    figures: tuple = ()
    seconds: float = 0.0

    window = _part("span", "text", "")
    previous_window = _part("span", "previous_text", "")
    window_short = _part("span", "short", "")
    window_size = _part("span", "size", 0)
    window_present = _part("span", "present", 0)
    period_unit = _part("span", "unit", "month")
    value = _part("latest", "value", math.nan)
    lower = _part("latest", "lower", math.nan)
    upper = _part("latest", "upper", math.nan)
    value_note = _part("latest", "note", "")
    change_verdict = _part("change", "verdict")
    change_text = _part("change", "size", "")
    change_note = _part("change", "note", "")
    trend_verdict = _part("trend", "verdict")
    series = _part("trend", "series")
    spc = _part("control", "chart")
    variation = _part("control", "variation")
    assurance = _part("control", "assurance")
    n_areas = _part("areas", "count", 0)
    area_table = _part("areas", "table")
    funnel = _part("areas", "funnel")
    funnel_window = _part("areas", "funnel_window", "")

    @property
    def flagged(self) -> list:
        """The areas outside the funnel limits."""
        return [] if self.areas is None else list(self.areas.flagged)
