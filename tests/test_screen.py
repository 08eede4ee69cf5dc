"""The national screen (scrutiny.screen) and the ``scrutiny screen`` command."""
import numpy as np
import pandas as pd
import pytest

import scrutiny as sc
from scrutiny.__main__ import main
from scrutiny.screen import _series_codes, _wide, counts_table

KEYS = ["falls_within", "lsoa_code", "crime_type"]
FORCES = ["west-mercia", "kent", "metropolitan", "dyfed-powys", "btp"]


@pytest.fixture(scope="module")
def archive(tmp_path_factory):
    folder = tmp_path_factory.mktemp("archive")
    truth = sc.data.write_policeuk_archive(folder, records=150_000, months=36, lsoas=800,
                                           forces=FORCES, seed=11, planted=0.05)
    return folder, truth


@pytest.fixture(scope="module")
def records(archive):
    return sc.read_policeuk(archive[0])


@pytest.fixture(scope="module")
def screened(archive, records):
    _, truth = archive
    table = sc.screen(records)
    planted = truth[KEYS + ["kind", "effect", "month"]].rename(columns={"month": "true_month"})
    for key in KEYS:
        planted[key] = planted[key].astype(object)
        table = table.assign(**{key: table[key].astype(object)})
    return table.merge(planted, on=KEYS, how="left")


def test_one_row_per_series(screened, archive):
    _, truth = archive
    assert not screened.duplicated(KEYS).any()
    assert screened["kind"].notna().sum() == len(truth)
    assert set(screened["crime_type"]) == {c[0] for c in sc.data.archive.CRIME_TYPES}
    assert screened["months"].max() == 36
    tested = screened["mk_pvalue"].notna()
    assert (screened.loc[tested, "mk_qvalue"] >= screened.loc[tested, "mk_pvalue"]).all()


def test_finds_planted_trends(screened):
    trend = screened["kind"] == "trend"
    none = screened["kind"].isna()
    found = (screened["ct_qvalue"] < 0.05) | (screened["mk_qvalue"] < 0.05)
    assert found[trend].mean() >= 0.6
    assert found[none].mean() <= 0.01
    # the direction found is the direction planted
    rising = screened.loc[trend & found, "effect"] > 1
    assert ((screened.loc[trend & found, "ct_rate_ratio"] > 1) == rising).all()


def test_finds_planted_change_points(screened):
    change = screened["kind"] == "change"
    none = screened["kind"].isna()
    found = screened["cp_changes"] > 0
    assert found[change].mean() >= 0.6
    assert found[none].mean() <= 0.05
    hit = screened.loc[change & found]
    off = np.array([(a - b).n for a, b in zip(hit["cp_month"], hit["true_month"])])
    assert np.mean(np.abs(off) <= 2) >= 0.8


def test_equals_the_family_functions_by_hand(records):
    table = sc.screen(records)
    counts = sc.aggregate_policeuk(records, by=(("falls_within", "lsoa_code", "lsoa_name"),
                                                "month", "crime_type"))
    counts["count"] = counts["count"].astype(float)
    published = counts.groupby(["falls_within", "month"], observed=True)["count"] \
        .transform("sum")
    counts.loc[published == 0, "count"] = np.nan       # a month a force did not publish
    counts["series"] = list(zip(*(counts[k].astype(object) for k in KEYS)))
    wide = counts.pivot(index="month", columns="series", values="count")
    wide = wide.reindex(pd.period_range(wide.index.min(), wide.index.max(), freq="M"))
    wide.columns = pd.MultiIndex.from_tuples(wide.columns, names=KEYS)
    mk, sen = sc.mann_kendall(wide), sc.sen_slope(wide)
    ct = sc.count_trend(wide, period=12, per="year")
    cp = sc.changepoints(wide, cost="poisson")
    by_hand = pd.DataFrame({
        "mk_pvalue": mk.pvalue, "mk_qvalue": sc.multiple_testing(mk.pvalue),
        "sen_slope": sen.slope, "ct_rate_ratio": ct.rate_ratio, "ct_pvalue": ct.pvalue,
        "ct_qvalue": sc.multiple_testing(ct.pvalue), "cp_changes": cp.n_changes,
        "latest_12m": np.nansum(wide.to_numpy()[-12:], axis=0)},
        index=pd.MultiIndex.from_frame(wide.columns.to_frame().astype(object)))
    got = table.set_index(pd.MultiIndex.from_frame(table[KEYS].astype(object)))
    got = got.loc[by_hand.index, by_hand.columns]
    pd.testing.assert_frame_equal(got, by_hand, check_dtype=False, rtol=0, atol=0)


def test_series_whatever_the_row_order(records):
    counts = counts_table(records)
    shuffled = counts.sample(frac=1, random_state=3)
    pd.testing.assert_frame_equal(sc.screen(shuffled, changes=False),
                                  sc.screen(counts, changes=False))


