"""Intraday update: the rest of today's forecast, revised by the arrivals seen so far.

By noon a hall has seen half its day. When the morning ran 20% above the
forecast, the afternoon usually does too: the day's *level* is uncertain
(weather, a local event, a payday), its *shape* much less. The update keeps
the forecast's shape and moves the day's level towards what has been seen,
by a shrinkage weight that grows as the day goes on:

``m = 1 + w(c) (S / E - 1) + v c_r (S_r / E_r - 1)``,
``w(c) = w_max E(c) / (E(c) + a)``,  ``c_r = E_r / (E_r + 20)``,

where ``S`` are the arrivals seen before the cut time ``c``, ``E`` the
forecast arrivals of the same intervals and ``E(c) / (E(c) + a)`` the
credibility weight of a gamma-Poisson day level (Bühlmann; a gamma prior of
the day's multiplier with ``a`` pseudo-arrivals): early in the day, with few
arrivals seen, the forecast stands; late, the day's own level decides. The
second term is the deviation of the last hour or hours (``S_r``, ``E_r``
over a recent window): on the bank log the deviation of the last two hours
says more about the rest of the day (correlation 0.59 with the rest-of-day
ratio) than the whole morning's (0.24), so both enter, each shrunk.
``a``, ``w_max``, ``v`` and the window (60, 120 or 180 minutes) are fitted
per hall on its own history, time of day by time of day: every past day is
cut at every hour, forecast from the same weekday of the previous (up to)
four weeks, and the set that minimises the absolute error of the rest of
those days is used (the fit thus weighs each time of day by the arrivals
still to come then).

Each remaining interval's mean is ``m`` times the forecast's. The 80%
interval is negative binomial around it, ``Var = mu + phi mu^2``, with
``phi`` chosen per cut hour on the same past days as the narrowest candidate
whose coverage reaches the requested one (split-conformal style): the
day-level part of the uncertainty shrinks as the day is seen, the
interval-to-interval noise does not.

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

from queueopt.calendar import HallCalendar
from queueopt.forecast import _inside, _nb_interval
from queueopt.io import ARRIVALS, HALL_ID, INTERVAL_START, infer_interval_minutes

FloatArray = npt.NDArray[np.float64]
IntArray = npt.NDArray[np.int64]

PRIOR_GRID: FloatArray = np.array([0.02, 0.05, 0.1, 0.2, 0.35, 0.5, 1.0, 2.0, 5.0])
"""Candidate ``a`` as a share of the day's forecast total (small: trust what is seen early)."""
WMAX_GRID: FloatArray = np.array([0.25, 0.5, 0.7, 0.85, 1.0])
"""Candidate ceilings ``w_max`` of the shrinkage weight."""
PHI_GRID: FloatArray = np.concatenate([[0.0], np.geomspace(1 / 256, 2.0, 28)])
"""Candidate excess dispersions ``phi`` of the updated interval (0 = Poisson)."""
LOOKBACK_WEEKS = 4
"""Same weekdays back that make the pseudo-forecast of a past day."""
DEFAULT_PRIOR = 0.2
"""``a`` (share of the day's total) when a hall has too few past days to fit."""
RECENT_WINDOWS: tuple[int, ...] = (60, 120, 180)
"""Candidate lengths (minutes) of the recent window before ``now``."""
RECENT_WEIGHTS: tuple[float, ...] = (0.0, 0.1, 0.2, 0.3, 0.45, 0.6)
"""Candidate weights ``v`` of the recent window's deviation."""
RECENT_PSEUDO = 20.0
"""Pseudo-arrivals of the recent window's credibility ``E_r / (E_r + 20)``."""


