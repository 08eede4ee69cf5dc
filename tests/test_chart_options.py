"""Charts fit for a board pack: colours that follow the direction of improvement, the options
every chart takes, text that never overlaps nor leaves the figure, and floors, on the bundled
data and, when present, on real data.police.uk files."""
from __future__ import annotations

import os
from pathlib import Path

import matplotlib.pyplot as plt
import numpy as np
import pandas as pd
import pytest
from matplotlib.collections import PolyCollection
from matplotlib.colors import to_rgba
from matplotlib.text import Text

import scrutiny as sc
from scrutiny.graphics._base import MARKERS, MAX_LABELS, PALETTE

SHARED = Path(os.environ.get("SCRUTINY_SHARED_DATA",
                             Path(__file__).resolve().parents[2] / "shared" / "data"))
WEST_MERCIA = SHARED / "police-uk-west-mercia-street"
needs_shared = pytest.mark.skipif(not WEST_MERCIA.is_dir(),
                                  reason=f"real data.police.uk files not found in {SHARED}")


@pytest.fixture(autouse=True)
def _close():
    yield
    plt.close("all")


# ---- helpers ---------------------------------------------------------------------------------

def texts(fig) -> list:
    """(text, box) of every visible, non-empty text of the figure (tick labels only within the
    view), the boxes from the renderer (an annotation's box without its leader line)."""
    fig.canvas.draw()
    r = fig.canvas.get_renderer()
    ticks, out = set(), []
    for ax in fig.axes:
        for axis, lim in ((ax.xaxis, ax.get_xlim()), (ax.yaxis, ax.get_ylim())):
            lo, hi = sorted(lim)
            for tick in axis.get_major_ticks() + axis.get_minor_ticks():
                ticks.update((id(tick.label1), id(tick.label2)))
                label = tick.label1
                inside = lo - 1e-9 * abs(hi - lo) <= tick.get_loc() <= hi + 1e-9 * abs(hi - lo)
                if label.get_visible() and label.get_text() and inside:
                    out.append(label)
    for t in fig.findobj(Text):
        if id(t) not in ticks and t.get_visible() and t.get_text().strip():
            out.append(t)
    return [(t.get_text(), Text.get_window_extent(t, r)) for t in out]


def assert_room(fig) -> None:
    """No two texts overlap (by more than half a pixel) and none leaves the figure."""
    boxes = texts(fig)
    frame = fig.bbox
    outside = [name for name, b in boxes if b.x0 < frame.x0 - 0.5 or b.x1 > frame.x1 + 0.5
               or b.y0 < frame.y0 - 0.5 or b.y1 > frame.y1 + 0.5]
    assert not outside, f"outside the figure: {outside}"
    clashes = []
    for i, (a, p) in enumerate(boxes):
        for b, q in boxes[i + 1:]:
            if min(p.x1, q.x1) - max(p.x0, q.x0) > 0.5 and min(p.y1, q.y1) - max(p.y0, q.y0) > 0.5:
                clashes.append((a, b))
    assert not clashes, f"overlapping texts: {clashes}"


def colours_at(ax, x, y) -> list:
    """The face colour of the drawn point at each (x, y) (one scatter point per position)."""
    out = []
    for xi, yi in zip(np.atleast_1d(x), np.atleast_1d(y)):
        found = None
        for coll in ax.collections:
            offsets = np.asarray(coll.get_offsets())
            if offsets.ndim != 2 or not offsets.size:
                continue
            hit = np.flatnonzero(np.isclose(offsets[:, 0], xi) & np.isclose(offsets[:, 1], yi))
            if hit.size:
                faces = coll.get_facecolors()
                found = tuple(faces[hit[0] if len(faces) > 1 else 0]) if len(faces) else "none"
        out.append(found)
    return out


def rgba(name: str) -> tuple:
    return tuple(to_rgba(PALETTE[name]))


def lsoa_like(k=80, seed=1, better=None):
    """A funnel of many units with long names, many outside the limits."""
    rng = np.random.default_rng(seed)
    n = rng.integers(50, 30000, k)
    x = rng.binomial(n, np.clip(0.2 + rng.normal(0, 0.02, k), 0.05, 0.5))
    return sc.funnel(x, n, labels=[f"Northmoor {i:03d}A long name" for i in range(k)],
                     better=better)


