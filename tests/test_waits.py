"""Tests of scrutiny.waits: kaplan_meier, share_waiting_past, backlog, waiting_times.

References (in tests/reference/, written by waits_survival.R with R 4.2.2 and survival 3.5-3;
the calls are in the script's header):
- waits_r_cases.csv: the cases (data set, columns, conf.type, conf.int, rho).
- waits_data_{aml,lung,ovarian}.csv: survival's data sets as R has them (lung's status 1/2
  recoded 0/1); waits_data_synthetic.csv: seeded sets for ties, censoring at the last time, a
  curve flat at exactly 0.5, near-equal times (timefix) and a group with no expected decisions.
- waits_r_km.csv: summary(fit) event rows with fit$std.err; waits_r_quantile.csv:
  quantile(fit[i], probs) and summary(fit)$table median / LCL / UCL; waits_r_share.csv:
  summary(fit[i], times =); waits_r_logrank.csv / waits_r_logrank_var.csv: survdiff.
A slow NumPy oracle checks the C scan on random data; simulations check the log-rank test's
size and the coverage of the band of S(t).
"""
from __future__ import annotations

import pathlib

import matplotlib.pyplot as plt
import numpy as np
import pandas as pd
import pytest

import scrutiny as sc
from scrutiny import waits

REF = pathlib.Path(__file__).parent / "reference"
RTOL = 1e-12


def _read(name):
    return pd.read_csv(REF / name, keep_default_na=False, na_values=["NA"])


CASES = _read("waits_r_cases.csv")
DATA = {name: pd.read_csv(REF / f"waits_data_{name}.csv")
        for name in ("aml", "lung", "ovarian", "synthetic")}
KM, QUANT = _read("waits_r_km.csv"), _read("waits_r_quantile.csv")
SHARE = _read("waits_r_share.csv")
LOGRANK, LOGRANK_VAR = _read("waits_r_logrank.csv"), _read("waits_r_logrank_var.csv")
GROUPED = [c for c in CASES["case"] if CASES.set_index("case").loc[c, "group"] != ""]


def _label(x) -> str:
    """A group label as R writes it (1.0 -> '1')."""
    return str(int(x)) if isinstance(x, float) and x.is_integer() else str(x)


def _case(name):
    c = CASES.set_index("case").loc[name]
    d = DATA[c["data"]]
    if c["subset"]:
        d = d[d["set"] == c["subset"]]
    group = d[c["group"]] if c["group"] else None
    res = waits.kaplan_meier(d[c["time"]], d[c["status"]], group=group, conf=c["conf"],
                             conf_type=c["conf_type"], rho=c["rho"], nan_policy="omit")
    return res, c


def _per_group(res):
    return res.groups.items() if res.grouped else [("all", res)]


def _close(actual, expected, rtol=RTOL):
    np.testing.assert_allclose(np.asarray(actual, dtype=float), np.asarray(expected, dtype=float),
                               rtol=rtol, atol=1e-14, equal_nan=True)


# ---- against R survival 3.5-3 ------------------------------------------------------------------

@pytest.mark.parametrize("name", list(CASES["case"]))
def test_table_matches_survfit(name):
    res, _ = _case(name)
    ref = KM[KM["case"] == name]
    table = res.table
    if res.grouped:
        assert [_label(g) for g in table["group"]] == list(ref["group"])
    for col, rcol in (("time", "time"), ("n_risk", "n_risk"), ("n_event", "n_event"),
                      ("n_censor", "n_censor"), ("survival", "surv"), ("std_err", "std_err"),
                      ("lower", "lower"), ("upper", "upper")):
        _close(table[col], ref[rcol])


