"""Tests of the charts of waits, drivers, calls and count models, and of the gallery: what the
numbers-at-risk table says, where the Kaplan-Meier tail turns dashed, readable percent ticks,
drivers named in words, the count trend in data units, dates on time axes, the common options,
and text that neither overlaps nor leaves the figure (bounding boxes from the renderer)."""
from __future__ import annotations

import importlib
import inspect
import itertools
import pkgutil
import re

import matplotlib.pyplot as plt
import numpy as np
import pandas as pd
import pytest
from matplotlib.text import Text

import scrutiny as sc
import scrutiny.graphics
from scrutiny import gallery
from scrutiny.graphics.drivers import driver_names, humanise, percent_ticks

# The chart modules these tests cover.
MODULES = {"waits", "drivers", "calls", "models"}
PARTS = ["ease_of_contact", "time_to_arrive", "actions_taken", "kept_informed", "treatment"]


@pytest.fixture(autouse=True)
def _close():
    yield
    plt.close("all")


@pytest.fixture(scope="module")
def firearms():
    df = sc.data.sample("firearms_licensing")
    return df, ~df["open"].to_numpy()


@pytest.fixture(scope="module")
def key():
    return sc.key_drivers(sc.data.sample("victim_survey"), "overall", PARTS, weights="weight",
                          bootstrap=50, seed=7)


@pytest.fixture(scope="module")
def force():
    lpa = sc.data.sample("lpa_monthly")
    return lpa.groupby("month")[["recorded_crimes", "population", "da_incidents"]].sum()


# ---- reading the drawn figure -------------------------------------------------------------------

def _in_view(axis, tick) -> bool:
    lo, hi = sorted(axis.get_view_interval())
    return lo - 1e-9 * (abs(lo) + 1) <= tick.get_loc() <= hi + 1e-9 * (abs(hi) + 1)


def _texts(fig) -> list[Text]:
    """Every drawn, non-empty text of ``fig``: titles, axis and tick labels in view, texts and
    annotations, legends (of the Axes and of the figure), the figure's own texts."""
    found = list(fig.texts)
    if fig._suptitle is not None:
        found.append(fig._suptitle)
    for legend in fig.legends:
        found += legend.get_texts()
    for ax in fig.axes:
        if not ax.get_visible():
            continue
        found += [ax.title, ax._left_title, ax._right_title, ax.xaxis.label, ax.yaxis.label]
        for axis in (ax.xaxis, ax.yaxis):
            for tick in axis.get_major_ticks():
                if _in_view(axis, tick):
                    found += [tick.label1, tick.label2]
        found += ax.texts
        if ax.get_legend() is not None:
            found += ax.get_legend().get_texts()
    unique = {id(t): t for t in found}.values()
    return [t for t in unique if t.get_visible() and t.get_text().strip()]


def assert_text_fits(fig) -> None:
    """No two texts overlap (by more than a pixel) and none leaves the figure."""
    fig.canvas.draw()
    renderer = fig.canvas.get_renderer()
    page = fig.bbox
    boxes = [(t.get_text(), t.get_window_extent(renderer)) for t in _texts(fig)]
    for text, box in boxes:
        assert (box.x0 >= page.x0 - 1 and box.y0 >= page.y0 - 1 and box.x1 <= page.x1 + 1
                and box.y1 <= page.y1 + 1), f"{text!r} leaves the figure"
    for (a, p), (b, q) in itertools.combinations(boxes, 2):
        overlap_x = min(p.x1, q.x1) - max(p.x0, q.x0)
        overlap_y = min(p.y1, q.y1) - max(p.y0, q.y0)
        assert overlap_x <= 1 or overlap_y <= 1, f"{a!r} overlaps {b!r}"


def _figure(drawn):
    return (np.asarray(drawn, dtype=object).flat[0] if isinstance(drawn, np.ndarray)
            else drawn).figure


# ---- Kaplan-Meier -------------------------------------------------------------------------------

def _table(ax, row: int = 0):
    """(times, counts) of a row of the numbers-at-risk table."""
    cells = [t for t in ax.texts if t.get_gid() == f"at risk {row}"]
    return (np.array([t.xy[0] for t in cells]),
            np.array([int(t.get_text().replace(",", "")) for t in cells]))


