"""Calls from pandas: scenarios and intervals given as Series keep their index as ``labels``
(fields, ``to_frame()``, narrative); tables of scenarios, intervals and call records by column
name give exactly the numbers of the array forms (whose own numbers are checked against
published tables and R in test_calls.py); bad tables and misaligned Series are refused by
name."""
import numpy as np
import pandas as pd
import pytest

import scrutiny as sc
from scrutiny._results import unit_labels
from test_contract import assert_same

SLOTS = pd.Index(["08:00", "08:30", "09:00", "09:30"], name="interval")
CALLS = np.array([61.0, 88.0, 120.5, 97.0])
AHT = np.array([190.0, 205.0, 212.0, 199.0])


def scenario_fields(result):
    """The fields of a scenario result but its labels."""
    return {k: v for k, v in result.to_dict().items() if k != "labels"}


@pytest.mark.parametrize("func, extra", [
    (sc.erlang_c, {}), (sc.erlang_a, {"patience": 140.0})])
def test_queue_models_keep_the_scenario_labels(func, extra):
    labelled = func(pd.Series(CALLS, index=SLOTS), 1800, pd.Series(AHT, index=SLOTS), 16, 20,
                    **extra)
    plain = func(CALLS, 1800, AHT, 16, 20, **extra)
    assert_same(scenario_fields(labelled), scenario_fields(plain))
    assert plain.labels is None and unit_labels(plain) is None
    pd.testing.assert_index_equal(unit_labels(labelled), SLOTS)
    frame = labelled.to_frame()
    assert list(frame["interval"]) == list(SLOTS)
    assert_same(frame.drop(columns="interval"), plain.to_frame().drop(columns="scenario"))
    assert labelled.narrative() == [f"{s}: {line}" for s, line in zip(SLOTS, plain.narrative())]


def test_agents_needed_keeps_the_labels_of_any_per_scenario_argument():
    shrink = pd.Series([0.3, 0.3, 0.35, 0.3], index=SLOTS)
    labelled = sc.agents_needed(CALLS, 1800, AHT, 20, 0.8, shrinkage=shrink)
    plain = sc.agents_needed(CALLS, 1800, AHT, 20, 0.8, shrinkage=shrink.to_numpy())
    assert_same(scenario_fields(labelled), scenario_fields(plain))
    pd.testing.assert_index_equal(labelled.labels, SLOTS)
    assert list(labelled.to_frame()["interval"]) == list(SLOTS)


def test_unnamed_and_grid_scenarios():
    # an unnamed index names the column after the scenario; a grid has no one set of labels
    index = pd.Index(["low", "high"])
    r = sc.erlang_c(pd.Series([50.0, 150.0], index=index), 1800, 180, 20, 20)
    assert list(r.to_frame()["scenario"]) == ["low", "high"]
    grid = sc.erlang_c(pd.Series([50.0, 150.0], index=index), 1800, 180,
                       np.array([[18], [20]]), 20)
    assert grid.labels is None and np.shape(grid.p_wait) == (2, 2)
    # a RangeIndex names nothing
    assert sc.erlang_c(pd.Series([50.0, 150.0]), 1800, 180, 20, 20).labels is None


def test_misaligned_series_are_refused_naming_both():
    other = pd.Series(AHT, index=["07:00", "08:30", "09:00", "09:30"])
    with pytest.raises(ValueError, match="calls and handle_time have different indexes"):
        sc.erlang_c(pd.Series(CALLS, index=SLOTS), 1800, other, 16, 20)
    with pytest.raises(ValueError, match="calls and handle_time have different indexes"):
        sc.staffing(pd.Series(CALLS, index=SLOTS), other, 20, 0.8)
    with pytest.raises(ValueError, match="calls and patience have different indexes"):
        sc.agents_needed(pd.Series(CALLS, index=SLOTS), 1800, 200, 20, 0.8,
                         patience=pd.Series([90.0] * 4, index=SLOTS[::-1]))


@pytest.fixture
def day():
    return pd.DataFrame({"slot": SLOTS, "calls": CALLS, "aht": AHT, "agents": [14, 18, 22, 19],
                         "shrinkage": [0.3, 0.3, 0.35, 0.3]})


