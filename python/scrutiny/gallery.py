"""The gallery: every chart of the package drawn on the bundled data (and on the real data of
the shared data folder when it is there), each written as PNG and SVG, with one ``index.html``
showing them all with their captions, for reviewing every chart at a glance.

``python -m scrutiny.gallery --out gallery/`` (``make gallery``) writes it; ``--bundled-only``
leaves the real data out.  Each chart is drawn through a result's public ``plot()``, as an
analyst would.  The documentation site's gallery page is made from the same entries
(:func:`sections`, :func:`draw`, :func:`markdown`).
"""
from __future__ import annotations

import argparse
import dataclasses
import html
import sys
from pathlib import Path
from typing import Callable

import numpy as np

OUT = "gallery"
DPI = 110
PARTS = ["ease_of_contact", "time_to_arrive", "actions_taken", "kept_informed", "treatment"]
# A split of the bundled recorded crimes into crime types, and harm weights: both made up for
# the illustration (no weight table is shipped).
SHARES = {"Violence and sexual offences": 0.42, "Public order": 0.10,
          "Criminal damage and arson": 0.10, "Other theft": 0.09, "Shoplifting": 0.08,
          "Burglary": 0.06, "Vehicle crime": 0.05, "Drugs": 0.03, "Other crime": 0.03,
          "Possession of weapons": 0.015, "Robbery": 0.01, "Bicycle theft": 0.01,
          "Theft from the person": 0.005}
WEIGHTS = {"Violence and sexual offences": 100, "Robbery": 400, "Burglary": 250,
           "Possession of weapons": 150, "Theft from the person": 60, "Other crime": 50,
           "Criminal damage and arson": 40, "Vehicle crime": 40, "Drugs": 30, "Public order": 20,
           "Other theft": 20, "Bicycle theft": 20, "Shoplifting": 10}
WDD = dict(treated_before=240, treated_after=197, control_before=410, control_after=372,
           displacement_before=300, displacement_after=306, control_displacement_before=350,
           control_displacement_after=340)


@dataclasses.dataclass(frozen=True)
class Entry:
    """One chart of the gallery: its file name, caption, the chart function it shows
    (``"<graphics module>.<function>"``) and how to draw it (returns Axes or an array of
    them)."""

    name: str
    caption: str
    chart: str
    draw: Callable


# ---- the bundled data -------------------------------------------------------------------------

def _bundled():
    """The frames the bundled entries draw from, made once."""
    import pandas as pd

    import scrutiny as sc

    lpa = sc.data.sample("lpa_monthly")
    force = lpa.groupby("month")[["recorded_crimes", "population", "da_incidents",
                                  "da_arrests", "action_taken"]].sum()
    last = lpa[lpa["month"] > lpa["month"].max() - 12]
    year = last.groupby("area")[["da_arrests", "da_incidents", "recorded_crimes"]].sum()
    crimes = lpa.pivot(index="area", columns="month", values="recorded_crimes")
    rng = np.random.default_rng(20250601)
    split = rng.multinomial(last["recorded_crimes"].to_numpy(), list(SHARES.values()))
    wide = pd.DataFrame(split, columns=list(SHARES))
    wide[["area", "month", "population"]] = last[["area", "month", "population"]].to_numpy()
    harm = wide.melt(id_vars=["area", "month", "population"], var_name="crime_type",
                     value_name="count")
    harm["population"] = harm["population"].astype("int64")
    harm["count"] = harm["count"].astype("int64")
    weights = sc.harm_weights(pd.DataFrame({"crime_type": list(WEIGHTS),
                                            "weight": list(WEIGHTS.values())}),
                              source="illustrative weights (not the ONS Crime Severity Score)")
    calls = sc.data.sample("calls")
    line = calls[calls["line"] == "101"]
    firearms = sc.data.sample("firearms_licensing")
    return dict(lpa=lpa, force=force, year=year, crimes=crimes, harm=harm, weights=weights,
                survey=sc.data.sample("victim_survey"), calls=calls, line=line,
                volumes=sc.calls_per_interval(line["arrived"], 1800),
                handle=float(line.loc[line["answered"], "handle_seconds"].mean()),
                firearms=firearms, decided=~firearms["open"].to_numpy())


def _sen_trend(series):
    """The report's trend chart (:meth:`scrutiny.report.result.Trend.plot`) of a monthly
    series: its Sen line and the band of the slope's interval, in data units."""
    import pandas as pd

    import scrutiny as sc
    from .report.result import Trend

    y = series.to_numpy(dtype=float)
    t = np.arange(y.size, dtype=float)
    sen = sc.sen_slope(y)
    middle = float(np.median(t))
    at_middle = sen.intercept + sen.slope * middle
    lines = [at_middle + s * (t - middle) for s in (sen.lower, sen.upper)]
    frame = pd.DataFrame({"period": series.index, "value": y,
                          "fitted": sen.intercept + sen.slope * t,
                          "lower": np.minimum(*lines), "upper": np.maximum(*lines)})
    return Trend(verdict="", series=frame).plot(measure="count")