def test_series_of_keys_that_do_not_follow_each_other(records):
    keys = ["falls_within", "lsoa_code", "lsoa_name", "crime_type"]
    counts = counts_table(records).astype({"lsoa_name": object})
    robbery = counts["crime_type"] == "Robbery"     # one name over many codes, two per code
    counts.loc[robbery, "lsoa_name"] = "Elsewhere 001A"
    wide, labels = _wide(counts, keys)
    expected = counts[keys].astype(object).drop_duplicates().sort_values(keys)
    pd.testing.assert_frame_equal(labels.astype(object), expected.reset_index(drop=True))
    assert wide.columns.equals(pd.MultiIndex.from_frame(expected))
    sums = counts.groupby(keys, observed=True, sort=True)["count"].sum()
    np.testing.assert_array_equal(np.nansum(wide.to_numpy(), axis=0), sums.to_numpy())


@pytest.mark.parametrize("columns", [1, 2, 6])    # 6: too many combinations for one integer
def test_series_codes_rank_the_combinations_in_order(columns):
    rng = np.random.default_rng(2)
    numbers = [rng.integers(0, 10**6 if columns > 1 else 7, 3000) for _ in range(columns)]
    kinds = pd.Series(pd.Categorical.from_codes(rng.integers(0, 3, 3000), ["c", "a", "b"]))
    _, expected = np.unique(np.stack([*numbers, kinds.cat.codes.to_numpy()], axis=1), axis=0,
                            return_inverse=True)
    got = _series_codes([*map(pd.Series, numbers), kinds])
    np.testing.assert_array_equal(got, expected.ravel())


def test_funnels_within_each_force(screened):
    flagged = screened["funnel_flag"].fillna("") != ""
    assert flagged.any()
    z = screened.loc[screened["funnel_z"].notna()]
    for _, group in z.groupby(["falls_within", "crime_type"]):
        assert len(group) >= 3


def test_local_authorities_and_counts_tables(records, tmp_path):
    local = sc.screen(records, "local_authority", changes=False)
    assert "local_authority" in local and "lsoa_code" not in local and "cp_changes" not in local
    counts = counts_table(records)
    path = tmp_path / "counts.csv"
    counts.to_csv(path, index=False)
    again = sc.screen(path, "local_authority", changes=False)
    pd.testing.assert_frame_equal(
        again.drop(columns=["falls_within", "local_authority", "crime_type"]),
        local.drop(columns=["falls_within", "local_authority", "crime_type"]),
        check_dtype=False)


def test_population_gives_rates(records):
    counts = counts_table(records, "force")
    population = pd.Series(1_000_000.0, index=counts["falls_within"].astype(object).unique())
    table = sc.screen(counts, "force", population=population, per=1000)
    assert np.allclose(table["rate"], table["latest_12m"] / 1000)


def test_scheduler_needs_dask_unless_local(records):
    counts = counts_table(records, "force")
    assert len(sc.screen(counts, "force", scheduler="local", changes=False))
    try:
        import dask.distributed  # noqa: F401
    except ImportError:
        with pytest.raises(ImportError, match="dask"):
            sc.screen(counts, "force", scheduler="tcp://127.0.0.1:1")


def test_command_writes_the_files(archive, tmp_path, capsys):
    folder, _ = archive
    out = tmp_path / "out"
    assert main(["screen", str(folder), "--out", str(out), "--area", "local_authority",
                 "--quiet"]) == 0
    printed = capsys.readouterr().out.split()
    assert (out / "screen.csv").is_file() and str(out / "screen.csv") in printed
    csv = pd.read_csv(out / "screen.csv")
    assert len(csv) and {"mk_qvalue", "ct_qvalue", "cp_month", "funnel_flag"} <= set(csv)
    parquet = pd.read_parquet(out / "screen.parquet")
    assert len(parquet) == len(csv)
    np.testing.assert_allclose(parquet["mk_pvalue"], csv["mk_pvalue"])


@pytest.mark.parametrize("bad", ["missing-folder", "not-policeuk.csv"])
def test_command_bad_path_one_clear_error(tmp_path, capsys, bad):
    path = tmp_path / bad
    if bad.endswith(".csv"):
        path.write_text("a,b\n1,2\n", encoding="utf-8")
    assert main(["screen", str(path), "--out", str(tmp_path / "out")]) == 2
    err = capsys.readouterr().err.strip().splitlines()
    assert len(err) == 1 and err[0].startswith("scrutiny screen: ") and bad in err[0]
    assert not (tmp_path / "out").exists()


def test_bad_arguments(archive):
    folder, _ = archive
    with pytest.raises(ValueError, match="area"):
        sc.screen(folder, "region")
    with pytest.raises(ValueError, match="count"):
        sc.screen(pd.DataFrame({"falls_within": ["A"], "lsoa_code": ["E1"], "lsoa_name": ["x"],
                                "crime_type": ["Robbery"], "month": ["2024-01"]}).assign(
                                    count=1).drop(columns="count").assign(cnt=1))
