"""What every chart shares: fonts and sizes, the palette and the meaning of colours and shapes,
the analyst's options (checked and normalised once), the Axes to draw on, tick formatters and
legends, floors, and the single-series check."""
from __future__ import annotations

import dataclasses
import math
from collections.abc import Mapping

import numpy as np

from .. import _narrative as _n
from .. import _results as _r
from .. import _validation as _v
from .._narrative import period_text

# ---- fonts and sizes: one set for a printed A4 page (17 cm wide) and a screen --------------
FIGSIZE = (6.7, 4.2)
FONT = {"title": 10, "label": 9, "tick": 8, "legend": 8, "note": 7.5}
MAX_LABELS = 12            # units named on a chart at most; the rest counted ("and 5 more")

# ---- the palette ------------------------------------------------------------------------
# Meaning (NHS Making Data Count, NHSRplotthedots' ptd_spc_colours): a point that signals
# improvement blue, concern orange, a signal without a direction purple, common cause grey.
# Greys and the reference colours for everything that is only there to read against.
PALETTE = {
    "improvement": "#00b0f0",
    "concern": "#e46c0a",
    "neutral": "#490092",
    "common": "#a6a6a6",
    "highlight": "#1f77b4",
    "contrast": "#ff7f0e",
    "alert": "#d62728",
    "target": "#de1b1b",
    "observed": "0.45",
    "within": "0.55",
    "reference": "0.3",
    "muted": "0.7",
    "band": "0.88",
    "missing": "#ededed",
}
# Shapes beside the colours, so that a chart reads in greyscale and for colour-blind readers.
MARKERS = {"improvement": "P", "concern": "X", "neutral": "D", "common": "o"}
# Line styles of successive limit levels (funnels).
LINESTYLES = ("--", ":", "-.", (0, (5, 1, 1, 1)))


def direction(better, name: str = "better"):
    """``better`` checked: ``"higher"``, ``"lower"`` or None."""
    return _v.better(better, name)


def meaning(high, low, better) -> np.ndarray:
    """The meaning of each point from its side (masks ``high``, ``low``: outside the upper or
    lower limit) and the direction ``better``: ``"improvement"``, ``"concern"``, ``"neutral"``
    (outside, no direction) or ``"common"``."""
    high, low = np.asarray(high, dtype=bool), np.asarray(low, dtype=bool)
    out = np.full(high.shape, "common", dtype=object)
    up, down = {"higher": ("improvement", "concern"), "lower": ("concern", "improvement"),
                None: ("neutral", "neutral")}[better]
    out[high] = up
    out[low] = down
    return out


def draw_points(ax, x, y, kinds, words: Mapping[str, str], size: float = 24, hollow=None,
                emphasis=None, zorder: float = 3) -> dict:
    """Scatter the points of each meaning in ``kinds`` (see :func:`meaning`) in its colour and
    shape, labelled ``words[kind]`` in the legend; points in the mask ``hollow`` drawn open
    (excluded), in ``emphasis`` larger with a black edge; missing values (NaN) not drawn.
    Returns {kind: PathCollection}."""
    x, y = np.asarray(x), np.asarray(y, dtype=float)
    kinds = np.asarray(kinds, dtype=object)
    hollow = np.zeros(y.shape, bool) if hollow is None else np.asarray(hollow, bool)
    emphasis = np.zeros(y.shape, bool) if emphasis is None else np.asarray(emphasis, bool)
    drawn = {}
    for kind in ("common", "neutral", "concern", "improvement"):
        mask = (kinds == kind) & np.isfinite(y)
        if not mask.any():
            continue
        colour = PALETTE[kind]
        scale = 1.0 if kind == "common" else 1.5
        sizes = np.where(emphasis[mask], 2.2, 1.0) * size * scale
        edge = np.where(emphasis[mask], "black", colour).astype(object)
        face = np.where(hollow[mask], "none", colour).astype(object)
        drawn[kind] = ax.scatter(x[mask], y[mask], s=sizes, marker=MARKERS[kind],
                                 facecolors=list(face), edgecolors=list(edge),
                                 linewidths=np.where(emphasis[mask], 1.4, 1.0), zorder=zorder,
                                 label=words.get(kind))
    return drawn


