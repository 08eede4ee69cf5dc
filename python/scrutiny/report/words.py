"""Numbers and sentences of the report.

Each result's own ``narrative()`` is used where the result has one; otherwise the sentences
here say the same in the same careful register: a difference is reported only when it is
larger than chance would explain, and never with more certainty than the test gives.
"""
from __future__ import annotations

import inspect

import numpy as np

ALPHA = 0.05


def narrate(result, fallback: str, **options) -> str:
    """``result.narrative(...)`` with the options it accepts, or ``fallback`` when the result
    has no narrative (or its narrative fails)."""
    method = getattr(result, "narrative", None)
    if method is None:
        return fallback
    try:
        accepted = inspect.signature(method).parameters
        text = method(**{k: v for k, v in options.items() if k in accepted and v is not None})
    except Exception:  # a narrative that cannot describe this result: use ours
        return fallback
    if isinstance(text, (list, tuple)):
        text = " ".join(str(t) for t in text)
    return str(text).strip() or fallback


def fmt(value, m) -> str:
    """A value of measure ``m`` in its unit (proportions as percentages)."""
    if value is None or not np.isfinite(value):
        return "n/a"
    d = m.decimals
    if m.kind == "proportion":
        return f"{100 * value:.{d}f}%"
    if m.kind == "rate":
        return f"{value:,.{d}f} {m.unit}".strip()
    if m.kind == "wait":
        return f"{value:,.0f} days"
    return f"{value:,.0f}" + (f" {m.unit}" if m.unit else "")


def per_unit(m) -> str:
    """The unit of a rate after 'per <number>': "per 1,000 residents a year" -> "residents a
    year" (the narratives put the number themselves)."""
    import re

    return re.sub(r"^per\s+[\d,.]+\s*", "", m.unit).strip() or "a year"


def fmt_share(value, decimals: int = 1) -> str:
    return "n/a" if value is None or not np.isfinite(value) else f"{100 * value:.{decimals}f}%"


def fmt_p(p) -> str:
    if p is None or not np.isfinite(p):
        return "p not available"
    return "p < 0.001" if p < 0.001 else f"p = {p:.3f}"


def ci_text(lower, upper, m, conf: float = 0.95) -> str:
    if m.kind == "rate":  # the unit once, after the value
        return f"{conf:.0%} CI {lower:,.{m.decimals}f} to {upper:,.{m.decimals}f}"
    return f"{conf:.0%} CI {fmt(lower, m)} to {fmt(upper, m)}"


def period_text(p, short: bool = False) -> str:
    freq = getattr(p, "freqstr", "")
    if freq.startswith("M"):
        return p.strftime("%b %Y" if short else "%B %Y")
    if freq.startswith("Q"):
        return f"{p.year} Q{p.quarter}"
    return str(p)


def window_text(periods, short: bool = False) -> str:
    """'April 2024 to March 2025' ('Apr 2024 - Mar 2025' when short), or one period."""
    first, last = periods[0], periods[-1]
    if first == last:
        return period_text(last, short)
    return f"{period_text(first, short)}{' – ' if short else ' to '}{period_text(last, short)}"


def target_sentence(m, estimate, lower, upper, pvalue, target) -> tuple[str, str]:
    """The value against the target: (verdict, sentence); verdict is "better", "worse" or
    "not significantly different"."""
    better_high = m.direction != "lower"
    if pvalue is not None and np.isfinite(pvalue):
        differs = pvalue < ALPHA
        test = f"exact test, {fmt_p(pvalue)}"
    else:
        differs = lower > target or upper < target
        test = "the 95% confidence interval excludes the target" if differs else \
            "the 95% confidence interval includes the target"
    if not differs:
        return ("not significantly different",
                f"This is not significantly different from the target of {fmt(target, m)} "
                f"({test}): chance alone could explain the gap.")
    above = estimate > target
    side = "above" if above else "below"
    verdict = "better" if above == better_high else "worse"
    if m.direction is None:
        verdict = side
    return (verdict, f"This is {side} the target of {fmt(target, m)} by more than chance would "
                     f"explain ({test}).")


def change_sentence(m, now, before, statistic_text, pvalue) -> tuple[str, str]:
    """Change on the same period a year earlier: (verdict, sentence)."""
    if not np.isfinite(pvalue) or pvalue >= ALPHA:
        return ("no significant change",
                f"It is not significantly different from the same period a year earlier "
                f"({fmt(before, m)}; {statistic_text}, {fmt_p(pvalue)}).")
    up = now > before
    word = "up" if up else "down"
    verdict = word if m.direction is None else (
        "improved" if up == (m.direction == "higher") else "worsened")
    return (verdict, f"It is {word} from {fmt(before, m)} a year earlier, by more than chance "
                     f"would explain ({statistic_text}, {fmt_p(pvalue)}).")