@dataclass(frozen=True, slots=True)
class IntradayFit:
    """One hall's intraday update rule, fitted on its own past days.

    Attributes
    ----------
    prior_share:
        ``a`` of the credibility weight, as a share of the day's forecast
        total (arrivals).
    max_weight:
        ``w_max``, the ceiling of the shrinkage weight (0..1).
    cut_minutes:
        Hour starts (minutes after midnight) at which ``phi`` is calibrated.
    phi:
        Excess dispersion of the rest-of-day counts at each cut (the last cut
        at or before ``now`` applies).
    days:
        Past days the fit used (0 = defaults).
    recent_weight:
        ``v``, the weight of the recent window's deviation.
    recent_minutes:
        Length of the recent window before ``now`` (minutes).
    """

    prior_share: float
    max_weight: float
    cut_minutes: IntArray
    phi: FloatArray
    days: int
    recent_weight: float = 0.0
    recent_minutes: int = 60

    def weight(self, seen_forecast: float, day_forecast: float) -> float:
        """Shrinkage weight ``w`` after ``seen_forecast`` of ``day_forecast`` arrivals passed."""
        a = self.prior_share * max(day_forecast, 1e-9)
        return float(self.max_weight * seen_forecast / (seen_forecast + a))

    def phi_at(self, minute: int) -> float:
        """Excess dispersion of the rest of the day cut at ``minute`` after midnight."""
        i = int(np.searchsorted(self.cut_minutes, minute, side="right")) - 1
        return float(self.phi[max(i, 0)]) if len(self.phi) else 0.0


def _default_fit() -> IntradayFit:
    return IntradayFit(prior_share=DEFAULT_PRIOR, max_weight=1.0,
                       cut_minutes=np.array([0], dtype=np.int64), phi=np.array([0.05]), days=0)


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


