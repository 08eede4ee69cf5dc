"""The kinds of measure of the report (``scrutiny.report.kinds``): one class each in one
registry, every kind answering the whole protocol, and a new kind being one new class.

Expected values are worked by hand from the counts given (3 of 12, 3 events in 12 person-years
...) or with the scrutiny function the kind is documented to call.
"""
import math

import numpy as np
import pandas as pd
import pytest

import scrutiny as sc
from scrutiny.report import write_report
from scrutiny.report.aggregate import sum_totals
from scrutiny.report.kinds import KINDS, Count, MeasureKind, Proportion, Rate, Wait
from scrutiny.report.result import Journal, Latest
from scrutiny.report.steps import count_trend
from scrutiny.report.spec import CHARTS, check

NAMES = ["proportion", "rate", "count", "wait"]

# one complete entry of each kind
ENTRIES = {
    "proportion": {"numerator": "arrests", "denominator": "incidents"},
    "rate": {"count": "crimes", "population": "residents"},
    "count": {"count": "crimes"},
    "wait": {"duration": "days", "open": "still_open", "target_days": 90},
}


def spec_measure(kind, **settings):
    entry = {"name": f"a {kind}", "source": "data", "kind": kind, **ENTRIES[kind], **settings}
    spec = check({"measure": [entry]}, base=None, origin="test")
    assert not spec.issues, spec.issues
    return spec.measures[0]


# ---- the registry ----------------------------------------------------------------------------

def test_the_protocol_says_what_a_new_kind_must_give():
    bare = MeasureKind()
    with pytest.raises(NotImplementedError):
        bare.value(None, 1.0, 2.0)
    with pytest.raises(NotImplementedError):
        bare.format(1.0, None)


def test_one_registry_of_one_class_per_kind():
    assert list(KINDS) == NAMES
    assert [type(k) for k in KINDS.values()] == [Proportion, Rate, Count, Wait]
    for name, kind in KINDS.items():
        assert isinstance(kind, MeasureKind) and kind.name == name


def test_the_specification_takes_its_kinds_from_the_registry():
    spec = check({"measure": [{"name": "x", "source": "data", "kind": "ratio", "count": "c"}]},
                 base=None, origin="test")
    assert not spec.measures
    assert "unknown kind 'ratio' (one of proportion, rate, count, wait)" in spec.issues[0].problem
    for name in NAMES:
        m = spec_measure(name)
        assert m.measure_kind is KINDS[name]


# ---- every kind's protocol -------------------------------------------------------------------

@pytest.mark.parametrize("name", NAMES)
def test_settings_and_columns(name):
    kind = KINDS[name]
    assert kind.default_chart in CHARTS
    assert kind.funnel_kind in (None, "proportion", "rate")
    with pytest.raises(ValueError, match=f"a {name} needs"):
        kind.inputs({})
    m = spec_measure(name)
    assert m.columns() == {"month", *{"proportion": {"arrests", "incidents"},
                                      "rate": {"crimes", "residents"},
                                      "count": {"crimes"},
                                      "wait": {"days", "still_open"}}[name]}
    assert m.unit == {"proportion": "%", "rate": "per 1,000 a year", "count": "",
                      "wait": "days"}[name]
    assert m.per == (1000.0 if name == "rate" else None)


@pytest.mark.parametrize("name", NAMES)
def test_target_range(name):
    kind = KINDS[name]
    assert kind.target_problem(0.5, 90.0) is None
    assert "outside the range" in kind.target_problem(-0.25, 90.0)
    share = name in ("proportion", "wait")
    assert (kind.target_problem(12.5, 90.0) is None) is not share
    if share:
        assert "for 12.5 % write 0.125" in kind.target_problem(12.5, 90.0)
    if name == "wait":
        assert "needs target_days" in kind.target_problem(0.5, None)


@pytest.mark.parametrize("name", ["proportion", "rate", "count"])
def test_value_series_and_counts(name):
    m = spec_measure(name)
    kind = m.measure_kind
    expected = {"proportion": 3 / 12, "rate": 3 / 12 * 1000, "count": 3.0}[name]
    assert kind.value(m, 3.0, 12.0) == pytest.approx(expected, rel=1e-15)
    frame = pd.DataFrame({"x": [3.0, 5.0], "n": [12.0, 20.0], "w2": [0.0, 0.0]},
                         index=pd.period_range("2024-01", periods=2, freq="M"))
    periods = pd.period_range("2024-01", periods=3, freq="M")
    series = kind.series(m, frame, periods)
    assert series[0] == pytest.approx(expected, rel=1e-15) and np.isnan(series[2])
    x, n = kind.counts(m, np.array([3.0]), np.array([12.0]), np.array([0.0]))
    assert x.tolist() == [3.0]
    assert (n is None) == (name == "count")
    assert kind.scale(m) == (1000.0 if name == "rate" else 1.0)
    assert kind.trend_scale == (100.0 if name == "proportion" else 1.0)


