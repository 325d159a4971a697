"""The one plan evaluator: lanes of a peak policy, checked against Ciw and by hand."""

from __future__ import annotations

import math
from pathlib import Path

import numpy as np
import pandas as pd
import pytest

from queueopt.evaluator import (
    PeakPolicy,
    counter_mix,
    lane_counters,
    policy_lanes,
    simulate_plan,
)
from queueopt.hall_inputs import HallInputs, hall_inputs
from queueopt.model import ServiceTarget
from queueopt.staffing import split_kiosk

# two transaction types: a quick top-up (fast lane, kiosk-eligible) and a long contract visit
QUICK, SLOW = 0, 1


def _inputs(vip_share: float = 0.2, patience: float | None = None) -> HallInputs:
    return HallInputs(
        hall_id="T", counters=8, kiosks=2, vip_counters=1, types=("TOPUP", "CONTRACT"),
        shares=np.array([0.6, 0.4]), mean_minutes=np.array([1.5, 8.0]),
        cross_sell_minutes=np.array([0.5, 4.0]), cv=np.array([0.6, 0.8]),
        kiosk_eligible=np.array([True, False]), fast_lane=np.array([True, False]),
        kiosk_minutes=np.array([2.5, 2.5]), kiosk_adoption=0.0, vip_share=vip_share,
        patience=patience, target=ServiceTarget(), interval_minutes=15)


def _frame(rate: float, intervals: int, required: int, fast: int = 0, vip: int = 0
           ) -> pd.DataFrame:
    """A requirements frame by hand: ``rate`` counter customers per minute, no kiosks."""
    starts = pd.date_range("2026-11-23 08:00", periods=intervals, freq="15min")
    a = np.full(intervals, rate * 15)
    return pd.DataFrame({"interval_start": starts, "arrivals": a, "counter_arrivals": a,
                         "kiosk_arrivals": 0.0, "required": required, "fast_lane": fast,
                         "vip": vip})


def test_counter_mix_by_hand() -> None:
    """10 arrivals of mix (0.5, 0.3, 0.2), the first two kiosk-eligible, 4 of them at kiosks:
    the kiosk customers are eligible types in proportion 0.5 : 0.3, so the counters see
    (5 - 2.5, 3 - 1.5, 2) = (2.5, 1.5, 2) customers, the same mix split_kiosk gives at an
    adoption of 4 / 8."""
    inp = HallInputs(**{**_inputs().__dict__, "types": ("A", "B", "C"),
                        "shares": np.array([0.5, 0.3, 0.2]),
                        **{k: np.array([1.0, 1.0, 1.0]) for k in
                           ("mean_minutes", "cross_sell_minutes", "cv", "kiosk_minutes")},
                        "kiosk_eligible": np.array([True, True, False]),
                        "fast_lane": np.array([True, False, False])})
    got = counter_mix(inp, np.array([10.0, 0.0]), np.array([4.0, 0.0]))
    assert got[0] == pytest.approx(np.array([2.5, 1.5, 2.0]) / 6.0, abs=1e-12)
    assert got[1].tolist() == [0.0, 0.0, 0.0]  # nobody came
    _, _, split = split_kiosk([1.0], [0.5, 0.3, 0.2], [True, True, False], 0.5)
    assert got[0] == pytest.approx(split[0], abs=1e-12)


def test_policy_lanes_split_the_customers_without_losing_any() -> None:
    inp = _inputs(vip_share=0.25)
    rate = np.array([1.0, 2.0])
    mix = np.tile(inp.shares, (2, 1))
    both = PeakPolicy(fast_lane=True, vip_counter=True)
    lanes = {lane.name: lane for lane in policy_lanes(inp, rate, mix, np.zeros(2, bool), both)}
    assert list(lanes) == ["vip", "fast lane", "general"]
    assert lanes["vip"].lam == pytest.approx(0.25 * rate)
    assert lanes["fast lane"].lam == pytest.approx(0.75 * 0.6 * rate)
    assert lanes["general"].lam == pytest.approx(0.75 * 0.4 * rate)
    assert lanes["vip"].priority == 0 and lanes["general"].priority == 0  # VIPs left
    assert lanes["vip"].floor == 1
    pooled = policy_lanes(inp, rate, mix, np.array([False, True]), PeakPolicy())
    assert len(pooled) == 1 and pooled[0].priority == 0.25  # VIPs served first instead
    # cross-selling paused in interval 1: its customers are the paused copies of the types
    assert pooled[0].shares[0].tolist() == [0.6, 0.4, 0.0, 0.0]
    assert pooled[0].shares[1].tolist() == [0.0, 0.0, 0.6, 0.4]


