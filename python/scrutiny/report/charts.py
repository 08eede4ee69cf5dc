"""Charts of the report as PNG images embedded in the page (``data:`` URIs).

Figures are made with matplotlib's object interface (no pyplot, so no GUI backend and no
global state), with fixed margins (a layout engine would double the drawing time) and light
PNG compression.
"""
from __future__ import annotations

import base64
import io
import warnings

from ..spc_rules import CHART_TITLES
from .issues import Issue

SIZE = (7.4, 3.4)
DPI = 96


def _figure():
    from matplotlib.figure import Figure

    fig = Figure(figsize=SIZE)
    fig.subplots_adjust(left=0.1, right=0.96, top=0.88, bottom=0.17)
    return fig


def _png(fig) -> str:
    buffer = io.BytesIO()
    with warnings.catch_warnings():   # a name in a script the font lacks: drawn as boxes
        warnings.filterwarnings("ignore", "Glyph .* missing from", UserWarning)
        fig.savefig(buffer, format="png", dpi=DPI, pil_kwargs={"compress_level": 3})
    return "data:image/png;base64," + base64.b64encode(buffer.getvalue()).decode("ascii")


def _value_axis(ax, m, scale_rate: bool = False, proportion: bool = False):
    """Proportions (and the shares of waits) as percentages; rates per ``m.per`` with
    ``scale_rate`` (the charts of rates per unit of exposure)."""
    from matplotlib.ticker import FuncFormatter, PercentFormatter

    axis = m.measure_kind.value_axis
    if proportion or axis == "percent":
        ax.yaxis.set_major_formatter(PercentFormatter(1.0))
    elif axis == "rate" and scale_rate:
        per = m.per
        ax.yaxis.set_major_formatter(FuncFormatter(lambda v, _: f"{v * per:,.3g}"))
        ax.set_ylabel(m.unit)


def charts(res, issues: list) -> list[tuple[str, str, str]]:
    """(title, data URI, alternative text) of every chart of a measure result; a chart that
    cannot be drawn is left out and listed in ``issues``."""
    out = []
    m = res.measure
    for title, shown, draw in (("SPC chart", res.spc, _spc), ("Trend", res.series, _trend),
                               ("Waiting times", res.survival, _survival),
                               (f"Funnel plot by {m.area_label}", res.funnel, _funnel)):
        if shown is None:
            continue
        fig = _figure()
        try:
            alt = draw(fig.subplots(), res, m)
            out.append((title, _png(fig), alt))
        except Exception as exc:  # the numbers remain in the report and the CSV
            issues.append(Issue(m.name, f"the {title.lower()} could not be drawn ({exc})",
                                "chart left out"))
    return out


def _spc(ax, res, m) -> str:
    ax.figure.subplots_adjust(bottom=0.27)
    res.spc.plot(ax=ax, title=f"{m.name}: {CHART_TITLES[res.spc.chart]}")
    ax.set_xlabel("")
    if res.spc.chart in ("u", "up"):
        _value_axis(ax, m, scale_rate=True)
    elif m.measure_kind.value_axis == "percent":
        _value_axis(ax, m)
    return (f"SPC chart of {m.noun}: {res.variation}"
            + (f", assurance {res.assurance}" if res.assurance else ""))


def _trend(ax, res, m) -> str:
    ax.figure.subplots_adjust(right=0.76)
    measure = {"percent": "proportion"}.get(m.measure_kind.value_axis,
                                             m.measure_kind.value_axis)
    res.trend.plot(ax=ax, measure=measure, xlabel="",
                   ylabel=m.unit if measure == "rate" else None)
    ax.set_title(f"{m.name}: trend ({res.trend_verdict})", fontsize=10, loc="left")
    return f"Trend of {m.noun}: {res.trend_verdict}"


def _survival(ax, res, m) -> str:
    res.survival.plot(ax=ax, target=m.target_days)
    ax.set_title("")  # the centred title of the plot, replaced by the report's
    ax.set_title(f"{m.name}: share of {m.cases} still waiting (Kaplan-Meier)", fontsize=10,
                 loc="left")
    return f"Kaplan-Meier curves of {m.noun}"


def _funnel(ax, res, m) -> str:
    ax.figure.subplots_adjust(right=0.76)
    res.funnel.plot(ax=ax, better=m.direction)
    # the legend beside the funnel, clear of the units; the overdispersion said once, as title
    handles, labels = ax.get_legend_handles_labels()
    over = res.funnel.overdispersion
    ax.legend(handles, [label.split(" (")[0] for label in labels], fontsize=7, frameon=False,
              loc="upper left", bbox_to_anchor=(1.01, 1.0), title_fontsize=7,
              title=f"limits with {over}\noverdispersion" if over else None)
    if res.funnel.kind == "proportion":
        _value_axis(ax, m, proportion=True)
        ax.set_xlabel("denominator (latest window)")
    else:
        _value_axis(ax, m, scale_rate=True)
        ax.set_xlabel("person-years (latest window)")
    by = "" if f"by {m.area_label}" in m.name.lower() else f" by {m.area_label}"
    ax.set_title(f"{m.name}{by}, {res.funnel_window}", fontsize=10, loc="left")
    return (f"Funnel plot of {m.noun} by {m.area_label}: "
            f"{len(res.flagged)} of {len(res.funnel.flag)} outside the limits")
