"""The hall-day simulator: hand-worked queues, seeds, input checks, theory and Ciw."""

from __future__ import annotations

import math

import numpy as np
import pytest

from queueopt.queueing import mean_wait, priority_mean_wait
from queueopt.simulate import serve_queue, simulate_day

INF = np.inf


def _serve(arrive, service, servers, patience=None, vip=None, interval=15.0):
    n = len(arrive)
    return serve_queue(np.asarray(arrive, float), np.asarray(service, float),
                       np.full(n, INF) if patience is None else np.asarray(patience, float),
                       np.zeros(n, bool) if vip is None else np.asarray(vip, bool),
                       np.asarray(servers, np.int64), interval, 0.0)


def test_single_counter_fifo_by_hand() -> None:
    """Arrivals 0, 1, 2 with 3-minute services on one counter are called at 0, 3, 6."""
    call, server = _serve([0.0, 1.0, 2.0], [3.0, 3.0, 3.0], [1])
    assert call.tolist() == [0.0, 3.0, 6.0]
    assert server.tolist() == [0, 0, 0]


def test_two_counters_by_hand() -> None:
    call, _ = _serve([0.0, 0.5, 1.0, 1.5], [4.0, 2.0, 1.0, 1.0], [2])
    # counter B frees at 2.5 (takes #2), then at 3.5 (takes #3)
    assert call.tolist() == [0.0, 0.5, 2.5, 3.5]


def test_vip_is_served_first_without_preemption() -> None:
    """A VIP arriving behind two regulars is called next, but the one in service finishes."""
    call, _ = _serve([0.0, 0.1, 0.2, 0.3], [5.0, 1.0, 1.0, 1.0], [1],
                     vip=[False, False, False, True])
    assert call[0] == 0.0
    assert call[3] == 5.0  # VIP next, after the customer in service
    assert call[1] == 6.0 and call[2] == 7.0


def test_impatient_customer_leaves_and_is_not_called() -> None:
    call, server = _serve([0.0, 1.0, 2.0], [10.0, 1.0, 1.0], [1], patience=[INF, 3.0, INF])
    assert math.isnan(call[1]) and server[1] == -1  # would wait until 10, leaves at 4
    assert call[2] == 10.0


def test_closing_counter_finishes_its_customer_and_opening_one_starts_work() -> None:
    """Two counters in interval 0 (0-15 min), one from 15 min on."""
    call, _ = _serve([0.0, 1.0, 14.0, 14.5], [20.0, 20.0, 1.0, 1.0], [2, 1])
    # both in service past 15 min; at 20 one frees but only one counter is open and
    # the second is still busy until 21, so #2 waits until 21 (busy count 1 < 1 fails).
    assert call[0] == 0.0 and call[1] == 1.0
    assert call[2] == 21.0 and call[3] == 22.0
    call, _ = _serve([0.0, 1.0], [30.0, 1.0], [1, 2])  # second counter opens at 15
    assert call[1] == 15.0


def test_seed_reproducible_and_shapes() -> None:
    kw = dict(shares=[0.6, 0.4], handle_mean=[2.0, 6.0], handle_cv=[0.6, 0.8],
              patience=20.0, vip_share=0.05, kiosks=2, kiosk_eligible=[True, False],
              kiosk_adoption=0.4, replications=3)
    a = simulate_day([1.0] * 12, [3] * 12, rng=5, **kw)
    b = simulate_day([1.0] * 12, [3] * 12, rng=np.random.default_rng(5), **kw)
    assert np.array_equal(a.wait_sum, b.wait_sum) and np.array_equal(a.arrivals, b.arrivals)
    assert a.arrivals.shape == (3, 12) and a.kiosk_arrivals.sum() > 0
    frame = a.to_frame()
    assert list(frame["interval"]) == list(range(12))
    assert ((frame["service_level"] >= 0) & (frame["service_level"] <= 1)).all()
    m, lo, hi = a.mean_wait_ci()
    assert lo <= m <= hi
    m, lo, hi = a.abandonment_ci()
    assert 0 <= lo <= m <= hi
    for col in ("mean_wait", "service_level", "abandonment", "queue_end"):
        ok = frame[f"{col}_low"].notna()
        assert (frame.loc[ok, f"{col}_low"] <= frame.loc[ok, f"{col}_high"]).all()


