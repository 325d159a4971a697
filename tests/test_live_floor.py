"""The proven floor under the announced wait's error: restarting the day's own queue.

The re-simulation of a ticket's wait restarts :func:`queueopt.simulate.serve_queue`
from the state at the ticket's issue on the day's own distributions
(:mod:`queueopt.day_model`). Checked here against what did not produce it: the
original day's calls (exact, with the same draws), rejection sampling (the
lognormal beyond an elapsed time), the original days' mean wait (a restart from
the start) and the actual waits (the tower rule: the re-simulated mean given the
state is unbiased for the wait that happened).
"""

from __future__ import annotations

import numpy as np

from queueopt.day_model import Customers, Stream, draw_customers, simulate_streams
from queueopt.simulate import lognormal, lognormal_beyond, serve_queue
from queueopt.wait_floor import day_waits, floor_terms, issue_state, ratio_ci


def _stream(vip_share: float = 0.3) -> Stream:
    """A busy morning: 7 counters, two types (2 and 8 minutes), a peak, patience 10 minutes."""
    n_int = 16
    return Stream("counter", 480.0, 15.0,
                  np.r_[np.full(5, 20.0), np.full(6, 38.0), np.full(5, 20.0)],
                  np.array([0.7, 0.3]), np.array([2.0, 8.0]), np.array([0.8, 1.0]), vip_share,
                  10.0, np.r_[np.full(8, 7), np.full(8, 6)].astype(np.int64)[:n_int])


def test_restart_with_the_same_draws_replays_the_day() -> None:
    """From the state at any ticket's issue, with the draws that happened (the patience and
    handling times of those waiting, each service's end, the later arrivals), the restarted
    queue calls everyone exactly when the day did."""
    day = simulate_streams([_stream()], seed=3)[0]
    c = day.customers
    queued = np.flatnonzero(day.call > c.arrive)
    for i in queued[:: max(len(queued) // 25, 1)]:
        st = issue_state(day, int(i))
        t = st.now
        before = np.arange(len(c)) < i
        waiting = before & np.where(np.isfinite(day.call), day.call > t,
                                    c.arrive + c.patience >= t)
        busy = np.isfinite(day.call) & (day.call < t) & (day.call + c.service > t)
        np.testing.assert_array_equal(st.ahead_arrive, c.arrive[waiting])
        np.testing.assert_allclose(st.busy_elapsed, t - day.call[busy])
        keep = waiting | ~before
        call, _ = serve_queue(c.arrive[keep], c.service[keep], c.patience[keep], c.vip[keep],
                              day.stream.servers, 15.0, 480.0, now=t,
                              busy_until=(day.call + c.service)[busy])
        np.testing.assert_array_equal(call, day.call[keep])


def test_lognormal_beyond_is_the_tail_of_the_lognormal() -> None:
    """Quantiles of the draws beyond an elapsed time agree with rejection sampling from
    :func:`queueopt.simulate.lognormal` (mean 8 minutes, cv 1)."""
    rng = np.random.default_rng(1)
    pool = lognormal(rng, np.full(400_000, 8.0), np.full(400_000, 1.0))
    for elapsed in (2.0, 8.0, 25.0):
        ref = pool[pool > elapsed]
        got = lognormal_beyond(rng, np.full(20_000, 8.0), np.full(20_000, 1.0),
                               np.full(20_000, elapsed))
        assert got.min() > elapsed
        q = [0.1, 0.5, 0.9]
        np.testing.assert_allclose(np.quantile(got, q), np.quantile(ref, q), rtol=0.04)


def test_restart_from_the_start_matches_the_days() -> None:
    """Restarting the queue at opening time (nobody waiting, nobody served) and drawing the
    day from then gives the mean wait of the simulated days, within sampling error."""
    st = _stream()
    orig = []
    for seed in range(60):
        w, ok = day_waits(simulate_streams([st], seed)[0])
        orig.append(np.nanmean(w))
    rng = np.random.default_rng(99)
    restart = []
    for c in draw_customers(st, rng, since=st.start, replications=60):
        assert isinstance(c, Customers)
        call, _ = serve_queue(c.arrive, c.service, c.patience, c.vip, st.servers, st.interval,
                              st.start, now=st.start, busy_until=np.zeros(0))
        restart.append(np.nanmean(call - c.arrive))
    a, b = np.array(orig), np.array(restart)
    se = np.sqrt(a.var(ddof=1) / len(a) + b.var(ddof=1) / len(b))
    assert abs(a.mean() - b.mean()) < 3 * se, (a.mean(), b.mean(), se)


def test_resimulated_mean_is_unbiased_for_the_wait_that_happened() -> None:
    """The tower rule: over the queued tickets of several days, the actual wait less its
    re-simulated mean given the state averages 0 (within 3 standard errors), and its mean
    square is the floor's variance term (plus the mean's own 1/R noise), within 15%."""
    err, terms, served = [], [], 0
    for seed in range(4):
        day = simulate_streams([_stream()], seed=100 + seed)[0]
        ft = floor_terms(day, replications=40, seed=seed)
        w, ok = day_waits(day)
        q = ok & (ft.draws > 0) & np.isfinite(ft.mean)
        err.append((w - ft.mean)[q])
        terms.append(ft.term)
        served += int(ok.sum())
    e = np.concatenate(err)
    assert len(e) > 500
    assert abs(e.mean()) < 3 * e.std(ddof=1) / np.sqrt(len(e)), (e.mean(), e.std())
    floor2 = np.concatenate(terms).sum() / served
    oracle2 = float(np.sum(e ** 2)) / served
    assert 0.85 < oracle2 / (floor2 * (1 + 1 / 40)) < 1.15, (oracle2, floor2)


def test_ratio_ci_by_hand() -> None:
    """sqrt(sum num / sum den) = sqrt(4 / 16) = 0.5; one stratum of identical units has no spread."""
    est, lo, hi = ratio_ci(np.array([1.0, 1.0, 1.0, 1.0]), np.array([4.0, 4.0, 4.0, 4.0]),
                           np.zeros(4))
    assert (est, lo, hi) == (0.5, 0.5, 0.5)
    est, lo, hi = ratio_ci(np.array([1.0, 3.0]), np.array([4.0, 12.0]), ["a", "b"])
    assert est == lo == hi == 0.5  # one unit per stratum: every resample takes both
    # two units of one stratum, (1, 2) and (1, 8): resamples take both the first (sqrt(2/4)),
    # both the second (sqrt(2/16)) or one of each (sqrt(2/10), not the mean of the two
    # ratios), a quarter, a quarter and half the time; the middle 20% is one of each
    est, lo, hi = ratio_ci(np.array([1.0, 1.0]), np.array([2.0, 8.0]), ["a", "a"], level=0.2)
    assert est == lo == hi == 0.2 ** 0.5
    est, lo, hi = ratio_ci(np.array([1.0, 1.0]), np.array([2.0, 8.0]), ["a", "a"], level=0.99)
    assert (lo, hi) == (0.125 ** 0.5, 0.5 ** 0.5)
