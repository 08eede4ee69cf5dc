"""The report's comparison of the force with its most similar group (scrutiny.report.similar):
values and intervals against hand computations and R, the funnel against scrutiny.funnel, the
rank interval (its properties and its coverage by simulation), the HTML section, results.csv,
and bad inputs (no groups file, the force not in it, a member without data)."""
import math
import os
from pathlib import Path

import numpy as np
import pandas as pd
import pytest
from scipy import stats

import scrutiny as sc
from scrutiny.report import load_spec, similar, write_report

FORCES = {  # force: (x a month, n a month, crimes a month, population)
    "Northmoor Police": ([10] * 12, 100, 20, 120_000),
    "Eastvale Constabulary": ([12, 13] * 6, 100, 25, 96_000),
    "Westdale Police": ([8] * 12, 100, 15, 100_000),
    "Southmere Police": ([25] * 12, 200, 30, 150_000),
    "Fellside Constabulary": ([5] * 12, 50, 10, 50_000),
    "Outlying Police": ([50] * 12, 100, 40, 80_000),
}
GROUPS = ("force,group\nNorthmoor,G\nEastvale,G\nWestdale,G\nSouthmere,G\nFellside,G\n"
          "Outlying,H\n")
MEMBERS = ["Northmoor Police", "Eastvale Constabulary", "Westdale Police", "Southmere Police",
           "Fellside Constabulary"]
# R 4.2.2: prop.test(x, n, correct = FALSE)$conf.int for the group's totals over 2024
R_WILSON = {"Northmoor Police": (0.0842817172, 0.1182710833),       # 120 of 1200
            "Eastvale Constabulary": (0.1074763794, 0.1449168710),  # 150 of 1200
            "Westdale Police": (0.0659566630, 0.0967237775),        # 96 of 1200
            "Southmere Police": (0.1123650011, 0.1388335364),       # 300 of 2400
            "Fellside Constabulary": (0.0784816696, 0.1266076912)}  # 60 of 600
# R 4.2.2: poisson.test(x, T)$conf.int * 1000
R_POISSON = {"Northmoor Police": (1.7549527341, 2.2696885452),      # 240 in 120,000
             "Eastvale Constabulary": (2.7813466170, 3.4993867245)}  # 300 in 96,000


def frame() -> pd.DataFrame:
    rows = []
    for force, (xs, n, crimes, pop) in FORCES.items():
        for i, x in enumerate(xs):
            rows.append({"force": force, "month": f"2024-{i + 1:02d}", "hits": x, "cases": n,
                         "crimes": crimes, "population": pop})
    return pd.DataFrame(rows)


def spec(tmp_path, groups=GROUPS, kind="proportion", **top) -> dict:
    if groups is not None:
        (tmp_path / "msg.csv").write_text(groups)
    measure = ({"name": "Share solved", "label": "share solved", "kind": "proportion",
                "numerator": "hits", "denominator": "cases"} if kind == "proportion" else
               {"name": "Crime rate", "label": "crime rate", "kind": "rate",
                "count": "crimes", "population": "population", "per": 1000,
                "direction": "lower"} if kind == "rate" else
               {"name": "Crimes", "kind": "count", "count": "crimes"})
    measure.update(source="panel", period="month", similar="force")
    out = {"title": "t", "force": "Northmoor", "measure": [measure],
           **({} if groups is None else {"similar_groups": str(tmp_path / "msg.csv")})}
    out.update(top)
    return out


def run(tmp_path, data=None, **kw):
    return write_report(spec(tmp_path, **kw), out=tmp_path / "out",
                        frames={"panel": frame() if data is None else data})


def wilson(x, n, conf=0.95):
    z = stats.norm.ppf(1 - (1 - conf) / 2)
    centre = (x + z * z / 2) / (n + z * z)
    half = z / (n + z * z) * math.sqrt(x * (n - x) / n + z * z / 4)
    return centre - half, centre + half


