"""The performance report (``scrutiny report``): specification, analyses, HTML, CSV, bad input.

The statistics themselves are checked against R in each family's tests; here every number the
report prints is recomputed independently, from the rows, with pandas and SciPy 1.17 /
statsmodels 0.15 (the calls are written beside each check), so that what the report says is
what the data say.
"""
import base64
import io
import os
import re
import subprocess
import sys
from pathlib import Path

import numpy as np
import pandas as pd
import pytest
from scipy import stats

import scrutiny as sc
from scrutiny.report import expr, load_spec, write_report
from scrutiny.report.cli import Progress, split_data
from scrutiny.report.spec import check

PNG_SIGNATURE = b"\x89PNG\r\n\x1a\n"
SHARED = Path(os.environ.get("SCRUTINY_SHARED_DATA", Path(__file__).resolve().parents[2] / "shared" / "data"))
WEST_MERCIA = SHARED / "police-uk-west-mercia-street"
POPULATIONS = SHARED / "ons-lsoa-population"
PRIORITY = ["999 calls answered within 10 seconds", "101 calls answered within 30 seconds",
            "101 calls abandoned", "Victim satisfaction by crime type",
            "Domestic-abuse arrest rate", "Action-taken outcome rate",
            "Total recorded crime per 1,000 residents",
            "Road casualties killed or seriously injured per 100,000 residents",
            "Firearms licence applications: waiting time"]


@pytest.fixture(scope="module")
def report(tmp_path_factory):
    return write_report(out=tmp_path_factory.mktemp("report"))


@pytest.fixture(scope="module")
def table(report):
    return pd.read_csv(report.csv, keep_default_na=False, na_values=[""])


def result(report, name):
    return next(r for r in report.results if r.measure.name == name)


def row(table, measure, analysis, quantity, area="(force)"):
    hit = table[(table["measure"] == measure) & (table["analysis"] == analysis)
                & (table["quantity"] == quantity) & (table["area"] == area)]
    assert len(hit) == 1, (measure, analysis, quantity, area)
    return hit.iloc[0]


def latest_year(frame, column="month"):
    last = frame[column].max()
    return frame[frame[column] > last - 12], frame[(frame[column] <= last - 12) & (frame[column] > last - 24)]


def measure(name, kind, **settings):
    """One measure over the frame named "data"."""
    return {"name": name, "source": "data", "kind": kind, **settings}


def minimal(**changes):
    """A one-measure specification over the frame named "data"."""
    arrests = measure("Arrest rate", "proportion", numerator="arrests", denominator="incidents",
                      area="area")
    return {"title": "Test", "measure": [{**arrests, **changes}]}


def small_frame(months=24, areas=("A", "B", "C", "D"), seed=7):
    rng = np.random.default_rng(seed)
    rows = []
    for k, a in enumerate(areas):
        for m in pd.period_range("2023-01", periods=months, freq="M"):
            n = int(rng.integers(80, 160))
            rows.append({"area": a, "month": m, "incidents": n,
                         "arrests": int(rng.binomial(n, 0.25 + 0.05 * k)),
                         "population": 10_000 * (k + 1)})
    return pd.DataFrame(rows)


# ---- the default report on the bundled data --------------------------------------------------

def test_every_priority_measure_is_analysed(report):
    assert [r.measure.name for r in report.results] == PRIORITY
    assert report.analysed == len(PRIORITY)
    for r in report.results:
        headings = [h for h, _ in r.findings]
        assert headings[:4] == ["Latest value", "Target", "Change on last year", "Trend"], r.measure.name
        assert r.figures, r.measure.name
    # the only problems are the ones the data really have
    problems = [f"{x.measure}: {x.problem}" for x in report.issues]
    # the only problems are the ones the bundled data really have: eight quarters of survey,
    # and a Kaplan-Meier median for recent applications resting on a handful of cases
    assert "Victim satisfaction by crime type: SPC chart: only 8 periods with data; an SPC chart needs 12 or more" in problems
    assert all(p.startswith("Victim") or "median wait" in p and "rests on" in p for p in problems), problems
    assert report.seconds < 60


def test_999_answered_in_10_seconds_against_target(report, table):
    calls = sc.data.sample("calls")
    calls = calls[calls["line"] == "999"]
    now, before = latest_year(calls)
    x = int((now["answered"] & (now["wait_seconds"] <= 10)).sum())
    n = len(now)
    latest = row(table, PRIORITY[0], "latest", "value")
    assert latest["value"] == pytest.approx(x / n, rel=1e-12)
    # Wilson interval: statsmodels.stats.proportion.proportion_confint(x, n, method="wilson")
    from statsmodels.stats.proportion import proportion_confint

    lo, hi = proportion_confint(x, n, alpha=0.05, method="wilson")
    assert (latest["lower"], latest["upper"]) == pytest.approx((lo, hi), rel=1e-9)
    # exact binomial test: scipy.stats.binomtest(x, n, 0.9).pvalue
    target = row(table, PRIORITY[0], "target", "exact binomial test")
    assert target["pvalue"] == pytest.approx(stats.binomtest(x, n, 0.9).pvalue, rel=1e-6)
    assert target["flag"] == ("not significantly different" if target["pvalue"] >= 0.05 else
                              "worse" if x / n < 0.9 else "better")


def test_101_misses_its_target_and_is_getting_worse(report, table):
    r = result(report, PRIORITY[1])
    assert r.target_verdict == "worse" and r.value < 0.6
    assert r.assurance == "fail"  # the planted 50-58 %: process limits wholly below 60 %
    assert r.change_verdict == "worsened" and r.trend_verdict == "worsening"
    assert "below the target of 60.0% by more than chance would explain" in dict(r.findings)["Target"]


def test_change_on_last_year_matches_a_chi_square_test(table):
    calls = sc.data.sample("calls")
    calls = calls[calls["line"] == "101"]
    now, before = latest_year(calls)
    x1, n1 = int(now["abandoned"].sum()), len(now)
    x0, n0 = int(before["abandoned"].sum()), len(before)
    # scipy.stats.chi2_contingency([[x1, n1 - x1], [x0, n0 - x0]], correction=False)
    chi2, p, *_ = stats.chi2_contingency([[x1, n1 - x1], [x0, n0 - x0]], correction=False)
    change = row(table, PRIORITY[2], "change on last year", "difference")
    assert change["value"] == pytest.approx(x1 / n1 - x0 / n0, rel=1e-10)
    assert change["pvalue"] == pytest.approx(p, rel=1e-6)


def test_rates_are_per_person_year_and_compared_exactly(table):
    df = sc.data.sample("lpa_monthly")
    now, before = latest_year(df)
    x1, e1 = now["recorded_crimes"].sum(), now["population"].sum() / 12
    x0, e0 = before["recorded_crimes"].sum(), before["population"].sum() / 12
    latest = row(table, PRIORITY[6], "latest", "value")
    assert latest["value"] == pytest.approx(x1 / e1 * 1000, rel=1e-12)
    # the exact conditional test of R poisson.test(c(x1, x0), c(e1, e0)) is the binomial test
    # scipy.stats.binomtest(x1, x1 + x0, e1 / (e1 + e0))
    change = row(table, PRIORITY[6], "change on last year", "rate ratio")
    assert change["value"] == pytest.approx((x1 / e1) / (x0 / e0), rel=1e-10)
    assert change["pvalue"] == pytest.approx(stats.binomtest(int(x1), int(x1 + x0), e1 / (e1 + e0)).pvalue,
                                             rel=1e-6)