def bundled_entries() -> list[Entry]:
    """Every chart kind on the bundled synthetic data."""
    import scrutiny as sc

    d = _bundled()
    force, year = d["force"], d["year"]
    lpa, firearms = d["lpa"], d["firearms"]
    peak = float(d["volumes"].max())
    traffic = peak * d["handle"] / 1800
    agents = np.arange(int(np.floor(traffic)) + 1, int(np.ceil(traffic)) + 9)
    key = sc.key_drivers(d["survey"], "overall", PARTS, weights="weight", bootstrap=200,
                         seed=2025)
    harm_args = (d["harm"], "crime_type", "count", d["weights"])
    monthly_harm = d["harm"].groupby(["month", "crime_type"], as_index=False)["count"].sum()
    km = sc.kaplan_meier(firearms["days_waited"], d["decided"])
    return [
        Entry("funnel", "Funnel plot: domestic-abuse arrests per incident by area over the "
              "last 12 months, with multiplicative overdispersion.", "disparity.funnel_chart",
              lambda: sc.funnel(year["da_arrests"], year["da_incidents"], kind="proportion",
                                overdispersion="multiplicative",
                                labels=list(year.index)).plot()),
        Entry("spc", "SPC chart (XmR, Making Data Count rules): recorded crimes per month, "
              "force-wide; fewer is better.", "spc.spc_chart",
              lambda: sc.spc(force["recorded_crimes"].to_numpy(), time=force.index,
                             improvement="decrease").plot()),
        Entry("spc_small_multiples", "SPC small multiples: recorded crimes per month in each "
              "area, on a shared scale.", "spc.small_multiples",
              lambda: sc.spc(d["crimes"].to_numpy(dtype=float), time=d["crimes"].columns,
                             labels=list(d["crimes"].index),
                             improvement="decrease").small_multiples(sharey=True)),
        Entry("count_trend", "Count trend: recorded crimes per month, force-wide (Poisson, "
              "month effects); the trend at the average month with the range of trends in "
              "its 95% CI.", "models.count_trend_chart",
              lambda: sc.count_trend(force["recorded_crimes"], period=12).plot()),
        Entry("sen_trend", "Sen's slope: recorded crimes per month, force-wide, with the band "
              "of its slope's 95% CI (the report's trend chart).", "trend.trend_chart",
              lambda: _sen_trend(force["recorded_crimes"])),
        Entry("its", "Interrupted time series: domestic-abuse incidents per month, force-wide, "
              "with a change from the 25th month (Poisson, month effects); the counterfactual "
              "dashed.", "models.its_chart",
              lambda: sc.its(force["da_incidents"].to_numpy(dtype=float), 24, family="poisson",
                             period=12).plot()),
        Entry("changepoints", "Change points (PELT): the share of recorded crimes with an "
              "action-taken outcome per month, force-wide.", "segmentation.changepoint_chart",
              lambda: sc.changepoints((100 * force["action_taken"]
                                       / force["recorded_crimes"]).to_numpy()).plot()),
        Entry("key_drivers", "Key drivers of victims' overall satisfaction: importance (LMG) "
              "against mean rating.", "drivers.quadrant_chart", lambda: key.plot()),
        Entry("importance", "Relative importance of the drivers (LMG) with 95% bootstrap "
              "intervals.", "drivers.importance_chart", lambda: key.plot(kind="bar")),
        Entry("erlang_c", f"Erlang C: the 101 line at its busiest half hour ({peak:.1f} calls), "
              "answered within 30 s against agents, the 60% target marked.",
              "calls.scenario_chart",
              lambda: sc.erlang_c(peak, 1800, d["handle"], agents, 30,
                                  unstable="nan").plot(target=0.6)),
        Entry("erlang_a", "Erlang A: the same half hour allowing for callers who hang up "
              "(mean patience 120 s).", "calls.scenario_chart",
              lambda: sc.erlang_a(peak, 1800, d["handle"], agents, 30, 120).plot(target=0.6)),
        Entry("staffing", "Staffing per half hour for the 101 line: agents to answer 60% of "
              "calls within 30 s, with 35% shrinkage, against the predicted service level.",
              "calls.staffing_chart",
              lambda: sc.staffing(d["volumes"], d["handle"], 30, 0.6, shrinkage=0.35).plot()),
        Entry("service_level", "Service level (answered within 10 s) by line, with the 90% "
              "target.", "calls.service_level_chart",
              lambda: sc.service_level(d["calls"]["wait_seconds"], 10, d["calls"]["abandoned"],
                                       by=d["calls"]["line"]).plot(target=0.9)),
        Entry("kaplan_meier", "Firearms-licence waits (Kaplan-Meier), open applications "
              "counted, with the numbers at risk and the 150-day target.",
              "waits.survival_chart", lambda: km.plot(target=150)),
        Entry("kaplan_meier_groups", "Firearms-licence waits by kind of application.",
              "waits.survival_chart",
              lambda: sc.kaplan_meier(firearms["days_waited"], d["decided"],
                                      group=firearms["kind"]).plot(target=150)),
        Entry("kaplan_meier_panels", "Firearms-licence waits by area: small multiples on "
              "shared scales.", "waits.survival_chart",
              lambda: sc.kaplan_meier(firearms["days_waited"], d["decided"],
                                      group=firearms["area"]).plot(target=150, panels=True)),
        Entry("backlog", "Firearms-licence applications: received, decided and open at each "
              "month's end, and those open longer than 150 days.", "waits.backlog_chart",
              lambda: sc.backlog(firearms["received"], firearms["decided"],
                                 target=150).plot()),
        Entry("wdd", "Weighted displacement difference (illustrative counts): treated, control "
              "and displacement areas before and after.", "place.wdd_chart",
              lambda: sc.wdd(**WDD).plot()),
        Entry("wdd_units", "Weighted displacement difference of four hot spots "
              "(illustrative counts), each with its interval.", "place.wdd_chart",
              lambda: sc.wdd([60, 48, 75, 57], [44, 50, 52, 49], [120, 98, 140, 101],
                             [112, 95, 131, 99], labels=["A", "B", "C", "D"]).plot()),
        Entry("etest", "Poisson E-test (illustrative counts): the rate before and after with "
              "exact intervals.", "place.etest_chart",
              lambda: sc.poisson_etest(240, 197).plot()),
        Entry("etest_units", "Poisson E-tests of four hot spots (illustrative counts): rate "
              "ratios with their intervals.", "place.etest_chart",
              lambda: sc.poisson_etest(np.array([60, 48, 75, 57]),
                                       np.array([44, 50, 52, 49])).plot()),
        Entry("harm", "Harm per 1,000 residents by area, last 12 months (illustrative "
              "weights).", "harm.harm_chart",
              lambda: sc.harm_index(*harm_args, by="area", population="population",
                                    per=1000).plot()),
        Entry("harm_types", "Each crime type's share of the harm beside its share of the "
              "crimes, force-wide (illustrative weights).", "harm.harm_chart",
              lambda: sc.harm_index(*harm_args).plot()),
        Entry("harm_funnel", "Harm funnel: harm per 1,000 residents by area (illustrative "
              "weights).", "harm.harm_funnel_chart",
              lambda: sc.harm_funnel(*harm_args, "area", "population").plot()),
        Entry("harm_trend", "Harm per month, force-wide, with its fitted trend (illustrative "
              "weights).", "harm.harm_trend_chart",
              lambda: sc.harm_trend(monthly_harm, "crime_type", "count", d["weights"],
                                    "month").plot()),
    ]