def test_staffing_table_form_is_the_series_form(day):
    series = sc.staffing(pd.Series(CALLS, index=SLOTS), pd.Series(AHT, index=SLOTS), 20, 0.8,
                         shrinkage=pd.Series(day["shrinkage"].to_numpy(), index=SLOTS))
    table = sc.staffing(day, calls="calls", handle_time="aht", target_time=20,
                        service_level=0.8, shrinkage="shrinkage", label="slot")
    assert_same(table.table.rename_axis("interval"), series.table)
    assert list(table.labels) == list(SLOTS) and table.labels.name == "slot"
    assert table.peak == series.peak and table.agent_hours == series.agent_hours
    assert list(table.to_frame()["slot"]) == list(SLOTS)
    positional = sc.staffing(day.set_index("slot"), "calls", "aht", 20,
                             0.8, shrinkage="shrinkage")
    assert_same(positional.table, table.table)
    plain = sc.staffing(CALLS, AHT, 20, 0.8)
    assert plain.labels is None and list(plain.table.index) == [0, 1, 2, 3]


def test_scenario_tables_are_the_array_forms(day):
    plain = sc.erlang_c(CALLS, 1800, AHT, day["agents"].to_numpy(), 20)
    table = sc.erlang_c(day, "calls", 1800, "aht", "agents", 20, label="slot")
    assert_same(scenario_fields(table), scenario_fields(plain))
    assert list(table.to_frame()["slot"]) == list(SLOTS)
    sized = sc.agents_needed(day, calls="calls", interval=1800, handle_time="aht",
                             target_time=20, service_level=0.8, patience=150.0, label="slot")
    assert_same(scenario_fields(sized),
                scenario_fields(sc.agents_needed(CALLS, 1800, AHT, 20, 0.8, patience=150.0)))
    with pytest.raises(ValueError, match="handle_time='handle' is not a column"):
        sc.erlang_a(day, calls="calls", interval=1800, handle_time="handle", agents="agents",
                    target_time=20, patience=120.0)
    with pytest.raises(ValueError, match="label='area' is not a column"):
        sc.staffing(day, calls="calls", handle_time=200, target_time=20, service_level=0.8,
                    label="area")


@pytest.fixture(scope="module")
def records():
    return sc.data.sample("calls")


def test_service_level_by_month_from_a_table(records):
    plain = sc.service_level(records["wait_seconds"], 10, records["abandoned"],
                             by=records["month"])
    table = sc.service_level(records, wait="wait_seconds", threshold=10, abandoned="abandoned",
                             by="month")
    assert_same(table, plain)
    assert table.groups.name == "month"
    assert list(table.to_frame()["month"]) == sorted(records["month"].unique())
    two = sc.service_level(records, "wait_seconds", 10, "abandoned", by=["month", "line"])
    assert list(two.to_frame().columns[:2]) == ["month", "line"]
    assert_same(two, sc.service_level(records["wait_seconds"], 10, records["abandoned"],
                                      by=[records["month"], records["line"]]))
    patience = sc.estimate_patience(records, wait="wait_seconds", abandoned="abandoned")
    assert_same(patience, sc.estimate_patience(records["wait_seconds"], records["abandoned"]))


def test_calls_per_interval_from_a_table(records):
    assert_same(sc.calls_per_interval(records, "arrived", 3600),
                sc.calls_per_interval(records["arrived"], 3600))
    assert_same(sc.calls_per_interval(records, timestamps="arrived", by_weekday=True),
                sc.calls_per_interval(records["arrived"], by_weekday=True))


def test_bad_call_tables_are_refused_by_name(records):
    with pytest.raises(ValueError, match="wait='wait' is not a column"):
        sc.service_level(records, wait="wait", threshold=10)
    with pytest.raises(ValueError, match="by='quarter' is not a column"):
        sc.service_level(records, wait="wait_seconds", threshold=10, by="quarter")
    with pytest.raises(ValueError, match="'abandoned' is given for both wait and abandoned"):
        sc.service_level(records, wait="abandoned", threshold=10, abandoned="abandoned")
    with pytest.raises(TypeError, match="give wait="):
        sc.service_level(records, abandoned="abandoned", threshold=10)
    with pytest.raises(ValueError, match="timestamps='received' is not a column"):
        sc.calls_per_interval(records, "received")