def test_survey_weights_give_kish_effective_sizes(report, table):
    survey = sc.data.sample("victim_survey")
    last = survey["quarter"].max()
    now = survey[survey["quarter"] > last - 4]
    w = now["weight"].to_numpy()
    satisfied = (now["overall"] >= 5).to_numpy()
    p = (w * satisfied).sum() / w.sum()
    n_eff = w.sum() ** 2 / (w ** 2).sum()
    latest = row(table, PRIORITY[3], "latest", "value")
    assert latest["value"] == pytest.approx(p, rel=1e-12)
    from statsmodels.stats.proportion import proportion_confint

    lo, hi = proportion_confint(round(p * round(n_eff)), round(n_eff), method="wilson")
    assert latest["upper"] - latest["lower"] == pytest.approx(hi - lo, rel=1e-9)
    assert f"effective sample size {round(n_eff):,}" in dict(result(report, PRIORITY[3]).findings)["Latest value"]
    # one overall value: the funnel's target is the design-weighted headline, not the pooled
    # effective counts, and the sentence quotes it; violent crime (the planted fall) is lowest
    funnel = result(report, PRIORITY[3]).funnel
    assert funnel.target == pytest.approx(p, rel=1e-12)
    z = funnel.table.set_index(funnel.table.columns[0])["z"]
    assert z.idxmin() == "violent crime"
    areas = table[(table["measure"] == PRIORITY[3]) & (table["analysis"] == "latest")
                  & (table["area"] != "(force)") & (table["quantity"] == "value")]
    assert areas[["lower", "upper"]].notna().all().all()     # intervals on every area row
    assert (areas["lower"] < areas["value"]).all() and (areas["value"] < areas["upper"]).all()


def test_funnel_matches_a_direct_funnel_of_the_areas(report, table):
    df = sc.data.sample("lpa_monthly")
    now, _ = latest_year(df)
    areas = now.groupby("area")[["da_arrests", "da_incidents"]].sum().sort_index()
    direct = sc.funnel(areas["da_arrests"], areas["da_incidents"], overdispersion="multiplicative",
                       labels=list(areas.index))
    funnel = table[(table["measure"] == PRIORITY[4]) & (table["analysis"] == "funnel")]
    raw = funnel[funnel["quantity"] == "z-score (no allowance for overdispersion)"]
    got = funnel[funnel["quantity"] == "z-score (allowing for overdispersion)"]
    assert list(raw["area"]) == list(got["area"]) == list(areas.index)
    assert list(got["flag"]) == list(direct.flag) and raw["flag"].isna().all()
    np.testing.assert_allclose(raw["value"], direct.z, rtol=1e-10)
    assert "City Centre" in result(report, PRIORITY[4]).flagged  # planted: the highest rate
    # the flag rests on the z-score after the allowance: z / sqrt(phi), phi > 1 here
    phi = row(table, PRIORITY[4], "funnel", "overdispersion factor phi")
    assert phi["value"] == pytest.approx(direct.phi, rel=1e-12) and direct.phi > 1
    assert phi["note"] == "widens the limits"
    assert row(table, PRIORITY[4], "funnel", "between-area variance tau2")["value"] == \
        pytest.approx(direct.tau2, rel=1e-12)
    np.testing.assert_allclose(got["value"], direct.z / np.sqrt(direct.phi), rtol=1e-10)


def test_planted_differences_between_areas_are_found(report):
    assert result(report, PRIORITY[7]).flagged == ["Valley"]        # the rural KSI area
    assert "City Centre" in result(report, PRIORITY[6]).flagged     # crime per resident
    assert result(report, PRIORITY[5]).trend_verdict == "worsening"  # action taken falls


def test_waits_count_open_cases_with_kaplan_meier(report, table):
    from scrutiny.waits import kaplan_meier

    apps = sc.data.sample("firearms_licensing")
    month = apps["received"].dt.to_period("M")
    before = apps[(month >= pd.Period("2023-04", "M")) & (month <= pd.Period("2024-03", "M"))]
    now = apps[month >= pd.Period("2024-04", "M")]
    km = kaplan_meier(before["days_waited"], ~before["open"])
    earlier = row(table, PRIORITY[8], "change on last year", "median wait a year earlier (days)")
    assert earlier["value"] == km.median
    km_now = kaplan_meier(now["days_waited"], ~now["open"])
    share = row(table, PRIORITY[8], "latest", "share decided within 150 days")
    assert share["value"] == pytest.approx(1 - km_now.share_past(150).estimate, rel=1e-12)
    assert row(table, PRIORITY[8], "latest", "cases still open")["value"] == now["open"].sum()
    r = result(report, PRIORITY[8])
    fragile = any("rests on" in x.problem for x in report.issues)
    assert r.target_verdict == "worse" and np.isnan(r.value) == fragile
    assert "Kaplan-Meier" in dict(r.findings)["Latest value"]


def test_csv_is_tidy(report, table):
    assert list(table.columns) == ["measure", "kind", "area", "analysis", "quantity", "period",
                                   "value", "lower", "upper", "unit", "pvalue", "flag", "method",
                                   "note"]
    # one unit per row, the same for the force and its areas: differences are fractions
    estimates = table[table["value"].notna() & ~table["analysis"].isin(["funnel"])]
    assert estimates.groupby(["measure", "analysis", "quantity"])["unit"].nunique().max() == 1
    diffs = table[table["quantity"] == "difference"]
    assert diffs["unit"].eq("fraction (difference of proportions)").all()
    assert (diffs["value"].abs() < 1).all() and diffs[["lower", "upper"]].notna().all().all()
    assert set(table["measure"]) == set(PRIORITY)
    for col in ("value", "lower", "upper", "pvalue"):
        assert table[col].dtype == float
    keys = ["measure", "area", "analysis", "quantity", "period"]
    assert not table.duplicated(keys).any()
    assert set(table["analysis"]) >= {"latest", "target", "change on last year", "trend", "spc",
                                      "funnel"}
    issues = pd.read_csv(report.issues_csv)
    assert list(issues.columns) == ["measure", "type", "problem", "consequence"]
    assert set(issues["type"]) <= {"note", "data issue"}
    assert list(issues["type"]) == [x.kind for x in report.issues]
    assert len(issues) == len(report.issues)


def test_html_is_self_contained(report):
    page = report.html.read_text(encoding="utf-8")
    assert page.startswith("<!DOCTYPE html>")
    assert not re.search(r"<script|<link|@import|(?:src|href)\s*=\s*[\"']?(?:https?:)?//", page, re.I)
    assert not re.search(r"url\((?!data:)", page)
    sources = re.findall(r'<img src="([^"]+)"', page)
    assert len(sources) >= 3 * len(PRIORITY) - 3
    for uri in sources:
        assert uri.startswith("data:image/png;base64,")
        png = base64.b64decode(uri.split(",", 1)[1])
        assert png[:8] == PNG_SIGNATURE
    # overview: one row per measure, each linking to its section
    for i, name in enumerate(PRIORITY):
        assert f'<a href="#m{i}">{name.replace("&", "&amp;")}</a>' in page
        assert f'<section id="m{i}"' in page
    for section in ("overview", "issues", "methods", "data"):
        assert f'<section id="{section}"' in page
    for reference in ("Spiegelhalter", "Laney", "Kaplan EL", "Making Data Count", "Mann HB",
                      "Benjamini"):
        assert reference in page
    assert "SYNTHETIC" in page


