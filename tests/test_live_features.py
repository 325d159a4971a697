"""The announcement's delay-history features, the Monte Carlo's spread and the ridge by day.

Each value is worked by hand from the tiny log below or from the lognormal's
own moments (integrated numerically here, not by the code under test).
"""

from __future__ import annotations

import datetime as dt

import numpy as np
import pandas as pd
import pytest
from scipy import integrate, stats

from queueopt.delay import Handling, recent_waits, simulated_wait
from queueopt.queue_state import Line, ticket_log

DAY = dt.date(2026, 11, 20)


def _log() -> object:
    def ts(x: str | None) -> pd.Timestamp:
        return pd.NaT if x is None else pd.Timestamp(f"{DAY} {x}")
    rows = [  # id, issued, called, end, channel, server
        ("a", "09:00", "09:00", "09:20", "counter", "C1"),
        ("b", "09:01", "09:01", "09:05", "counter", "C2"),
        ("c", "09:02", "09:05", "09:30", "counter", "C2"),
        ("e", "09:04", "09:20", "09:22", "counter", "C1"),
        ("g", "09:07", "09:22", "09:24", "counter", "C1"),
        ("k", "09:03", "09:03", "09:06", "kiosk", "K1"),
    ]
    df = pd.DataFrame({
        "ticket_id": [r[0] for r in rows], "hall_id": "H",
        "issued_at": [ts(r[1]) for r in rows], "called_at": [ts(r[2]) for r in rows],
        "served_end": [ts(r[3]) for r in rows], "abandoned": False, "abandoned_at": pd.NaT,
        "channel": [r[4] for r in rows], "server_id": [r[5] for r in rows],
        "tier": "regular", "transaction_type": "SIM"})
    return ticket_log(df, DAY, ("SIM",))


def test_recent_waits_by_hand() -> None:
    """Counter waits in calling order: a 0 (09:00), b 0 (09:01), c 3 (09:05), e 16 (09:20),
    g 15 (09:22); the kiosk's k 0 (09:03). At 09:05 c's call of that very moment does not
    count yet (a ticket called when it is issued must not predict itself)."""
    log = _log()
    t = np.array([8 * 60 + 59, 9 * 60 + 5, 9 * 60 + 6, 9 * 60 + 21, 9 * 60 + 30, 9 * 60 + 30])
    kiosk = np.array([False, False, False, False, False, True])
    assert recent_waits(log, t, kiosk, 3) == pytest.approx([0, 0, 1.0, 19 / 3, 34 / 3, 0])
    assert recent_waits(log, t, kiosk, 10) == pytest.approx([0, 0, 1.0, 19 / 4, 34 / 5, 0])
    assert recent_waits(log, t, kiosk, 1) == pytest.approx([0, 0, 3, 16, 15, 0])  # LES


def _one_busy_server(theta: float, draws: int) -> tuple[float, float]:
    """A newcomer at 09:00 with nobody ahead and the one counter just started a lognormal
    service (mean 2 min, cv 0.5): the wait is that service."""
    log = _log()
    handling = Handling(types=("SIM",), counter_mean=np.array([2.0]),
                        counter_cv=np.array([0.5]), kiosk_mean=np.array([2.0]),
                        kiosk_cv=np.array([0.5]), default_counter=(2.0, 0.5),
                        default_kiosk=(2.0, 0.5))
    line = Line(ahead=np.array([], np.int64), in_service=np.array([0]), free=0)
    var = np.zeros(1)
    mean = simulated_wait([line], log, [9 * 60.0 + 1e-9], False, False, handling, theta, 0.0,
                          draws=draws, seed=5, variance=var)
    return float(mean[0]), float(var[0])


