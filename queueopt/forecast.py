"""Footfall forecasts per hall and interval, with over-dispersed prediction intervals.

The model splits a hall's arrivals into a **daily total** and an **intraday
profile**, the standard decomposition for call-centre and branch arrivals
(Weinberg, Brown and Stroud, JASA 2007; Ibrahim et al., "Modeling and
forecasting call center arrivals", 2016):

* daily total: a robust, recency-weighted log-linear regression on
  day-of-week, the day of month (month-end ramp from day 21, the first days
  of a month), public holidays and make-up working days (a make-up Saturday
  is a working day), and a linear trend; then a local level: the
  exponentially weighted mean of the last weeks' residuals, so a level shift
  is followed within a couple of weeks. Huber weights (IRLS) make it robust
  to outlier days; missing days simply drop out.
* intraday profile: the share of the day in each time-of-day slot, per day
  group (Monday-Friday and make-up days, Saturday, Sunday, holiday), a
  recency-weighted mean of the daily shares.
* intervals: counts are negative binomial. The intraday dispersion ``k`` is
  estimated per hall from in-sample interval counts given their day's total;
  the daily-total forecast error adds its log-scale variance (from the
  model's own residuals, growing with the horizon). The 80% interval is the
  10% and 90% quantiles of that negative binomial.

Everything is in the history's own interval length (5, 15, 30 or 60 minutes,
inferred from the timestamps).
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Mapping
from dataclasses import dataclass

import numpy as np
import numpy.typing as npt
import pandas as pd
from scipy import stats

from queueopt.calendar import HallCalendar
from queueopt.io import ARRIVALS, HALL_ID, INTERVAL_START, infer_interval_minutes
from queueopt.model import Hall

FloatArray = npt.NDArray[np.float64]

#: Day groups of the intraday profile.
DAY_GROUPS: tuple[str, ...] = ("mon", "tue", "wed", "thu", "fri", "sat", "sun", "holiday")
_PARENT: dict[str, str] = {"mon": "workday", "tue": "workday", "wed": "workday", "thu": "workday",
                           "fri": "workday", "sat": "weekend", "sun": "weekend",
                           "holiday": "holiday"}
PROFILE_SHRINK_DAYS = 3.0
"""Pseudo-days of the pooled profile in each weekday's profile."""
MIN_HISTORY_DAYS = 28
"""Below four weeks the forecast falls back to a plain profile (warning column set)."""
HALF_LIFE_DAYS = 42.0
"""Recency weight of the daily regression: a day six weeks old counts half."""
LEVEL_HALF_LIFE_DAYS = 7.0
PROFILE_HALF_LIFE_DAYS = 21.0
"""Recency weight of the intraday profile: schedules and habits drift within a season."""
"""Half-life of the local level that follows recent changes."""


@dataclass(frozen=True, slots=True)
class _HallModel:
    coef: FloatArray
    level: float
    sigma_day: float
    k_intraday: float
    profiles: dict[str, FloatArray]
    slots: dict[str, FloatArray]
    interval: int
    last_day: dt.date
    first_day: dt.date
    warning: str


def _day_group(day: dt.date, kind: str) -> str:
    if kind == "holiday":
        return "holiday"
    if kind == "makeup":
        return "mon"  # a make-up weekend day works like a Monday (the design does the same)
    return DAY_GROUPS[day.weekday()]


def _design(days: list[dt.date], kinds: list[str], origin: dt.date) -> FloatArray:
    """Regression features of the daily log-total (one row per day)."""
    n = len(days)
    x = np.zeros((n, 12))
    for i, (d, k) in enumerate(zip(days, kinds)):
        x[i, 0] = 1.0
        dow = 0 if k == "makeup" else d.weekday()  # a make-up day works like a Monday-Friday
        if k != "holiday" and dow > 0:
            x[i, dow] = 1.0  # columns 1..6: Tue..Sun vs Monday
        x[i, 7] = 1.0 if k == "holiday" else 0.0
        x[i, 8] = 1.0 if d.day >= 21 else 0.0
        x[i, 9] = max(d.day - 21, 0) / 10.0
        x[i, 10] = 1.0 if d.day <= 3 else 0.0
        x[i, 11] = (d - origin).days / 365.0
    return x


