"""Numbers and sentences of the report.

The findings are the results' own ``narrative()`` sentences, in scrutiny's shared wording
(:mod:`scrutiny._narrative`); the few sentences here say what no result says (a rate or a
waiting-time share against its target, the widening of funnel limits) in the same register:
a difference is reported only when it is larger than chance would explain, and a result that
is not significant is "not significantly different" or "no evidence of a trend", never "no
change".  The verdicts are the short labels of the overview table.
"""
from __future__ import annotations

import re

import numpy as np

from .. import _narrative as _n

CONF = 0.95
ALPHA = 0.05  # 1 - CONF: the level of every test of the report
SAME = "not significantly different"
NO_TREND = "no evidence of a trend"


def lower_first(text: str) -> str:
    """A sentence to follow "In <period>, ": its first letter in lower case, unless the
    first word is an acronym ("KSI")."""
    return text if text[1:2].isupper() else text[:1].lower() + text[1:]


def share(value, decimals: int = 1) -> str:
    """A share as a percentage ('n/a' when missing)."""
    return _n.percent(np.nan if value is None else value, decimals)


def per_unit(m) -> str:
    """The unit of a rate after 'per <number>': "per 1,000 residents a year" -> "residents a
    year" (the narratives put the number themselves)."""
    return re.sub(r"^per\s+[\d,.]+\s*", "", m.unit).strip() or "a year"


def window_text(periods, short: bool = False) -> str:
    """'April 2024 to March 2025' ('Apr 2024 – Mar 2025' when short), or one period."""
    first, last = periods[0], periods[-1]
    if first == last:
        return _n.period_text(last, short)
    between = " – " if short else " to "
    return f"{_n.period_text(first, short)}{between}{_n.period_text(last, short)}"


def quarter_name(last, year_start: int = 1) -> str:
    """The quarter ending in month ``last`` (a monthly Period): "2024 Q4" (calendar) or
    "2024/25 Q3" (UK financial, April to March)."""
    index = (last.month - year_start) % 12 // 3 + 1
    return f"{year_name(last, year_start)} Q{index}"


def year_name(last, year_start: int = 1) -> str:
    """The year holding month ``last``: "2024", or "2024/25" for a financial year."""
    if year_start == 1:
        return str(last.year)
    first = last.year if last.month >= year_start else last.year - 1
    return f"{first}/{str(first + 1)[-2:]}"


def aligned_text(periods, months: int, year_start: int, short: bool = False) -> str:
    """A window of whole quarters or years by name: "2024/25 Q3 (October 2024 to December
    2024)", "2024/25 (April 2024 to March 2025)"; the plain window otherwise."""
    plain = window_text(periods, short)
    if len(periods) == 3 and months == 3:
        return f"{quarter_name(periods[-1], year_start)} ({plain})"
    if len(periods) == 12 and months == 12:
        return f"{year_name(periods[-1], year_start)} ({plain})"
    return plain


def periods_text(periods, short: bool = False) -> str:
    """Periods as runs: 'January 2024 to April 2024', 'May 2022 to July 2022 and
    September 2022'; '' for none."""
    runs: list = []
    for p in sorted(periods):
        if runs and p == runs[-1][-1] + 1:
            runs[-1].append(p)
        else:
            runs.append([p])
    return _n.listing(window_text(run, short) for run in runs)


plural_noun = _n.plural_noun  # 'area' -> 'areas', 'local authority' -> 'local authorities'


# ---- verdicts of the overview ------------------------------------------------------------------

TARGET_WORDS = ("better", "worse", "above", "below")
CHANGE_WORDS = ("improved", "worsened", "up", "down")
TREND_WORDS = ("improving", "worsening", "increasing", "decreasing")


def side(m, up: bool, words: tuple) -> str:
    """``words`` = (better, worse, up, down): the word of a significant difference in the
    direction ``up``, judged by the measure's direction of improvement when it has one."""
    if m.direction is None:
        return words[2] if up else words[3]
    return words[0] if up == (m.direction == "higher") else words[1]


def change_verdict(m, significant: bool, up: bool) -> str:
    return side(m, up, CHANGE_WORDS) if significant else SAME


def trend_verdict(m, significant: bool, up: bool) -> str:
    return side(m, up, TREND_WORDS) if significant else NO_TREND


# ---- sentences no result says ------------------------------------------------------------------

def against_target(m, subject: str, value, lower, upper, target, show,
                   limits) -> tuple[str, str]:
    """A value against its target by its 95% confidence interval: (verdict, sentence).

    The verdict is "better" or "worse" (or "above" / "below" without a direction of
    improvement) when the interval excludes the target, else "not significantly different".
    ``show`` formats a value with its unit, ``limits`` the limits of the interval."""
    ci = _n.interval(lower, upper, CONF, limits)
    head = f"{_n.capital(subject)} ({show(value)}; {ci})"
    goal = f"the target of {show(target)}"
    if lower <= target <= upper:
        return SAME, f"{head} is {SAME} from {goal} (the {_n.level(CONF)} CI includes it)."
    above = value > target
    return side(m, above, TARGET_WORDS), (
        f"{head} is {'above' if above else 'below'} {goal} by {_n.CHANCE} (the "
        f"{_n.level(CONF)} CI excludes it).")


def widening(m, funnel) -> str:
    """What the funnel limits allow for beyond chance, when they are widened."""
    units = plural_noun(m.area_label)
    if m.overdispersion == "multiplicative" and funnel.phi > 1:
        return (f"The limits are widened for overdispersion: the spread of the {units} is "
                f"estimated at {funnel.phi:.1f} times the variance chance alone would give.")
    if m.overdispersion == "additive" and funnel.tau2 > 0:
        return (f"The limits are widened for overdispersion: they allow for a spread between "
                f"the {units} beyond chance (estimated between-{m.area_label} variance "
                f"{_n.number(funnel.tau2)}).")
    return ""