def lpa_funnel(better=None):
    """The bundled monthly counts by area: a rate funnel of recorded crimes per person-year
    over the latest twelve months."""
    df = sc.data.sample("lpa_monthly")
    df = df[df["month"] > df["month"].max() - 12]
    g = df.groupby("area").agg(crimes=("recorded_crimes", "sum"),
                               years=("population", lambda p: p.sum() / 12))
    return sc.funnel(g["crimes"].to_numpy(), g["years"].to_numpy(), kind="rate",
                     labels=list(g.index), better=better)


# ---- meaning in colour -------------------------------------------------------------------

@pytest.mark.parametrize("better", [None, "higher", "lower"])
def test_funnel_colours_follow_better(better):
    res = lsoa_like(better=better)
    assert res.better == better
    ax = res.plot()
    high = np.array([f.startswith("high") for f in res.flag])
    low = np.array([f.startswith("low") for f in res.flag])
    assert high.any() and low.any()
    expect_high, expect_low = {None: ("neutral", "neutral"), "higher": ("improvement", "concern"),
                               "lower": ("concern", "improvement")}[better]
    cols = colours_at(ax, res.denominator, res.value)
    assert all(cols[i] == rgba(expect_high) for i in np.flatnonzero(high))
    assert all(cols[i] == rgba(expect_low) for i in np.flatnonzero(low))
    assert all(cols[i] == rgba("common") for i in np.flatnonzero(~(high | low)))
    # plot(better=...) overrides the result's
    flipped = {"higher": "lower", "lower": "higher", None: "higher"}[better]
    ax2 = res.plot(better=flipped)
    want = "improvement" if flipped == "higher" else "concern"
    assert colours_at(ax2, res.denominator[high][:1], res.value[high][:1]) == [rgba(want)]


def test_meanings_have_their_own_shapes():
    assert len(set(MARKERS.values())) == len(MARKERS)
    res = lsoa_like(better="lower")
    ax = res.plot()
    shapes = {c.get_label(): c.get_paths()[0].vertices.round(3).tobytes() for c in ax.collections
              if c.get_label() in ("within limits", "above limits (worse)",
                                   "below limits (better)")}
    assert len(shapes) == 3 and len(set(shapes.values())) == 3


def test_better_is_checked_and_kept():
    with pytest.raises(ValueError, match="better"):
        sc.funnel([3, 4], [10, 12], better="up")
    assert sc.funnel([3, 4, 5], [10, 12, 14]).better is None
    res = sc.funnel([3, 4, 5], [10, 12, 14], better="higher")
    assert "better" not in repr(res)          # kept for the chart, not shown
    with pytest.raises(ValueError, match="better"):
        res.plot(better="more")


def test_harm_funnel_colours_follow_better():
    rng = np.random.default_rng(4)
    rows = [{"area": f"Area {a}", "crime_type": t, "pop": 10_000 + 1000 * a,
             "count": int(rng.poisson(40 * (1 + 3 * (a == 0))))}
            for a in range(12) for t in ("burglary", "robbery", "theft")]
    frame = pd.DataFrame(rows)
    weights = {"burglary": 120.0, "robbery": 300.0, "theft": 20.0}
    res = sc.harm_funnel(frame, "crime_type", "count", weights, "area", "pop", better="lower")
    assert res.better == "lower" and res.flag[0].startswith("high")
    ax = res.plot()
    assert colours_at(ax, res.denominator[:1], res.value[:1]) == [rgba("concern")]
    assert ax.get_ylabel() == "Harm per 1,000"
    assert_room(ax.figure)


@pytest.mark.parametrize("improvement,kind", [("increase", "improvement"),
                                              ("decrease", "concern"), (None, "neutral")])
def test_spc_colours_follow_improvement(improvement, kind):
    y = np.array([12, 15, 11, 14, 13, 12, 16, 14, 13, 15, 12, 14, 13, 40], dtype=float)
    res = sc.spc(y, improvement=improvement)
    ax = res.plot()
    assert colours_at(ax, [13], [40.0]) == [rgba(kind)]
    assert colours_at(ax, [0], [12.0]) == [rgba("common")]
    assert_room(ax.figure)