@pytest.mark.parametrize("name", list(CASES["case"]))
def test_quantiles_and_median_match_r(name):
    res, _ = _case(name)
    for label, r in _per_group(res):
        ref = QUANT[(QUANT["case"] == name) & (QUANT["group"] == _label(label))]
        q = ref[ref["source"] == "quantile"]
        got = r.quantile(q["prob"].to_numpy())
        _close(got.estimate, q["quantile"])
        _close(got.lower, q["lower"])
        _close(got.upper, q["upper"])
        table = ref[ref["source"] == "table"].iloc[0]          # print(fit): median, LCL, UCL
        for field, col in (("median", "quantile"), ("median_lower", "lower"),
                           ("median_upper", "upper")):
            value = getattr(r, field)
            if np.isnan(table[col]):
                assert value is None
            else:
                assert value == pytest.approx(table[col], rel=RTOL)


@pytest.mark.parametrize("name", list(CASES["case"]))
def test_median_at_risk_matches_summary_n_risk(name):
    # R: summary(fit)$n.risk at the first decision time with surv <= 0.5 (waits_r_km.csv),
    # where print(fit) has a median
    res, _ = _case(name)
    got = res.median_at_risk
    for label, r in _per_group(res):
        ref = KM[(KM["case"] == name) & (KM["group"] == _label(label)) & (KM["surv"] <= 0.5)]
        expected = None if r.median is None else int(ref["n_risk"].iloc[0])
        assert r.median_at_risk == expected
        if res.grouped:
            assert (np.isnan(got[label]) if expected is None else got[label] == expected)
    if not res.grouped:
        assert got == res.median_at_risk


def test_a_median_resting_on_few_cases_is_not_put_in_words():
    # 18 cases still open at 1..18 days, then 2 decided at 20 and 21: S falls to 0.5 at day 20
    # with 2 still waiting (R: summary(survfit(Surv(t, s) ~ 1))$n.risk[1] == 2)
    durations = np.r_[np.arange(1.0, 19.0), 20.0, 21.0]
    observed = np.r_[np.zeros(18, bool), True, True]
    res = waits.kaplan_meier(durations, observed)
    assert res.median is not None and res.median_at_risk == 2
    text = res.narrative(noun="applications")
    assert f"fewer than {waits.MIN_AT_RISK}" in text
    assert "only 2 of the applications are still waiting" in text
    assert "Half wait" not in text and _fmt_days(res.median) not in text
    # the threshold is an argument: 2 cases are enough for min_at_risk=2, and 0 gives every median
    for enough in (0, 2):
        assert f"Half wait longer than {_fmt_days(res.median)} days" in res.narrative(
            min_at_risk=enough)
    assert "only 2 of the cases are still waiting (fewer than 3)" in res.narrative(min_at_risk=3)
    # grouped: each group's line is guarded on its own
    aml = DATA["aml"]
    grouped = waits.kaplan_meier(aml["time"], aml["status"], group=aml["x"])
    lines = grouped.narrative(min_at_risk=5).splitlines()
    for (label, r), line in zip(grouped.groups.items(), lines):
        assert line.startswith(f"{label}: ")
        assert ("median wait is not given" in line) == (r.median_at_risk < 5)
    with pytest.raises(TypeError, match="min_at_risk"):
        res.narrative(min_at_risk=2.5)
    with pytest.raises(ValueError, match="min_at_risk"):
        res.narrative(min_at_risk=-1)


def _fmt_days(v):
    return f"{v:g}"


@pytest.mark.parametrize("name", list(CASES["case"]))
def test_share_past_matches_summary_times(name):
    res, _ = _case(name)
    for label, r in _per_group(res):
        ref = SHARE[(SHARE["case"] == name) & (SHARE["group"] == _label(label))]
        got = r.share_past(ref["time"].to_numpy())
        for field, col in (("estimate", "surv"), ("std_err", "std_err"), ("lower", "lower"),
                           ("upper", "upper"), ("n_risk", "n_risk")):
            _close(getattr(got, field), ref[col])