def test_proportions_against_hand_and_r(tmp_path):
    report = run(tmp_path)
    res = report.results[0]
    assert res.ok
    sim = res.similar
    assert sim.force == "Northmoor Police" and sim.group == "G"
    assert list(sim.table.index) == MEMBERS   # the force first, then the file's order
    for force in MEMBERS:
        xs, n, _, _ = FORCES[force]
        x, total = sum(xs), 12 * n
        row = sim.table.loc[force]
        assert row["value"] == pytest.approx(x / total)
        assert (row["lower"], row["upper"]) == pytest.approx(wilson(x, total), abs=1e-12)
        assert (row["lower"], row["upper"]) == pytest.approx(R_WILSON[force], abs=1e-9)
    # the force's own analysis uses its rows only
    assert res.value == pytest.approx(0.10)
    # the funnel is scrutiny.funnel on the group's totals
    x = [sum(FORCES[f][0]) for f in MEMBERS]
    n = [12 * FORCES[f][1] for f in MEMBERS]
    ref = sc.funnel(x, n, kind="proportion", levels=(0.95, 0.998),
                    overdispersion="multiplicative", labels=MEMBERS)
    np.testing.assert_allclose(sim.funnel.z, ref.z)
    np.testing.assert_allclose(sim.funnel.target, ref.target)
    assert list(sim.funnel.flag) == list(ref.flag) == list(sim.table["funnel"])
    # rank 1 = highest without a direction: 12.5 %, 12.5 %, then 10 % (shared with Fellside)
    assert sim.rank == 3 and sim.best == "the highest"
    assert 1 <= sim.rank_lower <= sim.rank <= sim.rank_upper <= 5
    assert sim.text.startswith("Northmoor Police ranks 3rd of 5 in its most similar group (G)")
    assert "95% interval" in sim.text and "10.0%" in sim.text


def test_rates_exact_poisson_and_direction(tmp_path):
    sim = run(tmp_path, kind="rate").results[0].similar
    for force in MEMBERS:
        _, _, crimes, pop = FORCES[force]
        x, years = 12 * crimes, pop   # 12 months of one population: pop person-years
        row = sim.table.loc[force]
        assert row["value"] == pytest.approx(x / years * 1000)
        lower = stats.chi2.ppf(0.025, 2 * x) / 2 / years * 1000
        upper = stats.chi2.ppf(0.975, 2 * x + 2) / 2 / years * 1000
        assert (row["lower"], row["upper"]) == pytest.approx((lower, upper), rel=1e-9)
        if force in R_POISSON:
            assert (row["lower"], row["upper"]) == pytest.approx(R_POISSON[force], abs=1e-8)
    ref = sc.funnel([12 * FORCES[f][2] for f in MEMBERS], [FORCES[f][3] for f in MEMBERS],
                    kind="rate", levels=(0.95, 0.998), overdispersion="multiplicative")
    np.testing.assert_allclose(sim.funnel.z, ref.z)
    # direction "lower": rank 1 is the lowest rate (Westdale 1.8, Northmoor 2.0 per 1,000)
    assert sim.best == "the lowest" and sim.rank == 2


def test_results_csv_html_and_overview_unchanged(tmp_path):
    report = run(tmp_path)
    rows = pd.read_csv(report.csv)
    mine = rows[rows["analysis"] == "most similar group"]
    values = mine[mine["quantity"] == "value"].set_index("area")
    assert list(values.index) == MEMBERS
    assert set(values["unit"]) == {"fraction"}
    assert values[["lower", "upper"]].notna().all().all()
    rank = mine[mine["quantity"] == "rank"].iloc[0]
    assert rank["area"] == "Northmoor Police" and rank["value"] == 3
    assert rank["unit"] == "rank of 5 (1 = the highest value)"
    page = report.html.read_text()
    assert 'id="similar"' in page and "Most similar group" in page
    assert "Funnel plot of the most similar group (G)" in page
    assert report.charts("Share solved")["Funnel plot of the most similar group (G)"][:4] == \
        b"\x89PNG"
    plain = write_report(spec(tmp_path, groups=None), out=tmp_path / "plain",
                         frames={"panel": frame()})
    pd.testing.assert_frame_equal(plain.overview(), report.overview())
    assert 'id="similar"' not in plain.html.read_text()
    assert any("no file of most similar groups was given" in x.problem and x.note
               for x in plain.issues)


def test_rank_interval_properties():
    x, n = np.array([100, 130, 160, 190]), np.array([1000] * 4)
    rank, low, high = similar.rank_interval("proportion", x, n, 1)
    assert rank == 3 and 1 <= low <= 3 <= high <= 4
    assert similar.rank_interval("proportion", x, n, 1) == (rank, low, high)   # seeded
    assert similar.rank_interval("proportion", x, n, 1, sign=-1.0)[0] == 2
    # far apart: certain; identical: anywhere
    assert similar.rank_interval("proportion", [10, 500, 900], [1000] * 3, 0) == (3, 3, 3)
    r, lo, hi = similar.rank_interval("rate", [400] * 5, [1e5] * 5, 2)
    assert r == 1 and (lo, hi) == (1, 5)
    assert [similar.ordinal(k) for k in (1, 2, 3, 4, 11, 12, 13, 21, 22, 101)] == \
        ["1st", "2nd", "3rd", "4th", "11th", "12th", "13th", "21st", "22nd", "101st"]
    assert similar.key("Devon & Cornwall Police") == similar.key("devon-and-cornwall")


