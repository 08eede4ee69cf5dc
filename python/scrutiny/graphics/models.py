"""Charts of count models (:mod:`scrutiny.models`): the count trend and the interrupted time
series."""
from __future__ import annotations

import numpy as np

from .. import _narrative as _n
from ._base import PALETTE, create_axes, legend, single_series


def count_trend_chart(result, data, ax=None, **options):
    """Observed rates (counts per unit of exposure) and the trend of a single-series
    :class:`~scrutiny.models.CountTrendResult` fitted to ``data`` (counts, exposure, t,
    season codes or None), in data units: with season effects, the fit with them thin and the
    trend at the average season bold; the band spans the interval of the rate ratio around
    the middle of the data; dates on the axis when the result has them; ``options`` are the
    chart options.  Returns the Axes."""
    from .._results import time_index
    from .trend import slope_band, trend_chart

    single_series(result.rate_ratio, "fit one row to plot it")
    y, exposure, t, codes = data
    rate = y / exposure
    params = result.params
    trend_eta = params["intercept"] + params["t"] * t
    extra = None
    if codes is not None:
        season_effects = np.concatenate([[0.0], params.to_numpy()[2:]])
        trend_eta = trend_eta + season_effects.mean()
        extra = (np.exp(trend_eta - season_effects.mean() + season_effects[codes]),
                 "fitted, with season effects")
    trend = np.exp(trend_eta)
    middle = float(np.mean(t))
    at_middle = float(np.exp(np.interp(middle, t, trend_eta)))
    band = slope_band(t, middle, at_middle, result.lower, result.upper, log=True)
    rated = bool(np.any(exposure != 1))
    options.setdefault("title", f"rate ratio {result.rate_ratio:.3f} per unit t "
                                f"({_n.p_text(result.pvalue, 1.0 - result.conf)})")
    options.setdefault("ylabel", "rate" if rated else "count")
    ax = trend_chart(rate, trend, time=time_index(result), x=t, band=band, ax=ax,
                     measure="rate" if rated else "count", extra=extra,
                     words=("observed", "trend", f"{_n.level(result.conf)} interval of the "
                            "rate ratio"), **options)
    return ax


def its_chart(result, y, ax=None):
    """Observed values ``y``, the fitted segments and the counterfactual of a single-series
    :class:`~scrutiny.models.ITSResult`.  Returns the Axes."""
    single_series(result.level_change, "fit one row to plot it")
    ax = create_axes(ax)
    time = np.arange(1, y.size + 1)
    k = int(result.intervention)
    ax.plot(time, y, "o", color=PALETTE["observed"], markersize=4, label="observed")
    ax.plot(time[:k], result.fitted[:k], color=PALETTE["highlight"], label="fitted")
    ax.plot(time[k:], result.fitted[k:], color=PALETTE["highlight"])
    ax.plot(time[k:], result.counterfactual[k:], "--", color=PALETTE["contrast"],
            label="counterfactual")
    ax.axvline(k + 0.5, color=PALETTE["reference"], linewidth=0.8)
    ax.set_xlabel("time")
    ax.set_title(f"relative effect {100 * result.relative_effect:.1f}% "
                 f"({100 * result.relative_lower:.1f}% to {100 * result.relative_upper:.1f}%)",
                 fontsize=10)
    legend(ax)
    return ax