def test_spread_is_the_waits_variance_given_the_newcomer_stays() -> None:
    s2 = np.log1p(0.5 ** 2)
    dist = stats.lognorm(s=np.sqrt(s2), scale=2.0 * np.exp(-s2 / 2))
    mean, var = _one_busy_server(0.0, 20000)
    assert mean == pytest.approx(2.0, rel=0.03)
    assert var == pytest.approx(1.0, rel=0.08)  # (mean x cv)^2
    # patience at rate 0.5 a minute: the draws count by exp(-0.5 w), the chance to stay
    theta = 0.5
    z = integrate.quad(lambda w: np.exp(-theta * w) * dist.pdf(w), 0, 60)[0]
    m1 = integrate.quad(lambda w: w * np.exp(-theta * w) * dist.pdf(w), 0, 60)[0] / z
    m2 = integrate.quad(lambda w: w * w * np.exp(-theta * w) * dist.pdf(w), 0, 60)[0] / z
    mean_t, var_t = _one_busy_server(theta, 20000)
    assert m2 - m1 ** 2 < 0.8  # staying customers' waits are less spread
    assert var_t == pytest.approx(m2 - m1 ** 2, rel=0.08)
    assert m1 < 1.8  # and shorter: the mean announced is the staying customers' mean
    assert mean_t == pytest.approx(m1, rel=0.02)


def test_ridge_by_day_prefers_little_penalty_for_signal_and_much_for_noise() -> None:
    """Leave one day out: a feature that is the target (times 2) wants the smallest penalty;
    features of pure noise the largest."""
    from queueopt.announce import RIDGES, AnnounceRules, _ridge_by_day

    rng = np.random.default_rng(0)
    n, days = 600, 6
    day = np.repeat(np.arange(days), n // days)
    x = rng.standard_normal((n, 3))
    z = np.column_stack([np.ones(n), x])
    w = np.ones(n)
    ar = AnnounceRules()

    def gram(target: np.ndarray) -> dict:
        return {d: (z[day == d].T @ z[day == d], z[day == d].T @ target[day == d],
                    int(np.sum(day == d))) for d in range(days)}
    signal = 2 * x[:, 0] + 0.1 * rng.standard_normal(n)
    assert _ridge_by_day(gram(signal), z, signal, w, day, ar) == RIDGES[0]
    noise = rng.standard_normal(n)
    assert _ridge_by_day(gram(noise), z, noise, w, day, ar) == RIDGES[-1]
    # a fixed penalty is used as given
    assert _ridge_by_day(gram(noise), z, noise, w, day, AnnounceRules(ridge=7.0)) == 7.0


def test_the_regression_learns_an_offset_per_transaction_type() -> None:
    """Waits 1 minute longer than the Monte Carlo for type A and 1 shorter for type B (as the
    bank's agent groups differ): with the type columns the fit tells A +1 and B -1 (within
    0.05; the penalty shrinks a little), without them both the same; a query of unknown type
    gets the mix's mean (3 As to 1 B: +0.5)."""
    from queueopt.announce import FEATURES, AnnounceRules, _fit

    rng = np.random.default_rng(3)
    n = 4000
    values = rng.exponential(1.0, (n, len(FEATURES)))
    is_a = np.arange(n) % 4 != 0
    qls = values[:, FEATURES.index("QL-S")]
    actual = qls + np.where(is_a, 1.0, -1.0) + rng.normal(0, 0.1, n) + 2.0
    queued = np.ones(n, bool)
    cats = np.column_stack([is_a, ~is_a, np.zeros(n)]).astype(float)
    ar = AnnounceRules(ridge=1.0)
    fit = _fit(values, queued, actual, np.ones(n), ar, 0.2, cats=cats)
    plain = _fit(values, queued, actual, np.ones(n), ar, 0.2)
    assert fit is not None and plain is not None
    d = fit.point(values, queued, cats) - qls
    assert abs(np.mean(d[is_a]) - 3.0) < 0.05 and abs(np.mean(d[~is_a]) - 1.0) < 0.05
    dp = plain.point(values, queued) - qls
    assert abs(np.mean(dp[is_a]) - np.mean(dp[~is_a])) < 0.05
    assert abs(np.mean(fit.point(values, queued) - qls) - 2.5) < 0.05


def test_categories_by_hand() -> None:
    """Types SIM (index 0) for every ticket of the small log, no VIP; with ``by_type=2`` the
    same columns again for the tickets that have to queue (the second of the two here)."""
    from queueopt.announce import _categories

    log = _log()
    rows = np.array([0, 2])
    queued = np.array([False, True])
    assert _categories(log, rows, queued, 0).shape == (2, 0)
    assert _categories(log, rows, queued, 1).tolist() == [[1.0, 0.0], [1.0, 0.0]]
    assert _categories(log, rows, queued, 2).tolist() == [[1.0, 0.0, 0.0, 0.0],
                                                          [1.0, 0.0, 1.0, 0.0]]