def test_icons_show_variation_and_assurance(report):
    page = report.html.read_text(encoding="utf-8")
    labels = re.findall(r'<svg class="icon"[^>]*aria-label="([^"]+)"', page)
    assert "assurance: fail" in labels and "assurance: hit and miss" in labels
    assert any(label.startswith("variation: special cause concerning") for label in labels)
    assert "variation: common cause" in labels
    # the icon of a measure is the variation of its latest point
    r = result(report, PRIORITY[1])
    assert f"variation: {r.variation}" in labels


# ---- the findings in words ---------------------------------------------------------------------

# Wording a careful report never uses: a non-rejection as "no significant change" or as no
# change at all, equality, proof.
OVERCLAIMS = re.compile(r"no significant|\bno change\b|\b(is|are|was|were) the same\b|\bproves?\b")
VERDICTS = {None, "better", "worse", "above", "below", "not significantly different", "improved",
            "worsened", "up", "down", "improving", "worsening", "increasing", "decreasing",
            "no evidence of a trend", "not assessed"}


def test_findings_are_worded_carefully(report, table):
    for r in report.results:
        for heading, text in r.findings:
            assert not OVERCLAIMS.search(text.lower()), (r.measure.name, heading, text)
            for sentence in re.split(r"(?<=\.)\s+(?=[A-Z])", text):
                if "significant at the" in sentence:   # a claim, and on what it rests
                    assert "more than chance would explain" in sentence, sentence
        assert {r.target_verdict, r.change_verdict, r.trend_verdict} <= VERDICTS
    assert not table["flag"].astype(str).str.contains("no significant").any()
    page = report.html.read_text(encoding="utf-8")
    assert not OVERCLAIMS.search(page.lower())


def test_findings_are_the_results_own_sentences(report):
    calls = sc.data.sample("calls")
    calls = calls[calls["line"] == "101"]
    now, before = latest_year(calls)
    r = result(report, PRIORITY[2])
    assert (r.window, r.previous_window) == ("April 2024 to March 2025", "April 2023 to March 2024")
    # the counts taken from the rows here, the test and its words from scrutiny
    test = sc.compare_proportions(int(now["abandoned"].sum()), len(now),
                                  int(before["abandoned"].sum()), len(before))
    findings = dict(r.findings)
    assert findings["Change on last year"] == test.narrative(
        measure="101 abandonment rate", groups=(r.window, r.previous_window))
    # the trend of the monthly shares, in percentage points a year
    monthly = calls.groupby("month")["abandoned"].mean()
    years = np.arange(len(monthly)) / 12
    mk = sc.mann_kendall(100 * monthly.to_numpy(), t=years)
    assert findings["Trend"].startswith(mk.narrative(measure="the 101 abandonment rate",
                                                     unit="year"))
    assert r.trend_verdict == ("worsening" if mk.pvalue < 0.05 and mk.z > 0 else
                               "improving" if mk.pvalue < 0.05 else "no evidence of a trend")
    # areas are named by what they are: here crime types
    areas = dict(result(report, PRIORITY[3]).findings)["Areas"]
    assert "of the 4 crime types" in areas and " areas" not in areas


def test_a_median_on_few_cases_is_refused_in_one_place(report, monkeypatch, tmp_path):
    from scrutiny import waits

    apps = sc.data.sample("firearms_licensing")
    now = apps[apps["received"].dt.to_period("M") >= pd.Period("2024-04", "M")]
    km = waits.kaplan_meier(now["days_waited"], ~now["open"])
    at_risk = km.median_at_risk
    assert at_risk < waits.MIN_AT_RISK       # the bundled data: a median resting on a handful
    r = result(report, PRIORITY[8])
    assert np.isnan(r.value)
    assert (f"only {at_risk} of the applications are still waiting (fewer than "
            f"{waits.MIN_AT_RISK})") in dict(r.findings)["Latest value"]
    assert any("median wait" in x.problem and f"rests on {at_risk} " in x.problem
               for x in report.issues)
    # one threshold, in scrutiny.waits: lowered there, the report and its words give the median
    monkeypatch.setattr(waits, "MIN_AT_RISK", at_risk)
    again = write_report(out=tmp_path, only=[PRIORITY[8]]).results[0]
    assert again.value == km.median
    assert f"Half wait longer than {km.median:,.0f} days" in dict(again.findings)["Latest value"]


# ---- specification ---------------------------------------------------------------------------

def test_default_spec_covers_every_priority_measure():
    spec = load_spec()
    assert not spec.issues
    assert [m.name for m in spec.measures] == PRIORITY
    kinds = {m.name: m.kind for m in spec.measures}
    assert kinds[PRIORITY[6]] == kinds[PRIORITY[7]] == "rate" and kinds[PRIORITY[8]] == "wait"
    assert spec.measures[0].target == 0.9 and spec.measures[1].target == 0.6
    assert spec.measures[3].weight == "weight"


def test_spec_problems_are_issues_not_failures():
    spec = check({"title": "T", "colour": "red", "latest": "fortnight", "levels": [0.9],
                  "measure": [
                      {"name": "a", "source": "s", "kind": "ratio", "numerator": "x"},
                      {"name": "b", "source": "s", "kind": "proportion", "numerator": "x",
                       "denominator": "n", "target": 90, "direction": "up", "colour": 1},
                      {"name": "c", "source": "s", "kind": "proportion", "numerator": "x"},
                      {"name": "d", "source": "s", "kind": "rate", "count": "x",
                       "population": "p", "target": -1, "per": 0},
                      {"name": "b", "source": "s", "kind": "count", "count": "x"},
                      {"name": "e", "source": "s", "kind": "count", "count": "x +"},
                      {"name": "f", "kind": "count", "count": "x"},
                      {"name": "g", "source": "s", "kind": "wait", "duration": "d"},
                      {"name": "h", "source": "s", "kind": "count", "count": "x",
                       "chart": "pie", "overdispersion": "lots", "freq": "W", "latest": "ever",
                       "decimals": 7},
                  ]}, base=Path.cwd(), origin="test")
    text = "\n".join(f"{x.measure}: {x.problem} -> {x.consequence}" for x in spec.issues)
    assert [m.name for m in spec.measures] == ["b", "d", "h"]
    assert "unknown setting 'colour' -> ignored" in text
    assert "latest = 'fortnight'" in text and "levels = [0.9]" in text
    assert "a: unknown kind 'ratio'" in text
    assert "b: target = 90 is outside the range of a proportion" in text and "write 0.9" in text
    assert "b: direction = 'up'" in text
    assert "c: a proportion needs denominator" in text
    assert "d: target = -1 is outside the range of a rate" in text and "per = 0" in text
    assert "b: two measures have this name" in text
    assert "e: numerator: cannot read the expression 'x +'" in text
    assert "f: no source" in text
    assert "g: a wait needs open" in text
    for setting in ("chart = 'pie'", "overdispersion = 'lots'", "freq = 'W'", "latest = 'ever'",
                    "decimals = 7"):
        assert setting in text
    b, h = spec.measures[0], spec.measures[2]
    assert b.target is None and b.direction is None  # analysed without the faulty settings
    assert (h.chart, h.overdispersion, h.freq, h.decimals) == (None, "multiplicative", None, 1)


