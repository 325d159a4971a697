"""Calibration recovers the generator's own parameters within sampling error."""

from __future__ import annotations

import numpy as np
import pytest

from queueopt.calibrate import calibrate, patience_by_class, patience_hazard, patience_survival
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


# Six callers by hand: waits 1, 2, 2, 3, 4, 5 minutes; the 1st, 3rd, 4th and 6th left.
SIX_WAITS = [1.0, 2.0, 2.0, 3.0, 4.0, 5.0]
SIX_LEFT = [True, False, True, True, False, True]


def test_kaplan_meier_by_hand_on_six_callers() -> None:
    """S(1) = 5/6; at 2 five are at risk (the one served at 2 too), one leaves: 5/6 * 4/5;
    at 3 three are at risk: * 2/3; at 5 one is at risk and leaves: 0."""
    km = patience_survival(SIX_WAITS, SIX_LEFT)
    assert km.times.tolist() == [1.0, 2.0, 3.0, 5.0]
    assert km.at_risk.tolist() == [6, 5, 3, 1]
    assert km.survival == pytest.approx([5 / 6, 4 / 6, 4 / 9, 0.0])
    assert km.at([0.5, 1.0, 2.5, 4.9, 6.0]) == pytest.approx([1.0, 5 / 6, 4 / 6, 4 / 9, 0.0])


def test_hazard_by_band_by_hand_on_six_callers() -> None:
    """Before 2 min: 1 leaver over 1 + 5 * 2 = 11 minutes waited; after: 3 over 0+0+1+2+3 = 6."""
    hz = patience_hazard(SIX_WAITS, SIX_LEFT, edges=(0.0, 2.0, float("inf")))
    assert hz["left"].tolist() == [1, 3]
    assert hz["exposure"].tolist() == pytest.approx([11.0, 6.0])
    assert hz["hazard"].tolist() == pytest.approx([1 / 11, 0.5])
    with pytest.raises(ValueError, match="edges"):
        patience_hazard(SIX_WAITS, SIX_LEFT, edges=(2.0, 1.0))


def test_patience_by_class_recovers_simulated_means() -> None:
    """Two classes with exponential patience 3 and 10 min, offered waits exponential (mean 4):
    each caller waits min(offered, patience) and leaves when patience is shorter. The
    estimates are within 4 standard errors (mean / sqrt(leavers)) of the truth, and the
    Kaplan-Meier median of class 3 is 3 ln 2 within the same tolerance."""
    rng = np.random.default_rng(5)
    n = 20000
    cls = np.repeat(["short", "long"], n)
    truth = np.where(cls == "short", 3.0, 10.0)
    patience = rng.exponential(truth)
    offered = rng.exponential(4.0, 2 * n)
    left = patience < offered
    waits = np.minimum(patience, offered)
    got = patience_by_class(waits, left, cls)
    for k, mean in (("short", 3.0), ("long", 10.0)):
        se = mean / np.sqrt(left[cls == k].sum())
        assert abs(got[k] - mean) < 4 * se
    km = patience_survival(waits[cls == "short"], left[cls == "short"])
    median = km.times[np.argmax(km.survival <= 0.5)]
    assert median == pytest.approx(3.0 * np.log(2), rel=0.05)
    hz = patience_hazard(waits[cls == "long"], left[cls == "long"], edges=(0, 2, 6, np.inf))
    assert hz["hazard"].to_numpy()[:2] == pytest.approx([0.1, 0.1], rel=0.1)  # constant: exponential


def test_patience_by_class_prior_keeps_small_classes_finite() -> None:
    got = patience_by_class([1.0, 2.0, 3.0], [False, False, True], ["a", "a", "b"])
    assert got["a"] == float("inf") and got["b"] == pytest.approx(3.0)
    shrunk = patience_by_class([1.0, 2.0, 3.0], [False, False, True], ["a", "a", "b"],
                               prior_minutes=5.0, prior_weight=1.0)
    assert shrunk["a"] == pytest.approx((3.0 + 5.0) / 1.0)
    assert shrunk["b"] == pytest.approx((3.0 + 5.0) / 2.0)