def test_rank_interval_coverage():
    """The 95% rank interval holds the true rank in about 95% of samples or more (300
    samples of 6 forces, 1,000 cases each, true shares 20% to 30%; 2,000 draws each)."""
    rng = np.random.default_rng(7)
    p = np.array([0.20, 0.22, 0.24, 0.26, 0.28, 0.30])
    n = np.full(6, 1000)
    covered = []
    for i in range(300):
        x = rng.binomial(n, p)
        _, lo, hi = similar.rank_interval("proportion", x, n, 2, size=2000, seed=i)
        covered.append(lo <= 4 <= hi)   # 24% is the 4th highest
    assert np.mean(covered) >= 0.92


def test_real_panel(tmp_path):
    folder = Path(os.environ.get("SCRUTINY_SHARED_DATA", Path(__file__).parents[2] /
                                 "shared" / "data"))
    path = folder / "police-uk-force-panel-aggregates" / "force_month_type_outcome_counts.csv.gz"
    if not path.exists():
        pytest.skip("the shared police.uk panel is absent")
    panel = pd.read_csv(path).rename(columns={"Crime type": "crime_type",
                                              "Last outcome category": "outcome"})
    (tmp_path / "msg.csv").write_text("force,group\nWest Mercia,A\nNorth Yorkshire,A\n"
                                      "Cumbria,A\nWarwickshire,A\nGloucestershire,A\n"
                                      "Nowhereshire,A\nSuffolk,B\n")
    no_suspect = "Investigation complete; no suspect identified"
    report = write_report(
        {"force": "West Mercia", "similar_groups": str(tmp_path / "msg.csv"),
         "latest": "4 months",
         "measure": [{"name": "No suspect identified", "label": "share closed with no suspect",
                      "source": "panel", "kind": "proportion", "period": "Month",
                      "numerator": f"n_records * (outcome == {no_suspect!r})",
                      "denominator": "n_records",
                      "filter": "crime_type != 'Anti-social behaviour'"}]},
        out=tmp_path / "out", frames={"panel": panel})
    sim = report.results[0].similar
    assert sim.force == "West Mercia Police" and sim.window == "January 2024 to April 2024"
    crimes = panel[(panel["crime_type"] != "Anti-social behaviour")
                   & panel["Month"].between("2024-01", "2024-04")]
    names = ["West Mercia Police", "North Yorkshire Police", "Cumbria Constabulary",
             "Warwickshire Police", "Gloucestershire Constabulary"]
    assert list(sim.table.index) == names
    n = crimes.groupby("Falls within")["n_records"].sum()[names]
    x = crimes[crimes["outcome"] == no_suspect].groupby("Falls within")["n_records"].sum()[names]
    for name in names:
        assert sim.table.loc[name, "value"] == pytest.approx(x[name] / n[name])
        assert (sim.table.loc[name, "lower"], sim.table.loc[name, "upper"]) == \
            pytest.approx(wilson(x[name], n[name]), abs=1e-12)
    ref = sc.funnel(x.to_numpy(), n.to_numpy(), kind="proportion", levels=(0.95, 0.998),
                    overdispersion="multiplicative")
    np.testing.assert_allclose(sim.funnel.z, ref.z)
    order = (-(x / n)).rank(method="min")
    assert sim.rank == int(order["West Mercia Police"])
    assert sim.rank_lower <= sim.rank <= sim.rank_upper
    assert any("Nowhereshire" in i.problem and "no rows" in i.problem for i in report.issues)


