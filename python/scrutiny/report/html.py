"""The HTML report: one self-contained page (inline CSS, charts as data URIs, icons as inline
SVG, no script and no external request)."""
from __future__ import annotations

import datetime
import html

import numpy as np

from .. import _narrative as _n

CSS = """
body{font-family:system-ui,-apple-system,"Segoe UI",Roboto,Arial,sans-serif;margin:0;color:#1d2733;background:#f6f7f9;line-height:1.45}
header{background:#1d3557;color:#fff;padding:1.4rem 2rem}
header h1{margin:0 0 .3rem;font-size:1.7rem}
header p{margin:.15rem 0;opacity:.9}
main{max-width:1180px;margin:0 auto;padding:1rem 2rem 3rem}
section{background:#fff;border:1px solid #dde1e6;border-radius:6px;padding:1rem 1.4rem;margin:1.2rem 0}
h2{font-size:1.3rem;margin:.2rem 0 .6rem;color:#1d3557}
h3{font-size:1.05rem;margin:1rem 0 .4rem}
table{border-collapse:collapse;width:100%;font-size:.88rem;margin:.4rem 0}
th,td{border-bottom:1px solid #e3e6ea;padding:.35rem .45rem;text-align:left;vertical-align:middle}
th{background:#eef1f5;font-weight:600}
td.num{text-align:right;font-variant-numeric:tabular-nums}
.badge{display:inline-block;padding:.1rem .45rem;border-radius:9px;font-size:.8rem;font-weight:600;line-height:1.25}
.good{background:#d7ecff;color:#0b4f8a}.bad{background:#fde3cf;color:#8a3b00}.neutral{background:#eceef1;color:#3b4450}
.icon{vertical-align:middle}
dl.findings dt{font-weight:600;margin-top:.55rem}
dl.findings dd{margin:.1rem 0 .2rem 0;white-space:pre-line}
figure{margin:.6rem 0;min-width:320px;flex:0 1 calc(50% - .4rem)}
figure img{width:100%;height:auto;border:1px solid #eceef1}
figcaption{font-size:.8rem;color:#55606d}
.charts{display:flex;flex-wrap:wrap;gap:.6rem}
.wide{overflow-x:auto}
.note{color:#55606d;font-size:.88rem}
.failed{border-left:4px solid #e46c0a}
a{color:#1d5fa8}
ul.methods li{margin:.35rem 0}
"""

# Printing (and --pdf): A4 portrait pages headed by the title and date, the overview alone on a
# landscape page with every column on it, each measure from a new page, no clipped tables.
PRINT_CSS = """
@page{size:A4 portrait;margin:16mm 12mm 14mm;@top-left{content:var(--print-title);font:8pt system-ui,sans-serif;color:#55606d}
@top-right{content:var(--print-date);font:8pt system-ui,sans-serif;color:#55606d}
@bottom-right{content:"page " counter(page) " of " counter(pages);font:8pt system-ui,sans-serif;color:#55606d}}
@page overview{size:A4 landscape}
@media print{
body{background:#fff;font-size:9.5pt}
header{background:none;color:#1d2733;padding:0 0 4mm;border-bottom:2px solid #1d3557}
main{max-width:none;padding:0}
section{border:0;border-radius:0;padding:0;margin:0 0 5mm;break-inside:auto}
section[id^=m],#similar{break-before:page}
header,#overview{page:overview}#overview{break-after:page}
#overview table{font-size:6.8pt;margin:0}#overview th,#overview td{padding:.12rem .22rem}
#overview .note{font-size:6.8pt;margin:.2rem 0}#overview .icon{width:20px;height:20px}
header h1{font-size:15pt}header p{margin:0}
.wide{overflow:visible}
table{break-inside:auto}tr,figure,dl.findings dd{break-inside:avoid}
figure{flex:0 1 calc(50% - .4rem);min-width:0}
a{color:inherit;text-decoration:none}
}
"""

