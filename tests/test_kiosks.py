"""Kiosk sizing: staff-hours and kiosk waits fall with more kiosks; recommendation; region ranking."""

from __future__ import annotations

import dataclasses
from pathlib import Path

import numpy as np
import pandas as pd
import pytest

from queueopt.forecast import forecast_arrivals
from queueopt.io import Dataset, load_dataset
from queueopt.kiosks import default_adoption, kiosk_options, region_kiosk_ranking
from queueopt.simulate import simulate_day
from queueopt.requirements import PeakPolicy, hall_requirements


@pytest.fixture(scope="module")
def ds(sample_dir: Path) -> Dataset:
    return load_dataset(sample_dir)


def _fc(ds: Dataset, hall: str, days: int = 3) -> pd.DataFrame:
    return forecast_arrivals(ds.footfall_for(hall), days, calendar=ds.calendar, halls=ds.halls)


@pytest.mark.parametrize("hall", ["H05", "H06"])  # with kiosks; without any
def test_more_kiosks_never_cost_more(ds: Dataset, hall: str) -> None:
    plan = kiosk_options(ds, hall, _fc(ds, hall), max_extra=3)
    t = plan.table
    assert t["kiosks"].tolist() == list(range(ds.hall(hall).kiosks, ds.hall(hall).kiosks + 4))
    assert np.all(np.diff(t["counter_staff_hours"]) <= 1e-9)
    assert np.all(np.diff(t["kiosk_mean_wait"].iloc[1:]) <= 1e-9)
    assert np.all(np.diff(t["overflow_to_counters"].iloc[1:]) <= 1e-9)
    assert plan.recommended >= plan.current and plan.to_add == plan.recommended - plan.current
    assert plan.reason


def test_a_hall_without_kiosks_gets_the_regions_adoption(ds: Dataset) -> None:
    assert ds.hall("H06").kiosks == 0
    a = default_adoption(ds, "H06")
    assert 0 < a < 1
    plan = kiosk_options(ds, "H06", _fc(ds, "H06"), max_extra=2, min_saving_hours=0.5)
    first = plan.table.iloc[1]
    assert first["kiosk_adoption"] == pytest.approx(a) and first["staff_hours_saved"] > 0.5
    assert plan.recommended >= 1


def test_an_undersized_kiosk_pool_overflows_to_the_counters(ds: Dataset) -> None:
    """Full adoption in a busy hall with one kiosk: the pool cannot keep the promise, the
    overflow goes to the counters and the recommendation adds kiosks."""
    one = dataclasses.replace(ds, halls={**ds.halls, "H01": dataclasses.replace(
        ds.hall("H01"), kiosks=1)})
    plan = kiosk_options(one, "H01", _fc(one, "H01", 2), max_extra=4, adoption=1.0)
    t = plan.table
    assert t["overflow_to_counters"].iloc[0] > 0 and t["marginal_staff_hours"].iloc[1] > 0
    assert plan.recommended > 1


def test_overflow_agrees_with_the_simulated_kiosk_pool(ds: Dataset) -> None:
    """The kiosk load the overflow rule leaves in the pool meets the target by simulation."""
    one = dataclasses.replace(ds, halls={**ds.halls, "H01": dataclasses.replace(
        ds.hall("H01"), kiosks=1)})
    req = hall_requirements(one, "H01", _fc(one, "H01", 1), method="sipp",
                            policy=PeakPolicy(kiosk_adoption=1.0, kiosk_overflow=True))
    types = list(ds.transactions)
    el = np.array([ds.transactions[c].kiosk_eligible for c in types])
    mix = ds.mix_for("H01").set_index("transaction_type")["share"].reindex(types).to_numpy()
    k_mean = np.array([ds.transactions[c].kiosk_minutes for c in types])
    lam = req["kiosk_arrivals"].to_numpy() / 15
    first = req["interval_start"].iloc[0]
    res = simulate_day(lam, np.ones(len(lam), np.int64), shares=np.where(el, mix, 0.0),
                       handle_mean=np.where(el, k_mean, 1.0), handle_cv=np.full(len(types), 0.5),
                       start_minute=first.hour * 60 + first.minute,
                       threshold=ds.policy.target.threshold, replications=100, rng=3)
    _, low, _ = res.service_level_ci()
    assert low >= ds.policy.target.service_level - 0.03


def test_region_ranking_and_errors(ds: Dataset) -> None:
    fcs = pd.concat([_fc(ds, h, 2) for h in ("H05", "H06", "H11")])
    rank = region_kiosk_ranking(ds, fcs)
    assert rank["hall_id"].tolist() and set(rank["hall_id"]) == {"H05", "H06", "H11"}
    assert rank["rank"].tolist() == [1, 2, 3]
    assert rank["staff_hours_saved"].is_monotonic_decreasing
    with pytest.raises(ValueError, match="max_extra"):
        kiosk_options(ds, "H05", fcs, max_extra=-1)
    none = {k: dataclasses.replace(v, kiosk_eligible=False) for k, v in ds.transactions.items()}
    with pytest.raises(ValueError, match="kiosk-eligible"):
        kiosk_options(dataclasses.replace(ds, transactions=none), "H05", fcs)
