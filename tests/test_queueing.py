"""Erlang B/C/A against hand-worked cases, 50-digit references, properties and simulation."""

from __future__ import annotations

import mpmath as mp
import numpy as np
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from queueopt.queueing import (
    _wait_scale,
    erlang_a,
    erlang_a_service_level,
    erlang_b,
    erlang_c,
    kiosk_pool,
    mean_wait,
    mix_moments,
    priority_mean_wait,
    priority_service_level,
    required_servers,
    service_level,
)
from queueopt.simulate import simulate_day


def _ref_erlang_c(c: int, a: float) -> mp.mpf:
    """Erlang C with 50 significant digits: the textbook sum, Cooper (1981) eq. 3.27."""
    mp.mp.dps = 50
    a = mp.mpf(a)
    terms = [mp.e ** (k * mp.log(a) - mp.loggamma(k + 1)) for k in range(c)]
    top = mp.e ** (c * mp.log(a) - mp.loggamma(c + 1)) * c / (c - a)
    return top / (mp.fsum(terms) + top)


def test_hand_worked_erlang_b_and_c() -> None:
    """B(2, A=1) = (1/2)/(1 + 1 + 1/2) = 0.2; C(2, A=1) = 2*0.2/(2 - 0.8) = 1/3."""
    assert erlang_b(1.0, 2) == pytest.approx(0.2, rel=1e-15)
    assert erlang_c(1.0, 1.0, 2) == pytest.approx(1 / 3, rel=1e-15)
    # M/M/1: P(wait) = rho, mean wait = rho/(mu - lambda)
    assert erlang_c(0.3, 2.0, 1) == pytest.approx(0.6)
    assert mean_wait(0.3, 2.0, 1) == pytest.approx(0.6 * 2.0 / (1 - 0.6))


@pytest.mark.parametrize("c,a", [(1, 0.5), (10, 8.7), (55, 50.0), (520, 500.0),
                                  (2050, 2000.0), (2001, 1999.5)])
def test_erlang_c_matches_50_digit_reference(c: int, a: float) -> None:
    got = float(erlang_c(a, 1.0, c))
    assert got == pytest.approx(float(_ref_erlang_c(c, a)), rel=1e-9)


def test_unstable_intervals_give_inf_not_an_exception() -> None:
    w = mean_wait([1.0, 2.0, 3.0], 1.0, 2)
    assert np.isfinite(w[0]) and np.isinf(w[1]) and np.isinf(w[2])
    assert service_level([3.0], 1.0, 2, 5.0)[0] == 0.0


@settings(max_examples=60, deadline=None)
@given(a=st.floats(0.01, 300), extra=st.integers(1, 40), t=st.floats(0, 30))
def test_properties(a: float, extra: int, t: float) -> None:
    """0 <= P(wait) <= 1, C >= B, SL monotone in servers."""
    c = int(np.floor(a)) + extra
    pw = float(erlang_c(a, 1.0, c))
    assert 0.0 <= pw <= 1.0
    assert pw >= float(erlang_b(a, c)) - 1e-15
    sl = service_level(a, 1.0, np.arange(c, c + 5), t)
    assert np.all(np.diff(sl) >= -1e-12)


@settings(max_examples=60, deadline=None)
@given(lam=st.floats(0.01, 20), s=st.floats(0.5, 20), t=st.floats(0.0, 20),
       tgt=st.floats(0.5, 0.99), scv=st.floats(0.2, 3))
def test_required_servers_is_the_minimum(lam: float, s: float, t: float, tgt: float,
                                         scv: float) -> None:
    c = int(required_servers(lam, s, t, tgt, scv))
    assert service_level(lam, s, c, t, scv) >= tgt - 1e-12
    if c > 1 and c - 1 > lam * s:
        assert service_level(lam, s, c - 1, t, scv) < tgt


def test_required_servers_docstring_figures_against_mpmath() -> None:
    """The docstring's ``[0, 5, 34]`` (λ = 0, 1, 10 per minute, 3-minute visits, 80% within
    30 s) is the fewest servers whose 50-digit Erlang C service level
    1 - C(c, A) exp(-(c - A) t / s) reaches 80% (A = 3 and 30 Erlangs; no server for no one)."""
    mp.mp.dps = 50

    def ref_min_servers(lam: float) -> int:
        a, c = lam * 3.0, int(lam * 3.0) + 1
        while 1 - _ref_erlang_c(c, a) * mp.e ** (-(c - a) * mp.mpf("0.5") / 3) < mp.mpf("0.8"):
            c += 1
        return c

    assert [0, ref_min_servers(1.0), ref_min_servers(10.0)] == [0, 5, 34]
    assert required_servers([0.0, 1.0, 10.0], 3.0, threshold=0.5, target=0.8).tolist() == [0, 5, 34]