def test_lane_counters_give_the_vip_and_fast_lanes_theirs_first() -> None:
    req = _frame(1.0, 3, required=5, fast=1, vip=1)
    lanes = policy_lanes(_inputs(), np.ones(3), np.tile([0.6, 0.4], (3, 1)), np.zeros(3, bool),
                         PeakPolicy(fast_lane=True, vip_counter=True))
    got = lane_counters(req, lanes, [5, 1, 0])
    assert got["vip"].tolist() == [1, 1, 0]
    assert got["fast lane"].tolist() == [1, 0, 0]
    assert got["general"].tolist() == [3, 0, 0]
    planned = lane_counters(req, lanes, None)
    assert planned["general"].tolist() == [3, 3, 3]


def test_the_policy_changes_the_figure() -> None:
    """Same customers, same 4 counters: pausing cross-selling shortens every visit, and a
    fast lane changes who waits. An evaluator that ignores the policy (the old pooled
    check) gives the same figure for all three and fails here."""
    inp = _inputs()
    req = _frame(0.6, 24, required=4, fast=1)
    kw = dict(replications=20, seed=3)
    base = simulate_plan(inp, req, **kw)
    paused = simulate_plan(inp, req, PeakPolicy(cross_sell_paused="all"), **kw)
    lane = simulate_plan(inp, req, PeakPolicy(fast_lane=True), **kw)
    w = {k: float(np.mean(v.day_mean_wait())) for k, v in
         (("base", base), ("paused", paused), ("lane", lane))}
    assert w["paused"] < 0.5 * w["base"]  # handling 6.0 -> 4.1 min: utilisation 0.90 -> 0.62
    quick = {k: float(v.quick_wait.sum() / v.quick_arrivals.sum()) for k, v in
             (("base", base), ("lane", lane))}
    assert quick["lane"] < 0.5 * quick["base"]  # quick customers stop queueing behind contracts
    assert np.array_equal(base.arrivals, paused.arrivals)  # same customers (common seeds)


def _ciw_lane_waits(rates: dict[str, float], mean: float, cv: float, servers: int,
                    minutes: float, seed: int) -> np.ndarray:
    """Ciw: one queue of two priority classes (VIP first, non-preemptive), lognormal service.

    Returns (summed wait, customers) of all and of the VIP customers arriving in
    [60, minutes - 60).
    """
    import ciw

    sig = math.sqrt(math.log1p(cv * cv))
    service = ciw.dists.Lognormal(math.log(mean) - sig * sig / 2, sig)
    ciw.seed(seed)
    net = ciw.create_network(
        arrival_distributions={k: [ciw.dists.Exponential(r)] for k, r in rates.items()},
        service_distributions={k: [service] for k in rates},
        number_of_servers=[servers],
        priority_classes={"vip": 0, "regular": 1})
    sim = ciw.Simulation(net)
    sim.simulate_until_max_time(minutes)
    recs = [r for r in sim.get_all_records() if 60 <= r.arrival_date < minutes - 60]
    vip = [r for r in recs if r.customer_class == "vip"]
    return np.array([sum(r.waiting_time for r in recs), len(recs),
                     sum(r.waiting_time for r in vip), len(vip)], float)