COLOURS = {"improving": "#00b0f0", "concerning": "#e46c0a", "neutral": "#490092",
           "common": "#a6a6a6", "pass": "#00b0f0", "fail": "#e46c0a", "hit": "#a6a6a6"}

METHODS = {
    "wilson": ("Confidence interval of a proportion", "Wilson score interval (as R "
               "prop.test(correct = FALSE)). Wilson EB (1927), J Am Stat Assoc 22:209-212."),
    "kish": ("Survey weights", "Weighted proportions; tests and intervals on Kish's effective "
             "sample size (Σw)²/Σw². Kish L (1965), Survey Sampling, Wiley."),
    "garwood": ("Confidence interval of a rate or count", "Exact Poisson interval (as R "
                "poisson.test). Garwood F (1936), Biometrika 28:437-442."),
    "binomial": ("Test against the target", "Exact binomial test with the Clopper-Pearson "
                 "interval (as R binom.test). Clopper CJ, Pearson ES (1934), Biometrika "
                 "26:404-413. It treats cases as independent, so with very large numbers even a "
                 "small gap is 'significant': read it with the SPC assurance."),
    "prop_test": ("Change on last year (proportions)", "Pearson chi-square test of two "
                  "proportions, Wald interval of the difference (as R prop.test(correct = "
                  "FALSE))."),
    "poisson_test": ("Change on last year (rates and counts)", "Exact conditional test and "
                     "interval of the ratio of two Poisson rates (as R poisson.test). Counts "
                     "are compared per month."),
    "mann_kendall": ("Trend", "Mann-Kendall test of a monotonic trend (tie-corrected variance, "
                     "as pymannkendall and R trend::mk.test). Mann HB (1945), Econometrica "
                     "13:245-259; Kendall MG (1975), Rank Correlation Methods. It assumes "
                     "independent points; seasonal or autocorrelated series can show a trend "
                     "too readily."),
    "sen": ("Size of the trend", "Sen's slope with its rank-based interval (as R "
            "trend::sens.slope). Sen PK (1968), J Am Stat Assoc 63:1379-1389."),
    "count_trend": ("Trend in counts and rates", "Log-linear negative binomial regression "
                    "(Poisson when the counts show no extra variation) with the population as "
                    "exposure and, when there are two years and four periods of data or more, "
                    "month-of-year (quarter-of-year) effects; each measure's trend says what "
                    "was fitted, over which periods (as R MASS::glm.nb). Venables WN, "
                    "Ripley BD (2002), Modern Applied Statistics with S."),
    "spc_pp": ("SPC chart (proportions)", "Laney p' chart: the p-chart's limits multiplied by "
               "sigma-z, the moving-range spread of the points' z-scores (mean moving range / "
               "1.128), for large denominators: wider than a p-chart's when sigma-z > 1, "
               "narrower when it is below 1. Laney DB (2002), Quality Engineering 14:531-537."),
    "spc_up": ("SPC chart (rates)", "Laney u' chart: the u-chart's limits multiplied by "
               "sigma-z, as the p' chart (wider when sigma-z > 1, narrower below 1). Laney DB "
               "(2002), Quality Engineering 14:531-537."),
    "spc_xmr": ("SPC chart", "XmR chart: mean ± 2.66 × mean moving range (Wheeler DJ, "
                "Understanding Variation, 1993), moving ranges screened as NHSRplotthedots."),
    "spc_rules": ("SPC rules and icons", "Making Data Count rules (NHS England and NHS "
                  "Improvement, 2019): a point outside the limits; 7 points in a row above or "
                  "below the mean; 7 points in a row rising or falling; 2 of 3 points beyond two "
                  "thirds of the way to a limit. The variation icon shows whether the latest "
                  "point is common cause (grey) or special cause, improving (blue) or concerning "
                  "(orange), with H or L for high or low; the assurance icon shows whether the "
                  "process limits lie wholly on the better side of the target (P, pass), wholly "
                  "on the worse side (F, fail), or straddle it (?, hit and miss)."),
    "funnel": ("Areas that stand out", "Funnel plot with exact limits at the two levels and "
               "multiplicative overdispersion (z-scores winsorised at 10 %), as "
               "PHEindicatormethods and FunnelPlotR. Spiegelhalter DJ (2005), Statistics in "
               "Medicine 24:1185-1202; Spiegelhalter DJ et al. (2012), J R Stat Soc A "
               "175:1-47."),
    "similar": ("Most similar group", "The force's value beside each force of its most "
                "similar group (a file of groups supplied with the report, such as the Home "
                "Office's Most Similar Groups), each with its 95% interval, over the force's "
                "latest window; a funnel plot of the group; and the force's rank with a 95% "
                "interval from 10,000 seeded draws of every force's value from its Jeffreys "
                "posterior (Beta for proportions, Gamma for rates), ranked in each draw. "
                "Marshall EC, Spiegelhalter DJ (1998), BMJ 316:1701-1705; Goldstein H, "
                "Spiegelhalter DJ (1996), J R Stat Soc A 159:385-443."),
    "bh": ("Many areas at once", "Benjamini-Hochberg q-values across areas for the change on "
           "last year (as R p.adjust(method = 'BH')). Benjamini Y, Hochberg Y (1995), J R Stat "
           "Soc B 57:289-300."),
    "kaplan_meier": ("Waiting times", "Kaplan-Meier estimate with open cases censored at their "
                     "wait so far; Greenwood variance and log-transformed interval (as R "
                     "survival::survfit). Kaplan EL, Meier P (1958), J Am Stat Assoc "
                     "53:457-481."),
    "logrank": ("Change in waiting times", "Log-rank test (as R survival::survdiff). Mantel N "
                "(1966), Cancer Chemotherapy Reports 50:163-170."),
}
ORDER = list(METHODS)