def test_place_forest_colours_follow_better():
    res = sc.wdd([1200, 800, 600], [600, 1200, 610], [2000, 2000, 2000], [2000, 2000, 2000],
                 labels=["Centre", "North", "South"])
    ax = res.plot()
    y = {t.get_text(): t.get_position()[1] for t in ax.get_yticklabels()}
    est = np.asarray(res.estimate)
    assert colours_at(ax, [est[0]], [y["Centre"]]) == [rgba("improvement")]
    assert colours_at(ax, [est[1]], [y["North"]]) == [rgba("concern")]
    ax = res.plot(better="higher")
    assert colours_at(ax, [est[0]], [y["Centre"]]) == [rgba("concern")]
    assert_room(ax.figure)


# ---- room for text ---------------------------------------------------------------------------

def test_many_flagged_units_are_named_without_overlap():
    res = lsoa_like(k=300)
    flagged = int(sum(f != "within" for f in res.flag))
    assert flagged > MAX_LABELS
    ax = res.plot(title="Crimes closed with no suspect identified, by neighbourhood, over the "
                        "latest twelve months")
    named = [t for t in ax.texts if t.get_text().startswith("Northmoor")]
    assert 0 < len(named) <= MAX_LABELS
    note = [t.get_text() for t in ax.get_legend().get_texts() if t.get_text().startswith("and ")]
    assert note == [f"and {flagged - len(named)} more units not named"]
    assert_room(ax.figure)


def test_log_axis_ticks_read_as_plain_numbers():
    for res in (lsoa_like(k=60), sc.funnel([5, 9, 30, 600], [300, 1500, 6000, 90000])):
        ax = res.plot()
        assert ax.get_xscale() == "log"
        ax.figure.canvas.draw()
        shown = [t.get_text() for t in ax.get_xticklabels() + ax.xaxis.get_minorticklabels()
                 if t.get_text()]
        assert shown and not any("10^" in s or "$" in s or "×" in s for s in shown)
        assert_room(ax.figure)


def test_legends_sit_outside_the_data_area():
    for ax in (lsoa_like().plot(), sc.spc(np.arange(24.0) % 7).plot()):
        ax.figure.canvas.draw()
        r = ax.figure.canvas.get_renderer()
        legend, frame = ax.get_legend().get_window_extent(r), ax.get_window_extent(r)
        assert not legend.overlaps(frame)


def test_spc_badges_sit_above_the_plot_beside_the_title():
    t = pd.period_range("2022-01", periods=30, freq="M")
    y = pd.Series(np.r_[np.full(20, 10.0) + np.arange(20) % 3, np.full(10, 20.0)], index=t)
    res = sc.spc(y, improvement="decrease", target=12)
    ax = res.plot(title="Anti-social behaviour incidents in the neighbourhood with the longest "
                        "name in the force, month by month")
    ax.figure.canvas.draw()
    r = ax.figure.canvas.get_renderer()
    frame = ax.get_window_extent(r)
    badges = sorted((t for t in ax.texts if t.get_text().startswith(("variation", "assurance"))),
                    key=lambda t: t.get_window_extent(r).x0)
    assert [b.get_text().split(":")[0] for b in badges] == ["variation", "assurance"]
    for b in badges:
        assert b.get_window_extent(r).y0 >= frame.y1
    assert_room(ax.figure)


# ---- floors ---------------------------------------------------------------------------------

def test_xmr_limits_of_counts_are_floored_at_zero():
    y = np.array([0, 3, 1, 0, 7, 2, 0, 1, 5, 0, 2, 9, 0, 1], dtype=float)
    res = sc.spc(y)
    assert np.nanmin(res.lower) < 0                    # the numbers are untouched
    ax = res.plot()
    drawn = np.concatenate([ln.get_ydata() for ln in ax.lines if ln.get_linestyle() == "--"])
    assert np.nanmin(drawn) == 0.0
    ax = res.plot(floor=-np.inf)                       # the floor can be lifted
    drawn = np.concatenate([ln.get_ydata() for ln in ax.lines if ln.get_linestyle() == "--"])
    assert np.nanmin(drawn) == pytest.approx(np.nanmin(res.lower))