def test_bad_inputs(tmp_path):
    # the groups file missing: a data issue, the measure analysed
    report = write_report(dict(spec(tmp_path), similar_groups=str(tmp_path / "none.csv")),
                          out=tmp_path / "a", frames={"panel": frame()})
    assert report.results[0].ok and report.results[0].similar is None
    assert any("no file" in x.problem and x.measure == similar.WHERE for x in report.issues)
    # the force not in the file
    report = run(tmp_path, groups="force,group\nEastvale,G\nWestdale,G\n")
    assert report.results[0].ok and report.results[0].similar is None
    assert any(x.problem.startswith("Northmoor Police is not in") for x in report.issues)
    # a member without rows, and one without data in the window
    data = frame()
    data = data[~((data["force"] == "Westdale Police") & (data["month"] < "2024-12"))]
    report = run(tmp_path, data=data, groups=GROUPS + "Ghostshire,G\n")
    sim = report.results[0].similar
    assert "Ghostshire" not in sim.table.index and len(sim.table) == 5
    assert sim.table.loc["Westdale Police", "months"] == 1
    assert any("Ghostshire" in x.problem and "no rows" in x.problem for x in report.issues)
    assert any("Westdale Police" in x.problem and "1 of the 12 months" in x.problem
               for x in report.issues)
    # a member naming several forces of the data
    report = run(tmp_path, groups=GROUPS + "le,G\n")   # Eastvale and Westdale
    assert len(report.results[0].similar.table) == 5
    assert any("matches 2 forces" in x.problem for x in report.issues)
    # a file without force and group columns; an empty one
    for text in ("a,b,c\n1,2,3\n", "force,group\n"):
        report = run(tmp_path, groups=text)
        assert report.results[0].ok and report.results[0].similar is None
        assert any(x.measure == similar.WHERE and not x.note for x in report.issues)
    # no force named for a source of several forces: the measure is not analysed, and says why
    report = run(tmp_path, force=None)
    assert not report.results[0].ok and "--force" in report.results[0].error
    # a force column the data lack; a force the data lack
    report = write_report(spec(tmp_path), out=tmp_path / "b",
                          frames={"panel": frame().rename(columns={"force": "pfa"})})
    assert not report.results[0].ok and "'force'" in report.results[0].error
    report = run(tmp_path, force="Atlantis")
    assert not report.results[0].ok and "matches no force" in report.results[0].error
    # a count has no denominator: a note, no comparison
    report = run(tmp_path, kind="count")
    assert report.results[0].ok and report.results[0].similar is None
    assert any("no denominator" in x.problem and x.note for x in report.issues)
    # two forces only: values and a rank, no funnel
    report = run(tmp_path, groups="force,group\nNorthmoor,G\nEastvale,G\n")
    sim = report.results[0].similar
    assert sim.funnel is None and sim.rank == 2 and len(sim.table) == 2


def test_settings(tmp_path):
    (tmp_path / "s.toml").write_text(
        'similar_groups = "msg.csv"\n[[measure]]\nname = "m"\nsource = "x.csv"\n'
        'kind = "count"\ncount = "rows"\nsimilar = "Falls within"\n')
    s = load_spec(tmp_path / "s.toml")
    assert s.similar_groups == "msg.csv" and s.measures[0].similar == "Falls within"
    assert not s.issues
    assert s.with_settings(similar_groups="/g.csv").similar_groups == "/g.csv"
    bad = load_spec({"similar_groups": 3, "measure": [{"name": "m", "source": "x.csv",
                                                       "kind": "count", "count": "rows"}]})
    assert bad.similar_groups is None
    assert any("similar_groups" in x.problem for x in bad.issues)
    # a source with one force in "Falls within" is not compared; several are
    one = pd.DataFrame({"Falls within": ["A Police"] * 3})
    assert similar.force_column(s.measures[0].__class__(name="m", source="x", kind="count"),
                                one) is None
    two = pd.DataFrame({"Falls within": ["A Police", "B Police"]})
    assert similar.force_column(s.measures[0].__class__(name="m", source="x", kind="count"),
                                two) == "Falls within"


def test_command_line(tmp_path, monkeypatch, capsys):
    from scrutiny.report import cli

    frame().to_csv(tmp_path / "panel.csv", index=False)
    (tmp_path / "msg.csv").write_text(GROUPS)
    (tmp_path / "s.toml").write_text(
        '[sources.panel]\npath = "panel.csv"\n[[measure]]\nname = "Share solved"\n'
        'source = "panel"\nkind = "proportion"\nnumerator = "hits"\ndenominator = "cases"\n'
        'period = "month"\nsimilar = "force"\n')
    monkeypatch.chdir(tmp_path)
    status = cli.main(["--spec", "s.toml", "--force", "Northmoor", "--similar-groups",
                       "msg.csv", "--out", "out", "--quiet"])
    assert status == 0
    rows = pd.read_csv(tmp_path / "out" / "results.csv")
    rank = rows[(rows["analysis"] == "most similar group") & (rows["quantity"] == "rank")]
    assert rank["value"].tolist() == [3]
    assert "ranks 3rd of 5" in (tmp_path / "out" / "report.html").read_text()
    # a groups file that does not exist: a data issue, the report written
    status = cli.main(["--spec", "s.toml", "--force", "Northmoor", "--similar-groups",
                       "none.csv", "--out", "out2", "--quiet"])
    issues = pd.read_csv(tmp_path / "out2" / "data_issues.csv")
    assert status == 0 and issues["problem"].str.contains("no file").any()