def test_spec_files(tmp_path):
    good = tmp_path / "spec.toml"
    good.write_text('title = "Mine"\n[[measure]]\nname = "m"\nsource = "lpa_monthly"\n'
                    'kind = "count"\ncount = "recorded_crimes"\n', encoding="utf-8")
    spec = load_spec(good)
    assert spec.title == "Mine" and spec.base == tmp_path and spec.measures[0].kind == "count"
    bad = tmp_path / "bad.toml"
    bad.write_text("title = \n", encoding="utf-8")
    with pytest.raises(ValueError, match="spec: .*bad.toml.* is not valid TOML"):
        load_spec(bad)
    with pytest.raises(ValueError, match="spec: no file"):
        load_spec(tmp_path / "absent.toml")
    with pytest.raises(TypeError, match="spec must be"):
        load_spec(3)
    yaml_file = tmp_path / "spec.yaml"
    yaml_file.write_text("title: Mine\nmeasures:\n  - name: m\n    source: lpa_monthly\n"
                         "    kind: count\n    count: recorded_crimes\n", encoding="utf-8")
    try:
        import yaml  # noqa: F401
    except ImportError:
        with pytest.raises(ValueError, match="needs PyYAML"):
            load_spec(yaml_file)
    else:
        assert load_spec(yaml_file).measures[0].name == "m"


# ---- expressions -----------------------------------------------------------------------------

def test_expressions_over_rows():
    df = pd.DataFrame({"line": ["999", "101", "101", "999"], "answered": [True, True, False, True],
                       "wait": [3.0, 40.0, np.nan, 12.0], "n": [1, 2, 3, 4]})
    keep = df.copy()
    assert list(expr.evaluate("answered and wait <= 10", df, "numerator")) == [True, False, False, False]
    assert list(expr.evaluate("line == '101' or not answered", df, "filter")) == [False, True, True, False]
    assert list(expr.evaluate("line in ['101']", df, "filter")) == [False, True, True, False]
    assert list(expr.evaluate("line not in ('101',)", df, "filter")) == [True, False, False, True]
    assert list(expr.evaluate("isna(wait)", df, "filter")) == [False, False, True, False]
    assert list(expr.evaluate("1 < n <= 3", df, "filter")) == [False, True, True, False]
    assert list(expr.evaluate("n * 2 - 1", df, "count")) == [1, 3, 5, 7]
    assert expr.evaluate("rows", df, "denominator").all()
    assert expr.columns("answered and wait <= 10", "numerator") == {"answered", "wait"}
    pd.testing.assert_frame_equal(df, keep)


@pytest.mark.parametrize("text, message", [
    ("__import__('os')", "only isna"),
    ("line.str", "attribute is not allowed"),
    ("line.upper()", "only isna"),
    ("lambda: 1", "lambda is not allowed"),
    ("[x for x in line]", "not allowed"),
    ("wait <", "cannot read"),
    ("", "must be a column name"),
])
def test_expressions_refuse_anything_else(text, message):
    with pytest.raises(expr.ExpressionError, match=message) as error:
        expr.parse(text, "numerator")
    assert "numerator" in str(error.value)


def test_expression_errors_name_the_column():
    df = pd.DataFrame({"n": [1, 2]})
    with pytest.raises(expr.ExpressionError, match="filter: no column 'line'"):
        expr.evaluate("line == '999'", df, "filter")
    with pytest.raises(expr.ExpressionError, match="'n' is not true/false"):
        expr.evaluate("n and n", df, "numerator")
    with pytest.raises(expr.ExpressionError, match="'in' needs a list"):
        expr.evaluate("n in 3", df, "filter")


@pytest.mark.parametrize("text, message", [
    ("line in ['A'] * 999999999", "list of 999,999,999 items; at most 100,000"),
    ("line == 'A' * 9999999999", "text or list of 9,999,999,999 items"),
    ("line == 'A' * 10 * 10 * 10 * 10 * 10 * 10", "1,000,000 items"),
    ("line * 99999999 == 'x'", "at most 100,000 are allowed"),
    ("line + 'x' * 60000 == 'y'", "180,009,000 characters in all"),
    ("not " * 50000 + "answered", "200,008 characters; at most 10,000"),
    ("not " * 500 + "answered", "nested too deeply"),
    ("n + " * 2000 + "n", "nested too deeply"),
    ("line < 5", r"cannot evaluate 'line < 5' over the data \(it compares or combines values "
                 "of different types, such as text and numbers"),
    ("n * 99999999999999999999999", "a number is too large"),
    ("['a', 'b']", "gives list, not a value for each row"),
    ("...", "the value Ellipsis is not allowed"),
])
def test_expressions_are_bounded_in_size(text, message):
    """Each refused quickly, in little memory: sizes are checked before anything is made."""
    import time
    import tracemalloc

    df = pd.DataFrame({"line": ["999", "101", "101"] * 1000, "answered": [True, False, True] * 1000,
                       "n": [1, 2, 3] * 1000})
    tracemalloc.start()
    start = time.perf_counter()
    try:
        with pytest.raises(expr.ExpressionError, match=message) as error:
            expr.evaluate(text, df, "filter")
        peak = tracemalloc.get_traced_memory()[1]
    finally:
        tracemalloc.stop()
    assert str(error.value).startswith("filter") and len(str(error.value)) < 400
    assert peak < 20 * 2**20 and time.perf_counter() - start < 5


def test_a_deeply_nested_filter_is_a_data_issue(tmp_path):
    spec = minimal()
    spec["measure"][0]["filter"] = "not " * 50000 + "x"
    rep = write_report(spec, out=tmp_path)
    assert rep.analysed == 0
    assert any("filter: the expression has 200,001 characters" in x.problem for x in rep.issues)


def test_a_byte_order_mark_in_a_spec_is_allowed(tmp_path):
    path = tmp_path / "spec.toml"
    path.write_bytes(b"\xef\xbb\xbftitle = 'Mine'\n[[measure]]\nname = 'm'\n"
                     b"source = 'lpa_monthly'\nkind = 'count'\ncount = 'recorded_crimes'\n")
    spec = load_spec(path)
    assert spec.title == "Mine" and spec.measures[0].name == "m" and not spec.issues


def test_a_huge_latest_window_is_an_issue():
    spec = check({"latest": "99999999999 months", "measure": [
        {"name": "m", "source": "lpa_monthly", "kind": "count", "count": "recorded_crimes",
         "latest": "9" * 5000 + " years"}]}, base=Path.cwd(), origin="test")
    problems = [x.problem for x in spec.issues]
    assert any(p.startswith("latest = '99999999999 months' is not a period") for p in problems)
    assert any("up to 100 years" in p and x.measure == "m" for x, p in zip(spec.issues, problems))
    assert spec.measures[0].latest == "12 months"