def test_proportion_limits_and_trends_stay_within_0_and_100_percent():
    res = sc.funnel([0, 1, 2, 30], [5, 8, 12, 40])
    ax = res.plot()
    bands = [path.vertices[:, 1] for coll in ax.collections if isinstance(coll, PolyCollection)
             for path in coll.get_paths() if len(path.vertices)]
    assert bands, "the funnel draws no band"
    for band in bands:
        assert band.min() >= 0 and band.max() <= 1
    from scrutiny.report.result import Trend
    periods = pd.period_range("2022-01", periods=24, freq="M")
    value = np.r_[np.linspace(0.2, 0.01, 12), np.zeros(12)]
    years = np.arange(24) / 12
    fitted = 0.15 - 0.12 * years                       # runs below 0 at the end
    trend = Trend("worsening", pd.DataFrame({"period": periods, "value": value, "fitted": fitted,
                                             "lower": fitted - 0.02, "upper": fitted + 0.02}))
    ax = trend.plot(measure="proportion")
    assert min(np.nanmin(ln.get_ydata()) for ln in ax.lines) >= 0.0
    band = ax.collections[0].get_paths()[0].vertices[:, 1]
    assert band.min() >= 0.0
    assert ax.get_xticklabels()[0].get_text().endswith("2022")
    assert_room(ax.figure)


def test_count_trend_band_dates_and_floor():
    rng = np.random.default_rng(2)
    t = np.arange(36.0)
    y = rng.poisson(40 * np.exp(0.01 * t + 0.3 * np.sin(t / 12 * 2 * np.pi)))
    res = sc.count_trend(y, t=t, period=12)
    ax = res.plot()
    assert ax.get_title().startswith("rate ratio")
    trend = [ln for ln in ax.lines if ln.get_label() == "trend"][0].get_ydata()
    # the trend at the average season runs through the data, not below them
    assert trend.mean() == pytest.approx(np.mean(y), rel=0.15)
    band = ax.collections[0].get_paths()[0].vertices[:, 1]
    assert band.min() >= 0
    assert_room(ax.figure)


# ---- every option changes what it should ---------------------------------------------------

def test_funnel_options():
    res = lsoa_like()
    ax = res.plot(title="My title", xlabel="Crimes", ylabel="Share closed")
    assert ax.get_title() == "My title" and ax.get_xlabel() == "Crimes"
    assert ax.get_ylabel() == "Share closed"
    assert not [t for t in res.plot(label="none").texts]
    named = {t.get_text() for t in res.plot(label=["Northmoor 003A long name"]).texts}
    assert named == {"Northmoor 003A long name"}
    ax = res.plot(highlight="Northmoor 004A long name", label="none")
    assert {t.get_text() for t in ax.texts} == {"Northmoor 004A long name"}
    edges = [c.get_edgecolors() for c in ax.collections if len(c.get_offsets())]
    assert any((e[:, :3] == 0).all(axis=1).any() for e in edges if len(e))
    ax = res.plot(annotate={"Northmoor 005A long name": "new station"}, label="none")
    assert {t.get_text() for t in ax.texts} == {"Northmoor 005A long name: new station"}
    ax = res.plot(per=1000)
    assert ax.get_ylabel() == "Proportion per 1,000"
    assert ax.yaxis.get_major_formatter()(0.2, 0) == "200"
    centre = [t.get_text() for t in ax.get_legend().get_texts()][2]
    assert centre == f"overall proportion ({sc._narrative.number(1000 * res.target)})"
    ax = res.plot(ceiling=0.21)
    assert max(np.asarray(c.get_offsets())[:, 1].max() for c in ax.collections
               if len(c.get_offsets()) and c.get_label() != "_nolegend_") <= 0.21
    assert_room(ax.figure)