@pytest.mark.parametrize("name", GROUPED)
def test_logrank_matches_survdiff(name):
    res, c = _case(name)
    ref = LOGRANK[LOGRANK["case"] == name]
    lr = res.logrank
    assert [_label(g) for g in lr.observed.index] == list(ref["group"])
    _close(lr.observed, ref["observed"])
    _close(lr.expected, ref["expected"])
    assert lr.n.tolist() == ref["n"].tolist()
    assert lr.statistic == pytest.approx(ref["chisq"].iloc[0], rel=1e-11)
    assert lr.pvalue == pytest.approx(ref["pvalue"].iloc[0], rel=1e-10)
    assert lr.df == ref["df"].iloc[0]
    assert lr.rho == c["rho"]
    v = LOGRANK_VAR[LOGRANK_VAR["case"] == name]
    k = len(ref)
    expected = np.zeros((k, k))
    expected[v["row"], v["col"]] = v["var"]
    _close(lr.variance.to_numpy(), expected, rtol=1e-11)
    statistic, pvalue = lr
    assert (statistic, pvalue) == (lr.statistic, lr.pvalue)


def test_r_rules_for_flat_curves_and_the_last_time():
    # flat50b: S = 0.5 exactly on [2.5, 3.5): both R rules give the midpoint 3
    flat = _case("flat50b")[0]
    assert flat.median == 3.0 and flat.quantile(0.5).estimate == 3.0
    # flat50: S stays at 0.5 from 4 to the last (censored) time 8: print(fit) says 4,
    # quantile(fit) the midpoint with the last time, 6
    last = _case("flat50")[0]
    assert last.median == 4.0 and last.quantile(0.5).estimate == 6.0
    # censored at the last time: the curve never reaches one half
    lastcens = _case("lastcens")[0]
    assert lastcens.median is None and lastcens.table["survival"].min() > 0.5
    assert "not yet reached" in lastcens.narrative()


def test_ties_and_timefix():
    ties = _case("ties")[0]
    # events and open cases at one time: the open ones are at risk at it
    row = ties.groups["b"].table.iloc[0]
    assert (row["time"], row["n_risk"], row["n_event"]) == (3.0, 6, 1)
    fixed = _case("timefix")[0]
    raw_t = DATA["synthetic"].query("set == 'timefix'")
    loose = waits.kaplan_meier(raw_t["time"], raw_t["status"], group=raw_t["group"],
                               conf_type="plain", timefix=False)
    # 0.1 + 0.2 and 0.3 are one time for R; without timefix they are two
    assert len(loose.table) > len(fixed.table)
    assert fixed.groups["a"].table["time"].iloc[0] == 0.3           # the smaller of the chain


def test_group_without_expected_decisions_drops_a_degree_of_freedom():
    res = _case("zeroexp")[0]
    assert res.logrank.expected["c"] == 0 and res.logrank.df == 1
    assert res.groups["c"].table.empty and res.groups["c"].median is None


def test_no_test_when_only_one_group_has_expected_decisions():
    # survdiff(Surv(c(1, 2, 3, 4), c(0, 0, 1, 1)) ~ c("a", "a", "b", "b")): chisq 0 on 0 df, p 1
    lr = waits.kaplan_meier([1, 2, 3, 4], [0, 0, 1, 1], group=["a", "a", "b", "b"]).logrank
    assert (lr.statistic, lr.df, lr.pvalue) == (0.0, 0, 1.0)
    assert lr.narrative().startswith("No test")


def test_singular_variance_gives_no_test_but_the_curves():
    # two cases decided at one time, one per group: V = 0 (R's solve() stops)
    res = waits.kaplan_meier([2.0, 2.0], [1, 1], group=["a", "b"])
    assert np.isnan(res.logrank.statistic) and np.isnan(res.logrank.pvalue)
    _close(res.logrank.expected, [1.0, 1.0])
    assert res.groups["a"].table["survival"].tolist() == [0.0]
    assert "singular" in res.logrank.narrative()


def test_categorical_order_is_kept():
    aml = DATA["aml"]
    cat = pd.Categorical(aml["x"], categories=["Nonmaintained", "Maintained", "unused"])
    res = waits.kaplan_meier(aml["time"], aml["status"], group=cat)
    plain = waits.kaplan_meier(aml["time"], aml["status"], group=aml["x"])
    assert list(res.groups) == ["Nonmaintained", "Maintained"]
    assert list(plain.groups) == ["Maintained", "Nonmaintained"]
    assert res.logrank.statistic == pytest.approx(plain.logrank.statistic, rel=1e-13)
    _close(res.logrank.observed[["Maintained", "Nonmaintained"]], plain.logrank.observed)