def test_interval_ci_by_hand() -> None:
    """Three replications of one interval with waits 1, 2, 3 minutes per customer."""
    from queueopt.simulate import SimulationResult
    one = np.ones((3, 1), np.int64)
    res = SimulationResult(interval_minutes=15, threshold=2.0, arrivals=one * 2,
                           within=np.array([[2], [1], [0]]), abandoned=0 * one,
                           wait_sum=np.array([[2.0], [4.0], [6.0]]), queue_end=one,
                           kiosk_arrivals=0 * one, kiosk_within=0 * one,
                           kiosk_wait_sum=np.zeros((3, 1)), vip_arrivals=0 * one,
                           vip_within=0 * one)
    mean, low, high = res.interval_ci("mean_wait")
    half = 4.302652729911275 * 1.0 / np.sqrt(3)  # t(0.975, 2) x sd 1 / sqrt(3)
    assert mean[0] == pytest.approx(2.0) and high[0] - mean[0] == pytest.approx(half)
    assert res.interval_ci("service_level")[0][0] == pytest.approx(0.5)
    with pytest.raises(ValueError, match="metric"):
        res.interval_ci("waits")


def test_counts_add_up() -> None:
    r = simulate_day([2.0] * 20, [6] * 20, shares=[1.0], handle_mean=[4.0], handle_cv=[0.5],
                     patience=5.0, kiosks=1, kiosk_eligible=[True], kiosk_adoption=0.3,
                     replications=4, rng=2)
    assert np.all(r.within + r.abandoned <= r.arrivals)
    assert np.all(r.vip_within <= r.vip_arrivals)
    total = r.arrivals.sum() + r.kiosk_arrivals.sum()
    assert 0.85 * 2.0 * 15 * 20 * 4 < total < 1.15 * 2.0 * 15 * 20 * 4


@pytest.mark.parametrize("bad", [
    dict(counters=[3] * 5),
    dict(arrival_rate=[-1.0] * 8),
    dict(service="gamma"),
    dict(counters=[-1] * 8),
    dict(replications=0),
    dict(shares=[-1.0]),
    dict(handle_mean=[0.0]),
    dict(handle_mean=[1.0, 2.0]),
    dict(handle_cv=[-0.5]),
    dict(kiosks=-1),
])
def test_bad_input_names_the_parameter(bad: dict) -> None:
    kw = dict(arrival_rate=[1.0] * 8, counters=[3] * 8, shares=[1.0], handle_mean=[3.0],
              handle_cv=[0.5], replications=1, rng=0)
    kw.update(bad)
    name = next(iter(bad))
    with pytest.raises(ValueError, match=name):
        simulate_day(kw.pop("arrival_rate"), kw.pop("counters"), **kw)


@pytest.mark.slow
def test_vip_priority_waits_match_cobham() -> None:
    """Non-preemptive priority M/M/4 at ρ = 0.85 with 20% VIPs: each class's mean wait lies in
    the replications' 99% interval around Cobham's formula (Cobham 1954; Kleinrock vol. 2),
    and the whole population's mean wait is the plain Erlang C one (the conservation law).
    A simulator that ignores the priority gives both classes the Erlang C wait (4.6 min)
    instead of 0.83 (VIP) and 5.5 (regular) and fails the class checks (tried)."""
    lam, s, c, vip = 0.85, 4.0, 4, 0.2
    res = simulate_day([lam] * 240, [c] * 240, shares=[1.0], handle_mean=[s], handle_cv=[1.0],
                       vip_share=vip, replications=30, rng=21, service="exponential")
    wv, wr = (float(x) for x in priority_mean_wait(vip * lam, (1 - vip) * lam, s, c))
    keep = slice(24, None)  # warm-up: the hall opens empty
    arr, wsum = res.arrivals[:, keep], res.wait_sum[:, keep]
    v_arr, v_sum = res.vip_arrivals[:, keep], res.vip_wait_sum[:, keep]
    per_rep = {
        "vip": (v_sum.sum(1) / v_arr.sum(1), wv),
        "regular": ((wsum - v_sum).sum(1) / (arr - v_arr).sum(1), wr),
        "all": (wsum.sum(1) / arr.sum(1), float(mean_wait(lam, s, c))),
    }
    for name, (x, exact) in per_rep.items():
        half = 2.76 * x.std(ddof=1) / np.sqrt(len(x))  # t(29), 99%
        assert abs(x.mean() - exact) < half, (name, x.mean(), exact, half)
    assert wv < 0.5 * wr  # the classes really differ: the check above has teeth