@pytest.mark.parametrize("option,value,error,match", [
    ("label", "outlying", ValueError, "label must be one of"),
    ("label", ["Nowhere"], ValueError, "label: no unit 'Nowhere'"),
    ("highlight", "Nowhere", ValueError, "highlight: no unit"),
    ("annotate", ["a note"], TypeError, "annotate must be a dict"),
    ("per", -5, ValueError, "per"),
    ("floor", 2.0, ValueError, "floor must be below ceiling"),
    ("title", 3, TypeError, "title must be a string"),
])
def test_funnel_options_are_checked(option, value, error, match):
    with pytest.raises(error, match=match):
        lsoa_like(k=10).plot(**{option: value})


def test_options_a_chart_has_no_use_for_are_refused():
    with pytest.raises(TypeError, match="exclude is not an option of this chart"):
        lsoa_like(k=10).plot(exclude=[1])
    with pytest.raises(TypeError, match="trajectory is not an option"):
        sc.changepoints(np.r_[np.zeros(10), np.ones(10)]).plot(trajectory=[1.0] * 20)
    with pytest.raises(TypeError, match="unexpected keyword"):
        lsoa_like(k=10).plot(colour="red")


def test_spc_options():
    t = pd.period_range("2021-01", periods=36, freq="M")
    rng = np.random.default_rng(3)
    y = pd.Series(rng.poisson(6, 36).astype(float), index=t)
    y.iloc[30] = 25
    res = sc.spc(y, improvement="decrease", rebase=["2022-07"])
    ax = res.plot()
    assert "limits recalculated" in [t.get_text() for t in ax.get_legend().get_texts()]
    assert ax.get_xticklabels()[0].get_text() == "Jan 2021"
    assert not ax.texts[2:]                            # only the badge: no names by default
    ax = res.plot(label="outliers")
    assert "Jul 2023" in {t.get_text() for t in ax.texts}
    ax = res.plot(annotate={"2021-06": "new policy"})
    assert "Jun 2021: new policy" in {t.get_text() for t in ax.texts}
    ax = res.plot(highlight="2021-05")
    assert any(np.asarray(c.get_sizes()).max() > 40 for c in ax.collections)
    # exclude: hollow, and left out of the limits (the result itself unchanged)
    before = res.series_view().upper.copy()
    ax = res.plot(exclude="2023-07")
    hollow = colours_at(ax, [30], [25.0])
    assert hollow == [(0.0, 0.0, 0.0, 0.0)]
    upper = [ln for ln in ax.lines if ln.get_label() == "process limits"]
    second = [ln for ln in ax.lines if ln.get_linestyle() == "--"
              and ln.get_xdata()[0] == 18][-1].get_ydata()
    assert np.nanmax(second) < np.nanmax(before[18:]) and upper
    np.testing.assert_array_equal(res.series_view().upper, before)
    # trajectory: one value per point, or {date: value} from that date on
    ax = res.plot(trajectory={"2021-01": 8, "2022-01": 6})
    path = [ln for ln in ax.lines if ln.get_label() == "trajectory"][0].get_ydata()
    assert path[0] == 8 and path[12] == 6 and path[-1] == 6
    with pytest.raises(ValueError, match="trajectory"):
        res.plot(trajectory=[1.0, 2.0])
    with pytest.raises(ValueError, match="exclude"):
        res.plot(exclude="2030-01")
    ax = res.plot(per=100, ylabel="incidents per 100")
    assert ax.get_ylabel() == "incidents per 100"
    assert_room(ax.figure)


def test_spc_names_charts_plainly():
    x = np.array([30, 41, 36, 29, 44, 38, 35, 40, 33, 39, 37, 42])
    n = np.array([300, 310, 290, 305, 320, 300, 295, 315, 300, 310, 305, 300])
    assert sc.spc(x, n=n, chart="pp").plot().get_title(loc="left") == \
        "p\u2032 chart (Laney) (rules: mdc)"
    assert sc.spc(x, n=n, chart="up").plot().get_title(loc="left").startswith(
        "u\u2032 chart (Laney)")
    ax = sc.spc(x, n=n, chart="p").plot()
    assert ax.get_title(loc="left").startswith("p chart")
    assert ax.yaxis.get_major_formatter()(0.1, 0).endswith("%")