@pytest.mark.slow
def test_evaluator_agrees_with_ciw_under_the_full_policy() -> None:
    """Fast lane (1 counter) + 3 general counters, 20% VIPs served first, cross-selling paused:
    the evaluator's mean counter wait agrees with Ciw running the same two queues (each a
    two-class non-preemptive priority queue with lognormal service) within the 99% interval
    of their difference. Customers arriving in the first and last hour are left out (the
    evaluator's day starts empty and stops arriving at closing time)."""
    inp = _inputs(vip_share=0.2)
    rate, hours, reps = 0.8, 10, 30
    req = _frame(rate, hours * 4, required=4, fast=1)
    tot = simulate_plan(inp, req, PeakPolicy(fast_lane=True, cross_sell_paused="all"),
                        replications=reps, seed=11)
    keep = slice(4, hours * 4 - 4)
    ours = {"all": tot.wait[:, keep].sum(1) / tot.arrivals[:, keep].sum(1),
            "vip": tot.vip_wait[:, keep].sum(1) / tot.vip_arrivals[:, keep].sum(1)}
    runs = []
    for r in range(reps):
        sums = np.zeros(4)
        for share, mean, cv, servers in ((0.6, 1.5, 0.6, 1), (0.4, 8.0, 0.8, 3)):
            lam = rate * share  # cross-selling paused: the plain handling times
            sums += _ciw_lane_waits({"vip": 0.2 * lam, "regular": 0.8 * lam}, mean, cv,
                                    servers, hours * 60.0, 500 + 7 * r + servers)
        runs.append(sums)
    c = np.array(runs)
    theirs = {"all": c[:, 0] / c[:, 1], "vip": c[:, 2] / c[:, 3]}
    for k in ours:
        x, y = ours[k], theirs[k]
        se = math.sqrt(x.var(ddof=1) / reps + y.var(ddof=1) / reps)
        assert abs(x.mean() - y.mean()) < 2.66 * se, (k, x.mean(), y.mean(), se)
    assert theirs["vip"].mean() < 0.6 * theirs["all"].mean()  # the priority matters
    # the old check (one pooled queue, cross-selling on, no VIPs) is far off this figure
    old = simulate_plan(inp, req, PeakPolicy(vip_share=0.0), replications=reps, seed=11)
    y = theirs["all"]
    se = math.sqrt(ours["all"].var(ddof=1) / reps + y.var(ddof=1) / reps)
    assert abs(float(np.mean(old.day_mean_wait())) - y.mean()) > 5 * se


def test_simulated_check_runs_the_plans_policy(sample_dir: Path) -> None:
    """The plan's check (behind predicted_service_level) at the same counters: pausing
    cross-selling lowers the simulated wait. The old check added cross-selling time even when
    paused, so it reported the same figures with and without the pause."""
    from queueopt.forecast import forecast_arrivals
    from queueopt.io import load_dataset
    from queueopt.pipeline import simulated_check
    from queueopt.requirements import hall_requirements

    ds = load_dataset(sample_dir)
    fc = forecast_arrivals(ds.footfall_for("H05"), 1, calendar=ds.calendar, halls=ds.halls)
    req = hall_requirements(ds, "H05", fc, method="sipp")
    counters = req[["interval_start"]].assign(counters_open=np.maximum(req["required"] - 1, 1))
    kw = dict(replications=10, seed=2)
    inputs = hall_inputs(ds, "H05")
    plain = simulated_check(inputs, req, counters, **kw)
    paused = simulated_check(inputs, req, counters,
                             policy=PeakPolicy(cross_sell_paused="all"), **kw)
    w = [float((f["mean_wait"] * f["arrivals"]).sum() / f["arrivals"].sum())
         for f in (plain, paused)]
    assert w[1] < 0.8 * w[0]
    assert (paused["service_level"] >= plain["service_level"] - 0.05).all()


def test_kiosk_pool_is_simulated_from_the_frames_kiosk_arrivals() -> None:
    """Poisson kiosk arrivals: the simulated mean count lies within 4 standard errors of
    the frame's 8 x 6 = 48 a day; with 50 kiosks nobody waits; with one kiosk at utilisation
    0.9 customers do wait."""
    inp = _inputs()
    req = _frame(0.4, 8, required=3).assign(arrivals=6.0 + 6.0, kiosk_arrivals=6.0)
    many = simulate_plan(inp.with_kiosks(50), req, kiosks=True, replications=40, seed=1)
    per_day = many.kiosk_arrivals.sum(1)
    assert abs(per_day.mean() - 48.0) < 4 * math.sqrt(48.0 / 40)
    assert many.kiosk_wait.sum() == 0.0
    one = simulate_plan(inp.with_kiosks(1), req.assign(kiosk_arrivals=5.4), kiosks=True,
                        replications=40, seed=1)  # 0.36 a minute x 2.5 minutes = 0.9
    assert one.kiosk_wait.sum() / one.kiosk_arrivals.sum() > 1.0
    none = simulate_plan(inp, req, replications=5, seed=1)
    assert none.kiosk_arrivals.sum() == 0  # only on request
