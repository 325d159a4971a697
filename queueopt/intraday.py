"""Intraday update: the rest of today's forecast, revised by the arrivals seen so far.

By noon a hall has seen half its day. When the morning ran 20% above the
forecast, the afternoon often does too: the day's *level* is uncertain
(weather, a local event, a payday), its *shape* less so. And a busy last
hour says more about the next hour than about the evening: deviations within
a day are autocorrelated. The update models the log ratio of each seen
interval's count to its forecast,

``z_t = log((y_t + 0.5) / (f_t + 0.5)) = D + u_t + e_t``,

with ``D ~ N(0, s_D^2)`` the day's level (one value for the whole day),
``u_t = rho u_{t-1} + eta_t`` a stationary AR(1) deviation (variance
``s_u^2``, one step per interval) and ``e_t`` the counting noise, variance
``1 / (f_t + 0.5)`` (Poisson, on the log scale) plus ``s_e^2``. A Kalman
filter over today's seen intervals gives the posterior means of ``D`` and
of the last ``u`` (a ``z`` beyond +-log 3 counts as +-log 3: an outage logged
as zeros must not set the day's level); an interval ``k`` steps after the
last seen one gets

``mean = f * exp(D_hat + rho^k u_hat)``

(the posterior median of the multiplier: the update is judged by absolute
error). With ``s_u = s_e = 0`` this is the empirical-Bayes shrinkage of the
day's level: ``D_hat = sum(z_t / R_t) / (1 / s_D^2 + sum(1 / R_t))``, i.e. the
seen log ratio weighted by ``E / (E + 1 / s_D^2)`` where ``E`` is the forecast
of the seen intervals: the log-scale form of the gamma-Poisson (Buehlmann)
credibility with ``1 / s_D^2`` pseudo-arrivals. Early in the day, with few
arrivals seen, the forecast stands; late, the day's own level decides.

``s_D^2``, ``s_u^2``, ``rho`` and ``s_e^2`` are estimated per hall on its own
history only (method of moments): every past day is compared with the mean
of the same weekday up to four weeks before it (a pseudo-forecast), and the
within-day autocovariances of ``z`` at lags 1..12 intervals are fitted by
``s_D^2 + s_u^2 rho^k``; lag 0 less the Poisson part gives ``s_e^2``. The
pseudo-forecast is itself a mean of ``n`` noisy days, which inflates every
covariance by about ``1 + 1/n``: they are divided by it.

The 80% interval is negative binomial around each updated mean,
``Var = mu + phi mu^2``, with ``phi`` chosen per cut hour on the same past days
as the narrowest candidate whose coverage reaches the requested one
(split-conformal style): the day-level part of the uncertainty shrinks as the
day is seen, the interval-to-interval noise does not.

How much this gains depends on the hall: on the bank log of February 1999
(``benchmarks/bench_forecast.py --intraday-only``) the rest-of-day error from
12:00 on falls by only 3%, as the morning there says little about the
afternoon's level (the README's forecast figures give the references).

Everything is in the history's interval length; means are arrivals per
interval; times are minutes after midnight (local hall time).
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Mapping
from dataclasses import dataclass

import numpy as np
import numpy.typing as npt
import pandas as pd
from scipy import optimize

from queueopt.calendar import HallCalendar
from queueopt.forecast import _inside, _nb_interval
from queueopt.io import ARRIVALS, HALL_ID, INTERVAL_START, infer_interval_minutes

FloatArray = npt.NDArray[np.float64]
IntArray = npt.NDArray[np.int64]

PHI_GRID: FloatArray = np.concatenate([[0.0], np.geomspace(1 / 256, 2.0, 28)])
"""Candidate excess dispersions ``phi`` of the updated interval (0 = Poisson)."""
RHO_GRID: FloatArray = np.array([0.3, 0.5, 0.6, 0.7, 0.8, 0.85, 0.9, 0.95])
"""Candidate AR(1) coefficients ``rho`` per interval step."""
MAX_LAG = 12
"""Largest within-day lag (intervals) of the autocovariance fit."""
MIN_FIT_MEAN = 2.0
"""Intervals whose pseudo-forecast is below this (arrivals) are left out of the moments:
their log ratio is too skewed to be near normal."""
MAX_LOG_RATIO = float(np.log(3.0))
"""A count more than 3x off its forecast counts as 3x off (an outage logged as zeros or a
burst must not set the day's level, nor the variances fitted on history)."""
LOOKBACK_WEEKS = 4
"""Same weekdays back that make the pseudo-forecast of a past day."""
DEFAULT_LEVEL_VAR = 0.01
"""``s_D^2`` when a hall has too few past days to fit (a day level sd of 10%)."""
MAX_LEVEL_VAR = 0.25
"""Ceiling of ``s_D^2`` and ``s_u^2`` (sd 50%): a short history's moments are noisy."""


@dataclass(frozen=True, slots=True)
class IntradayFit:
    """One hall's intraday update rule, fitted on its own past days.

    All variances are of log ratios (count over forecast), per interval.

    Attributes
    ----------
    level_var:
        ``s_D^2``, variance of the day's level across days.
    ar_var:
        ``s_u^2``, stationary variance of the within-day AR(1) deviation.
    ar_coef:
        ``rho``, its coefficient per interval step (0..1).
    noise_var:
        ``s_e^2``, white noise beyond Poisson.
    cut_minutes:
        Hour starts (minutes after midnight) at which ``phi`` is calibrated.
    phi:
        Excess dispersion of the rest-of-day counts at each cut (the last cut
        at or before ``now`` applies).
    days:
        Past days the fit used (0 = defaults).
    """

    level_var: float
    ar_var: float
    ar_coef: float
    noise_var: float
    cut_minutes: IntArray
    phi: FloatArray
    days: int

    def phi_at(self, minute: int) -> float:
        """Excess dispersion of the rest of the day cut at ``minute`` after midnight."""
        i = int(np.searchsorted(self.cut_minutes, minute, side="right")) - 1
        return float(self.phi[max(i, 0)]) if len(self.phi) else 0.0


def _default_fit() -> IntradayFit:
    return IntradayFit(level_var=DEFAULT_LEVEL_VAR, ar_var=0.0, ar_coef=0.0, noise_var=0.0,
                       cut_minutes=np.array([0], dtype=np.int64), phi=np.array([0.05]), days=0)


def log_ratio(counts: FloatArray, forecast: FloatArray) -> tuple[FloatArray, FloatArray]:
    """``z = log((y + 0.5) / (f + 0.5))`` (within +-log 3) and its Poisson variance ``1 / (f + 0.5)``.

    ``counts`` and ``forecast`` are arrivals per interval (NaN count = not seen).
    """
    f = np.maximum(np.asarray(forecast, dtype=float), 0.0)
    z = np.log((np.asarray(counts, dtype=float) + 0.5) / (f + 0.5))
    return np.clip(z, -MAX_LOG_RATIO, MAX_LOG_RATIO), 1.0 / (f + 0.5)


def filter_state(z: FloatArray, poisson_var: FloatArray, step: IntArray, fit: IntradayFit
                 ) -> tuple[FloatArray, FloatArray]:
    """Kalman filter of the day level ``D`` and the AR(1) deviation ``u`` over seen intervals.

    Parameters
    ----------
    z, poisson_var:
        ``(days, intervals)`` log ratios (NaN = not seen) and their Poisson
        variances (:func:`log_ratio`), intervals in time order.
    step:
        ``(intervals,)`` position of each interval in steps of the interval
        length (increasing; a jump of two steps ages ``u`` twice).
    fit:
        The variances and ``rho``.

    Returns
    -------
    (level, deviation):
        ``(days, intervals + 1)`` posterior means after the first ``j``
        intervals (column ``j``; column 0 is the prior, all zeros); the
        deviation is of interval ``j - 1``.
    """
    z = np.atleast_2d(z)
    n_days, n = z.shape
    var_e = np.atleast_2d(poisson_var) + fit.noise_var
    rho, q_u = fit.ar_coef, fit.ar_var
    x_d = np.zeros(n_days)
    x_u = np.zeros(n_days)
    p_dd = np.full(n_days, fit.level_var)
    p_du = np.zeros(n_days)
    p_uu = np.full(n_days, q_u)
    out_d = np.zeros((n_days, n + 1))
    out_u = np.zeros((n_days, n + 1))
    for j in range(n):
        if j > 0:  # age u by the steps since the last interval
            r = rho ** max(int(step[j] - step[j - 1]), 1)
            x_u, p_du, p_uu = r * x_u, r * p_du, r * r * p_uu + q_u * (1 - r * r)
        zj = z[:, j]
        ok = np.isfinite(zj)
        s = p_dd + 2 * p_du + p_uu + var_e[:, j]
        innov = np.where(ok, zj - x_d - x_u, 0.0)
        a, b = p_dd + p_du, p_du + p_uu
        k_d = np.where(ok, a / s, 0.0)
        k_u = np.where(ok, b / s, 0.0)
        x_d, x_u = x_d + k_d * innov, x_u + k_u * innov
        p_dd, p_du, p_uu = p_dd - k_d * a, p_du - k_d * b, p_uu - k_u * b
        out_d[:, j + 1] = x_d
        out_u[:, j + 1] = x_u
    return out_d, out_u


def multipliers(level: float | FloatArray, deviation: float | FloatArray, ahead: IntArray,
                fit: IntradayFit) -> FloatArray:
    """``exp(D_hat + rho^k u_hat)`` for intervals ``ahead`` = k >= 1 steps after the last seen."""
    ahead = np.asarray(ahead)
    return np.exp(np.asarray(level)[..., None] + np.asarray(deviation)[..., None]
                  * fit.ar_coef ** np.maximum(ahead, 1))


def _dense(part: pd.DataFrame) -> tuple[list[dt.date], IntArray, FloatArray, int]:
    """Days, slot minutes and a day x slot count grid (NaN = no row) of one hall."""
    starts = pd.to_datetime(part[INTERVAL_START])
    interval = infer_interval_minutes(pd.Series(starts.to_numpy()))
    day = starts.dt.normalize()
    minute = ((starts - day).dt.total_seconds() // 60).astype(np.int64).to_numpy()
    days_idx = pd.date_range(day.min(), day.max(), freq="D")
    d = ((day - day.min()).dt.days).to_numpy()
    slots = np.unique(minute)
    s = np.searchsorted(slots, minute)
    grid = np.full((len(days_idx), len(slots)), np.nan)
    vals = part[ARRIVALS].to_numpy(dtype=float)
    ok = np.isfinite(vals)
    grid[d[ok], s[ok]] = vals[ok]
    return [t.date() for t in days_idx], slots, grid, interval


def _pseudo_forecasts(days: list[dt.date], grid: FloatArray, kinds: list[str]
                      ) -> tuple[FloatArray, FloatArray]:
    """For each past day, the mean of the same weekday (same day kind) up to four weeks back,
    and how many days each interval's mean averages."""
    n = len(days)
    out = np.full_like(grid, np.nan)
    count = np.zeros_like(grid)
    open_day = np.nansum(grid, axis=1) > 0
    for i in range(n):
        rows = [i - 7 * k for k in range(1, LOOKBACK_WEEKS + 1)
                if i - 7 * k >= 0 and open_day[i - 7 * k] and kinds[i - 7 * k] == kinds[i]]
        if rows:
            g = grid[rows]
            n_seen = np.isfinite(g).sum(axis=0)
            out[i] = np.where(n_seen > 0, np.nansum(g, axis=0) / np.maximum(n_seen, 1), np.nan)
            count[i] = n_seen
    return out, count


def _autocov_fit(z: FloatArray, poisson_var: FloatArray, step: IntArray
                 ) -> tuple[float, float, float, float] | None:
    """Method-of-moments ``(s_D^2, s_u^2, rho, s_e^2)`` from centred, deflated log ratios.

    ``z``: ``(days, intervals)`` (NaN = left out); ``step``: interval positions.
    None when fewer than 30 pairs back the lags.
    """
    gam = np.full(MAX_LAG, np.nan)
    for k in range(1, MAX_LAG + 1):
        if k >= z.shape[1]:
            break
        prod = z[:, :-k] * z[:, k:]
        prod[:, (step[k:] - step[:-k]) != k] = np.nan  # only pairs exactly k steps apart
        if np.isfinite(prod).sum() >= 30:
            gam[k - 1] = float(np.nanmean(prod))
    lags = np.flatnonzero(np.isfinite(gam)) + 1
    if len(lags) < 3:
        return None
    g = gam[lags - 1]
    best: tuple[float, float, float, float] | None = None
    for rho in RHO_GRID:
        design = np.column_stack([np.ones(len(lags)), rho ** lags.astype(float)])
        coef, resid = optimize.nnls(design, g)
        if best is None or resid < best[0]:
            best = (float(resid), float(coef[0]), float(coef[1]), float(rho))
    assert best is not None
    _, level_var, ar_var, rho = best
    level_var = min(level_var, MAX_LEVEL_VAR)
    ar_var = min(ar_var, MAX_LEVEL_VAR)
    ok = np.isfinite(z)
    lag0 = float(np.mean(z[ok] ** 2 - poisson_var[ok]))
    return level_var, ar_var, rho, float(np.clip(lag0 - level_var - ar_var, 0.0, MAX_LEVEL_VAR))


def _fit_hall(days: list[dt.date], slots: IntArray, grid: FloatArray, kinds: list[str],
              interval: int, coverage: float) -> IntradayFit:
    pseudo, n_avg = _pseudo_forecasts(days, grid, kinds)
    usable = np.flatnonzero(np.isfinite(pseudo).any(axis=1) & (np.nansum(grid, axis=1) > 0))
    if len(usable) < 3:
        return _default_fit()
    y = grid[usable]
    seen = np.isfinite(y) & np.isfinite(pseudo[usable])
    f = np.where(seen, np.nan_to_num(pseudo[usable], nan=0.0), 0.0)  # a gap: neither
    n_f = np.maximum(n_avg[usable], 1.0)
    y0 = np.nan_to_num(y, nan=0.0)
    step = (slots // interval).astype(np.int64)
    z, pvar = log_ratio(np.where(seen, y0, np.nan), f)
    # moments on intervals with a fair mean; centred (the pseudo-forecast's own bias is not
    # the real forecast's) and deflated by the pseudo-forecast's noise (1 + 1/n)
    zm = np.where(seen & (f >= MIN_FIT_MEAN), z, np.nan)
    if not np.isfinite(zm).any():
        return _default_fit()
    scale = np.sqrt(1.0 + 1.0 / n_f)
    moments = _autocov_fit((zm - np.nanmean(zm)) / scale, pvar, step)
    if moments is None:
        return _default_fit()
    level_var, ar_var, rho, noise_var = moments
    hours = np.unique(slots // 60 * 60)
    cuts = hours[(hours > slots.min()) & (hours <= slots.max())]
    if len(cuts) == 0:
        return _default_fit()
    fit = IntradayFit(level_var=level_var, ar_var=ar_var, ar_coef=rho, noise_var=noise_var,
                      cut_minutes=cuts.astype(np.int64), phi=np.array([0.05]), days=len(usable))
    lvl, dev = filter_state(z, pvar, step, fit)
    alpha = (1 - coverage) / 2
    phis = np.empty(len(cuts))
    for j, cut in enumerate(cuts):
        n_before = int(np.searchsorted(slots, cut))  # slots before the cut
        if n_before == 0:
            phis[j] = PHI_GRID[-1]
            continue
        after = np.arange(n_before, len(slots))
        mult = multipliers(lvl[:, n_before], dev[:, n_before],
                           step[after] - step[n_before - 1], fit)
        rows = seen[:, after] & (f[:, after] > 0)
        mu = (mult * f[:, after])[rows]
        # the pseudo-forecast is a mean of only n days, so its own noise (variance about
        # mu / n) widens these residuals beyond a real forecast's: deflate it away
        yy = mu + (y0[:, after][rows] - mu) / np.sqrt(1.0 + 1.0 / n_f[:, after][rows])
        phis[j] = PHI_GRID[-1]
        if len(yy) == 0:
            continue
        for phi in PHI_GRID:  # narrowest first; coverage grows with phi
            if _inside(yy, mu, phi, alpha).mean() >= coverage:
                phis[j] = phi
                break
    return IntradayFit(level_var=level_var, ar_var=ar_var, ar_coef=rho, noise_var=noise_var,
                       cut_minutes=cuts.astype(np.int64), phi=phis, days=len(usable))


def fit_intraday(history: pd.DataFrame, *, calendar: HallCalendar | None = None,
                 country: str = "CN", coverage: float = 0.80) -> dict[str, IntradayFit]:
    """Fit each hall's intraday update rule on its own history.

    Parameters
    ----------
    history:
        ``hall_id, interval_start, arrivals`` (arrivals per interval; NaN or a
        missing row is a gap, not a zero).
    calendar, country:
        Official calendar: a past day is compared with earlier days of the same
        weekday and the same kind (a holiday only with holidays).
    coverage:
        Central coverage of the updated interval (0.80).

    Returns
    -------
    dict
        Hall id to :class:`IntradayFit`.
    """
    cal = calendar or HallCalendar(country)
    out: dict[str, IntradayFit] = {}
    for hall, part in history.groupby(HALL_ID, sort=True):
        days, slots, grid, interval = _dense(part)
        kinds = [f"{k}-{d.weekday()}" if k != "holiday" else k
                 for d, k in zip(days, cal.day_kinds(days))]
        out[str(hall)] = _fit_hall(days, slots, grid, kinds, interval, coverage)
    return out


def update_forecast(forecast: pd.DataFrame, observed_today: pd.DataFrame, now: dt.datetime,
                    fits: Mapping[str, IntradayFit] | None = None, *,
                    coverage: float = 0.80) -> pd.DataFrame:
    """The forecast with the rest of ``now``'s day revised by the arrivals seen so far.

    Parameters
    ----------
    forecast:
        Rows of :func:`queueopt.forecast.forecast_arrivals` (``hall_id,
        interval_start, arrivals, lo80, hi80``, ...) covering today.
    observed_today:
        ``hall_id, interval_start, arrivals``: today's counts so far (arrivals
        per interval). Only intervals that ended at or before ``now`` count; a
        forecast interval of today before ``now`` without a row counts as a
        gap (neither seen nor expected), not as zero.
    now:
        Current local time (naive, like ``interval_start``).
    fits:
        Per-hall rules from :func:`fit_intraday`; a hall without one gets the
        default (``s_D^2`` = 0.01, no AR deviation, ``phi`` = 0.05).
    coverage:
        Central coverage of the interval (0.80 fills ``lo80``/``hi80``).

    Returns
    -------
    pandas.DataFrame
        ``forecast`` with today's intervals starting at or after ``now``
        revised (``arrivals``, ``lo80``, ``hi80``) and three columns added:
        ``updated`` (bool), ``level_factor`` (the row's multiplier
        ``exp(D_hat + rho^k u_hat)`` of the forecast, 1 where not updated) and
        ``seen_arrivals`` (arrivals seen today before ``now``, per hall).

    Raises
    ------
    ValueError
        Missing columns or negative observed counts.

    Examples
    --------
    >>> import pandas as pd
    >>> day = pd.date_range("2026-03-02 09:00", periods=8, freq="60min")
    >>> fc = pd.DataFrame({"hall_id": "H1", "interval_start": day, "arrivals": 10.0,
    ...                    "lo80": 6.0, "hi80": 14.0})
    >>> seen = fc.iloc[:4][["hall_id", "interval_start"]].assign(arrivals=15.0)
    >>> out = update_forecast(fc, seen, pd.Timestamp("2026-03-02 13:00"))
    >>> round(float(out["level_factor"].iloc[-1]), 3), int(out["updated"].sum())
    (1.122, 4)
    """
    for name, frame, cols in (("forecast", forecast, (HALL_ID, INTERVAL_START, ARRIVALS)),
                              ("observed_today", observed_today,
                               (HALL_ID, INTERVAL_START, ARRIVALS))):
        missing = set(cols) - set(frame.columns)
        if missing:
            raise ValueError(f"{name} is missing column(s) {sorted(missing)}")
    obs_counts = observed_today[ARRIVALS].to_numpy(dtype=float)
    if (obs_counts < 0).any():
        raise ValueError("observed_today has negative arrivals")
    now_ts = pd.Timestamp(now)
    today = now_ts.normalize()
    out = forecast.copy()
    out["updated"] = False
    out["level_factor"] = 1.0
    out["seen_arrivals"] = 0.0
    starts = pd.to_datetime(out[INTERVAL_START])
    alpha = (1 - coverage) / 2
    obs = observed_today[[HALL_ID, INTERVAL_START, ARRIVALS]].copy()
    obs[INTERVAL_START] = pd.to_datetime(obs[INTERVAL_START])
    obs = obs[np.isfinite(obs_counts)]
    for hall, idx in out.groupby(HALL_ID, sort=False).groups.items():
        rows = np.asarray(idx)
        st = starts.loc[rows]
        on_day = (st >= today) & (st < today + pd.Timedelta(days=1))
        if not on_day.any():
            continue
        order = np.argsort(st[on_day].to_numpy(), kind="stable")
        day_rows = rows[on_day.to_numpy()][order]
        day_st = pd.DatetimeIndex(starts.loc[day_rows])
        minutes = np.asarray((day_st - today).total_seconds() // 60, dtype=np.int64)
        interval = (infer_interval_minutes(pd.Series(day_st.to_numpy())) if len(day_st) > 1
                    else 15)
        step_td = pd.Timedelta(minutes=interval)
        o = obs[(obs[HALL_ID].astype(str) == str(hall)) & (obs[INTERVAL_START] >= today)
                & (obs[INTERVAL_START] + step_td <= now_ts)]
        seen_map = o.groupby(INTERVAL_START)[ARRIVALS].sum()
        out.loc[rows, "seen_arrivals"] = float(seen_map.sum())
        fc_mean = out.loc[day_rows, ARRIVALS].to_numpy(dtype=float)
        past = np.asarray(day_st + step_td <= now_ts)
        rest = np.asarray(day_st >= now_ts)
        if not rest.any():
            continue
        fit = (fits or {}).get(str(hall)) or _default_fit()
        step = minutes // interval
        n_past = int(past.sum())  # rows are in time order: the past ones come first
        if n_past:
            counts = seen_map.reindex(day_st[:n_past]).to_numpy(dtype=float)  # NaN: a gap
            z, pvar = log_ratio(counts, fc_mean[:n_past])
            lvl, dev = filter_state(z[None, :], pvar[None, :], step[:n_past], fit)
            level, deviation, last = lvl[0, -1], dev[0, -1], step[n_past - 1]
        else:
            level, deviation, last = 0.0, 0.0, step[rest][0] - 1
        mult = multipliers(level, deviation, step[rest] - last, fit)
        rest_rows = day_rows[rest]
        mu = mult * fc_mean[rest]
        minute = int((now_ts - today).total_seconds() // 60)
        lo, hi = _nb_interval(mu, np.full(len(mu), fit.phi_at(minute)), alpha)
        out.loc[rest_rows, ARRIVALS] = mu
        if "lo80" in out.columns:
            out.loc[rest_rows, "lo80"] = lo
            out.loc[rest_rows, "hi80"] = hi
        out.loc[rest_rows, "updated"] = True
        out.loc[rest_rows, "level_factor"] = mult
    return out
