"""Charts of harm (:mod:`scrutiny.harm`): harm per group, the harm funnel, the harm trend."""
from __future__ import annotations

import numpy as np

from .. import _narrative as _n
from ._base import PALETTE, create_axes, legend, single_series
from .disparity import funnel_chart


def harm_chart(result, ax=None):
    """Harm (or harm rate) per group with its interval; for a single group, each crime type's
    share of the harm beside its share of the crimes.  Returns the Axes."""
    ax = create_axes(ax)
    if np.ndim(result.harm) == 0:
        t = result.by_type.sort_values("harm_share")
        y = np.arange(len(t))
        ax.barh(y + 0.2, 100 * t["harm_share"], height=0.4, color=PALETTE["highlight"],
                label="harm")
        ax.barh(y - 0.2, 100 * t["count_share"], height=0.4, color=PALETTE["muted"],
                label="crimes")
        ax.set_yticks(y, [str(v) for v in t["crime_type"]])
        ax.set_xlabel("share (%)")
        legend(ax)
        return ax
    rated = result.rate is not None
    value = np.asarray(result.rate if rated else result.harm, dtype=float)
    lo = np.asarray(result.rate_lower if rated else result.lower, dtype=float)
    hi = np.asarray(result.rate_upper if rated else result.upper, dtype=float)
    if lo.ndim == 2:
        lo, hi = lo[:, 0], hi[:, 0]
    order = np.argsort(value)
    y = np.arange(value.size)
    ax.errorbar(value[order], y, xerr=[value[order] - lo[order], hi[order] - value[order]],
                fmt="o", color=PALETTE["highlight"], ecolor="0.45", capsize=2)
    ax.set_yticks(y, [result.labels[i] for i in order])
    level = result.conf[0] if isinstance(result.conf, tuple) else result.conf
    what = f"harm per {result.per:,g}" if rated else "harm"
    ax.set_xlabel(f"{what} ({_n.level(level)} CI, {result.method})")
    return ax


def harm_funnel_chart(result, ax=None, n_points: int = 200, better=None, **options):
    """The funnel of harm rates, with harm per ``per`` (the result's unless the options give
    one) on the vertical axis; returns the Axes."""
    options.setdefault("per", result.per)
    options.setdefault("xlabel", "Population")
    options.setdefault("ylabel", f"Harm {_n.per_text(options['per'])}" if options["per"]
                       else "Harm")
    return funnel_chart(result, ax=ax, n_points=n_points, better=better, **options)


def harm_trend_chart(result, ax=None):
    """Harm (or harm rate) per period and the fitted trend of a single series; returns the
    Axes."""
    single_series(result.rate_ratio, "give by=None, or select one series")
    ax = create_axes(ax)
    y = result.harm.to_numpy(dtype=float)
    e = np.ones_like(y) if result.exposure is None else result.exposure.to_numpy(dtype=float)
    params = result.params.to_numpy()
    seasons = np.concatenate([[0.0], params[2:]])
    codes = np.arange(y.size) % seasons.size
    fitted = np.exp(params[0] + params[1] * result.t + seasons[codes])
    x = np.arange(y.size)
    ax.plot(x, y / e, "o", color=PALETTE["observed"], markersize=4, label="observed")
    ax.plot(x, fitted, color=PALETTE["highlight"], label="fitted")
    ticks = x[:: max(1, y.size // 8)]
    ax.set_xticks(ticks, [str(result.harm.index[i]) for i in ticks], rotation=45, ha="right")
    ax.set_ylabel("harm" if result.exposure is None else "harm per unit of exposure")
    ax.set_title(f"{result.percent_change:+.1f}% per {_n.step_word(result.harm.index)} "
                 f"({_n.p_text(result.pvalue, 1.0 - result.conf)})", fontsize=10)
    legend(ax)
    return ax
