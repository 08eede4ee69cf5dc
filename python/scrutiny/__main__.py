"""Command line: ``python -m scrutiny demo`` runs the main job on the bundled data.

The job asks the question a performance meeting asks of domestic-abuse arrest rates: over the
latest 12 months, which local policing areas differ from the force by more than chance, once
the small numbers and the ordinary spread between areas are allowed for?  It writes

* ``funnel.png`` -- funnel plots (exact binomial limits, 95 % and 99.8 %) without and with
  multiplicative overdispersion;
* ``funnel_table.csv`` -- the funnel tables, one row per area and adjustment;
* ``findings.txt`` -- the findings in plain English.
"""
from __future__ import annotations

import argparse
import sys
from pathlib import Path

LEVELS = (0.95, 0.998)
MONTHS = 12
ADJUSTMENTS = (None, "multiplicative")


def latest_months_by_area(frame, months: int = MONTHS):
    """Domestic-abuse arrests and incidents per area over the latest ``months`` months."""
    last = frame["month"].max()
    window = frame[frame["month"] > last - months]
    totals = window.groupby("area", sort=False)[["da_arrests", "da_incidents"]].sum().reset_index()
    period = f"{(last - months + 1).strftime('%B %Y')} to {last.strftime('%B %Y')}"
    return totals, period


def describe_p(pvalue: float) -> str:
    return "p < 0.001" if pvalue < 0.001 else f"p = {pvalue:.3f}"


def homogeneity_sentence(test, n_areas: int) -> str:
    stats = f"chi-square = {test.statistic:.1f} on {test.df:g} degrees of freedom, {describe_p(test.pvalue)}"
    if test.pvalue < 0.05:
        return (f"A test that all {n_areas} areas share one arrest rate rejects it ({stats}): "
                "the areas' rates differ by more than chance alone would give.")
    return (f"A test that all {n_areas} areas share one arrest rate finds no evidence against it "
            f"({stats}): the differences between areas are within what chance gives.")


def analyse(frame):
    """The funnels (without and with overdispersion) and the homogeneity test."""
    from . import disparity, rates

    totals, period = latest_months_by_area(frame)
    funnels = {
        adjustment: disparity.funnel(totals["da_arrests"], totals["da_incidents"], kind="proportion",
                                     levels=LEVELS, method="exact", overdispersion=adjustment,
                                     labels=list(totals["area"]))
        for adjustment in ADJUSTMENTS
    }
    test = rates.homogeneity(totals["da_arrests"], totals["da_incidents"])
    return totals, period, funnels, test


def outside_count(result) -> str:
    """E.g. '7 of the 10 areas are outside the 99.8% limits, and 1 more outside the 95% limits'."""
    widest, narrowest = (f"{100 * level:g}%" for level in sorted(result.levels, reverse=True))
    far = sum(widest in flag for flag in result.flag)
    near = sum(narrowest in flag for flag in result.flag)
    k = len(result.flag)
    if far == 0 and near == 0:
        return f"none of the {k} areas is outside the {narrowest} limits"
    if far == 0:
        return f"{near} of the {k} {_areas_verb(near)} outside the {narrowest} limits, none outside the {widest}"
    text = f"{far} of the {k} {_areas_verb(far)} outside the {widest} limits"
    return text + (f", and {near} more outside the {narrowest} limits" if near else "")


def _areas_verb(count: int) -> str:
    return "areas is" if count == 1 else "areas are"


def overdispersion_sentence(result) -> str:
    if result.phi <= 1:
        return (f"The spread between areas is no more than binomial chance gives (overdispersion "
                f"factor phi = {result.phi:.2f}), so allowing for overdispersion leaves the limits "
                f"unchanged: {outside_count(result)}:")
    return (f"The areas differ more than binomial chance gives: the overdispersion factor phi is "
            f"{result.phi:.1f} (1 means chance alone). With the limits widened by the square root "
            f"of phi, which asks which areas stand out from the usual spread between areas, "
            f"{outside_count(result)}:")