def test_the_numbers_at_risk_are_the_results(firearms):
    df, decided = firearms
    days = df["days_waited"].to_numpy(dtype=float)
    res = sc.kaplan_meier(days, decided)
    times, counts = _table(res.plot(target=150))
    assert times.size >= 4 and times[0] == 0
    assert list(counts) == [int(np.sum(days >= t)) for t in times]
    within = times <= res.curve()["time"].iloc[-1]
    np.testing.assert_array_equal(counts[within], res.share_past(times[within]).n_risk)
    assert np.all(counts[~within] == 0)
    grouped = sc.kaplan_meier(days, decided, group=df["kind"])
    ax = grouped.plot()
    for row, (g, r) in enumerate(grouped.groups.items()):
        t, n = _table(ax, row)
        keep = t <= r.curve()["time"].iloc[-1]
        np.testing.assert_array_equal(n[keep], r.share_past(t[keep]).n_risk)
        assert any(x.get_text() == str(g) for x in ax.texts)
    assert not _table(res.plot(table=False))[0].size


def test_the_tail_is_dashed_where_few_remain(firearms):
    df, decided = firearms
    res = sc.kaplan_meier(df["days_waited"], decided)
    curve = res.curve()
    for least in (10, 40):
        ax = res.plot(min_at_risk=least)
        start = curve["time"][curve["n_risk"] < least].iloc[0]
        tail = [line for line in ax.lines if line.get_gid() == "few at risk"]
        assert len(tail) == 1 and tail[0].get_xdata()[0] == start
        solid = ax.lines[0]
        assert solid.get_xdata()[-1] == start
        drawn = curve[curve["time"] < start]
        assert (drawn["n_risk"] >= least).all()
        notes = [t.get_text() for t in ax.get_legend().get_texts()]
        assert any(f"fewer than {least}" in n for n in notes)
    ax = res.plot(min_at_risk=0)
    assert not [line for line in ax.lines if line.get_gid() == "few at risk"]
    with pytest.raises(ValueError, match="min_at_risk"):
        res.plot(min_at_risk=-1)


def test_the_target_and_its_share_are_shown(firearms):
    df, decided = firearms
    res = sc.kaplan_meier(df["days_waited"], decided)
    ax = res.plot(target=150)
    share = res.share_past(150).estimate
    labels = [t.get_text() for t in ax.get_legend().get_texts()]
    assert f"{100 * share:.1f}% still waiting at 150 days" in labels[0]
    assert "target: 150 days" in labels
    assert ax.get_xlabel() == "Wait (days)"


def test_a_narrow_chart_keeps_its_table_apart(firearms):
    df, decided = firearms
    fig, axs = plt.subplots(1, 3, figsize=(10, 3.5), layout="constrained")
    sc.kaplan_meier(df["days_waited"], decided, group=df["kind"]).plot(ax=axs[0], target=150,
                                                                         title="")
    assert len(_table(axs[0])[0]) >= 3
    assert_text_fits(fig)


def test_panels_share_their_scales(firearms):
    df, decided = firearms
    res = sc.kaplan_meier(df["days_waited"], decided, group=df["area"])
    axs = res.plot(panels=True, ncols=4, target=150)
    shown = [ax for ax in axs.flat if ax.get_visible()]
    assert len(shown) == len(res.groups)
    assert len({ax.get_xlim() for ax in shown}) == 1 and len({ax.get_ylim() for ax in shown}) == 1
    assert_text_fits(_figure(axs))
    with pytest.raises(ValueError, match="ax"):
        res.plot(ax=plt.subplots()[1], panels=True)


# ---- key drivers --------------------------------------------------------------------------------

def test_humanised_and_given_names(key):
    assert humanise("contact_kept_informed") == "Contact kept informed"
    assert humanise("kept__informed ") == "Kept informed" and humanise("SalesSup") == "SalesSup"
    assert driver_names(["a_b", "c"], {"c": "Sea"}) == ["A b", "Sea"]
    texts = [t.get_text() for t in key.plot().texts]
    assert {"Kept informed", "Ease of contact", "Time to arrive"} <= set(texts)
    assert "kept_informed" not in texts
    given = {p: p.upper() for p in PARTS}
    assert "KEPT_INFORMED" in [t.get_text() for t in key.plot(names=given).texts]
    as_list = [f"driver {i}" for i in range(5)]
    ticks = [t.get_text() for t in key.plot(kind="bar", names=as_list).get_yticklabels()]
    assert sorted(ticks) == sorted(as_list)
    with pytest.raises(ValueError, match="names"):
        key.plot(names=["too few"])


def _tick_labels(axis):
    axis.axes.figure.canvas.draw()
    ticks = [t for t in axis.get_major_ticks() if _in_view(axis, t)]
    return [t.get_loc() for t in ticks], [t.label1.get_text() for t in ticks]