# ---- the analyst's options ----------------------------------------------------------------
LABEL_MODES = ("outliers", "all", "none")


@dataclasses.dataclass(frozen=True)
class Options:
    """The options every chart's ``plot()`` accepts, checked and normalised by
    :func:`options`.

    Attributes
    ----------
    title, xlabel, ylabel : str or None
        Replace the chart's own (None: the chart's).
    per : float or None
        Rates shown per this many units of exposure (values and axis).
    label : str or tuple
        ``"outliers"``, ``"all"``, ``"none"`` or the units to name.
    highlight : tuple
        Units drawn emphasised.
    annotate : dict
        {date, position or unit: note}.
    exclude : tuple
        Points (dates or positions) drawn hollow and left out of the limits (SPC).
    trajectory : object
        A target changing over time (SPC): one value per point, or {date or position: value}
        holding from that point on.
    floor, ceiling : float
        What no drawn value goes below / above (defaults from the measure).
    """

    title: str | None = None
    xlabel: str | None = None
    ylabel: str | None = None
    per: float | None = None
    label: object = "outliers"
    highlight: tuple = ()
    annotate: dict = dataclasses.field(default_factory=dict)
    exclude: tuple = ()
    trajectory: object = None
    floor: float = -math.inf
    ceiling: float = math.inf


# The floor and ceiling of each measure: counts and rates are never negative, proportions stay
# within 0-100%.
_BOUNDS = {"count": (0.0, math.inf), "rate": (0.0, math.inf), "proportion": (0.0, 1.0),
           "ratio": (0.0, math.inf), None: (-math.inf, math.inf)}


def _items(value) -> tuple:
    """A scalar (or string) as a 1-tuple, a sequence as a tuple, None as ()."""
    if value is None:
        return ()
    if isinstance(value, (str, bytes, int, float, np.generic)) or not np.iterable(value):
        return (value,)
    return tuple(value)


def _text(value, name: str):
    if value is not None and not isinstance(value, str):
        raise TypeError(f"{name} must be a string or None (got {type(value).__name__})")
    return value


def _limit(value, name: str, none: float) -> float:
    """A floor or ceiling: a number, or ``none`` (-inf for a floor, inf for a ceiling) for no
    limit."""
    if isinstance(value, (int, float, np.floating)) and value == none:
        return none
    return _v.number(value, name)


def options(measure: str | None = None, *, without=(), title=None, xlabel=None, ylabel=None,
            per=None, label="outliers", highlight=None, annotate=None, exclude=None,
            trajectory=None, floor=None, ceiling=None) -> Options:
    """The chart options checked and normalised, one wording for every chart.

    ``measure`` (``"count"``, ``"rate"``, ``"proportion"``, ``"ratio"`` or None) gives the
    default ``floor`` and ``ceiling``: 0 for counts, rates and ratios, 0 and 1 (100%) for
    proportions, none otherwise.  Pass ``floor=-numpy.inf`` to draw without a floor.
    ``without`` names the options the chart has no use for: giving one is refused.
    """
    given = {"label": label != "outliers", "highlight": highlight is not None,
             "annotate": annotate is not None, "exclude": exclude is not None,
             "trajectory": trajectory is not None, "per": per is not None}
    for name in without:
        if given[name]:
            raise TypeError(f"{name} is not an option of this chart")
    if per is not None:
        per = _v.number(per, "per", positive=True)
    if isinstance(label, str):
        label = _v.choice(label, "label", LABEL_MODES)
    else:
        label = _items(label)
    if annotate is None:
        annotate = {}
    elif not isinstance(annotate, Mapping):
        raise TypeError("annotate must be a dict {date, position or unit: text}")
    lo, hi = _BOUNDS[measure]
    floor = lo if floor is None else _limit(floor, "floor", -math.inf)
    ceiling = hi if ceiling is None else _limit(ceiling, "ceiling", math.inf)
    if not floor < ceiling:
        raise ValueError(f"floor must be below ceiling (got {floor:g} and {ceiling:g})")
    return Options(title=_text(title, "title"), xlabel=_text(xlabel, "xlabel"),
                   ylabel=_text(ylabel, "ylabel"), per=per, label=label,
                   highlight=_items(highlight),
                   annotate={k: str(v) for k, v in annotate.items()},
                   exclude=_items(exclude), trajectory=trajectory, floor=floor,
                   ceiling=ceiling)


