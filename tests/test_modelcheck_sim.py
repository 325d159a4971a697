"""The staffing simulation replayed on observed days, against models it did not produce."""

from __future__ import annotations

import numpy as np
import pandas as pd
import pytest

from queueopt import queueing
from queueopt.modelcheck_sim import shrunk_handle_minutes, simulate_observed


def _day(arrivals: list[float], staff: list[float], handle: float = 3.0,
         minutes: int = 30) -> pd.DataFrame:
    start = pd.Timestamp("2026-03-02 08:00")
    return pd.DataFrame({
        "interval_start": pd.date_range(start, periods=len(arrivals), freq=f"{minutes}min"),
        "arrivals": arrivals, "abandoned": 0.0, "handle_minutes": handle,
        "staff_observed": staff})


def test_steady_day_matches_erlang_a() -> None:
    """Ten hours at 1.5 calls a minute, 5 agents, 3-minute calls (SCV 1, lognormal), patience 6:
    after the first hour (the hall opens empty) each hour's simulated mean wait, share in time
    and share who left are Erlang A's within the simulation's own noise, with Poisson counts
    (Erlang A's own assumption; a replay of known counts has less variable arrivals)."""
    fine = _day([45.0] * 20, [5.0] * 20)
    got = simulate_observed(fine, sim_minutes=30, check_minutes=60, handle_factor=1.0,
                            handle_cv=1.0, patience=6.0, vip_share=0.0, threshold=1.0,
                            replications=60, seed=1, fixed_arrivals=False)
    ea = queueing.erlang_a(1.5, 3.0, 5, 6.0)
    sl = float(queueing.erlang_a_service_level(1.5, 3.0, 5, 6.0, 1.0))
    later = got.iloc[1:]
    assert later["predicted_mean_wait"].mean() == pytest.approx(float(ea.mean_wait), rel=0.12)
    assert later["predicted_abandonment"].mean() == pytest.approx(float(ea.p_abandon), rel=0.12)
    assert later["predicted_service_level"].mean() == pytest.approx(sl, abs=0.03)


def test_queue_carries_over_into_a_quiet_hour() -> None:
    """An overloaded hour (3 calls a minute, 4 agents) then a quiet one (0.5 a minute): the
    stationary formula gives the quiet hour almost no wait; the replay carries the queue over."""
    fine = _day([90.0, 90.0, 15.0, 15.0], [4.0] * 4)
    got = simulate_observed(fine, sim_minutes=30, check_minutes=60, handle_factor=1.0,
                            handle_cv=1.0, patience=10.0, vip_share=0.0, threshold=1.0,
                            replications=40, seed=2)
    stationary = float(queueing.erlang_a(0.5, 3.0, 4, 10.0).mean_wait)
    assert stationary < 0.1
    assert got["predicted_mean_wait"].iloc[1] > 5 * stationary + 0.3


def test_fractional_staff_lies_between_the_whole_counts() -> None:
    kw = dict(sim_minutes=30, check_minutes=60, handle_factor=1.0, handle_cv=1.0,
              patience=6.0, vip_share=0.0, threshold=1.0, replications=20, seed=3)
    w = {c: simulate_observed(_day([45.0] * 4, [c] * 4), **kw)["predicted_mean_wait"].mean()
         for c in (4.0, 4.25, 5.0)}
    assert w[4.25] == pytest.approx(0.75 * w[4.0] + 0.25 * w[5.0])
    with pytest.raises(ValueError, match="multiple"):
        simulate_observed(_day([45.0] * 4, [5.0] * 4), **{**kw, "check_minutes": 45})


def test_handle_factor_scales_the_load() -> None:
    """A factor f on handling times equals recorded times f times as long."""
    kw = dict(sim_minutes=30, check_minutes=60, handle_cv=1.0, patience=6.0, vip_share=0.0,
              threshold=1.0, replications=20, seed=4)
    a = simulate_observed(_day([40.0] * 4, [5.0] * 4, handle=3.0), handle_factor=1.2, **kw)
    b = simulate_observed(_day([40.0] * 4, [5.0] * 4, handle=3.6), handle_factor=1.0, **kw)
    assert np.allclose(a.to_numpy(), b.to_numpy())