def findings_text(totals, period, funnels, test) -> str:
    plain, adjusted = funnels[None], funnels["multiplicative"]
    arrests, incidents = int(totals["da_arrests"].sum()), int(totals["da_incidents"].sum())
    lines = [
        "Domestic-abuse arrest rates across local policing areas",
        f"{period}, {len(totals)} areas (bundled synthetic demonstration data)",
        "",
        f"Force-wide, {arrests:,} of {incidents:,} domestic-abuse incidents led to an arrest "
        f"({arrests / incidents:.1%}).",
        "",
        f"Against exact binomial funnel limits, {outside_count(plain)}:",
        plain.narrative(measure="arrest rate", reference="force rate"),
        "",
        overdispersion_sentence(adjusted),
        adjusted.narrative(measure="arrest rate", reference="force rate"),
        "",
        homogeneity_sentence(test, len(totals)),
    ]
    return "\n".join(lines) + "\n"


def funnel_table(funnels, period: str):
    """Both funnel tables stacked: one row per adjustment and area."""
    import pandas as pd

    names = {"unit": "area", "numerator": "da_arrests", "denominator": "da_incidents",
             "value": "arrest_rate"}
    tables = []
    for adjustment, result in funnels.items():
        table = result.table.rename(columns=names)
        table[["da_arrests", "da_incidents"]] = table[["da_arrests", "da_incidents"]].astype("int64")
        table.insert(0, "overdispersion", adjustment or "none")
        table.insert(1, "period", period)
        table["target"] = result.target
        table["phi"] = result.phi
        tables.append(table)
    return pd.concat(tables, ignore_index=True)


def draw(funnels, period, path: Path) -> None:
    from matplotlib.figure import Figure  # no pyplot: no GUI backend, no global state
    from matplotlib.ticker import PercentFormatter

    fig = Figure(figsize=(12, 5), layout="constrained")
    axes = fig.subplots(1, 2, sharey=True)
    titles = {None: "Exact binomial limits",
              "multiplicative": "With multiplicative overdispersion (phi = {phi:.1f})"}
    for ax, (adjustment, result) in zip(axes, funnels.items()):
        result.plot(ax=ax)
        ax.set_title(titles[adjustment].format(phi=result.phi))
        ax.set_xlabel("Domestic-abuse incidents")
        ax.set_ylabel("Arrest rate")
        ax.yaxis.set_major_formatter(PercentFormatter(1.0))
    fig.suptitle(f"Domestic-abuse arrest rate by local policing area, {period} (synthetic data)")
    fig.savefig(path, dpi=120)


def run_demo(output: Path, quiet: bool = False) -> dict[str, Path]:
    """Run the main job on ``scrutiny.data.sample("lpa_monthly")``; write into ``output``."""
    from . import data

    output = Path(output)
    output.mkdir(parents=True, exist_ok=True)
    totals, period, funnels, test = analyse(data.sample("lpa_monthly"))
    paths = {"chart": output / "funnel.png", "table": output / "funnel_table.csv",
             "findings": output / "findings.txt"}
    draw(funnels, period, paths["chart"])
    funnel_table(funnels, period).to_csv(paths["table"], index=False)
    findings = findings_text(totals, period, funnels, test)
    paths["findings"].write_text(findings, encoding="utf-8")
    if quiet:
        print(output)
    else:
        print(findings)
        print(f"Output written to {output.resolve()}:")
        for path in paths.values():
            print(f"  {path.name}")
    return paths


def build_parser() -> argparse.ArgumentParser:
    parser = argparse.ArgumentParser(prog="python -m scrutiny",
                                     description="Statistics for police performance scrutiny.")
    commands = parser.add_subparsers(dest="command", required=True, metavar="COMMAND")
    demo = commands.add_parser("demo", help="run the main job on the bundled synthetic data",
                               description="Funnel plots and a homogeneity test of domestic-abuse "
                               "arrest rates across local policing areas (bundled synthetic data).")
    demo.add_argument("--output", type=Path, default=Path("scrutiny-output"), metavar="DIR",
                      help="folder for the chart, table and findings (default: ./scrutiny-output)")
    demo.add_argument("--quiet", action="store_true", help="print only the output folder")
    return parser


def main(argv: list[str] | None = None) -> int:
    args = build_parser().parse_args(argv)
    if args.command == "demo":
        run_demo(args.output, quiet=args.quiet)
    return 0


if __name__ == "__main__":
    sys.exit(main())
