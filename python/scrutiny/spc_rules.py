"""The vocabulary of SPC charts: chart types and their names, per-point signals, and the rule
sets that decide which points are special cause.

A leaf module (it imports only the option tables and the validation layer), shared by :mod:`scrutiny.spc`, its charts
and the report.
"""
from __future__ import annotations

import dataclasses

from . import _options as _o
from . import _validation as _v

__all__ = ["CHARTS", "CHART_NAMES", "SIGNALS", "RuleSet", "RULE_SETS", "rule_set"]

CHARTS = _o.CHART.names
# How each chart is named in titles and sentences.
CHART_NAMES = {name: _o.CHART.word(name) for name in CHARTS}
# How each chart is titled on a chart: in plain words, Laney's charts named.
CHART_TITLES = {**{name: f"{CHART_NAMES[name]} chart" for name in CHARTS},
                "pp": "p\u2032 chart (Laney)", "up": "u\u2032 chart (Laney)"}

# Per-point signals in the order of precedence of the C core (csrc/core/sc_spc.h): a point in
# several patterns is labelled with the first.  Odd codes lie above the centre, even below.
SIGNALS = ("", "outside upper", "outside lower", "trend up", "trend down", "two of three above",
           "two of three below", "four of five above", "four of five below", "shift above",
           "shift below")
_TWO_OF_THREE_STYLES = tuple(s for s in _o.TWO_OF_THREE.names if s != "off")


@dataclasses.dataclass(frozen=True)
class RuleSet:
    """Which special-cause rules to apply, with their thresholds.

    Parameters
    ----------
    outside : bool
        A point strictly beyond a 3-sigma limit.
    shift : int or None
        A run of this many (or more) consecutive points strictly on one side of the centre
        line; a point on the line ends the run.  None switches the rule off.
    trend : int or None
        A run of this many (or more) consecutive points, each strictly above (below) the one
        before, e.g. ``trend=6``.  At least 2.  None switches the rule off.
    two_of_three : bool
        Two of three consecutive points beyond two thirds of the distance to a limit (the
        2-sigma line) on one side.
    name : str
        Recorded in results and tables.
    four_of_five : bool
        Four of five consecutive points beyond one sigma on one side (Western Electric rule 3).
    two_of_three_style : {"mdc", "western-electric"}
        How two of three counts: ``"mdc"`` as NHSRplotthedots (only points between the
        2-sigma line and the limit count, and all three points lie strictly on one side of
        the centre); ``"western-electric"`` as the handbook (points beyond the 2-sigma line,
        limits included, on one side; the third point anywhere).

    Examples
    --------
    >>> from scrutiny.spc import RuleSet
    >>> RuleSet(trend=6, name="mdc, six-point trend").trend
    6
    """

    outside: bool = True
    shift: int | None = 7
    trend: int | None = 7
    two_of_three: bool = True
    name: str = "custom"
    four_of_five: bool = False
    two_of_three_style: str = "mdc"

    def __post_init__(self):
        for flag in ("outside", "two_of_three", "four_of_five"):
            object.__setattr__(self, flag, _v.switch(getattr(self, flag), flag))
        object.__setattr__(self, "shift", _v.optional_whole(self.shift, "shift", minimum=1))
        object.__setattr__(self, "trend", _v.optional_whole(self.trend, "trend", minimum=2))
        if not isinstance(self.name, str):
            raise TypeError(f"name must be a string (got {type(self.name).__name__})")
        _v.choice(self.two_of_three_style, "two_of_three_style", _TWO_OF_THREE_STYLES)

    def describe(self, centre: str = "centre line") -> list[str]:
        """The rules in words, one string per rule switched on."""
        out = []
        if self.outside:
            out.append("a point outside the process limits")
        if self.trend:
            out.append(f"{self.trend} or more points in a row each higher (or each lower) "
                       "than the one before")
        if self.two_of_three:
            out.append("two of three points in a row beyond two thirds of the distance to a "
                       "limit, on one side")
        if self.four_of_five:
            out.append("four of five points in a row more than one sigma from the "
                       f"{centre}, on one side")
        if self.shift:
            out.append(f"{self.shift} or more points in a row on one side of the {centre}")
        return out


RULE_SETS = {
    "mdc": RuleSet(outside=True, shift=7, trend=7, two_of_three=True, name="mdc"),
    "anhoej": RuleSet(outside=True, shift=None, trend=None, two_of_three=False, name="anhoej"),
    "western-electric": RuleSet(outside=True, shift=8, trend=None, two_of_three=True,
                                name="western-electric", four_of_five=True,
                                two_of_three_style="western-electric"),
}


def rule_set(rules) -> RuleSet:
    """``rules`` as a :class:`RuleSet`: a rule set itself, or the name of one in
    :data:`RULE_SETS`."""
    if isinstance(rules, RuleSet):
        return rules
    if isinstance(rules, str):
        return RULE_SETS[_v.choice(rules, "rules", tuple(RULE_SETS))]
    raise TypeError(f"rules must be a rule set name or a RuleSet (got {type(rules).__name__})")