def test_required_servers_vectorised_matches_scalar_search() -> None:
    rng = np.random.default_rng(5)
    lam, s = rng.uniform(0.05, 5, 500), rng.uniform(1, 10, 500)
    got = required_servers(lam, s, 10.0, 0.8, max_occupancy=0.9)
    for i in range(0, 500, 25):
        c = 1
        while not (c > lam[i] * s[i] and lam[i] * s[i] <= 0.9 * c
                   and service_level(lam[i], s[i], c, 10.0) >= 0.8):
            c += 1
        assert got[i] == c


@settings(max_examples=30, deadline=None)
@given(a=st.floats(0.1, 40), extra=st.integers(1, 10))
def test_erlang_a_tends_to_erlang_c(a: float, extra: int) -> None:
    c = max(int(np.floor(a)) + extra, int(np.ceil(a / 0.97)))
    r = erlang_a(a, 1.0, c, patience=1e7)
    assert float(r.p_wait) == pytest.approx(float(erlang_c(a, 1.0, c)), rel=1e-5, abs=1e-9)
    assert float(r.mean_wait) == pytest.approx(float(mean_wait(a, 1.0, c)), rel=1e-4, abs=1e-9)


def test_erlang_a_littles_law_and_flow_balance() -> None:
    """Abandonment rate θ E[Q] = λ P(ab) and E[Q] = λ E[W] (Little), even overloaded."""
    lam, s, c, pat = np.array([0.5, 2.4, 10.0]), 5.0, np.array([3, 10, 40]), 30.0
    r = erlang_a(lam, s, c, pat)
    assert np.allclose(r.mean_queue, lam * r.mean_wait)
    assert np.allclose(r.mean_queue / pat, lam * r.p_abandon)
    # served throughput never exceeds capacity
    assert np.all(lam * (1 - r.p_abandon) <= c / s + 1e-9)


def test_erlang_a_against_truncated_chain_by_hand() -> None:
    """M/M/1+M with λ=μ=θ=1: π_n ∝ 1/n!, so P(N >= 1) = 1 - 1/e, E[Q] = sum (n-1) π_n."""
    r = erlang_a(1.0, 1.0, 1, 1.0)
    e = np.e
    assert float(r.p_wait) == pytest.approx(1 - 1 / e, rel=1e-12)
    # E[N] = 1 for Poisson(1); E[Q] = E[N] - P(N >= 1) = 1/e
    assert float(r.mean_queue) == pytest.approx(1 / e, rel=1e-12)


def test_mix_moments_by_hand() -> None:
    """Two types, 50/50, means 1 and 3, cv 0: mean 2, E[S^2] = 5, scv = 5/4 - 1."""
    m, scv = mix_moments([0.5, 0.5], [1.0, 3.0], [0.0, 0.0])
    assert float(m) == pytest.approx(2.0)
    assert float(scv) == pytest.approx(0.25)


def test_priority_waits_conserve_work() -> None:
    """Kleinrock's conservation law: the share-weighted class waits equal the FCFS wait."""
    lv, lr, s, c = 0.2, 1.3, 3.0, 6
    wv, wr = priority_mean_wait(lv, lr, s, c)
    fcfs = mean_wait(lv + lr, s, c)
    assert (lv * wv + lr * wr) / (lv + lr) == pytest.approx(float(fcfs), rel=1e-12)
    assert wv < fcfs < wr


@pytest.mark.slow
def test_erlang_c_inside_simulation_confidence_interval() -> None:
    """Stationary M/M/5 at ρ = 0.8: the exact mean wait lies in the replication CI."""
    res = simulate_day([1.0] * 200, [5] * 200, shares=[1.0], handle_mean=[4.0],
                       handle_cv=[1.0], replications=40, rng=11, service="exponential")
    w = res.wait_sum[:, 20:].sum(1) / res.arrivals[:, 20:].sum(1)
    half = 2.02 * w.std(ddof=1) / np.sqrt(len(w))
    assert abs(w.mean() - float(mean_wait(1.0, 4.0, 5))) < half