def esc(value) -> str:
    return html.escape("" if value is None else str(value))


def _given(value) -> bool:
    import pandas as pd

    return value is not None and not (pd.api.types.is_scalar(value) and pd.isna(value))


def variation_icon(variation, side) -> str:
    """The Making Data Count variation icon of a latest point ("common cause", or special
    cause with its side "high" or "low")."""
    if not _given(variation):
        return '<span class="badge neutral">n/a</span>'
    letter, colour = "", COLOURS["common"]
    if variation != "common cause":
        letter = "H" if side == "high" else "L"
        colour = COLOURS["improving" if "improving" in variation else
                         "concerning" if "concerning" in variation else "neutral"]
    body = (f'<text x="14" y="19" text-anchor="middle" font-size="13" font-weight="700" '
            f'fill="{colour}" font-family="Arial,sans-serif">{letter}</text>' if letter else
            f'<path d="M6 15 q4 -6 8 0 t8 0" fill="none" stroke="{colour}" stroke-width="2.2"/>')
    return _svg(colour, body, f"variation: {variation}")


def assurance_icon(assurance) -> str:
    if not _given(assurance):
        return '<span class="badge neutral">no target</span>'
    letter, colour = {"pass": ("P", COLOURS["pass"]), "fail": ("F", COLOURS["fail"])}.get(
        assurance, ("?", COLOURS["hit"]))
    body = (f'<text x="14" y="19" text-anchor="middle" font-size="13" font-weight="700" '
            f'fill="{colour}" font-family="Arial,sans-serif">{letter}</text>')
    return _svg(colour, body, f"assurance: {assurance}")


def _svg(colour: str, body: str, label: str) -> str:
    return (f'<svg class="icon" width="28" height="28" viewBox="0 0 28 28" role="img" '
            f'aria-label="{esc(label)}"><title>{esc(label)}</title>'
            f'<circle cx="14" cy="14" r="11.5" fill="#fff" stroke="{colour}" stroke-width="3"/>'
            f'{body}</svg>')


