"""The wording shared by every result's ``narrative()``: one voice for the whole package.

Rules every narrative follows, in the register of a police performance report:

* An estimate comes with its interval and the interval's level: "24.0% (95% CI 20.1% to
  28.3%)".
* "Significant" only where a test rejects at the stated level, and then with "more than chance
  would explain"; where it does not, "no evidence of a difference" (or of a trend, a change),
  never "the same" or "no change".
* Several elements (areas, series, pairs): ``narrative()`` returns a list with one entry per
  element, in the flattened order of the result's arrays, named by ``labels=`` (default
  ``"Area 0"``, ``"Series 0"``, ..., the row numbers of ``to_frame()``).  A significant finding
  among several unadjusted tests says that the p-value is not adjusted for the number tested;
  ``adjust=`` decides on p-values adjusted by :func:`scrutiny.multiple_testing` instead.
  Reports across units (``FunnelResult``, ``SPCResult``) return one string with a line or a
  paragraph per unit.
* Numbers: proportions as percentages to one decimal, rates with their ``per``, ratios to two
  decimals, counts whole (a weighted count to one decimal below 10), p-values to three
  decimals ("p < 0.001" below that), never rounded onto the other side of the level the
  verdict uses (p = 0.04996 at the 5% level is "p = 0.04996", not "p = 0.050").
* Plurals and agreement from :func:`plural`, :func:`plural_noun` and :func:`agree`; unnamed
  elements named by :func:`names` ("Area 0", "Series 1").
"""
from __future__ import annotations

import dataclasses
import warnings

import numpy as np

from . import _validation as _v
from .multitest import METHODS, multiple_testing

CHANCE = "more than chance would explain"
ADJUSTMENTS = {"bh": "Benjamini-Hochberg", "by": "Benjamini-Yekutieli", "holm": "Holm",
               "bonferroni": "Bonferroni", "hochberg": "Hochberg"}


# ---- numbers --------------------------------------------------------------------------------

def level(x) -> str:
    """A probability as a level: 0.95 -> '95%', 0.998 -> '99.8%', 0.05 -> '5%'."""
    return f"{round(100.0 * float(x), 10):g}%"


def percent(p, digits: int = 1) -> str:
    """A proportion as a percentage: 0.2404 -> '24.0%'."""
    return f"{100.0 * p:.{digits}f}%" if np.isfinite(p) else "n/a"


def number(v, digits: int = 3) -> str:
    """A value to ``digits`` significant figures, whole from 100 on: 71.15 -> '71.2',
    1234.5 -> '1,234' (never an exponent above 1e-4)."""
    if not np.isfinite(v):
        return "n/a" if np.isnan(v) else ("infinity" if v > 0 else "minus infinity")
    if abs(v) >= 100 or v == 0:
        return f"{v:,.0f}"
    text = f"{v:.{digits}g}"
    return f"{v:,.0f}" if "e+" in text else text


def matched(estimate, digits: int = 3, sign: bool = False):
    """A formatter that shows numbers with as many decimals as ``estimate`` needs for
    ``digits`` significant figures, so that an estimate and its limits line up:
    1.5 -> '1.50 (0.30 to 4.38)'; from 100 on, whole numbers.  ``sign`` puts '+' on positive
    values."""
    decimals = 0
    if np.isfinite(estimate) and 0 < abs(estimate) < 100:
        decimals = max(0, digits - 1 - int(np.floor(np.log10(abs(estimate)))))

    def fmt(v):
        if not np.isfinite(v):
            return number(v)
        return ("+" if sign and v > 0 else "") + f"{v:,.{decimals}f}"

    return fmt


def fixed(v, decimals: int) -> str:
    """A value to a fixed number of decimals, with thousands separators: '1,234.5'."""
    return f"{v:,.{decimals}f}" if np.isfinite(v) else number(v)


def signed(v, digits: int = 3) -> str:
    """As :func:`number`, with '+' on positive values."""
    return ("+" if np.isfinite(v) and v > 0 else "") + number(v, digits)


def ratio(v) -> str:
    """A ratio (rate ratio, odds ratio, observed / expected) to two decimals."""
    if not np.isfinite(v) or abs(v) >= 100:
        return number(v)
    return f"{v:.2f}"


def change(pct, digits: int = 1, sign: bool = True) -> str:
    """A percentage change already in percent: 4.31 -> '+4.3%' (without ``sign``, its size:
    -4.31 -> '4.3%')."""
    if not np.isfinite(pct):
        return "n/a"
    return f"{pct:+.{digits}f}%" if sign else f"{abs(pct):.{digits}f}%"