@pytest.mark.parametrize("name", NAMES)
def test_words(name):
    m = spec_measure(name, label="Arrest rate")
    kind = m.measure_kind
    value = {"proportion": 0.2341, "rate": 12.345, "count": 1234.0, "wait": 96.4}[name]
    assert kind.format(value, m) == {"proportion": "23.4%", "rate": "12.3 per 1,000 a year",
                                     "count": "1,234", "wait": "96 days"}[name]
    assert kind.format(math.nan, m) == "n/a" and kind.format(None, m) == "n/a"
    assert kind.the(m) == ("arrest rate" if name == "count" else "the arrest rate")
    assert kind.headline(m, None).endswith("n/a")
    share = (0.581, 0.5, 0.6) if name == "wait" else None
    latest = Latest(value=value, lower=value, upper=value, share=share)
    assert kind.headline(m, latest) == {
        "proportion": "23.4%", "rate": "12.3 per 1,000 a year", "count": "1,234",
        "wait": "median 96 days; 58.1% within 90 days"}[name]
    assert kind.area_value_name(m) == {"proportion": "value", "rate": "value (per 1,000 a year)",
                                       "count": "count",
                                       "wait": "share decided within 90 days"}[name]


def test_the_interval_of_each_kind_is_the_documented_one():
    now = {"x": 30.0, "n": 120.0, "w2": 0.0, "rows": 4.0}
    for name, expected in (
            ("proportion", sc.proportion_ci(30, 120, conf=0.95, method="wilson")),
            ("rate", sc.rate_ci(30.0, 120.0, conf=0.95, method="exact", per=1000.0)),
            ("count", sc.rate_ci(30.0, 1.0, conf=0.95, method="exact"))):
        m = spec_measure(name)
        ci, method, counts, text = m.measure_kind.interval(m, now, 12, Journal(m))
        assert (ci.estimate, ci.lower, ci.upper) == pytest.approx(
            (expected.estimate, expected.lower, expected.upper), rel=1e-12)
        assert text.endswith(".") and method


# ---- a new kind is one new class -------------------------------------------------------------

class EventsPerRecord(Count):
    """Test-only kind: events per record (a Poisson rate with the records as exposure); the
    tests of the change are a count's, with the records as exposure."""

    name = "events per record"
    default_chart = "up"
    funnel_kind = "rate"
    n_name = "records"

    def read(self, rows, m, read):
        return read(m.numerator, "count"), np.ones(len(rows))

    def totals(self, data, keys, freq):
        return sum_totals(data, keys)

    def value(self, m, x, n):
        return x / n if n > 0 else math.nan

    def series(self, m, frame, periods):
        part = frame.reindex(periods)
        return (part["x"] / part["n"]).to_numpy(dtype=float)

    def counts(self, m, x, n, w2):
        return x, n

    def interval(self, m, now, months, out):
        ci = sc.rate_ci(now["x"], now["n"], conf=0.95, method="exact")
        return ci, "exact Poisson interval", f"from {int(now['n']):,} records", \
            f"{m.noun} is {ci.estimate:.3f} per record."

    def exposure(self, totals, periods):
        return totals["n"]

    def count_trend(self, m, table, ok, years):
        return count_trend(table, ok, years, exposure=True)

    def _format(self, value, m):
        return f"{value:.3f} per record"

    def bare(self, m):
        return lambda v: f"{v:.3f}"

    def area_value_name(self, m):
        return "events per record"


@pytest.fixture
def per_record(monkeypatch):
    monkeypatch.setitem(KINDS, EventsPerRecord.name, EventsPerRecord())


def records(months=24, areas=("A", "B", "C", "D"), seed=11):
    rng = np.random.default_rng(seed)
    rows = [{"area": a, "month": p, "arrests": int(rng.poisson(0.4 + 0.1 * k))}
            for k, a in enumerate(areas)
            for p in pd.period_range("2023-01", periods=months, freq="M")
            for _ in range(int(rng.integers(20, 40)))]
    return pd.DataFrame(rows)


def test_a_new_kind_is_one_class_run_through_the_engine(per_record, tmp_path):
    frame = records()
    spec = {"measure": [{"name": "Arrests per incident", "source": "data",
                         "kind": EventsPerRecord.name, "count": "arrests", "area": "area",
                         "target": 0.45, "direction": "lower"}]}
    report = write_report(spec, out=tmp_path, frames={"data": frame})
    assert report.analysed == 1, report.issues
    r = report.results[0]
    last = frame[frame["month"] > frame["month"].max() - 12]
    assert r.value == pytest.approx(last["arrests"].sum() / len(last), rel=1e-12)
    assert r.window == "January 2024 to December 2024"
    assert [h for h, _ in r.findings] == ["Latest value", "Target", "Change on last year",
                                          "Trend", "SPC", "Areas"]
    assert r.change_verdict in ("improved", "worsened", "not significantly different")
    assert r.funnel is not None and r.funnel.kind == "rate" and r.n_areas == 4
    assert r.spc.chart == "up"
    table = pd.read_csv(report.csv)
    assert set(table["kind"]) == {EventsPerRecord.name}
    latest = table[(table["analysis"] == "latest") & (table["area"] == "(force)")]
    assert latest.set_index("quantity").loc["records", "value"] == len(last)
    overview = report.overview().iloc[0]
    assert overview["latest value"] == f"{r.value:.3f} per record"
    assert overview["target"] == "0.450 per record"
    assert "<th>events per record</th>" in report.html.read_text(encoding="utf-8")


def test_an_unregistered_kind_is_a_data_issue(tmp_path):
    spec = {"measure": [{"name": "x", "source": "data", "kind": EventsPerRecord.name,
                         "count": "arrests"}]}
    report = write_report(spec, out=tmp_path, frames={"data": records(months=3)})
    assert report.analysed == 0
    assert "unknown kind 'events per record'" in report.issues[0].problem
