"""Drawing and wording of SPC results (:class:`scrutiny.spc.SPCResult`).

Charts follow the Making Data Count style, with NHSRplotthedots 0.2's colours
(``ptd_spc_colours``): special cause improving blue, concerning orange, neutral purple, common
cause grey; a solid centre line, grey process limits, a red target.  Matplotlib is imported only
when something is drawn.
"""
from __future__ import annotations

import math

import numpy as np

from ._narrative import number as _number, percent as _percent, period_text as _period_text
from ._narrative import rate as _rate
from ._narrative import agree as _agree, capital as _capital, plural as _plural

COLOURS = {
    "common cause": "#a6a6a6",
    "improving": "#00b0f0",
    "concerning": "#e46c0a",
    "neutral": "#490092",
    "line": "#a6a6a6",
    "centre": "#000000",
    "limits": "#7f7f7f",
    "target": "#de1b1b",
    "missing": "#ededed",
}
_KIND_LABELS = {"common cause": "common cause", "improving": "special cause improving",
                "concerning": "special cause concerning", "neutral": "special cause"}
_VARIATION_KIND = {"common cause": "common cause", "special cause improving": "improving",
                   "special cause concerning": "concerning", "special cause": "neutral"}


# ---- charts -------------------------------------------------------------------------------

def _segments(result, r: int):
    starts = result.rebase if result._single() else result.rebase[r]
    length = result._codes.shape[1]
    bounds = list(starts) + [length]
    return list(zip(bounds[:-1], bounds[1:]))


def _tick_labels(result, ax, length: int, compact: bool) -> None:
    if result.time is None:
        return
    step = max(1, math.ceil(length / (4 if compact else 8)))
    ticks = list(range(0, length, step))
    names = [_period_text(result.time[i], short=True) for i in ticks]
    ax.set_xticks(ticks, names, fontsize=7 if compact else 8)


def _draw(ax, result, r: int, two_sigma: bool, compact: bool) -> None:
    value = result._rows("value")[r]
    length = value.size
    x = np.arange(length)
    kinds = result.kinds().reshape(result._codes.shape)[r]
    for i in np.flatnonzero(~np.isfinite(value)):
        ax.axvspan(i - 0.5, i + 0.5, color=COLOURS["missing"], zorder=0,
                   label="missing" if i == np.flatnonzero(~np.isfinite(value))[0] else None)
    ax.plot(x, value, color=COLOURS["line"], linewidth=1.0, zorder=2)
    for kind in ("common cause", "improving", "concerning", "neutral"):
        mask = kinds == kind
        if mask.any():
            ax.scatter(x[mask], value[mask], s=10 if compact else 22, color=COLOURS[kind],
                       zorder=3, label=_KIND_LABELS[kind])
    lines = [("centre", "-", COLOURS["centre"], "centre"),
             ("lower", "--", COLOURS["limits"], "process limits"),
             ("upper", "--", COLOURS["limits"], None)]
    if two_sigma:
        lines += [("lower_2sigma", ":", COLOURS["limits"], "2-sigma"),
                  ("upper_2sigma", ":", COLOURS["limits"], None)]
    for k, (a, b) in enumerate(_segments(result, r)):
        for field, style, colour, label in lines:
            line = result._rows(field)[r][a:b]
            if np.isfinite(line).any():
                ax.plot(x[a:b], line, linestyle=style, color=colour, linewidth=1.0,
                        drawstyle="steps-mid", zorder=1, label=label if k == 0 else None)
    target = result.target if result._single() else result.target[r]
    if target is not None and np.isfinite(target):
        ax.axhline(target, color=COLOURS["target"], linestyle="--", linewidth=1.0, label="target")
    if result.chart in ("p", "pp"):
        from matplotlib.ticker import PercentFormatter

        ax.yaxis.set_major_formatter(PercentFormatter(1.0))
    _tick_labels(result, ax, length, compact)
    ax.set_xlim(-0.5, length - 0.5)


def _badge(result, r: int) -> tuple[str, str]:
    variation = result.variation if result._single() else result.variation[r]
    assurance = result.assurance if result._single() else result.assurance[r]
    text = variation or "no data"
    if assurance is not None:
        text += f"; assurance: {assurance}"
    return text, COLOURS[_VARIATION_KIND.get(variation, "common cause")]