def relative(fraction) -> str:
    """The size of a relative change, rounded as a reader would say it: -0.47 -> '47%',
    0.004 -> '0.4%' (whole percent from 1% on)."""
    pct = abs(100.0 * fraction)
    return change(pct, 1 if pct < 1 else 0, sign=False)


def count(v) -> str:
    """A count or weighted count: whole numbers as they are ('1,234'); a fractional value
    whole from 10 on and to one decimal below ('26', '6.4')."""
    if not np.isfinite(v):
        return number(v)
    v = float(v)
    return f"{v:,.0f}" if v.is_integer() or abs(v) >= 10 else f"{v:.1f}"


def points(diff, digits: int = 1) -> str:
    """A difference of proportions in percentage points: -0.116 -> '-11.6'."""
    return f"{100.0 * diff:+.{digits}f}" if np.isfinite(diff) else "n/a"


def per_text(per=1.0, unit: str | None = None) -> str:
    """'per 1,000 residents', 'per 100,000', 'per resident', or '' (per 1, no unit)."""
    per = float(per)
    if per == 1.0:
        return f"per {unit}" if unit else ""
    return f"per {per:,g}" + (f" {unit}" if unit else "")


def rate(v, per=1.0, unit: str | None = None) -> str:
    """A rate already multiplied by ``per``: '71.2 per 100,000'."""
    suffix = per_text(per, unit)
    return number(v) + (f" {suffix}" if suffix else "")


def p_text(p, alpha: float | None = None) -> str:
    """'p = 0.016', 'p < 0.001'; never rounded onto the other side of ``alpha``."""
    if not np.isfinite(p):
        return "p not available"
    if p < 0.001:
        return "p < 0.001"
    digits = 3
    shown = None if alpha is None else round(float(alpha), 10)   # 1 - 0.95 is 0.05 + 4e-17
    while alpha is not None and p < alpha and round(p, digits) >= shown:
        if digits == 5:
            return f"p < {shown:g}"
        digits += 1
    return f"p = {p:.{digits}f}"


def interval(lower, upper, conf, fmt=number, kind: str = "CI") -> str:
    """'95% CI 1.2 to 3.4'."""
    return f"{level(conf)} {kind} {fmt(lower)} to {fmt(upper)}"


def intervals(lower, upper, levels, fmt=number, kind: str = "CI") -> str:
    """One interval per level: '95% CI 1.2 to 3.4; 99.8% CI 0.9 to 4.0'."""
    lower, upper = np.atleast_1d(lower), np.atleast_1d(upper)
    return "; ".join(interval(lo, hi, c, fmt, kind) for lo, hi, c in zip(lower, upper, levels))


def bound(value, conf, side: str, fmt=number) -> str:
    """A one-sided interval: '95% upper bound 28.3%'."""
    return f"{level(conf)} {side} bound {fmt(value)}"


# ---- words ----------------------------------------------------------------------------------

def plural(n, word: str, words: str | None = None) -> str:
    """'1 area', '3 areas', '2 local authorities', '2 series' (with ``words``)."""
    n = int(n)
    return f"{n:,} {word if n == 1 else (words or plural_noun(word))}"


def plural_noun(word: str) -> str:
    """'areas', 'local authorities', 'boxes', 'classes': the regular English plural; a word
    already plural ('crime types', 'series') is left as it is."""
    if word.endswith("y") and word[-2:-1] not in ("a", "e", "i", "o", "u", ""):
        return word[:-1] + "ies"
    if word.endswith("s") and not word.endswith(("ss", "us")):
        return word
    if word.endswith(("s", "x", "z", "ch", "sh")):
        return word + "es"
    return word + "s"


def agree(n, one: str, many: str) -> str:
    """The form that agrees with a count: agree(1, 'is', 'are') -> 'is', agree(3, ...) ->
    'are'."""
    return one if n == 1 else many


def possessive(name: str) -> str:
    """"North's", "Wyre Forest's", "Malvern Hills'"."""
    name = str(name)
    return f"{name}'" if name.endswith("s") else f"{name}'s"


def capital(text: str) -> str:
    return text[:1].upper() + text[1:]


def subject(name, measure: str) -> str:
    """"North's arrest rate", or "the arrest rate" for an unnamed single result."""
    return f"the {measure}" if name is None else f"{possessive(name)} {measure}"


def listing(items) -> str:
    """'a', 'a and b', 'a, b and c'."""
    items = [str(i) for i in items]
    if len(items) <= 2:
        return " and ".join(items)
    return ", ".join(items[:-1]) + " and " + items[-1]


