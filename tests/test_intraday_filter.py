"""The intraday filter against values derived by hand.

Every expected value here is a closed form written out in the test (not a
call to the filter): the shrinkage of the day's level (precision-weighted
mean of the seen log ratios, the log-scale gamma-Poisson credibility), the
AR(1) correction decaying by ``rho^k`` and aged over a gap, the joint update
of both from one observation, and the method-of-moments fit recovering known
variances from simulated days.
"""

from __future__ import annotations

import datetime as dt

import numpy as np
import pandas as pd
import pytest

from queueopt.intraday import IntradayFit, fit_intraday, update_forecast

DAY = pd.Timestamp("2026-03-16")


def _fit(level_var: float, ar_var: float = 0.0, ar_coef: float = 0.0) -> dict[str, IntradayFit]:
    return {"H1": IntradayFit(level_var=level_var, ar_var=ar_var, ar_coef=ar_coef,
                              noise_var=0.0, cut_minutes=np.array([0]), phi=np.array([0.0]),
                              days=10)}


def _frames(forecast: list[float], seen: list[float | None], start: str = "09:00"
            ) -> tuple[pd.DataFrame, pd.DataFrame, pd.Timestamp]:
    """Hourly forecast rows from ``start``; ``seen`` counts of the first intervals (None: a gap)."""
    starts = pd.date_range(f"{DAY.date()} {start}", periods=len(forecast), freq="60min")
    fc = pd.DataFrame({"hall_id": "H1", "interval_start": starts, "arrivals": forecast,
                       "lo80": 0.0, "hi80": 0.0})
    obs = pd.DataFrame({"hall_id": "H1", "interval_start": starts[:len(seen)], "arrivals": seen}
                       ).dropna()
    return fc, obs, starts[len(seen)]


def _z(y: float, f: float) -> float:
    return float(np.log((y + 0.5) / (f + 0.5)))


def test_day_level_is_the_credibility_weighted_log_ratio() -> None:
    """No AR part: D = (z1 / R1 + z2 / R2) / (1 / s_D^2 + 1 / R1 + 1 / R2), R = 1 / (f + 0.5),
    and every remaining interval is multiplied by exp(D)."""
    fc, obs, now = _frames([10.0, 30.0, 20.0, 20.0], [15.0, 45.0])
    out = update_forecast(fc, obs, now, _fit(level_var=0.02))
    d = (_z(15, 10) * 10.5 + _z(45, 30) * 30.5) / (1 / 0.02 + 10.5 + 30.5)
    rest = out[out["updated"]]
    assert len(rest) == 2
    np.testing.assert_allclose(rest["level_factor"], np.exp(d), rtol=1e-9)
    np.testing.assert_allclose(rest["arrivals"], 20.0 * np.exp(d), rtol=1e-9)


def test_level_matches_gamma_poisson_credibility_on_large_counts() -> None:
    """With many arrivals the log-scale shrinkage is the gamma-Poisson posterior mean
    (a + S) / (a + E) with a = 1 / s_D^2 pseudo-arrivals (here a = 50, E = 400, S = 480:
    530 / 450 = 1.1778) to within 0.5%."""
    fc, obs, now = _frames([100.0] * 6, [120.0] * 4)
    out = update_forecast(fc, obs, now, _fit(level_var=1 / 50))
    assert out.loc[out["updated"], "level_factor"].iloc[0] == pytest.approx(530 / 450, rel=5e-3)


def test_ar_correction_decays_and_ages_over_a_gap() -> None:
    """No day level: one observation z at 09:00, then a gap at 10:00; u_hat = s_u^2 / (s_u^2 + R) z
    for 09:00, so the interval at 11:00 (two steps on) gets exp(rho^2 u_hat), 12:00 exp(rho^3 u_hat)."""
    fc, obs, now = _frames([20.0, 20.0, 20.0, 20.0], [30.0, None])
    out = update_forecast(fc, obs, now, _fit(level_var=0.0, ar_var=0.05, ar_coef=0.6))
    u = 0.05 / (0.05 + 1 / 20.5) * _z(30, 20)
    np.testing.assert_allclose(out.loc[out["updated"], "level_factor"],
                               np.exp(u * 0.6 ** np.array([2, 3])), rtol=1e-9)


def test_level_and_deviation_share_one_observation() -> None:
    """Both parts, one observation: the gains are s_D^2 / S and s_u^2 / S with
    S = s_D^2 + s_u^2 + R, so k steps on the multiplier is exp((s_D^2 + rho^k s_u^2) z / S)."""
    fc, obs, now = _frames([20.0, 20.0, 20.0], [32.0])
    out = update_forecast(fc, obs, now, _fit(level_var=0.03, ar_var=0.05, ar_coef=0.5))
    s = 0.03 + 0.05 + 1 / 20.5
    k = np.array([1, 2])
    np.testing.assert_allclose(out.loc[out["updated"], "level_factor"],
                               np.exp((0.03 + 0.5 ** k * 0.05) * _z(32, 20) / s), rtol=1e-9)