def trend_sentence(m, mk, slope_per_year_text: str) -> tuple[str, str]:
    """Mann-Kendall verdict: (verdict, sentence)."""
    status = getattr(mk, "status", "ok")
    if status != "ok" or mk.trend == "undefined":
        return ("not assessed", f"The trend could not be assessed ({status}).")
    if mk.trend == "no trend":
        return ("no significant trend",
                f"Over the whole series there is no significant trend (Mann-Kendall z = "
                f"{mk.z:.2f}, {fmt_p(mk.pvalue)}).")
    verdict = _direction_verdict(m, mk.trend == "increasing")
    return (verdict, f"Over the whole series the measure is {mk.trend}, by more than chance "
                     f"would explain (Mann-Kendall z = {mk.z:.2f}, {fmt_p(mk.pvalue)}); Sen's "
                     f"slope is {slope_per_year_text}.")


def count_trend_sentence(m, ct, years_per_step: float) -> tuple[str, str]:
    """Log-linear trend of counts: (verdict, sentence) with the change per year."""
    if getattr(ct, "status", "ok") != "ok" or not np.isfinite(ct.rate_ratio):
        return ("not assessed", "The trend in the counts could not be estimated.")
    per_year = lambda r: 100.0 * (r ** (1.0 / years_per_step) - 1.0)  # noqa: E731
    change, lo, hi = per_year(ct.rate_ratio), per_year(ct.lower), per_year(ct.upper)
    what = "rate" if m.kind == "rate" else "count"
    model = "negative binomial" if "neg" in str(ct.method).lower() else "Poisson"
    if ct.pvalue >= ALPHA:
        return ("no significant trend",
                f"Allowing for the season, the {what} shows no significant trend ({model} "
                f"regression: {change:+.1f}% a year, 95% CI {lo:+.1f}% to {hi:+.1f}%, "
                f"{fmt_p(ct.pvalue)}).")
    verdict = _direction_verdict(m, change > 0)
    word = "rising" if change > 0 else "falling"
    return (verdict, f"Allowing for the season, the {what} is {word} by about "
                     f"{abs(change):.1f}% a year (95% CI {lo:+.1f}% to {hi:+.1f}%, {model} "
                     f"regression, {fmt_p(ct.pvalue)}).")


def _direction_verdict(m, up: bool) -> str:
    if m.direction is None:
        return "increasing" if up else "decreasing"
    return "improving" if up == (m.direction == "higher") else "worsening"


def areas_sentence(m, funnel, levels) -> str:
    """How many areas stand out of the funnel, and which."""
    flags = list(funnel.flag)
    far = f"{max(levels):.1%}".replace(".0%", "%")
    outside = [str(funnel.labels[i]) for i, f in enumerate(flags) if f != "within"]
    high = [str(funnel.labels[i]) for i, f in enumerate(flags) if f.startswith("high")]
    low = [str(funnel.labels[i]) for i, f in enumerate(flags) if f.startswith("low")]
    k = len(flags)
    label = plural_noun(m.area_label)
    phi = getattr(funnel, "phi", float("nan"))
    adj = (f", after allowing for the spread between {label} beyond chance (overdispersion "
           f"factor phi = {phi:.1f})" if funnel.overdispersion and np.isfinite(phi) and phi > 1
           else "")
    if not outside:
        return (f"None of the {k} {label} is outside the funnel limits{adj}: the differences "
                "between them are within what chance gives.")
    parts = []
    if high:
        parts.append(f"above the force value: {', '.join(high)}")
    if low:
        parts.append(f"below: {', '.join(low)}")
    return (f"{len(outside)} of the {k} {label} stand{'s' if len(outside) == 1 else ''} out of "
            f"the funnel limits{adj} ({'; '.join(parts)}); the widest limits are {far}.")


def plural(n: int, word: str) -> str:
    return f"{n:,} {word if n == 1 else plural_noun(word)}"


def plural_noun(word: str) -> str:
    """'area' -> 'areas', 'local authority' -> 'local authorities', 'crime types' unchanged."""
    if word.endswith("s"):
        return word
    if word.endswith("y") and word[-2:-1] not in ("a", "e", "i", "o", "u"):
        return word[:-1] + "ies"
    return word + "s"