# ------------------------------------------------------------------ Ciw
SHARES = [0.6, 0.25, 0.15]
MEANS = [1.5, 6.0, 15.0]
CVS = [0.6, 0.6, 0.6]


def ciw_day_waits(rates: list[float], counters: list[int], interval: float, seed: int,
                  threshold: float) -> tuple[float, float, int]:
    """One hall-day in Ciw: (mean wait, service level, customers), waits to first call."""
    import ciw

    n = len(rates)
    ends = [interval * (i + 1) for i in range(n)]
    sig = [math.sqrt(math.log1p(v * v)) for v in CVS]
    dists = [ciw.dists.Lognormal(math.log(m) - s * s / 2, s) for m, s in zip(MEANS, sig)]
    schedule = ciw.Schedule(numbers_of_servers=list(counters) + [counters[-1]],
                            shift_end_dates=ends + [ends[-1] + 1e6], preemption="resume")
    ciw.seed(seed)  # before the network: PoissonIntervals samples its arrivals when built
    net = ciw.create_network(
        arrival_distributions=[ciw.dists.PoissonIntervals(rates, ends, ends[-1])],
        service_distributions=[ciw.dists.MixtureDistribution(dists, SHARES)],
        number_of_servers=[schedule])
    sim = ciw.Simulation(net)
    sim.simulate_until_max_time(ends[-1] + 2_000)
    first: dict[int, float] = {}
    arrive: dict[int, float] = {}
    for rec in sim.get_all_records():
        first[rec.id_number] = min(first.get(rec.id_number, INF), rec.service_start_date)
        arrive[rec.id_number] = rec.arrival_date
    w = np.array([first[k] - arrive[k] for k in first])
    return float(w.mean()), float((w <= threshold).mean()), len(w)


@pytest.mark.slow
def test_simulator_agrees_with_ciw() -> None:
    """Same hall-day (changing rate and counters, lognormal mix) in both simulators:
    day mean wait and service level agree within the 95% CI of their difference."""
    rates = [0.6] * 8 + [1.1] * 8 + [0.8] * 8
    counters = [4] * 8 + [6] * 8 + [5] * 8
    reps = 40
    ours = simulate_day(rates, counters, shares=SHARES, handle_mean=MEANS, handle_cv=CVS,
                        threshold=5.0, replications=reps, rng=8)
    w_o, sl_o = ours.day_mean_wait(), ours.day_service_level()
    ciw_runs = np.array([ciw_day_waits(rates, counters, 15.0, 100 + r, 5.0)[:2]
                         for r in range(reps)])
    w_c, sl_c = ciw_runs[:, 0], ciw_runs[:, 1]
    for x, y in ((w_o, w_c), (sl_o, sl_c)):
        se = math.sqrt(x.var(ddof=1) / len(x) + y.var(ddof=1) / len(y))
        assert abs(x.mean() - y.mean()) < 1.99 * se, (x.mean(), y.mean(), se)
    assert w_o.mean() > 0.3  # a real queue, not an empty hall