def _fit_daily(y: FloatArray, x: FloatArray, age: FloatArray) -> tuple[FloatArray, FloatArray]:
    """Huber-weighted, recency-weighted least squares of the log daily totals."""
    w_time = 0.5 ** (age / HALF_LIFE_DAYS)
    # weak ridge prior keeps unseen effects (e.g. no holiday in history) near zero,
    # and the holiday effect near a typical -0.3 (a third fewer visitors)
    prior = np.zeros(x.shape[1])
    prior[7] = -0.3
    ridge = np.full(x.shape[1], 0.5)
    ridge[0] = 0.0
    ridge[11] = 0.05
    w = w_time.copy()
    coef = np.zeros(x.shape[1])
    for _ in range(4):
        xtw = x.T * w
        a = xtw @ x + np.diag(ridge)
        b = xtw @ y + ridge * prior
        coef = np.linalg.solve(a, b)
        r = y - x @ coef
        scale = 1.4826 * np.median(np.abs(r - np.median(r))) + 1e-6
        u = np.abs(r) / (1.345 * scale)
        w = w_time * np.where(u <= 1, 1.0, 1.0 / np.maximum(u, 1e-12))
    return coef, y - x @ coef


def _fit_hall(part: pd.DataFrame, calendar: HallCalendar, hall: Hall | None) -> _HallModel:
    t = part[INTERVAL_START]
    interval = infer_interval_minutes(t)
    day = t.dt.normalize()
    slot = ((t - day).dt.total_seconds() // 60).astype(int).to_numpy()
    counts = part[ARRIVALS].to_numpy(dtype=float)
    days_idx, day_of_row = np.unique(day.to_numpy(), return_inverse=True)
    totals = np.bincount(day_of_row, weights=counts)
    dates = [pd.Timestamp(d).date() for d in days_idx]
    kinds = calendar.day_kinds(dates)
    open_day = totals > 0
    first_day, last_day = dates[0], dates[-1]
    n_days = int(open_day.sum())
    warning = ""
    if n_days < 7:
        raise ValueError(
            f"hall {part[HALL_ID].iloc[0]}: only {n_days} open days of history; "
            "at least 7 are needed to forecast")
    if (last_day - first_day).days + 1 < MIN_HISTORY_DAYS:
        warning = (f"only {(last_day - first_day).days + 1} days of history (< {MIN_HISTORY_DAYS}):"
                   " day-of-week and month-end effects are shrunk towards zero")
    x = _design(dates, kinds, last_day)[open_day]
    y = np.log(totals[open_day])
    age = np.array([(last_day - d).days for d in dates], dtype=float)[open_day]
    coef, resid = _fit_daily(y, x, age)
    # local level: recent residuals, exponentially weighted
    lw = 0.5 ** (age / LEVEL_HALF_LIFE_DAYS)
    level = float(np.sum(lw * resid) / np.sum(lw)) if len(resid) else 0.0
    # one-step-ahead-like error of the daily total: residual spread after the level
    sigma_day = float(np.sqrt(np.average((resid - level) ** 2, weights=lw + 0.2)))
    # intraday profiles per weekday (and holiday), shrunk towards the pooled
    # working-day or weekend profile: a weekday seen few times borrows from its group
    groups = np.array([_day_group(d, k) for d, k in zip(dates, kinds)])
    share = counts / np.where(totals[day_of_row] > 0, totals[day_of_row], 1.0)
    age_all = np.array([(last_day - d).days for d in dates], dtype=float)
    w_day = 0.5 ** (age_all / PROFILE_HALF_LIFE_DAYS)
    rows = open_day[day_of_row]
    frame = pd.DataFrame({"day": day_of_row[rows], "slot": slot[rows], "share": share[rows],
                          "w": w_day[day_of_row[rows]], "group": groups[day_of_row[rows]]})
    frame["parent"] = frame["group"].map(_PARENT)
    frame["ws"] = frame["w"] * frame["share"]

    def profile(key: str) -> tuple[pd.Series, pd.Series]:
        days = frame.drop_duplicates("day")
        den = days.groupby(key)["w"].sum()
        n_days = days.groupby(key).size()
        agg = frame.groupby([key, "slot"]).agg(num=("ws", "sum"), seen=("day", "nunique"))
        g_index = agg.index.get_level_values(0)
        agg = agg[agg["seen"].to_numpy() >= 0.3 * n_days.reindex(g_index).to_numpy()]
        prof = agg["num"] / den.reindex(agg.index.get_level_values(0)).to_numpy()
        return prof, n_days

    own, n_own = profile("group")
    pooled, _ = profile("parent")
    profiles: dict[str, FloatArray] = {}
    slots: dict[str, FloatArray] = {}
    for g in own.index.get_level_values(0).unique():
        p_own = own.loc[g]
        parent = pooled.loc[_PARENT[g]].reindex(p_own.index).fillna(p_own)
        n = float(n_own[g])
        prof = ((n * p_own + PROFILE_SHRINK_DAYS * parent) / (n + PROFILE_SHRINK_DAYS)).to_numpy()
        profiles[str(g)] = prof / prof.sum() if prof.sum() > 0 else prof
        slots[str(g)] = p_own.index.to_numpy(dtype=float)
    if hall is not None:
        slots, profiles = _apply_hall_hours(hall, slots, profiles, interval)
    # intraday over-dispersion k from counts given their day's total
    lookup = pd.Series({(g, int(sl)): p for g in profiles for sl, p in zip(slots[g], profiles[g])})
    keys = pd.MultiIndex.from_arrays([groups[day_of_row], slot])
    mu = totals[day_of_row] * lookup.reindex(keys).fillna(0.0).to_numpy()
    good = mu > 0
    excess = np.sum((counts[good] - mu[good]) ** 2 - mu[good])
    k = float(np.sum(mu[good] ** 2) / excess) if excess > 0 else 1e6
    return _HallModel(coef=coef, level=level, sigma_day=max(sigma_day, 0.02),
                      k_intraday=float(np.clip(k, 0.5, 1e6)), profiles=profiles, slots=slots,
                      interval=interval, last_day=last_day, first_day=first_day, warning=warning)


def _apply_hall_hours(hall: Hall, slots: dict[str, FloatArray], profiles: dict[str, FloatArray],
                      interval: int) -> tuple[dict[str, FloatArray], dict[str, FloatArray]]:
    """Restrict (or extend, flat) each group's profile to the hall's published hours."""
    hours = {g: hall.hours[i] for i, g in enumerate(DAY_GROUPS[:7])}
    hours["holiday"] = hall.holiday_hours
    out_s: dict[str, FloatArray] = {}
    out_p: dict[str, FloatArray] = {}
    for g, h in hours.items():
        if not h.is_open:
            continue
        first = -(-h.open_minute // interval) * interval
        grid = np.arange(first, h.close_minute, interval, dtype=float)
        src_g = g if g in profiles else ("mon" if "mon" in profiles else next(iter(profiles)))
        lookup = dict(zip(slots[src_g].astype(int), profiles[src_g]))
        prof = np.array([lookup.get(int(s), np.nan) for s in grid])
        fill = np.nanmin(prof) if np.isfinite(prof).any() else 1.0
        prof = np.where(np.isfinite(prof), prof, fill)
        out_s[g] = grid
        out_p[g] = prof / prof.sum()
    return out_s, out_p


def forecast_arrivals(history: pd.DataFrame, horizon_days: int = 7, *,
                      calendar: HallCalendar | None = None, country: str = "CN",
                      halls: Mapping[str, Hall] | None = None,
                      coverage: float = 0.80) -> pd.DataFrame:
    """Forecast arrivals per interval for the ``horizon_days`` days after the history.

    Parameters
    ----------
    history:
        Columns ``hall_id, interval_start, arrivals``: counts per regular
        interval (5, 15, 30 or 60 minutes, inferred per hall); gaps and
        closed hours allowed; one or many halls.
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
    missing = {HALL_ID, INTERVAL_START, ARRIVALS} - set(history.columns)
    if missing:
        raise ValueError(f"history is missing column(s) {sorted(missing)}")
    if horizon_days < 1:
        raise ValueError(f"horizon_days={horizon_days} must be >= 1")
    hist = history[[HALL_ID, INTERVAL_START, ARRIVALS]].copy()
    hist[INTERVAL_START] = pd.to_datetime(hist[INTERVAL_START])
    if (hist[ARRIVALS] < 0).any():
        raise ValueError("history has negative arrivals")
    cal = calendar or HallCalendar(country)
    frames = []
    alpha = (1 - coverage) / 2
    for hall_id, part in hist.groupby(HALL_ID, sort=True):
        part = part.sort_values(INTERVAL_START)
        model = _fit_hall(part, cal, None if halls is None else halls.get(str(hall_id)))
        frames.append(_predict(str(hall_id), model, horizon_days, cal, alpha))
    if not frames:
        return pd.DataFrame(columns=[HALL_ID, INTERVAL_START, ARRIVALS, "lo80", "hi80",
                                     "day_kind", "warning"])
    return pd.concat(frames, ignore_index=True)


def _predict(hall_id: str, model: _HallModel, horizon_days: int, cal: HallCalendar,
             alpha: float) -> pd.DataFrame:
    days = [model.last_day + dt.timedelta(days=k) for k in range(1, horizon_days + 1)]
    kinds = cal.day_kinds(days)
    x = _design(days, kinds, model.last_day)
    log_total = x @ model.coef + model.level
    rows = []
    for i, (d, k) in enumerate(zip(days, kinds)):
        g = _day_group(d, k)
        if g not in model.profiles:
            continue  # the hall does not open on this kind of day
        # forecast error of the day's total grows slowly with the horizon
        sigma = model.sigma_day * np.sqrt(1.0 + 0.05 * i)
        total = np.exp(log_total[i] + 0.5 * sigma ** 2)
        mean = total * model.profiles[g]
        # negative binomial: Var = mu + mu^2 (1/k + (e^{sigma^2} - 1))
        inv_k = 1.0 / model.k_intraday + np.expm1(sigma ** 2)
        n_nb = 1.0 / inv_k
        p_nb = n_nb / (n_nb + np.maximum(mean, 1e-12))
        lo = stats.nbinom.ppf(alpha, n_nb, p_nb)
        hi = stats.nbinom.ppf(1 - alpha, n_nb, p_nb)
        start = pd.Timestamp(d) + pd.to_timedelta(model.slots[g], unit="min")
        rows.append(pd.DataFrame({HALL_ID: hall_id, INTERVAL_START: start, ARRIVALS: mean,
                                  "lo80": lo, "hi80": hi, "day_kind": k,
                                  "warning": model.warning}))
    if not rows:
        return pd.DataFrame(columns=[HALL_ID, INTERVAL_START, ARRIVALS, "lo80", "hi80",
                                     "day_kind", "warning"])
    return pd.concat(rows, ignore_index=True)


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
    kind_of = dict(zip(uniq, cal.day_kinds(uniq)))
    t["group"] = [_day_group(d, kind_of[d]) for d in dates]
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
        fkind = dict(zip(fu, cal.day_kinds(fu)))
        groups = [_day_group(d, fkind[d]) for d in fdates]
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
