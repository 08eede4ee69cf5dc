"""Waiting-time measures (e.g. firearms licensing): how long cases wait, counting the cases
still open properly.  The steps of the :class:`~.kinds.Wait` kind.

The headline is the Kaplan-Meier estimate for the cases received in the latest window: the
median wait and the share decided within ``target_days``, open cases censored at their wait so
far (as R ``survival::survfit``); the change on last year is the log-rank test between that
cohort and the one a year earlier.  The monthly series, its trend and SPC chart and the
comparison of areas use the share decided within ``target_days`` of each month's cases whose
outcome at ``target_days`` is known (cases still open that have waited less are left out, which
with censoring only at the extract date estimates the same share).
"""
from __future__ import annotations

import dataclasses
import math

import numpy as np

from .. import waits as _waits
from . import aggregate, words
from .issues import Issue
from .result import Change, Latest
from .steps import CONF, FORCE

METHOD = "Kaplan-Meier, open cases censored (as R survival::survfit, log CI)"


def latest(m, table, span, out, issues) -> Latest:
    """The Kaplan-Meier median wait (and share decided within ``target_days``) of the cases
    received in the latest window."""
    out.method("kaplan_meier")
    rows = table.rows
    now = rows[rows["period"].isin(span.latest)]
    km = _kaplan_meier(m, now, issues)
    share = (km["share"], km["share_lower"], km["share_upper"]) if m.target_days else None
    out.finding("Latest value", _headline(m, km, span.lead()))
    out.add(FORCE, "latest", "median wait (days)", km["median"], km["median_lower"],
            km["median_upper"], period=span.text, method=METHOD, note=km["note"])
    if share is not None:
        out.add(FORCE, "latest", f"share decided within {m.target_days:g} days", *share,
                period=span.text, method=METHOD)
    out.add(FORCE, "latest", "cases", len(now), period=span.text)
    out.add(FORCE, "latest", "cases still open", int((~now["event"]).sum()), period=span.text)
    return Latest(value=km["median"], lower=km["median_lower"], upper=km["median_upper"],
                  note=km["note"], share=share, survival=km["km"])


def share_table(m, table):
    """Monthly share decided within target_days among cases whose outcome then is known."""
    import pandas as pd

    rows = table.rows
    days = m.target_days
    within = rows["event"] & (rows["duration"] <= days)
    known = within | (rows["duration"] > days)
    data = pd.DataFrame({"period": rows["period"], "x": within.astype(float),
                         "n": known.astype(float)})
    if "area" in rows:
        data["area"] = rows["area"]
    data = data[known.to_numpy()]
    if data.empty:
        return None
    data["w2"], data["rows"] = 0.0, 1
    force = data.groupby("period").agg(x=("x", "sum"), n=("n", "sum"), w2=("w2", "sum"),
                                       rows=("rows", "sum"))
    periods = pd.period_range(force.index.min(), force.index.max(), freq=table.freq)
    areas = None
    if "area" in data:
        areas = data[data["area"].notna()].groupby(["area", "period"]).agg(
            x=("x", "sum"), n=("n", "sum"), w2=("w2", "sum"), rows=("rows", "sum"))
    return aggregate.Table(force=force, areas=areas, freq=table.freq, periods=periods,
                           missing=[p for p in periods if p not in force.index])


def share_measure(m):
    """The share decided within ``target_days``, as a proportion measure (higher is better)."""
    return dataclasses.replace(m, kind="proportion", direction="higher", chart=None,
                               label=f"share of {m.cases} decided within "
                                     f"{m.target_days:g} days",
                               latest=m.latest)