def names(labels, k: int, word: str, scalar: bool) -> list:
    """Element names: the labels given (a tuple of ``by`` values joined by ' / '), None for a
    single unnamed result, else 'Area 0', ..."""
    if labels is not None:
        return [" / ".join(map(str, v)) if isinstance(v, tuple) else str(v)
                for v in _v.labels_for(labels, k)]
    if scalar:
        return [None]
    return [f"{word} {i}" for i in range(k)]


def prefix(name, text: str) -> str:
    """'North: text' (the text capitalised), or the text capitalised alone."""
    return capital(text) if name is None else f"{name}: {capital(text)}"


def one_or_many(lines: list, scalar: bool):
    """A single result's sentence as a string; several as a list."""
    return lines[0] if scalar else lines


def step_word(index) -> str:
    """'month', 'quarter', 'year' or 'week' for pandas periods of that frequency, else
    'period': the time step of a series, in words."""
    first = index[0] if len(index) else None
    freq = str(getattr(index, "freqstr", None) or getattr(first, "freqstr", None) or "")
    for code, word in (("M", "month"), ("Q", "quarter"), ("Y", "year"), ("A", "year"),
                       ("W", "week"), ("D", "day")):
        if freq.startswith(code):
            return word
    return "period"


def period_text(p, short: bool = False) -> str:
    """A monthly period as 'September 2024' ('Sep 2024' with ``short``), a quarter as
    '2024 Q3'; anything else as its string."""
    freq = str(getattr(p, "freqstr", "") or "") if hasattr(p, "strftime") else ""
    if freq.startswith("M"):
        return p.strftime("%b %Y" if short else "%B %Y")
    if freq.startswith("Q"):
        return f"{p.year} Q{p.quarter}"
    return str(p)


def when(i: int, time=None) -> str:
    """Point ``i`` (0-based): its period when there is a time index (or a time axis: "March
    2024"), else 'point i+1'."""
    if time is None:
        return f"point {int(i) + 1}"
    if hasattr(time, "text"):
        return time.text(int(i))
    return period_text(list(time)[int(i)])


def more_or_fewer(v, measure: str, unit: str) -> str:
    """A slope in words: '8.1 more crimes a month', '2.5 fewer calls a week'."""
    if not v:
        return f"no change in {measure}"
    return f"{number(abs(v), 2)} {'more' if v > 0 else 'fewer'} {measure} a {unit}"


def flat(value, k: int) -> np.ndarray:
    """A scalar or array field as k values, in C order."""
    return np.asarray(value).reshape(-1) if np.ndim(value) else np.full(k, value, dtype=object)


def flat_levels(value, k: int, m: int) -> np.ndarray:
    """An interval field as (k elements x m levels)."""
    return np.asarray(value, dtype=float).reshape(k, m)


# ---- sentences ------------------------------------------------------------------------------

def estimates(result, measure: str, labels, fmt, method, word: str = "Area", extra=None,
              missing="not available", unit=None):
    """'<Subject> is <estimate> <unit> (<interval at each level>; <method>)<extra>.' for every
    element of a result with ``estimate``, ``lower``, ``upper`` and ``conf``.  ``fmt(value)``
    formats the numbers (None: :func:`matched` to each estimate); ``unit``, ``method``,
    ``extra`` and ``missing`` (said of an estimate that is not finite) may be text or functions
    of the element's index."""
    scalar = np.ndim(result.estimate) == 0
    est = np.asarray(result.estimate, dtype=float).reshape(-1)
    k = est.size
    levels = result._levels() or (float(result.conf),)
    lo = flat_levels(result.lower, k, len(levels))
    hi = flat_levels(result.upper, k, len(levels))

    def text(value, i):
        return value(i) if callable(value) else (value or "")

    lines = []
    for i, name in enumerate(names(labels, k, word, scalar)):
        head = capital(subject(name, measure))
        if not np.isfinite(est[i]):
            lines.append(f"{head} is {text(missing, i)}.")
            continue
        after = text(unit, i)
        show = fmt or matched(est[i])
        lines.append(f"{head} is {show(est[i])}{' ' + after if after else ''} "
                     f"({intervals(lo[i], hi[i], levels, show)}; {text(method, i)})"
                     f"{text(extra, i)}.")
    return one_or_many(lines, scalar)


# ---- decisions ------------------------------------------------------------------------------

def significant_at(alpha) -> str:
    return f"significant at the {level(alpha)} level"


