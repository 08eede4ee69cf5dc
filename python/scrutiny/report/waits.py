"""Waiting-time measures (e.g. firearms licensing): how long cases wait, counting the cases
still open properly.

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

from . import aggregate, engine, words
from .areas import analyse_areas
from .spec import Issue, Measure


def analyse_wait(m: Measure, table, res, levels, issues):
    latest, previous = engine.windows(m, table, issues)
    engine.set_window(res, table, latest, previous)
    rows = table.rows
    now = rows[rows["period"].isin(latest)]
    km = _kaplan_meier(m, now, issues)
    res.value, res.lower, res.upper = km["median"], km["median_lower"], km["median_upper"]
    res.value_note = km["note"]
    res.survival = km["km"]
    res.findings.append(("Latest value", _headline(m, km, engine.latest_lead(res, table))))
    res.add(engine.FORCE, "latest", "median wait (days)", km["median"], km["median_lower"],
            km["median_upper"], period=res.window, method=km["method"], note=km["note"])
    if m.target_days:
        res.add(engine.FORCE, "latest", f"share decided within {m.target_days:g} days",
                km["share"], km["share_lower"], km["share_upper"], period=res.window,
                method=km["method"])
    res.add(engine.FORCE, "latest", "cases", len(now), period=res.window)
    res.add(engine.FORCE, "latest", "cases still open", int((~now["event"]).sum()),
            period=res.window)
    if m.target is not None and m.target_days:
        _against_target(m, km, res)
    else:
        res.findings.append(("Target", "No target is set for this measure."))
    compared = engine.year_apart(m, table.force.index, latest, previous, res, issues)
    if compared is not None:
        engine.step(res, issues, "change on last year", _change, m,
                    *(rows[rows["period"].isin(p)] for p in compared), compared, res)
    if m.target_days:
        share = _share_table(m, table)
        if share is not None:
            pm = dataclasses.replace(m, kind="proportion", direction="higher", chart=None,
                                     label=f"share of {m.cases} decided within "
                                           f"{m.target_days:g} days",
                                     latest=m.latest)
            engine.step(res, issues, "trend", engine.trend_step, pm, share, res)
            engine.step(res, issues, "SPC chart", engine.spc_step, pm, share, res, issues)
            if share.areas is not None:
                s_latest, s_prev = engine.windows(pm, share, [])
                keep_window, keep_prev = res.window, res.previous_window
                res.window, res.previous_window = (words.window_text(s_latest),
                                                   words.window_text(s_prev))
                engine.step(res, issues, "areas", analyse_areas, pm, share, s_latest, s_prev,
                            res, levels, issues)
                res.window, res.previous_window = keep_window, keep_prev
    res.methods.add("kaplan_meier")


def _share_table(m: Measure, table):
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


def _kaplan_meier(m: Measure, cohort, issues):
    """Median and share within target_days of one cohort, with 95% CIs; a median resting on
    fewer than :data:`scrutiny.waits.MIN_AT_RISK` cases still waiting is not reported."""
    from .. import waits

    if cohort.empty:
        raise ValueError("no cases in the latest window")
    durations = cohort["duration"].to_numpy(dtype=float)
    observed = cohort["event"].to_numpy(dtype=bool)
    km = waits.kaplan_meier(durations, observed, conf=engine.CONF)
    out = {"km": km, "method": "Kaplan-Meier, open cases censored (as R survival::survfit, "
                               "log CI)"}
    out["median"], out["median_lower"], out["median_upper"] = _median(km)
    out["note"] = "" if np.isfinite(out["median"]) else "not reached"
    if np.isnan(out["median"]) and km.median is not None:
        out["note"] = "not given (too few cases)"
        issues.append(Issue(m.name, f"the Kaplan-Meier median wait of the {m.cases} received in "
                            f"the latest period ({km.median:,.0f} days) rests on "
                            f"{km.median_at_risk} still waiting when it is reached (fewer than "
                            f"{waits.MIN_AT_RISK})", "not reported"))
    if m.target_days:
        past = km.share_past(m.target_days)
        out.update(share=1 - past.estimate, share_lower=1 - past.upper,
                   share_upper=1 - past.lower)
    return out


def _median(km) -> tuple:
    """The median wait and its CI, NaN where not reached or resting on too few cases."""
    from ..waits import MIN_AT_RISK

    if km.median is None or km.median_at_risk < MIN_AT_RISK:
        return math.nan, math.nan, math.nan
    return tuple(math.nan if v is None else float(v)
                 for v in (km.median, km.median_lower, km.median_upper))


def _headline(m: Measure, km, lead: str) -> str:
    """``lead``: 'In <window>' (and how many of its months have data, when not all)."""
    text = km["km"].narrative(target=m.target_days, noun=m.cases)
    return f"{m.cases.capitalize()} received {words.lower_first(lead)}: {words.lower_first(text)}"


def _against_target(m: Measure, km, res):
    share, lo, hi = km.get("share"), km.get("share_lower"), km.get("share_upper")
    what = f"the share of {m.cases} decided within {m.target_days:g} days"
    if share is None or not np.isfinite(share) or not np.isfinite(lo):
        res.findings.append(("Target", f"The target is {words.share(m.target, 0)} for {what}; "
                                       "it cannot be assessed yet."))
        return
    res.target_verdict, text = words.against_target(
        dataclasses.replace(m, direction="higher"), what, share, lo, hi, m.target,
        words.share, words.share)
    res.findings.append(("Target", text))
    res.add(engine.FORCE, "target", f"share decided within {m.target_days:g} days", share, lo, hi,
            flag=res.target_verdict, period=res.window, note=f"target {m.target:g}",
            method=km["method"])


def _change(m: Measure, now, before, compared, res):
    from ..waits import kaplan_meier

    labels = (res.window, res.previous_window)
    if res.change_note:  # only the months with data in both years
        labels = tuple(words.periods_text(p) for p in compared)
    durations = np.concatenate([now["duration"], before["duration"]])
    observed = np.concatenate([now["event"], before["event"]])
    group = np.array([labels[0]] * len(now) + [labels[1]] * len(before), dtype=object)
    km = kaplan_meier(durations, observed, group=group, conf=engine.CONF)
    test = km.logrank
    res.survival = km
    median_now = _median(km.groups[labels[0]])[0]
    median_before, lower_before, upper_before = _median(km.groups[labels[1]])
    shown = (f"a median wait of {median_before:,.0f} days" if np.isfinite(median_before)
             else "no reliable median wait yet")
    head = f"{m.cases.capitalize()} received a year earlier ({labels[1]}) had {shown}."
    head = f"{res.change_note} {head}".strip()
    # more decisions than expected in the latest cohort means shorter waits
    faster = test.observed[labels[0]] > test.expected[labels[0]]
    res.change_verdict = (("improved" if faster else "worsened") if test.pvalue < words.ALPHA
                          else words.SAME)
    text = (f"{head} Comparing the two years' {m.cases}: "
            f"{words.lower_first(test.narrative(alpha=words.ALPHA, noun=m.cases))}")
    if np.isfinite(median_now) and np.isfinite(median_before):
        res.change_text = f"{median_now - median_before:+,.0f} days"
    res.findings.append(("Change on last year", text))
    res.add(engine.FORCE, "change on last year", "log-rank chi-square", test.statistic,
            pvalue=test.pvalue, flag=res.change_verdict,
            period=f"{labels[0]} vs {labels[1]}",
            method="log-rank test (as R survival::survdiff)")
    res.add(engine.FORCE, "change on last year", "median wait a year earlier (days)",
            median_before, lower_before, upper_before, period=labels[1])
    res.methods.add("logrank")