@pytest.mark.parametrize("where, message", [
    ("file", "is a file, not a folder"),
    ("under a file", "cannot create the folder"),
    ("report.html a folder", "is a folder, so the report's report.html cannot be written"),
])
def test_out_is_checked_before_any_work(tmp_path, where, message, capsys, monkeypatch):
    from scrutiny.report import cli, engine

    a_file = tmp_path / "a-file"
    a_file.write_text("x")
    out = {"file": a_file, "under a file": a_file / "sub"}.get(where, tmp_path / "o")
    if where == "report.html a folder":
        (out / "report.html").mkdir(parents=True)
    monkeypatch.setattr(engine, "analyse", lambda *a: pytest.fail("work done before --out"))
    assert cli.main(["--out", str(out), "--quiet"]) == 2
    err = capsys.readouterr().err.strip()
    assert err.startswith("scrutiny report: out: ") and message in err
    assert len(err.splitlines()) == 1 and "Traceback" not in err
    with pytest.raises(ValueError, match=message):
        write_report(minimal(), out=out)


# ---- bad input: the report completes and lists every problem -----------------------------------

def test_malformed_csv_rows_are_skipped_and_listed(tmp_path):
    frame = small_frame()
    text = frame.to_csv(index=False).splitlines()
    text.insert(5, "A,2023-05,1,2,3,4,5,6")          # too many fields
    path = tmp_path / "data.csv"
    path.write_text("\n".join(text) + "\n", encoding="utf-8")
    spec = minimal(source=str(path), period="month")
    rep = write_report(spec, out=tmp_path / "out")
    assert rep.analysed == 1
    problems = [x.problem for x in rep.issues]
    assert any("1 malformed row in data.csv" in p and "line 6" in p for p in problems), problems
    got = pd.read_csv(rep.csv)
    latest = got[(got["analysis"] == "latest") & (got["quantity"] == "value") & (got["area"] == "(force)")]
    now, _ = latest_year(frame)
    assert latest["value"].iloc[0] == pytest.approx(now["arrests"].sum() / now["incidents"].sum())


def test_missing_columns_unknown_sources_and_measures(tmp_path):
    frame = small_frame()
    spec = {"measure": [
        measure("good", "proportion", numerator="arrests", denominator="incidents"),
        measure("no column", "proportion", numerator="charges", denominator="incidents"),
        measure("no source", "count", count="x", source="elsewhere"),
        measure("no sample", "count", count="x", source="no-such.csv"),
    ]}
    rep = write_report(spec, out=tmp_path, frames={"data": frame}, only=["good", "no column",
                                                                          "no source",
                                                                          "no sample", "ghost"])
    assert rep.analysed == 1
    text = "\n".join(f"{x.measure}: {x.problem}" for x in rep.issues)
    assert "no column: no column 'charges' in the data" in text
    assert "no source: unknown source 'elsewhere'" in text
    assert "no sample: no file" in text
    assert "ghost: no measure of this name" in text
    page = rep.html.read_text(encoding="utf-8")
    assert "could not be analysed" in page and "no column &#x27;charges&#x27;" in page


def test_missing_months_are_listed_and_charted_as_gaps(tmp_path):
    frame = small_frame(months=30)
    gap = frame["month"].isin(pd.period_range("2023-06", "2023-08", freq="M"))
    rep = write_report(dict(minimal(), max_gap=3), out=tmp_path, frames={"data": frame[~gap]})
    assert rep.analysed == 1
    text = " | ".join(x.problem for x in rep.issues)
    assert "3 periods missing from the series (Jun 2023, Jul 2023, Aug 2023)" in text
    assert "broken" not in text
    r = rep.results[0]
    assert list(r.spc.missing) == list(pd.period_range("2023-06", "2023-08", freq="M"))
    assert np.isnan(r.series["value"].iloc[5:8]).all()


def test_bad_values_are_left_out_and_listed(tmp_path):
    frame = small_frame()
    frame["arrests"] = frame["arrests"].astype(object)
    frame.loc[3, "arrests"] = "n/a"
    frame.loc[4, "arrests"] = 10_000           # more arrests than incidents
    frame.loc[5, "month"] = None
    rep = write_report(minimal(), out=tmp_path, frames={"data": frame})
    text = " | ".join(x.problem for x in rep.issues)
    assert "1 value of the numerator ('arrests') is not a number ('n/a')" in text
    assert "1 row has a numerator above the denominator (row 4)" in text
    assert "1 row has no month" in text
    assert "1 of 96 rows has a missing or unreadable value" in text
    assert rep.analysed == 1 and "missing from the series" not in text


@pytest.mark.parametrize("kwargs, message", [
    ({"out": 3}, "out must be a folder name"),
    ({"frames": [1]}, "frames must be a dict"),
    ({"frames": {"data": [1, 2]}}, r"frames\['data'\] must be a DataFrame"),
    ({"data": {"street": 3}}, r"data\['street'\] must be a path"),
    ({"only": "Arrest rate"}, "only must be a list"),
    ({"progress": "yes"}, "progress must be callable"),
])
def test_bad_arguments_are_named(kwargs, message, tmp_path):
    kwargs.setdefault("out", tmp_path)
    with pytest.raises(TypeError, match=message):
        write_report(minimal(), **kwargs)


def test_nothing_analysed_is_a_failure(tmp_path):
    rep = write_report({"measure": [{"name": "x", "source": "nowhere", "kind": "count",
                                     "count": "n"}]}, out=tmp_path)
    assert rep.analysed == 0 and rep.html.is_file()
    from scrutiny.__main__ import main

    spec = tmp_path / "s.toml"
    spec.write_text('[[measure]]\nname = "x"\nsource = "nowhere"\nkind = "count"\ncount = "n"\n',
                    encoding="utf-8")
    assert main(["report", "--spec", str(spec), "--out", str(tmp_path), "--quiet"]) == 1


def test_windows_periods_and_strings(tmp_path):
    frame = small_frame()
    frame["month"] = frame["month"].astype(str)          # as read from a CSV
    rep = write_report(minimal(latest="quarter"), out=tmp_path, frames={"data": frame})
    r = rep.results[0]
    assert r.window == "2024 Q4 (October 2024 to December 2024)"
    assert r.previous_window == "2023 Q4 (October 2023 to December 2023)"
    quarterly = small_frame(months=24)
    quarterly["quarter"] = quarterly["month"].dt.asfreq("Q").astype(str)
    rep = write_report(minimal(period="quarter", latest="12 months"), out=tmp_path,
                       frames={"data": quarterly})
    assert rep.results[0].window == "2024 Q1 to 2024 Q4"


def test_counts_and_rates_from_small_frames(tmp_path):
    frame = small_frame()
    spec = {"measure": [
        measure("arrests", "count", count="arrests", area="area"),
        measure("arrests per 1,000", "rate", count="arrests", population="population",
                per=1000, area="area", target=5, direction="lower"),
    ]}
    rep = write_report(spec, out=tmp_path, frames={"data": frame})
    assert rep.analysed == 2
    count, rate = rep.results
    now, before = latest_year(frame)
    assert count.value == now["arrests"].sum()
    assert count.funnel is None and "no denominator" in dict(count.findings)["Areas"]
    person_years = now.groupby("area")["population"].first().sum()  # 12 months of residents
    assert rate.value == pytest.approx(now["arrests"].sum() / person_years * 1000)
    assert rate.value > 5 and rate.target_verdict == "worse"
    assert "above the target of 5.0 per 1,000 a year by more than chance" in dict(rate.findings)["Target"]