@pytest.mark.parametrize("low, high", [(0.175, 0.25), (0.0, 0.4), (0.02, 0.031), (0.3, 0.95)])
def test_percent_ticks_are_distinct_and_exact(low, high):
    ax = plt.subplots()[1]
    ax.set_ylim(low, high)
    percent_ticks(ax.yaxis)
    locs, labels = _tick_labels(ax.yaxis)
    assert len(labels) >= 3 and len(set(labels)) == len(labels)
    for loc, label in zip(locs, labels):
        assert float(label.rstrip("%")) == pytest.approx(100 * loc, abs=1e-9)
    step = 100 * np.diff(locs)[0]
    mantissa = step / 10 ** np.floor(np.log10(step))
    assert round(mantissa, 6) in (1.0, 2.0, 5.0)


def test_quadrant_and_importance_read_well(key):
    ax = key.plot()
    for axis in (ax.yaxis,):
        _, labels = _tick_labels(axis)
        assert len(set(labels)) == len(labels) and all(t.endswith("%") for t in labels)
    assert "Concentrate here" in [t.get_text() for t in ax.texts]
    assert_text_fits(ax.figure)
    bar = key.plot(kind="bar")
    assert len(bar.collections) >= 1          # the bootstrap intervals are drawn
    assert "95% bootstrap interval" in [t.get_text() for t in bar.get_legend().get_texts()]
    assert_text_fits(bar.figure)


# ---- count models -------------------------------------------------------------------------------

def test_the_count_trend_runs_through_the_data(force):
    res = sc.count_trend(force["recorded_crimes"], period=12)
    ax = res.plot()
    observed = next(line for line in ax.lines if line.get_label() == "observed").get_ydata()
    trend = next(line for line in ax.lines if line.get_label().startswith("trend"))
    y = trend.get_ydata()
    assert observed.min() <= y.min() and y.max() <= observed.max()
    assert np.mean(observed > y) == pytest.approx(0.5, abs=0.2)   # not the January level
    assert ax.get_title().startswith("rate ratio")
    rates = sc.count_trend(force["recorded_crimes"], force["population"], period=12)
    per = rates.plot(per=1000)
    values = next(line for line in per.lines if line.get_label() == "observed").get_ydata()
    np.testing.assert_allclose(values, 1000 * force["recorded_crimes"] / force["population"])
    assert per.get_ylabel() == "Rate per 1,000"
    assert_text_fits(ax.figure)


def test_time_axes_show_dates_when_the_result_has_them(force):
    months = force.index
    trend = sc.count_trend(force["recorded_crimes"], period=12)
    its = sc.its(force["da_incidents"].to_numpy(dtype=float), 24, family="poisson", period=12)
    assert its.plot().get_xlabel() == "time"                    # no dates: positions
    for res in (trend, its):
        object.__setattr__(res, "times", months)               # as a result with dates has
    ax = its.plot()
    assert ax.get_xlabel() != "time" and "time" not in ax.get_xlabel()
    x = ax.lines[0].get_xdata()
    assert pd.Timestamp(x[0]) == months[0].to_timestamp()
    labels = [t.get_text() for t in ax.get_legend().get_texts()]
    assert f"intervention (from {months[24].strftime('%b %Y')})" in labels
    dashed = next(line for line in ax.lines if line.get_label().startswith("counterfactual"))
    assert dashed.get_linestyle() == "--"
    assert "per month" in trend.plot().get_title()
    assert_text_fits(ax.figure)


# ---- calls --------------------------------------------------------------------------------------

def test_the_service_level_target_and_the_agents_it_needs():
    res = sc.erlang_c(100, 1800, 180, np.arange(11, 21), 20)
    ax = res.plot(target=0.8)
    need = sc.agents_needed(100, 1800, 180, 20, 0.8).agents
    labels = [t.get_text() for t in ax.get_legend().get_texts()]
    assert f"fewest agents meeting it: {need}" in labels
    assert any(t.startswith("target: 80.0%") for t in labels)
    assert "answered within 20 s" in labels
    assert_text_fits(ax.figure)
    staffing = sc.staffing(pd.Series([40.0, 80.0, 60.0, 20.0]), 300, 30, 0.6, shrinkage=0.3)
    ax = staffing.plot()
    right = [a for a in ax.figure.axes if a is not ax][0]
    np.testing.assert_allclose(right.lines[0].get_ydata(), staffing.table["service_level"])
    assert right.lines[1].get_ydata()[0] == 0.6
    assert_text_fits(ax.figure)
    assert len(staffing.plot(service_level=False).figure.axes) == 1


# ---- options and room for text ------------------------------------------------------------------

