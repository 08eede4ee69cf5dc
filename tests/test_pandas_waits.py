"""Waits with pandas inputs: tidy tables (``time=``, ``event=``, ``by=``), Series that keep
their cases' index, groups named as given, checked against the array path and against R's
``survival`` package."""
import numpy as np
import pandas as pd
import pytest

from scrutiny import waits

RTOL = 1e-12

# One row per application: its wait in days, whether it has been decided, and its force.
APPS = pd.DataFrame({
    "force": ["North"] * 10 + ["South"] * 9 + ["West"] * 8,
    "days": [35, 60, 60, 92, 110, 140, 140, 175, 210, 260,
             20, 45, 45, 70, 88, 120, 150, 150, 190,
             50, 75, 100, 130, 130, 165, 200, 240],
    "decided": [1, 1, 0, 1, 1, 1, 0, 1, 0, 1,
                1, 1, 1, 0, 1, 1, 1, 0, 1,
                1, 0, 1, 1, 1, 0, 1, 0],
}, index=pd.RangeIndex(100, 127, name="case"))

# R 4.2.2, survival 3.5.3:
#   fit <- survfit(Surv(days, decided) ~ force, data = d)
#   summary(fit)$table[, c("median", "0.95LCL", "0.95UCL")]
#   summary(fit, times = 150)            # surv, lower, upper, std.err, n.risk
#   survdiff(Surv(days, decided) ~ force, data = d)
R_MEDIAN = {"North": (140.0, 92.0, np.nan), "South": (120.0, 45.0, np.nan),
            "West": (130.0, 100.0, np.nan)}
R_AT_150 = {  # surv, lower, upper, std.err, n.risk
    "North": (0.457142857142857, 0.2241959475856693, 0.932129211465251, 0.166178098285707, 3),
    "South": (0.266666666666667, 0.0828724532675918, 0.858078991356708, 0.159009278399985, 3),
    "West": (0.4375, 0.1885097967259673, 1.0, 0.187933526590299, 3)}
R_LOGRANK = {"chisq": 1.82792375660662, "pvalue": 0.400932626982664,
             "observed": [7, 7, 5], "expected": [8.16528702092641, 4.56434106104183,
                                                 6.27037191803176]}
#   summary(fit)$surv, $lower, $upper (every decision time, force by force)
R_CURVE = {
    "North": ([35, 60, 92, 110, 140, 175, 260],
              [0.9, 0.8, 0.685714285714286, 0.571428571428571, 0.457142857142857,
               0.304761904761905, 0.0],
              [0.7320116427439927, 0.5868177012338136, 0.4447216606852119, 0.32583872134374,
               0.2241959475856693, 0.1043913122211816, np.nan]),
    "West": ([50, 100, 130, 200],
             [0.875, 0.729166666666667, 0.4375, 0.21875],
             [0.6733819365059553, 0.4679934756153768, 0.1885097967259673,
              0.0432213516054709]),
}


def _close(actual, expected, rtol=RTOL):
    np.testing.assert_allclose(np.asarray(actual, dtype=float), np.asarray(expected, dtype=float),
                               rtol=rtol, atol=1e-14, equal_nan=True)


# ---- tidy tables against R -----------------------------------------------------------------

def test_tidy_table_by_force_matches_survfit():
    res = waits.kaplan_meier(APPS, time="days", event="decided", by="force")
    assert list(res.labels) == ["North", "South", "West"] and res.labels.name == "force"
    assert list(res.groups) == ["North", "South", "West"]
    for force, (median, lower, upper) in R_MEDIAN.items():
        assert res.median[force] == median and res.median_lower[force] == lower
        assert np.isnan(res.median_upper[force]) and np.isnan(upper)
    for force, (time, surv, lower) in R_CURVE.items():
        rows = res.table[res.table["group"] == force]
        _close(rows["time"], time)
        _close(rows["survival"], surv)
        _close(rows["lower"], lower)
    test = res.logrank
    assert test.df == 2
    _close(test.statistic, R_LOGRANK["chisq"])
    _close(test.pvalue, R_LOGRANK["pvalue"])
    _close(test.observed, R_LOGRANK["observed"])
    _close(test.expected, R_LOGRANK["expected"])
    assert test.observed.index.name == "force"


