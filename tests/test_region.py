"""The regional comparison ranks halls and never claims more than the observed wait."""

from __future__ import annotations

from pathlib import Path

import pytest

from queueopt.io import load_dataset
from queueopt.region import CLASSES, compare_halls


def test_compare_sample_region(sample_dir: Path) -> None:
    ds = load_dataset(sample_dir)
    table = compare_halls(ds)
    assert len(table) == len(ds.halls)
    assert set(table["busy_class"]) <= set(CLASSES)
    assert list(table["rank"]) == list(range(1, len(table) + 1))
    order = table["busy_class"].map({c: i for i, c in enumerate(CLASSES)})
    assert order.is_monotonic_increasing
    # a lever never saves more waiting than customers actually spend waiting
    total_wait = table["observed_mean_wait"] * table["customers_per_day"]
    assert (table["counter_gain_minutes"] <= total_wait + 1e-6).all()
    assert (table["kiosk_gain_minutes"] >= 0).all()
    busiest = table.iloc[0]
    assert busiest["observed_mean_wait"] == table.loc[table["busy_class"] == busiest["busy_class"],
                                                      "observed_mean_wait"].max()


def test_observed_wait_is_the_ticket_logs_own_mean(sample_dir: Path) -> None:
    """The table's observed mean wait is the plain mean over the last four weeks' counter
    tickets (time in queue until called, or until an abandoner left), counted here from
    the raw log without the calibration module."""
    import pandas as pd

    ds = load_dataset(sample_dir)
    table = compare_halls(ds).set_index("hall_id")
    t = ds.tickets
    end = pd.Timestamp(ds.last_day()) + pd.Timedelta(days=1)
    t = t[(t["issued_at"] >= end - pd.Timedelta(weeks=4)) & (t["channel"] == "counter")]
    until = t["called_at"].where(~t["abandoned"], t["abandoned_at"])
    wait = ((until - t["issued_at"]).dt.total_seconds() / 60).fillna(0.0)
    by_hall = wait.groupby(t["hall_id"]).mean()
    for h, w in by_hall.items():
        assert table.loc[h, "observed_mean_wait"] == round(w, 2)


def test_next_week_wait_names_its_method(sample_dir: Path) -> None:
    """The predicted wait is the requirements' customer-weighted mean wait, by the method named."""
    from queueopt.forecast import forecast_arrivals
    from queueopt.region import next_week_mean_wait
    from queueopt.requirements import hall_requirements

    ds = load_dataset(sample_dir)
    fc = forecast_arrivals(ds.footfall_for("H05"), 2, calendar=ds.calendar, halls=ds.halls)
    got = next_week_mean_wait(ds, fc, method="sipp")
    req = hall_requirements(ds, "H05", fc, method="sipp")
    w = req["counter_arrivals"]
    assert got["method"].tolist() == ["sipp"]
    assert got["predicted_mean_wait"].iloc[0] == pytest.approx((req["mean_wait"] * w).sum() / w.sum(), rel=1e-12)


def test_next_week_is_the_plans_week_and_method(sample_dir: Path) -> None:
    """The Region page's predicted wait uses the plan's default method and the plan's week
    (a Monday to Sunday after the data ends), so the page and ``queueopt plan`` agree."""
    import inspect

    from queueopt.pipeline import plan_hall
    from queueopt.region import next_week_mean_wait, plan_week_forecasts

    default = inspect.signature(next_week_mean_wait).parameters["method"].default
    assert default == inspect.signature(plan_hall).parameters["method"].default == "auto"
    ds = load_dataset(sample_dir)
    fc = plan_week_forecasts(ds, ["H05", "H06"])
    days = sorted(fc["interval_start"].dt.date.unique())
    assert days[0] == ds.next_week_start() and days[0].weekday() == 0 and len(days) == 7
    assert days[0] > ds.last_day()
    assert set(fc["hall_id"]) == {"H05", "H06"}
    got = next_week_mean_wait(ds, fc, method="sipp")
    assert got["hall_id"].tolist() == ["H05", "H06"]
