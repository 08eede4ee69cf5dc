"""Charts of count models (:mod:`scrutiny.models`): the count trend and the interrupted time
series, on dates when the result has them."""
from __future__ import annotations

import numpy as np

from .. import _narrative as _n
from .._results import time_index
from ._base import PALETTE, create_axes, legend, single_series, tighten


def _time_axis(result, positions):
    """The x values of the observations: their dates (timestamps) when ``result`` has them,
    else ``positions``; and the time step in words ('month'...) or None."""
    times = time_index(result)
    if times is None or len(times) != len(positions):
        return np.asarray(positions, dtype=float), None
    stamps = times.to_timestamp() if hasattr(times, "to_timestamp") else times
    return np.asarray(stamps.to_pydatetime()), _n.step_word(times)


def _date_ticks(ax) -> None:
    """Concise date labels ('2023', 'Apr', 'Jul' ...) on the x axis."""
    import matplotlib.dates as mdates

    locator = mdates.AutoDateLocator(maxticks=10)
    ax.xaxis.set_major_locator(locator)
    ax.xaxis.set_major_formatter(mdates.ConciseDateFormatter(locator))


def _outside_legend(ax) -> None:
    """The house legend below the plot, clear of the data."""
    legend(ax, loc="upper left", bbox_to_anchor=(1.01, 1.0), borderaxespad=0.0)
    tighten(ax.figure)


def count_trend_chart(result, data, ax=None, *, per: float | None = None,
                      title: str | None = None, xlabel: str | None = None,
                      ylabel: str | None = None):
    """Observed counts (or rates: counts / exposure, times ``per``) of a single-series
    :class:`~scrutiny.models.CountTrendResult` fitted to ``data`` (counts, exposure, t, season
    codes or None), the fitted trend in the same units at the average season (the mean of the
    season effects over the observations, not the reference season), the band of trends that
    the rate ratio's interval allows through the centre of the data, and, with seasons, the
    fitted values with season effects (thin).  Returns the Axes."""
    single_series(result.rate_ratio, "fit one row to plot it")
    y, exposure, t, codes = data
    ax = create_axes(ax)
    rated = bool(np.any(exposure != 1))
    scale = 1.0 if per is None else float(per)
    value = scale * y / exposure
    b0, b1 = result.params["intercept"], result.params["t"]
    season = np.zeros(t.size)
    if codes is not None:
        season = np.concatenate([[0.0], result.params.to_numpy()[2:]])[codes]
    observed = np.isfinite(y)
    average = float(np.mean(season[observed])) if observed.any() else 0.0
    x, step = _time_axis(result, t)
    centre = float(np.mean(t[observed])) if observed.any() else float(np.mean(t))
    level = b0 + b1 * centre + average
    with np.errstate(divide="ignore"):
        slopes = np.log([result.lower, result.upper])
    offsets = np.outer(t - centre, slopes)
    low = scale * np.exp(level + offsets.min(axis=1))
    high = scale * np.exp(level + offsets.max(axis=1))
    ax.fill_between(x, low, high, color=PALETTE["highlight"], alpha=0.15, linewidth=0,
                    label=f"trends within the {_n.level(result.conf)} CI")
    ax.plot(x, value, "o", color=PALETTE["observed"], markersize=4, label="observed")
    if codes is not None:
        ax.plot(x, scale * np.exp(b0 + b1 * t + season), color=PALETTE["muted"], linewidth=1,
                label="fitted with season effects")
    ax.plot(x, scale * np.exp(b0 + b1 * t + average), color=PALETTE["highlight"], linewidth=2,
            label="trend" + (" (average season)" if codes is not None else ""))
    if step is not None:
        _date_ticks(ax)
    what = ("rate" if rated else "count") if per is None else f"rate per {per:,g}"
    ax.set_ylabel(what.capitalize() if ylabel is None else ylabel)
    ax.set_xlabel(("t" if step is None else "") if xlabel is None else xlabel)
    unit = "unit t" if step is None else step
    ax.set_title(f"rate ratio {result.rate_ratio:.3f} per {unit} "
                 f"({_n.p_text(result.pvalue, 1.0 - result.conf)})" if title is None else title,
                 fontsize=10)
    _outside_legend(ax)
    return ax


def its_chart(result, y, ax=None, *, title: str | None = None, xlabel: str | None = None,
              ylabel: str | None = None):
    """Observed values ``y``, the fitted segments and the counterfactual (dashed: the earlier
    level and trend continued) of a single-series :class:`~scrutiny.models.ITSResult`, with the
    intervention marked; on dates when the result has them.  Returns the Axes."""
    single_series(result.level_change, "fit one row to plot it")
    ax = create_axes(ax)
    k = int(result.intervention)
    x, step = _time_axis(result, np.arange(1, y.size + 1))
    ax.plot(x, y, "o", color=PALETTE["observed"], markersize=4, label="observed")
    ax.plot(x[:k], result.fitted[:k], color=PALETTE["highlight"], linewidth=2, label="fitted")
    ax.plot(x[k:], result.fitted[k:], color=PALETTE["highlight"], linewidth=2)
    ax.plot(x[k - 1:], result.counterfactual[k - 1:], linestyle=(0, (4, 2)),
            color=PALETTE["contrast"], linewidth=1.6, label="counterfactual (no intervention)")
    if step is None:
        at, when = k + 0.5, f"between points {k} and {k + 1}"
    else:
        at = x[k - 1] + (x[k] - x[k - 1]) / 2
        when = f"from {_n.period_text(time_index(result)[k], short=True)}"
    ax.axvline(at, color=PALETTE["reference"], linewidth=1.0, linestyle=":",
               label=f"intervention ({when})")
    if step is not None:
        _date_ticks(ax)
    ax.set_xlabel(("time" if step is None else "") if xlabel is None else xlabel)
    if ylabel is not None:
        ax.set_ylabel(ylabel)
    ax.set_title(f"relative effect {100 * result.relative_effect:.1f}% "
                 f"({100 * result.relative_lower:.1f}% to {100 * result.relative_upper:.1f}%)"
                 if title is None else title, fontsize=10)
    _outside_legend(ax)
    return ax