def test_progress_bar():
    class Tty(io.StringIO):
        def isatty(self):
            return True

    bar = Progress(Tty())
    bar(1, 2, "first")
    bar(2, 2, "writing the report")
    shown = bar.stream.getvalue()
    assert "\r1/2 |" in shown and "first" in shown and "2/2 |" in shown and "0/2" not in shown.split("first")[1]
    lines = Progress(io.StringIO())
    lines(1, 3, "first")
    assert lines.stream.getvalue() == "[1/3] first\n"


def test_data_arguments():
    spec = load_spec("policeuk")
    assert split_data(["folder/"], spec) == {"street": "folder/"}
    assert split_data(["street=other/"], spec) == {"street": "other/"}
    with pytest.raises(ValueError, match="say which source"):
        split_data(["x.csv"], load_spec())


def test_command_line(tmp_path):
    out = tmp_path / "out"
    run = subprocess.run([sys.executable, "-m", "scrutiny", "report", "--measure",
                          "Domestic-abuse arrest rate", "--out", str(out)],
                         capture_output=True, text=True, timeout=120)
    assert run.returncode == 0, run.stderr
    assert run.stdout.strip() == str((out / "report.html").resolve())
    assert "[1/2] Domestic-abuse arrest rate" in run.stderr and "1 of 1 measures analysed" in run.stderr
    run = subprocess.run([sys.executable, "-m", "scrutiny", "report", "--spec", "nope.toml"],
                         capture_output=True, text=True, timeout=60, cwd=tmp_path)
    assert run.returncode == 2 and "spec: no file 'nope.toml'" in run.stderr


# ---- real data ---------------------------------------------------------------------------------

# ---- the shared data folder ------------------------------------------------------------------

def test_shared_data_folder_does_not_depend_on_the_working_folder(tmp_path, monkeypatch):
    from scrutiny.data.population import shared_data_folder
    from scrutiny.report.sources import Sources

    sources = Sources(load_spec("policeuk"))
    monkeypatch.delenv("SCRUTINY_SHARED_DATA", raising=False)
    folder = shared_data_folder()          # beside the project, wherever the report is run
    monkeypatch.chdir(tmp_path)
    assert sources._path("${SCRUTINY_SHARED_DATA}/street") == folder / "street"
    assert sources._path("$SCRUTINY_SHARED_DATA/street") == folder / "street"
    monkeypatch.setenv("SCRUTINY_SHARED_DATA", str(tmp_path / "elsewhere"))
    assert sources._path("${SCRUTINY_SHARED_DATA}/street") == tmp_path / "elsewhere" / "street"


@pytest.mark.skipif(not (WEST_MERCIA.is_dir() and POPULATIONS.is_dir()),
                    reason="the shared West Mercia police.uk files are absent")
def test_bundled_police_uk_spec_runs_from_any_folder(tmp_path, monkeypatch):
    from scrutiny.data.population import shared_data_folder

    monkeypatch.delenv("SCRUTINY_SHARED_DATA", raising=False)
    if not (shared_data_folder() / WEST_MERCIA.name).is_dir():
        pytest.skip("the shared data are not beside the project (only $SCRUTINY_SHARED_DATA)")
    monkeypatch.chdir(Path(__file__).resolve().parents[1] / "notebooks")
    spec = load_spec("policeuk").with_settings(as_at="2022-11")   # before the files' break
    rep = write_report(spec, out=tmp_path, only=["Anti-social behaviour incidents"])
    assert rep.analysed == 1, rep.issues


# ---- missing months: the latest window and the change on last year ---------------------------

def test_change_on_last_year_is_not_assessed_across_a_gap(tmp_path):
    # as the West Mercia files: the latest window's months have no data a year earlier
    frame = small_frame(months=36)
    gap = frame["month"].isin(pd.period_range("2023-12", "2024-12", freq="M"))
    spec = {"measure": [measure("arrests", "proportion", numerator="arrests",
                                denominator="incidents", area="area"),
                        measure("count", "count", count="arrests")]}
    rep = write_report(spec, out=tmp_path, frames={"data": frame[~gap]})
    got = pd.read_csv(rep.csv)
    for r in rep.results:
        assert r.ok and r.change_verdict == "not assessed" and r.change_text == ""
        text = dict(r.findings)["Change on last year"]
        assert text == ("Not assessed: the series is broken at January 2025, after 13 months "
                        "without data (December 2023 to December 2024), and a year earlier lies "
                        "before the break.")
        mine = got[got["measure"] == r.measure.name]
        assert not (mine["analysis"] == "change on last year").any()
        # re-baselined: the trend and SPC chart see only 2025
        assert str(r.series["period"].iloc[0]) == "2025-01"
    breaks = [x for x in rep.issues if x.problem.startswith("the series is broken at January 2025")]
    assert len(breaks) == 2 and all("re-baselined" in x.consequence for x in breaks)
    assert rep.overview()["change on last year"].tolist() == ["not assessed"] * 2
    # with a longer tolerated gap, the months are only missing, not a break
    rep = write_report(dict(spec, max_gap=13), out=tmp_path / "b", frames={"data": frame[~gap]})
    text = dict(rep.results[0].findings)["Change on last year"]
    assert text.startswith("Not assessed: of the 12 months of the latest window, none has "
                           "data both then and a year earlier")


def test_change_on_last_year_compares_the_same_months(tmp_path):
    frame = small_frame(months=24)
    gap = frame["month"].isin(pd.period_range("2023-01", "2023-03", freq="M"))
    spec = {"measure": [measure("arrests", "proportion", numerator="arrests",
                                denominator="incidents", area="area"),
                        measure("count", "count", count="arrests")]}
    rep = write_report(spec, out=tmp_path, frames={"data": frame[~gap]})
    now = frame[frame["month"] >= pd.Period("2024-04", "M")]
    before = frame[(frame["month"] >= pd.Period("2023-04", "M")) & (frame["month"] <= pd.Period("2023-12", "M"))]
    x1, n1, x0, n0 = now["arrests"].sum(), now["incidents"].sum(), before["arrests"].sum(), before["incidents"].sum()
    table = pd.read_csv(rep.csv)
    compared = "April 2024 to December 2024 vs April 2023 to December 2023"
    # scipy.stats.chi2_contingency([[x1, n1 - x1], [x0, n0 - x0]], correction=False)
    _, p, *_ = stats.chi2_contingency([[x1, n1 - x1], [x0, n0 - x0]], correction=False)
    change = row(table, "arrests", "change on last year", "difference")
    assert change["period"] == compared
    assert change["value"] == pytest.approx(x1 / n1 - x0 / n0, rel=1e-10)
    assert change["pvalue"] == pytest.approx(p, rel=1e-6)
    # counts over the same nine months: R poisson.test(c(x1, x0), c(9, 9)) is
    # scipy.stats.binomtest(x1, x1 + x0, 0.5)
    ratio = row(table, "count", "change on last year", "rate ratio")
    assert ratio["value"] == pytest.approx(x1 / x0, rel=1e-10)
    assert ratio["pvalue"] == pytest.approx(stats.binomtest(int(x1), int(x1 + x0), 0.5).pvalue, rel=1e-6)
    r = rep.results[0]
    assert dict(r.findings)["Change on last year"].startswith(
        "Only the 9 months with data in both years are compared (April 2024 to December 2024 "
        "with April 2023 to December 2023).")
    assert r.change_verdict in VERDICTS - {"not assessed"}
    issue = next(x for x in rep.issues if x.measure == "arrests" and "compares only" in x.problem)
    assert "compares only the 9 months with data in both years" in issue.problem
    assert issue.consequence == "January 2024 to March 2024 left out of the comparison"
    # each area over the same months
    a = frame[frame["area"] == "A"]
    a1, a0 = a[a["month"].isin(now["month"])], a[a["month"].isin(before["month"])]
    got = row(table, "arrests", "change on last year", "difference", area="A")
    assert got["value"] == pytest.approx(a1["arrests"].sum() / a1["incidents"].sum()
                                         - a0["arrests"].sum() / a0["incidents"].sum())
    assert got["lower"] < got["value"] < got["upper"]
    assert "over the 9 months with data in both years" in got["note"]