def beyond_chance(finding: str, alpha, stats: str = "") -> str:
    """'a shift more than chance would explain, significant at the 5% level'; ``stats`` (e.g.
    '(Poisson E-test, p = 0.003)') goes before the level."""
    return f"{finding} {CHANCE}{' ' + stats if stats else ''}, {significant_at(alpha)}"


def rise_or_fall(up: bool, alpha, stats: str = "") -> str:
    """'a rise more than chance would explain, significant at the 5% level' (or 'a fall')."""
    return beyond_chance("a rise" if up else "a fall", alpha, stats)


def caution(func: str, text: str, stacklevel: int = 3) -> None:
    """Warn (``UserWarning``) at the caller of ``func`` of a caveat its narrative also states:
    '<func>: <text>'.  ``stacklevel`` 3 points at the caller of the function that calls this."""
    warnings.warn(f"{func}: {text}", UserWarning, stacklevel=stacklevel)


def no_evidence(of: str, alpha) -> str:
    """'no evidence of a difference at the 5% level'."""
    return f"no evidence of {of} at the {level(alpha)} level"


@dataclasses.dataclass(frozen=True)
class Verdict:
    """One test's decision: whether there was a test, whether it is ``significant`` at the
    level, and a note on multiple testing (empty when there is nothing to say)."""

    tested: bool
    significant: bool
    note: str


def verdicts(pvalues, alpha: float, adjust=None, what: str = "tests") -> list[Verdict]:
    """Decisions for several p-values at ``alpha``.

    Without ``adjust``, a significant result among k > 1 tests notes that its p-value is not
    adjusted for the k tested; with ``adjust`` (a :func:`scrutiny.multiple_testing` method) the
    decision uses the adjusted p-values, which the note gives."""
    alpha = _v.conf_level(alpha, "alpha")
    adjust = None if adjust is None else _v.choice(adjust, "adjust", METHODS)
    p = np.asarray(pvalues, dtype=float).reshape(-1)
    tested = np.isfinite(p)
    k = int(tested.sum())
    q = p
    if adjust is not None and k > 1:
        q = np.asarray(multiple_testing(p, adjust), dtype=float).reshape(-1)
    out = []
    for pi, qi, ok in zip(p, q, tested):
        if not ok:
            out.append(Verdict(False, False, ""))
        elif adjust is not None and k > 1:
            out.append(Verdict(True, bool(qi < alpha), f"{ADJUSTMENTS[adjust]}-adjusted "
                               f"{p_text(qi, alpha)} across {k} {what}"))
        else:
            sig = bool(pi < alpha)
            note = f"not adjusted for the {k} {what} tested" if sig and k > 1 else ""
            out.append(Verdict(True, sig, note))
    return out


def joined(*parts) -> str:
    """'a, b, c' from the non-empty parts."""
    return ", ".join(p for p in parts if p)


def stats(*parts) -> str:
    """'(a, b, c)' from the non-empty parts."""
    return f"({joined(*parts)})"


def excluded(lower, upper, levels, null: float):
    """The widest level whose interval excludes ``null`` and the side (+1: the interval lies
    above it, -1: below), or (None, 0)."""
    best, side = None, 0
    for lo, hi, c in zip(np.atleast_1d(lower), np.atleast_1d(upper), levels):
        s = 1 if lo > null else (-1 if hi < null else 0)
        if s and (best is None or c > best):
            best, side = c, s
    return best, side


def ci_verdict(lower, upper, levels, null: float, higher: str = "higher",
               lower_word: str = "lower", of: str = "a difference", fmt=number) -> str:
    """Whether an element's intervals exclude ``null``, in words: 'higher by more than chance
    would explain (the 99.8% CI excludes 1)' at the widest level that does, else 'no evidence
    of a difference (the 95% CI includes 1)' at the narrowest; ``fmt`` formats ``null``."""
    at, side = excluded(lower, upper, levels, null)
    ref = fmt(null)
    if at is None:
        return f"no evidence of {of} (the {level(min(levels))} CI includes {ref})"
    return f"{higher if side > 0 else lower_word} by {CHANCE} (the {level(at)} CI excludes {ref})"


def expected_by_chance(k: int, conf: float) -> float:
    """Of k units that all truly met the target, how many fall outside two-sided limits at
    ``conf`` by chance alone."""
    return k * (1.0 - conf)


def about(x) -> str:
    """A rough count: 0.288 -> '0.3', 0.012 -> '0.01', 4.8 -> '5'."""
    if x >= 1:
        return f"{round(x):,}"
    return "0" if x <= 0 else f"{x:.1g}"
