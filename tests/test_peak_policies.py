"""Fast lane vs pooled counters and the emergency counter, judged by simulation."""

from __future__ import annotations

import dataclasses
from pathlib import Path

import pandas as pd
import pytest

from queueopt.forecast import forecast_arrivals
from queueopt.io import Dataset, load_dataset
from queueopt.peak_policies import compare_fast_lane, emergency_counter


@pytest.fixture(scope="module")
def ds(sample_dir: Path) -> Dataset:
    return load_dataset(sample_dir)


@pytest.fixture(scope="module")
def fc(ds: Dataset) -> pd.DataFrame:
    return forecast_arrivals(ds.footfall_for("H05"), 3, calendar=ds.calendar, halls=ds.halls)


def test_fast_lane_serves_quick_customers_first(ds: Dataset, fc: pd.DataFrame) -> None:
    t = compare_fast_lane(ds, "H05", fc, replications=20).table
    assert list(t.index) == ["pooled", "pooled, same headcount", "fast lane"]
    lane, pooled, same = t.loc["fast lane"], t.loc["pooled"], t.loc["pooled, same headcount"]
    # its own lane: quick customers wait less than the others, and less than in one queue
    assert lane["quick_mean_wait"] < lane["other_mean_wait"]
    assert lane["quick_mean_wait"] < pooled["quick_mean_wait"]
    # the fast-lane design staffs two queues, each to the target: more than one pooled queue
    assert lane["staff_hours"] > pooled["staff_hours"]
    # more counters in one queue never wait longer (same seeds, paired) ...
    assert same["wait_change_high"] < 0
    # ... and the same headcount pooled beats the split queues (pooling, README's levers row)
    assert same["mean_wait"] < lane["mean_wait"]
    for row in (lane, pooled, same):
        assert row["mean_wait_low"] <= row["mean_wait"] <= row["mean_wait_high"]
        assert 0 <= row["share_meeting_target"] <= 1


def test_emergency_counter_helps_on_a_busier_day(ds: Dataset, fc: pd.DataFrame) -> None:
    t = emergency_counter(ds, "H05", fc, demand_factor=1.25, replications=20).table
    planned, rule = t.loc["as planned"], t.loc["emergency counter"]
    assert planned["manager_hours"] == 0 and rule["manager_hours"] > 0
    assert rule["wait_change_high"] < 0  # significantly shorter waits, paired by replication
    assert rule["share_meeting_target"] >= planned["share_meeting_target"]
    assert rule["staff_hours"] == planned["staff_hours"]


def test_emergency_rule_that_never_fires_changes_nothing(ds: Dataset, fc: pd.DataFrame) -> None:
    t = emergency_counter(ds, "H05", fc, after_minutes=1e6, replications=5).table
    assert t.loc["emergency counter", "manager_hours"] == 0
    assert t.loc["emergency counter", "mean_wait"] == t.loc["as planned", "mean_wait"]


def test_bad_arguments(ds: Dataset, fc: pd.DataFrame) -> None:
    with pytest.raises(ValueError, match="replications"):
        emergency_counter(ds, "H05", fc, replications=1)
    with pytest.raises(ValueError, match="counters"):
        emergency_counter(ds, "H05", fc, counters=0)
    with pytest.raises(ValueError, match="no rows for hall"):
        compare_fast_lane(ds, "H01", fc)
    no_fast = {k: dataclasses.replace(v, fast_lane=False) for k, v in ds.transactions.items()}
    with pytest.raises(ValueError, match="fast_lane"):
        compare_fast_lane(dataclasses.replace(ds, transactions=no_fast), "H05", fc)
