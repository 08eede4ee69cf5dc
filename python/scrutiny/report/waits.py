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
    res.window, res.previous_window = words.window_text(latest), words.window_text(previous)
    res.window_short = words.window_text(latest, short=True)
    rows = table.rows
    now = rows[rows["period"].isin(latest)]
    before = rows[rows["period"].isin(previous)]
    km = _kaplan_meier(m, now, issues)
    res.value, res.lower, res.upper = km["median"], km["median_lower"], km["median_upper"]
    res.survival = km["km"]
    res.findings.append(("Latest value", _headline(m, km, res.window)))
    res.add(engine.FORCE, "latest", "median wait (days)", km["median"], km["median_lower"],
            km["median_upper"], period=res.window, method=km["method"])
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
    if before.empty:
        issues.append(Issue(m.name, f"no cases received in {res.previous_window}",
                            "the change on last year is not assessed"))
    else:
        engine.step(res, issues, "change on last year", _change, m, now, before, km, res, issues)
    if m.target_days:
        share = _share_table(m, table)
        if share is not None:
            pm = dataclasses.replace(m, kind="proportion", direction="higher", chart=None,
                                     label=f"share decided within {m.target_days:g} days",
                                     latest=m.latest)
            engine.step(res, issues, "trend", engine.trend_step, pm, share, res)
            engine.step(res, issues, "SPC chart", engine.spc_step, pm, share, res)
            if share.areas is not None:
                s_latest, s_prev = engine.windows(pm, share, [])
                keep_window, keep_prev = res.window, res.previous_window
                res.window, res.previous_window = (words.window_text(s_latest),
                                                   words.window_text(s_prev))
                engine.step(res, issues, "areas", analyse_areas, pm, share, s_latest, s_prev,
                            res, levels)
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


MIN_AT_RISK = 10  # a median resting on fewer cases still waiting is not reported


def _kaplan_meier(m: Measure, cohort, issues):
    """Median and share within target_days of one cohort, with 95% CIs."""
    from ..waits import kaplan_meier

    if cohort.empty:
        raise ValueError("no cases in the latest window")
    durations = cohort["duration"].to_numpy(dtype=float)
    observed = cohort["event"].to_numpy(dtype=bool)
    km = kaplan_meier(durations, observed, conf=engine.CONF)
    out = {"n": len(cohort), "open": int((~observed).sum()), "km": km,
           "median": _or_nan(km.median), "median_lower": _or_nan(km.median_lower),
           "median_upper": _or_nan(km.median_upper), "fragile": False,
           "method": "Kaplan-Meier, open cases censored (as R survival::survfit, log CI)"}
    at_risk = _at_risk_at_median(km)
    if at_risk is not None and at_risk < MIN_AT_RISK:
        out["fragile"] = True
        issues.append(Issue(m.name, f"the Kaplan-Meier median wait of the {m.cases} received in "
                            f"the latest period ({out['median']:,.0f} days) rests on "
                            f"{at_risk} still waiting that long", "not reported"))
        out.update(median=math.nan, median_lower=math.nan, median_upper=math.nan)
    if m.target_days:
        past = km.share_past(m.target_days)
        out.update(share=1 - past.estimate, share_lower=1 - past.upper,
                   share_upper=1 - past.lower)
    return out


def _or_nan(v):
    return math.nan if v is None or not np.isfinite(v) else float(v)


def _at_risk_at_median(km):
    """Cases still waiting at the time the median is reached (None if it is not reached)."""
    if km.median is None or not np.isfinite(km.median):
        return None
    return int(km.table.loc[km.table["survival"] <= 0.5, "n_risk"].iloc[0])