def test_tidy_share_waiting_past_matches_summary_at_times():
    share = waits.share_waiting_past(APPS, time="days", event="decided", target=150.0,
                                     by="force")
    assert list(share.group) == ["North", "South", "West"]
    for k, force in enumerate(share.group):
        surv, lower, upper, se, n_risk = R_AT_150[force]
        _close([share.estimate[k], share.lower[k], share.upper[k], share.std_err[k]],
               [surv, lower, upper, se])
        assert share.n_risk[k] == n_risk
    frame = share.to_frame()
    assert frame["group"].tolist() == ["North", "South", "West"]
    lines = share.narrative(noun="applications")
    assert lines[1].startswith("South: An estimated 26.7% of applications wait longer than 150")


def test_tidy_equals_the_array_path():
    tidy = waits.kaplan_meier(APPS, time="days", event="decided", by="force")
    arrays = waits.kaplan_meier(APPS["days"].to_numpy(), APPS["decided"].to_numpy(),
                                group=APPS["force"].to_numpy())
    pd.testing.assert_frame_equal(tidy.table, arrays.table)
    _close(tidy.median, arrays.median)
    assert tidy.logrank.statistic == arrays.logrank.statistic
    # Series of one table: the same numbers, the groups named by the column
    series = waits.kaplan_meier(APPS["days"], APPS["decided"], group=APPS["force"])
    pd.testing.assert_frame_equal(series.table, tidy.table)
    # positional column names (the by column third), and no groups
    pd.testing.assert_frame_equal(waits.kaplan_meier(APPS, "days", "decided", "force").table,
                                  tidy.table)
    one = waits.kaplan_meier(APPS, "days", "decided")
    pd.testing.assert_frame_equal(
        one.table, waits.kaplan_meier(APPS["days"].to_numpy(), APPS["decided"]).table)
    assert one.labels is None
    # the other options pass through
    loglog = waits.kaplan_meier(APPS, time="days", event="decided", by="force",
                                conf_type="log-log", conf=0.9)
    assert loglog.conf_type == "log-log" and loglog.conf == 0.9


def test_timedelta_waits_and_boolean_events_in_a_table():
    df = APPS.assign(wait=pd.to_timedelta(APPS["days"], unit="D"),
                     open=APPS["decided"] == 0)
    res = waits.kaplan_meier(df.assign(done=~df["open"]), time="wait", event="done", by="force")
    pd.testing.assert_frame_equal(
        res.table, waits.kaplan_meier(APPS, time="days", event="decided", by="force").table)


def test_several_by_columns_name_each_group():
    df = APPS.assign(kind=np.where(np.arange(len(APPS)) % 2 == 0, "grant", "renewal"))
    res = waits.kaplan_meier(df, time="days", event="decided", by=["force", "kind"])
    assert isinstance(res.labels, pd.MultiIndex)
    assert list(res.labels.names) == ["force", "kind"]
    assert list(res.table.columns[:2]) == ["force", "kind"]
    assert res.labels[0] == ("North", "grant") and len(res.groups) == 6
    # the same curves as one group per combination
    combined = waits.kaplan_meier(df["days"], df["decided"],
                                  group=df["force"] + " / " + df["kind"])
    _close(res.table["survival"], combined.table["survival"])
    assert res.logrank.statistic == pytest.approx(combined.logrank.statistic, rel=1e-14)
    assert "North / grant: Of 5 cases" in res.narrative()
    assert list(res.logrank.to_frame().columns[:2]) == ["force", "kind"]
    share = res.share_past(100.0).to_frame()
    assert list(share.columns[:2]) == ["force", "kind"] and len(share) == 6
    assert list(res.curve().columns[:2]) == ["force", "kind"]


def test_narratives_name_the_groups():
    res = waits.kaplan_meier(APPS, time="days", event="decided", by="force")
    text = res.narrative(target=150, noun="applications", min_at_risk=0)
    lines = text.split("\n")
    assert lines[0].startswith("North: Of 10 applications, 7 have been decided")
    assert "Half wait longer than 140 days" in lines[0]
    assert lines[2].startswith("West:")
    assert "log-rank" in lines[3]


# ---- missing values, cases' index ----------------------------------------------------------

def test_missing_values_are_left_out_by_default():
    df = APPS.copy()
    df.loc[[101, 120], "days"] = np.nan
    df.loc[105, "force"] = None
    res = waits.kaplan_meier(df, time="days", event="decided", by="force")
    kept = df.dropna(subset=["days", "force"])
    ref = waits.kaplan_meier(kept["days"].to_numpy(), kept["decided"].to_numpy(),
                             group=kept["force"].to_numpy(), nan_policy="raise")
    pd.testing.assert_frame_equal(res.table, ref.table)
    assert int(res.n.sum()) == len(APPS) - 3
    with pytest.raises(ValueError, match=r"durations has a missing value \(position 1\)"):
        waits.kaplan_meier(df, time="days", event="decided", by="force", nan_policy="raise")