def _fit_hall(days: list[dt.date], slots: IntArray, grid: FloatArray, kinds: list[str],
              coverage: float) -> IntradayFit:
    pseudo, n_avg = _pseudo_forecasts(days, grid, kinds)
    usable = np.flatnonzero(np.isfinite(pseudo).any(axis=1) & (np.nansum(grid, axis=1) > 0))
    if len(usable) < 3:
        return _default_fit()
    y = grid[usable]
    f = np.nan_to_num(pseudo[usable], nan=0.0)
    n_f = np.maximum(n_avg[usable], 1.0)
    seen = np.isfinite(y)
    y0 = np.nan_to_num(y, nan=0.0)
    f = np.where(seen, f, 0.0)  # a missing interval is neither seen nor forecast
    total_f = f.sum(axis=1)
    hours = np.unique(slots // 60 * 60)
    cuts = hours[(hours > slots.min()) & (hours <= slots.max())]
    if len(cuts) == 0:
        return _default_fit()
    before = slots[None, :] < cuts[:, None]  # (cut, slot)
    s_seen = y0 @ before.T.astype(float)      # (day, cut) arrivals seen
    e_seen = f @ before.T.astype(float)       # (day, cut) forecast of those intervals
    ratio = np.where(e_seen > 0, s_seen / np.where(e_seen > 0, e_seen, 1.0), 1.0)
    after = ~before
    mask = (after[None] & seen[:, None, :]).astype(float)  # (day, cut, slot) scored
    recent_terms = {}
    for window in RECENT_WINDOWS:
        inside = before & (slots[None, :] >= cuts[:, None] - window)
        s_rec = y0 @ inside.T.astype(float)
        e_rec = f @ inside.T.astype(float)
        r_rec = np.where(e_rec > 0, s_rec / np.where(e_rec > 0, e_rec, 1.0), 1.0)
        recent_terms[window] = (e_rec / (e_rec + RECENT_PSEUDO)) * (r_rec - 1.0)
    best = (np.inf, DEFAULT_PRIOR, 1.0, 0.0, RECENT_WINDOWS[0])
    for a_share in PRIOR_GRID:
        a = a_share * np.maximum(total_f, 1e-9)[:, None]
        cred = e_seen / (e_seen + a)
        for wmax in WMAX_GRID:
            day_term = wmax * cred * (ratio - 1.0)  # (day, cut)
            for window, term in recent_terms.items():
                for w_rec in RECENT_WEIGHTS:
                    if (w_rec == 0.0 and window != RECENT_WINDOWS[0]) or wmax + w_rec > 1.0:
                        continue  # (the weights on what was seen add up to at most 1)
                    m = np.maximum(1.0 + day_term + w_rec * term, 0.0)
                    pred = m[:, :, None] * f[:, None, :]  # (day, cut, slot)
                    err = float((np.abs(y0[:, None, :] - pred) * mask).sum())
                    if err < best[0]:
                        best = (err, float(a_share), float(wmax), float(w_rec), int(window))
    _, a_share, wmax, w_rec, window = best
    a = a_share * np.maximum(total_f, 1e-9)[:, None]
    m = np.maximum(1.0 + wmax * (e_seen / (e_seen + a)) * (ratio - 1.0)
                   + w_rec * recent_terms[window], 0.0)
    alpha = (1 - coverage) / 2
    phis = np.empty(len(cuts))
    for j in range(len(cuts)):
        rows = after[j][None, :] & seen & (f > 0)
        mu = (m[:, j][:, None] * f)[rows]
        # the pseudo-forecast is a mean of only n days, so its own noise (variance about
        # mu / n) widens these residuals beyond a real forecast's: deflate it away
        yy = mu + (y0[rows] - mu) / np.sqrt(1.0 + 1.0 / n_f[rows])
        phis[j] = PHI_GRID[-1]
        if len(yy) == 0:
            continue
        for phi in PHI_GRID:  # narrowest first; coverage grows with phi
            if _inside(yy, mu, phi, alpha).mean() >= coverage:
                phis[j] = phi
                break
    return IntradayFit(prior_share=a_share, max_weight=wmax, cut_minutes=cuts.astype(np.int64),
                       phi=phis, days=len(usable), recent_weight=w_rec, recent_minutes=window)


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
        days, slots, grid, _ = _dense(part)
        kinds = [f"{k}-{d.weekday()}" if k != "holiday" else k
                 for d, k in zip(days, cal.day_kinds(days))]
        out[str(hall)] = _fit_hall(days, slots, grid, kinds, coverage)
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
        default (``a`` = 0.2 of the day, ``w_max`` = 1, ``phi`` = 0.05).
    coverage:
        Central coverage of the interval (0.80 fills ``lo80``/``hi80``).

    Returns
    -------
    pandas.DataFrame
        ``forecast`` with today's intervals starting at or after ``now``
        revised (``arrivals``, ``lo80``, ``hi80``) and three columns added:
        ``updated`` (bool), ``level_factor`` (the day's multiplier ``m``, 1
        where not updated) and ``seen_arrivals`` (arrivals seen today before
        ``now``, per hall).

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
    (1.357, 4)
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
        day_rows = rows[on_day.to_numpy()]
        day_st = st[on_day]
        step = (pd.Timedelta(minutes=infer_interval_minutes(pd.Series(day_st.to_numpy())))
                if len(day_st) > 1 else pd.Timedelta(minutes=15))
        o = obs[(obs[HALL_ID].astype(str) == str(hall)) & (obs[INTERVAL_START] >= today)
                & (obs[INTERVAL_START] + step <= now_ts)]
        seen_map = o.groupby(INTERVAL_START)[ARRIVALS].sum()
        fc_mean = out.loc[day_rows, ARRIVALS].to_numpy(dtype=float)
        past = (day_st + step <= now_ts).to_numpy()
        was_seen = day_st.isin(seen_map.index).to_numpy()
        s_seen = float(seen_map.sum())
        e_seen = float(fc_mean[past & was_seen].sum())
        fit = (fits or {}).get(str(hall)) or _default_fit()
        w = fit.weight(e_seen, float(fc_mean.sum()))
        ratio = s_seen / e_seen if e_seen > 0 else 1.0
        window = (past & was_seen
                  & (day_st >= now_ts - pd.Timedelta(minutes=fit.recent_minutes)).to_numpy())
        e_rec = float(fc_mean[window].sum())
        s_rec = float(seen_map.reindex(day_st[window]).sum())
        recent = (e_rec / (e_rec + RECENT_PSEUDO)) * (s_rec / e_rec - 1.0) if e_rec > 0 else 0.0
        m = max(1.0 + w * (ratio - 1.0) + fit.recent_weight * recent, 0.0)
        rest = day_rows[(day_st >= now_ts).to_numpy()]
        if len(rest) == 0:
            continue
        mu = m * out.loc[rest, ARRIVALS].to_numpy(dtype=float)
        minute = int((now_ts - today).total_seconds() // 60)
        phi = np.full(len(mu), fit.phi_at(minute))
        lo, hi = _nb_interval(mu, phi, alpha)
        out.loc[rest, ARRIVALS] = mu
        if "lo80" in out.columns:
            out.loc[rest, "lo80"] = lo
            out.loc[rest, "hi80"] = hi
        out.loc[rest, "updated"] = True
        out.loc[rest, "level_factor"] = m
        out.loc[rows, "seen_arrivals"] = s_seen
    return out