@pytest.mark.slow
def test_erlang_a_inside_simulation_confidence_interval() -> None:
    res = simulate_day([1.0] * 200, [4] * 200, shares=[1.0], handle_mean=[4.0],
                       handle_cv=[1.0], patience=10.0, replications=40, rng=12,
                       service="exponential")
    ab = res.abandoned[:, 20:].sum(1) / res.arrivals[:, 20:].sum(1)
    half = 2.02 * ab.std(ddof=1) / np.sqrt(len(ab))
    assert abs(ab.mean() - float(erlang_a(1.0, 4.0, 4, 10.0).p_abandon)) < half


@pytest.mark.slow
def test_general_service_mix_within_tolerance_of_simulation() -> None:
    """The counter mix of issue 3 (60% 1.5, 25% 6, 15% 15 min, lognormal cv 0.6):
    Allen-Cunneen's mean wait is within 15% of simulation where Erlang C is ~20% low."""
    shares, means, cvs = [0.6, 0.25, 0.15], [1.5, 6.0, 15.0], [0.6, 0.6, 0.6]
    m, scv = mix_moments(shares, means, cvs)
    c, rho = 8, 0.85
    lam = rho * c / float(m)
    res = simulate_day([lam] * 300, [c] * 300, shares=shares, handle_mean=means,
                       handle_cv=cvs, replications=20, rng=3)
    sim = res.wait_sum[:, 30:].sum() / res.arrivals[:, 30:].sum()
    ac = float(mean_wait(lam, m, c, scv))
    ec = float(mean_wait(lam, m, c))
    assert abs(ac - sim) / sim < 0.15
    assert abs(ac - sim) < abs(ec - sim)


@given(st.floats(0.0, 4.0), st.floats(0.05, 0.999), st.integers(1, 200))
@settings(max_examples=200, deadline=None)
def test_whitt_factor_properties(scv: float, rho: float, c: int) -> None:
    """φ(1 + scv)/2: exact (1) at scv = 1, positive, monotone in scv, (1 + scv)/2 for one server
    in heavy traffic, and within Whitt's bounds of the Allen-Cunneen factor."""
    f = float(_wait_scale(scv, rho * c, c))
    assert float(_wait_scale(1.0, rho * c, c)) == pytest.approx(1.0, abs=1e-12)
    assert f > 0
    assert float(_wait_scale(scv + 0.5, rho * c, c)) > f
    assert 0.7 * (1 + scv) / 2 <= f <= 1.25 * (1 + scv) / 2
    assert float(_wait_scale(scv, 0.9999 * c, c)) == pytest.approx((1 + scv) / 2, rel=1e-3)


def test_priority_service_level_by_hand_and_properties() -> None:
    # VIP: 1 - C exp(-(c/s - lv) t); two counters, 1-minute handling, 0.5 VIP + 0.5 regular / min
    v, r = priority_service_level(0.5, 0.5, 1.0, 2, 1.0)
    pw = 1 / 3
    assert float(v) == pytest.approx(1 - pw * np.exp(-1.5), rel=1e-12)
    # regular: the inverted tail integrates to Cobham's mean conditional wait
    from scipy.integrate import quad

    from queueopt.queueing import _regular_wait_tail
    wv, wr = priority_mean_wait(0.5, 0.5, 1.0, 2)
    area, _ = quad(lambda x: float(_regular_wait_tail(0.5, 2.0, 0.5, x)), 0, 200, limit=200)
    assert area == pytest.approx(float(wr) / pw, rel=1e-6)
    assert 0 < float(r) < 1
    # no VIPs: the regular class is plain Erlang C
    assert float(priority_service_level(0.0, 1.0, 1.0, 2, 1.0)[1]) == pytest.approx(
        float(service_level(1.0, 1.0, 2, 1.0)), abs=1e-9)
    assert float(v) > float(service_level(1.0, 1.0, 2, 1.0)) > float(r)
    # unstable regular class: 0, never an exception
    v, r = priority_service_level(0.5, 2.0, 1.0, 2, 1.0)
    assert float(r) == 0.0 and 0 < float(v) < 1


def test_kiosk_pool_splits_demand() -> None:
    k = kiosk_pool([1.0, 3.0], 0.5, 0.4, 5.0, 2, threshold=5.0, kiosk_handle_time_scv=0.5)
    assert k.arrival_rate.tolist() == pytest.approx([0.2, 0.6])
    assert (k.arrival_rate + k.counter_rate).tolist() == pytest.approx([1.0, 3.0])
    assert k.mean_wait[0] == pytest.approx(float(mean_wait(0.2, 5.0, 2, 0.5)))
    assert k.mean_wait[1] == np.inf and k.service_level[1] == 0.0
    with pytest.raises(ValueError, match="adoption"):
        kiosk_pool(1.0, 0.5, 3.0, 5.0, 2, 5.0)