def _kaplan_meier(m, cohort, issues):
    """Median and share within target_days of one cohort, with 95% CIs; a median resting on
    fewer than :data:`scrutiny.waits.MIN_AT_RISK` cases still waiting is not reported."""
    if cohort.empty:
        raise ValueError("no cases in the latest window")
    durations = cohort["duration"].to_numpy(dtype=float)
    observed = cohort["event"].to_numpy(dtype=bool)
    km = _waits.kaplan_meier(durations, observed, conf=CONF)
    out = {"km": km}
    out["median"], out["median_lower"], out["median_upper"] = _median(km)
    out["note"] = "" if np.isfinite(out["median"]) else "not reached"
    if np.isnan(out["median"]) and km.median is not None:
        out["note"] = "not given (too few cases)"
        issues.append(Issue(m.name, f"the Kaplan-Meier median wait of the {m.cases} received in "
                            f"the latest period ({km.median:,.0f} days) rests on "
                            f"{km.median_at_risk} still waiting when it is reached (fewer than "
                            f"{_waits.MIN_AT_RISK})", "not reported", note=True))
    if m.target_days:
        past = km.share_past(m.target_days)
        out.update(share=1 - past.estimate, share_lower=1 - past.upper,
                   share_upper=1 - past.lower)
    return out


def _median(km) -> tuple:
    """The median wait and its CI, NaN where not reached or resting on too few cases."""
    if km.median is None or km.median_at_risk < _waits.MIN_AT_RISK:
        return math.nan, math.nan, math.nan
    return tuple(math.nan if v is None else float(v)
                 for v in (km.median, km.median_lower, km.median_upper))


def _headline(m, km, lead: str) -> str:
    """``lead``: 'In <window>' (and how many of its months have data, when not all)."""
    text = km["km"].narrative(target=m.target_days, noun=m.cases)
    return f"{m.cases.capitalize()} received {words.lower_first(lead)}: {words.lower_first(text)}"


def against_target(m, span, latest, out):
    """The share decided within ``target_days`` against the target, by its 95% CI."""
    share, lo, hi = latest.share or (None, None, None)
    what = f"the share of {m.cases} decided within {m.target_days:g} days"
    if share is None or not np.isfinite(share) or not np.isfinite(lo):
        out.finding("Target", f"The target is {words.share(m.target, 0)} for {what}; "
                              "it cannot be assessed yet.")
        return None
    verdict, text = words.against_target(
        dataclasses.replace(m, direction="higher"), what, share, lo, hi, m.target,
        words.share, words.share)
    out.finding("Target", text)
    out.add(FORCE, "target", f"share decided within {m.target_days:g} days", share, lo, hi,
            flag=verdict, period=span.text, note=f"target {m.target:g}", method=METHOD)
    return verdict


def change(m, table, comparison, span, out) -> Change:
    """The log-rank test between the cases received in the periods compared."""
    rows = table.rows
    now, before = (rows[rows["period"].isin(p)] for p in (comparison.now, comparison.before))
    labels = comparison.groups(span)
    durations = np.concatenate([now["duration"], before["duration"]])
    observed = np.concatenate([now["event"], before["event"]])
    group = np.array([labels[0]] * len(now) + [labels[1]] * len(before), dtype=object)
    km = _waits.kaplan_meier(durations, observed, group=group, conf=CONF)
    test = km.logrank
    median_now = _median(km.groups[labels[0]])[0]
    median_before, lower_before, upper_before = _median(km.groups[labels[1]])
    shown = (f"a median wait of {median_before:,.0f} days" if np.isfinite(median_before)
             else "no reliable median wait yet")
    head = f"{m.cases.capitalize()} received a year earlier ({labels[1]}) had {shown}."
    head = f"{comparison.note} {head}".strip()
    # more decisions than expected in the latest cohort means shorter waits
    faster = test.observed[labels[0]] > test.expected[labels[0]]
    verdict = (("improved" if faster else "worsened") if test.pvalue < words.ALPHA
               else words.SAME)
    text = (f"{head} Comparing the two years' {m.cases}: "
            f"{words.lower_first(test.narrative(alpha=words.ALPHA, noun=m.cases))}")
    size = ""
    if np.isfinite(median_now) and np.isfinite(median_before):
        size = f"{median_now - median_before:+,.0f} days"
    out.finding("Change on last year", text)
    out.add(FORCE, "change on last year", "log-rank chi-square", test.statistic,
            pvalue=test.pvalue, flag=verdict, period=f"{labels[0]} vs {labels[1]}",
            method="log-rank test (as R survival::survdiff)")
    out.add(FORCE, "change on last year", "median wait a year earlier (days)",
            median_before, lower_before, upper_before, period=labels[1])
    out.method("logrank")
    return Change(verdict=verdict, size=size, note=comparison.note, survival=km)
