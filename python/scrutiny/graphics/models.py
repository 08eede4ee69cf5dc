"""Charts of count models (:mod:`scrutiny.models`): the count trend and the interrupted time
series."""
from __future__ import annotations

import numpy as np

from .. import _narrative as _n
from ._base import PALETTE, create_axes, legend, single_series


def count_trend_chart(result, data, ax=None):
    """Observed rates and the fitted trend (with season effects, the trend alone dashed) of a
    single-series :class:`~scrutiny.models.CountTrendResult` fitted to ``data`` (counts,
    exposure, t, season codes or None).  Returns the Axes."""
    single_series(result.rate_ratio, "fit one row to plot it")
    y, exposure, t, codes = data
    ax = create_axes(ax)
    rate = y / exposure
    eta = result.params["intercept"] + result.params["t"] * t
    if codes is not None:
        season_effects = np.concatenate([[0.0], result.params.to_numpy()[2:]])
        eta = eta + season_effects[codes]
    ax.plot(t, rate, "o", color=PALETTE["observed"], markersize=4, label="observed")
    ax.plot(t, np.exp(eta), color=PALETTE["highlight"], label="fitted")
    if codes is not None:
        ax.plot(t, np.exp(result.params["intercept"] + result.params["t"] * t), "--",
                color=PALETTE["highlight"], linewidth=1, label="trend")
    ax.set_xlabel("t")
    ax.set_ylabel("rate" if np.any(exposure != 1) else "count")
    ax.set_title(f"rate ratio {result.rate_ratio:.3f} per unit t "
                 f"({_n.p_text(result.pvalue, 1.0 - result.conf)})", fontsize=10)
    legend(ax)
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