def test_latest_value_says_how_many_months_it_holds(tmp_path):
    frame = small_frame(months=24)
    gap = frame["month"].isin(pd.period_range("2024-10", "2024-11", freq="M"))
    rep = write_report(minimal(), out=tmp_path, frames={"data": frame[~gap]})
    r = rep.results[0]
    assert (r.window_size, r.window_present) == (12, 10)
    assert dict(r.findings)["Latest value"].startswith(
        "In January 2024 to December 2024 (only 10 of its 12 months have data: January 2024 "
        "to September 2024 and December 2024), the arrest rate is")
    assert rep.overview()["latest period"][0] == "Jan 2024 – Dec 2024 (10 of 12 months with data)"
    table = pd.read_csv(rep.csv)
    assert row(table, "Arrest rate", "latest", "value")["note"] == "10 of 12 months with data"
    assert any("have data for only 10 (January 2024 to September 2024 and December 2024)" in x.problem
               for x in rep.issues)
    # the change compares the same ten months of both years
    assert row(table, "Arrest rate", "change on last year", "difference")["period"] == (
        "January 2024 to September 2024 and December 2024 vs January 2023 to September 2023 and "
        "December 2023")


# ---- the population of a rate ------------------------------------------------------------------

def records(frame):
    """One row per arrest, each carrying its area's population (as police.uk records with
    populations joined)."""
    return frame.loc[frame.index.repeat(frame["arrests"]), ["area", "month", "population"]] \
        .reset_index(drop=True)


def test_rate_without_area_counts_each_population_once(tmp_path):
    frame = small_frame()
    now, _ = latest_year(frame)
    residents = frame.groupby("area")["population"].first().sum()   # 100,000
    expected = now["arrests"].sum() / residents * 1000
    rate = measure("rate", "rate", count="arrests", population="population", per=1000)
    rep = write_report({"measure": [rate]}, out=tmp_path, frames={"data": frame})
    assert rep.results[0].value == pytest.approx(expected, rel=1e-12)
    table = pd.read_csv(rep.csv)
    assert "one row per area" in row(table, "rate", "latest", "person_years")["note"]
    # the same arrests as records: which rows share a population cannot be told ...
    each = {"measure": [measure("rate", "rate", count="rows", population="population", per=1000)]}
    rep = write_report(each, out=tmp_path, frames={"data": records(frame)})
    assert rep.analysed == 0
    problem = next(x.problem for x in rep.issues if x.measure == "rate")
    assert "varies between rows of the same month" in problem
    assert "e.g. population_by = 'area'" in problem
    # ... until population_by says it
    each["measure"][0]["population_by"] = "area"
    rep = write_report(each, out=tmp_path, frames={"data": records(frame)})
    assert rep.results[0].value == pytest.approx(expected, rel=1e-12)
    assert not rep.issues


def test_population_by_groups_other_than_the_areas(tmp_path):
    # local authority x crime type: the population is the local authority's
    frame = small_frame()
    table = pd.concat([frame.assign(crime_type=t, arrests=frame["arrests"] + k)
                       for k, t in enumerate(["theft", "violence"])], ignore_index=True)
    rate = measure("rate", "rate", count="arrests", population="population", per=1000,
                   area="crime_type")
    rep = write_report({"measure": [rate]}, out=tmp_path, frames={"data": table})
    assert rep.analysed == 0
    assert "differs between rows of the same 'crime_type' and month" in rep.issues[0].problem
    rep = write_report({"measure": [dict(rate, population_by="area")]}, out=tmp_path,
                       frames={"data": table})
    r = rep.results[0]
    now, _ = latest_year(table)
    residents = frame.groupby("area")["population"].first().sum()
    assert r.value == pytest.approx(now["arrests"].sum() / residents * 1000, rel=1e-12)
    theft = now[now["crime_type"] == "theft"]["arrests"].sum()
    assert r.area_table.loc["theft", "value"] == pytest.approx(theft / residents * 1000, rel=1e-12)
    # a population that is not one per group is refused, not averaged
    bad = table.copy()
    bad.loc[0, "population"] += 1
    rep = write_report({"measure": [dict(rate, population_by="area")]}, out=tmp_path,
                       frames={"data": bad})
    assert rep.analysed == 0
    assert "differs between rows of the same 'area' and month (e.g. area = 'A' in 2023-01)" \
        in rep.issues[0].problem


def test_population_by_is_checked():
    spec = check({"measure": [
        measure("a", "rate", count="x", population="p", population_by=["la", 3]),
        measure("b", "count", count="x", population_by="la"),
        measure("c", "rate", count="x", population="p", population_by=["la", "la"]),
    ]}, base=Path.cwd(), origin="test")
    text = " | ".join(f"{x.measure}: {x.problem} -> {x.consequence}" for x in spec.issues)
    assert "a: population_by = ['la', 3] must be a column name or a list of column names -> ignored" in text
    assert "b: population_by applies to rates only (this is a count) -> ignored" in text
    assert spec.measures[2].population_by == ("la",)
    assert "la" in spec.measures[2].columns()


# ---- overview, results and charts as data ------------------------------------------------------

def test_overview_is_a_tidy_table(report):
    frame = report.overview()
    assert list(frame["measure"]) == PRIORITY and frame["measure"].is_unique
    assert list(frame.columns[:6]) == ["measure", "kind", "latest period", "periods with data",
                                       "periods in window", "latest value"]
    for col in ("value", "lower", "upper"):
        assert frame[col].dtype == float
    for r, (_, line) in zip(report.results, frame.iterrows()):
        line = line.where(line.notna(), None)    # missing values as None
        assert line["kind"] == r.measure.kind
        assert line["against target"] == (r.target_verdict if r.measure.target is not None else None)
        assert line["change on last year"] == r.change_verdict
        assert line["trend"] == r.trend_verdict
        assert line["variation"] == r.variation and line["assurance"] == r.assurance
    dav = frame.set_index("measure").loc["Domestic-abuse arrest rate"]
    r = result(report, "Domestic-abuse arrest rate")
    assert dav["value"] == r.value and dav["latest period"] == "Apr 2024 – Mar 2025"
    assert (dav["areas outside limits"], dav["areas compared"]) == (len(r.flagged), 10)
    assert pd.isna(frame.set_index("measure").loc["101 calls abandoned", "target"])