def spc_chart(result, r: int, ax=None, two_sigma: bool = False, title: str | None = None):
    """Draw series ``r`` of an SPC result on ``ax`` (a new figure's when None); returns it."""
    from .plot import axes
    from .spc import _CHART_NAMES

    ax = axes(ax)
    _draw(ax, result, r, two_sigma, compact=False)
    text, colour = _badge(result, r)
    ax.text(1.0, 1.02, text, transform=ax.transAxes, ha="right", va="bottom", fontsize=8,
            bbox={"boxstyle": "round", "facecolor": colour, "alpha": 0.2, "edgecolor": colour})
    if title is None:
        name = "" if result.labels is None else f"{result.labels[r]}: "
        title = f"{name}{_CHART_NAMES[result.chart]} chart (rules: {result.rules.name})"
    ax.set_title(title, fontsize=10, loc="left")
    ax.set_xlabel("period" if result.time is not None else "position")
    ax.legend(fontsize=7, frameon=False, loc="upper center", bbox_to_anchor=(0.5, -0.14),
              ncols=4)
    return ax


def small_multiples(result, rows, ncols: int = 4, sharey: bool = False, height: float = 2.2):
    """One compact chart per series in ``rows``; returns the 2-D array of Axes."""
    import matplotlib.pyplot as plt

    k = len(rows)
    ncols = max(1, min(ncols, k))
    nrows = math.ceil(k / ncols)
    fig, axs = plt.subplots(nrows, ncols, figsize=(3.3 * ncols, height * nrows), sharey=sharey,
                            squeeze=False, layout="constrained")
    for ax, r in zip(axs.flat, rows):
        _draw(ax, result, r, two_sigma=False, compact=True)
        text, colour = _badge(result, r)
        name = str(result.labels[r]) if result.labels is not None else f"series {r}"
        ax.set_title(f"{name}\n{text}", fontsize=8,
                     color="0.3" if colour == COLOURS["common cause"] else colour)
        ax.tick_params(labelsize=7)
    for ax in list(axs.flat)[k:]:
        ax.set_visible(False)
    handles, names = {}, []
    for ax in axs.flat[:k]:
        for h, lab in zip(*ax.get_legend_handles_labels()):
            if lab not in handles:
                handles[lab] = h
                names.append(lab)
    fig.legend([handles[n] for n in names], names, loc="outside lower center",
               ncols=min(6, len(names)), fontsize=8, frameon=False)
    return axs


# ---- words --------------------------------------------------------------------------------

def _fmt(chart: str, v: float, per: float | None) -> str:
    if not np.isfinite(v):
        return "n/a"
    if chart in ("p", "pp"):
        return _percent(v)
    if chart in ("u", "up") and per is not None:
        return _rate(v * per, per)
    return _number(v)


def _reason(code: int, rules, centre_word: str, lo: str, hi: str) -> str:
    return {
        1: f"it is above the upper process limit ({hi})",
        2: f"it is below the lower process limit ({lo})",
        3: f"it is part of a run of {rules.trend} or more points, each higher than the one before",
        4: f"it is part of a run of {rules.trend} or more points, each lower than the one before",
        5: "it is one of two out of three points in a row beyond two thirds of the way to the "
           "upper limit",
        6: "it is one of two out of three points in a row beyond two thirds of the way to the "
           "lower limit",
        7: f"it is one of four out of five points in a row more than one sigma above the "
           f"{centre_word}",
        8: f"it is one of four out of five points in a row more than one sigma below the "
           f"{centre_word}",
        9: f"it is part of a run of {rules.shift} or more points above the {centre_word}",
        10: f"it is part of a run of {rules.shift} or more points below the {centre_word}",
    }[code]