# ---- the real data ----------------------------------------------------------------------------

def real_entries(folder: Path) -> list[Entry]:
    """Charts on the real data of the shared data folder, for each source that is there."""
    import pandas as pd

    import scrutiny as sc

    entries = []
    city = folder / "police-uk-city-of-london-street"
    if city.is_dir() and any(city.glob("*-street.csv.gz")):
        rows = sc.data.read_policeuk(city)
        rows = rows[rows["crime_type"] != "Anti-social behaviour"]
        monthly = rows.groupby("month", observed=True).size().astype(float)
        entries += [
            Entry("real_city_trend", "City of London Police: crimes per month (data.police.uk, "
                  "Open Government Licence), Poisson trend with month effects.",
                  "models.count_trend_chart",
                  lambda: sc.count_trend(monthly.to_numpy(), period=12).plot()),
            Entry("real_city_spc", "City of London Police: crimes per month, XmR chart.",
                  "spc.spc_chart",
                  lambda: sc.spc(monthly.to_numpy(), time=pd.PeriodIndex(monthly.index),
                                 improvement="decrease").plot()),
        ]
    surveys = folder / "customer-satisfaction-surveys-mistat"
    if (surveys / "ABC2.csv").is_file():
        abc = pd.read_csv(surveys / "ABC2.csv")
        drivers = ["Equipment", "SalesSup", "TechnicalSup", "Suppliers", "AdministrativeSup",
                   "TermsCondPrices"]
        key = sc.key_drivers(abc, "Satisfaction", drivers, performance="top_box",
                             bootstrap=200, seed=2025)
        names = {"SalesSup": "Sales support", "TechnicalSup": "Technical support",
                 "AdministrativeSup": "Administrative support",
                 "TermsCondPrices": "Terms, conditions and prices"}
        entries += [
            Entry("real_abc_key_drivers", "ABC company customer survey (mistat, GPL-3): key "
                  "drivers of satisfaction, top-box performance.", "drivers.quadrant_chart",
                  lambda: key.plot(names=names)),
            Entry("real_abc_importance", "ABC company customer survey: relative importance "
                  "(LMG) with 95% bootstrap intervals.", "drivers.importance_chart",
                  lambda: key.plot(kind="bar", names=names)),
        ]
    return entries