def test_html_overview_is_drawn_from_the_overview(tmp_path, monkeypatch):
    from scrutiny.report import overview

    original = overview.frame

    def marked(results):
        table = original(results)
        table["trend"] = "trend-from-the-frame"
        table["latest value"] = "value-from-the-frame"
        return table

    monkeypatch.setattr(overview, "frame", marked)
    rep = write_report(minimal(), out=tmp_path, frames={"data": small_frame()})
    page = rep.html.read_text(encoding="utf-8")
    head = page[page.index('<section id="overview">'):page.index("</section>")]
    assert "trend-from-the-frame" in head and "value-from-the-frame" in head


def test_result_and_charts_by_name(report):
    r = report.result("Domestic-abuse arrest rate")
    assert r is result(report, "Domestic-abuse arrest rate")
    charts = report.charts("Domestic-abuse arrest rate")
    assert list(charts) == [title for title, _, _ in r.figures]
    assert list(charts) == ["SPC chart", "Trend", "Funnel plot by area"]
    for png in charts.values():
        assert png[:8] == PNG_SIGNATURE
        width, height = int.from_bytes(png[16:20], "big"), int.from_bytes(png[20:24], "big")
        assert (width, height) == (710, 326)
    with pytest.raises(ValueError, match="name: no measure 'Arrests' in this report"):
        report.charts("Arrests")
    with pytest.raises(TypeError, match="name must be a measure name"):
        report.result(3)


# ---- rebase ------------------------------------------------------------------------------------

def test_rebase_recalculates_the_spc_limits(tmp_path):
    frame = small_frame(months=30, areas=("A",))
    later = frame["month"] >= pd.Period("2024-01", "M")
    frame.loc[later, "arrests"] = frame.loc[later, "arrests"] // 3     # a recording change
    spec = minimal(area=None, rebase=["2024-01", "2021-05", "2024-13"])
    rep = write_report(spec, out=tmp_path, frames={"data": frame})
    r = rep.results[0]
    text = " | ".join(x.problem for x in rep.issues)
    assert "rebase: '2024-13' is not a month or quarter" in text
    assert "rebase: May 2021 is not within the series after its first period (January 2023 " \
        "to June 2025)" in text
    assert list(r.spc.rebase) == [0, 12]
    # the same chart drawn directly: scrutiny.spc with rebase at January 2024
    direct = sc.spc(frame["arrests"].to_numpy(), chart="pp", n=frame["incidents"].to_numpy(),
                    rebase=[pd.Period("2024-01", "M")], time=frame["month"], improvement=None)
    np.testing.assert_allclose(r.spc.centre, direct.centre, rtol=1e-12)
    assert r.spc.centre[-1] < r.spc.centre[0]
    assert "The limits were recalculated from January 2024. The recalculation is at a break in " \
        "the series named in the specification (rebase)" in dict(r.findings)["SPC"]
    table = pd.read_csv(rep.csv)
    assert row(table, "Arrest rate", "spc", "limits recalculated from")["period"] == "January 2024"
    without = write_report(minimal(area=None), out=tmp_path / "b", frames={"data": frame})
    assert list(without.results[0].spc.rebase) == [0]


def test_rebase_is_checked():
    import datetime

    spec = check({"measure": [measure("a", "count", count="x", rebase="2023 Q2"),
                              measure("b", "count", count="x", rebase=[datetime.date(2023, 4, 1), True]),
                              measure("c", "count", count="x", rebase=4)]},
                 base=Path.cwd(), origin="test")
    a, b, c = spec.measures
    assert a.rebase == (pd.Period("2023Q2", "Q"),) and b.rebase == (pd.Period("2023-04", "M"),)
    assert c.rebase == ()
    text = " | ".join(f"{x.measure}: {x.problem}" for x in spec.issues)
    assert "b: rebase: True is not a month or quarter" in text
    assert "c: rebase = 4 must be a list of periods" in text


# ---- funnel: z-scores before and after the overdispersion allowance ----------------------------

def test_funnel_z_scores_allow_for_additive_overdispersion(tmp_path):
    frame = small_frame(areas=("A", "B", "C", "D", "E", "F"))
    rep = write_report(minimal(overdispersion="additive"), out=tmp_path, frames={"data": frame})
    table = pd.read_csv(rep.csv)
    now, _ = latest_year(frame)
    areas = now.groupby("area")[["arrests", "incidents"]].sum()
    f = sc.funnel(areas["arrests"], areas["incidents"], overdispersion="additive")
    tau2 = row(table, "Arrest rate", "funnel", "between-area variance tau2")
    assert tau2["value"] == pytest.approx(f.tau2, rel=1e-12) and f.tau2 > 0
    assert tau2["note"] == "widens the limits"
    assert row(table, "Arrest rate", "funnel", "overdispersion factor phi")["note"] == \
        "estimated, not used (additive overdispersion)"
    # on the additive scale: (p - p0) / sqrt(p0 (1 - p0) / n + tau2), p0 the pooled proportion
    p0 = areas["arrests"].sum() / areas["incidents"].sum()
    p = areas["arrests"] / areas["incidents"]
    expected = (p - p0) / np.sqrt(p0 * (1 - p0) / areas["incidents"] + f.tau2)
    for area in areas.index:
        got = row(table, "Arrest rate", "funnel", "z-score (allowing for overdispersion)", area=area)
        assert got["value"] == pytest.approx(expected[area], rel=1e-9)
        raw = row(table, "Arrest rate", "funnel", "z-score (no allowance for overdispersion)", area=area)
        assert raw["value"] == pytest.approx((p[area] - p0) / np.sqrt(p0 * (1 - p0) / areas.loc[area, "incidents"]), rel=1e-9)
        assert abs(got["value"]) < abs(raw["value"])


def test_fit_caveats_become_notes_and_other_warnings_pass_on():
    """A caveat a step's call warns of (a negative binomial fit that collapsed to Poisson)
    becomes the note of its results row, not an error; other warnings are not swallowed."""
    import warnings

    from scrutiny.report import steps

    # 24 months with month effects: theta runs beyond 1e8 (flat likelihood), the dispersion 2.1
    y = [66, 62, 82, 71, 87, 75, 59, 72, 65, 30, 46, 50, 62, 74, 76, 92, 56, 62, 60, 45, 55,
         48, 36, 53]
    fit, note = steps.cautioned(lambda: (sc.count_trend(y, family="negbin", period=12),))
    assert fit.status == "ok" and note.startswith("count_trend: theta ran to ")
    assert "(the negative binomial fit is effectively Poisson)" in note and fit.theta > 1e8
    assert "effectively Poisson" in fit.narrative()
    _, quiet = steps.cautioned(lambda: (sc.count_trend(y, family="negbin"),))
    assert quiet == ""

    def noisy():
        warnings.warn("not a caveat", RuntimeWarning)
        return (1,)

    with pytest.warns(RuntimeWarning, match="not a caveat"):
        assert steps.cautioned(noisy) == (1, "")