def test_other_charts_take_the_options():
    y = np.r_[np.full(12, 5.0), np.full(12, 9.0)] + np.tile([0.0, 0.4, -0.3], 8)
    cp = sc.changepoints(y) if hasattr(sc, "changepoints") else None
    if cp is not None:
        ax = cp.plot(title="Burglary", ylabel="crimes", annotate={12: "new patrols"})
        assert ax.get_title() == "Burglary" and ax.get_ylabel() == "crimes"
        assert "new patrols" in {t.get_text() for t in ax.texts}
        assert_room(ax.figure)
    e = sc.poisson_etest([30, 12, 50], [15, 25, 48])
    ax = e.plot(title="Before and after", highlight=1)
    assert ax.get_title() == "Before and after"
    assert any(t.get_fontweight() == "bold" for t in ax.get_yticklabels())
    assert_room(ax.figure)


# ---- the bundled data ---------------------------------------------------------------------

@pytest.mark.parametrize("better", [None, "lower"])
def test_bundled_rate_funnel(better):
    res = lpa_funnel(better)
    ax = res.plot(per=1000, title="Crimes per 1,000 residents by area")
    high = np.array([f.startswith("high") for f in res.flag])
    if high.any():
        want = "neutral" if better is None else "concern"
        assert set(colours_at(ax, res.denominator[high], res.value[high])) == {rgba(want)}
    assert_room(ax.figure)


# ---- real data -----------------------------------------------------------------------------

@needs_shared
def test_real_lsoa_funnel_of_crimes_closed_with_no_suspect():
    files = sorted(WEST_MERCIA.glob("*.csv*"))[:3]
    frame = pd.concat([sc.read_policeuk(f) for f in files])
    frame = frame[frame["last_outcome_category"].notna()]
    none = "Investigation complete; no suspect identified"
    frame["none"] = frame["last_outcome_category"] == none
    g = frame.groupby("lsoa_name")["none"].agg(["sum", "count"])
    g = g[g["count"] >= 5]
    res = sc.funnel(g["sum"].to_numpy(), g["count"].to_numpy(), labels=list(g.index),
                    better="lower", overdispersion="multiplicative")
    ax = res.plot(title="Crimes closed with no suspect identified, West Mercia LSOAs")
    high = np.array([f.startswith("high") for f in res.flag])
    assert set(colours_at(ax, res.denominator[high], res.value[high])) <= {rgba("concern")}
    assert len([t for t in ax.texts]) <= MAX_LABELS
    assert_room(ax.figure)


@needs_shared
def test_real_xmr_of_anti_social_behaviour_is_floored():
    files = sorted(WEST_MERCIA.glob("*.csv*"))
    frame = pd.concat([sc.read_policeuk(f) for f in files])
    asb = frame[(frame["crime_type"] == "Anti-social behaviour")
                & frame["lsoa_name"].fillna("").str.startswith("Malvern Hills 00")]
    monthly = asb.groupby("month").size().astype(float)
    res = sc.spc(monthly.to_numpy())
    ax = res.plot(title="Anti-social behaviour, Malvern Hills 00x")
    drawn = np.concatenate([ln.get_ydata() for ln in ax.lines if ln.get_linestyle() == "--"])
    assert np.nanmin(drawn) >= 0.0
    assert_room(ax.figure)


def test_spc_small_multiples_options():
    import scrutiny as sc

    rng = np.random.default_rng(4)
    y = rng.poisson(30, (3, 24)).astype(float)
    res = sc.spc(y, labels=["North", "South", "West"])
    axs = res.small_multiples(sharey=True, title="Crimes by area", xlabel="month",
                              ylabel="crimes", highlight=["South"])
    fig = axs.flat[0].figure
    assert fig._suptitle.get_text() == "Crimes by area"
    assert fig._supxlabel.get_text() == "month" and fig._supylabel.get_text() == "crimes"
    bold = [ax.title.get_fontweight() for ax in axs.flat[:3]]
    assert bold[1] == "bold" and bold[0] != "bold"
    ylims = {ax.get_ylim() for ax in axs.flat[:3]}
    assert len(ylims) == 1                                  # shared scales
    with pytest.raises(ValueError, match="highlight"):
        res.small_multiples(highlight=["East"])