# ---- writing ----------------------------------------------------------------------------------

def _figure(drawn):
    """The figure of what an entry drew (Axes or an array of Axes)."""
    first = np.asarray(drawn, dtype=object).flat[0] if isinstance(drawn, np.ndarray) else drawn
    return first.figure


def sections(real: bool = True, shared: Path | None = None) -> list:
    """The gallery's sections, ``(title, note, entries)``: the bundled data, then the real data
    of ``shared`` (default: the shared data folder) when ``real`` and any is there."""
    from .data.population import shared_data_folder

    found = [("Bundled synthetic data", "scrutiny.data.sample(...): made up, not real "
              "figures.", bundled_entries())]
    if real:
        folder = Path(shared) if shared is not None else shared_data_folder()
        entries = real_entries(folder) if folder.is_dir() else []
        if entries:
            found.append(("Real data", "From the shared data folder; each caption names its "
                          "source and licence.", entries))
    return found


def draw(out, parts, suffixes=("png", "svg")) -> None:
    """Draw every entry of the sections ``parts`` into the folder ``out``, one file per
    suffix, named after the entry."""
    import matplotlib.pyplot as plt

    out = Path(out)
    out.mkdir(parents=True, exist_ok=True)
    for _, _, entries in parts:
        for entry in entries:
            fig = _figure(entry.draw())
            for suffix in suffixes:
                fig.savefig(out / f"{entry.name}.{suffix}", dpi=DPI)
            plt.close(fig)


def write(out, real: bool = True, shared: Path | None = None) -> Path:
    """Draw every entry into ``out`` (PNG and SVG each) and write ``index.html``; the real
    data are read from ``shared`` (default: the shared data folder) when ``real``.  Returns the
    path of ``index.html``."""
    parts = sections(real, shared)
    draw(out, parts)
    index = Path(out) / "index.html"
    index.write_text(_html(parts), encoding="utf-8")
    return index


def markdown(parts, title: str = "Chart gallery", intro: str = "") -> str:
    """A MyST Markdown page of the sections ``parts``: each chart (``<name>.png`` beside the
    page) with its caption and the chart function that draws it."""
    lines = [f"# {title}", ""] + ([intro, ""] if intro else [])
    for heading, note, entries in parts:
        lines += [f"## {heading}", "", note, ""]
        for e in entries:
            lines += [f":::{{figure}} {e.name}.png", f":name: gallery-{e.name.replace('_', '-')}",
                      f":alt: {e.caption}", "",
                      f"{e.caption} `{e.chart}`", ":::", ""]
    return "\n".join(lines)


def _html(sections) -> str:
    parts = ["<!DOCTYPE html>", '<html lang="en"><head><meta charset="utf-8">',
             "<title>scrutiny chart gallery</title>",
             "<style>body{font-family:sans-serif;margin:2em;max-width:80em}"
             "figure{display:inline-block;vertical-align:top;width:46em;margin:0 1em 2em 0}"
             "img{max-width:100%;border:1px solid #ddd}figcaption{font-size:.9em}</style>",
             "</head><body>", "<h1>scrutiny chart gallery</h1>",
             "<p>Every chart of the package; click a chart for its SVG.</p>"]
    for title, note, entries in sections:
        parts.append(f"<h2>{html.escape(title)}</h2><p>{html.escape(note)}</p>")
        for e in entries:
            name = html.escape(e.name)
            parts.append(f'<figure id="{name}"><a href="{name}.svg"><img src="{name}.png" '
                         f'alt="{html.escape(e.caption)}"></a><figcaption>'
                         f"{html.escape(e.caption)} <code>{html.escape(e.chart)}</code>"
                         "</figcaption></figure>")
    parts.append("</body></html>")
    return "\n".join(parts) + "\n"


def main(argv=None) -> int:
    parser = argparse.ArgumentParser(prog="python -m scrutiny.gallery",
                                     description="Draw every chart of scrutiny into a folder "
                                                 "(PNG and SVG) with an index.html.")
    parser.add_argument("--out", default=OUT, help=f"the folder to write (default {OUT}/)")
    parser.add_argument("--bundled-only", action="store_true",
                        help="leave out the real data of the shared data folder")
    args = parser.parse_args(argv)
    import matplotlib

    matplotlib.use("Agg")
    print(write(args.out, real=not args.bundled_only))
    return 0


if __name__ == "__main__":
    sys.exit(main())