def _headline(m: Measure, km, window: str) -> str:
    from . import words as w

    noun = m.cases
    if not km["fragile"]:
        fallback = ""
        text = w.narrate(km["km"], fallback, target=m.target_days, noun=noun)
        if text:
            return f"{noun.capitalize()} received in {window}: {text}"
    text = (f"Of the {km['n']:,} {noun} received in {window}, {km['open']:,} were still open at "
            f"the end of the data.")
    if not np.isfinite(km["median"]):
        text += (" Too few have been followed long enough for the median wait to be estimated "
                 "reliably (Kaplan-Meier, open cases counted as still waiting).")
    if m.target_days and np.isfinite(km.get("share", math.nan)):
        text += (f" An estimated {w.fmt_share(1 - km['share'])} wait longer than "
                 f"{m.target_days:g} days (95% CI {w.fmt_share(1 - km['share_upper'])} to "
                 f"{w.fmt_share(1 - km['share_lower'])}).")
    return text


def _against_target(m: Measure, km, res):
    share, lo, hi = km.get("share"), km.get("share_lower"), km.get("share_upper")
    goal = f"{words.fmt_share(m.target, 0)} of {m.cases} decided within {m.target_days:g} days"
    if share is None or not np.isfinite(share) or not np.isfinite(lo):
        res.findings.append(("Target", f"The target is {goal}; it cannot be assessed yet."))
        return
    if lo > m.target or hi < m.target:
        above = share > m.target
        res.target_verdict = "better" if above else "worse"
        text = (f"The target is {goal}: the share ({words.fmt_share(share)}) is "
                f"{'above' if above else 'below'} it by more than chance would explain (the 95% "
                "confidence interval excludes the target).")
    else:
        res.target_verdict = "not significantly different"
        text = (f"The target is {goal}: the share ({words.fmt_share(share)}) is not "
                "significantly different from it (the 95% confidence interval includes it).")
    res.findings.append(("Target", text))
    res.add(engine.FORCE, "target", f"share decided within {m.target_days:g} days", share, lo, hi,
            flag=res.target_verdict, period=res.window, note=f"target {m.target:g}",
            method=km["method"])


def _change(m: Measure, now, before, km_now, res, issues):
    from ..waits import kaplan_meier

    labels = ("the latest period", "a year earlier")
    durations = np.concatenate([now["duration"], before["duration"]])
    observed = np.concatenate([now["event"], before["event"]])
    group = np.array([labels[0]] * len(now) + [labels[1]] * len(before), dtype=object)
    km = kaplan_meier(durations, observed, group=group, conf=engine.CONF)
    test = km.logrank
    prev = km.groups[labels[1]]
    res.survival = km
    at_risk = _at_risk_at_median(prev)
    median_before = _or_nan(prev.median) if at_risk is None or at_risk >= MIN_AT_RISK else math.nan
    shown = (f"a median wait of {median_before:,.0f} days" if np.isfinite(median_before)
             else "no reliable median wait yet")
    head = f"{m.cases.capitalize()} received a year earlier ({res.previous_window}) had {shown}."
    if test.pvalue >= words.ALPHA:
        res.change_verdict = "no significant change"
        fallback = (f"The waits of the two years are not significantly different (log-rank "
                    f"test, chi-square = {test.statistic:.1f}, {words.fmt_p(test.pvalue)}).")
    else:
        # more decisions than expected in the latest cohort means shorter waits
        faster = test.observed[labels[0]] > test.expected[labels[0]]
        res.change_verdict = "improved" if faster else "worsened"
        fallback = (f"Waits are now {'shorter' if faster else 'longer'}, by more than chance "
                    f"would explain (log-rank test, chi-square = {test.statistic:.1f}, "
                    f"{words.fmt_p(test.pvalue)}).")
    text = head + " " + words.narrate(test, fallback, noun=m.cases)
    if np.isfinite(km_now["median"]) and np.isfinite(median_before):
        res.change_text = f"{km_now['median'] - median_before:+,.0f} days"
    res.findings.append(("Change on last year", text))
    res.add(engine.FORCE, "change on last year", "log-rank chi-square", test.statistic,
            pvalue=test.pvalue, flag=res.change_verdict,
            period=f"{res.window} vs {res.previous_window}",
            method="log-rank test (as R survival::survdiff)")
    res.add(engine.FORCE, "change on last year", "median wait a year earlier (days)",
            median_before, _or_nan(prev.median_lower), _or_nan(prev.median_upper),
            period=res.previous_window)
    res.methods.add("logrank")