def test_moments_recover_the_simulated_variances() -> None:
    """Twenty weeks of days from the model itself (s_D^2 = 0.04, s_u^2 = 0.03, rho = 0.8 per
    15 minutes, ~150 arrivals per interval): the fit on history finds the variance of the levels
    drawn and the AR part (the pseudo-forecast's own noise deflated away; without the
    deflation both come out ~1.25x too high)."""
    rng = np.random.default_rng(4)
    levels = []
    slots = np.arange(8 * 60, 20 * 60, 15)
    n = len(slots)
    rows = []
    for k in range(140):
        d = pd.Timestamp(dt.date(2026, 1, 5) + dt.timedelta(days=k))
        u = np.empty(n)
        u[0] = rng.normal(0, np.sqrt(0.03))
        for t in range(1, n):
            u[t] = 0.8 * u[t - 1] + rng.normal(0, np.sqrt(0.03 * (1 - 0.64)))
        levels.append(rng.normal(0, 0.2))
        mean = 150.0 * np.exp(levels[-1] + u)
        rows.append(pd.DataFrame({"hall_id": "H1",
                                  "interval_start": d + pd.to_timedelta(slots, unit="min"),
                                  "arrivals": rng.poisson(mean).astype(float)}))
    fit = fit_intraday(pd.concat(rows, ignore_index=True), country="CN")["H1"]
    assert fit.level_var == pytest.approx(np.var(levels), rel=0.15)
    assert fit.ar_var == pytest.approx(0.03, rel=0.15)
    assert fit.ar_coef == pytest.approx(0.8, abs=0.06)
    assert fit.noise_var < 0.01


def test_filter_equals_batch_gaussian_conditioning() -> None:
    """The recursive filter against the posterior mean written in one piece: with
    Cov(z_i, z_j) = s_D^2 + s_u^2 rho^|t_i - t_j| + [i = j] R_i over the seen intervals and
    Cov(D + u_t, z_j) = s_D^2 + s_u^2 rho^|t - t_j|, the log multiplier of a later interval t is
    Cov(D + u_t, z) Cov(z)^-1 z. The hall is closed 10:00-11:00 (no row: u ages two steps) and
    12:00 was not logged (a gap)."""
    hours = np.array([8, 9, 11, 12, 13, 14, 15, 17])
    f = np.array([12.0, 25.0, 30.0, 28.0, 22.0, 26.0, 18.0, 15.0])
    starts = DAY + pd.to_timedelta(hours, unit="h")
    fc = pd.DataFrame({"hall_id": "H1", "interval_start": starts, "arrivals": f,
                       "lo80": 0.0, "hi80": 0.0})
    y = {8: 20.0, 9: 31.0, 11: 24.0, 13: 35.0}  # 12:00 missing
    obs = pd.DataFrame({"hall_id": "H1", "interval_start": DAY + pd.to_timedelta(list(y), unit="h"),
                        "arrivals": list(y.values())})
    now = DAY + pd.Timedelta(hours=14)
    sd2, su2, rho = 0.02, 0.04, 0.7
    out = update_forecast(fc, obs, now, _fit(level_var=sd2, ar_var=su2, ar_coef=rho))
    t_seen = np.array(list(y), dtype=float)
    f_seen = np.array([f[list(hours).index(h)] for h in y])
    z = np.array([_z(v, fv) for v, fv in zip(y.values(), f_seen)])
    cov = sd2 + su2 * rho ** np.abs(t_seen[:, None] - t_seen[None, :]) + np.diag(1 / (f_seen + 0.5))
    t_rest = np.array([14.0, 15.0, 17.0])
    cross = sd2 + su2 * rho ** np.abs(t_rest[:, None] - t_seen[None, :])
    expected = np.exp(cross @ np.linalg.solve(cov, z))
    np.testing.assert_allclose(out.loc[out["updated"], "level_factor"], expected, rtol=1e-9)


def test_an_outage_counts_as_three_times_off_at_most() -> None:
    """Two hours logged as zeros against a forecast of 40 each: z = log(0.5 / 40.5) = -4.39 is
    held at -log 3, so D = -log 3 * 2 * 40.5 / (1 / s_D^2 + 2 * 40.5)."""
    fc, obs, now = _frames([40.0, 40.0, 40.0], [0.0, 0.0])
    out = update_forecast(fc, obs, now, _fit(level_var=0.05))
    d = -np.log(3.0) * 81.0 / (20.0 + 81.0)
    assert out.loc[out["updated"], "level_factor"].iloc[0] == pytest.approx(np.exp(d), rel=1e-9)