def badge(verdict) -> str:
    if not _given(verdict):
        return '<span class="badge neutral">n/a</span>'
    tone = ("good" if verdict in ("better", "improved", "improving") else
            "bad" if verdict in ("worse", "worsened", "worsening") else "neutral")
    return f'<span class="badge {tone}">{esc(verdict)}</span>'


def sparkline(values, width: int = 96, height: int = 24) -> str:
    """The series as a small inline SVG line (gaps left open, the last point marked); '—'
    with fewer than two values."""
    y = np.asarray(values, dtype=float)
    ok = np.isfinite(y)
    if ok.sum() < 2:
        return "—"
    lo, hi = np.nanmin(y), np.nanmax(y)
    span = hi - lo if hi > lo else 1.0
    xs = np.linspace(2, width - 2, len(y))
    ys = height - 3 - (y - lo) / span * (height - 6)
    runs, run = [], []
    for x, v, good in zip(xs, ys, ok):
        if good:
            run.append(f"{x:.1f},{v:.1f}")
        elif run:
            runs.append(run)
            run = []
    runs += [run] if run else []
    lines = "".join(f'<polyline points="{" ".join(r)}" fill="none" stroke="#1d3557" '
                    'stroke-width="1.2"/>' for r in runs if len(r) > 1)
    last = np.flatnonzero(ok)[-1]
    return (f'<svg class="spark" width="{width}" height="{height}" role="img" '
            f'aria-label="the series, {int(ok.sum())} periods">{lines}'
            f'<circle cx="{xs[last]:.1f}" cy="{ys[last]:.1f}" r="2" fill="#1d3557"/></svg>')


def overview(table, sparks=None) -> str:
    """The overview table, drawn from :func:`scrutiny.report.overview.frame`, with a
    sparkline per measure (``sparks``: the series' values, one tuple a row)."""
    head = ("<tr><th>Measure</th><th>Series</th><th>Latest period</th><th>Latest value</th>"
            "<th>Latest month</th><th>Latest quarter</th><th>Target</th>"
            "<th>Against target</th><th>Change on last year</th><th>Trend</th>"
            "<th>Variation (latest month)</th><th>Assurance</th><th>Areas outside limits</th>"
            "</tr>")
    rows = []
    for i, row in enumerate(table.to_dict("records")):
        def text(column):
            return esc(row[column]) if _given(row[column]) else "—"

        analysed = row["latest value"] != "not analysed"
        change = " ".join(t for t in (esc(row["change"]) if _given(row["change"]) else "",
                                      badge(row["change on last year"])) if t)
        areas = (f"{row['areas outside limits']} of {row['areas compared']}"
                 if _given(row["areas compared"]) else "—")
        rows.append(
            f'<tr><td><a href="#m{i}">{esc(row["measure"])}</a></td>'
            f'<td>{sparkline(sparks[i] if sparks else ())}</td>'
            f'<td>{text("latest period")}</td><td class="num">{text("latest value")}</td>'
            f'<td>{text("latest month")}</td><td>{text("latest quarter")}</td>'
            f'<td class="num">{text("target")}</td>'
            f"<td>{badge(row['against target']) if _given(row['target']) else '—'}</td>"
            f"<td>{change}</td><td>{badge(row['trend'])}</td>"
            f"<td>{variation_icon(row['variation'], row['variation side']) if analysed else '—'}"
            f"</td><td>{assurance_icon(row['assurance']) if analysed else '—'}</td>"
            f"<td>{esc(areas)}</td></tr>")
    return f'<div class="wide"><table>{head}{"".join(rows)}</table></div>'


def area_table(res) -> str:
    table = res.area_table
    if table is None or table.empty:
        return ""
    m = res.measure
    cols = list(table.columns)
    value_name = m.measure_kind.area_value_name(m)
    head = f"<tr><th>{esc(m.area_label.capitalize())}</th>" + "".join(
        f"<th>{esc(value_name if c == 'value' else c)}</th>" for c in cols) + "</tr>"
    body = []
    for name, row in table.iterrows():
        cells = []
        for c in cols:
            v = row[c]
            cls = ' class="num"' if isinstance(v, (float, np.floating, int)) else ""
            cells.append(f"<td{cls}>{esc(_cell(c, v, m))}</td>")
        body.append(f"<tr><td>{esc(name)}</td>{''.join(cells)}</tr>")
    return (f'<h3>By {esc(m.area_label)}</h3><div class="wide"><table>{head}{"".join(body)}'
            "</table></div>")