def unit_names(result, n: int) -> list:
    """The names of a result's ``n`` units as strings: its label field
    (:func:`scrutiny._results.unit_labels`), else its ``labels``, else positions 0..n-1."""
    names = _r.unit_labels(result)
    if names is None:
        names = getattr(result, "labels", None)
    if names is None:
        return [str(i) for i in range(n)]
    return _n.names(names, n, "", False)      # several by values: 'West Mercia / Redditch'



def unit_positions(names: list, wanted, name: str) -> np.ndarray:
    """The positions of the units ``wanted`` (names, or positions when the units are unnamed
    or a whole number names none) among ``names``; an unknown unit is refused naming
    ``name``."""
    index = {v: i for i, v in enumerate(names)}
    out = []
    for w in _items(wanted):
        if str(w) in index:
            out.append(index[str(w)])
        elif isinstance(w, (int, np.integer)) and not isinstance(w, bool) \
                and 0 <= w < len(names):
            out.append(int(w))
        else:
            raise ValueError(f"{name}: no unit {w!r} on this chart")
    return np.asarray(out, dtype=np.intp)


def time_position(time, when, length: int, name: str) -> int:
    """The position of ``when`` (a position, or a date, period or string such as "2024-04"
    when there is a time index ``time``) among ``length`` points."""
    import pandas as pd

    if isinstance(when, (int, np.integer)) and not isinstance(when, bool):
        pos = int(when)
    elif time is None:
        raise ValueError(f"{name}: {when!r} is not a position (the chart has no dates)")
    else:
        try:
            if isinstance(time, pd.PeriodIndex):
                pos = int(time.get_loc(pd.Period(when, freq=time.freq)))
            else:
                pos = int(pd.Index(time).get_indexer([pd.Timestamp(when)], method="nearest")[0])
        except (KeyError, ValueError, TypeError) as exc:
            raise ValueError(f"{name}: {when!r} is not a date of this chart") from exc
    if not 0 <= pos < length:
        raise ValueError(f"{name}: position {pos} is outside the chart (0 to {length - 1})")
    return pos


def chosen(mode, flagged, extremeness):
    """Which units to name, most extreme first, at most :data:`MAX_LABELS` of them: the
    ``flagged`` ones (``mode`` ``"outliers"``), all, none, or the positions ``mode``.  Returns
    (positions, number left out)."""
    flagged = np.asarray(flagged, dtype=bool)
    if isinstance(mode, str):
        pool = {"outliers": np.flatnonzero(flagged), "all": np.arange(flagged.size),
                "none": np.array([], dtype=np.intp)}[mode]
    else:
        pool = np.asarray(mode, dtype=np.intp)
    score = np.nan_to_num(np.abs(np.asarray(extremeness, dtype=float)[pool]), nan=0.0)
    order = pool[np.argsort(-score, kind="stable")]
    return order[:MAX_LABELS], max(0, order.size - MAX_LABELS)


def bounds(values, opts: Options) -> np.ndarray:
    """``values`` kept within the options' floor and ceiling."""
    return np.clip(np.asarray(values, dtype=float), opts.floor, opts.ceiling)


# ---- Axes, ticks and legends -------------------------------------------------------------

def create_axes(ax=None, figsize=FIGSIZE):
    """The given Axes, or a new figure's with a constrained layout (matplotlib is imported
    only then)."""
    if ax is not None:
        return ax
    import matplotlib.pyplot as plt

    _, ax = plt.subplots(figsize=figsize, layout="constrained")
    return ax


def tighten(fig) -> None:
    """Fit a figure that has no layout engine (or only the mark of an earlier tight_layout)
    so labels, tables and legends outside the plot stay on it; a layout engine the caller
    chose is left alone."""
    from matplotlib.layout_engine import PlaceHolderLayoutEngine

    engine = fig.get_layout_engine()
    if engine is None or isinstance(engine, PlaceHolderLayoutEngine):
        fig.tight_layout()


