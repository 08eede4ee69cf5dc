"""Real periods in the report: latest windows of whole calendar or UK financial quarters and
years ("2024/25 Q3"), the latest month and quarter beside a year earlier, and the sparklines
of the overview.  The expected values are sums over the frame by hand."""
import numpy as np
import pandas as pd
import pytest

from scrutiny.report import load_spec, write_report, words


def frame(months=29, start="2023-01", seed=3):
    rng = np.random.default_rng(seed)
    rows = []
    for m in pd.period_range(start, periods=months, freq="M"):
        n = int(rng.integers(200, 400))
        rows.append({"month": m, "incidents": n, "arrests": int(rng.binomial(n, 0.3))})
    return pd.DataFrame(rows)


def spec(latest="12 months", **top):
    return {"title": "Periods", "latest": latest, **top,
            "measure": [{"name": "Arrest rate", "source": "data", "kind": "proportion",
                         "numerator": "arrests", "denominator": "incidents"}]}


def share(data, first, last):
    part = data[(data["month"] >= pd.Period(first, "M")) & (data["month"] <= pd.Period(last, "M"))]
    return part["arrests"].sum() / part["incidents"].sum()


@pytest.mark.parametrize("month, start, quarter, year", [
    ("2024-12", 1, "2024 Q4", "2024"), ("2024-12", 4, "2024/25 Q3", "2024/25"),
    ("2025-03", 4, "2024/25 Q4", "2024/25"), ("2025-04", 4, "2025/26 Q1", "2025/26"),
    ("2024-03", 1, "2024 Q1", "2024"),
])
def test_quarter_and_year_names(month, start, quarter, year):
    p = pd.Period(month, "M")
    assert words.quarter_name(p, start) == quarter and words.year_name(p, start) == year


def test_latest_quarter_is_the_last_whole_quarter(tmp_path):
    data = frame()                     # January 2023 to May 2025
    rep = write_report(spec("quarter"), out=tmp_path, frames={"data": data})
    r = rep.results[0]
    assert r.window == "2025 Q1 (January 2025 to March 2025)"
    assert r.value == pytest.approx(share(data, "2025-01", "2025-03"), rel=1e-12)
    fin = write_report(spec("quarter", quarters="financial"), out=tmp_path / "f",
                       frames={"data": data}).results[0]
    assert fin.window == "2024/25 Q4 (January 2025 to March 2025)"
    year = write_report(spec("year", quarters="financial"), out=tmp_path / "y",
                        frames={"data": data}).results[0]
    assert year.window == "2024/25 (April 2024 to March 2025)"
    assert year.value == pytest.approx(share(data, "2024-04", "2025-03"), rel=1e-12)
    assert year.previous_window == "2023/24 (April 2023 to March 2024)"


def test_overview_shows_month_quarter_and_rolling_year(tmp_path):
    data = frame()
    rep = write_report(spec(quarters="financial"), out=tmp_path, frames={"data": data})
    row = rep.overview().iloc[0]
    assert row["latest period"] == "Jun 2024 – May 2025"        # the rolling year
    assert row["month value"] == pytest.approx(share(data, "2025-05", "2025-05"), rel=1e-12)
    assert row["latest month"].startswith("May 2025: ") and "(May 2024: " in row["latest month"]
    # May 2025 is in 2025/26 Q1, not whole yet: the latest whole quarter is 2024/25 Q4
    assert row["latest quarter"].startswith("2024/25 Q4: ")
    assert row["quarter value"] == pytest.approx(share(data, "2025-01", "2025-03"), rel=1e-12)
    glance = rep.results[0].glance
    assert glance.quarter_before == pytest.approx(share(data, "2024-01", "2024-03"), rel=1e-12)
    assert len(glance.spark) == len(data)
    html = rep.html.read_text(encoding="utf-8")
    assert html.count('<svg class="spark"') == 1 and "Variation (latest month)" in html


def test_quarters_setting_is_checked(tmp_path):
    bad = load_spec(spec(quarters="fiscal"))
    assert any("quarters = 'fiscal'" in x.problem for x in bad.issues)
    with pytest.raises(ValueError, match="quarters"):
        load_spec(spec()).with_settings(quarters="fiscal")
    assert load_spec(spec()).with_settings(quarters="financial").measures[0].year_start == 4


@pytest.mark.parametrize("months, season", [
    (20, "without month-of-year effects (they need 28 months with data)"),
    (30, "with month-of-year effects"),
])
def test_trend_says_what_was_fitted(tmp_path, months, season):
    data = frame(months=months)
    count = {"title": "Fitted", "measure": [{"name": "Arrests", "source": "data",
                                              "kind": "count", "count": "arrests"}]}
    rep = write_report(count, out=tmp_path, frames={"data": data})
    text = dict(rep.results[0].findings)["Trend"]
    first, last = data["month"].iloc[0], data["month"].iloc[-1]
    span = f"{first.strftime('%B %Y')} to {last.strftime('%B %Y')}"
    assert f"over {span} ({months} months with data), {season}." in text