@pytest.mark.slow
def test_priority_service_levels_inside_simulation() -> None:
    """M/M/3 at ρ = 0.9 with 25% VIPs, 2-minute threshold: both exact class service levels
    against 40 replications (VIP inside the CI, regular within 1.5 points)."""
    lam, s, c, vip, thr = 0.9, 3.0, 3, 0.25, 2.0
    res = simulate_day([lam] * 320, [c] * 320, shares=[1.0], handle_mean=[s], handle_cv=[1.0],
                       vip_share=vip, threshold=thr, replications=40, rng=31,
                       service="exponential")
    sl_v_rep = res.vip_within[:, 30:].sum(1) / res.vip_arrivals[:, 30:].sum(1)
    reg_within = res.within[:, 30:].sum(1) - res.vip_within[:, 30:].sum(1)
    reg_arr = res.arrivals[:, 30:].sum(1) - res.vip_arrivals[:, 30:].sum(1)
    sl_r_rep = reg_within / reg_arr
    ev, er = priority_service_level(vip * lam, (1 - vip) * lam, s, c, thr)
    half = 2.03 * sl_v_rep.std(ddof=1) / np.sqrt(len(sl_v_rep))
    assert abs(sl_v_rep.mean() - float(ev)) < half
    assert abs(sl_r_rep.mean() - float(er)) < 0.015


@pytest.mark.slow
def test_kiosk_pool_against_simulation() -> None:
    """Kiosks in the simulator (their own queue, 40% of eligible arrivals) vs kiosk_pool."""
    lam = 2.0
    res = simulate_day([lam] * 240, [12] * 240, shares=[0.5, 0.5], handle_mean=[3.0, 5.0],
                       handle_cv=[0.5, 0.5], kiosks=4, kiosk_eligible=[True, False],
                       kiosk_adoption=0.45, kiosk_mean=[6.0, 6.0], kiosk_cv=0.5,
                       replications=20, rng=41)
    k = kiosk_pool(lam, 0.5, 0.45, 6.0, 4, threshold=10.0, kiosk_handle_time_scv=0.25)
    w = res.kiosk_wait_sum[:, 24:].sum(1) / res.kiosk_arrivals[:, 24:].sum(1)
    rate = res.kiosk_arrivals.sum(1) / (240 * 15)
    assert abs(rate.mean() - float(k.arrival_rate)) < 0.01
    assert abs(w.mean() - float(k.mean_wait)) / w.mean() < 0.08


@pytest.mark.slow
def test_whitt_factor_fixes_light_traffic_with_many_counters() -> None:
    """8 counters at ρ = 0.65 with the issue's mix: plain Allen-Cunneen overshoots by ~10%;
    with Whitt's factor the approximation is within 5% of a long simulation."""
    shares, means, cvs = [0.6, 0.25, 0.15], [1.5, 6.0, 15.0], [0.6, 0.6, 0.6]
    m, scv = mix_moments(shares, means, cvs)
    c, rho = 8, 0.65
    lam = rho * c / float(m)
    res = simulate_day([lam] * 400, [c] * 400, shares=shares, handle_mean=means,
                       handle_cv=cvs, replications=60, rng=5)
    sim = res.wait_sum[:, 20:].sum() / res.arrivals[:, 20:].sum()
    approx = float(mean_wait(lam, m, c, scv))
    allen_cunneen = float(mean_wait(lam, m, c)) * (1 + float(scv)) / 2
    assert abs(approx - sim) / sim < 0.05
    assert allen_cunneen > 1.07 * sim
    assert abs(approx - sim) < abs(allen_cunneen - sim)


@pytest.mark.parametrize("kw, name", [
    (dict(arrival_rate=[1.0, np.nan]), "arrival_rate"),
    (dict(arrival_rate=[1.0, -1.0]), "arrival_rate"),
    (dict(arrival_rate=[1.0, np.inf]), "arrival_rate"),
    (dict(handle_time=0.0), "handle_time"),
    (dict(threshold=-1.0), "threshold"),
    (dict(target=1.5), "target"),
    (dict(max_occupancy=0.0), "max_occupancy"),
])
def test_required_servers_rejects_bad_input_naming_the_parameter(kw: dict, name: str) -> None:
    args = dict(arrival_rate=[1.0, 2.0], handle_time=3.0, threshold=1.0, target=0.8)
    args.update(kw)
    with pytest.raises(ValueError, match=name):
        required_servers(**args)