def test_simulate_many_days_concatenates_independent_days() -> None:
    from queueopt.simulate import simulate
    kw = dict(shares=[0.7, 0.3], handle_mean=[2.0, 8.0], handle_cv=[0.5, 0.5], replications=4)
    two = simulate([[0.5] * 6, [1.5] * 6], [[2] * 6, [6] * 6], rng=3, **kw)
    assert two.arrivals.shape == (4, 12)
    assert two.arrivals[:, 6:].sum() > 2 * two.arrivals[:, :6].sum()  # day two is busier
    one = simulate([0.5] * 6, [2] * 6, rng=3, **kw)
    first = simulate_day([0.5] * 6, [2] * 6, rng=3, **kw)
    assert np.array_equal(one.wait_sum, first.wait_sum)
    with pytest.raises(ValueError, match="counters"):
        simulate([[0.5] * 6], [[2] * 5], rng=3, **kw)


def test_queue_at_interval_end_by_hand() -> None:
    """No counter open for two intervals: everyone who arrived is still waiting at each end."""
    r = simulate_day([1.0, 1.0, 0.0, 0.0], [0, 0, 5, 5], shares=[1.0], handle_mean=[2.0],
                     handle_cv=[0.5], replications=3, rng=4)
    a = r.arrivals
    assert np.array_equal(r.queue_end[:, 0], a[:, 0])
    # at 30 min five counters open and call five customers at that very instant
    assert np.array_equal(r.queue_end[:, 1], a[:, 0] + a[:, 1] - 5)
    assert np.all(r.queue_end[:, 3] == 0)  # 5 counters clear ~30 customers in 15 min
    assert np.all(r.within[:, 0] == 0)  # threshold 10 min: interval-0 arrivals wait >= 15
    assert np.all(r.abandoned == 0) and np.all(np.isfinite(r.wait_sum))  # all served later


def test_emergency_counter_by_hand() -> None:
    """One counter, customers at 0, 1, 2 (5 minutes each); the rule opens a counter after 3
    minutes of waiting: customer 1 (waiting since 1) is called at 4 on the extra counter,
    customer 2 at 5 when the first counter frees; the rule ends at 5 (nobody left waiting)."""
    log: list[tuple[float, float]] = []
    call, server = serve_queue(np.array([0.0, 1.0, 2.0]), np.full(3, 5.0), np.full(3, INF),
                               np.zeros(3, bool), np.array([1, 1], np.int64), 15.0, 0.0,
                               emergency_after=3.0, emergency_counters=1, emergency_log=log)
    assert call.tolist() == [0.0, 4.0, 5.0]
    assert log == [(4.0, 5.0)]


def test_emergency_rule_at_zero_equals_more_counters() -> None:
    """Opening e counters whenever anyone waits is the same as c + e counters all day."""
    kw = dict(shares=[0.7, 0.3], handle_mean=[3.0, 9.0], handle_cv=[0.8, 0.5],
              replications=40, rng=5, patience=20.0)
    lam = [0.6, 1.1, 1.4, 1.2, 0.7, 0.5] * 2
    rule = simulate_day(lam, [3] * 12, emergency_after=0.0, emergency_counters=2, **kw)
    more = simulate_day(lam, [5] * 12, **kw)
    assert np.allclose(rule.wait_sum, more.wait_sum) and np.array_equal(rule.within, more.within)
    assert rule.emergency_minutes.sum() > 0 and more.emergency_minutes.sum() == 0


def test_emergency_counter_cuts_waits_only_when_triggered() -> None:
    kw = dict(shares=[1.0], handle_mean=[4.0], handle_cv=[0.8], replications=60, rng=2)
    lam, c = [1.0] * 16, [3] * 16  # overloaded: rho = 4/3
    base = simulate_day(lam, c, **kw)
    rule = simulate_day(lam, c, emergency_after=10.0, **kw)
    assert rule.day_mean_wait().mean() < 0.5 * base.day_mean_wait().mean()
    assert (rule.emergency_minutes.sum(1) > 0).all()
    never = simulate_day(lam, c, emergency_after=1e9, **kw)
    assert np.array_equal(never.wait_sum, base.wait_sum) and never.emergency_minutes.sum() == 0
    with pytest.raises(ValueError, match="emergency_after"):
        simulate_day(lam, c, emergency_after=-1.0, **kw)