def legend(ax, where: str = "right", **options):
    """The house legend: small, no frame, outside the data area (``where`` ``"right"`` or
    ``"below"``, in as many columns as the figure's width holds; ``"inside"`` lets matplotlib
    choose a corner, as it does on a grid of Axes without a layout engine).  None when nothing
    is named.  A chart that gives ``loc`` or ``handles`` places the legend itself."""
    style = {"fontsize": FONT["legend"], "frameon": False, **options}
    if "loc" in options or "handles" in options:   # placed, or made, by the chart itself
        return ax.legend(**style)
    handles, names = ax.get_legend_handles_labels()
    if not handles:
        return None
    fig = ax.figure
    if fig.get_layout_engine() is None and sum(a.get_visible() for a in fig.axes) > 1:
        where = "inside"            # a grid the caller laid out: keep clear of its neighbours
    if where == "inside":
        return ax.legend(**style)
    if where == "right":
        return ax.legend(loc="upper left", bbox_to_anchor=(1.01, 1.0), **style)
    r = fig.canvas.get_renderer() if hasattr(fig.canvas, "get_renderer") else fig._get_renderer()
    for ncols in range(len(handles), 0, -1):      # the fewest rows the figure's width holds
        leg = ax.legend(loc="upper center", bbox_to_anchor=(0.5, -0.14), ncols=ncols, **style)
        if leg.get_window_extent(r).width <= 0.96 * fig.bbox.width:
            break
    return leg


def labels(ax, opts: Options, xlabel: str | None, ylabel: str | None) -> None:
    """Axis labels: the options' when given, else the chart's (with "per 1,000" when the
    values are shown per a multiplier)."""
    if opts.per is not None and ylabel is not None and opts.ylabel is None:
        ylabel = f"{ylabel} {_n.per_text(opts.per)}"
    if opts.xlabel is not None or xlabel is not None:
        ax.set_xlabel(opts.xlabel if opts.xlabel is not None else xlabel,
                      fontsize=FONT["label"])
    if opts.ylabel is not None or ylabel is not None:
        ax.set_ylabel(opts.ylabel if opts.ylabel is not None else ylabel,
                      fontsize=FONT["label"])
    ax.tick_params(labelsize=FONT["tick"])


def compact_number(v: float) -> str:
    """A tick value in plain digits with thousands separators: 30,000, 2.5, 0.001."""
    if v == 0:
        return "0"
    if abs(v) >= 1:
        return f"{v:,.0f}" if float(v).is_integer() or abs(v) >= 100 else f"{v:,.3g}"
    return f"{v:.3g}"


def log_axis(axis) -> None:
    """A log ``axis`` whose ticks read as plain numbers (1, 2, 5 x 10^k over a narrow range,
    powers of ten over a wide one), never overprinted."""
    from matplotlib.ticker import FuncFormatter, LogLocator, NullFormatter

    lo, hi = sorted(v for v in axis.get_view_interval())
    decades = math.log10(hi / lo) if lo > 0 and hi > lo else 1.0
    subs = (1.0, 2.0, 5.0) if decades < 2.5 else (1.0,)
    axis.set_major_locator(LogLocator(base=10, subs=subs))
    axis.set_major_formatter(FuncFormatter(lambda v, _pos: compact_number(v)))
    axis.set_minor_formatter(NullFormatter())


def per_axis(axis, per: float | None) -> None:
    """Values (per unit) shown multiplied by ``per`` on ``axis``; nothing when None."""
    if per is None:
        return
    from matplotlib.ticker import FuncFormatter

    axis.set_major_formatter(FuncFormatter(lambda v, _pos: compact_number(v * per)))


def percent_axis(axis, decimals=None) -> None:
    """Show shares (0 to 1) on ``axis`` (``ax.xaxis`` or ``ax.yaxis``) as percentages."""
    from matplotlib.ticker import PercentFormatter

    axis.set_major_formatter(PercentFormatter(1.0, decimals=decimals))