def _cell(column: str, v, m) -> str:
    """A cell of the area table: the value in the measure's unit, p- and q-values as
    p-values are written, changes signed."""
    if not isinstance(v, (float, np.floating)):
        return str(v)
    if not np.isfinite(v):
        return "—"
    if column == "value":
        return m.measure_kind.area_value(v, m)
    if column.startswith(("p ", "q ")):
        return _n.p_text(v).removeprefix("p = ").removeprefix("p ")
    return f"{v:+.1f}"


def measure_section(i: int, res, issues) -> str:
    m = res.measure
    parts = [f'<section id="m{i}"{" class=failed" if not res.ok else ""}>',
             f"<h2>{esc(m.name)}</h2>"]
    if m.description:
        parts.append(f'<p class="note">{esc(m.description)}</p>')
    if not res.ok:
        parts.append(f"<p>This measure could not be analysed: {esc(res.error)}. See "
                     '<a href="#issues">data issues</a>.</p></section>')
        return "".join(parts)
    parts.append("<dl class=findings>")
    for heading, text in res.findings:
        parts.append(f"<dt>{esc(heading)}</dt><dd>{esc(text)}</dd>")
    parts.append("</dl>")
    figures = res.figures
    if figures:
        parts.append('<div class="charts">')
        for title, uri, alt in figures:
            parts.append(f'<figure><img src="{uri}" alt="{esc(alt)}" width="710" '
                         f'height="326"><figcaption>{esc(title)}</figcaption></figure>')
        parts.append("</div>")
    parts.append(area_table(res))
    own = [x for x in issues if x.measure == m.name]
    if own:
        parts.append(f'<p class="note">{_n.plural(len(own), "data issue")} for this measure: '
                     'see <a href="#issues">data issues</a>.</p>')
    parts.append("</section>")
    return "".join(parts)


def similar_section(results) -> str:
    """The force beside its most similar group, one part per measure compared ('' when
    none is)."""
    parts = []
    for res in results:
        sim, m = res.similar, res.measure
        if sim is None:
            continue
        fmt = m.measure_kind.bare(m)
        rows = "".join(
            f"<tr{' class=force' if name == sim.force else ''}><td>"
            f"{'<strong>' + esc(name) + '</strong>' if name == sim.force else esc(name)}</td>"
            f'<td class="num">{esc(fmt(row["value"]))}</td>'
            f'<td class="num">{esc(fmt(row["lower"]))} to {esc(fmt(row["upper"]))}</td>'
            f"<td>{esc(row.get('funnel', '—'))}</td></tr>"
            for name, row in sim.table.sort_values("value", ascending=sim.best == "the lowest")
            .iterrows())
        figure = ("" if sim.figure is None else
                  f'<figure><img src="{sim.figure[1]}" alt="{esc(sim.figure[2])}" width="710" '
                  f'height="326"><figcaption>{esc(sim.figure[0])}</figcaption></figure>')
        value = esc(m.measure_kind.area_value_name(m))
        parts.append(f"<h3>{esc(m.name)}</h3><p>{esc(sim.text)}</p>{figure}"
                     f'<div class="wide"><table><tr><th>Force</th><th>{value}</th>'
                     "<th>95% CI</th><th>Funnel</th></tr>"
                     f"{rows}</table></div>")
    if not parts:
        return ""
    return ('<section id="similar"><h2>Most similar group</h2><p class="note">The force '
            "beside the forces of its most similar group, over its latest window; rank 1 is "
            'the best value (the highest without a direction). See <a href="#methods">'
            f"methods</a>.</p>{''.join(parts)}</section>")