def narrative(result, r: int, measure: str, per: float | None) -> str:
    """One paragraph about series ``r``."""
    from .spc import SIGNALS

    single = result._single()
    value = result._rows("value")[r]
    codes = result._codes[r]
    observed = np.isfinite(value)
    name = "" if result.labels is None else f"{result.labels[r]}: "
    subject = f"{name}{measure}"
    subject = subject[0].upper() + subject[1:]
    if not observed.any():
        return f"{subject} has no observed values."

    def field(f):
        v = getattr(result, f)
        return v if single else v[r]

    def when(i):
        return _period_text(result.time[i]) if result.time is not None else f"point {i + 1}"

    last = int(np.flatnonzero(observed)[-1])
    chart = result.chart
    centre_word = "median" if chart == "run" else "mean"
    c = result._rows("centre")[r][last]
    lo = _fmt(chart, result._rows("lower")[r][last], per)
    hi = _fmt(chart, result._rows("upper")[r][last], per)
    parts = [f"{subject} was {_fmt(chart, value[last], per)} in {when(last)}"
             if result.time is not None else
             f"{subject} was {_fmt(chart, value[last], per)} at the latest point ({when(last)})"]
    rules_text = f"the {result.rules.name!r} rules"
    code = int(codes[last])
    variation = field("variation")
    if code == 0:
        where = ("on a run chart, which has no process limits" if chart == "run" else
                 f"within the process limits ({lo} to {hi})")
        parts[0] += (f". This is common-cause variation: the latest point is {where}, around a "
                     f"{centre_word} of {_fmt(chart, c, per)}, and none of {rules_text} flags it, "
                     "so the change from one point to the next is in line with the usual "
                     "variation of this process.")
    else:
        tone = {"special cause improving": " that suggests improvement",
                "special cause concerning": " that is a concern"}.get(variation, "")
        parts[0] += (f". The latest point shows special-cause variation{tone}: "
                     f"{_reason(code, result.rules, centre_word, lo, hi)} ({rules_text}). Such a "
                     "pattern is unlikely to be chance alone, but the chart does not say what "
                     "caused it.")
    flagged = np.flatnonzero(codes != 0)
    if flagged.size:
        counts = {}
        for k in codes[flagged]:
            counts[SIGNALS[k]] = counts.get(SIGNALS[k], 0) + 1
        listed = ", ".join(f"{v} {k}" for k, v in counts.items())
        verb = _agree(flagged.size, "is", "are")
        parts.append(f"Across the series, {flagged.size} of {int(observed.sum())} points {verb} "
                     f"flagged ({listed}); the first is {when(int(flagged[0]))}.")
    else:
        parts.append(f"No point in the series is flagged by {rules_text}.")
    parts.append(_assurance_text(result, r, field, chart, per, lo, hi))
    if result.rules.name == "anhoej" or field("runs_signal"):
        parts.append(_runs_text(field))
    missing = field("missing")
    if len(missing):
        shown = ", ".join(str(_period_text(m)) if result.time is not None else f"point {m + 1}"
                          for m in missing[:6])
        more = f" and {len(missing) - 6} more" if len(missing) > 6 else ""
        unit = "period" if result.time is not None else "point"
        count = f"{_capital(_plural(len(missing), unit))} {_agree(len(missing), 'has', 'have')}"
        parts.append(f"{count} no value ({shown}{more}); they are charted as gaps, and no rule "
                     "counts a run across them.")
    starts = result.rebase if single else result.rebase[r]
    if len(starts) > 1:
        parts.append("The limits were recalculated from " +
                     ", ".join(when(s) for s in starts[1:]) + ".")
    if result.baseline:
        parts.append(f"The limits are fixed on the first {result.baseline} points"
                     + (" of each segment." if len(starts) > 1 else "."))
    if field("provisional") and chart != "run":
        parts.append("The current limits rest on fewer than 13 points, so treat them as "
                     "provisional.")
    return " ".join(p for p in parts if p)


def _assurance_text(result, r, field, chart, per, lo, hi) -> str:
    target, improvement, assurance = field("target"), field("improvement"), field("assurance")
    if target is None or not np.isfinite(target):
        return ""
    t = _fmt(chart, target, per)
    if improvement is None:
        return (f"A target of {t} was given but no direction of improvement, so whether the "
                "process will meet it is not assessed.")
    if assurance is None:
        return (f"A run chart has no process limits, so assurance against the target of {t} is "
                "not assessed.")
    if assurance == "hit and miss":
        return (f"The target of {t} lies between the process limits ({lo} to {hi}), so the "
                "process is inconsistently passing the target (hit and miss): as things stand it "
                "will meet it in some periods and miss it in others by chance alone.")
    if assurance == "pass":
        return (f"The process limits ({lo} to {hi}) lie on the better side of the target of {t}, "
                "so the process is consistently passing the target and, if nothing changes, "
                "will go on meeting it.")
    return (f"The process limits ({lo} to {hi}) lie on the wrong side of the target of {t}, so "
            "the process is consistently failing the target and will not meet it unless the "
            "process itself changes.")


def _runs_text(field) -> str:
    longest, longest_max = field("longest_run"), field("longest_run_max")
    crossings, crossings_min = field("n_crossings"), field("n_crossings_min")
    if not np.isfinite(longest):
        return "The runs analysis has no points off the centre line to work with."
    if not field("runs_signal"):
        return (f"The Anhoej runs analysis finds no sign of non-random variation (longest run "
                f"{longest:.0f}, at most {longest_max:.0f} expected; {crossings:.0f} crossings "
                f"of the centre line, at least {crossings_min:.0f} expected).")
    reasons = []
    if longest > longest_max:
        reasons.append(f"the longest run on one side of the centre line is "
                       f"{_plural(longest, 'point')}, more than the {longest_max:.0f} expected at most by chance")
    if crossings < crossings_min:
        reasons.append(f"the series crosses the centre line only "
                       f"{_plural(crossings, 'time')}, fewer than the {crossings_min:.0f} expected at least")
    return ("The Anhoej runs analysis suggests non-random variation (a shift in the process): "
            + " and ".join(reasons) + ".")
