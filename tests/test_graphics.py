"""Tests of scrutiny.graphics: the public per-series view of SPC results that the charts draw
from (the layering of the charts is tested in test_layout.py)."""
from __future__ import annotations

import matplotlib.pyplot as plt
import numpy as np
import pytest

import scrutiny as sc
from scrutiny.spc import SPCSeries

def test_series_view_holds_one_series():
    y = np.array([[12, 15, 11, 14, 13, 12, 16, 14, 13, 15, 12, 30],
                  [20, 21, 19, 22, 20, 18, 21, 20, 19, 22, 21, 20]], dtype=float)
    res = sc.spc(y, labels=["North", "South"], improvement="decrease", target=[25, 10])
    view = res.series_view("North")
    assert isinstance(view, SPCSeries) and view.index == 0 and view.label == "North"
    assert view.variation == res.variation[0] == "special cause concerning"
    assert view.signals[-1] == "outside upper" and view.codes[-1] == 1
    np.testing.assert_array_equal(view.upper, res.upper[0])
    np.testing.assert_array_equal(view.kinds, res.kinds()[0])
    assert res.series_view(1).target == 10 and res.series_view(1).rebase == [0]
    frame = view.to_frame()
    assert list(frame["position"]) == list(range(12)) and frame["signal"].iloc[-1] == "outside upper"
    assert repr(view).startswith("SPCSeries(index=0, label='North', chart='xmr'")
    with pytest.raises(ValueError, match="name the series"):
        res.series_view()
    one = sc.spc(y[0]).series_view()
    assert one.label is None and one.value.shape == (12,)


def test_charts_draw_from_the_view():
    res = sc.spc(np.arange(24.0) % 7, labels=None)
    ax = res.plot()
    assert ax.get_title(loc="left") == "XmR chart (rules: mdc)"
    plt.close("all")


def test_one_rule_of_meaning_for_every_chart():
    from scrutiny.graphics._base import meaning

    high, low = [True, False, False], [False, True, False]
    assert list(meaning(high, low, "higher")) == ["improvement", "concern", "common"]
    assert list(meaning(high, low, "lower")) == ["concern", "improvement", "common"]
    assert list(meaning(high, low, None)) == ["neutral", "neutral", "common"]


def test_chart_options_are_normalised_once():
    import math

    from scrutiny.graphics._base import options

    o = options("proportion", highlight="North", annotate={"2024-04": "new team"}, per=1000)
    assert (o.floor, o.ceiling, o.per, o.highlight, o.label) == (0.0, 1.0, 1000.0, ("North",),
                                                                 "outliers")
    assert options("rate").ceiling == math.inf and options(None).floor == -math.inf
    assert options("count", floor=-math.inf).floor == -math.inf
    assert options(label=["A", "B"]).label == ("A", "B")
    assert options(exclude="2024-01").exclude == ("2024-01",)