def issues_section(issues) -> str:
    if not issues:
        return ('<section id="issues"><h2>Data issues</h2><p>No problem was found in the '
                "specification or the data.</p></section>")
    rows = "".join(f"<tr><td>{esc(x.measure)}</td><td>{esc(x.problem)}</td>"
                   f"<td>{esc(x.consequence)}</td></tr>" for x in issues)
    return (f'<section id="issues"><h2>Data issues</h2><p>{_n.plural(len(issues), "problem")} '
            "found. The report went on with everything else.</p><table><tr><th>Measure or "
            f"source</th><th>Problem</th><th>What was done</th></tr>{rows}</table></section>")


def methods_section(results, levels) -> str:
    used = set()
    for res in results:
        used |= res.methods
        if res.measure.weight:
            used.add("kish")
    if any(k.startswith("spc_") for k in used):
        used.add("spc_rules")
    items = "".join(f"<li><strong>{esc(METHODS[k][0])}.</strong> {esc(METHODS[k][1])}</li>"
                    for k in ORDER if k in used)
    limits = " and ".join(_n.level(v) for v in levels)
    return ('<section id="methods"><h2>Methods</h2><p>A difference, trend or area is called '
            "significant only when chance alone would give one at least as large less than 5 "
            "times in 100 (p &lt; 0.05); a result that is not significant is not evidence that "
            "nothing changed. Confidence intervals are 95%; funnel plots show limits at "
            f"{limits}. The change on last year compares only the calendar months (or "
            "quarters) with data in both years, and is not assessed when fewer than half the "
            "window's months have data in both; the latest value says how many of its "
            f'months have data when not all.</p><ul class="methods">{items}</ul></section>')


def page(spec, results, table, issues, sources_text, seconds: float) -> str:
    """The whole page; ``table`` is the overview (:func:`scrutiny.report.overview.frame`)."""
    analysed = sum(r.ok for r in results)
    stamp = datetime.datetime.now().strftime("%d %B %Y, %H:%M")
    subtitle = f"<p>{esc(spec.subtitle)}</p>" if spec.subtitle else ""
    note = f'<p class="note">{esc(spec.note)}</p>' if spec.note else ""
    data_lines = "".join(f"<li>{esc(k)}: {esc(v)}</li>" for k, v in sources_text.items())
    body = [
        "<!DOCTYPE html><html lang=en><head><meta charset=utf-8>",
        '<meta name=viewport content="width=device-width, initial-scale=1">',
        f"<title>{esc(spec.title)}</title><style>{CSS}{PRINT_CSS}"
        f":root{{--print-title:{css_string(spec.title)};--print-date:{css_string(stamp)}}}"
        "</style></head><body>",
        f"<header><h1>{esc(spec.title)}</h1>{subtitle}<p>{analysed} of {len(results)} "
        f"measures analysed · made by scrutiny on {esc(stamp)} in {seconds:.1f} s</p></header>",
        "<main>",
        f'<section id="overview"><h2>Overview</h2>{note}'
        f'{overview(table, [r.glance.spark if r.glance else () for r in results])}'
        '<p class="note">Variation and assurance icons follow NHS Making Data Count: grey '
        "common cause, blue improving, orange concerning (H/L: high or low); P pass, F fail, "
        '? hit and miss. See <a href="#methods">methods</a>.</p></section>',
        *(measure_section(i, r, issues) for i, r in enumerate(results)),
        similar_section(results),
        issues_section(issues),
        methods_section(results, spec.levels),
        f'<section id="data"><h2>Data</h2><ul>{data_lines}</ul></section>',
        "</main></body></html>",
    ]
    return "\n".join(body)


def css_string(text: str) -> str:
    """``text`` as a quoted CSS string (quotes, backslashes and line ends escaped; no ``<``)."""
    escaped = "".join(c if c.isalnum() or c in " .,;:-_()/'&%" else f"\\{ord(c):x} "
                      for c in str(text))
    return f'"{escaped}"'