def _charts(firearms, key, force):
    df, decided = firearms
    return {
        "kaplan_meier": lambda **o: sc.kaplan_meier(df["days_waited"], decided).plot(
            target=150, **o),
        "kaplan_meier_groups": lambda **o: sc.kaplan_meier(
            df["days_waited"], decided, group=df["kind"]).plot(target=150, **o),
        "backlog": lambda **o: sc.backlog(df["received"], df["decided"], target=150).plot(**o),
        "quadrant": lambda **o: key.plot(**o),
        "importance": lambda **o: key.plot(kind="bar", **o),
        "count_trend": lambda **o: sc.count_trend(force["recorded_crimes"], period=12).plot(**o),
        "its": lambda **o: sc.its(force["da_incidents"].to_numpy(dtype=float), 24,
                                  family="poisson", period=12).plot(**o),
        "erlang_c": lambda **o: sc.erlang_c(100, 1800, 180, np.arange(11, 21), 20).plot(
            target=0.8, **o),
        "service_level": lambda **o: sc.service_level(
            [3.0, 12, 40, 5, 8, 2, 30, 9], 10, [0, 0, 1, 0, 0, 0, 1, 0],
            by=["101"] * 4 + ["999"] * 4).plot(target=0.9, **o),
        "staffing": lambda **o: sc.staffing(pd.Series([40.0, 80.0, 60.0]), 300, 30, 0.6).plot(
            **o),
    }


@pytest.fixture(scope="module")
def charts(firearms, key, force):
    return _charts(firearms, key, force)


@pytest.mark.parametrize("name", [
    "kaplan_meier", "kaplan_meier_groups", "backlog", "quadrant", "importance", "count_trend",
    "its", "erlang_c", "service_level", "staffing"])
def test_options_and_text_that_fits(charts, name):
    draw = charts[name]
    assert_text_fits(draw().figure)
    ax = draw(title="My title", xlabel="My x", ylabel="My y")
    assert "My title" in (ax.get_title(), ax.get_title(loc="left"))
    assert ax.get_xlabel() == "My x" and ax.get_ylabel() == "My y"
    own, ax = plt.subplots(figsize=(9, 5), layout="constrained")
    assert draw(ax=ax) is ax
    assert_text_fits(own)


# ---- the gallery --------------------------------------------------------------------------------

def _chart_functions() -> set[str]:
    """Every chart of ``scrutiny.graphics``: "<module>.<function>" for each public function
    named ``*_chart`` or ``small_multiples``."""
    found = set()
    for info in pkgutil.iter_modules(scrutiny.graphics.__path__):
        if info.name.startswith("_"):
            continue
        module = importlib.import_module(f"scrutiny.graphics.{info.name}")
        for name, fn in inspect.getmembers(module, inspect.isfunction):
            if fn.__module__ == module.__name__ and (name.endswith("_chart")
                                                     or name == "small_multiples"):
                found.add(f"{info.name}.{name}")
    return found


def test_a_title_set_afterwards_replaces_the_charts(firearms):
    """Notebooks and the report set their own title on the returned Axes: it must not sit on
    top of the chart's own."""
    df, decided = firearms
    for ax in (sc.kaplan_meier(df["days_waited"], decided).plot(),
               sc.backlog(df["received"], df["decided"]).plot()):
        ax.set_title("Mine")
        shown = [t for t in (ax.title, ax._left_title, ax._right_title) if t.get_text()]
        assert [t.get_text() for t in shown] == ["Mine"]


def test_the_real_data_charts_fit():
    """The charts of the gallery's real data (when the shared data folder is there)."""
    from scrutiny.data.population import shared_data_folder

    folder = shared_data_folder()
    entries = gallery.real_entries(folder) if folder.is_dir() else []
    if not entries:
        pytest.skip("the shared data folder is absent")
    for entry in entries:
        if entry.chart.split(".")[0] in MODULES:
            assert_text_fits(_figure(entry.draw()))
            plt.close("all")


def test_the_gallery_draws_every_chart_kind(tmp_path):
    index = gallery.write(tmp_path, real=False)
    page = index.read_text(encoding="utf-8")
    shown = re.findall(r'<figure id="([^"]+)">.*?<code>([^<]+)</code>', page, re.S)
    assert _chart_functions() <= {chart for _, chart in shown}
    assert len({name for name, _ in shown}) == len(shown) >= 20
    for name, _ in shown:
        assert f'src="{name}.png"' in page
        for suffix in ("png", "svg"):
            path = tmp_path / f"{name}.{suffix}"
            assert path.stat().st_size > 1000, path.name
    assert not plt.get_fignums()                       # every figure closed
