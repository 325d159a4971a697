"""Calibration recovers the generator's own parameters within sampling error."""

from __future__ import annotations

import numpy as np
import pytest

from queueopt.calibrate import calibrate
from queueopt.io import load_dataset
from queueopt.synth import generate_region


@pytest.fixture(scope="module")
def generated(tmp_path_factory: pytest.TempPathFactory):  # type: ignore[no-untyped-def]
    region = generate_region(n_halls=3, weeks=4, seed=21)
    ds = load_dataset(region.write(tmp_path_factory.mktemp("gen")))
    return region, ds, calibrate(ds.tickets, ds.transactions)


def test_arrival_rates_recovered(generated) -> None:  # type: ignore[no-untyped-def]
    """Total tickets per hall vs the generator's expected arrivals: within 4 sd of
    the negative-binomial day-level noise (gamma shape 25 per day)."""
    region, ds, _ = generated
    exp = region.expected_arrivals.groupby("hall_id")["arrivals"].sum()
    got = ds.tickets.groupby("hall_id").size()
    for h in exp.index:
        days = region.expected_arrivals[region.expected_arrivals["hall_id"] == h][
            "interval_start"].dt.date.nunique()
        sd = np.sqrt(exp[h] + exp[h] ** 2 / (25 * days))
        assert abs(got[h] - exp[h]) < 4 * sd


def test_handling_means_recovered(generated) -> None:  # type: ignore[no-untyped-def]
    region, _, cal = generated
    h = cal.handling
    for t in region.transactions:
        rows = h[(h["channel"] == "counter") & (h["transaction_type"] == t.code)]
        n, mean = rows["tickets"].sum(), np.average(rows["mean_minutes"], weights=rows["tickets"])
        truth = t.mean_minutes + t.cross_sell_minutes
        se = truth * t.cv / np.sqrt(n)
        assert abs(mean - truth) < 4 * se + 1 / 60  # + one second of rounding
        scv = np.average(rows["scv"], weights=rows["tickets"])
        assert scv == pytest.approx(t.cv ** 2, rel=0.35)


def test_patience_and_adoption_recovered(generated) -> None:  # type: ignore[no-untyped-def]
    region, ds, cal = generated
    for hall_id in ds.halls:
        # counters and kiosks pooled: patience 45 and 60 min, mostly counters
        assert 40 <= cal.patience[hall_id] <= 60
        if region.kiosk_adoption[hall_id] > 0:
            # VIPs never use kiosks, so the measured share is (1 - 7%) of the adoption
            assert cal.kiosk_adoption[hall_id] == pytest.approx(
                0.93 * region.kiosk_adoption[hall_id], abs=0.04)
    assert 0.0 < min(cal.abandonment.values()) < max(cal.abandonment.values()) < 0.3


def test_observed_waits_table(generated) -> None:  # type: ignore[no-untyped-def]
    _, _, cal = generated
    obs = cal.observed
    assert {"hall_id", "interval_start", "arrivals", "mean_wait", "within_threshold",
            "abandonment"} <= set(obs.columns)
    assert (obs["within_threshold"].between(0, 1)).all()
    assert len(cal.to_frame()) == 3
