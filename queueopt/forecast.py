"""Footfall forecasts per hall and interval, with calibrated prediction intervals.

The forecast combines two components, the mix chosen per hall by a rolling-
origin validation on the hall's own recent weeks:

**Structural** (``S``): the standard split of arrivals into a *daily total*
and an *intraday profile* for call-centre and branch arrivals (Weinberg,
Brown and Stroud, JASA 2007; Ibrahim et al., "Modeling and forecasting call
center arrivals", 2016):

* daily total: a robust, recency-weighted log-linear regression on
  day-of-week, the day of month (month-end ramp from day 21, the first days
  of a month), public holidays and make-up working days (a make-up Saturday
  is a working day), and a linear trend; then a local level: the
  exponentially weighted mean of the last weeks' residuals, so a level shift
  is followed within a couple of weeks. Huber weights (IRLS) make it robust
  to outlier days; missing days simply drop out.
* intraday profile: the share of the day in each time-of-day slot, per day
  group (each weekday, holiday; a make-up day counts as a Monday), a
  recency-weighted mean of the daily shares shrunk towards the pooled
  working-day or weekend profile.

**Recent same weekday** (``R``): the counts of the same weekday and slot
one to four weeks earlier, weighted ``rho**(weeks - 1)`` (``rho`` = 0.05:
last week's counts unless that day was unusual; 1: the mean of four weeks),
optionally each rescaled by the regression's calendar ratio
``exp((x_target - x_then) . beta)`` (month-end, first days of the month,
trend). A day of another day group (a holiday, a make-up day) does not
count, and every day counts with its Tukey bisquare weight in the daily
regression (0 beyond 4.685 robust standard deviations: the day after a
holiday, a one-off closure); where no such day exists ``R = S``. A
schedule-driven series (a timetable that repeats week after week) is
followed exactly by ``R``; noisy footfall is smoothed by ``S``.

**Combination chosen by validation** (Bates and Granger, 1969; Hyndman and
Athanasopoulos, *FPP3* ch. 13.4): the mean is ``a S + (1 - a) R``. At up to
``validation_weeks`` (default 6) inner origins one, two, ... weeks before the
end of the hall's history (each with at least four weeks of history before
it) the hall is refitted on the history up to that origin and forecast 7 days
ahead; the weight ``a`` (0, 0.1, ..., 1) and the variant of ``R`` (``rho``
0.05, 0.3 or 1, calendar ratio on or off) with the smallest WAPE over those
inner folds are used. In that WAPE each day counts with its bisquare weight
in the full history's regression, so a one-off day does not decide the model.
Without an inner fold (less than five weeks of history) the forecast is ``S``.

**Intervals**: counts are negative binomial with
``Var = mu + c mu^2 (1/k + e^{sigma_h^2} - 1)``: ``k`` is the intraday
over-dispersion of the counts given their day's total (in-sample), ``sigma_h``
the daily-total error (the regression's residuals, growing 5% a day with the
horizon ``h``). The width is calibrated on the inner folds' *out-of-sample*
counts (split-conformal style): from the candidates, narrowest first, ``s``
times the half-widths of the Poisson interval (``s`` = 0.1 ... 0.9, for
timetable-like counts that vary less than Poisson), Poisson (``c = 0``) and
negative binomial with ``c`` = 1/64 ... 4, the narrowest whose inner coverage
reaches the requested one (0.80) is used; ``c = 1`` without inner folds. The
80% interval is the 10% and 90% quantiles (whole counts).

A day group the history shows closed (e.g. holidays with no arrivals) is not
forecast: the hall is taken to be closed then. A holiday when the history
holds no holiday at all is forecast like the same weekday (no holiday
effect: nothing in the history says how busy it is), with a warning;
published hours in ``halls.csv`` decide where given.

Everything is in the history's own interval length (5, 10, 15, 30 or 60 minutes,
inferred from the timestamps); means are arrivals per interval.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Mapping
from concurrent.futures import ThreadPoolExecutor
from dataclasses import dataclass

import numpy as np
import numpy.typing as npt
import pandas as pd
from scipy import special

from queueopt import ensemble
from queueopt.calendar import MONTH_END_FIRST_DAY, HallCalendar
from queueopt.io import ARRIVALS, HALL_ID, INTERVAL_START, infer_interval_minutes
from queueopt.model import Hall

FloatArray = npt.NDArray[np.float64]
IntArray = npt.NDArray[np.int64]
BoolArray = npt.NDArray[np.bool_]

#: Day groups of the intraday profile.
DAY_GROUPS: tuple[str, ...] = ("mon", "tue", "wed", "thu", "fri", "sat", "sun", "holiday")


def _parent_index(calendar: HallCalendar) -> IntArray:
    """Pooled profile of each day group: 0 working day, 1 weekend (the calendar's), 2 holiday."""
    return np.array([2 if g == "holiday" else int(calendar.is_weekend_weekday(k))
                     for k, g in enumerate(DAY_GROUPS)])


PROFILE_SHRINK_DAYS = 3.0
"""Pseudo-days of the pooled working-day profile in each working weekday's profile.
Weekend days keep their own profile: their hours differ (a Friday open to 14:00, a
Saturday evening), so pooling them mixes shapes that have nothing in common."""
MIN_HISTORY_DAYS = 28
"""Below four weeks the forecast falls back to a plain profile (warning column set)."""
HALF_LIFE_DAYS = 42.0
"""Recency weight of the daily regression: a day six weeks old counts half."""
LEVEL_HALF_LIFE_DAYS = 7.0
"""Half-life of the local level that follows recent changes."""
PROFILE_HALF_LIFE_DAYS = 21.0
"""Recency weight of the intraday profile: schedules and habits drift within a season."""
RECENT_WEEKS = 4
"""Same weekdays (weeks back) in the recent component ``R``."""
RECENT_VARIANTS: tuple[tuple[float, bool], ...] = (
    (0.05, True), (0.3, True), (1.0, True), (0.05, False), (0.3, False), (1.0, False))
"""Candidate recent components ``(rho, calendar ratio on)`` (chosen by validation):
``rho`` weighs one week older (0.05: last week's counts unless that day was
unusual; 1: the mean of four weeks)."""
COMBINATION_WEIGHTS: FloatArray = np.linspace(0.0, 1.0, 11)
"""Candidate weights ``a`` of the structural component (chosen by validation)."""
DISPERSION_SCALES: FloatArray = np.concatenate([[0.0], np.geomspace(1 / 64, 4.0, 17)])
"""Candidate calibration factors ``c`` of the negative-binomial excess variance."""
WIDTH_SHRINKS: FloatArray = np.linspace(0.1, 0.9, 9)
"""Candidate factors ``s`` of the Poisson interval's half-widths (under-dispersed counts)."""
VALIDATION_WEEKS = 6
"""Inner rolling origins (weeks) of the per-hall validation."""


@dataclass(frozen=True, slots=True)
class _HallData:
    """One hall's history on a dense day x slot grid (day 0 = first day)."""

    counts: FloatArray      # (D, S) arrivals per interval; 0 where no row
    seen: BoolArray         # (D, S) the interval has a row in the history
    minutes: IntArray       # (S,) slot start, minutes after midnight
    x: FloatArray           # (D + H, 12) regression features, days 0 .. D + H - 1
    group: IntArray         # (D + H,) day group index into DAY_GROUPS
    kinds: list[str]        # (D + H) day kinds (calendar)
    hours: BoolArray | None  # (8, S) slots of the published hours per group, if known
    parent: IntArray        # (8,) pooled profile of each group (calendar's weekend)
    interval: int           # minutes
    first_day: dt.date
    partial: BoolArray      # (D,) days with a gap (NaN arrivals): no example of a daily total


@dataclass(frozen=True, slots=True)
class _Fit:
    """The structural model fitted on days ``0 .. origin`` of a hall."""

    origin: int             # last training day (index)
    coef: FloatArray        # (12,) log daily total regression
    level: float            # local level (log scale)
    sigma_day: float        # daily-total error (log scale)
    k_intraday: float       # intraday negative-binomial size
    profile: FloatArray     # (8, S) share of the day per slot; NaN = not forecast
    robust: FloatArray      # (origin + 1,) weight of each day as a recent example (0..1)
    holiday_unseen: bool = False  # no holiday in the history at all (neither open nor closed)


def _day_group(kind: str, acts_as: int) -> str:
    """Day group of a day of kind ``kind`` following weekday ``acts_as``.

    A make-up working day follows the weekday it replaces
    (:meth:`HallCalendar.acts_as_weekdays`, the one owner of that rule), so
    its profile and its hours (``_hours_mask``, per group) are that weekday's.
    """
    return "holiday" if kind == "holiday" else DAY_GROUPS[acts_as]


def _design(days: list[dt.date], kinds: list[str], origin: dt.date,
            acts_as: list[int] | None = None) -> FloatArray:
    """Regression features of the daily log-total (one row per day; trend in years).

    ``acts_as`` is the weekday each day follows (a make-up day: the one it replaces).
    """
    n = len(days)
    x = np.zeros((n, 12))
    if n == 0:
        return x
    dom = np.array([d.day for d in days], dtype=float)
    kind = np.array(kinds)
    holiday = kind == "holiday"
    dow = np.array(acts_as if acts_as is not None else [d.weekday() for d in days])
    x[:, 0] = 1.0
    rows = np.flatnonzero(~holiday & (dow > 0))
    x[rows, dow[rows]] = 1.0  # columns 1..6: Tue..Sun vs Monday
    x[:, 7] = holiday
    x[:, 8] = dom >= MONTH_END_FIRST_DAY
    x[:, 9] = np.maximum(dom - MONTH_END_FIRST_DAY, 0) / 10.0
    x[:, 10] = dom <= 3
    x[:, 11] = np.array([(d - origin).days for d in days]) / 365.0
    return x


def _fit_daily(y: FloatArray, x: FloatArray, age: FloatArray) -> tuple[FloatArray, FloatArray]:
    """Huber-weighted, recency-weighted least squares of the log daily totals.

    Returns the coefficients and the residuals (log scale).
    """
    w_time = 0.5 ** (age / HALF_LIFE_DAYS)
    # weak ridge prior keeps unseen effects (e.g. no holiday in history) near zero,
    # and the holiday effect near a typical -0.3 (a third fewer visitors)
    prior = np.zeros(x.shape[1])
    prior[7] = -0.3
    ridge = np.full(x.shape[1], 0.5)
    ridge[0] = 0.0
    ridge[11] = 0.05
    w = w_time.copy()
    huber = np.ones_like(y)
    coef = np.zeros(x.shape[1])
    for _ in range(4):
        xtw = x.T * w
        a = xtw @ x + np.diag(ridge)
        b = xtw @ y + ridge * prior
        coef = np.linalg.solve(a, b).astype(np.float64)
        r = y - x @ coef
        scale = 1.4826 * np.median(np.abs(r - np.median(r))) + 1e-6
        u = np.abs(r) / (1.345 * scale)
        huber = np.where(u <= 1, 1.0, 1.0 / np.maximum(u, 1e-12))
        w = w_time * huber
    return coef, y - x @ coef


def _profile_of(num: FloatArray, den: FloatArray, ndays: FloatArray, nseen: FloatArray
                ) -> tuple[FloatArray, BoolArray]:
    """Weighted mean shares (groups x slots) and which slots are kept.

    A slot is kept when it has a row on at least 30% of the group's days.
    """
    own = num / np.where(den > 0, den, 1.0)[:, None]
    ok = (nseen > 0) & (nseen >= 0.3 * ndays[:, None])
    return own, ok


def _fit(data: _HallData, origin: int) -> _Fit:
    """Fit the structural model on days ``0 .. origin`` (inclusive) of ``data``."""
    cnt = data.counts[:origin + 1]
    seen = data.seen[:origin + 1]
    totals = cnt.sum(axis=1)
    idx = np.flatnonzero((totals > 0) & ~data.partial[:origin + 1])
    age = (origin - idx).astype(float)  # days
    coef, resid = _fit_daily(np.log(totals[idx]), data.x[idx], age)
    # local level: recent residuals, exponentially weighted
    lw = 0.5 ** (age / LEVEL_HALF_LIFE_DAYS)
    level = float(np.sum(lw * resid) / np.sum(lw))
    # one-step-ahead-like error of the daily total: residual spread after the level
    sigma_day = float(np.sqrt(np.average((resid - level) ** 2, weights=lw + 0.2)))
    # how typical each day is of its day group: Tukey's bisquare weight of its residual
    # about its group's median residual (the ridge prior may leave a group off by a
    # little, which on a near-deterministic timetable is many standard deviations)
    group = data.group[idx]
    onehot = (group[:, None] == np.arange(len(DAY_GROUPS))).astype(bool)
    centre = np.array([np.median(resid[onehot[:, g]]) if onehot[:, g].any() else 0.0
                       for g in range(len(DAY_GROUPS))])
    dev = resid - centre[group]
    scale = 1.4826 * np.median(np.abs(dev)) + 1e-6
    robust = np.zeros(origin + 1)  # a closed or missing day is no example at all
    robust[idx] = np.clip(1.0 - (dev / (4.685 * scale)) ** 2, 0.0, None) ** 2
    # intraday profiles per weekday (and holiday), shrunk towards the pooled
    # working-day or weekend profile: a weekday seen few times borrows from its group
    share = cnt[idx] / totals[idx, None]
    w = 0.5 ** (age / PROFILE_HALF_LIFE_DAYS)
    onehot = (data.group[idx][:, None] == np.arange(len(DAY_GROUPS))).astype(float)
    den = onehot.T @ w
    num = onehot.T @ (w[:, None] * share)
    ndays = onehot.sum(axis=0)
    nseen = onehot.T @ seen[idx].astype(float)
    parent = (data.parent[None, :] == np.arange(3)[:, None]).astype(float)
    own, ok_own = _profile_of(num, den, ndays, nseen)
    pooled, ok_pooled = _profile_of(parent @ num, parent @ den, parent @ ndays, parent @ nseen)
    par = np.where(ok_pooled[data.parent], pooled[data.parent], own)
    n = ndays[:, None]
    shrink = np.where(data.parent == 0, PROFILE_SHRINK_DAYS, 0.0)[:, None]
    prof = np.where(ok_own, (n * own + shrink * par) / np.maximum(n + shrink, 1e-12), np.nan)
    tot = np.nansum(prof, axis=1, keepdims=True)
    prof = np.where(tot > 0, prof / np.where(tot > 0, tot, 1.0), prof)
    if data.hours is not None:
        prof = _apply_hall_hours(data.hours, prof)
    # intraday over-dispersion k from counts given their day's total
    mu = totals[:, None] * np.nan_to_num(prof[data.group[:origin + 1]], nan=0.0)
    good = (mu > 0) & seen
    excess = float(np.sum((cnt[good] - mu[good]) ** 2 - mu[good]))
    k = float(np.sum(mu[good] ** 2) / excess) if excess > 0 else 1e6
    # a holiday the history never shows (no row on any holiday: not open, not closed)
    # is forecast like the same weekday, without a holiday effect: nothing says how busy
    # it is (US bank_calls: Columbus Day ran at a normal Monday's level, where the former
    # prior of a third fewer cost 10% of the backtest's error); with published hours,
    # those decide instead (_apply_hall_hours)
    hol = data.group[:origin + 1] == DAY_GROUPS.index("holiday")
    unseen = data.hours is None and not bool(seen[hol].any())
    if unseen:
        coef = coef.copy()
        coef[7] = 0.0
    return _Fit(origin=origin, coef=coef, level=level, sigma_day=max(sigma_day, 0.02),
                k_intraday=float(np.clip(k, 0.5, 1e6)), profile=prof, robust=robust,
                holiday_unseen=unseen)


def _apply_hall_hours(hours: BoolArray, prof: FloatArray) -> FloatArray:
    """Restrict (or extend, flat) each group's profile to the hall's published hours.

    ``hours`` (groups x slots) marks the slots of the published hours; a group
    never seen open borrows Monday's (or the first known) profile, and a slot
    outside the learnt hours gets the smallest learnt share.
    """
    known = np.flatnonzero(np.isfinite(prof).any(axis=1))
    out = np.full_like(prof, np.nan)
    if len(known) == 0:
        return out
    for g in range(len(DAY_GROUPS)):
        if not hours[g].any():
            continue
        src = g if g in known else (0 if 0 in known else int(known[0]))
        p = np.where(hours[g], prof[src], np.nan)
        fill = np.nanmin(p) if np.isfinite(p).any() else 1.0
        p = np.where(hours[g] & ~np.isfinite(p), fill, p)
        out[g] = p / np.nansum(p)
    return out


def _structural(data: _HallData, fit: _Fit, target: IntArray) -> tuple[FloatArray, FloatArray]:
    """Mean per target day and slot (NaN = not forecast) and each day's excess dispersion.

    The excess dispersion ``phi`` is ``1/k + e^{sigma_h^2} - 1`` (Var = mu + phi mu^2).
    """
    h = target - fit.origin  # horizon in days, 1 = the day after the origin
    # forecast error of the day's total grows slowly with the horizon
    sigma = fit.sigma_day * np.sqrt(1.0 + 0.05 * (h - 1))
    total = np.exp(data.x[target] @ fit.coef + fit.level + 0.5 * sigma ** 2)
    group = data.group[target]
    if fit.holiday_unseen:
        weekday = (data.first_day.weekday() + target) % 7  # DAY_GROUPS[0..6] = mon..sun
        group = np.where(group == DAY_GROUPS.index("holiday"), weekday, group)
    mean = total[:, None] * fit.profile[group]
    return mean, 1.0 / fit.k_intraday + np.expm1(sigma ** 2)


def _recent(data: _HallData, fit: _Fit, target: IntArray, structural: FloatArray) -> FloatArray:
    """The recent same-weekday component for each of ``RECENT_VARIANTS`` (variant x day x slot).

    The same weekday 1..4 weeks before (counted from the last week of the
    history when the horizon is longer than a week), weighted ``rho**m``, times
    the bisquare weight of that day (0 for a closed, missing or outlier day)
    and 0 when its day group differs; with the calendar ratio on, each is
    rescaled to the target day by ``exp((x_target - x_then) . beta)``. Falls
    back to ``structural`` where no such day exists. Arrivals per interval.
    """
    rho = np.array([v[0] for v in RECENT_VARIANTS])[:, None]
    use_ratio = np.array([v[1] for v in RECENT_VARIANTS])[:, None]
    n_v = len(RECENT_VARIANTS)
    n_t, n_s = structural.shape
    acc = np.zeros((n_v, n_t, n_s))
    wsum = np.zeros((n_v, n_t))
    seen_w = np.zeros((n_v, n_t, n_s))
    first_lag = -(-(target - fit.origin) // 7)  # weeks back to the first day in the history
    for m in range(RECENT_WEEKS):
        lag = target - 7 * (first_lag + m)
        ok = lag >= 0
        lag_c = np.where(ok, lag, 0)
        gate = np.where(ok & (data.group[lag_c] == data.group[target]), fit.robust[lag_c], 0.0)
        ratio = np.exp((data.x[target] - data.x[lag_c]) @ fit.coef)
        wt = rho ** m * gate[None, :]  # (variant, day)
        scaled = wt * np.where(use_ratio, ratio[None, :], 1.0)
        acc += scaled[:, :, None] * data.counts[lag_c][None]
        wsum += wt
        seen_w += wt[:, :, None] * data.seen[lag_c][None]
    have = (wsum[:, :, None] > 0) & (seen_w > 0)
    recent = acc / np.where(wsum > 0, wsum, 1.0)[:, :, None]
    return np.where(have, recent, structural[None])


def _inside(y: FloatArray, mean: FloatArray, phi: FloatArray | float, alpha: float) -> BoolArray:
    """Whether count ``y`` lies in the central interval of NB(mean, Var = mean + phi mean^2).

    ``y >= ppf(alpha)`` iff ``cdf(y) >= alpha``; ``y <= ppf(1 - alpha)`` iff
    ``cdf(y - 1) < 1 - alpha``. ``phi`` is all positive, or 0 for Poisson.
    """
    mean = np.maximum(mean, 1e-12)
    if np.all(np.asarray(phi) <= 0):
        def cdf(k: FloatArray) -> FloatArray:
            return special.gammaincc(np.floor(k) + 1, mean)
    else:
        n = 1.0 / np.asarray(phi)
        p = n / (n + mean)

        def cdf(k: FloatArray) -> FloatArray:
            return special.betainc(n, np.floor(k) + 1, p)

    cdf_y = cdf(y)
    cdf_ym1 = np.where(y >= 1, cdf(np.maximum(y - 1, 0)), 0.0)
    return (cdf_y >= alpha) & (cdf_ym1 < 1 - alpha)


def _shrink(mean: FloatArray, lo: FloatArray, hi: FloatArray, shrink: FloatArray | float
            ) -> tuple[FloatArray, FloatArray]:
    """Half-widths of the interval ``[lo, hi]`` around ``mean`` times ``shrink`` (<= 1).

    The bounds stay whole counts and the interval keeps the count nearest the mean.
    """
    near = np.round(mean)
    lo_s = np.minimum(np.ceil(mean - shrink * (mean - lo) - 1e-9), near)
    hi_s = np.maximum(np.floor(mean + shrink * (hi - mean) + 1e-9), near)
    return np.maximum(lo_s, 0.0), hi_s


MIN_INNER_DAYS = 14
"""An inner validation origin needs two weeks of history before it."""
GLOBAL_MIN_DAYS = 35
"""A hall joins the global model with five weeks of history (four weeks of lags and one more)."""
GLOBAL_INNER_FOLDS = 2
"""Inner folds the global model forecasts (the latest ones; its fit on the history up to the
earlier of them)."""
RECENT_MEAN = RECENT_VARIANTS.index((1.0, True))
"""The recent component used as candidate ``R``: four weeks' mean with the calendar ratio."""


@dataclass(frozen=True, slots=True)
class _Calibration:
    """Interval width of one hall, chosen on its inner folds' out-of-sample counts."""

    scale: float        # c: calibration factor of the excess dispersion
    shrink: float       # s: factor of the interval's half-widths (1 unless under-dispersed)
    day_lo: float       # 10% quantile of actual / forecast daily totals (NaN: not calibrated)
    day_hi: float       # 90% quantile of the same


def _candidates(data: _HallData, fit: _Fit, origin: int, target: IntArray,
                global_pred: FloatArray | None) -> tuple[FloatArray, FloatArray]:
    """Candidate stack (``ensemble.CANDIDATES`` x days x slots) and the structural ``phi``."""
    structural, phi = _structural(data, fit, target)
    recent = _recent(data, fit, target, structural)[RECENT_MEAN]
    usable = np.zeros(data.counts.shape[0], dtype=bool)
    usable[:origin + 1] = fit.robust > 0
    group = data.group
    if fit.holiday_unseen:  # no holiday in the history: a holiday follows its weekday's days
        weekday = (data.first_day.weekday() + np.arange(len(group))) % 7
        group = np.where(group == DAY_GROUPS.index("holiday"), weekday, group)
    args = (data.counts, data.seen, usable, group)
    four = ensemble.four_week_mean(*args, origin, target)
    four = four * ensemble.recent_level(*args, origin)
    ses = ensemble.slot_smoothing(*args, origin, target)
    glob = np.full_like(structural, np.nan)
    if global_pred is not None:
        glob[:len(global_pred)] = global_pred
    stack = np.stack([structural, recent, four, ses, glob])
    # where the structural model does not forecast (closed), no candidate does
    stack = np.where(np.isfinite(structural)[None], stack, np.nan)
    return stack, phi


def _inner_origins(data: _HallData, weeks: int) -> list[int]:
    """Inner validation origins, one week apart back from the end of the history."""
    n_days = data.counts.shape[0]
    open_day = data.counts.sum(axis=1) > 0
    out = []
    for j in range(1, weeks + 1):
        origin = n_days - 1 - 7 * j
        if origin + 1 < MIN_INNER_DAYS or open_day[:origin + 1].sum() < 7:
            break
        out.append(origin)
    return out


def _calibrate(y: FloatArray, mean: FloatArray, phi: FloatArray, alpha: float,
               coverage: float) -> tuple[float, float]:
    """Interval width ``(c, s)``: the narrowest candidate whose inner coverage reaches ``coverage``.

    Candidates, narrowest first: ``s`` times the Poisson half-widths (``s`` =
    0.1 ... 0.9, for counts that vary less than Poisson), Poisson, then the
    negative binomial with ``c`` = 1/64 ... 4 (split-conformal style: the
    inner days are out of sample for the model that forecast them).
    """
    n_s = len(WIDTH_SHRINKS)
    poisson: list[tuple[FloatArray, FloatArray]] = []

    def covers(i: int) -> bool:
        if i >= n_s:
            return bool(_inside(y, mean, DISPERSION_SCALES[i - n_s] * phi, alpha).mean()
                        >= coverage)
        if not poisson:
            poisson.append(_nb_interval(mean, np.zeros_like(mean), alpha))
        lo, hi = _shrink(mean, *poisson[0], WIDTH_SHRINKS[i])
        return bool(((y >= lo) & (y <= hi)).mean() >= coverage)

    lo_i, hi_i = 0, n_s + len(DISPERSION_SCALES) - 1
    while lo_i < hi_i:  # first index that covers (the last one if none does)
        mid = (lo_i + hi_i) // 2
        if covers(mid):
            hi_i = mid
        else:
            lo_i = mid + 1
    best = lo_i
    return (float(DISPERSION_SCALES[best - n_s]) if best >= n_s else 0.0,
            float(WIDTH_SHRINKS[best]) if best < n_s else 1.0)


def _day_quantiles(ratios: FloatArray, alpha: float) -> tuple[float, float]:
    """Split-conformal quantiles of actual / forecast daily totals (finite-sample corrected)."""
    n = len(ratios)
    if n < 5:
        return float("nan"), float("nan")
    r = np.sort(ratios)
    k_lo = int(np.floor(alpha * (n + 1))) - 1
    k_hi = int(np.ceil((1 - alpha) * (n + 1))) - 1
    return float(r[max(k_lo, 0)]), float(r[min(k_hi, n - 1)])


def _choose_and_calibrate(data: _HallData, typical: FloatArray, origins: list[int],
                          global_inner: list[FloatArray] | None, alpha: float,
                          coverage: float, structural_only: bool
                          ) -> tuple[ensemble.Combination, _Calibration]:
    """Combination weights and interval widths of one hall from its inner folds."""
    folds = []
    phis = []
    for j, origin in enumerate(origins):
        fit = _fit(data, origin)
        target = np.arange(origin + 1, origin + 8)
        g = global_inner[j] if global_inner is not None else None
        stack, phi = _candidates(data, fit, origin, target, g)
        rows = data.seen[target] & np.isfinite(stack[0])
        folds.append((stack, data.counts[target], rows, typical[target]))
        phis.append(np.broadcast_to(phi[:, None], rows.shape))
    if structural_only:
        comb = ensemble.Combination(weights=(1.0, 0.0, 0.0, 0.0, 0.0), median=False,
                                    smooth=False, folds=0, inner_wape=float("nan"))
    else:
        smooth = (not folds) and ensemble.smoothing_helps(
            data.counts, data.seen, typical > 0, data.group, len(typical) - 1)
        comb = ensemble.choose(folds, smooth_default=smooth)
    if not folds or structural_only:
        return comb, _Calibration(scale=1.0, shrink=1.0, day_lo=float("nan"),
                                  day_hi=float("nan"))
    ys, means, ps, ratios = [], [], [], []
    for (stack, y, rows, _), phi in zip(folds, phis):
        mean = np.nan_to_num(ensemble.combine(stack, comb), nan=0.0)
        ys.append(y[rows])
        means.append(mean[rows])
        ps.append(phi[rows])
        for d in range(len(y)):
            f = float(mean[d][rows[d]].sum())
            if rows[d].any() and f > 0:
                ratios.append(float(y[d][rows[d]].sum()) / f)
    y_all = np.concatenate(ys)
    if len(y_all) == 0:
        return comb, _Calibration(1.0, 1.0, float("nan"), float("nan"))
    scale, shrink = _calibrate(y_all, np.concatenate(means), np.concatenate(ps), alpha, coverage)
    day_lo, day_hi = _day_quantiles(np.array(ratios), alpha)
    return comb, _Calibration(scale=scale, shrink=shrink, day_lo=day_lo, day_hi=day_hi)


def _hours_mask(hall: Hall, minutes: IntArray) -> BoolArray:
    """Slots (of ``minutes``) inside the hall's published hours, per day group."""
    hours = [*hall.hours[:7], hall.holiday_hours]
    return np.array([(minutes >= h.open_minute) & (minutes < h.close_minute) if h.is_open
                     else np.zeros(len(minutes), dtype=bool) for h in hours])


def _hall_data(minute: IntArray, counts: FloatArray, interval: int, hall: Hall | None,
               cal_day0: int, cal_x: FloatArray, cal_group: IntArray, cal_kinds: list[str],
               horizon_days: int, parent: IntArray) -> _HallData:
    """Dense day x slot arrays of one hall; ``minute`` counts from 1970-01-01 00:00."""
    day = minute // 1440
    tod = minute - day * 1440
    first = int(day.min())
    grid = np.unique(tod)
    if hall is not None:  # add the published hours' slots not in the history
        extra = [np.arange(-(-h.open_minute // interval) * interval, h.close_minute, interval)
                 for h in (*hall.hours[:7], hall.holiday_hours) if h.is_open]
        grid = np.unique(np.concatenate([grid, *extra])).astype(np.int64)
    n_days = int(day.max()) - first + 1
    d = day - first
    s = np.searchsorted(grid, tod)
    gap = ~np.isfinite(counts)
    dense = np.zeros((n_days, len(grid)))
    np.add.at(dense, (d[~gap], s[~gap]), counts[~gap])
    seen = np.zeros((n_days, len(grid)), dtype=bool)
    seen[d[~gap], s[~gap]] = True
    partial = np.zeros(n_days, dtype=bool)
    partial[d[gap]] = True
    lo = first - cal_day0
    hi = lo + n_days + horizon_days
    return _HallData(counts=dense, seen=seen, minutes=grid, x=cal_x[lo:hi],
                     group=cal_group[lo:hi], kinds=cal_kinds[lo:hi],
                     hours=None if hall is None else _hours_mask(hall, grid),
                     parent=parent, partial=partial, interval=interval,
                     first_day=dt.date(1970, 1, 1) + dt.timedelta(days=first))


def forecast_arrivals(history: pd.DataFrame, horizon_days: int = 7, *,
                      calendar: HallCalendar | None = None, country: str = "CN",
                      halls: Mapping[str, Hall] | None = None,
                      coverage: float = 0.80,
                      validation_weeks: int = VALIDATION_WEEKS,
                      observed_today: pd.DataFrame | None = None,
                      now: dt.datetime | None = None) -> pd.DataFrame:
    """Forecast arrivals per interval for the ``horizon_days`` days after the history.

    Parameters
    ----------
    history:
        Columns ``hall_id, interval_start, arrivals``: counts per regular
        interval (5, 10, 15, 30 or 60 minutes, inferred per hall); gaps (missing
        rows or NaN arrivals: not zeros) and closed hours allowed; one or
        many halls.
    horizon_days:
        Days to forecast, starting the day after each hall's last day.
    calendar:
        Official calendar (holidays, make-up working days); default
        ``HallCalendar(country)``.
    country:
        Country of the default calendar.
    halls:
        Optional hall records: their published hours (and holiday hours)
        decide which intervals are forecast; otherwise the hours are learnt
        from the history.
    coverage:
        Central coverage of the prediction interval (0.80 gives ``lo80``,
        ``hi80``; the column names stay ``lo80``/``hi80``).
    validation_weeks:
        Inner rolling origins (one week apart, at the end of each hall's
        history) that choose the combination of the structural and the
        recent same-weekday component and calibrate the interval; 0 gives
        the structural model with uncalibrated intervals.
    observed_today, now:
        Intraday update (both or neither): today's arrivals so far
        (``hall_id, interval_start, arrivals``) and the current time; the
        history ends yesterday. The rest of ``now``'s day is revised by
        :func:`queueopt.intraday.update_forecast` with each hall's rule
        fitted on its history (:func:`queueopt.intraday.fit_intraday`), and
        the columns ``updated``, ``level_factor`` and ``seen_arrivals`` are
        added.

    Returns
    -------
    pandas.DataFrame
        ``hall_id, interval_start, arrivals`` (mean count per interval),
        ``lo80, hi80`` (prediction interval of the count), ``day_kind``
        and ``warning`` (non-empty when the history is short).

    Raises
    ------
    ValueError
        Missing columns, negative counts, or fewer than 7 open days for a hall.

    Examples
    --------
    >>> from queueopt.synth import generate_region
    >>> r = generate_region(n_halls=1, weeks=6, seed=2, with_tickets=False)
    >>> f = forecast_arrivals(r.footfall, horizon_days=7)
    >>> f["interval_start"].dt.date.nunique(), bool((f["lo80"] <= f["hi80"]).all())
    (7, True)
    """
    _check_arguments(history, horizon_days, validation_weeks, observed_today, now)
    if observed_today is not None and now is not None:
        from queueopt.intraday import (  # intraday builds on this module
            fit_intraday,
            update_forecast,
        )

        cal = calendar or HallCalendar(country)
        fc = forecast_arrivals(history, horizon_days, calendar=cal, halls=halls,
                               coverage=coverage, validation_weeks=validation_weeks)
        return update_forecast(fc, observed_today, now, fit_intraday(history, calendar=cal,
                                                                     coverage=coverage),
                               coverage=coverage)
    counts_all = pd.to_numeric(history[ARRIVALS], errors="coerce").to_numpy(dtype=float)
    if (counts_all < 0).any():
        raise ValueError("history has negative arrivals")
    # a gap (NaN: the hall should have been open but nothing was logged) is missing, not
    # zero: its intervals are unseen and a day with one is no example of a daily total
    starts = pd.to_datetime(history[INTERVAL_START])
    if len(history) == 0:
        return pd.DataFrame(columns=_COLUMNS)
    alpha = (1 - coverage) / 2
    names, datas, warnings = _halls_history(history, starts, counts_all, halls,
                                            calendar or HallCalendar(country), horizon_days)
    origins = [_inner_origins(d, validation_weeks) for d in datas]
    global_inner, global_final = _global(datas, origins, horizon_days, validation_weeks > 0)
    parts: dict[str, list[npt.NDArray[np.generic]]] = {k: [] for k in _PARTS}
    for i, data in enumerate(datas):
        part = _hall_forecast(data, origins[i], global_inner[i], global_final[i], alpha,
                              coverage, validation_weeks, horizon_days, warnings[i])
        part["hall"] = np.full(len(part["mean"]), i)
        for k in _PARTS:
            parts[k].append(part[k])
    if not any(len(p) for p in parts["mean"]):
        return pd.DataFrame(columns=_COLUMNS)
    return _forecast_frame(parts, names, starts.dtype, alpha)


_COLUMNS = [HALL_ID, INTERVAL_START, ARRIVALS, "lo80", "hi80", "day_lo80", "day_hi80",
            "day_kind", "warning"]
"""The columns of :func:`forecast_arrivals`' frame."""

_PARTS = ("hall", "minute", "mean", "phi", "shrink", "kind", "warning", "day_lo", "day_hi")
"""Per forecast interval, what each hall contributes to the frame."""


def _check_arguments(history: pd.DataFrame, horizon_days: int, validation_weeks: int,
                     observed_today: pd.DataFrame | None, now: dt.datetime | None) -> None:
    """Raise ValueError for a history without its columns or arguments out of range."""
    missing = {HALL_ID, INTERVAL_START, ARRIVALS} - set(history.columns)
    if missing:
        raise ValueError(f"history is missing column(s) {sorted(missing)}")
    if horizon_days < 1:
        raise ValueError(f"horizon_days={horizon_days} must be >= 1")
    if validation_weeks < 0:
        raise ValueError(f"validation_weeks={validation_weeks} must be >= 0")
    if (observed_today is None) != (now is None):
        raise ValueError("observed_today and now go together: give both or neither")


def _halls_history(history: pd.DataFrame, starts: pd.Series, counts_all: FloatArray,
                   halls: Mapping[str, Hall] | None, cal: HallCalendar, horizon_days: int
                   ) -> tuple[pd.Index, list[_HallData], list[str]]:
    """Each hall's history on the calendar (hall ids sorted), and its short-history warning.

    The calendar is worked out once for every hall: from the first history day to the
    last forecast day. Raises ValueError for a hall with fewer than 7 open days.
    """
    minute_all = starts.to_numpy().astype("datetime64[m]").astype(np.int64)
    codes, names = pd.factorize(history[HALL_ID], sort=True)
    order = np.lexsort((minute_all, codes))
    bounds = np.searchsorted(codes[order], np.arange(len(names) + 1))
    day0 = int(minute_all.min() // 1440)
    day1 = int(minute_all.max() // 1440) + horizon_days
    epoch = dt.date(1970, 1, 1)
    cal_days = [epoch + dt.timedelta(days=k) for k in range(day0, day1 + 1)]
    cal_kinds = cal.day_kinds(cal_days)
    cal_acts = cal.acts_as_weekdays(cal_days)
    cal_x = _design(cal_days, cal_kinds, cal_days[-1], cal_acts)
    cal_group = np.array([DAY_GROUPS.index(_day_group(k, w)) for k, w in zip(cal_kinds, cal_acts)])
    parent = _parent_index(cal)
    datas: list[_HallData] = []
    warnings: list[str] = []
    for i, name in enumerate(names):
        rows = order[bounds[i]:bounds[i + 1]]
        minute = minute_all[rows]
        interval = infer_interval_minutes(pd.Series(starts.iloc[rows].to_numpy()))
        hall = None if halls is None else halls.get(str(name))
        data = _hall_data(minute, counts_all[rows], interval, hall, day0, cal_x, cal_group,
                          cal_kinds, horizon_days, parent)
        n_days = data.counts.shape[0]
        open_days = int((data.counts.sum(axis=1) > 0).sum())
        if open_days < 7:
            raise ValueError(
                f"hall {name}: only {open_days} open days of history; "
                "at least 7 are needed to forecast")
        datas.append(data)
        warnings.append("" if n_days >= MIN_HISTORY_DAYS else (
            f"only {n_days} days of history (< {MIN_HISTORY_DAYS}):"
            " day-of-week and month-end effects are shrunk towards zero"))
    return names, datas, warnings


def _hall_forecast(data: _HallData, origins: list[int], global_inner: list[FloatArray] | None,
                   global_final: FloatArray | None, alpha: float, coverage: float,
                   validation_weeks: int, horizon_days: int, warning: str
                   ) -> dict[str, npt.NDArray[np.generic]]:
    """One hall's forecast intervals (the :data:`_PARTS` but ``hall``): when (minutes since
    1970), the mean count, the NB dispersion, the interval's shrink, the day kind, the
    daily total's interval and the warning."""
    epoch = dt.date(1970, 1, 1)
    n_days = data.counts.shape[0]
    fit = _fit(data, n_days - 1)
    comb, calib = _choose_and_calibrate(data, fit.robust, origins, global_inner,
                                        alpha, coverage, validation_weeks == 0)
    target = np.arange(n_days, n_days + horizon_days)
    stack, phi = _candidates(data, fit, n_days - 1, target, global_final)
    mean = ensemble.combine(stack, comb)
    keep = np.isfinite(mean)
    day_i, slot_i = np.nonzero(keep)
    first = (data.first_day - epoch).days
    # the daily total's interval: conformal on the inner days, else the structural model's
    # lognormal daily-total error (sigma_day growing with the horizon)
    day_total = np.where(keep, mean, 0.0).sum(axis=1)
    if np.isfinite(calib.day_lo):
        lo_f = np.full(len(target), calib.day_lo)
        hi_f = np.full(len(target), calib.day_hi)
    else:
        sig = fit.sigma_day * np.sqrt(1.0 + 0.05 * np.arange(len(target)))
        z = float(special.ndtri(1 - alpha))  # scipy.stats.norm.ppf
        lo_f, hi_f = np.exp(-z * sig), np.exp(z * sig)
    row_warning = np.full(len(day_i), warning, dtype=object)
    if fit.holiday_unseen:
        hol = data.group[target[day_i]] == DAY_GROUPS.index("holiday")
        row_warning[hol] = "; ".join(filter(None, [
            warning, ("no holiday in the history: forecast as an ordinary day of the "
                      "same weekday (give the hall's holiday hours in halls.csv to "
                      "be sure)")]))
    return {"minute": (first + target[day_i]) * 1440 + data.minutes[slot_i],
            "mean": mean[keep], "phi": calib.scale * phi[day_i],
            "shrink": np.full(len(day_i), calib.shrink),
            "kind": np.asarray(data.kinds, dtype=object)[target[day_i]],
            "day_lo": (day_total * lo_f)[day_i], "day_hi": (day_total * hi_f)[day_i],
            "warning": row_warning}


def _forecast_frame(parts: dict[str, list[npt.NDArray[np.generic]]], names: pd.Index,
                    dtype: np.dtype, alpha: float) -> pd.DataFrame:
    """:func:`forecast_arrivals`' frame from the halls' parts: the count intervals are the
    NB quantiles, shrunk where the calibration says so; times in ``dtype``."""
    mean = np.concatenate(parts["mean"])
    phi = np.concatenate(parts["phi"])
    lo, hi = _nb_interval(mean, phi, alpha)
    shrink = np.concatenate(parts["shrink"])
    narrow = shrink < 1.0
    lo[narrow], hi[narrow] = _shrink(mean[narrow], lo[narrow], hi[narrow], shrink[narrow])
    when = np.concatenate(parts["minute"]).astype("datetime64[m]")
    return pd.DataFrame({
        HALL_ID: np.asarray([str(n) for n in names], dtype=object)[np.concatenate(parts["hall"])],
        INTERVAL_START: pd.to_datetime(when).astype(dtype),
        ARRIVALS: mean, "lo80": lo, "hi80": hi,
        "day_lo80": np.concatenate(parts["day_lo"]), "day_hi80": np.concatenate(parts["day_hi"]),
        "day_kind": np.concatenate(parts["kind"]), "warning": np.concatenate(parts["warning"])})


def _global(datas: list[_HallData], origins: list[list[int]], horizon_days: int, use: bool
            ) -> tuple[list[list[FloatArray] | None], list[FloatArray | None]]:
    """The global model's inner-fold and final forecasts per hall (None where it has none).

    Two fits over the region: one on each hall's history up to its earliest
    inner origin (forecasting every inner fold from that fold's own origin),
    one on the whole history (the forecast). Halls with less than
    :data:`GLOBAL_MIN_DAYS` of history take no part.
    """
    n = len(datas)
    inner: list[list[FloatArray] | None] = [None] * n
    final: list[FloatArray | None] = [None] * n
    members = [i for i, d in enumerate(datas) if use and d.counts.shape[0] >= GLOBAL_MIN_DAYS]
    if not members:
        return inner, final
    import lightgbm  # noqa: F401  (loaded here, on this thread, only when needed)

    from queueopt.regional_forecast import global_forecasts

    days = [datas[i].counts.shape[0] for i in members]
    ahead = min(horizon_days, 7)  # lags of the same weekday reach a week ahead
    with_folds = [i for i in members if origins[i]]
    recent = [origins[i][:GLOBAL_INNER_FOLDS] for i in with_folds]
    # the two fits are independent and LightGBM trains without the GIL: the inner one runs on
    # a worker thread meanwhile (each model on one thread, so the same models either way)
    with ThreadPoolExecutor(max_workers=1, thread_name_prefix="queueopt-fit") as worker:
        inner_fit = worker.submit(
            global_forecasts, [datas[i] for i in with_folds], [min(o) for o in recent],
            [[(o, np.arange(o + 1, o + 8)) for o in os_] for os_ in recent]) \
            if with_folds else None
        res = global_forecasts(
            [datas[i] for i in members], [n_d - 1 for n_d in days],
            [[(n_d - 1, np.arange(n_d, n_d + ahead))] for n_d in days])
        res_in = inner_fit.result() if inner_fit is not None else None
    if res is None:
        return inner, final
    for i, r in zip(members, res):
        final[i] = r[0]
    if res_in is not None:
        for i, os_, r in zip(with_folds, recent, res_in):
            nan = np.full_like(r[0], np.nan)
            inner[i] = r + [nan] * (len(origins[i]) - len(os_))
    return inner, final


def _nb_interval(mean: FloatArray, phi: FloatArray, alpha: float) -> tuple[FloatArray, FloatArray]:
    """Quantiles ``alpha`` and ``1 - alpha`` of NB(mean, Var = mean + phi mean^2) (counts)."""
    mean = np.maximum(mean, 1e-12)
    lo = np.empty_like(mean)
    hi = np.empty_like(mean)
    pois = phi <= 0
    lo[pois] = poisson_ppf(alpha, mean[pois])
    hi[pois] = poisson_ppf(1 - alpha, mean[pois])
    nb = ~pois
    n = 1.0 / phi[nb]
    p = n / (n + mean[nb])
    lo[nb] = nbinom_ppf(alpha, n, p)
    hi[nb] = nbinom_ppf(1 - alpha, n, p)
    return lo, hi


# The two quantile functions below are scipy.stats' own algorithms on scipy.special's
# functions: importing scipy.stats costs about half a second, paid by the app's first page.
def poisson_ppf(q: float, mu: FloatArray) -> FloatArray:
    """``scipy.stats.poisson.ppf(q, mu)`` for ``0 < q < 1`` (counts; ``nan`` where ``mu`` is
    negative or ``nan``)."""
    mu = np.asarray(mu, dtype=float)
    out = np.full(mu.shape, np.nan)
    ok = mu >= 0
    vals = np.ceil(special.pdtrik(q, mu[ok]))
    below = np.maximum(vals - 1, 0)
    out[ok] = np.where(special.pdtr(below, mu[ok]) >= q, below, vals)
    return out


def nbinom_ppf(q: float, n: FloatArray, p: FloatArray) -> FloatArray:
    """``scipy.stats.nbinom.ppf(q, n, p)`` for ``0 < q < 1`` (counts; ``nan`` outside
    ``n > 0``, ``0 < p <= 1``)."""
    from scipy.special import _ufuncs

    n, p = np.broadcast_arrays(np.asarray(n, dtype=float), np.asarray(p, dtype=float))
    ppf = getattr(_ufuncs, "_nbinom_ppf", None)
    if ppf is None:  # scipy < 1.12 keeps it in scipy.stats
        from scipy import stats

        return np.asarray(stats.nbinom.ppf(q, n, p), dtype=float)
    out = np.full(n.shape, np.nan)
    ok = (n > 0) & (p > 0) & (p <= 1)
    with np.errstate(over="ignore"):
        out[ok] = ppf(q, n[ok], p[ok])
    return out


def forecast_mix(tickets: pd.DataFrame, intervals: pd.DataFrame, *,
                 calendar: HallCalendar | None = None, prior_strength: float = 50.0
                 ) -> pd.DataFrame:
    """Transaction-mix forecast: share of each type per forecast interval.

    Shares are counted per hall, day group and hour of day in the ticket log
    and shrunk towards the hall's overall shares with ``prior_strength``
    pseudo-tickets, so thin hours borrow from the whole day.

    Parameters
    ----------
    tickets:
        Ticket log (README columns ``hall_id, issued_at, transaction_type``).
    intervals:
        Forecast rows (``hall_id, interval_start``), e.g. from
        :func:`forecast_arrivals`.
    calendar:
        Official calendar for the day groups.
    prior_strength:
        Pseudo-count of the overall mix in each hour's estimate.

    Returns
    -------
    pandas.DataFrame
        ``hall_id, interval_start, transaction_type, share`` (shares sum to 1
        per interval).
    """
    cal = calendar or HallCalendar("CN")
    t = tickets[[HALL_ID, "issued_at", "transaction_type"]].copy()
    dates = t["issued_at"].dt.date
    uniq = sorted(set(dates))
    group_of = {d: _day_group(k, w) for d, k, w in
                zip(uniq, cal.day_kinds(uniq), cal.acts_as_weekdays(uniq))}
    t["group"] = [group_of[d] for d in dates]
    t["hour"] = t["issued_at"].dt.hour
    types = sorted(t["transaction_type"].unique())
    out = []
    for hall_id, part in intervals.groupby(HALL_ID, sort=False):
        tk = t[t[HALL_ID] == hall_id]
        overall = tk["transaction_type"].value_counts(normalize=True).reindex(types, fill_value=0.0)
        counts = tk.groupby(["group", "hour", "transaction_type"]).size().unstack(fill_value=0)
        counts = counts.reindex(columns=types, fill_value=0)
        starts = pd.to_datetime(part[INTERVAL_START])
        fdates = starts.dt.date
        fu = sorted(set(fdates))
        fgroup = {d: _day_group(k, w) for d, k, w in
                  zip(fu, cal.day_kinds(fu), cal.acts_as_weekdays(fu))}
        groups = [fgroup[d] for d in fdates]
        hours = starts.dt.hour.to_numpy()
        shares = np.empty((len(part), len(types)))
        for i, (g, h) in enumerate(zip(groups, hours)):
            key = (g, int(h))
            row = counts.loc[key].to_numpy(float) if key in counts.index else np.zeros(len(types))
            est = row + prior_strength * overall.to_numpy()
            shares[i] = est / est.sum()
        frame = pd.DataFrame(shares, columns=types)
        frame[HALL_ID] = hall_id
        frame[INTERVAL_START] = starts.to_numpy()
        out.append(frame.melt(id_vars=[HALL_ID, INTERVAL_START], var_name="transaction_type",
                              value_name="share"))
    return pd.concat(out, ignore_index=True) if out else pd.DataFrame(
        columns=[HALL_ID, INTERVAL_START, "transaction_type", "share"])