@given(st.floats(0.05, 30.0), st.integers(1, 40), st.floats(0.2, 60.0))
@settings(max_examples=60, deadline=None)
def test_erlang_a_service_level_limits(a: float, c: int, patience: float) -> None:
    """t = 0: the share not waiting; t -> inf: the share served (1 - P(abandon)); monotone in t;
    overloaded intervals included (abandonment keeps them stable)."""
    r = erlang_a(a / 3.0, 3.0, c, patience)
    sl = erlang_a_service_level(a / 3.0, 3.0, c, patience, [0.0, 1.0, 5.0, 1e7])
    assert sl[0] == pytest.approx(1 - float(r.p_wait), abs=1e-9)
    assert sl[-1] == pytest.approx(1 - float(r.p_abandon), abs=1e-9)
    assert np.all(np.diff(sl) >= -1e-12)


def test_erlang_a_service_level_tends_to_erlang_c() -> None:
    got = erlang_a_service_level(1.0, 4.0, [5, 6, 8], 1e8, 2.0)
    want = service_level(1.0, 4.0, [5, 6, 8], 2.0)
    assert got == pytest.approx(want, abs=1e-6)


@pytest.mark.slow
def test_erlang_a_service_level_against_long_simulation() -> None:
    from queueopt.simulate import serve_queue
    lam, s, c, pat, t = 1.0, 4.0, 4, 10.0, 2.0
    g = np.random.default_rng(100)
    n = 600_000
    arrive = np.cumsum(g.exponential(1 / lam, n))
    call, _ = serve_queue(arrive, g.exponential(s, n), g.exponential(pat, n), np.zeros(n, bool),
                          np.array([c]), 1e15, 0.0)
    w = (call - arrive)[n // 10:]
    sim = np.mean(~np.isnan(w) & (w <= t))
    assert abs(sim - float(erlang_a_service_level(lam, s, c, pat, t))) < 0.005


def test_max_arrival_rate_inverts_required_servers() -> None:
    """For 1..400 servers, just below the capacity the servers suffice, just above they do not."""
    from queueopt.queueing import max_arrival_rate

    c = np.arange(1, 401)
    for scv, mw in ((1.0, np.inf), (0.6, 2.0)):
        lam = max_arrival_rate(4.0, c, threshold=10.0, target=0.8, handle_time_scv=scv,
                               max_mean_wait=mw)
        assert np.all(np.diff(lam) > 0) and np.all(lam < c / 4.0)
        below = required_servers(lam * (1 - 1e-6), 4.0, 10.0, 0.8, scv, 1.0, mw)
        above = required_servers(lam * (1 + 1e-6), 4.0, 10.0, 0.8, scv, 1.0, mw)
        assert np.array_equal(below, c) and np.all(above == c + 1)
    assert max_arrival_rate(4.0, 0, 10.0, 0.8) == 0.0


def test_edges_by_hand() -> None:
    """Edge values worked by hand (each kills a mutant that survived the mutation run):
    at A = c the queue never empties (P(wait) = 1, wait inf); with no customers Erlang A has
    no wait; a target of 0 still needs a stable queue (fewest c > A = 3 is 4); a kiosk
    adoption of 0 or 1 is a valid share; the VIP class of a non-preemptive priority M/M/2
    (λ_v = 0.5, λ_r = 1, s = 1) waits past t = 2 with probability C(2, 1.5) e^{-(2 - 0.5) 2},
    C(2, 1.5) = 9/14 (B = 1.125 / 3.625, C = 2B / (2 - 1.5 (1 - B)))."""
    import math

    assert erlang_c(2.0, 1.0, 2) == 1.0 and np.isinf(mean_wait(2.0, 1.0, 2))
    r = erlang_a(0.0, 4.0, 3, patience=10.0)
    assert float(r.p_wait) == 0.0 and float(r.mean_wait) == 0.0
    assert int(required_servers(1.0, 3.0, 0.5, 0.0)) == 4
    assert float(kiosk_pool(2.0, 0.0, 0.5, 6.0, 2, threshold=10.0).counter_rate) == 2.0
    assert float(kiosk_pool(2.0, 1.0, 0.5, 6.0, 2, threshold=10.0).arrival_rate) == 1.0
    vip, _ = priority_service_level(0.5, 1.0, 1.0, 2, threshold=2.0)
    assert float(vip) == pytest.approx(1 - 9 / 14 * math.exp(-3.0), rel=1e-12)