def test_waiting_times_keep_the_cases_index():
    received = pd.Series(pd.to_datetime(["2024-01-05", "2024-02-01", "2024-02-20"]),
                         index=pd.Index(["c1", "c2", "c3"], name="case"))
    decided = pd.Series(pd.to_datetime(["2024-03-01", None, "2024-03-10"]), index=received.index)
    durations, observed = waits.waiting_times(received, decided, as_of="2024-04-01")
    assert list(durations.index) == ["c1", "c2", "c3"] and durations.name == "durations"
    assert durations.tolist() == [56.0, 60.0, 19.0] and observed.tolist() == [True, False, True]
    arrays = waits.waiting_times(received.to_numpy(), decided.to_numpy(), as_of="2024-04-01")
    assert isinstance(arrays[0], np.ndarray) and arrays[0].tolist() == durations.tolist()
    # they go straight into kaplan_meier with a group of the same cases
    group = pd.Series(["a", "b", "a"], index=received.index)
    res = waits.kaplan_meier(durations, observed, group=group, test=False)
    assert list(res.groups) == ["a", "b"]


# ---- bad input ------------------------------------------------------------------------------

@pytest.mark.parametrize("call, error, match", [
    (lambda: waits.kaplan_meier(APPS, time="wait", event="decided"), ValueError,
     r"time='wait' is not a column of the table"),
    (lambda: waits.kaplan_meier(APPS, time="days", event="decided", by="area"), ValueError,
     r"by='area' is not a column of the table \(columns: force, days, decided\)"),
    (lambda: waits.kaplan_meier(APPS, time="days", event="decided", by=["force", "kind"]),
     ValueError, r"by='kind' is not a column"),
    (lambda: waits.kaplan_meier(APPS, time="days", event="force"), TypeError,
     "observed must be numeric"),
    (lambda: waits.kaplan_meier(APPS["days"], APPS["decided"].reset_index(drop=True)),
     ValueError, r"durations and observed have different indexes: \[100, 101, 102, 103, "),
    (lambda: waits.kaplan_meier(APPS["days"], APPS["decided"],
                                group=APPS["force"].iloc[::-1]),
     ValueError, "durations and group have different indexes"),
    (lambda: waits.share_waiting_past(APPS, time="days", event="decided", target=150,
                                      by="nope"), ValueError, "by='nope' is not a column"),
    (lambda: waits.kaplan_meier(APPS, time="days", event="days"), ValueError,
     "column 'days' is given for both time and event"),
    (lambda: waits.waiting_times(pd.Series(pd.to_datetime(["2024-01-01"]), index=["a"]),
                                 pd.Series([None], index=["b"])),
     ValueError, "received and decided have different indexes"),
])
def test_bad_tables_and_series(call, error, match):
    with pytest.raises(error, match=match):
        call()


def test_dates_from_a_table():
    df = pd.DataFrame({"received": pd.to_datetime(["2024-01-05", "2024-01-20", "2024-02-03"]),
                       "decided": pd.to_datetime(["2024-02-10", None, "2024-02-25"])},
                      index=pd.Index(["a", "b", "c"], name="case"))
    durations, observed = waits.waiting_times(df, received="received", decided="decided",
                                              as_of="2024-03-01")
    assert list(durations.index) == ["a", "b", "c"] and observed.tolist() == [True, False, True]
    same = waits.waiting_times(df["received"], df["decided"], as_of="2024-03-01")
    pd.testing.assert_series_equal(durations, same[0])
    table = waits.backlog(df, received="received", decided="decided")
    assert table.open.tolist() == [2, 1]
    assert table.open.tolist() == waits.backlog(df["received"], df["decided"]).open.tolist()
    with pytest.raises(ValueError, match="decided='closed' is not a column"):
        waits.backlog(df, received="received", decided="closed")


def test_group_labels_for_charts_and_the_omit_default():
    import inspect

    from scrutiny._results import unit_labels

    res = waits.kaplan_meier(APPS, time="days", event="decided", by="force")
    assert list(unit_labels(res)) == ["North", "South", "West"]
    assert unit_labels(waits.kaplan_meier(APPS["days"], APPS["decided"])) is None
    for func in (waits.kaplan_meier, waits.share_waiting_past):
        param = inspect.signature(func).parameters["nan_policy"]
        assert param.default == "omit" and param.kind is param.KEYWORD_ONLY