# ---- a slow NumPy oracle ------------------------------------------------------------------------

def _oracle(t, d):
    """Kaplan-Meier event rows by brute force: at each distinct decision time, the number
    with t >= time, decisions at it, the product and Greenwood's sum."""
    rows, s, v = [], 1.0, 0.0
    for u in np.unique(t[d == 1]):
        n = np.sum(t >= u)
        e = np.sum((t == u) & (d == 1))
        s *= (n - e) / n
        v = v + e / (n * (n - e)) if n > e else np.inf
        rows.append((u, n, e, s, np.sqrt(v)))
    return np.array(rows)


@pytest.mark.parametrize("seed", range(6))
def test_scan_matches_oracle_over_sizes_and_layouts(seed):
    rng = np.random.default_rng(seed)
    n = [1, 2, 7, 60, 500, 3000][seed]
    t = np.round(rng.gamma(2.0, 50.0, n), [0, 1, 0, 0, 2, 0][seed])
    d = (rng.random(n) < 0.7).astype(float)
    d[0] = 1.0
    want = _oracle(t, d)
    layouts = [
        (t, d),
        (t.astype(np.float32).astype(float), d.astype(bool)),
        (pd.Series(t), pd.Series(d.astype(np.int64))),
        (np.repeat(t, 2)[::2], np.repeat(d, 2)[::2]),                 # strided views
        (t.astype(">f8"), d),                                          # big-endian
    ]
    ro = t.copy()
    ro.flags.writeable = False
    layouts.append((ro, d))
    for tt, dd in layouts:
        res = waits.kaplan_meier(tt, dd, timefix=False)
        got = res.table[["time", "n_risk", "n_event", "survival", "std_err"]].to_numpy()
        want_t = _oracle(np.asarray(tt, dtype=float), np.asarray(dd, dtype=float))
        _close(got, want_t, rtol=1e-13)
    _close(want[:, 0], waits.kaplan_meier(t, d, timefix=False).table["time"])


def test_grouped_scan_equals_separate_fits():
    rng = np.random.default_rng(7)
    t = np.round(rng.exponential(100, 900))
    d = rng.random(900) < 0.8
    g = rng.choice(["x", "y", "z"], 900)
    res = waits.kaplan_meier(t, d, group=g)
    for label in "xyz":
        alone = waits.kaplan_meier(t[g == label], d[g == label])
        pd.testing.assert_frame_equal(res.groups[label].table, alone.table)


def test_timedelta_durations_are_days():
    days = np.array([3.5, 10.0, 12.25, 40.0])
    td = pd.to_timedelta(days, unit="D")
    a = waits.kaplan_meier(td, [1, 0, 1, 1])
    b = waits.kaplan_meier(days, [1, 0, 1, 1])
    pd.testing.assert_frame_equal(a.table, b.table)


# ---- statistical properties by simulation -------------------------------------------------------