def thin_ticks(ax, x, labels, rotation) -> None:
    """At most about 24 tick labels, evenly spaced; a figure without a layout engine is tightened
    (a layout the caller chose is left alone)."""
    step = max(1, len(labels) // 24)
    ax.set_xticks(x[::step])
    ax.set_xticklabels(labels[::step], rotation=rotation, fontsize=FONT["tick"],
                       ha="right" if 0 < rotation < 90 else "center")
    if ax.figure.get_layout_engine() is None:
        ax.figure.tight_layout()


def period_label(p) -> str:
    """A period or date in short: 'Sep 2024', '2024 Q3', '3 Sep 2024' (a date not on the first
    of a month)."""
    import pandas as pd

    if isinstance(p, pd.Timestamp):
        return p.strftime("%b %Y" if p.day == 1 and not p.hour else "%-d %b %Y")
    return period_text(p, short=True)


_STEPS = (1, 2, 3, 4, 6, 12, 24, 36, 60, 120)


def period_ticks(ax, time, length: int, n_ticks: int, fontsize: float = FONT["tick"]) -> None:
    """At most ``n_ticks`` ticks over positions 0..length-1 at a round step of periods (1, 2,
    3, 4, 6, 12 ... months), on the first period of a year or quarter when there is one,
    labelled with the short names of the periods in ``time``."""
    step = next((s for s in _STEPS if math.ceil(length / s) <= n_ticks), _STEPS[-1])
    first = 0
    months = [getattr(p, "month", None) for p in list(time)[:step]]
    if step in (3, 6, 12, 24, 36, 60, 120) and all(m is not None for m in months):
        starts = [i for i, m in enumerate(months) if (m - 1) % min(step, 12) == 0]
        first = starts[0] if starts else 0
    ticks = list(range(first, length, step))
    ax.set_xticks(ticks, [period_label(time[i]) for i in ticks], fontsize=fontsize)


def single_series(value, hint: str) -> None:
    """Refuse to draw a result of several series (``value`` one of its per-series fields)."""
    if np.ndim(value) != 0:
        raise ValueError(f"plot() draws a single series; {hint}")


def forest(ax, estimate, lower, upper, names, opts: Options, reference=None, better=None,
           order=None) -> np.ndarray:
    """Horizontal intervals, one row per unit (in ``order``, default as given, the first at the
    top), named ``names``; with a ``reference`` value (a line), units whose interval lies wholly
    on one side are coloured by what that means (``better``; purple without); units in the
    options' ``highlight`` drawn emphasised with their names in bold, ``annotate`` notes
    beside them; intervals kept within the floor and ceiling."""
    estimate = np.asarray(estimate, dtype=float)
    lo = bounds(np.where(np.isfinite(lower), lower, np.nan), opts)
    hi = bounds(np.where(np.isfinite(upper), upper, np.nan), opts)
    order = np.arange(estimate.size) if order is None else np.asarray(order)
    y = np.empty(estimate.size)
    y[order] = np.arange(estimate.size)[::-1]
    if reference is not None:
        ax.axvline(reference, color=PALETTE["reference"], linewidth=1.0, zorder=1)
        kinds = meaning(lo > reference, hi < reference, better)
    else:
        kinds = np.full(estimate.size, "common", dtype=object)
    ax.hlines(y, lo, hi, color=PALETTE["observed"], linewidth=1.2, zorder=2)
    emphasis = np.zeros(estimate.size, bool)
    emphasis[unit_positions(names, opts.highlight, "highlight")] = True
    words = {"improvement": "better", "concern": "worse", "neutral": "differs",
             "common": None if reference is None else "no clear difference"}
    if reference is None:
        colour = PALETTE["highlight"]
        ax.scatter(estimate, y, s=np.where(emphasis, 50, 24), color=colour,
                   edgecolors=np.where(emphasis, "black", colour).tolist(), zorder=3)
    else:
        draw_points(ax, estimate, y, kinds, words, emphasis=emphasis)
    ax.set_yticks(y, [str(n) for n in names])
    for i, t in enumerate(ax.get_yticklabels()):
        if emphasis[i]:
            t.set_fontweight("bold")
    ax.tick_params(labelsize=FONT["tick"])
    return y