def test_patience_per_type_by_hand() -> None:
    """One counter, 0.2 callers a minute, 2-minute exponential calls; half the callers leave
    at once if not called (patience 0.001 min), half never leave. Only the patient half and the
    impatient callers who find the counter free are served, so the busy share is
    rho = 0.2 + 0.2 (1 - rho) = 1/3, and by PASTA the share who leave is 0.5 * 1/3 = 1/6.
    One patience for all (the mean of the two would be 500 minutes) gives almost no leavers."""
    from queueopt.simulate import simulate_day

    kw = dict(shares=[0.5, 0.5], handle_mean=[2.0, 2.0], handle_cv=[1.0, 1.0],
              interval_minutes=60, threshold=1.0, replications=60, service="exponential", rng=9)
    per_type = simulate_day([0.2] * 24, [1] * 24, patience=[0.001, 1e9], **kw)
    left = per_type.abandoned[:, 2:].sum() / per_type.arrivals[:, 2:].sum()
    assert left == pytest.approx(1 / 6, abs=0.012)
    pooled = simulate_day([0.2] * 24, [1] * 24, patience=500.0, **kw)
    assert pooled.abandoned.sum() / pooled.arrivals.sum() < 0.02
    same = simulate_day([0.2] * 24, [1] * 24, patience=[500.0, 500.0], **kw)
    assert np.array_equal(same.wait_sum, pooled.wait_sum)  # one patience per type = one for all
    with pytest.raises(ValueError, match="one per type"):
        simulate_day([0.2] * 24, [1] * 24, patience=[1.0, 2.0, 3.0], **kw)


def test_handling_mean_shrunk_by_hand() -> None:
    """Two half-hours of one hour: 2 served at 10 min and 38 (40 arrived, 2 left) at 2 min.
    The hour's mean is (2*10 + 38*2) / 40 = 2.4; with 10 pseudo-customers at 2.4 the first
    becomes (20 + 24) / 12 and the second (76 + 24) / 48. A half-hour nobody was served in
    takes its hour's mean."""
    fine = pd.DataFrame({"interval_start": pd.to_datetime(
        ["2026-03-02 08:00", "2026-03-02 08:30", "2026-03-02 09:00", "2026-03-02 09:30"]),
        "arrivals": [2.0, 40.0, 3.0, 5.0], "abandoned": [0.0, 2.0, 3.0, 0.0],
        "handle_minutes": [10.0, 2.0, np.nan, 4.0]})
    got = shrunk_handle_minutes(fine, 60).tolist()
    assert got == pytest.approx([44 / 12, 100 / 48, 4.0, 4.0])


def test_fixed_arrivals_replay_each_intervals_count() -> None:
    """A day replayed: every copy has exactly the observed count in each interval (7, 0, 12),
    at times inside that interval; the forecast's Poisson counts vary around them."""
    from queueopt.simulate import simulate_day

    kw = dict(shares=[1.0], handle_mean=[3.0], handle_cv=[1.0], interval_minutes=30,
              patience=6.0, replications=30, rng=5)
    fixed = simulate_day(np.array([7.0, 0.0, 12.0]) / 30, [2, 2, 2], fixed_arrivals=True, **kw)
    assert (fixed.arrivals == np.array([7, 0, 12])).all()
    poisson = simulate_day(np.array([7.0, 0.0, 12.0]) / 30, [2, 2, 2], **kw)
    assert poisson.arrivals[:, 0].std() > 1.0 and poisson.arrivals[:, 1].sum() == 0


def test_simulated_fit_recovers_the_factor_the_simulation_was_run_at() -> None:
    """A busy hour (80 calls a half-hour, 5 agents, 2-minute calls) then a quiet one: observed
    waits made by the replay itself at factor 1.25 (other random numbers, 200 copies). The fit
    with the same simulation (100 copies) finds 1.25 (+-0.03), the same on a second call
    (common random numbers: deterministic); stationary Erlang A on the same hours finds at
    most 1.20 (it knows neither the empty start nor the queue carried into the quiet hour)."""
    from queueopt.modelcheck import Replay, fit_handle_factor, fit_handle_factor_simulated

    arrivals = [80.0, 80.0, 20.0, 20.0]
    fine = _day(arrivals, [5.0] * 4, handle=2.0)
    days = Replay(fine, None, 6.0, 1.0, 0.0, 30)
    hours = pd.DataFrame({"interval_start": fine["interval_start"].iloc[::2].to_numpy(),
                          "arrivals": [160.0, 40.0], "handle_minutes": 2.0,
                          "staff_observed": 5.0})
    truth = days.predict(hours, 1.25, threshold=1.0, check_minutes=60, replications=200, seed=99)
    hours["observed_mean_wait"] = truth["predicted_mean_wait"].to_numpy()
    kw = dict(threshold=1.0, check_minutes=60, replications=100, seed=3)
    fit = fit_handle_factor_simulated(hours, days, **kw)
    assert fit == pytest.approx(1.25, abs=0.03)
    assert fit_handle_factor_simulated(hours, days, **kw) == fit
    assert fit_handle_factor(hours, threshold=1.0, patience=6.0) <= 1.20
