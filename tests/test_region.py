"""The regional comparison ranks halls and never claims more than the observed wait."""

from __future__ import annotations

from pathlib import Path

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