def test_logrank_size_under_the_null():
    rng = np.random.default_rng(20250612)
    reps, n = 600, 80
    rejections = 0
    for _ in range(reps):
        wait = rng.gamma(2.0, 100.0, n)
        open_at = rng.uniform(50, 600, n)                       # extract date censoring
        t = np.round(np.minimum(wait, open_at))
        d = wait <= open_at
        g = np.repeat([0, 1], n // 2)
        rejections += waits.kaplan_meier(t, d, group=g).logrank.pvalue < 0.05
    rate = rejections / reps
    # nominal 5 %: 600 replicates put 99.9 % of rates within about +- 0.029 of it
    assert 0.021 < rate < 0.079, rate


def test_logrank_has_power_against_longer_waits():
    rng = np.random.default_rng(5)
    wait = np.r_[rng.exponential(100, 150), rng.exponential(160, 150)]
    res = waits.kaplan_meier(np.round(wait) + 1, np.ones(300), group=np.repeat(["a", "b"], 150))
    assert res.logrank.pvalue < 0.01
    assert res.logrank.observed["b"] < res.logrank.expected["b"]
    assert "longer waits" in res.logrank.narrative()


@pytest.mark.parametrize("conf_type", ["log", "log-log"])
def test_band_covers_the_true_share_still_waiting(conf_type):
    rng = np.random.default_rng(11)
    reps, n, t0 = 500, 100, 100.0 * np.log(2.0)        # S(t0) = 0.5 for the exponential(100)
    covered = 0
    for _ in range(reps):
        wait = rng.exponential(100.0, n)
        open_at = rng.uniform(0, 300, n)
        res = waits.kaplan_meier(np.minimum(wait, open_at), wait <= open_at,
                                 conf_type=conf_type)
        s = res.share_past(t0)
        covered += s.lower <= 0.5 <= s.upper
    rate = covered / reps
    # nominal 95 %: 500 replicates put 99.9 % of rates within about +- 0.032 of it
    assert 0.918 < rate < 0.982, rate


# ---- share waiting past a target ----------------------------------------------------------------

def test_share_waiting_past_counts_open_cases_as_waiting():
    df = sc.data.sample("firearms_licensing")
    res = waits.share_waiting_past(df["days_waited"], ~df["open"], 150)
    fit = waits.kaplan_meier(df["days_waited"], ~df["open"])
    assert res.estimate == fit.share_past(150).estimate
    assert res.lower < res.estimate < res.upper
    # the naive share among decided cases only understates it while open cases wait long
    decided = df.loc[~df["open"], "days_waited"]
    assert res.estimate > np.mean(decided > 150)
    assert "wait longer than 150 days" in res.narrative(noun="applications")


def test_share_before_first_and_beyond_last_time():
    res = waits.kaplan_meier([5.0, 8.0, 13.0], [1, 0, 1])
    s = res.share_past([0.0, 4.9, 13.0, 13.5])
    _close(s.estimate[:3], [1.0, 1.0, 0.0])
    assert (s.lower[0], s.upper[0], s.std_err[0]) == (1.0, 1.0, 0.0)
    assert np.isnan(s.estimate[3]) and np.isnan(s.n_risk[3])
    assert "cannot be estimated" in s.narrative()[3]


def test_grouped_share_and_quantile_are_per_group():
    aml = DATA["aml"]
    res = waits.kaplan_meier(aml["time"], aml["status"], group=aml["x"])
    s = res.share_past([10.0, 20.0])
    frame = s.to_frame()
    assert list(frame["group"]) == ["Maintained"] * 2 + ["Nonmaintained"] * 2
    _close(frame["estimate"][:2], res.groups["Maintained"].share_past([10.0, 20.0]).estimate)
    q = res.quantile(0.5)
    assert list(q.estimate.index) == ["Maintained", "Nonmaintained"]
    assert q.estimate["Maintained"] == res.groups["Maintained"].quantile(0.5).estimate
    qq = res.quantile([0.25, 0.5])
    assert qq.estimate.shape == (2, 2)
    assert res.median["Nonmaintained"] == res.groups["Nonmaintained"].median


# ---- backlog and waiting times ------------------------------------------------------------------

def _backlog_oracle(rec, dec, edges, target):
    """Per period, by brute force over cases."""
    out = []
    for a, b in zip(edges[:-1], edges[1:]):
        arrived = np.sum((rec >= a) & (rec < b))
        done = np.sum((dec >= a) & (dec < b))
        is_open = (rec < b) & ~(dec < b)
        over = np.sum(is_open & ((b - rec) / np.timedelta64(1, "D") > target))
        out.append((arrived, done, np.sum(is_open), over))
    return np.array(out)


def test_backlog_matches_oracle_on_the_firearms_sample():
    df = sc.data.sample("firearms_licensing")
    res = waits.backlog(df["received"], df["decided"], target=150)
    starts = res.period.to_timestamp(how="start").to_numpy()
    ends = (res.period + 1).to_timestamp(how="start").to_numpy()
    edges = np.r_[starts, ends[-1:]]
    rec = df["received"].to_numpy()
    dec = df["decided"].to_numpy()
    want = _backlog_oracle(rec, dec, edges, 150)
    got = res.to_frame()[["arrivals", "completions", "open", "over_target"]].to_numpy()
    np.testing.assert_array_equal(got, want)
    # the sample's own count of open applications at its extract date, 31 March 2025
    assert res.period[-1] == pd.Period("2025-03", "M") and res.open[-1] == df["open"].sum()
    # open[p] = open[p-1] + arrivals[p] - completions[p]
    np.testing.assert_array_equal(np.diff(res.open), res.arrivals[1:] - res.completions[1:])
    assert "applications were open" in res.narrative(noun="applications")


def test_backlog_start_end_and_frequencies():
    rec = pd.to_datetime(["2023-11-20", "2024-01-05", "2024-01-31", "2024-02-01", "2024-03-15"])
    dec = pd.to_datetime(["2024-02-01", None, "2024-01-31", "2024-04-02", None])
    res = waits.backlog(rec, dec, start="2024-01", end="2024-04")
    frame = res.to_frame()
    assert list(frame["period"].astype(str)) == ["2024-01", "2024-02", "2024-03", "2024-04"]
    # the case received in November before start is open at the end of January
    assert frame["open"].tolist() == [2, 2, 3, 2]
    assert frame["arrivals"].tolist() == [2, 1, 1, 0]
    assert frame["completions"].tolist() == [1, 1, 0, 1]
    weekly = waits.backlog(rec, dec, freq="W")
    assert weekly.open.sum() > 0 and weekly.period.freqstr.startswith("W")
    yearly = waits.backlog(rec, dec, freq="Y")
    assert yearly.open.tolist() == [1, 2]


def test_time_zones_are_read_in_utc():
    rec = pd.Series(pd.to_datetime(["2024-01-31 23:30", "2024-02-10 08:00"])).dt.tz_localize(
        "Europe/London")
    dec = pd.Series(pd.DatetimeIndex([pd.NaT, pd.NaT], tz="Europe/London"))
    res = waits.backlog(rec, dec)
    assert res.arrivals.tolist() == [1, 1] and res.open.tolist() == [1, 2]
    d, o = waits.waiting_times(rec, dec, as_of=pd.Timestamp("2024-02-11", tz="UTC"))
    _close(d, [10.0 + 0.5 / 24, 2.0 / 3.0])
    assert not o.any()


def test_waiting_times_rebuild_the_sample_waits():
    df = sc.data.sample("firearms_licensing")
    durations, observed = waits.waiting_times(df["received"], df["decided"], as_of="2025-03-31")
    np.testing.assert_array_equal(durations, df["days_waited"].to_numpy())
    np.testing.assert_array_equal(observed, ~df["open"].to_numpy())
    # an earlier snapshot: cases decided after as_of are open at it
    d2, o2 = waits.waiting_times(df["received"][:50], df["decided"][:50], as_of="2021-09-01")
    assert not o2[df["decided"][:50].to_numpy() > np.datetime64("2021-09-01")].any()
    assert (d2 >= 0).all()


# ---- results ------------------------------------------------------------------------------------

def test_result_objects_display_and_convert():
    aml = DATA["aml"]
    res = waits.kaplan_meier(aml["time"], aml["status"], group=aml["x"])
    for obj in (res, res.groups["Maintained"], res.logrank, res.share_past(12.0),
                waits.backlog(["2024-01-01"], [None])):
        text = repr(obj)
        assert "\n" not in text and type(obj).__name__ in text
        assert "<table" in obj._repr_html_()
        assert isinstance(obj.to_frame(), pd.DataFrame) and len(obj.to_frame()) >= 1
        assert isinstance(obj.to_dict(), dict) and obj.summary()
    assert res.to_frame().columns[0] == "group"
    assert len(res.curve()) >= len(res.table)
    lines = res.narrative(target=12)
    assert lines.count("\n") == 2 and "log-rank" in lines
    assert "No evidence" in res.logrank.narrative()            # p = 0.065
    assert "significantly" not in lines


def test_plots_return_axes():
    aml = DATA["aml"]
    for res in (waits.kaplan_meier(aml["time"], aml["status"]),
                waits.kaplan_meier(aml["time"], aml["status"], group=aml["x"],
                                   conf_type="log-log")):
        ax = res.plot(target=20)
        assert ax.get_ylabel() == "Share still waiting"
        plt.close(ax.figure)
    df = sc.data.sample("firearms_licensing")
    ax = waits.backlog(df["received"], df["decided"], target=150).plot()
    assert len(ax.lines) == 2
    plt.close(ax.figure)


def test_share_past_leaves_the_inputs_as_they_were():
    rng = np.random.default_rng(3)
    t = np.round(rng.exponential(50, 40))
    d = (rng.random(40) < 0.7).astype(float)
    g = pd.Series(rng.choice(["b", "a"], 40))
    copies = (t.copy(), d.copy(), g.copy())
    waits.kaplan_meier(t, d, group=g).share_past(30)
    np.testing.assert_array_equal(t, copies[0])
    np.testing.assert_array_equal(d, copies[1])
    pd.testing.assert_series_equal(g, copies[2])


# ---- bad input ----------------------------------------------------------------------------------

@pytest.mark.parametrize("kwargs, error, match", [
    (dict(durations=[1, -2, 3]), ValueError, "durations must be non-negative"),
    (dict(durations=[1, np.nan, 3], nan_policy="raise"), ValueError,
     "durations has a missing value"),
    (dict(durations=[1, np.inf, 3]), ValueError, "durations must be finite"),
    (dict(durations=["a", "b", "c"]), TypeError, "durations must be numeric"),
    (dict(durations="abc"), TypeError, "durations must be numeric"),
    (dict(durations=[[1, 2, 3]]), ValueError, "durations must be one wait per case"),
    (dict(durations=[]), ValueError, "durations is empty"),
    (dict(observed=[1, 2, 0]), ValueError, "observed must be 0 / 1"),
    (dict(observed=[2, 2, 1]), ValueError, "R's 1/2 coding"),
    (dict(observed=[1, 0.5, 0]), ValueError, "observed must be 0 / 1"),
    (dict(observed=[1, np.nan, 0], nan_policy="raise"), ValueError, "observed has a missing value"),
    (dict(observed=[1, 0]), ValueError, "observed has 2 values but durations has 3"),
    (dict(observed=[0, 0, 0]), ValueError, "observed has no decided case"),
    (dict(observed=["y", "n", "y"]), TypeError, "observed must be numeric"),
    (dict(group=["a", "a", "a"]), ValueError, "group has only one level"),
    (dict(group=["a", "b"]), ValueError, "group has 2 labels but durations has 3"),
    (dict(group=["a", None, "b"], nan_policy="raise"), ValueError, "group has a missing value"),
    (dict(group="a"), TypeError, "group must hold one label per case"),
    (dict(conf=1.0), ValueError, "conf must lie in"),
    (dict(conf=0.0), ValueError, "conf must lie in"),
    (dict(conf=-0.5), ValueError, "conf must lie in"),
    (dict(conf=np.nan), ValueError, "conf must be finite"),
    (dict(conf="95%"), TypeError, "conf must be"),
    (dict(conf=(0.9, 0.95)), TypeError, "conf must be a single number"),
    (dict(conf_type="loglog"), ValueError, "conf_type must be one of"),
    (dict(group=["a", "b", "a"], rho=-1), ValueError, "rho must be >= 0"),
    (dict(nan_policy="propagate"), ValueError, "nan_policy must be one of"),
    (dict(timefix="yes"), TypeError, "timefix must be True or False"),
])
def test_bad_input_names_the_argument(kwargs, error, match):
    args = dict(durations=[1.5, 2.5, 3.5], observed=[1, 0, 1])
    args.update(kwargs)
    with pytest.raises(error, match=match):
        waits.kaplan_meier(**args)


def test_nan_policy_omit_leaves_cases_out():
    res = waits.kaplan_meier([1.5, np.nan, 3.5, 4.0], [1, 1, np.nan, 1], nan_policy="omit")
    assert res.n == 2 and res.table["time"].tolist() == [1.5, 4.0]
    g = waits.kaplan_meier([1, 2, 3, 4, 5], [1, 1, 1, 0, 1], group=["a", "b", None, "c", "a"],
                           nan_policy="omit")
    assert list(g.groups) == ["a", "b", "c"] and int(g.n.sum()) == 4
    with pytest.raises(ValueError, match="durations has no case without a missing value"):
        waits.kaplan_meier([np.nan], [1], nan_policy="omit")


def test_too_many_groups_for_the_test():
    t = np.arange(1, 2003, dtype=float)
    g = np.arange(2002) // 2
    with pytest.raises(ValueError, match="group has 1,001 levels"):
        waits.kaplan_meier(t, np.ones(2002), group=g)
    res = waits.kaplan_meier(t, np.ones(2002), group=g, test=False)
    assert res.logrank is None and len(res.groups) == 1001


def test_bad_quantile_and_target():
    res = waits.kaplan_meier([1.0, 2.0, 3.0], [1, 1, 0])
    with pytest.raises(ValueError, match="q must lie in"):
        res.quantile(1.5)
    with pytest.raises(ValueError, match="q must be finite"):
        res.quantile(np.nan)
    with pytest.raises(ValueError, match="target must be finite and non-negative"):
        res.share_past(-1)
    with pytest.raises(TypeError, match="target must be numeric"):
        res.share_past("150 days")
    with pytest.raises(ValueError, match="target must be finite and non-negative"):
        waits.share_waiting_past([1.0, 2.0], [1, 1], np.inf)
    with pytest.raises(ValueError, match="target must be >= 0"):
        res.plot(target=-3)
    with pytest.raises(ValueError, match="lookback must be >= 1"):
        waits.backlog(["2024-01-01"], [None]).narrative(lookback=0)
    with pytest.raises(ValueError, match="alpha must lie in"):
        waits.kaplan_meier([1.0, 2.0], [1, 1], group=["a", "b"]).logrank.narrative(alpha=2)


@pytest.mark.parametrize("kwargs, error, match", [
    (dict(decided=["2024-01-01", None, None]), ValueError, "decided must not be before received"),
    (dict(received=["2024-02-01", None, "2024-02-01"]), ValueError, "received has a missing date"),
    (dict(received=["2024-02-01", "not a date", "2024-02-01"]), TypeError,
     "received must hold dates"),
    (dict(decided=["2024-03-01"]), ValueError, "decided has 1 dates but received has 3"),
    (dict(received=[], decided=[]), ValueError, "received is empty"),
    (dict(received="2024-02-01"), TypeError, "received must hold one date per case"),
    (dict(freq="fortnight"), ValueError, "freq must be a pandas period frequency"),
    (dict(freq=12), TypeError, "freq must be a pandas period frequency"),
    (dict(start="2024-05", end="2024-03"), ValueError, "end .* must not be before start"),
    (dict(start="soon"), ValueError, "start must be a date or period"),
    (dict(target=-5), ValueError, "target must be >= 0"),
    (dict(target="150"), TypeError, "target must be a single number"),
])
def test_backlog_bad_input(kwargs, error, match):
    args = dict(received=["2024-02-01", "2024-02-03", "2024-03-09"],
                decided=["2024-03-01", None, None], freq="M")
    args.update(kwargs)
    with pytest.raises(error, match=match):
        waits.backlog(**args)


def test_waiting_times_bad_input():
    with pytest.raises(ValueError, match="received must not be after as_of"):
        waits.waiting_times(["2024-05-01"], [None], as_of="2024-04-01")
    with pytest.raises(TypeError, match="as_of must be a date"):
        waits.waiting_times(["2024-05-01"], [None], as_of="whenever")
    with pytest.raises(ValueError, match="as_of must be a date, not missing"):
        waits.waiting_times(["2024-05-01"], [None], as_of=pd.NaT)
